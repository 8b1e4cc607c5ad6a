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
export { MAX_ERRORS, errorSequence, errorsToPrune, newestFirst } from "./error-pruning.ts";
export { type ExecutorBeat, type HeartbeatSource, type WorkerSlot, executorsBySlot, mergeExecutorBeats, slotKey } from "./heartbeats.ts";
export { type StormBasePatch, mergeStormBase } from "./update-storm.ts";
export { type TopologyAuth, topologyReadOnlyAcls, topologyReadWriteAcls } from "./acls.ts";
