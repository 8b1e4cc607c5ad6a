/**
 * Storm's `storm.thrift` structs as thrift tables (field ids and types of Storm 2.8.8), mapped to
 * stormkeeper's records: executor-range and stream-id keys become `executorKey`/`streamKey`
 * strings, `worker_resources` a list of `{ nodeInfo, resources }`.
 */
import {
  compareNodeInfo,
  executorKey,
  type NodeInfo,
  parseExecutorKey,
  parseStreamKey,
  type RecordKind,
  streamKey,
} from "../records.ts";
import type { ThriftField, ThriftMap, ThriftStruct, ThriftType } from "./thrift-protocol.ts";

const bool: ThriftType = { kind: "bool" };
const i32: ThriftType = { kind: "i32" };
const i64: ThriftType = { kind: "i64" };
const double: ThriftType = { kind: "double" };
const string: ThriftType = { kind: "string" };
const binary: ThriftType = { kind: "binary" };
const list = (elem: ThriftType): ThriftType => ({ kind: "list", elem });
const set = (elem: ThriftType): ThriftType => ({ kind: "set", elem });
const map = (key: ThriftType, value: ThriftType, extra: Partial<ThriftMap> = {}): ThriftMap => ({
  kind: "map",
  key,
  value,
  ...extra,
});
const req = (id: number, name: string, type: ThriftType, extra: Partial<ThriftField> = {}): ThriftField => ({
  id,
  name,
  type,
  required: true,
  ...extra,
});
const opt = (id: number, name: string, type: ThriftType): ThriftField => ({ id, name, type, required: false });
/** An optional map with thrift's `= {}` default: absent reads as empty, and is written as empty. */
const optEmpty = (id: number, name: string, type: ThriftType): ThriftField => ({
  id,
  name,
  type,
  required: false,
  defaultsToEmpty: true,
});
const struct = (name: string, fields: ThriftField[], union = false): ThriftStruct => ({
  kind: "struct",
  name,
  fields,
  union,
});

const TopologyStatus: ThriftType = {
  kind: "enum",
  name: "TopologyStatus",
  values: { ACTIVE: 1, INACTIVE: 2, REBALANCING: 3, KILLED: 4 },
};
const LogLevelAction: ThriftType = {
  kind: "enum",
  name: "LogLevelAction",
  values: { UNCHANGED: 1, UPDATE: 2, REMOVE: 3 },
};
const ProfileAction: ThriftType = {
  kind: "enum",
  name: "ProfileAction",
  values: { JPROFILE_STOP: 0, JPROFILE_START: 1, JPROFILE_DUMP: 2, JMAP_DUMP: 3, JSTACK_DUMP: 4, JVM_RESTART: 5 },
};

/** An executor range `[start, end]` as Storm keys assignments by it: a list of two i64. */
const executorListKey = {
  keyToJs: (k: unknown) => {
    const [start, end] = k as number[];
    if ((k as number[]).length !== 2 || start === undefined || end === undefined) {
      throw new TypeError("an executor key is a list of two task ids");
    }
    return executorKey(start, end);
  },
  keyFromJs: (k: string) => [...parseExecutorKey(k)],
};

const ExecutorInfo = struct("ExecutorInfo", [req(1, "taskStart", i32), req(2, "taskEnd", i32)]);
const executorInfoKey = {
  keyToJs: (k: unknown) => {
    const { taskStart, taskEnd } = k as { taskStart: number; taskEnd: number };
    return executorKey(taskStart, taskEnd);
  },
  keyFromJs: (k: string) => {
    const [taskStart, taskEnd] = parseExecutorKey(k);
    return { taskStart, taskEnd };
  },
};

const GlobalStreamId = struct("GlobalStreamId", [req(1, "componentId", string), req(2, "streamId", string)]);
const byStream = (value: ThriftType) =>
  map(
    string,
    map(GlobalStreamId, value, {
      keyToJs: (k) => {
        const { componentId, streamId } = k as { componentId: string; streamId: string };
        return streamKey(componentId, streamId);
      },
      keyFromJs: (k) => {
        const [componentId, streamId] = parseStreamKey(k);
        return { componentId, streamId };
      },
    }),
  );
const windowed = (value: ThriftType) => map(string, map(string, value));

const NodeInfo = struct("NodeInfo", [req(1, "node", string), req(2, "port", set(i64))]);

const WorkerResources = struct("WorkerResources", [
  opt(1, "memOnHeap", double),
  opt(2, "memOffHeap", double),
  opt(3, "cpu", double),
  opt(4, "sharedMemOnHeap", double),
  opt(5, "sharedMemOffHeap", double),
  opt(6, "resources", map(string, double)),
  opt(7, "sharedResources", map(string, double)),
]);

const Assignment = struct("Assignment", [
  req(1, "masterCodeDir", string),
  optEmpty(2, "nodeHost", map(string, string)),
  optEmpty(3, "executorNodePort", map(list(i64), NodeInfo, executorListKey)),
  optEmpty(4, "executorStartTimeSecs", map(list(i64), i64, executorListKey)),
  optEmpty(
    5,
    "workerResources",
    map(NodeInfo, WorkerResources, {
      entries: { key: "nodeInfo", value: "resources", order: (a: NodeInfo, b: NodeInfo) => compareNodeInfo(a, b) },
    }),
  ),
  optEmpty(6, "totalSharedOffHeap", map(string, double)),
  opt(7, "owner", string),
]);

const KillOptions = struct("KillOptions", [opt(1, "waitSecs", i32)]);
const RebalanceOptions = struct("RebalanceOptions", [
  opt(1, "waitSecs", i32),
  opt(2, "numWorkers", i32),
  opt(3, "numExecutors", map(string, i32)),
  opt(4, "topologyResourcesOverrides", map(string, map(string, double))),
  opt(5, "topologyConfOverrides", string),
  opt(6, "principal", string),
]);
const TopologyActionOptions = struct("TopologyActionOptions", [
  opt(1, "killOptions", KillOptions),
  opt(2, "rebalanceOptions", RebalanceOptions),
], true);
const DebugOptions = struct("DebugOptions", [opt(1, "enable", bool), opt(2, "samplingpct", double)]);

const StormBase = struct("StormBase", [
  req(1, "name", string),
  req(2, "status", TopologyStatus),
  req(3, "numWorkers", i32),
  opt(4, "componentExecutors", map(string, i32)),
  opt(5, "launchTimeSecs", i32),
  opt(6, "owner", string),
  opt(7, "topologyActionOptions", TopologyActionOptions),
  opt(8, "prevStatus", TopologyStatus),
  opt(9, "componentDebug", map(string, DebugOptions)),
  opt(10, "principal", string),
  opt(11, "topologyVersion", string),
]);

const SupervisorInfo = struct("SupervisorInfo", [
  req(1, "timeSecs", i64),
  req(2, "hostname", string),
  opt(3, "assignmentId", string),
  opt(4, "usedPorts", list(i64)),
  opt(5, "meta", list(i64)),
  opt(6, "schedulerMeta", map(string, string)),
  opt(7, "uptimeSecs", i64),
  opt(8, "version", string),
  opt(9, "resourcesMap", map(string, double)),
  opt(10, "serverPort", i32),
]);

const BoltStats = struct("BoltStats", [
  req(1, "acked", byStream(i64)),
  req(2, "failed", byStream(i64)),
  req(3, "processMsAvg", byStream(double)),
  req(4, "executed", byStream(i64)),
  req(5, "executeMsAvg", byStream(double)),
]);
const SpoutStats = struct("SpoutStats", [
  req(1, "acked", windowed(i64)),
  req(2, "failed", windowed(i64)),
  req(3, "completeMsAvg", windowed(double)),
]);
const ExecutorSpecificStats = struct(
  "ExecutorSpecificStats",
  [opt(1, "bolt", BoltStats), opt(2, "spout", SpoutStats)],
  true,
);
const ExecutorStats = struct("ExecutorStats", [
  req(1, "emitted", windowed(i64)),
  req(2, "transferred", windowed(i64)),
  req(3, "specific", ExecutorSpecificStats),
  req(4, "rate", double),
]);

/**
 * `time_secs` is an i32 up to Storm 2.8.8 and an i64 after it: written as i32 (what 2.8.8 daemons
 * read), read as either.
 */
const ClusterWorkerHeartbeat = struct("ClusterWorkerHeartbeat", [
  req(1, "stormId", string),
  req(2, "executorStats", map(ExecutorInfo, ExecutorStats, executorInfoKey)),
  req(3, "timeSecs", i32, { alsoReads: ["i64"] }),
  req(4, "uptimeSecs", i32),
]);

const ErrorInfo = struct("ErrorInfo", [
  req(1, "error", string),
  req(2, "errorTimeSecs", i32),
  opt(3, "host", string),
  opt(4, "port", i32),
]);

const NimbusSummary = struct("NimbusSummary", [
  req(1, "host", string),
  req(2, "port", i32),
  req(3, "uptimeSecs", i32),
  req(4, "isLeader", bool),
  req(5, "version", string),
  opt(6, "tlsPort", i32),
]);

const Credentials = struct("Credentials", [req(1, "creds", map(string, string)), opt(2, "topoOwner", string)]);

const LogLevel = struct("LogLevel", [
  req(1, "action", LogLevelAction),
  opt(2, "targetLogLevel", string),
  opt(3, "resetLogLevelTimeoutSecs", i32),
  opt(4, "resetLogLevelTimeoutEpoch", i64),
  opt(5, "resetLogLevel", string),
]);
// LogConfig has no field 1 in storm.thrift.
const LogConfig = struct("LogConfig", [opt(2, "namedLoggerLevel", map(string, LogLevel))]);

const ProfileRequest = struct("ProfileRequest", [
  req(1, "nodeInfo", NodeInfo),
  req(2, "action", ProfileAction),
  opt(3, "timeStamp", i64),
]);

const PrivateWorkerKey = struct("PrivateWorkerKey", [
  req(1, "key", binary),
  req(2, "userName", string),
  req(3, "expirationTimeMillis", i64),
]);

/** The thrift table of every stored record kind. */
export const stormThriftTables: { readonly [K in RecordKind]: ThriftStruct } = {
  Assignment,
  StormBase,
  SupervisorInfo,
  ClusterWorkerHeartbeat,
  ErrorInfo,
  NimbusSummary,
  Credentials,
  LogConfig,
  ProfileRequest,
  PrivateWorkerKey,
};
