/**
 * fast-check arbitraries for every stored Storm record. They produce canonical records (ports
 * sorted and unique, worker resources in NodeInfo order), so a record decodes to exactly itself.
 */
import fc from "fast-check";
import { compareNodeInfo, executorKey, streamKey } from "../../src/storm/records.ts";
import type { NodeInfo, RecordKind, RecordTypes, WorkerResources } from "../../src/storm/records.ts";

function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }, requiredKeys?: (keyof T)[]): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true, ...(requiredKeys ? { requiredKeys } : {}) }) as fc.Arbitrary<T>;
}

const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const i64 = fc.maxSafeInteger();
// -0 has no JSON form; it reads back as 0.
// Every IEEE-754 value but -0, which JSON cannot carry (the thrift test covers it by hand).
const double = fc.double().map((x) => (Object.is(x, -0) ? 0 : x));
const text = fc.string({ unit: "grapheme", maxLength: 12 });
// Map keys include the JSON codec's marker and other names with a meaning in JavaScript objects.
const key = fc.oneof(
  { weight: 5, arbitrary: text.filter((k) => k !== "__proto__") },
  { weight: 1, arbitrary: fc.constantFrom("$base64", "$", "$$x", "constructor", "toString", "hasOwnProperty", "") },
);
const map = <V>(value: fc.Arbitrary<V>) => fc.dictionary(key, value, { maxKeys: 3, noNullPrototype: true });
/** Task ids around the interesting edges of i32. */
export const taskId = fc.oneof(fc.integer({ min: -1, max: 500 }), fc.constantFrom(0, 2 ** 31 - 1, -(2 ** 31)));
/** A canonical executor key. */
export const executor = fc.tuple(taskId, taskId).map(([a, b]) => executorKey(a, b));
const stream = fc.tuple(text, text).map(([c, s]) => streamKey(c, s));
const byExecutor = <V>(value: fc.Arbitrary<V>) => fc.dictionary(executor, value, { maxKeys: 3, noNullPrototype: true });
const status = fc.constantFrom("ACTIVE", "INACTIVE", "REBALANCING", "KILLED" as const);

/** A canonical NodeInfo: ports ascending and unique. */
export const nodeInfo: fc.Arbitrary<NodeInfo> = record<NodeInfo>({
  node: text,
  port: fc.uniqueArray(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 2 }).map((ports) =>
    ports.sort((a, b) => a - b)
  ),
});
const workerResources = record<WorkerResources>({
  memOnHeap: double,
  memOffHeap: double,
  cpu: double,
  sharedMemOnHeap: double,
  sharedMemOffHeap: double,
  resources: map(double),
  sharedResources: map(double),
}, []);
const windowedCount = map(map(i64));
const windowedAverage = map(map(double));
const byStream = <V>(value: fc.Arbitrary<V>) =>
  map(fc.dictionary(stream, value, { maxKeys: 2, noNullPrototype: true }));

/** An arbitrary valid record of each kind. */
export const stormArbitraries: { readonly [K in RecordKind]: fc.Arbitrary<RecordTypes[K]> } = {
  Assignment: record({
    masterCodeDir: text,
    nodeHost: map(text),
    executorNodePort: byExecutor(nodeInfo),
    executorStartTimeSecs: byExecutor(i64),
    workerResources: fc.uniqueArray(record({ nodeInfo, resources: workerResources }), {
      maxLength: 3,
      comparator: (a, b) => compareNodeInfo(a.nodeInfo, b.nodeInfo) === 0,
    }).map((entries) => entries.sort((a, b) => compareNodeInfo(a.nodeInfo, b.nodeInfo))),
    totalSharedOffHeap: map(double),
    owner: text,
  }, [
    "masterCodeDir",
    "nodeHost",
    "executorNodePort",
    "executorStartTimeSecs",
    "workerResources",
    "totalSharedOffHeap",
  ]),
  StormBase: record({
    name: text,
    status,
    numWorkers: i32,
    componentExecutors: map(i32),
    launchTimeSecs: i32,
    owner: text,
    topologyActionOptions: fc.oneof(
      record({ killOptions: record({ waitSecs: i32 }, []) }),
      record({
        rebalanceOptions: record({
          waitSecs: i32,
          numWorkers: i32,
          numExecutors: map(i32),
          topologyResourcesOverrides: map(map(double)),
          topologyConfOverrides: text,
          principal: text,
        }, []),
      }),
    ),
    prevStatus: status,
    componentDebug: map(record({ enable: fc.boolean(), samplingpct: double }, [])),
    principal: text,
    topologyVersion: text,
  }, ["name", "status", "numWorkers"]),
  SupervisorInfo: record({
    timeSecs: i64,
    hostname: text,
    assignmentId: text,
    usedPorts: fc.array(i64, { maxLength: 3 }),
    meta: fc.array(i64, { maxLength: 3 }),
    schedulerMeta: map(text),
    uptimeSecs: i64,
    version: text,
    resourcesMap: map(double),
    serverPort: i32,
  }, ["timeSecs", "hostname"]),
  ClusterWorkerHeartbeat: record({
    stormId: text,
    executorStats: byExecutor(record({
      emitted: windowedCount,
      transferred: windowedCount,
      specific: fc.oneof(
        record({
          bolt: record({
            acked: byStream(i64),
            failed: byStream(i64),
            processMsAvg: byStream(double),
            executed: byStream(i64),
            executeMsAvg: byStream(double),
          }),
        }),
        record({ spout: record({ acked: windowedCount, failed: windowedCount, completeMsAvg: windowedAverage }) }),
      ),
      rate: double,
    })),
    // Storm 2.8.8 stores this as an i32 (later versions as i64); stay writable for both.
    timeSecs: i32,
    uptimeSecs: i32,
  }),
  ErrorInfo: record({ error: text, errorTimeSecs: i32, host: text, port: i32 }, ["error", "errorTimeSecs"]),
  NimbusSummary: record(
    { host: text, port: i32, uptimeSecs: i32, isLeader: fc.boolean(), version: text, tlsPort: i32 },
    ["host", "port", "uptimeSecs", "isLeader", "version"],
  ),
  Credentials: record({ creds: map(text), topoOwner: text }, ["creds"]),
  LogConfig: record({
    namedLoggerLevel: map(record({
      action: fc.constantFrom("UNCHANGED", "UPDATE", "REMOVE" as const),
      targetLogLevel: text,
      resetLogLevelTimeoutSecs: i32,
      resetLogLevelTimeoutEpoch: i64,
      resetLogLevel: text,
    }, ["action"])),
  }, []),
  ProfileRequest: record({
    nodeInfo,
    action: fc.constantFrom(
      "JPROFILE_STOP",
      "JPROFILE_START",
      "JPROFILE_DUMP",
      "JMAP_DUMP",
      "JSTACK_DUMP",
      "JVM_RESTART" as const,
    ),
    timeStamp: i64,
  }, ["nodeInfo", "action"]),
  PrivateWorkerKey: record({ key: fc.uint8Array({ maxLength: 64 }), userName: text, expirationTimeMillis: i64 }),
};
