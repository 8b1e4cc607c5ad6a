/**
 * stormkeeper's Storm cluster-state layer: `import { createStormClusterState } from "stormkeeper/storm"`.
 * @module
 */
export * from "./storm/index-pure.ts";
export { type ClusterState, type ClusterStateConfig, type StateCallback, createClusterState, wrapClusterState } from "./state/cluster-state.ts";
export { stormBackoffSleep } from "./storm/storm-backoff.ts";
export { type StormClusterState, type StormClusterStateOptions, createStormClusterState } from "./storm/storm-cluster-state.ts";
export { LEADER_LOCK_PATH, type NimbusAddress, parseNimbusId } from "./storm/nimbus-leader.ts";
export { type CallbackSlot, type StormCallback, UnroutedEventError, routeEvent } from "./storm/callbacks.ts";
export { type ThriftCodecOptions, plainThriftCodec, thriftCodec } from "./storm/codec/thrift.ts";
export { type Compression, DEFAULT_MAX_DECOMPRESSED } from "./storm/codec/framing.ts";
