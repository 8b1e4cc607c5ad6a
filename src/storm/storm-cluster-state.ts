/**
 * Storm's domain layer over a {@link ClusterState} (Storm 0.9 `StormClusterState`, 2.x
 * `IStormClusterState`/`StormClusterStateImpl`): topologies' bases and assignments, supervisors,
 * worker heartbeats, errors and the 2.x additions, as typed, validated, immutable records.
 *
 * A read given a callback leaves a watch; the callback fires once when that data changes and is
 * then cleared (read again with a callback to re-arm). Events are routed by subtree as Storm
 * routes them; an event under a subtree Storm does not route goes to `onError` (Storm would exit
 * the process).
 */
import { type ClusterState, type ClusterStateConfig, createClusterState } from "../state/cluster-state.ts";
import type { ACL, Logger } from "../zookeeper.ts";
import type { TopologyAuth } from "./acls.ts";
import { createCallbackSlots, dispatchEvent, type StormCallback } from "./callbacks.ts";
import type { Codec } from "./codec/codec.ts";
import { thriftCodec } from "./codec/thrift.ts";
import type { ExecutorBeat } from "./heartbeats.ts";
import type { LeaderLatch } from "../recipes/leader-latch.ts";
import type { NimbusAddress } from "./nimbus-leader.ts";
import * as paths from "./paths.ts";
import { daemonState } from "./storm-daemons.ts";
import { errorState } from "./storm-errors.ts";
import { stormContext } from "./storm-context.ts";
import { topologyState } from "./storm-topologies.ts";
import { stormTwoState } from "./storm-2x-records.ts";
import { workerHeartbeatState } from "./storm-worker-heartbeats.ts";
import {
  type Assignment,
  type ClusterWorkerHeartbeat,
  type Credentials,
  type ErrorInfo,
  type ExecutorKey,
  type LogConfig,
  type NimbusSummary,
  type NodeInfo,
  type PrivateWorkerKey,
  type ProfileRequest,
  type StormBase,
  type SupervisorInfo,
  type WorkerTokenServiceType,
} from "./records.ts";
import type { StormBasePatch } from "./update-storm.ts";

/** Options shared by both ways of creating a StormClusterState. */
export interface StormClusterStateOptions {
  /**
   * How records are stored. Default: Storm's own format, gzip-framed thrift (`thriftCodec()`),
   * which reads gzip, zstd and plain thrift. `jsonCodec` stores readable JSON instead.
   */
  readonly codec?: Codec;
  /**
   * Errors with no caller to go to: an event under an unrouted subtree, a callback that threw,
   * an unreadable error record skipped by `errors()`. Default: logged at `error` level.
   */
  readonly onError?: (error: unknown) => void;
  /** Where the default `onError` logs (and, when this creates the ClusterState, its client too). */
  readonly logger?: Logger;
}

/**
 * The Storm cluster state. Every path is relative to the Storm root. Every method returns a
 * promise, and a record that does not fit its schema (`InvalidRecordError`) or an id that
 * is not one path segment (a `RangeError`, see `stormPaths.pathSegment`) rejects it before
 * anything is written.
 */
export interface StormClusterState {
  /** The generic layer underneath. */
  readonly state: ClusterState;
  readonly codec: Codec;

  /** Topology ids with an assignment; `callback` fires when that list changes. */
  assignments(callback?: StormCallback): Promise<string[]>;
  assignmentInfo(stormId: string, callback?: StormCallback): Promise<Assignment | null>;
  assignmentInfoWithVersion(
    stormId: string,
    callback?: StormCallback,
  ): Promise<{ readonly data: Assignment; readonly version: number } | null>;
  assignmentVersion(stormId: string, callback?: StormCallback): Promise<number | null>;
  /** Ids of topologies with a storm base. */
  activeStorms(): Promise<string[]>;
  stormBase(stormId: string, callback?: StormCallback): Promise<StormBase | null>;
  getWorkerHeartbeat(stormId: string, node: string, port: number): Promise<ClusterWorkerHeartbeat | null>;
  /** Executor beats of the executors assigned in `executorNodePort`, from their workers' heartbeats. */
  executorBeats(
    stormId: string,
    executorNodePort: Readonly<Record<ExecutorKey, NodeInfo>>,
  ): Promise<Readonly<Record<ExecutorKey, ExecutorBeat>>>;
  supervisors(callback?: StormCallback): Promise<string[]>;
  supervisorInfo(supervisorId: string): Promise<SupervisorInfo | null>;
  /** Creates `/workerbeats/<id>`, with the topology's read-write ACL when `topologyAuth` is given. */
  setupHeartbeats(stormId: string, topologyAuth?: TopologyAuth): Promise<void>;
  teardownHeartbeats(stormId: string): Promise<void>;
  teardownTopologyErrors(stormId: string): Promise<void>;
  heartbeatStorms(): Promise<string[]>;
  errorTopologies(): Promise<string[]>;
  workerHeartbeat(stormId: string, node: string, port: number, info: ClusterWorkerHeartbeat): Promise<void>;
  removeWorkerHeartbeat(stormId: string, node: string, port: number): Promise<void>;
  /** Writes the supervisor's ephemeral node (it vanishes with this session). */
  supervisorHeartbeat(supervisorId: string, info: SupervisorInfo): Promise<void>;
  /** Writes the storm base, with the topology's read-only ACL when `topologyAuth` is given. */
  activateStorm(stormId: string, base: StormBase, topologyAuth?: TopologyAuth): Promise<void>;
  /** Merges `patch` into the stored base (see `mergeStormBase`); `NoNode` when there is none. */
  updateStorm(stormId: string, patch: StormBasePatch): Promise<StormBase>;
  removeStormBase(stormId: string): Promise<void>;
  /** Writes the assignment, with the topology's read-only ACL when `topologyAuth` is given. */
  setAssignment(stormId: string, assignment: Assignment, topologyAuth?: TopologyAuth): Promise<void>;
  /** Removes the assignment, credentials, log config and profiler requests, then the base. */
  removeStorm(stormId: string): Promise<void>;
  /** Records an error (an ephemeral-sequential node plus the last-error node); keeps the newest 10. */
  reportError(stormId: string, componentId: string, node: string, port: number, error: Error | string): Promise<void>;
  /**
   * The component's kept errors, newest first; unlike Storm, equal `errorTimeSecs` are ordered by
   * the node's sequence number, highest (latest reported) first. A node that vanished meanwhile
   * is left out, and so is one whose bytes do not parse (reported to `onError` as a
   * `CorruptRecordError`, in listing order). The nodes are read pipelined, a bounded number at a time.
   */
  errors(stormId: string, componentId: string): Promise<ErrorInfo[]>;
  lastError(stormId: string, componentId: string): Promise<ErrorInfo | null>;
  /** Creates `/errors/<id>`, with the topology's read-write ACL when `topologyAuth` is given. */
  setupErrors(stormId: string, topologyAuth?: TopologyAuth): Promise<void>;
  allSupervisorInfo(callback?: StormCallback): Promise<Record<string, SupervisorInfo>>;
  topologyBases(): Promise<Record<string, StormBase>>;
  /** The id of the active topology named `name`, or null. */
  getTopoId(name: string): Promise<string | null>;
  nimbuses(): Promise<NimbusSummary[]>;
  /** Registers a nimbus (ephemeral; deleted and re-created after a reconnect or a new session, as Storm does on RECONNECTED). */
  addNimbusHost(nimbusId: string, summary: NimbusSummary): Promise<void>;
  /**
   * The leader's `NimbusInfo` as stored by Storm: Java-serialized bytes, meaningful to the JVM
   * only, so they are returned raw. Null when there is no leader node.
   */
  getLeader(callback?: StormCallback): Promise<Uint8Array | null>;
  /**
   * The elected nimbus as `{ host, port }`, read from Curator's `LeaderLatch` at `/leader-lock`
   * (the participant id is `host:port`); undefined when no nimbus takes part.
   */
  leader(): Promise<NimbusAddress | undefined>;
  /** Joins the nimbus election as `id` (`host:port`), as a nimbus does; close the latch to leave. */
  nimbusElection(id: string): Promise<LeaderLatch>;
  /**
   * Writes the credentials, with the topology's read-only ACL when `topologyAuth` is given. Like
   * Storm, a missing `/credentials` is created with that same ACL (nimbus's ACL check fixes it).
   */
  setCredentials(stormId: string, credentials: Credentials, topologyAuth?: TopologyAuth): Promise<void>;
  credentials(stormId: string, callback?: StormCallback): Promise<Credentials | null>;
  /** Creates `/backpressure/<id>`, with the topology's read-write ACL when `topologyAuth` is given. */
  setupBackpressure(stormId: string, topologyAuth?: TopologyAuth): Promise<void>;
  removeBackpressure(stormId: string): Promise<void>;
  removeWorkerBackpressure(stormId: string, node: string, port: number): Promise<void>;
  /** True when a worker of the topology signalled backpressure less than `timeoutMs` ago. */
  topologyBackpressure(stormId: string, timeoutMs: number, callback?: StormCallback): Promise<boolean>;
  backpressureTopologies(): Promise<string[]>;
  /** Marks `nimbusHostPort` as holding `version` of blob `key` (ephemeral). */
  setupBlob(key: string, nimbusHostPort: string, version: number): Promise<void>;
  activeKeys(): Promise<string[]>;
  blobstore(callback?: StormCallback): Promise<string[]>;
  blobstoreInfo(key: string): Promise<string[]>;
  removeBlobstoreKey(key: string): Promise<void>;
  removeKeyVersion(key: string): Promise<void>;
  /** Writes the log config, with the topology's read-only ACL when `topologyAuth` is given. */
  setTopologyLogConfig(stormId: string, config: LogConfig, topologyAuth?: TopologyAuth): Promise<void>;
  topologyLogConfig(stormId: string, callback?: StormCallback): Promise<LogConfig | null>;
  setWorkerProfileRequest(stormId: string, request: ProfileRequest): Promise<void>;
  getTopologyProfileRequests(stormId: string): Promise<ProfileRequest[]>;
  getWorkerProfileRequests(stormId: string, nodeInfo: NodeInfo): Promise<ProfileRequest[]>;
  deleteTopologyProfileRequests(stormId: string, request: ProfileRequest): Promise<void>;
  /** Worker-token signing keys: JVM-side secrets, readable here for inspection. */
  getPrivateWorkerKey(type: WorkerTokenServiceType, stormId: string, version: number): Promise<PrivateWorkerKey | null>;
  /**
   * Stores a key with `acl`, default the state's. That is Storm's choice for NIMBUS and
   * SUPERVISOR keys; for DRPC keys Storm adds READ for `storm.zookeeper.drpcACL`, so pass it here.
   */
  addPrivateWorkerKey(
    type: WorkerTokenServiceType,
    stormId: string,
    version: number,
    key: PrivateWorkerKey,
    acl?: readonly ACL[],
  ): Promise<void>;
  /** The highest existing key version (Storm returns the maximum, not the next number), 0 when none. */
  getNextPrivateWorkerKeyVersion(type: WorkerTokenServiceType, stormId: string): Promise<number>;
  removeExpiredPrivateWorkerKeys(stormId: string): Promise<void>;
  removeAllPrivateWorkerKeys(stormId: string): Promise<void>;
  idsOfTopologiesWithPrivateWorkerKeys(): Promise<Set<string>>;
  /** Stops routing events; closes the ClusterState if this object created it. */
  disconnect(): Promise<void>;
}

/**
 * Opens a StormClusterState: from a ClusterState config (then `disconnect()` closes it), or over
 * an existing ClusterState (`{ state }`, left open by `disconnect()`).
 *
 * @example
 * ```ts
 * const storm = await createStormClusterState({ servers: ["127.0.0.1"], port: 2181, root: "/storm" });
 * await storm.activateStorm("wc-1", { name: "wordcount", status: "ACTIVE", numWorkers: 2, componentExecutors: { spout: 2 } });
 * const ids = await storm.assignments(() => console.log("assignments changed"));
 * await storm.disconnect();
 * ```
 */
export async function createStormClusterState(
  config:
    | (ClusterStateConfig & StormClusterStateOptions)
    | ({ readonly state: ClusterState } & StormClusterStateOptions),
): Promise<StormClusterState> {
  const solo = !("state" in config);
  const state = "state" in config ? config.state : await createClusterState(config);
  try {
    for (const root of paths.INITIAL_ROOTS) await state.mkdirs(root);
  } catch (error) {
    if (solo) await state.close();
    throw error;
  }
  return stormClusterState(state, config, solo);
}

function stormClusterState(state: ClusterState, options: StormClusterStateOptions, solo: boolean): StormClusterState {
  const codec = options.codec ?? thriftCodec();
  const onError = options.onError ??
    ((error: unknown) => options.logger?.("error", "a Storm cluster-state event or callback failed", { error }));
  const slots = createCallbackSlots();
  const routerId = state.register((type, path) => dispatchEvent(slots, type, path, onError));
  const ctx = stormContext(state, codec, onError, slots);
  // Each nimbus registered here, with the function that stops re-registering it.
  const nimbusRegistrations = new Map<string, () => void>();
  return {
    state,
    codec,
    ...topologyState(ctx),
    ...workerHeartbeatState(ctx),
    ...errorState(ctx),
    ...daemonState(ctx, nimbusRegistrations),
    ...stormTwoState(ctx),
    async disconnect() {
      state.unregister(routerId);
      for (const off of nimbusRegistrations.values()) off();
      nimbusRegistrations.clear();
      if (solo) await state.close();
    },
  };
}
