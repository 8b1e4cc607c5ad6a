/**
 * Storm records the unit and integration tests write and compare: a topology base, an empty
 * assignment and a one-executor worker heartbeat.
 */
import type {
  Assignment,
  ClusterWorkerHeartbeat,
  ExecutorKey,
  ExecutorStats,
  StormBase,
} from "../../src/storm/records.ts";

/** An active "wordcount" topology of alice's: 2 workers, a spout and a split bolt. */
export const wordcountBase: StormBase = {
  name: "wordcount",
  status: "ACTIVE",
  numWorkers: 2,
  componentExecutors: { spout: 2, split: 4 },
  launchTimeSecs: 1_700_000_000,
  owner: "alice",
};

/** An assignment with nothing assigned: no executors, hosts, workers or shared memory. */
export const emptyAssignment: Assignment = {
  masterCodeDir: "/x",
  nodeHost: {},
  executorNodePort: {},
  executorStartTimeSecs: {},
  workerResources: [],
  totalSharedOffHeap: {},
};

/** A heartbeat of topology "t" (at 10 s, up 5 s) from a worker running the one executor `executor`. */
export function oneExecutorHeartbeat(executor: ExecutorKey, stats: ExecutorStats): ClusterWorkerHeartbeat {
  return { stormId: "t", timeSecs: 10, uptimeSecs: 5, executorStats: { [executor]: stats } };
}
