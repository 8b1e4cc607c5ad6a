/**
 * A persistent watch as an async iterable, with a bounded buffer and an explicit policy for a
 * consumer that falls behind (zk-clients-survey §10.3: peers either buffer without bound or drop
 * events silently). The stream owns one watcher; the client supplies how to set and remove the
 * server watch and tells it the session's state changes.
 *
 * A server restores a persistent watch after a reconnect without replaying what changed in
 * between (unlike one-shot watches, SetWatches2 makes no zxid check for them), so the stream
 * says when that can have happened: `{ type: "None", state: "Disconnected" }` when the
 * connection drops, `{ type: "None", state: "SyncConnected" }` once the watch is active again.
 * A consumer re-reads what it tracks on the latter.
 */
import { badArguments, ErrorCode, ZooKeeperError } from "../protocol/errors.ts";
import type { WatchedEvent, Watcher } from "../protocol/events.ts";
import { Queue } from "./queue.ts";
import type { AddWatchMode } from "./operations.ts";
import type { SignalOptions } from "./request.ts";
import type { StateEvent } from "./session-state.ts";

/** What a {@link WatchStream} does when `bufferSize` events wait and another arrives. */
export type OverflowPolicy = "error" | "dropOldest";

/** The stream's buffer filled up under the `"error"` policy: events were lost from here on. */
export class WatchOverflowError extends Error {
  override readonly name = "WatchOverflowError";

  constructor(readonly path: string, readonly bufferSize: number) {
    super(
      `more than ${bufferSize} events for ${path} waited for the consumer; the watch was stopped (raise bufferSize, or use overflow: "dropOldest")`,
    );
  }
}

/** The events of one persistent watch; `for await` it, `break` (or `close()`) to stop watching. */
export interface WatchStream extends AsyncIterableIterator<WatchedEvent> {
  /** Events dropped so far (the `"dropOldest"` policy). */
  readonly dropped: number;
  /** Stops watching: the server watch is removed and iteration ends. */
  close(): Promise<void>;
}

/** Options of {@link ZooKeeperClient.watch}. */
export interface WatchStreamOptions extends SignalOptions {
  /** `persistent-recursive` (default): the node and every descendant; `persistent`: the node itself. */
  readonly mode?: AddWatchMode;
  /** Events held while the consumer is busy. Default 1 024. */
  readonly bufferSize?: number;
  /**
   * When the buffer is full: `"error"` (default) stops the watch and throws a
   * `WatchOverflowError` after the buffered events; `"dropOldest"` drops the oldest and counts
   * it in `dropped`.
   */
  readonly overflow?: OverflowPolicy;
}

/** How the stream reaches the client. */
export interface WatchStreamHooks {
  readonly path: string;
  readonly bufferSize: number;
  readonly overflow: OverflowPolicy;
  readonly signal: AbortSignal | undefined;
  /** Sets the server watch for `watcher`; a rejection ends the stream with that error. */
  register(watcher: Watcher): Promise<void>;
  /** Removes it (at least locally). */
  unregister(watcher: Watcher): Promise<void>;
  /** Subscribes to the client's state events; returns an unsubscribe. */
  onState(listener: (event: StateEvent) => void): () => void;
  /**
   * Resolves once the server has processed everything the session sent before (a request's
   * reply): after a reconnect, that includes the SetWatches2 restoring the watch.
   */
  resync(): Promise<unknown>;
}

const DONE: IteratorResult<WatchedEvent> = { done: true, value: undefined };

/** Opens the stream: the watch is set at once, so events count from this call on. */
export function openWatchStream(hooks: WatchStreamHooks): WatchStream {
  const buffer = new Queue<WatchedEvent>();
  let waiter: { resolve(r: IteratorResult<WatchedEvent>): void; reject(e: unknown): void } | undefined;
  let ended = false;
  /** Thrown once the buffered events are consumed (overflow, expiry, abort, registration failure). */
  let failure: unknown;
  let failed = false;
  let dropped = 0;
  let watchSet = false;

  const push = (event: WatchedEvent) => {
    if (waiter !== undefined) {
      const w = waiter;
      waiter = undefined;
      w.resolve({ done: false, value: event });
      return;
    }
    if (buffer.length < hooks.bufferSize) {
      buffer.push(event);
    } else if (hooks.overflow === "dropOldest") {
      buffer.shift();
      buffer.push(event);
      dropped++;
    } else {
      end(new WatchOverflowError(hooks.path, hooks.bufferSize));
    }
  };

  const watcher: Watcher = (event) => {
    if (ended) return;
    if (event.type === "None") {
      // Per-call watchers hear only the states after which their watch can never fire.
      if (event.state === "Expired") {
        end(new ZooKeeperError(ErrorCode.SessionExpired, { op: "addWatch", path: hooks.path }));
      } else if (event.state === "AuthFailed") {
        end(new ZooKeeperError(ErrorCode.AuthFailed, { op: "addWatch", path: hooks.path }));
      }
      return;
    }
    if (event.type === "PersistentWatchRemoved") {
      // Removed behind the stream's back (removeWatches "any"): nothing more will come.
      watchSet = false;
      end(undefined);
      return;
    }
    push(event);
  };

  const terminal = (event: StateEvent): ZooKeeperError | undefined => {
    const code = event === "expired"
      ? ErrorCode.SessionExpired
      : event === "authFailed"
      ? ErrorCode.AuthFailed
      : undefined;
    return code === undefined ? undefined : new ZooKeeperError(code, { op: "addWatch", path: hooks.path });
  };
  const offSession = hooks.onState((event) => {
    if (ended) return;
    if (event === "closed" || event === "expired" || event === "authFailed") {
      watchSet = false; // the session took the watch with it
      end(terminal(event));
    } else if (event === "disconnected") {
      push({ type: "None", state: "Disconnected", path: null });
    } else if (event === "reconnected" || event === "readOnly") {
      const state = event === "readOnly" ? "ConnectedReadOnly" : "SyncConnected";
      hooks.resync().then(() => {
        if (!ended) push({ type: "None", state, path: null });
      }, () => {}); // a failed resync means the connection dropped again: "Disconnected" follows
    }
  });
  const onAbort = () => end(hooks.signal?.reason);
  hooks.signal?.addEventListener("abort", onAbort, { once: true });

  let removal: Promise<void> = Promise.resolve();
  function end(error: unknown): void {
    if (ended) return;
    ended = true;
    offSession();
    hooks.signal?.removeEventListener("abort", onAbort);
    if (error !== undefined) {
      failure = error;
      failed = true;
    }
    if (watchSet) {
      watchSet = false;
      removal = hooks.unregister(watcher).catch(() => {});
    }
    if (waiter !== undefined) {
      const w = waiter;
      waiter = undefined;
      settleEnded(w);
    }
  }

  /** Hands the end to a waiting `next()`: the failure once, then done. */
  function settleEnded(w: { resolve(r: IteratorResult<WatchedEvent>): void; reject(e: unknown): void }): void {
    if (failed) {
      failed = false;
      w.reject(failure);
    } else {
      w.resolve(DONE);
    }
  }

  let registered: Promise<void> = Promise.resolve();
  if (hooks.signal?.aborted) {
    end(hooks.signal.reason);
  } else {
    registered = hooks.register(watcher).then(
      () => {
        // Aborted or closed while the watch was being set: take it off again.
        if (ended) removal = hooks.unregister(watcher).catch(() => {});
        else watchSet = true;
      },
      (error: unknown) => end(error),
    );
  }

  const stream: WatchStream = {
    get dropped() {
      return dropped;
    },
    async next() {
      await registered;
      const event = buffer.shift();
      if (event !== undefined) return { done: false, value: event };
      return new Promise<IteratorResult<WatchedEvent>>((resolve, reject) => {
        const w = { resolve, reject };
        if (ended) settleEnded(w);
        else waiter = w;
      });
    },
    async return() {
      await stream.close();
      return DONE;
    },
    async close() {
      await registered;
      end(undefined);
      buffer.drain();
      failed = false;
      await removal;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}

/** What {@link watchStream} needs of a client. */
export interface StreamingClient {
  addWatch(
    path: string,
    watcher: Watcher,
    options: { readonly mode: AddWatchMode; readonly signal: AbortSignal | undefined },
  ): Promise<void>;
  removeWatches(
    path: string,
    type: "persistent" | "persistentRecursive",
    options: { readonly watcher: Watcher; readonly local: true },
  ): Promise<void>;
  on(type: "state", listener: (event: StateEvent) => void): () => void;
  exists(path: string): Promise<unknown>;
}

/** `ZooKeeperClient.watch`: a bad option fails the stream's first `next()`; the watch is set at once. */
export function watchStream(client: StreamingClient, path: string, options: WatchStreamOptions): WatchStream {
  const mode = options.mode ?? "persistent-recursive";
  const bufferSize = options.bufferSize ?? 1024;
  const overflow = options.overflow ?? "error";
  const problem = !Number.isInteger(bufferSize) || bufferSize < 1
    ? badArguments(`bufferSize must be a positive integer, got ${String(bufferSize)}`, "addWatch", path)
    : overflow !== "error" && overflow !== "dropOldest"
    ? badArguments(`overflow must be "error" or "dropOldest", got ${String(overflow)}`, "addWatch", path)
    : undefined;
  return openWatchStream({
    path,
    bufferSize,
    overflow,
    signal: options.signal,
    register: (
      watcher,
    ) => (problem ? Promise.reject(problem) : client.addWatch(path, watcher, { mode, signal: options.signal })),
    unregister: (watcher) =>
      client.removeWatches(path, mode === "persistent" ? "persistent" : "persistentRecursive", {
        watcher,
        local: true,
      }),
    onState: (listener) => client.on("state", listener),
    resync: () => client.exists(path),
  });
}
