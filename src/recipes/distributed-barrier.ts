/**
 * Curator's `DistributedBarrier`: while the node at the barrier path exists, processes calling
 * `waitOnBarrier()` wait; removing the node lets them all go. Java and stormkeeper processes share
 * one barrier by its path.
 * @module
 */
import { nextEvent, startGuardedWait } from "./guarded-wait.ts";
import { deleteLockNode } from "./lock-internals.ts";
import type { RecipeClient } from "./recipe-client.ts";
import { createUnlessExists } from "./shared-value.ts";
import type { WaitOptions } from "./wait.ts";

const EMPTY = new Uint8Array(0);

/**
 * A barrier that one process sets and later removes, wire-compatible with Curator's.
 *
 * @example
 * ```ts
 * const barrier = new DistributedBarrier(zk, "/barriers/deploy");
 * await barrier.setBarrier();
 * // elsewhere: await new DistributedBarrier(zk, "/barriers/deploy").waitOnBarrier({ timeout: 60_000 });
 * await barrier.removeBarrier();
 * ```
 */
export class DistributedBarrier {
  readonly #zk: RecipeClient;
  readonly #path: string;

  constructor(zk: RecipeClient, path: string) {
    this.#zk = zk;
    this.#path = path;
  }

  /** The barrier node's path. */
  get path(): string {
    return this.#path;
  }

  /** Sets the barrier: creates its node (and parents) unless it exists. */
  async setBarrier(): Promise<void> {
    await createUnlessExists(this.#zk, this.#path, EMPTY);
  }

  /** Removes the barrier (its node), releasing every waiter; a barrier not set is no error. */
  removeBarrier(): Promise<void> {
    return deleteLockNode(this.#zk, this.#path);
  }

  /**
   * Resolves once the barrier is not set (at once if it is not); rejects with RecipeError
   * TIMEOUT, ABORTED or SESSION_LOST.
   */
  async waitOnBarrier(options: WaitOptions = {}): Promise<void> {
    const wait = startGuardedWait(this.#zk, options, `waiting on the barrier ${this.#path}`, this.#path);
    try {
      for (;;) {
        const { watcher, fired } = nextEvent();
        if ((await wait.race(this.#zk.exists(this.#path, { watch: watcher }))) === null) return;
        await wait.race(fired);
      }
    } finally {
      wait.dispose();
    }
  }
}
