/**
 * The records Storm keeps in ZooKeeper, shaped after Storm 2.x's `storm.thrift` (storm-research
 * §4.5): field names in camelCase, optional fields optional, enums as their thrift names. Every
 * read goes through these zod schemas and {@link deepFreeze}, so callers get immutable, validated
 * values.
 *
 * **Numbers.** Every i64 here is a plain `number`, validated as a safe integer (|n| < 2^53); none
 * is a `bigint`, because none can reach 2^53 in a real cluster: times are epoch seconds or
 * milliseconds (`timeSecs`, `uptimeSecs`, `timeStamp`, `expirationTimeMillis`,
 * `resetLogLevelTimeoutEpoch`), ports and task ids are ints stored as i64 (`NodeInfo.port`,
 * `usedPorts`, `meta`, executor ranges), and the stats counters would need ~285 years at a million
 * tuples a second. A foreign value outside that range makes the record a `CorruptRecordError`
 * rather than a silently rounded number.
 *
 * **Maps keyed by lists or structs** get a key that compares by value, so a record stays a plain,
 * immutable, serializable tree that `deepEqual` compares correctly:
 * - executor ranges (`list<i64>` in Assignment, `ExecutorInfo` in heartbeats) → the canonical
 *   string {@link executorKey}`(1, 3)` = `"[1,3]"` (i32 task ids, no leading zeros; anything else
 *   is refused, so one executor has exactly one key);
 * - `GlobalStreamId` → the canonical JSON text {@link streamKey}`("split", "default")` =
 *   `'["split","default"]'`;
 * - `NodeInfo` (the key of `Assignment.workerResources`) → a list of `{ nodeInfo, resources }`
 *   entries, kept in {@link compareNodeInfo} order without duplicate keys.
 * `NodeInfo.port` is a thrift set: parsing sorts it ascending and drops duplicates, so equal sets
 * are equal arrays.
 */
import { z } from "zod";

const i32 = z.number().int().min(-2147483648).max(2147483647);
// zod 4's int() already means "safe integer"; the bounds say so explicitly.
const i64 = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
// A thrift double is any IEEE-754 value: Java writes NaN (Storm's latency averages divide 0 by 0
// when nothing was sampled) and infinities, and a reader must take them rather than call the
// whole heartbeat corrupt. zod's number() refuses both, so this is a plain type check.
const double = z.custom<number>((value) => typeof value === "number", "expected a number");
// JavaScript objects cannot hold an own "__proto__" key through plain assignment, so such a key
// would silently vanish in parsing: refuse it instead.
const noProtoKey = (value: unknown, ctx: z.RefinementCtx) => {
  if (typeof value === "object" && value !== null && Object.hasOwn(value, "__proto__")) {
    ctx.addIssue({ code: "custom", message: 'the map key "__proto__" is not supported' });
  }
  return value;
};
const stringMap = <T extends z.ZodType>(value: T) => z.preprocess(noProtoKey, z.record(z.string(), value));

/** Key of an executor `[taskStart, taskEnd]` in executor-keyed maps: `"[1,3]"`. */
export type ExecutorKey = string;

const isI32 = (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647;
const EXECUTOR_KEY = /^\[(0|-?[1-9]\d{0,9}),(0|-?[1-9]\d{0,9})\]$/;

/** The map key for the executor covering tasks `taskStart..taskEnd`; throws a RangeError unless both are i32. */
export function executorKey(taskStart: number, taskEnd: number): ExecutorKey {
  if (!isI32(taskStart) || !isI32(taskEnd)) throw new RangeError(`executor task ids are 32-bit integers, got [${taskStart},${taskEnd}]`);
  // `${-0}` is "0", so the key stays canonical.
  return `[${taskStart},${taskEnd}]`;
}

/** The task range of a canonical executor key; throws a TypeError on any other string. */
export function parseExecutorKey(key: ExecutorKey): readonly [number, number] {
  const m = EXECUTOR_KEY.exec(key);
  const range = m === null ? undefined : ([Number(m[1]), Number(m[2])] as const);
  if (range === undefined || !isI32(range[0]) || !isI32(range[1])) throw new TypeError(`not an executor key: ${JSON.stringify(key)}`);
  return range;
}

const isExecutorKey = (key: string) => {
  try {
    parseExecutorKey(key);
    return true;
  } catch {
    return false;
  }
};
const executorKeySchema = z.string().refine(isExecutorKey, "executor keys look like [start,end]: i32 task ids, no leading zeros");

/** Key of a stream `(componentId, streamId)` in stream-keyed maps. */
export type StreamKey = string;

/** The map key for a global stream id: canonical JSON `["component","stream"]`. */
export function streamKey(componentId: string, streamId: string): StreamKey {
  return JSON.stringify([componentId, streamId]);
}

/** The `[componentId, streamId]` of a canonical stream key; throws a TypeError on any other string. */
export function parseStreamKey(key: StreamKey): readonly [string, string] {
  let v: unknown;
  try {
    v = JSON.parse(key);
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== "string" || typeof v[1] !== "string" || JSON.stringify(v) !== key) {
    throw new TypeError(`not a stream key: ${JSON.stringify(key)}`);
  }
  return [v[0], v[1]];
}

const isStreamKey = (key: string) => {
  try {
    parseStreamKey(key);
    return true;
  } catch {
    return false;
  }
};
const streamKeySchema = z.string().refine(isStreamKey, 'stream keys are the canonical JSON ["componentId","streamId"]');

/** Topology status (`TopologyStatus`). */
export type TopologyStatus = "ACTIVE" | "INACTIVE" | "REBALANCING" | "KILLED";
/** Schema of {@link TopologyStatus}. */
export const TopologyStatusSchema: z.ZodType<TopologyStatus> = z.enum(["ACTIVE", "INACTIVE", "REBALANCING", "KILLED"]);

/** A worker slot: supervisor id and port set (one port in practice), ports ascending and unique once parsed. */
export interface NodeInfo {
  readonly node: string;
  readonly port: readonly number[];
}
/** Schema of {@link NodeInfo}; sorts and de-duplicates the port set, as a set has no order. */
export const NodeInfoSchema: z.ZodType<NodeInfo> = z.object({ node: z.string(), port: z.array(i64) })
  .transform(({ node, port }) => ({ node, port: [...new Set(port)].sort((a, b) => a - b) }));

/**
 * Orders NodeInfos by node, then port set (as sorted lists); 0 exactly when both are the same
 * thrift value, whatever the order of their ports.
 */
export function compareNodeInfo(a: NodeInfo, b: NodeInfo): number {
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  const pa = [...new Set(a.port)].sort((x, y) => x - y);
  const pb = [...new Set(b.port)].sort((x, y) => x - y);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return pa.length - pb.length;
}

/** Resources of one worker (`WorkerResources`). */
export interface WorkerResources {
  readonly memOnHeap?: number;
  readonly memOffHeap?: number;
  readonly cpu?: number;
  readonly sharedMemOnHeap?: number;
  readonly sharedMemOffHeap?: number;
  readonly resources?: Readonly<Record<string, number>>;
  readonly sharedResources?: Readonly<Record<string, number>>;
}
/** Schema of {@link WorkerResources}. */
export const WorkerResourcesSchema: z.ZodType<WorkerResources> = z.object({
  memOnHeap: double.optional(),
  memOffHeap: double.optional(),
  cpu: double.optional(),
  sharedMemOnHeap: double.optional(),
  sharedMemOffHeap: double.optional(),
  resources: stringMap(double).optional(),
  sharedResources: stringMap(double).optional(),
});

/** One entry of `Assignment.workerResources` (thrift `map<NodeInfo, WorkerResources>`). */
export interface WorkerResourcesEntry {
  readonly nodeInfo: NodeInfo;
  readonly resources: WorkerResources;
}

// A thrift map cannot hold one key twice; entries are kept in one order so equal maps are equal lists.
const workerResourcesSchema = z.array(z.object({ nodeInfo: NodeInfoSchema, resources: WorkerResourcesSchema }))
  .transform((entries) => [...entries].sort((a, b) => compareNodeInfo(a.nodeInfo, b.nodeInfo)))
  .refine((entries) => entries.every((entry, i) => {
    const previous = entries[i - 1];
    return previous === undefined || compareNodeInfo(previous.nodeInfo, entry.nodeInfo) !== 0;
  }), "workerResources lists a NodeInfo twice");

/** Where a topology's executors run (`/assignments/<id>`). */
export interface Assignment {
  readonly masterCodeDir: string;
  /** Supervisor id → host name. */
  readonly nodeHost: Readonly<Record<string, string>>;
  readonly executorNodePort: Readonly<Record<ExecutorKey, NodeInfo>>;
  readonly executorStartTimeSecs: Readonly<Record<ExecutorKey, number>>;
  readonly workerResources: readonly WorkerResourcesEntry[];
  readonly totalSharedOffHeap: Readonly<Record<string, number>>;
  readonly owner?: string;
}
/** Schema of {@link Assignment}; the map fields default to empty, as thrift's `= {}` defaults do. */
export const AssignmentSchema: z.ZodType<Assignment> = z.object({
  masterCodeDir: z.string(),
  nodeHost: stringMap(z.string()).default({}),
  executorNodePort: z.record(executorKeySchema, NodeInfoSchema).default({}),
  executorStartTimeSecs: z.record(executorKeySchema, i64).default({}),
  workerResources: workerResourcesSchema.default([]),
  totalSharedOffHeap: stringMap(double).default({}),
  owner: z.string().optional(),
});

/** `KillOptions`. */
export interface KillOptions {
  readonly waitSecs?: number;
}
/** `RebalanceOptions`. */
export interface RebalanceOptions {
  readonly waitSecs?: number;
  readonly numWorkers?: number;
  readonly numExecutors?: Readonly<Record<string, number>>;
  readonly topologyResourcesOverrides?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** JSON text. */
  readonly topologyConfOverrides?: string;
  readonly principal?: string;
}
/** `TopologyActionOptions`: a thrift union, so exactly one member is set. */
export type TopologyActionOptions = { readonly killOptions: KillOptions } | { readonly rebalanceOptions: RebalanceOptions };

/** Schema of {@link KillOptions}. */
export const KillOptionsSchema: z.ZodType<KillOptions> = z.object({ waitSecs: i32.optional() });
/** Schema of {@link RebalanceOptions}. */
export const RebalanceOptionsSchema: z.ZodType<RebalanceOptions> = z.object({
  waitSecs: i32.optional(),
  numWorkers: i32.optional(),
  numExecutors: stringMap(i32).optional(),
  topologyResourcesOverrides: stringMap(stringMap(double)).optional(),
  topologyConfOverrides: z.string().optional(),
  principal: z.string().optional(),
});
/** Schema of {@link TopologyActionOptions}; `.strict()` makes a second member an error, not a dropped key. */
export const TopologyActionOptionsSchema: z.ZodType<TopologyActionOptions> = z.union([
  z.object({ killOptions: KillOptionsSchema }).strict(),
  z.object({ rebalanceOptions: RebalanceOptionsSchema }).strict(),
]);

/** `DebugOptions` of one component. */
export interface DebugOptions {
  readonly enable?: boolean;
  readonly samplingpct?: number;
}
/** Schema of {@link DebugOptions}. */
export const DebugOptionsSchema: z.ZodType<DebugOptions> = z.object({ enable: z.boolean().optional(), samplingpct: double.optional() });

/** A topology's status record (`/storms/<id>`). */
export interface StormBase {
  readonly name: string;
  readonly status: TopologyStatus;
  readonly numWorkers: number;
  readonly componentExecutors?: Readonly<Record<string, number>>;
  readonly launchTimeSecs?: number;
  readonly owner?: string;
  readonly topologyActionOptions?: TopologyActionOptions;
  readonly prevStatus?: TopologyStatus;
  readonly componentDebug?: Readonly<Record<string, DebugOptions>>;
  readonly principal?: string;
  readonly topologyVersion?: string;
}
/** Schema of {@link StormBase}. */
export const StormBaseSchema: z.ZodType<StormBase> = z.object({
  name: z.string(),
  status: TopologyStatusSchema,
  numWorkers: i32,
  componentExecutors: stringMap(i32).optional(),
  launchTimeSecs: i32.optional(),
  owner: z.string().optional(),
  topologyActionOptions: TopologyActionOptionsSchema.optional(),
  prevStatus: TopologyStatusSchema.optional(),
  componentDebug: stringMap(DebugOptionsSchema).optional(),
  principal: z.string().optional(),
  topologyVersion: z.string().optional(),
});

/** A supervisor's heartbeat (`/supervisors/<id>`, ephemeral). */
export interface SupervisorInfo {
  readonly timeSecs: number;
  readonly hostname: string;
  readonly assignmentId?: string;
  readonly usedPorts?: readonly number[];
  readonly meta?: readonly number[];
  readonly schedulerMeta?: Readonly<Record<string, string>>;
  readonly uptimeSecs?: number;
  readonly version?: string;
  readonly resourcesMap?: Readonly<Record<string, number>>;
  readonly serverPort?: number;
}
/** Schema of {@link SupervisorInfo}. */
export const SupervisorInfoSchema: z.ZodType<SupervisorInfo> = z.object({
  timeSecs: i64,
  hostname: z.string(),
  assignmentId: z.string().optional(),
  usedPorts: z.array(i64).optional(),
  meta: z.array(i64).optional(),
  schedulerMeta: stringMap(z.string()).optional(),
  uptimeSecs: i64.optional(),
  version: z.string().optional(),
  resourcesMap: stringMap(double).optional(),
  serverPort: i32.optional(),
});

/** Window (`"600"`, `"10800"`, `"86400"`, `":all-time"`) → stream id → value. */
export type WindowedStats<V = number> = Readonly<Record<string, Readonly<Record<string, V>>>>;
/** Window → {@link StreamKey} → value. */
export type WindowedStreamStats<V = number> = Readonly<Record<string, Readonly<Record<StreamKey, V>>>>;

// Counters are thrift i64, averages doubles.
const windowedCount = stringMap(stringMap(i64));
const windowedAverage = stringMap(stringMap(double));
const windowedCountByStream = stringMap(z.record(streamKeySchema, i64));
const windowedAverageByStream = stringMap(z.record(streamKeySchema, double));

/** `BoltStats`: per window and input stream. */
export interface BoltStats {
  readonly acked: WindowedStreamStats;
  readonly failed: WindowedStreamStats;
  readonly processMsAvg: WindowedStreamStats;
  readonly executed: WindowedStreamStats;
  readonly executeMsAvg: WindowedStreamStats;
}
/** Schema of {@link BoltStats}. */
export const BoltStatsSchema: z.ZodType<BoltStats> = z.object({
  acked: windowedCountByStream,
  failed: windowedCountByStream,
  processMsAvg: windowedAverageByStream,
  executed: windowedCountByStream,
  executeMsAvg: windowedAverageByStream,
});

/** `SpoutStats`: per window and output stream. */
export interface SpoutStats {
  readonly acked: WindowedStats;
  readonly failed: WindowedStats;
  readonly completeMsAvg: WindowedStats;
}
/** Schema of {@link SpoutStats}. */
export const SpoutStatsSchema: z.ZodType<SpoutStats> = z.object({ acked: windowedCount, failed: windowedCount, completeMsAvg: windowedAverage });

/** `ExecutorSpecificStats`: a thrift union, bolt or spout. */
export type ExecutorSpecificStats = { readonly bolt: BoltStats } | { readonly spout: SpoutStats };

/** `ExecutorStats`: counters per window and stream plus bolt- or spout-specific stats. */
export interface ExecutorStats {
  readonly emitted: WindowedStats;
  readonly transferred: WindowedStats;
  readonly specific: ExecutorSpecificStats;
  readonly rate: number;
}
/** Schema of {@link ExecutorStats}. */
export const ExecutorStatsSchema: z.ZodType<ExecutorStats> = z.object({
  emitted: windowedCount,
  transferred: windowedCount,
  specific: z.union([z.object({ bolt: BoltStatsSchema }).strict(), z.object({ spout: SpoutStatsSchema }).strict()]),
  rate: double,
});

/** A worker's heartbeat (`/workerbeats/<id>/<node>-<port>`); `executorStats` is keyed by {@link executorKey} (thrift `ExecutorInfo`). */
export interface ClusterWorkerHeartbeat {
  readonly stormId: string;
  readonly executorStats: Readonly<Record<ExecutorKey, ExecutorStats>>;
  /** i32 on the wire up to Storm 2.8.8, i64 after (STORM-4116); both read. */
  readonly timeSecs: number;
  readonly uptimeSecs: number;
}
/** Schema of {@link ClusterWorkerHeartbeat}. */
export const ClusterWorkerHeartbeatSchema: z.ZodType<ClusterWorkerHeartbeat> = z.object({
  stormId: z.string(),
  executorStats: z.record(executorKeySchema, ExecutorStatsSchema),
  timeSecs: i64,
  uptimeSecs: i32,
});

/** A reported error (`/errors/<id>/<component>/e…` and `…-last-error`). */
export interface ErrorInfo {
  /** Stack trace text. */
  readonly error: string;
  readonly errorTimeSecs: number;
  readonly host?: string;
  readonly port?: number;
}
/** Schema of {@link ErrorInfo}. */
export const ErrorInfoSchema: z.ZodType<ErrorInfo> = z.object({ error: z.string(), errorTimeSecs: i32, host: z.string().optional(), port: i32.optional() });

/** A nimbus host (`/nimbuses/<host:port>`, ephemeral). */
export interface NimbusSummary {
  readonly host: string;
  readonly port: number;
  /** Nimbus stores its start time in epoch seconds here. */
  readonly uptimeSecs: number;
  readonly isLeader: boolean;
  readonly version: string;
  /** Since Storm 2.6.4/2.7.0. */
  readonly tlsPort?: number;
}
/** Schema of {@link NimbusSummary}. */
export const NimbusSummarySchema: z.ZodType<NimbusSummary> = z.object({
  host: z.string(),
  port: i32,
  uptimeSecs: i32,
  isLeader: z.boolean(),
  version: z.string(),
  tlsPort: i32.optional(),
});

/** A topology's credentials (`/credentials/<id>`). Worker tokens inside are opaque base64 text: never re-encode them. */
export interface Credentials {
  readonly creds: Readonly<Record<string, string>>;
  readonly topoOwner?: string;
}
/** Schema of {@link Credentials}. */
export const CredentialsSchema: z.ZodType<Credentials> = z.object({ creds: stringMap(z.string()), topoOwner: z.string().optional() });

/** `LogLevelAction`. */
export type LogLevelAction = "UNCHANGED" | "UPDATE" | "REMOVE";
/** `LogLevel` of one logger. */
export interface LogLevel {
  readonly action: LogLevelAction;
  readonly targetLogLevel?: string;
  readonly resetLogLevelTimeoutSecs?: number;
  /** Epoch milliseconds. */
  readonly resetLogLevelTimeoutEpoch?: number;
  readonly resetLogLevel?: string;
}
/** Schema of {@link LogLevel}. */
export const LogLevelSchema: z.ZodType<LogLevel> = z.object({
  action: z.enum(["UNCHANGED", "UPDATE", "REMOVE"]),
  targetLogLevel: z.string().optional(),
  resetLogLevelTimeoutSecs: i32.optional(),
  resetLogLevelTimeoutEpoch: i64.optional(),
  resetLogLevel: z.string().optional(),
});

/** A topology's dynamic log levels (`/logconfigs/<id>`); logger name → level. */
export interface LogConfig {
  readonly namedLoggerLevel?: Readonly<Record<string, LogLevel>>;
}
/** Schema of {@link LogConfig}. */
export const LogConfigSchema: z.ZodType<LogConfig> = z.object({ namedLoggerLevel: stringMap(LogLevelSchema).optional() });

/** `ProfileAction`. */
export type ProfileAction = "JPROFILE_STOP" | "JPROFILE_START" | "JPROFILE_DUMP" | "JMAP_DUMP" | "JSTACK_DUMP" | "JVM_RESTART";
/** A profiling request for one worker (`/profilerconfigs/<id>/<host>_<port>_<ACTION>`). */
export interface ProfileRequest {
  readonly nodeInfo: NodeInfo;
  readonly action: ProfileAction;
  /** Epoch milliseconds. */
  readonly timeStamp?: number;
}
/** Schema of {@link ProfileRequest}. */
export const ProfileRequestSchema: z.ZodType<ProfileRequest> = z.object({
  nodeInfo: NodeInfoSchema,
  action: z.enum(["JPROFILE_STOP", "JPROFILE_START", "JPROFILE_DUMP", "JMAP_DUMP", "JSTACK_DUMP", "JVM_RESTART"]),
  timeStamp: i64.optional(),
});

/** `WorkerTokenServiceType`: whose worker-token keys these are. */
export type WorkerTokenServiceType = "NIMBUS" | "DRPC" | "SUPERVISOR";
/** A worker-token signing key (`/secretkeys/<TYPE>/<id>/<version>`). Meaningful to Storm's JVM daemons only. */
export interface PrivateWorkerKey {
  /** Raw key bytes. Typed arrays cannot be frozen: treat them as read-only. */
  readonly key: Uint8Array;
  readonly userName: string;
  readonly expirationTimeMillis: number;
}
/** Schema of {@link PrivateWorkerKey}. */
export const PrivateWorkerKeySchema: z.ZodType<PrivateWorkerKey> = z.object({ key: z.instanceof(Uint8Array), userName: z.string(), expirationTimeMillis: i64 });

/** Every stored record type by the name codecs use for it. */
export interface RecordTypes {
  Assignment: Assignment;
  StormBase: StormBase;
  SupervisorInfo: SupervisorInfo;
  ClusterWorkerHeartbeat: ClusterWorkerHeartbeat;
  ErrorInfo: ErrorInfo;
  NimbusSummary: NimbusSummary;
  Credentials: Credentials;
  LogConfig: LogConfig;
  ProfileRequest: ProfileRequest;
  PrivateWorkerKey: PrivateWorkerKey;
}

/** The name of a stored record type. */
export type RecordKind = keyof RecordTypes;

/** The schema of each record kind. */
export const recordSchemas: { readonly [K in RecordKind]: z.ZodType<RecordTypes[K]> } = {
  Assignment: AssignmentSchema,
  StormBase: StormBaseSchema,
  SupervisorInfo: SupervisorInfoSchema,
  ClusterWorkerHeartbeat: ClusterWorkerHeartbeatSchema,
  ErrorInfo: ErrorInfoSchema,
  NimbusSummary: NimbusSummarySchema,
  Credentials: CredentialsSchema,
  LogConfig: LogConfigSchema,
  ProfileRequest: ProfileRequestSchema,
  PrivateWorkerKey: PrivateWorkerKeySchema,
};

/**
 * Freezes a value and everything reachable from it, and returns it. Typed arrays are left as they
 * are: the language cannot freeze them. A frozen object is still walked, because zod's
 * `.readonly()` and `Object.freeze` freeze only one level.
 */
export function deepFreeze<T>(value: T): T {
  const seen = new WeakSet<object>();
  const visit = (v: unknown): void => {
    if (typeof v !== "object" || v === null || ArrayBuffer.isView(v) || seen.has(v)) return;
    seen.add(v);
    for (const key of Reflect.ownKeys(v)) visit((v as Record<PropertyKey, unknown>)[key]);
    Object.freeze(v);
  };
  visit(value);
  return value;
}
