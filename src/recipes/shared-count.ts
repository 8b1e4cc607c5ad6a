/**
 * Curator's `SharedCount`: a {@link SharedValue} holding a Java `int` as 4 big-endian bytes, so
 * Java and stormkeeper processes read and update one count. Updates that must not be lost use
 * `trySetCount` over the versioned count last seen, and retry on false.
 * @module
 */
import { decodeCount, encodeCount } from "./counter-bytes.ts";
import { SharedValue, type VersionedValue } from "./shared-value.ts";
import type { ValueClient } from "./value-client.ts";
import { type ListenerSets, subscribe } from "../client/listener-sets.ts";

/** A shared count's events: `change` with each newer count seen, `error` for a failed background read. */
export interface SharedCountEvents {
  change: (count: number) => void;
  error: (error: unknown) => void;
}

/**
 * A shared 32-bit count, wire-compatible with Curator's `SharedCount`. A node whose data is not
 * 4 bytes is not a count: reading it fails with RecipeError CORRUPT_VALUE (`start()` rejects, a
 * later change is reported on `error`).
 *
 * @example
 * ```ts
 * const count = new SharedCount(zk, "/counters/jobs", 0);
 * await count.start();
 * for (;;) {
 *   const seen = count.getVersionedValue();
 *   if (await count.trySetCount(seen, seen.value + 1)) break; // no update of another process lost
 * }
 * await count.close();
 * ```
 */
export class SharedCount {
  readonly #value: SharedValue;
  readonly #listeners: ListenerSets<SharedCountEvents> = {
    change: new Set(),
    error: new Set(),
  };

  /** A count at `path`, created with `seedValue` by `start()` if the node does not exist. */
  constructor(zk: ValueClient, path: string, seedValue: number) {
    this.#value = new SharedValue(zk, path, encodeCount(seedValue));
    this.#value.on("change", (bytes) => this.#onValue(bytes));
    this.#value.on("error", (error) => this.#onError(error));
  }

  /** The node's path. */
  get path(): string {
    return this.#value.path;
  }

  /** The count as last seen. */
  getCount(): number {
    return decodeCount(this.#value.getValue(), this.path);
  }

  /** The count as last seen with its version, for {@link trySetCount}. */
  getVersionedValue(): VersionedValue<number> {
    const { version, value } = this.#value.getVersionedValue();
    return { version, value: decodeCount(value, this.path) };
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof SharedCountEvents>(type: K, listener: SharedCountEvents[K]): () => void {
    return subscribe(this.#listeners, type, listener);
  }

  /** Each newer value, decoded once for every listener; one that is not a count is an error. */
  #onValue(bytes: Uint8Array): void {
    let count: number;
    try {
      count = decodeCount(bytes, this.path);
    } catch (error) {
      this.#onError(error);
      return;
    }
    for (const listener of this.#listeners.change) listener(count);
  }

  #onError(error: unknown): void {
    for (const listener of this.#listeners.error) listener(error);
  }

  /** Creates the node with the seed unless it exists, then reads it (CORRUPT_VALUE if not a count). */
  async start(): Promise<void> {
    await this.#value.start();
    try {
      this.getCount();
    } catch (error) {
      await this.#value.close();
      throw error;
    }
  }

  /** Writes `count` whatever the node holds. */
  setCount(count: number): Promise<void> {
    return this.#value.setValue(encodeCount(count));
  }

  /** Writes `count` only if the node still holds `previous`; returns whether it did (refreshed on false). */
  trySetCount(previous: VersionedValue<number>, count: number): Promise<boolean> {
    return this.#value.trySetValue(
      { version: previous.version, value: encodeCount(previous.value) },
      encodeCount(count),
    );
  }

  /** Stops following the node. Idempotent. */
  close(): Promise<void> {
    return this.#value.close();
  }

  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
