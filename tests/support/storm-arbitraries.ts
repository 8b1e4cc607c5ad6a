/** fast-check arbitraries for every stored Storm record. */
import fc from "fast-check";
import { executorKey, streamKey } from "../../src/storm/records.ts";
import type { RecordKind, RecordTypes } from "../../src/storm/records.ts";

function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }, requiredKeys?: (keyof T)[]): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true, ...(requiredKeys ? { requiredKeys } : {}) }) as fc.Arbitrary<T>;
}

const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const i64 = fc.maxSafeInteger();
// -0 has no JSON form; it reads back as 0.
const double = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));
const text = fc.string({ unit: "grapheme", maxLength: 12 });
const key = text.filter((k) => k !== "__proto__");
const map = <V>(value: fc.Arbitrary<V>) => fc.dictionary(key, value, { maxKeys: 3, noNullPrototype: true });
const executor = fc.tuple(fc.integer({ min: -1, max: 500 }), fc.integer({ min: -1, max: 500 })).map(([a, b]) => executorKey(a, b));
const stream = fc.tuple(text, text).map(([c, s]) => streamKey(c, s));
const byExecutor = <V>(value: fc.Arbitrary<V>) => fc.dictionary(executor, value, { maxKeys: 3, noNullPrototype: true });
const status = fc.constantFrom("ACTIVE", "INACTIVE", "REBALANCING", "KILLED" as const);

const nodeInfo = record<RecordTypes["ProfileRequest"]["nodeInfo"]>({ node: text, port: fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 2 }) });
const windowed = map(map(i64));
const windowedByStream = map(fc.dictionary(stream, i64, { maxKeys: 2, noNullPrototype: true }));

export const stormArbitraries: { readonly [K in RecordKind]: fc.Arbitrary<RecordTypes[K]> } = {
  Assignment: record({
    masterCodeDir: text,
    nodeHost: map(text),
    executorNodePort: byExecutor(nodeInfo),
    executorStartTimeSecs: byExecutor(i64),
    workerResources: fc.array(record({ nodeInfo, resources: record({ memOnHeap: double, memOffHeap: double, cpu: double, sharedMemOnHeap: double, sharedMemOffHeap: double, resources: map(double), sharedResources: map(double) }, []) }), { maxLength: 2 }),
    totalSharedOffHeap: map(double),
    owner: text,
  }, ["masterCodeDir", "nodeHost", "executorNodePort", "executorStartTimeSecs", "workerResources", "totalSharedOffHeap"]),
  StormBase: record({
    name: text,
    status,
    numWorkers: i32,
    componentExecutors: map(i32),
    launchTimeSecs: i32,
    owner: text,
    topologyActionOptions: fc.oneof(
      record({ killOptions: record({ waitSecs: i32 }, []) }),
      record({ rebalanceOptions: record({ waitSecs: i32, numWorkers: i32, numExecutors: map(i32), topologyResourcesOverrides: map(map(double)), topologyConfOverrides: text, principal: text }, []) }),
    ),
    prevStatus: status,
    componentDebug: map(record({ enable: fc.boolean(), samplingpct: double }, [])),
    principal: text,
    topologyVersion: text,
  }, ["name", "status", "numWorkers"]),
  SupervisorInfo: record({
    timeSecs: i64, hostname: text, assignmentId: text, usedPorts: fc.array(i64, { maxLength: 3 }), meta: fc.array(i64, { maxLength: 3 }),
    schedulerMeta: map(text), uptimeSecs: i64, version: text, resourcesMap: map(double), serverPort: i32,
  }, ["timeSecs", "hostname"]),
  ClusterWorkerHeartbeat: record({
    stormId: text,
    executorStats: byExecutor(record({
      emitted: windowed,
      transferred: windowed,
      specific: fc.oneof(
        record({ bolt: record({ acked: windowedByStream, failed: windowedByStream, processMsAvg: windowedByStream, executed: windowedByStream, executeMsAvg: windowedByStream }) }),
        record({ spout: record({ acked: windowed, failed: windowed, completeMsAvg: windowed }) }),
      ),
      rate: double,
    })),
    // Storm 2.8.8 stores this as an i32 (later versions as i64); stay writable for both.
    timeSecs: i32,
    uptimeSecs: i32,
  }),
  ErrorInfo: record({ error: text, errorTimeSecs: i32, host: text, port: i32 }, ["error", "errorTimeSecs"]),
  NimbusSummary: record({ host: text, port: i32, uptimeSecs: i32, isLeader: fc.boolean(), version: text, tlsPort: i32 }, ["host", "port", "uptimeSecs", "isLeader", "version"]),
  Credentials: record({ creds: map(text), topoOwner: text }, ["creds"]),
  LogConfig: record({
    namedLoggerLevel: map(record({
      action: fc.constantFrom("UNCHANGED", "UPDATE", "REMOVE" as const),
      targetLogLevel: text, resetLogLevelTimeoutSecs: i32, resetLogLevelTimeoutEpoch: i64, resetLogLevel: text,
    }, ["action"])),
  }, []),
  ProfileRequest: record({
    nodeInfo,
    action: fc.constantFrom("JPROFILE_STOP", "JPROFILE_START", "JPROFILE_DUMP", "JMAP_DUMP", "JSTACK_DUMP", "JVM_RESTART" as const),
    timeStamp: i64,
  }, ["nodeInfo", "action"]),
  PrivateWorkerKey: record({ key: fc.uint8Array({ maxLength: 64 }), userName: text, expirationTimeMillis: i64 }),
};
