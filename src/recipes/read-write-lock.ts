/**
 * Curator's `InterProcessReadWriteLock`: readers and writers queue under one path, as
 * `_c_<uuid>-__READ__<seq>` and `_c_<uuid>-__WRIT__<seq>`, in one sequence order. A writer
 * waits for every earlier node; a reader waits only for the first earlier writer. Holding the
 * write lock lets the same object take the read lock (downgrade), as Curator allows its thread.
 * @module
 */
import { InterProcessMutex, standardLockRules } from "./inter-process-mutex.ts";
import type { RecipeClient } from "./recipe-client.ts";
import { readLockDecision } from "./sequence-nodes.ts";

const READ_NAME = "__READ__";
const WRITE_NAME = "__WRIT__";
/** Both names are stripped before sorting, so readers and writers share one order. */
const SORT_NAMES = [READ_NAME, WRITE_NAME] as const;

/**
 * A distributed read/write lock, wire-compatible with Curator's. Both sides are reentrant
 * {@link InterProcessMutex}es: `acquire()` returns a lease, usable with `await using`.
 *
 * @example
 * ```ts
 * const rw = new InterProcessReadWriteLock(zk, "/locks/catalog");
 * {
 *   await using _write = await rw.writeLock.acquire({ timeout: 5_000 });
 *   // ... readers are excluded here ...
 * }
 * ```
 */
export class InterProcessReadWriteLock {
  /** Exclusive: excludes readers and other writers. */
  readonly writeLock: InterProcessMutex;
  /** Shared among readers; excluded by any writer queued before it. */
  readonly readLock: InterProcessMutex;

  constructor(zk: RecipeClient, path: string, options: { readonly data?: Uint8Array } = {}) {
    const writeLock = new InterProcessMutex(zk, path, {
      data: options.data,
      rules: standardLockRules(WRITE_NAME, 1, SORT_NAMES),
    });
    this.writeLock = writeLock;
    this.readLock = new InterProcessMutex(zk, path, {
      data: options.data,
      rules: {
        lockName: READ_NAME,
        sortNames: SORT_NAMES,
        decide: (
          sorted,
          ours,
        ) => (writeLock.isAcquiredInThisProcess()
          ? { kind: "acquired" }
          : readLockDecision(sorted, ours, (child) => child.includes(WRITE_NAME))),
      },
    });
  }
}
