/**
 * Realistic Storm records for the benchmark: a Storm 2.x worker heartbeat (emitted/transferred per
 * window and stream, bolt or spout stats per window and stream) and one record of every other kind.
 */
import {
  type ClusterWorkerHeartbeat,
  executorKey,
  type ExecutorStats,
  type RecordKind,
  type RecordTypes,
  streamKey,
} from "../src/storm/records.ts";

const WINDOWS = ["600", "10800", "86400", ":all-time"];
const STREAMS = ["default", "__ack_ack", "__system"];
const INPUTS = [streamKey("spout", "default"), streamKey("__acker", "__ack_ack")];

const perWindow = <V>(keys: readonly string[], value: (w: number, k: number) => V): Record<string, Record<string, V>> =>
  Object.fromEntries(WINDOWS.map((w, wi) => [w, Object.fromEntries(keys.map((k, ki) => [k, value(wi, ki)]))]));

/** Stats of one executor; `seed` varies the counts, so heartbeats of different workers differ. */
function executorStats(task: number, seed: number): ExecutorStats {
  const count = (w: number, k: number) => (w + 1) * 1_000 + k * 10 + task * 7 + seed * 131;
  const average = (w: number, k: number) => 0.25 + w * 0.125 + k + task / 64 + seed / 1024;
  const specific = task % 4 === 0
    ? {
      spout: {
        acked: perWindow(STREAMS, count),
        failed: perWindow(STREAMS, (w) => w),
        completeMsAvg: perWindow(STREAMS, average),
      },
    }
    : {
      bolt: {
        acked: perWindow(INPUTS, count),
        failed: perWindow(INPUTS, (w) => w),
        processMsAvg: perWindow(INPUTS, average),
        executed: perWindow(INPUTS, count),
        executeMsAvg: perWindow(INPUTS, average),
      },
    };
  return { emitted: perWindow(STREAMS, count), transferred: perWindow(STREAMS, count), specific, rate: 20 };
}

/** A worker heartbeat with `executors` single-task executors, as Storm 2.x workers write it; `seed` varies its counts. */
export function workerHeartbeat(executors = 20, stormId = "wordcount-1-1700000000", seed = 0): ClusterWorkerHeartbeat {
  const stats: Record<string, ExecutorStats> = {};
  for (let t = 1; t <= executors; t++) stats[executorKey(t, t)] = executorStats(t, seed);
  return { stormId, executorStats: stats, timeSecs: 1_700_000_123, uptimeSecs: 3_600 };
}

/** One realistic record of every kind. */
export const sampleRecords: { readonly [K in RecordKind]: RecordTypes[K] } = {
  ClusterWorkerHeartbeat: workerHeartbeat(20),
  Assignment: {
    masterCodeDir: "/var/storm/nimbus/stormdist/wordcount-1-1700000000",
    nodeHost: { "sup-1": "host1.example", "sup-2": "host2.example" },
    executorNodePort: Object.fromEntries(
      Array.from(
        { length: 20 },
        (_, i) => [executorKey(i + 1, i + 1), { node: `sup-${(i % 2) + 1}`, port: [6700 + (i % 4)] }],
      ),
    ),
    executorStartTimeSecs: Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [executorKey(i + 1, i + 1), 1_700_000_000 + i]),
    ),
    workerResources: [
      {
        nodeInfo: { node: "sup-1", port: [6700] },
        resources: {
          memOnHeap: 768,
          memOffHeap: 0,
          cpu: 40,
          resources: { "onheap.memory.mb": 768, "cpu.pcore.percent": 40 },
        },
      },
      { nodeInfo: { node: "sup-2", port: [6701] }, resources: { memOnHeap: 768, memOffHeap: 0, cpu: 40 } },
    ],
    totalSharedOffHeap: {},
    owner: "storm",
  },
  StormBase: {
    name: "wordcount",
    status: "ACTIVE",
    numWorkers: 4,
    componentExecutors: { spout: 5, split: 8, count: 12, __acker: 4 },
    launchTimeSecs: 1_700_000_000,
    owner: "storm",
    topologyVersion: "2.8.0",
    principal: "storm@EXAMPLE.COM",
  },
  SupervisorInfo: {
    timeSecs: 1_700_000_123,
    hostname: "host1.example",
    assignmentId: "sup-1",
    usedPorts: [6700, 6701],
    meta: [6700, 6701, 6702, 6703],
    schedulerMeta: { rack: "r1" },
    uptimeSecs: 86_400,
    version: "2.8.0",
    resourcesMap: { "supervisor.memory.capacity.mb": 4096, "supervisor.cpu.capacity": 400 },
    serverPort: 6628,
  },
  ErrorInfo: {
    error:
      "java.lang.RuntimeException: boom\n\tat org.example.Bolt.execute(Bolt.java:42)\n\tat org.apache.storm.daemon.Task.run(Task.java:1)",
    errorTimeSecs: 1_700_000_123,
    host: "host1.example",
    port: 6700,
  },
  NimbusSummary: { host: "nimbus1.example", port: 6627, uptimeSecs: 1_700_000_000, isLeader: true, version: "2.8.0" },
  Credentials: {
    creds: { "storm.zookeeper.topology.auth.payload": "c2VjcmV0", "TGT": "dGlja2V0".repeat(40) },
    topoOwner: "storm",
  },
  LogConfig: {
    namedLoggerLevel: {
      "org.example": {
        action: "UPDATE",
        targetLogLevel: "DEBUG",
        resetLogLevelTimeoutSecs: 30,
        resetLogLevelTimeoutEpoch: 1_700_000_123_000,
      },
    },
  },
  ProfileRequest: { nodeInfo: { node: "sup-1", port: [6700] }, action: "JSTACK_DUMP", timeStamp: 1_700_000_123_000 },
  PrivateWorkerKey: { key: new Uint8Array(64).fill(7), userName: "storm", expirationTimeMillis: 1_700_000_123_000 },
};
