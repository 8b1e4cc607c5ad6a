/**
 * Curator 5.x's `CuratorCache`: a local copy of a subtree kept current by one persistent
 * recursive watch (or, with SINGLE_NODE_CACHE, a persistent watch on the node alone).
 *
 * States: LATENT --start()--> STARTED --close()--> CLOSED (no way back). While STARTED the cache
 * is either following (a watch stream is open) or waiting for the client to reconnect or renew
 * its session before it opens a new one.
 *
 * Every change to the cache goes through one queue of steps, applied in order: a re-read of the
 * whole tree (at start, after every reconnect, after a new session), or one event's read. An
 * event's read is sent the moment the event arrives (reads are pipelined) but applied in event
 * order, and only if it is newer than what is cached (cache-model.ts), so a stale reply never
 * rolls the cache back. A read that finds no node changes nothing: the deletion's own event, or
 * the next re-read, removes it.
 * @module
 */
import type { ClientState, StateEvent } from "../client/session-state.ts";
import { WatchOverflowError, type WatchStream } from "../client/watch-stream.ts";
import type { AddWatchMode } from "../client/operations.ts";
import type { WatchedEvent } from "../protocol/events.ts";
import { type CacheChange, type CacheEventType, changeOnRead, type ChildData, diffTrees } from "./cache-model.ts";
import { RecipeError } from "./errors.ts";
import { isZooKeeperError } from "./protected-create.ts";
import { readNode, readTree, type TreeReadClient } from "./tree-reader.ts";

export type { CacheEventType, ChildData } from "./cache-model.ts";

/** Curator's `CuratorCache.Options` that apply here. */
export type CuratorCacheOption =
  /** Cache only the node at the path, not its descendants. */
  | "SINGLE_NODE_CACHE"
  /** Keep the cached nodes after `close()` (by default they are cleared). */
  | "DO_NOT_CLEAR_ON_CLOSE";

/** Options of {@link CuratorCache}. */
export interface CuratorCacheOptions {
  readonly options?: readonly CuratorCacheOption[];
  /**
   * Events the watch may hold while the cache applies earlier ones (default 65,536). Should more
   * arrive, the cache re-reads the tree, so nothing is lost, only coalesced.
   */
  readonly bufferSize?: number;
}

/**
 * Curator's `CuratorCacheListener`: `event` is called for every change, in order, with the node
 * before and after (`oldData` undefined for NODE_CREATED, `data` undefined for NODE_DELETED);
 * `initialized` once the initial load is in the cache (its nodes were reported as NODE_CREATED
 * before it). `error` hears failures the cache cannot repair itself (stormkeeper's addition).
 */
export interface CuratorCacheListener {
  event(type: CacheEventType, oldData: ChildData | undefined, data: ChildData | undefined): void;
  initialized?(): void;
  error?(error: unknown): void;
}

/** What the cache calls on its client; a {@link ZooKeeperClient} has it all. */
export interface CacheClient extends TreeReadClient {
  watch(path: string, options?: { readonly mode?: AddWatchMode; readonly bufferSize?: number }): WatchStream;
  on(type: "state", listener: (event: StateEvent) => void): () => void;
  readonly state: ClientState;
}

/** Where a cache is in its life. */
export type CacheState = "LATENT" | "STARTED" | "CLOSED";

/**
 * A tree cache, wire- and behaviour-compatible with Curator's `CuratorCache`.
 *
 * Consistency: listeners see the changes in the order the server made them. While the connection
 * is down nothing is reported (the watch is restored by the client, but the server does not
 * replay what changed meanwhile); once it is back the cache re-reads the tree and reports the
 * differences — creates, changes (by `mzxid`) and deletes — so the cache and what listeners were
 * told match the server again. Several changes to one node in a gap arrive as one change. After
 * an expiry the cache follows the new session if the client renews it (`renewSessionOnExpiry`);
 * otherwise listeners' `error` hears RecipeError SESSION_LOST and the cache keeps its last view.
 *
 * @example
 * ```ts
 * const cache = new CuratorCache(zk, "/config");
 * cache.listenable().addListener({
 *   event: (type, oldData, data) => console.log(type, (data ?? oldData)?.path),
 *   initialized: () => console.log("loaded"),
 * });
 * await cache.start(); // resolves after the initial load
 * console.log(cache.get("/config")?.data);
 * await cache.close();
 * ```
 */
export class CuratorCache implements AsyncDisposable {
  readonly #zk: CacheClient;
  readonly #path: string;
  readonly #recursive: boolean;
  readonly #clearOnClose: boolean;
  readonly #bufferSize: number;
  #state: CacheState = "LATENT";
  #storage = new Map<string, ChildData>();
  readonly #listeners = new Set<CuratorCacheListener>();
  /** The open watch, while following. */
  #stream: WatchStream | undefined;
  /** Bumped whenever a watch is opened or the cache closes: an older stream's loop must stop. */
  #generation = 0;
  /** The queue of steps: each runs after the one before it settled. */
  #steps: Promise<void> = Promise.resolve();
  #initialized = false;
  #ready: { resolve(): void; reject(error: unknown): void } | undefined;
  #offState: (() => void) | undefined;

  /** Curator's factory spelling: `CuratorCache.build(zk, path, "SINGLE_NODE_CACHE")`. */
  static build(zk: CacheClient, path: string, ...options: CuratorCacheOption[]): CuratorCache {
    return new CuratorCache(zk, path, { options });
  }

  /** A cache of `path` (and, by default, every node below it). Nothing is read before `start()`. */
  constructor(zk: CacheClient, path: string, options: CuratorCacheOptions = {}) {
    const bufferSize = options.bufferSize ?? 65_536;
    if (!Number.isInteger(bufferSize) || bufferSize < 1) {
      throw new RangeError(`bufferSize must be a positive integer, not ${bufferSize}`);
    }
    const flags = new Set(options.options ?? []);
    for (const flag of flags) {
      if (flag !== "SINGLE_NODE_CACHE" && flag !== "DO_NOT_CLEAR_ON_CLOSE") {
        throw new RangeError(`unknown CuratorCache option ${String(flag)}`);
      }
    }
    this.#zk = zk;
    this.#path = path;
    this.#recursive = !flags.has("SINGLE_NODE_CACHE");
    this.#clearOnClose = !flags.has("DO_NOT_CLEAR_ON_CLOSE");
    this.#bufferSize = bufferSize;
  }

  /** Curator's `listenable()`: add or remove listeners (`addListener` returns a remover too). */
  listenable(): {
    addListener(listener: CuratorCacheListener): () => void;
    removeListener(listener: CuratorCacheListener): void;
  } {
    return {
      addListener: (listener) => {
        this.#listeners.add(listener);
        return () => this.#listeners.delete(listener);
      },
      removeListener: (listener) => void this.#listeners.delete(listener),
    };
  }

  /** LATENT, STARTED or CLOSED. */
  getState(): CacheState {
    return this.#state;
  }

  /**
   * Sets the watch and loads the tree; resolves once the initial load is in the cache (after the
   * listeners' NODE_CREATED events and `initialized`). Rejects if the cache is closed, the client
   * closes or the session ends before that. Once only.
   */
  start(): Promise<void> {
    if (this.#state !== "LATENT") {
      return Promise.reject(
        new RecipeError("ILLEGAL_STATE", `the cache of ${this.#path} was already started`, { path: this.#path }),
      );
    }
    this.#state = "STARTED";
    const ready = new Promise<void>((resolve, reject) => {
      this.#ready = { resolve, reject };
    });
    this.#offState = this.#zk.on("state", (event) => this.#onState(event));
    this.#follow();
    return ready;
  }

  /** The cached node at `path`, if any. */
  get(path: string): ChildData | undefined {
    return this.#storage.get(path);
  }

  /** Every cached node (Curator's `stream()`), in no particular order. */
  stream(): IterableIterator<ChildData> {
    return this.#storage.values();
  }

  /** How many nodes are cached. */
  size(): number {
    return this.#storage.size;
  }

  /** Stops following: the watch is removed; the cache is cleared unless DO_NOT_CLEAR_ON_CLOSE. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === "CLOSED") return;
    this.#state = "CLOSED";
    this.#generation++;
    this.#offState?.();
    if (this.#clearOnClose) this.#storage = new Map();
    this.#ready?.reject(
      new RecipeError("CLOSED", `the cache of ${this.#path} was closed before its initial load`, { path: this.#path }),
    );
    const stream = this.#stream;
    this.#stream = undefined;
    await stream?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Opens a new watch and re-reads the tree behind it: nothing changed after the watch is missed. */
  #follow(): void {
    const generation = ++this.#generation;
    const old = this.#stream;
    void old?.close().catch(() => {});
    const stream = this.#zk.watch(this.#path, {
      mode: this.#recursive ? "persistent-recursive" : "persistent",
      bufferSize: this.#bufferSize,
    });
    this.#stream = stream;
    this.#enqueue(() => this.#resync());
    void this.#consume(stream, generation);
  }

  async #consume(stream: WatchStream, generation: number): Promise<void> {
    try {
      for await (const event of stream) {
        if (generation !== this.#generation) return;
        this.#onEvent(event);
      }
      // Ended without an error: the client closed (or the watch was removed behind our back).
      if (generation !== this.#generation || this.#state !== "STARTED") return;
      this.#stream = undefined;
      this.#fail(
        new RecipeError("CLOSED", `the watch of ${this.#path} ended: the client closed or the watch was removed`, {
          path: this.#path,
        }),
      );
    } catch (error) {
      if (generation !== this.#generation || this.#state !== "STARTED") return;
      this.#stream = undefined;
      this.#onStreamFailure(error);
    }
  }

  #onStreamFailure(error: unknown): void {
    if (error instanceof WatchOverflowError) return this.#follow();
    if (isZooKeeperError(error, "SessionExpired")) {
      // A renewing client reports newSession next (#onState follows it); otherwise it is over.
      if (this.#zk.state === "expired") {
        this.#fail(
          new RecipeError("SESSION_LOST", `the session expired: the cache of ${this.#path} stopped following`, {
            path: this.#path,
            cause: error,
          }),
        );
      }
      return;
    }
    if (isZooKeeperError(error, "ConnectionLoss")) {
      // The watch was cut while being set: set it again now, or at the reconnect (#onState).
      if (this.#zk.state === "connected" || this.#zk.state === "connectedReadOnly") this.#follow();
      return;
    }
    this.#fail(error);
  }

  #onState(event: StateEvent): void {
    if (this.#state !== "STARTED") return;
    // A new session has none of the old one's watches, whatever the old stream has said so far.
    if (event === "newSession" || (event === "reconnected" && this.#stream === undefined)) this.#follow();
  }

  #onEvent(event: WatchedEvent): void {
    if (event.type === "None") {
      if (event.state === "SyncConnected" || event.state === "ConnectedReadOnly") this.#enqueue(() => this.#resync());
      return;
    }
    const path = event.path;
    if (path === null) return;
    if (event.type === "NodeCreated" || event.type === "NodeDataChanged") {
      const reading = readNode(this.#zk, path);
      reading.catch(() => {}); // awaited by the step; a failure is handled there
      this.#enqueue(async () => {
        const read = await reading;
        if (read !== undefined) this.#apply(changeOnRead(this.#storage.get(path), read));
      });
    } else if (event.type === "NodeDeleted") {
      this.#enqueue(() => {
        const oldData = this.#storage.get(path);
        if (oldData !== undefined) this.#apply({ type: "NODE_DELETED", oldData, data: undefined });
      });
    }
  }

  /** Re-reads the tree and reports how it differs from the cache; the first one initializes. */
  async #resync(): Promise<void> {
    const fresh = await readTree(this.#zk, this.#path, this.#recursive);
    if (this.#state !== "STARTED") return;
    const changes = diffTrees(this.#storage, fresh);
    this.#storage = fresh;
    for (const change of changes) this.#notify(change);
    if (this.#initialized) return;
    this.#initialized = true;
    for (const listener of this.#listeners) this.#call(() => listener.initialized?.());
    this.#ready?.resolve();
    this.#ready = undefined;
  }

  /** Puts a change into the cache and tells the listeners. */
  #apply(change: CacheChange | undefined): void {
    if (change === undefined) return;
    if (change.data !== undefined) this.#storage.set(change.data.path, change.data);
    else if (change.oldData !== undefined) this.#storage.delete(change.oldData.path);
    this.#notify(change);
  }

  #notify(change: CacheChange): void {
    for (const listener of this.#listeners) this.#call(() => listener.event(change.type, change.oldData, change.data));
  }

  /** Runs `step` after the steps before it, unless the cache has closed by then. */
  #enqueue(step: () => void | Promise<void>): void {
    this.#steps = this.#steps
      .then(() => (this.#state === "STARTED" ? step() : undefined))
      .catch((error: unknown) => {
        // A read cut by the connection is repaired by the re-read after the reconnect or renewal.
        if (
          this.#state !== "STARTED" || isZooKeeperError(error, "ConnectionLoss") ||
          isZooKeeperError(error, "SessionExpired")
        ) return;
        this.#report(error);
      });
  }

  /** The cache can no longer follow: listeners hear why, and a pending `start()` rejects. */
  #fail(error: unknown): void {
    this.#report(error);
    this.#ready?.reject(error);
    this.#ready = undefined;
  }

  #report(error: unknown): void {
    for (const listener of this.#listeners) {
      try {
        listener.error?.(error);
      } catch {
        // A listener's failure in its own error handler has nowhere left to go.
      }
    }
  }

  /** Calls a listener; what it throws goes to the listeners' `error`, never into the cache. */
  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#report(error);
    }
  }
}
