/**
 * The small cluster `demo` seeds, and the incidents it plays during its watch: written through
 * the public StormClusterState API only, as nimbus, supervisors and workers would write them.
 */
import type { Assignment, NodeInfo, StormClusterState } from "../../mod.ts";

const SUPERVISORS = [
  { id: "sup-a1f3", host: "storm-worker-1" },
  { id: "sup-b7c2", host: "storm-worker-2" },
  { id: "sup-c9d4", host: "storm-worker-3" },
] as const;

const TOPOLOGIES = [
  {
    id: "wordcount-1-1733400000",
    name: "wordcount",
    owner: "alice",
    components: { spout: 2, split: 4, count: 4 },
    slots: [["sup-a1f3", 6700], ["sup-b7c2", 6700]],
  },
  {
    id: "clicks-2-1733401000",
    name: "clicks",
    owner: "bob",
    components: { kafka: 2, sessionize: 2 },
    slots: [["sup-c9d4", 6700]],
  },
] as const;

type Slots = readonly (readonly [string, number])[];

/** An assignment spreading the components' executors round-robin over `slots`. */
function assignment(topology: (typeof TOPOLOGIES)[number], slots: Slots, nowSecs: number): Assignment {
  const executorNodePort: Record<string, NodeInfo> = {};
  const executorStartTimeSecs: Record<string, number> = {};
  let task = 1;
  for (const count of Object.values(topology.components)) {
    for (let i = 0; i < count; i++, task++) {
      const [node, port] = slots[task % slots.length] ?? ["", 0];
      executorNodePort[`[${task},${task}]`] = { node, port: [port] };
      executorStartTimeSecs[`[${task},${task}]`] = nowSecs - 3600;
    }
  }
  return {
    masterCodeDir: `/var/storm/nimbus/stormdist/${topology.id}`,
    nodeHost: Object.fromEntries(SUPERVISORS.map((s) => [s.id, s.host])),
    executorNodePort,
    executorStartTimeSecs,
    workerResources: slots.map(([node, port]) => ({
      nodeInfo: { node, port: [port] },
      resources: { memOnHeap: 768, memOffHeap: 0, cpu: 50 },
    })),
    totalSharedOffHeap: {},
    owner: topology.owner,
  };
}

async function beat(
  storm: StormClusterState,
  topologyId: string,
  node: string,
  port: number,
  nowSecs: number,
): Promise<void> {
  await storm.workerHeartbeat(topologyId, node, port, {
    stormId: topologyId,
    executorStats: {},
    timeSecs: nowSecs,
    uptimeSecs: 3580,
  });
}

/** Seeds three supervisors, a nimbus, two running topologies with live heartbeats and a few errors. */
export async function seedDemoCluster(storm: StormClusterState, nowSecs: number): Promise<void> {
  await storm.addNimbusHost("nimbus-1:6627", {
    host: "nimbus-1",
    port: 6627,
    uptimeSecs: nowSecs - 86_400,
    isLeader: true,
    version: "2.8.8",
  });
  for (const s of SUPERVISORS) {
    const usedPorts = TOPOLOGIES.flatMap((t) => t.slots.filter(([node]) => node === s.id).map(([, port]) => port));
    await storm.supervisorHeartbeat(s.id, {
      timeSecs: nowSecs,
      hostname: s.host,
      assignmentId: s.id,
      usedPorts,
      meta: [6700, 6701, 6702, 6703],
      uptimeSecs: 86_000,
      version: "2.8.8",
      resourcesMap: { "supervisor.memory.capacity.mb": 4096, "supervisor.cpu.capacity": 400 },
    });
  }
  for (const t of TOPOLOGIES) {
    await storm.activateStorm(t.id, {
      name: t.name,
      status: "ACTIVE",
      numWorkers: t.slots.length,
      componentExecutors: t.components,
      launchTimeSecs: nowSecs - 3600,
      owner: t.owner,
    });
    await storm.setAssignment(t.id, assignment(t, t.slots, nowSecs));
    for (const [node, port] of t.slots) await beat(storm, t.id, node, port, nowSecs - 2);
  }
  await storm.reportError(
    TOPOLOGIES[0].id,
    "count",
    "storm-worker-2",
    6700,
    'java.lang.IllegalStateException: counter overflow for key "the"\n\tat demo.Count.execute(Count.java:42)',
  );
  await storm.reportError(
    TOPOLOGIES[1].id,
    "kafka",
    "storm-worker-3",
    6700,
    "org.apache.kafka.common.errors.TimeoutException: Topic clicks not present in metadata after 60000 ms.",
  );
}

/** The demo's incidents: a wordcount worker dies (its heartbeat goes, an error is reported), then clicks is rebalanced onto two workers. */
export async function playIncidents(
  storm: StormClusterState,
  nowSecs: () => number,
  pause: () => Promise<void>,
): Promise<void> {
  const [wordcount, clicks] = TOPOLOGIES;
  await pause();
  await storm.removeWorkerHeartbeat(wordcount.id, "sup-b7c2", 6700);
  await storm.reportError(wordcount.id, "split", "storm-worker-2", 6700, "java.lang.OutOfMemoryError: Java heap space");
  await pause();
  await storm.updateStorm(clicks.id, { status: "REBALANCING" });
  await pause();
  const slots: Slots = [["sup-c9d4", 6700], ["sup-a1f3", 6701]];
  await storm.setAssignment(clicks.id, assignment(clicks, slots, nowSecs()));
  await storm.updateStorm(clicks.id, { status: "ACTIVE", numWorkers: 2 });
  await beat(storm, clicks.id, "sup-a1f3", 6701, nowSecs());
}

/** The id of the topology `demo` shows in detail. */
export const DEMO_TOPOLOGY: string = TOPOLOGIES[0].id;
