/**
 * stormkeeper's Storm cluster-state layer: `import { createStormClusterState } from "stormkeeper/storm"`.
 * @module
 */
export { type ClusterState, type ClusterStateConfig, type StateCallback, createClusterState, wrapClusterState } from "./state/cluster-state.ts";
export { type StormClusterState, type StormClusterStateOptions, createStormClusterState } from "./storm/storm-cluster-state.ts";
export { type CallbackSlot, type StormCallback, UnroutedEventError, routeEvent } from "./storm/callbacks.ts";
export type { Codec } from "./storm/codec/codec.ts";
export { jsonCodec } from "./storm/codec/json.ts";
export { type ThriftCodecOptions, plainThriftCodec, thriftCodec } from "./storm/codec/thrift.ts";
export { type Compression, DEFAULT_MAX_DECOMPRESSED } from "./storm/codec/framing.ts";
export { CorruptRecordError, InvalidRecordError } from "./storm/record-errors.ts";
export { MAX_ERRORS, errorsToPrune, newestFirst } from "./storm/error-pruning.ts";
export { type ExecutorBeat, type WorkerSlot, mergeExecutorBeats } from "./storm/heartbeats.ts";
export { type StormBasePatch, mergeStormBase } from "./storm/update-storm.ts";
export * as stormPaths from "./storm/paths.ts";
export * from "./storm/records.ts";
