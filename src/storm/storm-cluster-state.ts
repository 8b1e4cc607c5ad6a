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
import { type ACL, ErrorCode, type Logger, ZooKeeperError } from "../zookeeper.ts";
import { type TopologyAuth, topologyReadOnlyAcls, topologyReadWriteAcls } from "./acls.ts";
import { type CallbackSlot, type StormCallback, createCallbackSlots, dispatchEvent } from "./callbacks.ts";
import type { Codec } from "./codec/codec.ts";
import { thriftCodec } from "./codec/thrift.ts";
import { errorsToPrune, newestFirst } from "./error-pruning.ts";
import { mapBounded, settleBounded } from "./fan-out.ts";
import { type ExecutorBeat, type WorkerSlot, executorsBySlot, mergeExecutorBeats, slotKey } from "./heartbeats.ts";
import type { LeaderLatch } from "../recipes/leader-latch.ts";
import { joinNimbusElection, type NimbusAddress, readNimbusLeader } from "./nimbus-leader.ts";
import * as paths from "./paths.ts";
import { CorruptRecordError } from "./record-errors.ts";
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
  type RecordKind,
  type RecordTypes,
  type StormBase,
  type SupervisorInfo,
  type WorkerTokenServiceType,
  compareNodeInfo,
} from "./records.ts";
import { type StormBasePatch, mergeStormBase } from "./update-storm.ts";

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
  assignmentInfoWithVersion(stormId: string, callback?: StormCallback): Promise<{ readonly data: Assignment; readonly version: number } | null>;
  assignmentVersion(stormId: string, callback?: StormCallback): Promise<number | null>;
  /** Ids of topologies with a storm base. */
  activeStorms(): Promise<string[]>;
  stormBase(stormId: string, callback?: StormCallback): Promise<StormBase | null>;
  getWorkerHeartbeat(stormId: string, node: string, port: number): Promise<ClusterWorkerHeartbeat | null>;
  /** Executor beats of the executors assigned in `executorNodePort`, from their workers' heartbeats. */
  executorBeats(stormId: string, executorNodePort: Readonly<Record<ExecutorKey, NodeInfo>>): Promise<Readonly<Record<ExecutorKey, ExecutorBeat>>>;
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
  addPrivateWorkerKey(type: WorkerTokenServiceType, stormId: string, version: number, key: PrivateWorkerKey, acl?: readonly ACL[]): Promise<void>;
  /** The highest existing key version (Storm returns the maximum, not the next number), 0 when none. */
  getNextPrivateWorkerKeyVersion(type: WorkerTokenServiceType, stormId: string): Promise<number>;
  removeExpiredPrivateWorkerKeys(stormId: string): Promise<void>;
  removeAllPrivateWorkerKeys(stormId: string): Promise<void>;
  idsOfTopologiesWithPrivateWorkerKeys(): Promise<Set<string>>;
  /** Stops routing events; closes the ClusterState if this object created it. */
  disconnect(): Promise<void>;
}

const TOKEN_TYPES: readonly WorkerTokenServiceType[] = ["NIMBUS", "DRPC", "SUPERVISOR"];

/** A profile request's node path, with the first port of its set as Storm takes it; a set without one names no worker. */
function profileRequestPath(stormId: string, { nodeInfo, action }: ProfileRequest): string {
  const port = nodeInfo.port[0];
  if (port === undefined) throw new RangeError(`the profile request's NodeInfo for ${JSON.stringify(nodeInfo.node)} has no port, so it names no worker`);
  return paths.profilerConfigPath(stormId, nodeInfo.node, port, action);
}
const isCode = (error: unknown, code: string) => error instanceof ZooKeeperError && error.code === code;

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
  config: (ClusterStateConfig & StormClusterStateOptions) | ({ readonly state: ClusterState } & StormClusterStateOptions),
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

/** The records read for `ids`, keyed by id; a node that vanished meanwhile (null) is left out. */
function present<R>(ids: readonly string[], records: readonly (R | null)[]): Record<string, R> {
  const out: Record<string, R> = {};
  for (const [i, id] of ids.entries()) {
    const record = records[i];
    if (record !== null && record !== undefined) out[id] = record;
  }
  return out;
}

function stormClusterState(state: ClusterState, options: StormClusterStateOptions, solo: boolean): StormClusterState {
  const codec = options.codec ?? thriftCodec();
  const onError = options.onError ?? ((error: unknown) => options.logger?.("error", "a Storm cluster-state event or callback failed", { error }));
  const slots = createCallbackSlots();
  const routerId = state.register((type, path) => dispatchEvent(slots, type, path, onError));
  const nimbusRegistrations = new Map<string, () => void>();

  const encode = <K extends RecordKind>(kind: K, record: RecordTypes[K]) => codec.encode(kind, record);
  const decode = <K extends RecordKind>(kind: K, bytes: Uint8Array | null, path: string): RecordTypes[K] | null =>
    bytes === null ? null : codec.decode(kind, bytes, path);

  /** Stores the callback (if any) before the watched read, as Storm does. */
  const arm = (slot: CallbackSlot, callback: StormCallback | undefined): boolean => {
    if (callback === undefined) return false;
    slots.set(slot, callback);
    return true;
  };
  const read = async <K extends RecordKind>(kind: K, path: string, watch = false) => decode(kind, await state.getData(path, watch), path);
  const childrenOrEmpty = async (path: string, watch = false) => {
    try {
      return await state.getChildren(path, watch);
    } catch (error) {
      if (isCode(error, "NoNode")) return [];
      throw error;
    }
  };
  const logged = async (what: string, work: Promise<void>) => {
    try {
      await work;
    } catch (error) {
      if (!(error instanceof ZooKeeperError)) throw error;
      onError(new Error(`${what} failed: ${error.message}`, { cause: error }));
    }
  };
  /**
   * Writes a nimbus-owned topology record with the topology's read-only ACL (Storm's TRO), after
   * its subtree where Storm creates that first.
   */
  const setTopologyRecord = async <K extends RecordKind>(kind: K, record: RecordTypes[K], path: string, auth: TopologyAuth | undefined, subtree?: string) => {
    const bytes = encode(kind, record);
    if (subtree !== undefined) await state.mkdirs(subtree);
    await state.setData(path, bytes, topologyReadOnlyAcls(auth));
  };
  /** Creates a directory the topology's workers write into, with its read-write ACL (Storm's TRW). */
  const setupTopologyDirectory = async (subtree: string, directory: string, auth: TopologyAuth | undefined) => {
    await state.mkdirs(subtree);
    await state.mkdirs(directory, topologyReadWriteAcls(auth));
  };
  const profileRequests = async (stormId: string) => {
    const root = paths.profilerConfigRoot(stormId);
    const requests = await mapBounded(await childrenOrEmpty(root), (child) => read("ProfileRequest", `${root}/${child}`));
    return requests.filter((r): r is ProfileRequest => r !== null);
  };

  const storm: StormClusterState = {
    state,
    codec,
    assignments: async (callback) => state.getChildren(paths.Roots.assignments, arm({ kind: "assignments" }, callback)),
    assignmentInfo: async (id, callback) => read("Assignment", paths.assignmentPath(id), arm({ kind: "assignmentInfo", id }, callback)),
    async assignmentInfoWithVersion(id, callback) {
      const path = paths.assignmentPath(id);
      const got = await state.getDataWithVersion(path, arm({ kind: "assignmentInfoWithVersion", id }, callback));
      return got === null ? null : Object.freeze({ data: codec.decode("Assignment", got.data, path), version: got.version });
    },
    assignmentVersion: async (id, callback) => state.getVersion(paths.assignmentPath(id), arm({ kind: "assignmentVersion", id }, callback)),
    activeStorms: async () => state.getChildren(paths.Roots.storms),
    stormBase: async (id, callback) => read("StormBase", paths.stormPath(id), arm({ kind: "stormBase", id }, callback)),
    getWorkerHeartbeat: async (id, node, port) => read("ClusterWorkerHeartbeat", paths.workerbeatPath(id, node, port)),
    async executorBeats(id, executorNodePort) {
      const heartbeats = new Map<string, ClusterWorkerHeartbeat | null>();
      await mapBounded([...executorsBySlot(executorNodePort).values()], async ({ slot }) => {
        heartbeats.set(slotKey(slot), await storm.getWorkerHeartbeat(id, slot.node, slot.port));
      });
      return mergeExecutorBeats(executorNodePort, (slot: WorkerSlot) => heartbeats.get(slotKey(slot)));
    },
    supervisors: async (callback) => state.getChildren(paths.Roots.supervisors, arm({ kind: "supervisors" }, callback)),
    supervisorInfo: async (id) => read("SupervisorInfo", paths.supervisorPath(id)),
    setupHeartbeats: async (id, auth) => setupTopologyDirectory(paths.Roots.workerbeats, paths.workerbeatStormRoot(id), auth),
    teardownHeartbeats: async (id) => logged(`teardownHeartbeats ${id}`, state.deleteNode(paths.workerbeatStormRoot(id))),
    teardownTopologyErrors: async (id) => logged(`teardownTopologyErrors ${id}`, state.deleteNode(paths.errorStormRoot(id))),
    heartbeatStorms: async () => state.getChildren(paths.Roots.workerbeats),
    errorTopologies: async () => state.getChildren(paths.Roots.errors),
    workerHeartbeat: async (id, node, port, info) => state.setData(paths.workerbeatPath(id, node, port), encode("ClusterWorkerHeartbeat", info)),
    removeWorkerHeartbeat: async (id, node, port) => state.deleteNode(paths.workerbeatPath(id, node, port)),
    supervisorHeartbeat: async (id, info) => state.setEphemeralNode(paths.supervisorPath(id), encode("SupervisorInfo", info)),
    activateStorm: async (id, base, auth) => setTopologyRecord("StormBase", base, paths.stormPath(id), auth, paths.Roots.storms),
    async updateStorm(id, patch) {
      const path = paths.stormPath(id);
      const base = await read("StormBase", path);
      if (base === null) throw new ZooKeeperError(ErrorCode.NoNode, { op: "getData", path, message: `topology ${id} has no storm base to update` });
      const bytes = encode("StormBase", mergeStormBase(base, patch));
      await state.setData(path, bytes);
      return codec.decode("StormBase", bytes, path);
    },
    removeStormBase: async (id) => state.deleteNode(paths.stormPath(id)),
    setAssignment: async (id, assignment, auth) => setTopologyRecord("Assignment", assignment, paths.assignmentPath(id), auth, paths.Roots.assignments),
    async removeStorm(id) {
      await state.deleteNode(paths.assignmentPath(id));
      await state.deleteNode(paths.credentialsPath(id));
      await state.deleteNode(paths.logConfigPath(id));
      await state.deleteNode(paths.profilerConfigRoot(id));
      await storm.removeStormBase(id);
    },
    async reportError(id, componentId, node, port, error) {
      const path = paths.errorPath(id, componentId);
      const text = typeof error === "string" ? error : (error.stack ?? `${error.name}: ${error.message}`);
      const bytes = encode("ErrorInfo", { error: text, errorTimeSecs: Math.floor(Date.now() / 1000), host: node, port });
      await state.mkdirs(path);
      // Ephemeral since Storm 1.1: a reporter's errors go with its session.
      await state.createSequential(`${path}/e`, bytes, { mode: "ephemeral-sequential" });
      await state.setData(paths.lastErrorPath(id, componentId), bytes);
      // deleteNode is retried and takes a node another reporter pruned first as done (STORM-2674).
      await Promise.all(errorsToPrune(await childrenOrEmpty(path)).map((child) => state.deleteNode(`${path}/${child}`)));
    },
    async errors(id, componentId) {
      const path = paths.errorPath(id, componentId);
      const children = await childrenOrEmpty(path);
      const found: ErrorInfo[] = [];
      const names: string[] = [];
      // Outcomes are handled in listing order, as the sequential reads were.
      for (const [i, outcome] of (await settleBounded(children, (child) => read("ErrorInfo", `${path}/${child}`))).entries()) {
        if (outcome.ok) {
          if (outcome.value !== null) {
            found.push(outcome.value);
            names.push(children[i] as string);
          }
          continue;
        }
        // Storm fails the whole read on bytes it cannot parse; skipping them (and saying so)
        // keeps the other errors visible. Any other failure is the read's.
        if (!(outcome.error instanceof CorruptRecordError)) throw outcome.error;
        onError(outcome.error);
      }
      return newestFirst(found, names);
    },
    lastError: async (id, componentId) => read("ErrorInfo", paths.lastErrorPath(id, componentId)),
    setupErrors: async (id, auth) => setupTopologyDirectory(paths.Roots.errors, paths.errorStormRoot(id), auth),
    async allSupervisorInfo(callback) {
      const ids = await storm.supervisors(callback);
      return present(ids, await mapBounded(ids, (id) => storm.supervisorInfo(id)));
    },
    async topologyBases() {
      const ids = await storm.activeStorms();
      return present(ids, await mapBounded(ids, (id) => storm.stormBase(id)));
    },
    async getTopoId(name) {
      for (const [id, base] of Object.entries(await storm.topologyBases())) if (base.name === name) return id;
      return null;
    },
    async nimbuses() {
      const summaries = await mapBounded(await childrenOrEmpty(paths.Roots.nimbuses), (child) => read("NimbusSummary", paths.nimbusPath(child)));
      return summaries.filter((s): s is NimbusSummary => s !== null);
    },
    async addNimbusHost(nimbusId, summary) {
      const path = paths.nimbusPath(nimbusId);
      const bytes = encode("NimbusSummary", summary);
      await state.deleteNode(path);
      nimbusRegistrations.get(nimbusId)?.();
      nimbusRegistrations.set(nimbusId, state.onConnectionState((event) => {
        // Storm re-registers on Curator's RECONNECTED, which is also what a new session after
        // expiry reports: the old session's ephemeral node is gone then.
        if (event !== "reconnected" && event !== "newSession") return;
        state.deleteNode(path).then(() => state.setEphemeralNode(path, bytes)).catch(onError);
      }));
      await state.setEphemeralNode(path, bytes);
    },
    getLeader: async (callback) => state.getData(paths.Roots.leaderInfo, arm({ kind: "leader" }, callback)),
    leader: () => readNimbusLeader(state.client),
    nimbusElection: (id) => joinNimbusElection(state.client, id),
    setCredentials: async (id, credentials, auth) => setTopologyRecord("Credentials", credentials, paths.credentialsPath(id), auth),
    credentials: async (id, callback) => read("Credentials", paths.credentialsPath(id), arm({ kind: "credentials", id }, callback)),
    setupBackpressure: async (id, auth) => setupTopologyDirectory(paths.Roots.backpressure, paths.backpressureStormRoot(id), auth),
    removeBackpressure: async (id) => logged(`removeBackpressure ${id}`, state.deleteNode(paths.backpressureStormRoot(id))),
    async removeWorkerBackpressure(id, node, port) {
      const path = paths.backpressurePath(id, node, port);
      if (await state.nodeExists(path)) await state.deleteNode(path);
    },
    async topologyBackpressure(id, timeoutMs, callback) {
      const root = paths.backpressureStormRoot(id);
      if (!(await state.nodeExists(root))) return false;
      let newest = 0;
      const children = await state.getChildren(root, arm({ kind: "backpressure", id }, callback));
      for (const data of await mapBounded(children, (child) => state.getData(`${root}/${child}`))) {
        // Each worker's node holds the time it signalled, as an 8-byte big-endian long (ms).
        if (data !== null && data.length >= 8) newest = Math.max(newest, Number(new DataView(data.buffer, data.byteOffset, 8).getBigInt64(0)));
      }
      return Date.now() - newest < timeoutMs;
    },
    backpressureTopologies: async () => childrenOrEmpty(paths.Roots.backpressure),
    async setupBlob(key, nimbusHostPort, version) {
      const path = paths.blobstorePath(key);
      await state.mkdirs(path);
      for (const child of await childrenOrEmpty(path)) {
        if (child.startsWith(nimbusHostPort)) await state.deleteNode(`${path}/${child}`);
      }
      await state.setEphemeralNode(paths.blobstoreVersionPath(key, nimbusHostPort, version), new Uint8Array(0));
    },
    activeKeys: async () => state.getChildren(paths.Roots.blobstore),
    async blobstore(callback) {
      await state.sync(paths.Roots.blobstore);
      return state.getChildren(paths.Roots.blobstore, arm({ kind: "blobstore" }, callback));
    },
    async blobstoreInfo(key) {
      const path = key === "" ? paths.Roots.blobstore : paths.blobstorePath(key);
      await state.sync(path);
      return state.getChildren(path);
    },
    removeBlobstoreKey: async (key) => state.deleteNode(paths.blobstorePath(key)),
    removeKeyVersion: async (key) => state.deleteNode(paths.blobstoreMaxKeySequenceNumberPath(key)),
    setTopologyLogConfig: async (id, config, auth) => setTopologyRecord("LogConfig", config, paths.logConfigPath(id), auth, paths.Roots.logConfigs),
    topologyLogConfig: async (id, callback) => read("LogConfig", paths.logConfigPath(id), arm({ kind: "logConfig", id }, callback)),
    async setWorkerProfileRequest(id, request) {
      await state.setData(profileRequestPath(id, request), encode("ProfileRequest", request));
    },
    getTopologyProfileRequests: profileRequests,
    async getWorkerProfileRequests(id, nodeInfo) {
      // Thrift struct equality: same node and the same port set, in any order.
      return (await profileRequests(id)).filter((r) => compareNodeInfo(r.nodeInfo, nodeInfo) === 0);
    },
    async deleteTopologyProfileRequests(id, request) {
      await state.deleteNode(profileRequestPath(id, request));
    },
    async getPrivateWorkerKey(type, id, version) {
      const path = paths.secretKeysPath(type, id, version);
      const found = await read("PrivateWorkerKey", path);
      if (found !== null) return found;
      await state.sync(path);
      return read("PrivateWorkerKey", path);
    },
    async addPrivateWorkerKey(type, id, version, key, acl) {
      const path = paths.secretKeysPath(type, id, version);
      const bytes = encode("PrivateWorkerKey", key);
      await state.mkdirs(paths.Roots.secretKeys);
      await state.setData(path, bytes, acl);
    },
    async getNextPrivateWorkerKeyVersion(type, id) {
      const versions = (await childrenOrEmpty(paths.secretKeysPath(type, id))).map(Number).filter(Number.isFinite);
      return versions.length === 0 ? 0 : Math.max(...versions);
    },
    async removeExpiredPrivateWorkerKeys(id) {
      const now = Date.now();
      for (const type of TOKEN_TYPES) {
        const root = paths.secretKeysPath(type, id);
        for (const version of await childrenOrEmpty(root)) {
          const path = `${root}/${version}`;
          const key = await read("PrivateWorkerKey", path);
          if (key !== null && key.expirationTimeMillis < now) await state.deleteNode(path);
        }
      }
    },
    async removeAllPrivateWorkerKeys(id) {
      for (const type of TOKEN_TYPES) await state.deleteNode(paths.secretKeysPath(type, id));
    },
    async idsOfTopologiesWithPrivateWorkerKeys() {
      const ids = new Set<string>();
      for (const type of TOKEN_TYPES) for (const id of await childrenOrEmpty(paths.secretKeysPath(type))) ids.add(id);
      return ids;
    },
    async disconnect() {
      state.unregister(routerId);
      for (const off of nimbusRegistrations.values()) off();
      nimbusRegistrations.clear();
      if (solo) await state.close();
    },
  };
  return storm;
}
