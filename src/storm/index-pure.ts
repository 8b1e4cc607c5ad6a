/**
 * The pure part of the Storm layer — records and their schemas, codecs, paths, error pruning,
 * executor-beat merging, the updateStorm merge, topology ACLs — with no ZooKeeper I/O.
 * `src/storm.ts` re-exports it with the I/O layers.
 * @module
 */
export * from "./records.ts";
export { CorruptRecordError, InvalidRecordError } from "./record-errors.ts";
export type { Codec } from "./codec/codec.ts";
export { jsonCodec } from "./codec/json.ts";
export * as stormPaths from "./paths.ts";
export { tokenizePath, urlDecode, urlEncode } from "./paths.ts";
export { errorSequence, errorsToPrune, MAX_ERRORS, newestFirst } from "./error-pruning.ts";
export {
  type ExecutorBeat,
  executorsBySlot,
  type HeartbeatSource,
  mergeExecutorBeats,
  mergeSlotBeats,
  type SlotExecutors,
  slotKey,
  type WorkerSlot,
} from "./heartbeats.ts";
export { mergeStormBase, type StormBasePatch } from "./update-storm.ts";
export { type TopologyAuth, topologyReadOnlyAcls, topologyReadWriteAcls } from "./acls.ts";
