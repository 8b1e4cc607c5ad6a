// Leader election, locks and barriers, wire-compatible with Curator 5.x.
export { type LatchState, LeaderLatch, type LeaderLatchEvents, type Participant } from "./leader-latch.ts";
export { InterProcessMutex, type MutexOptions } from "./inter-process-mutex.ts";
export type { Lease } from "./lease.ts";
export type { RecipeClient } from "./recipe-client.ts";
export type { WaitOptions } from "./wait.ts";
export { InterProcessReadWriteLock } from "./read-write-lock.ts";
export { InterProcessSemaphoreV2 } from "./semaphore.ts";
export {
  LeaderSelector,
  type LeaderSelectorListener,
  type LeaderSelectorOptions,
  type LeaderSelectorState,
} from "./leader-selector.ts";
export { DistributedBarrier } from "./distributed-barrier.ts";
export { DistributedDoubleBarrier } from "./double-barrier.ts";
