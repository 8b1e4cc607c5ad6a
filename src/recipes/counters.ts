// Shared values and counters, wire-compatible with Curator 5.x.
export { SharedValue, type SharedValueEvents, type VersionedValue } from "./shared-value.ts";
export { SharedCount, type SharedCountEvents } from "./shared-count.ts";
export {
  type AtomicOptions,
  type AtomicStats,
  type AtomicValue,
  DEFAULT_ATOMIC_RETRY,
  DistributedAtomicLong,
  type DistributedAtomicLongOptions,
  type PromotedToLock,
} from "./atomic-long.ts";
export type { ValueClient } from "./value-client.ts";
