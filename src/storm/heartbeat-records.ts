/**
 * A worker's heartbeat and the executor stats inside it (records.ts re-exports them): counters
 * and averages per stat window and stream, and the bolt- or spout-specific part.
 */
import { z } from "zod";
import {
  double,
  type ExecutorKey,
  executorKeySchema,
  i32,
  i64,
  type StreamKey,
  streamKeySchema,
  stringMap,
} from "./record-keys.ts";

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
export const SpoutStatsSchema: z.ZodType<SpoutStats> = z.object({
  acked: windowedCount,
  failed: windowedCount,
  completeMsAvg: windowedAverage,
});

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
