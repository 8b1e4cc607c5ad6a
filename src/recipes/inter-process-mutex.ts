/**
 * Curator's `InterProcessMutex`: a reentrant lock on a ZooKeeper path, held by the ephemeral
 * sequential node `_c_<uuid>-lock-<seq>` that sorts first. Java and stormkeeper processes using
 * the same path exclude each other.
 * @module
 */
import { type Lease, makeLease } from "./lease.ts";
import { acquireLockNode, deleteLockNode, type LockRules } from "./lock-internals.ts";
import type { RecipeClient } from "./recipe-client.ts";
import { isZooKeeperError } from "./protected-create.ts";
import { lockDecision, sortChildren } from "./sequence-nodes.ts";
import type { WaitOptions } from "./wait.ts";

/** The standard rules: name `lockName`, `maxLeases` holders, each waiting for the node maxLeases before it. */
export function standardLockRules(
  lockName: string,
  maxLeases = 1,
  sortNames: readonly string[] = [lockName],
): LockRules {
  return { lockName, sortNames, decide: (sorted, ours) => lockDecision(sorted, ours, maxLeases) };
}

/** Options of {@link InterProcessMutex}. */
export interface MutexOptions {
  /** The lock node's data. Default empty (Curator writes its client's default data). */
  readonly data?: Uint8Array;
  /** @internal The lock rules (the read/write lock's write side passes its own). */
  readonly rules?: LockRules;
}

/**
 * A distributed reentrant mutex, wire-compatible with Curator's `InterProcessMutex`.
 *
 * Reentrant per object (Curator: per thread): while this object holds the lock, `acquire()`
 * returns at once with another lease, and the node is deleted when the last lease is released.
 * If the session ends (LOST/expired) the server deletes the node, so the lock is no longer held
 * even though leases are outstanding: stop the guarded work on `connectionState` LOST.
 *
 * @example
 * ```ts
 * const mutex = new InterProcessMutex(zk, "/locks/orders");
 * await using lock = await mutex.acquire({ timeout: 5_000 });
 * // ... only one process runs this at a time ...
 * ```
 */
export class InterProcessMutex {
  readonly #zk: RecipeClient;
  readonly #path: string;
  readonly #data: Uint8Array;
  readonly #rules: LockRules;
  /** Our node and the count of leases on it, while held; at most one acquire in flight. */
  #held: { node: string; count: number } | undefined;
  #acquiring: Promise<unknown> | undefined;

  constructor(zk: RecipeClient, path: string, options: MutexOptions = {}) {
    this.#zk = zk;
    this.#path = path;
    this.#data = options.data ?? new Uint8Array(0);
    this.#rules = options.rules ?? standardLockRules("lock-");
  }

  /** The lock's path. */
  get path(): string {
    return this.#path;
  }

  /** Whether this object holds the lock (Curator's `isAcquiredInThisProcess`). */
  isAcquiredInThisProcess(): boolean {
    return this.#held !== undefined;
  }

  /**
   * Waits for the lock and returns a lease; rejects with RecipeError TIMEOUT or ABORTED (per
   * `options`) or SESSION_LOST, leaving no node behind.
   */
  async acquire(options: WaitOptions = {}): Promise<Lease> {
    // Acquires on one object are serialised: the second one re-enters the first one's hold.
    while (this.#acquiring !== undefined) await this.#acquiring.catch(() => {});
    if (this.#held === undefined) {
      const acquiring = acquireLockNode(this.#zk, this.#path, this.#rules, this.#data, options);
      this.#acquiring = acquiring;
      try {
        this.#held = { node: await acquiring, count: 0 };
      } finally {
        this.#acquiring = undefined;
      }
    }
    const held = this.#held;
    held.count++;
    return makeLease(held.node, async () => {
      if (--held.count > 0) return;
      if (this.#held === held) this.#held = undefined;
      await deleteLockNode(this.#zk, held.node);
    });
  }

  /** The node of the current holder (Curator's `getParticipantNodes()[0]`), if any. */
  async holderNode(): Promise<string | undefined> {
    const nodes = await this.participantNodes();
    return nodes[0];
  }

  /** Every contender's node in lock order, holder first (Curator's `getParticipantNodes`). */
  async participantNodes(): Promise<string[]> {
    try {
      const { children } = await this.#zk.getChildren(this.#path);
      return sortChildren(children.filter((c) => c.includes(this.#rules.lockName)), this.#rules.sortNames).map((c) =>
        `${this.#path}/${c}`
      );
    } catch (error) {
      if (isZooKeeperError(error, "NoNode")) return [];
      throw error;
    }
  }
}
