/**
 * Curator's `SharedValue`: a value every process shares through one persistent node's data.
 * `start()` creates the node with the seed value unless it exists, then keeps a local copy that
 * a data watch refreshes; writes go to the server (`setValue` unconditionally, `trySetValue` only
 * over the version the caller saw). The local copy only moves forward in version.
 *
 * States: LATENT --start()--> STARTED --close()--> CLOSED. While STARTED, every (re)connection
 * re-reads the value, as Curator does, so a change missed while disconnected is seen.
 * @module
 */
import type { ConnectionState } from "../client/session-state.ts";
import { RecipeError } from "./errors.ts";
import { isZooKeeperError } from "./protected-create.ts";
import type { ValueClient } from "./value-client.ts";
import { type ListenerSets, subscribe } from "../client/listener-sets.ts";

/** A value with the node version it was read at (Curator's `VersionedValue`). */
export interface VersionedValue<T> {
  readonly version: number;
  readonly value: T;
}

/** A shared value's events: `change` with each newer value seen, `error` for a failed background read. */
export interface SharedValueEvents {
  change: (value: Uint8Array) => void;
  error: (error: unknown) => void;
}

/** Before the first read: any version the server reports is newer (Curator's UNINITIALIZED_VERSION). */
const UNINITIALIZED_VERSION = -1;

/**
 * A shared byte value, wire-compatible with Curator's `SharedValue` (the node's data is the
 * value, as is). {@link SharedCount} builds on it.
 *
 * @example
 * ```ts
 * const value = new SharedValue(zk, "/config/mode", new TextEncoder().encode("idle"));
 * await value.start();
 * value.on("change", (bytes) => console.log(new TextDecoder().decode(bytes)));
 * await value.setValue(new TextEncoder().encode("busy"));
 * await value.close();
 * ```
 */
export class SharedValue {
  readonly #zk: ValueClient;
  readonly #path: string;
  readonly #seed: Uint8Array;
  #state: "LATENT" | "STARTED" | "CLOSED" = "LATENT";
  #current: VersionedValue<Uint8Array>;
  /** The newest version `change` listeners were told of (each version is told once). */
  #toldVersion = UNINITIALIZED_VERSION;
  readonly #listeners: ListenerSets<SharedValueEvents> = {
    change: new Set(),
    error: new Set(),
  };
  #offState: (() => void) | undefined;
  /** One watcher function for every read, so the client holds it once however often we read. */
  readonly #watcher = (): void => this.#refresh();

  constructor(zk: ValueClient, path: string, seedValue: Uint8Array) {
    this.#zk = zk;
    this.#path = path;
    this.#seed = seedValue.slice();
    this.#current = { version: UNINITIALIZED_VERSION, value: seedValue.slice() };
  }

  /** The node's path. */
  get path(): string {
    return this.#path;
  }

  /** The value as last seen (the seed before `start()`); a copy. */
  getValue(): Uint8Array {
    return this.#current.value.slice();
  }

  /** The value as last seen with its version, for {@link trySetValue}. */
  getVersionedValue(): VersionedValue<Uint8Array> {
    return { version: this.#current.version, value: this.#current.value.slice() };
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof SharedValueEvents>(type: K, listener: SharedValueEvents[K]): () => void {
    return subscribe(this.#listeners, type, listener);
  }

  /** Creates the node with the seed value unless it exists (parents too), then reads it. Once only. */
  async start(): Promise<void> {
    if (this.#state !== "LATENT") {
      throw new RecipeError("ILLEGAL_STATE", `the shared value ${this.#path} was already started`, {
        path: this.#path,
      });
    }
    this.#state = "STARTED";
    this.#offState = this.#zk.on("connectionState", (state) => this.#onConnectionState(state));
    try {
      await createUnlessExists(this.#zk, this.#path, this.#seed);
      await this.#read();
      this.#toldVersion = this.#current.version;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Writes `value` whatever the node holds. */
  async setValue(value: Uint8Array): Promise<void> {
    this.#checkStarted();
    const stat = await this.#zk.setData(this.#path, value);
    this.#update(stat.version, value.slice());
  }

  /**
   * Writes `value` only if the node still holds `previous` (same version and bytes as last seen
   * here); returns whether it did. On false the local copy is refreshed: read it and try again.
   */
  async trySetValue(previous: VersionedValue<Uint8Array>, value: Uint8Array): Promise<boolean> {
    this.#checkStarted();
    const current = this.#current;
    if (previous.version !== current.version || !sameBytes(previous.value, current.value)) return false;
    try {
      const stat = await this.#zk.setData(this.#path, value, { version: previous.version });
      this.#update(stat.version, value.slice());
      return true;
    } catch (error) {
      if (!isZooKeeperError(error, "BadVersion")) throw error;
    }
    await this.#read();
    return false;
  }

  /** Stops following the node (a pending watch fires into nothing). Idempotent. */
  async close(): Promise<void> {
    this.#state = "CLOSED";
    this.#offState?.();
    this.#offState = undefined;
  }

  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #checkStarted(): void {
    if (this.#state !== "STARTED") {
      throw new RecipeError("CLOSED", `the shared value ${this.#path} is not started`, { path: this.#path });
    }
  }

  async #read(): Promise<void> {
    const { data, stat } = await this.#zk.getData(this.#path, { watch: this.#watcher });
    this.#update(stat.version, data);
  }

  /** Re-reads in the background (after a watch event or a reconnection) and tells listeners. */
  #refresh(): void {
    if (this.#state !== "STARTED") return;
    this.#read().then(() => this.#tell(), (error: unknown) => {
      if (
        this.#state !== "STARTED" || isZooKeeperError(error, "ConnectionLoss") ||
        isZooKeeperError(error, "SessionExpired")
      ) return;
      for (const listener of this.#listeners.error) listener(error);
    });
  }

  #update(version: number, value: Uint8Array): void {
    // Replies and watch reads may arrive out of order: never step back to an older version.
    if (version > this.#current.version) this.#current = { version, value };
  }

  #tell(): void {
    if (this.#state !== "STARTED" || this.#current.version <= this.#toldVersion) return;
    this.#toldVersion = this.#current.version;
    for (const listener of this.#listeners.change) listener(this.#current.value.slice());
  }

  #onConnectionState(state: ConnectionState): void {
    if (state === "CONNECTED" || state === "RECONNECTED" || state === "READ_ONLY") this.#refresh();
  }
}

/**
 * Creates the persistent node `path` with `data` (and its parents) unless it exists; returns
 * whether it created it.
 */
export async function createUnlessExists(
  zk: Pick<ValueClient, "create" | "mkdirp">,
  path: string,
  data: Uint8Array,
): Promise<boolean> {
  const parent = path.slice(0, path.lastIndexOf("/"));
  for (let attempt = 0;; attempt++) {
    try {
      await zk.create(path, data);
      return true;
    } catch (error) {
      if (isZooKeeperError(error, "NodeExists")) return false;
      if (!isZooKeeperError(error, "NoNode") || attempt > 0 || parent === "") throw error;
      await zk.mkdirp(parent);
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
