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
import { double, type ExecutorKey, executorKeySchema, i32, i64, stringMap } from "./record-keys.ts";
import { type ClusterWorkerHeartbeat, ClusterWorkerHeartbeatSchema } from "./heartbeat-records.ts";

export {
  type ExecutorKey,
  executorKey,
  parseExecutorKey,
  parseStreamKey,
  type StreamKey,
  streamKey,
} from "./record-keys.ts";
export * from "./heartbeat-records.ts";

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
  .refine((entries) =>
    entries.every((entry, i) => {
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
export type TopologyActionOptions = { readonly killOptions: KillOptions } | {
  readonly rebalanceOptions: RebalanceOptions;
};

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
export const DebugOptionsSchema: z.ZodType<DebugOptions> = z.object({
  enable: z.boolean().optional(),
  samplingpct: double.optional(),
});

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

/** A reported error (`/errors/<id>/<component>/e…` and `…-last-error`). */
export interface ErrorInfo {
  /** Stack trace text. */
  readonly error: string;
  readonly errorTimeSecs: number;
  readonly host?: string;
  readonly port?: number;
}
/** Schema of {@link ErrorInfo}. */
export const ErrorInfoSchema: z.ZodType<ErrorInfo> = z.object({
  error: z.string(),
  errorTimeSecs: i32,
  host: z.string().optional(),
  port: i32.optional(),
});

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
export const CredentialsSchema: z.ZodType<Credentials> = z.object({
  creds: stringMap(z.string()),
  topoOwner: z.string().optional(),
});

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
export const LogConfigSchema: z.ZodType<LogConfig> = z.object({
  namedLoggerLevel: stringMap(LogLevelSchema).optional(),
});

/** `ProfileAction`. */
export type ProfileAction =
  | "JPROFILE_STOP"
  | "JPROFILE_START"
  | "JPROFILE_DUMP"
  | "JMAP_DUMP"
  | "JSTACK_DUMP"
  | "JVM_RESTART";
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
export const PrivateWorkerKeySchema: z.ZodType<PrivateWorkerKey> = z.object({
  key: z.instanceof(Uint8Array),
  userName: z.string(),
  expirationTimeMillis: i64,
});

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
