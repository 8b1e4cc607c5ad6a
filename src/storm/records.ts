/**
 * The records Storm keeps in ZooKeeper, shaped after Storm 2.x's `storm.thrift` (field names in
 * camelCase, optional fields optional, enums as their thrift names). Every read goes through
 * these zod schemas and {@link deepFreeze}, so callers get immutable, validated values.
 *
 * Numbers: Storm's i64 fields here hold seconds, milliseconds, ports or task ids, all far below
 * 2^53, so they are plain `number`s (validated as safe integers).
 *
 * Maps keyed by lists or structs (executor ranges, stream ids, NodeInfo) are plain objects keyed
 * by the JSON text of the key's fields in thrift order — `executorKey(1, 3)` is `"[1,3]"`,
 * `streamKey("split", "default")` is `'["split","default"]'` — so keys compare by value and the
 * records stay plain, immutable and serializable. `workerResources` (keyed by NodeInfo) is a list
 * of `{ nodeInfo, resources }` entries.
 */
import { z } from "zod";

const i32 = z.number().int().min(-2147483648).max(2147483647);
const i64 = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const double = z.number();
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

/** The map key for the executor covering tasks `taskStart..taskEnd`. */
export function executorKey(taskStart: number, taskEnd: number): ExecutorKey {
  return `[${taskStart},${taskEnd}]`;
}

/** The task range of an executor key; throws on a malformed key. */
export function parseExecutorKey(key: ExecutorKey): readonly [number, number] {
  const m = /^\[(-?\d+),(-?\d+)\]$/.exec(key);
  if (m === null) throw new TypeError(`not an executor key: ${JSON.stringify(key)}`);
  return [Number(m[1]), Number(m[2])];
}

const executorKeySchema = z.string().regex(/^\[-?\d+,-?\d+\]$/, "executor keys look like [start,end]");

/** Key of a stream `(componentId, streamId)` in stream-keyed maps. */
export type StreamKey = string;

/** The map key for a global stream id. */
export function streamKey(componentId: string, streamId: string): StreamKey {
  return JSON.stringify([componentId, streamId]);
}

const streamKeySchema = z.string().refine((k) => {
  try {
    const v: unknown = JSON.parse(k);
    return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "string");
  } catch {
    return false;
  }
}, "stream keys are JSON [componentId, streamId]");

/** Topology status (`TopologyStatus`). */
export type TopologyStatus = "ACTIVE" | "INACTIVE" | "REBALANCING" | "KILLED";
export const TopologyStatusSchema: z.ZodType<TopologyStatus> = z.enum(["ACTIVE", "INACTIVE", "REBALANCING", "KILLED"]);

/** A worker slot: supervisor id and port set (one port in practice). */
export interface NodeInfo {
  readonly node: string;
  readonly port: readonly number[];
}
export const NodeInfoSchema: z.ZodType<NodeInfo> = z.object({ node: z.string(), port: z.array(i64) });

/** Resources of one worker. */
export interface WorkerResources {
  readonly memOnHeap?: number;
  readonly memOffHeap?: number;
  readonly cpu?: number;
  readonly sharedMemOnHeap?: number;
  readonly sharedMemOffHeap?: number;
  readonly resources?: Readonly<Record<string, number>>;
  readonly sharedResources?: Readonly<Record<string, number>>;
}
export const WorkerResourcesSchema: z.ZodType<WorkerResources> = z.object({
  memOnHeap: double.optional(),
  memOffHeap: double.optional(),
  cpu: double.optional(),
  sharedMemOnHeap: double.optional(),
  sharedMemOffHeap: double.optional(),
  resources: stringMap(double).optional(),
  sharedResources: stringMap(double).optional(),
});

/** Where a topology's executors run (`/assignments/<id>`). */
export interface Assignment {
  readonly masterCodeDir: string;
  /** Supervisor id → host name. */
  readonly nodeHost: Readonly<Record<string, string>>;
  readonly executorNodePort: Readonly<Record<ExecutorKey, NodeInfo>>;
  readonly executorStartTimeSecs: Readonly<Record<ExecutorKey, number>>;
  readonly workerResources: readonly { readonly nodeInfo: NodeInfo; readonly resources: WorkerResources }[];
  readonly totalSharedOffHeap: Readonly<Record<string, number>>;
  readonly owner?: string;
}
export const AssignmentSchema: z.ZodType<Assignment, unknown> = z.object({
  masterCodeDir: z.string(),
  nodeHost: stringMap(z.string()).default({}),
  executorNodePort: z.record(executorKeySchema, NodeInfoSchema).default({}),
  executorStartTimeSecs: z.record(executorKeySchema, i64).default({}),
  workerResources: z.array(z.object({ nodeInfo: NodeInfoSchema, resources: WorkerResourcesSchema })).default([]),
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
/** `TopologyActionOptions`: a union, exactly one member set. */
export type TopologyActionOptions = { readonly killOptions: KillOptions } | { readonly rebalanceOptions: RebalanceOptions };

const KillOptionsSchema: z.ZodType<KillOptions> = z.object({ waitSecs: i32.optional() });
const RebalanceOptionsSchema: z.ZodType<RebalanceOptions> = z.object({
  waitSecs: i32.optional(),
  numWorkers: i32.optional(),
  numExecutors: stringMap(i32).optional(),
  topologyResourcesOverrides: stringMap(stringMap(double)).optional(),
  topologyConfOverrides: z.string().optional(),
  principal: z.string().optional(),
});
export const TopologyActionOptionsSchema: z.ZodType<TopologyActionOptions> = z.union([
  z.object({ killOptions: KillOptionsSchema }).strict(),
  z.object({ rebalanceOptions: RebalanceOptionsSchema }).strict(),
]);

/** `DebugOptions` of one component. */
export interface DebugOptions {
  readonly enable?: boolean;
  readonly samplingpct?: number;
}
const DebugOptionsSchema: z.ZodType<DebugOptions> = z.object({ enable: z.boolean().optional(), samplingpct: double.optional() });

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

/** Window (`"600"`, `":all-time"`, …) → stream id → value. */
export type WindowedStats<V = number> = Readonly<Record<string, Readonly<Record<string, V>>>>;
/** Window → {@link StreamKey} → value. */
export type WindowedStreamStats<V = number> = Readonly<Record<string, Readonly<Record<StreamKey, V>>>>;

const windowed = stringMap(stringMap(double));
const windowedByStream = stringMap(z.record(streamKeySchema, double));

/** `BoltStats`. */
export interface BoltStats {
  readonly acked: WindowedStreamStats;
  readonly failed: WindowedStreamStats;
  readonly processMsAvg: WindowedStreamStats;
  readonly executed: WindowedStreamStats;
  readonly executeMsAvg: WindowedStreamStats;
}
/** `SpoutStats`. */
export interface SpoutStats {
  readonly acked: WindowedStats;
  readonly failed: WindowedStats;
  readonly completeMsAvg: WindowedStats;
}
/** `ExecutorStats`: counters per window and stream plus bolt- or spout-specific stats. */
export interface ExecutorStats {
  readonly emitted: WindowedStats;
  readonly transferred: WindowedStats;
  readonly specific: { readonly bolt: BoltStats } | { readonly spout: SpoutStats };
  readonly rate: number;
}
export const ExecutorStatsSchema: z.ZodType<ExecutorStats> = z.object({
  emitted: windowed,
  transferred: windowed,
  specific: z.union([
    z.object({
      bolt: z.object({ acked: windowedByStream, failed: windowedByStream, processMsAvg: windowedByStream, executed: windowedByStream, executeMsAvg: windowedByStream }),
    }).strict(),
    z.object({ spout: z.object({ acked: windowed, failed: windowed, completeMsAvg: windowed }) }).strict(),
  ]),
  rate: double,
});

/** A worker's heartbeat (`/workerbeats/<id>/<node>-<port>`). */
export interface ClusterWorkerHeartbeat {
  readonly stormId: string;
  readonly executorStats: Readonly<Record<ExecutorKey, ExecutorStats>>;
  readonly timeSecs: number;
  readonly uptimeSecs: number;
}
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
export const ErrorInfoSchema: z.ZodType<ErrorInfo> = z.object({ error: z.string(), errorTimeSecs: i32, host: z.string().optional(), port: i32.optional() });

/** A nimbus host (`/nimbuses/<host:port>`, ephemeral). */
export interface NimbusSummary {
  readonly host: string;
  readonly port: number;
  /** Nimbus stores its start time in epoch seconds here. */
  readonly uptimeSecs: number;
  readonly isLeader: boolean;
  readonly version: string;
  readonly tlsPort?: number;
}
export const NimbusSummarySchema: z.ZodType<NimbusSummary> = z.object({
  host: z.string(),
  port: i32,
  uptimeSecs: i32,
  isLeader: z.boolean(),
  version: z.string(),
  tlsPort: i32.optional(),
});

/** A topology's credentials (`/credentials/<id>`). Worker tokens inside are opaque base64 text. */
export interface Credentials {
  readonly creds: Readonly<Record<string, string>>;
  readonly topoOwner?: string;
}
export const CredentialsSchema: z.ZodType<Credentials> = z.object({ creds: stringMap(z.string()), topoOwner: z.string().optional() });

/** `LogLevelAction`. */
export type LogLevelAction = "UNCHANGED" | "UPDATE" | "REMOVE";
/** `LogLevel` of one logger. */
export interface LogLevel {
  readonly action: LogLevelAction;
  readonly targetLogLevel?: string;
  readonly resetLogLevelTimeoutSecs?: number;
  readonly resetLogLevelTimeoutEpoch?: number;
  readonly resetLogLevel?: string;
}
/** A topology's dynamic log levels (`/logconfigs/<id>`). */
export interface LogConfig {
  readonly namedLoggerLevel?: Readonly<Record<string, LogLevel>>;
}
export const LogConfigSchema: z.ZodType<LogConfig> = z.object({
  namedLoggerLevel: stringMap(z.object({
    action: z.enum(["UNCHANGED", "UPDATE", "REMOVE"]),
    targetLogLevel: z.string().optional(),
    resetLogLevelTimeoutSecs: i32.optional(),
    resetLogLevelTimeoutEpoch: i64.optional(),
    resetLogLevel: z.string().optional(),
  })).optional(),
});

/** `ProfileAction`. */
export type ProfileAction = "JPROFILE_STOP" | "JPROFILE_START" | "JPROFILE_DUMP" | "JMAP_DUMP" | "JSTACK_DUMP" | "JVM_RESTART";
/** A profiling request for one worker (`/profilerconfigs/<id>/<host>_<port>_<ACTION>`). */
export interface ProfileRequest {
  readonly nodeInfo: NodeInfo;
  readonly action: ProfileAction;
  readonly timeStamp?: number;
}
export const ProfileRequestSchema: z.ZodType<ProfileRequest> = z.object({
  nodeInfo: NodeInfoSchema,
  action: z.enum(["JPROFILE_STOP", "JPROFILE_START", "JPROFILE_DUMP", "JMAP_DUMP", "JSTACK_DUMP", "JVM_RESTART"]),
  timeStamp: i64.optional(),
});

/** `WorkerTokenServiceType`: whose worker-token keys these are. */
export type WorkerTokenServiceType = "NIMBUS" | "DRPC" | "SUPERVISOR";
/** A worker-token signing key (`/secretkeys/<TYPE>/<id>/<version>`). Meaningful to Storm's JVM daemons only. */
export interface PrivateWorkerKey {
  /** Raw key bytes (typed arrays cannot be frozen: treat as read-only). */
  readonly key: Uint8Array;
  readonly userName: string;
  readonly expirationTimeMillis: number;
}
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
export const recordSchemas: { readonly [K in RecordKind]: z.ZodType<RecordTypes[K], unknown> } = {
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

/** Freezes a value and everything reachable from it (typed arrays excepted: they cannot be frozen). */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  return Object.freeze(value);
}
