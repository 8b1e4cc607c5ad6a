/** Executor beats from worker heartbeats (storm-research §6, Storm's `executorBeats`). Pure logic. */
import {
  type ClusterWorkerHeartbeat,
  type ExecutorKey,
  type ExecutorStats,
  type NodeInfo,
  parseExecutorKey,
} from "./records.ts";

/** What nimbus learns of one executor from its worker's heartbeat. */
export interface ExecutorBeat {
  readonly timeSecs: number;
  readonly uptimeSecs: number;
  readonly stats: ExecutorStats;
}

/** A worker slot as node + port: Storm reads the first port of a NodeInfo's port set (a set of one in practice). */
export interface WorkerSlot {
  readonly node: string;
  readonly port: number;
}

/** The key of a worker slot, `<node>-<port>`: the name of its heartbeat node. */
export function slotKey(slot: WorkerSlot): string {
  return `${slot.node}-${slot.port}`;
}

/** Where heartbeats come from: a function of the slot, or a map keyed by {@link slotKey}. Missing → `null`/`undefined`. */
export type HeartbeatSource =
  | ((slot: WorkerSlot) => ClusterWorkerHeartbeat | null | undefined)
  | ReadonlyMap<string, ClusterWorkerHeartbeat | null | undefined>;

type Ranged = { readonly key: ExecutorKey; readonly range: readonly [number, number] | undefined };

function ranged(key: ExecutorKey): Ranged {
  try {
    return { key, range: parseExecutorKey(key) };
  } catch {
    return { key, range: undefined };
  }
}

// A total order: canonical keys by task range, then any hand-built non-canonical keys by text.
function executorOrder({ key: a, range: ra }: Ranged, { key: b, range: rb }: Ranged): number {
  if (ra !== undefined && rb !== undefined) return ra[0] - rb[0] || ra[1] - rb[1];
  if (ra !== undefined) return -1;
  if (rb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A worker slot and the executors assigned to it, in task order. */
export interface SlotExecutors {
  readonly slot: WorkerSlot;
  readonly executors: ExecutorKey[];
}

/**
 * Inverts executor → NodeInfo into worker slot → its executors, keyed by {@link slotKey}. Slots
 * and executors come out in task order whatever the input's key order; a NodeInfo without ports
 * names no worker and is skipped.
 */
export function executorsBySlot(
  executorNodePort: Readonly<Record<ExecutorKey, NodeInfo>>,
): Map<string, SlotExecutors> {
  const out = new Map<string, SlotExecutors>();
  for (const { key: executor } of Object.keys(executorNodePort).map(ranged).sort(executorOrder)) {
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
 * assigned to that worker and present in its stats are taken, with the heartbeat's time and
 * uptime: a long-dead worker with a skewed clock can never supply timestamps for executors that
 * now run elsewhere. Executors with no heartbeat, or absent from their worker's, are absent from
 * the result. Each executor has one slot, so the result does not depend on any iteration order.
 * The result and its beats are frozen; the stats are the heartbeats' own (frozen when read).
 */
export function mergeExecutorBeats(
  executorNodePort: Readonly<Record<ExecutorKey, NodeInfo>>,
  heartbeats: HeartbeatSource,
): Readonly<Record<ExecutorKey, ExecutorBeat>> {
  return mergeSlotBeats(executorsBySlot(executorNodePort), heartbeats);
}

/** {@link mergeExecutorBeats} over an assignment already inverted by {@link executorsBySlot}. */
export function mergeSlotBeats(
  bySlot: ReadonlyMap<string, SlotExecutors>,
  heartbeats: HeartbeatSource,
): Readonly<Record<ExecutorKey, ExecutorBeat>> {
  const heartbeatOf = typeof heartbeats === "function"
    ? heartbeats
    : (slot: WorkerSlot) => heartbeats.get(slotKey(slot));
  const beats: [ExecutorKey, ExecutorBeat][] = [];
  for (const { slot, executors } of bySlot.values()) {
    const heartbeat = heartbeatOf(slot);
    if (heartbeat === null || heartbeat === undefined) continue;
    for (const executor of executors) {
      const stats = Object.hasOwn(heartbeat.executorStats, executor) ? heartbeat.executorStats[executor] : undefined;
      if (stats !== undefined) {
        beats.push([
          executor,
          Object.freeze({ timeSecs: heartbeat.timeSecs, uptimeSecs: heartbeat.uptimeSecs, stats }),
        ]);
      }
    }
  }
  // fromEntries defines own properties, so no key can reach the prototype.
  return Object.freeze(Object.fromEntries(beats));
}
