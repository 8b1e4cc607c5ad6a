/**
 * Curator's `InterProcessSemaphoreV2`: at most `maxLeases` leases at once across every process
 * on a path. A lease is the node `<path>/leases/_c_<uuid>-lease-<seq>`; taking one happens under
 * the mutex `<path>/locks` (so leases are granted one at a time, in lock order): create the lease
 * node, then wait until the leases number at most `maxLeases`. Releasing deletes the node.
 * @module
 */
import { RecipeError } from "./errors.ts";
import { InterProcessMutex } from "./inter-process-mutex.ts";
import { type Lease, makeLease } from "./lease.ts";
import { deleteLockNode } from "./lock-internals.ts";
import { createProtected } from "./protected-create.ts";
import type { RecipeClient } from "./recipe-client.ts";
import { startDeadline, type WaitOptions } from "./wait.ts";

/**
 * A distributed counting semaphore, wire-compatible with Curator's `InterProcessSemaphoreV2`
 * (fixed `maxLeases`; every participant must use the same number).
 *
 * @example
 * ```ts
 * const semaphore = new InterProcessSemaphoreV2(zk, "/limits/downloads", 3);
 * const [lease] = await semaphore.acquire(1, { timeout: 5_000 });
 * await lease?.release();
 * ```
 */
export class InterProcessSemaphoreV2 {
  readonly #zk: RecipeClient;
  readonly #leasesPath: string;
  readonly #maxLeases: number;
  readonly #lock: InterProcessMutex;
  readonly #data: Uint8Array;

  constructor(zk: RecipeClient, path: string, maxLeases: number, options: { readonly data?: Uint8Array } = {}) {
    if (!Number.isInteger(maxLeases) || maxLeases < 1) {
      throw new RangeError(`maxLeases must be a positive integer, not ${maxLeases}`);
    }
    this.#zk = zk;
    this.#leasesPath = `${path}/leases`;
    this.#maxLeases = maxLeases;
    this.#lock = new InterProcessMutex(zk, `${path}/locks`);
    this.#data = options.data ?? new Uint8Array(0);
  }

  /**
   * Takes `count` leases (all or none: on timeout, abort or session loss the ones taken are
   * released and the RecipeError is thrown).
   */
  async acquire(count = 1, options: WaitOptions = {}): Promise<Lease[]> {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, not ${count}`);
    const deadline = startDeadline(options, `acquiring ${count} lease(s) of ${this.#leasesPath}`, this.#leasesPath);
    const leases: Lease[] = [];
    try {
      while (leases.length < count) leases.push(await this.#acquireOne(deadline, options));
      return leases;
    } catch (error) {
      for (const lease of leases) await lease.release().catch(() => {});
      throw error;
    } finally {
      deadline.dispose();
    }
  }

  /** The lease nodes that exist now (Curator's `getParticipantNodes`). */
  async participantNodes(): Promise<string[]> {
    try {
      return (await this.#zk.getChildren(this.#leasesPath)).children;
    } catch {
      return [];
    }
  }

  async #acquireOne(deadline: ReturnType<typeof startDeadline>, options: WaitOptions): Promise<Lease> {
    const lock = await this.#lock.acquire(options);
    let node: string | undefined;
    try {
      node = await createProtected(this.#zk, this.#leasesPath, "lease-", this.#data);
      const ours = node.slice(this.#leasesPath.length + 1);
      for (;;) {
        let wake: () => void = () => {};
        const changed = new Promise<void>((resolve) => {
          wake = resolve;
        });
        const { children } = await deadline.race(this.#zk.getChildren(this.#leasesPath, { watch: () => wake() }));
        if (!children.includes(ours)) {
          throw new RecipeError("SESSION_LOST", `the lease node ${node} is gone (its session ended)`, {
            path: this.#leasesPath,
          });
        }
        if (children.length <= this.#maxLeases) break;
        await deadline.race(changed);
      }
      const taken = node;
      return makeLease(taken, () => deleteLockNode(this.#zk, taken));
    } catch (error) {
      if (node !== undefined) await deleteLockNode(this.#zk, node).catch(() => {});
      throw error;
    } finally {
      await lock.release();
    }
  }
}
