/**
 * The client's watches (protocol reference §9): the one owner of the watch tables. It registers
 * the watches of successful reads, adds and removes persistent watches (taking back one whose
 * caller gave up, announcing removals and rolling them back when the server refused), delivers
 * events, and re-arms every watch with SetWatches batches after a reconnect. The session and
 * the client reach the tables only through it.
 */
import { type WatcherEventRecord, type WatchLists, writeSetWatches } from "../jute/records.ts";
import { badArguments, ErrorCode, ZooKeeperError } from "../protocol/errors.ts";
import { eventTypeName, type WatchedEvent, type Watcher } from "../protocol/events.ts";
import { OpCode } from "../protocol/opcodes.ts";
import { type Chroot, validatePath } from "../protocol/paths.ts";
import type { Logger } from "./logger.ts";
import { type AddWatchMode, type Operation, operations } from "./operations.ts";
import type { Request } from "./request.ts";
import { batchWatchLists, type WatcherType, WatcherTypeCode, type WatchKind, WatchRegistry } from "./watch-tables.ts";

/**
 * What became of the session's watches: after a reconnect, which SetWatches re-armed and which
 * the server refused; when the session expired, every watch it had (none can fire any more).
 * Paths are client paths.
 */
export interface WatchReport {
  readonly reason: "reconnected" | "expired";
  /** The zxid the watches were restored relative to: changes after it fire at once. */
  readonly relativeZxid?: bigint;
  readonly restored: WatchLists;
  readonly lost: WatchLists;
}

/** What the watches need around them. */
export interface WatchHooks {
  readonly chroot: Chroot;
  readonly maxFrameSize: number;
  readonly log: Logger;
  /** Sends an operation on the session, as the client's own requests go. */
  send<T>(operation: Operation<T>, signal?: AbortSignal, onLateReply?: (err: number) => void): Promise<T>;
}

/** The session's watches; see the module comment. */
export class Watches {
  readonly #tables = new WatchRegistry();
  /** Per watch kind and server path, the latest addWatch not yet settled (see addWatch's take-back). */
  readonly #pendingAdds = new Map<string, object>();

  constructor(private readonly hooks: WatchHooks) {}

  /** Registers the watch of a read that succeeded (nothing when the read left none). */
  register(kind: WatchKind, serverPath: string, watcher: Watcher | undefined): void {
    if (watcher !== undefined) this.#tables.add(kind, serverPath, watcher);
  }

  /** Watchers run after the current frame, in arrival order, and cannot break the client. */
  deliver(watcher: Watcher, event: WatchedEvent): void {
    queueMicrotask(() => {
      try {
        watcher(event);
      } catch (error) {
        this.hooks.log("error", "a watcher threw", { error, event });
      }
    });
  }

  /**
   * Delivers a node notification to the watchers it reaches, consuming one-shot ones (§9.5).
   * False for a notification of an unknown type, which is ignored.
   */
  notify(record: WatcherEventRecord): boolean {
    const type = eventTypeName(record.type);
    if (type === undefined || type === "None") {
      this.hooks.log("warn", "ignoring a notification of unknown type", { type: record.type, path: record.path });
      return false;
    }
    const event: WatchedEvent = { type, state: "SyncConnected", path: this.hooks.chroot.toClient(record.path) };
    for (const watcher of this.#tables.trigger(type, record.path)) this.deliver(watcher, event);
    return true;
  }

  /** Every distinct registered watcher (told of session states no watch survives). */
  all(): Set<Watcher> {
    return this.#tables.all();
  }

  /** Forgets every watch (the session is gone). */
  clear(): void {
    this.#tables.clear();
  }

  /** Adds a persistent watch (addWatch, 3.6+); see `ZooKeeperClient.addWatch`. */
  add(
    path: string,
    watcher: Watcher,
    options: { readonly mode?: AddWatchMode; readonly signal?: AbortSignal },
  ): Promise<void> {
    validatePath(path, "addWatch");
    if (typeof watcher !== "function") throw badArguments("watcher must be a function", "addWatch", path);
    const mode = options.mode ?? "persistent";
    if (mode !== "persistent" && mode !== "persistent-recursive") {
      throw badArguments(`unknown watch mode ${String(mode)}`, "addWatch", path);
    }
    const kind: WatchKind = mode === "persistent" ? "persistent" : "persistentRecursive";
    const serverPath = this.hooks.chroot.toServer(path);
    // Abandoned after it was sent, the watch may be set on the server all the same: unless
    // another local watcher needs it, it is taken back, so the server sends no events for it.
    // A later addWatch on the same watch still unanswered was sent before the take-back would
    // be: the take-back would remove the watch that one is about to register.
    const key = `${kind} ${serverPath}`;
    const self = {};
    const takeBack = (err: number) => {
      const tables = this.#tables;
      if ((err !== 0 && err !== ErrorCode.NoNode) || tables.has(kind, serverPath) || this.#pendingAdds.has(key)) return;
      const type = tables.removalType(kind, serverPath);
      this.hooks.send({ ...operations.removeWatches(path, serverPath, type), onError: () => {} }).catch(() => {});
    };
    const register = () => this.#tables.add(kind, serverPath, watcher);
    const adding = this.hooks.send(operations.addWatch(path, serverPath, mode, register), options.signal, takeBack);
    // Set once sent (a bad signal throws first); no reply can come before this.
    this.#pendingAdds.set(key, self);
    const settled = () => {
      if (this.#pendingAdds.get(key) === self) this.#pendingAdds.delete(key);
    };
    adding.then(settled, settled);
    return adding;
  }

  /** Removes watches (removeWatches, §9.9); see `ZooKeeperClient.removeWatches`. */
  remove(
    path: string,
    type: WatcherType,
    options: { readonly watcher?: Watcher; readonly local?: boolean },
  ): Promise<void> {
    validatePath(path, "removeWatches");
    if (!Object.hasOwn(WatcherTypeCode, type)) {
      throw badArguments(`unknown watcher type ${String(type)}`, "removeWatches", path);
    }
    const serverPath = this.hooks.chroot.toServer(path);
    const tables = this.#tables;
    if (!tables.has(type, serverPath, options.watcher)) {
      return Promise.reject(new ZooKeeperError(ErrorCode.NoWatcher, { op: "removeWatches", path }));
    }
    const { removed, stillWatched } = tables.remove(type, serverPath, options.watcher);
    const announce = (state: WatchedEvent["state"]) => {
      for (const [watcher, kinds] of removed) {
        const types = new Set(
          kinds.map((
            k,
          ) => (k === "child"
            ? "ChildWatchRemoved"
            : k === "data" || k === "exist"
            ? "DataWatchRemoved"
            : "PersistentWatchRemoved")
          ),
        );
        for (const eventType of types) this.deliver(watcher, { type: eventType, state, path });
      }
    };
    // Another local watch still needs the server-side watch: the removal is local only.
    if (stillWatched) {
      announce("SyncConnected");
      return Promise.resolve();
    }
    const persistentType = type === "persistent" || type === "persistentRecursive";
    const wireType = tables.removalType(type, serverPath);
    return this.hooks.send(operations.removeWatches(path, serverPath, wireType)).then(
      () => announce("SyncConnected"),
      (error: unknown) => {
        const code = error instanceof ZooKeeperError ? error.code : undefined;
        // NoWatcher: the watch already fired on the server. MarshallingError on a typed
        // persistent removal: an older server keeps a stray watch whose events match nothing.
        if (code === "NoWatcher" || (code === "MarshallingError" && persistentType)) {
          announce("SyncConnected");
          return;
        }
        if (options.local) {
          announce("Disconnected");
          return;
        }
        for (const [watcher, kinds] of removed) for (const kind of kinds) tables.add(kind, serverPath, watcher);
        throw error;
      },
    );
  }

  /**
   * Re-arms every watch with SetWatches batches relative to `relativeZxid`, written through
   * `send` (priming, before queued requests). Once every batch is answered, `report` hears what
   * was restored and what was lost, unless `ended()` says the session ended meanwhile (it has a
   * report of its own); a connection lost meanwhile retries them all at the next handshake,
   * which reports instead.
   */
  restore(
    send: (request: Request) => void,
    relativeZxid: bigint,
    ended: () => boolean,
    report: (report: WatchReport) => void,
  ): void {
    const batches = batchWatchLists(this.#tables.lists(), this.hooks.maxFrameSize);
    if (batches.length === 0) return;
    const restored: WatchLists[] = [];
    const lost: WatchLists[] = [];
    let open = batches.length;
    let interrupted = false;
    const settle = () => {
      if (--open > 0 || interrupted || ended()) return;
      report({
        reason: "reconnected",
        relativeZxid,
        restored: this.#clientPaths(restored),
        lost: this.#clientPaths(lost),
      });
    };
    const log = this.hooks.log;
    for (const batch of batches) {
      send({
        op: batch.persistent ? "setWatches2" : "setWatches",
        opcode: batch.persistent ? OpCode.setWatches2 : OpCode.setWatches,
        path: undefined,
        xid: 0,
        encode: (w) => writeSetWatches(w, relativeZxid, batch.lists, batch.persistent),
        complete: (err) => {
          if (err !== 0) log("warn", "restoring watches failed", { err });
          (err === 0 ? restored : lost).push(batch.lists);
          settle();
        },
        fail: (error) => {
          if (error.code === "ConnectionLoss") interrupted = true;
          else {
            log("error", "restoring watches failed", { error });
            lost.push(batch.lists);
          }
          settle();
        },
      });
    }
  }

  /** The report of an expiring session's watches (every one lost), or undefined when it had none. */
  lostAtExpiry(): WatchReport | undefined {
    const watched = this.#tables.lists();
    if (!Object.values(watched).some((paths) => paths.length > 0)) return undefined;
    return { reason: "expired", restored: this.#clientPaths([]), lost: this.#clientPaths([watched]) };
  }

  /** Merges watch lists and turns their server paths into client paths. */
  #clientPaths(parts: readonly WatchLists[]): WatchLists {
    const chroot = this.hooks.chroot;
    const of = (kind: keyof WatchLists) => parts.flatMap((p) => p[kind].map((path) => chroot.toClient(path)));
    return {
      data: of("data"),
      exist: of("exist"),
      child: of("child"),
      persistent: of("persistent"),
      persistentRecursive: of("persistentRecursive"),
    };
  }
}
