/** Executor beats from worker heartbeats (storm-research §6). Pure logic. */
import type { ClusterWorkerHeartbeat, ExecutorKey, ExecutorStats, NodeInfo } from "./records.ts";

/** What nimbus learns of one executor from its worker's heartbeat. */
export interface ExecutorBeat {
  readonly timeSecs: number;
  readonly uptimeSecs: number;
  readonly stats: ExecutorStats;
}

/** A worker slot as node + first port (Storm's NodeInfo has a port set of one). */
export interface WorkerSlot {
  readonly node: string;
  readonly port: number;
}

/** The key of a worker slot, `<node>-<port>` (the heartbeat node's name). */
export function slotKey(slot: WorkerSlot): string {
  return `${slot.node}-${slot.port}`;
}

/** Inverts executor → NodeInfo into worker slot → its executors (sorted, so the order is fixed). */
export function executorsBySlot(executorNodePort: Readonly<Record<ExecutorKey, NodeInfo>>): Map<string, { slot: WorkerSlot; executors: ExecutorKey[] }> {
  const out = new Map<string, { slot: WorkerSlot; executors: ExecutorKey[] }>();
  for (const executor of Object.keys(executorNodePort).sort()) {
    const info = executorNodePort[executor];
    const port = info?.port[0];
    if (info === undefined || port === undefined) continue;
    const slot = { node: info.node, port };
    const key = slotKey(slot);
    const entry = out.get(key) ?? { slot, executors: [] };
    entry.executors.push(executor);
    out.set(key, entry);
  }
  return out;
}

/**
 * Merges worker heartbeats into executor beats. From each worker's heartbeat only the executors
 * assigned to that worker and present in its stats are taken: a long-dead worker with a skewed
 * clock can never supply timestamps for executors that now run elsewhere.
 */
export function mergeExecutorBeats(
  executorNodePort: Readonly<Record<ExecutorKey, NodeInfo>>,
  heartbeatOf: (slot: WorkerSlot) => ClusterWorkerHeartbeat | null | undefined,
): Record<ExecutorKey, ExecutorBeat> {
  const out: Record<ExecutorKey, ExecutorBeat> = {};
  for (const { slot, executors } of executorsBySlot(executorNodePort).values()) {
    const heartbeat = heartbeatOf(slot);
    if (!heartbeat) continue;
    for (const executor of executors) {
      if (!Object.hasOwn(heartbeat.executorStats, executor)) continue;
      const stats = heartbeat.executorStats[executor];
      if (stats === undefined) continue;
      out[executor] = { timeSecs: heartbeat.timeSecs, uptimeSecs: heartbeat.uptimeSecs, stats };
    }
  }
  return out;
}
