/**
 * stormkeeper's Storm cluster-state layer: `import { createStormClusterState } from "stormkeeper/storm"`.
 * @module
 */
export * from "./storm/index-pure.ts";
export {
  type ClusterState,
  type ClusterStateConfig,
  createClusterState,
  type StateCallback,
  wrapClusterState,
} from "./state/cluster-state.ts";
export { stormBackoffSleep } from "./storm/storm-backoff.ts";
export {
  createStormClusterState,
  type StormClusterState,
  type StormClusterStateOptions,
} from "./storm/storm-cluster-state.ts";
export { LEADER_LOCK_PATH, type NimbusAddress, parseNimbusId } from "./storm/nimbus-leader.ts";
export { type CallbackSlot, routeEvent, type StormCallback, UnroutedEventError } from "./storm/callbacks.ts";
export { plainThriftCodec, thriftCodec, type ThriftCodecOptions } from "./storm/codec/thrift.ts";
export { type Compression, DEFAULT_MAX_DECOMPRESSED } from "./storm/codec/framing.ts";
