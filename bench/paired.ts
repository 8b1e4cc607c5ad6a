/**
 * Paired measurement of two sides (a client against a server) over the same rows. Each row is
 * measured in many short rounds; in each round both sides run back to back (alternating which
 * goes first), so a round's two samples share the machine's momentary state. A row's result is
 * each side's median throughput and CPU per operation, and the median of the rounds' ratios
 * with its interquartile range: on a shared 2-core machine a single round can be off by 2×, a
 * paired ratio much less.
 */
import type { BenchClient } from "./clients.ts";
import type { Row } from "./rows.ts";
import { pairedRatio, quantile } from "./stats.ts";

/** One side of the comparison: a client, and the CPU time (µs) of whatever the row measures. */
export interface Side {
  readonly client: BenchClient;
  /** CPU microseconds used so far by the process being measured, or undefined if unknown. */
  cpuMicros(): number | undefined;
}

interface Sample {
  readonly opsPerSec: number;
  readonly cpuMicrosPerOp: number | undefined;
}

/** A row's medians and paired ratios (first side over second for throughput, second over first for CPU). */
export interface PairedResult {
  readonly row: string;
  readonly opsPerSec: readonly [number, number];
  readonly cpuMicrosPerOp: readonly [number | undefined, number | undefined];
  readonly throughputRatio: string;
  readonly cpuRatio: string | undefined;
}

async function measure(side: Side, row: Row, prefix: string): Promise<Sample> {
  const cpu0 = side.cpuMicros();
  const t0 = performance.now();
  const ops = await row.run(side.client, prefix);
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = side.cpuMicros();
  return {
    opsPerSec: ops / seconds,
    cpuMicrosPerOp: cpu0 === undefined || cpu1 === undefined ? undefined : (cpu1 - cpu0) / ops,
  };
}

/** Measures every row on both sides under `root` (one warm-up round, then `rounds` paired ones). */
export async function pairedRows(
  sides: readonly [Side, Side],
  rows: readonly Row[],
  root: string,
  rounds: number,
): Promise<PairedResult[]> {
  const results: PairedResult[] = [];
  for (const [r, row] of rows.entries()) {
    const prefixes = sides.map((_, i) => `${root}/r${r}-s${i}`);
    for (const [i, s] of sides.entries()) await row.setup?.(s.client, prefixes[i] as string);
    for (const [i, s] of sides.entries()) await measure(s, row, prefixes[i] as string);
    const samples: [Sample[], Sample[]] = [[], []];
    for (let round = 0; round < rounds; round++) {
      for (const i of round % 2 === 0 ? [0, 1] : [1, 0]) {
        samples[i]?.push(await measure(sides[i] as Side, row, prefixes[i] as string));
      }
    }
    const [a, b] = samples;
    const ops = (xs: Sample[]) => quantile(xs.map((x) => x.opsPerSec), 0.5);
    const known = (xs: Sample[]) => xs.every((x) => x.cpuMicrosPerOp !== undefined);
    const cpu = (xs: Sample[]) => (known(xs) ? quantile(xs.map((x) => x.cpuMicrosPerOp as number), 0.5) : undefined);
    results.push({
      row: row.name,
      opsPerSec: [ops(a), ops(b)],
      cpuMicrosPerOp: [cpu(a), cpu(b)],
      throughputRatio: pairedRatio(a.map((x, i) => x.opsPerSec / (b[i] as Sample).opsPerSec)),
      cpuRatio: known(a) && known(b)
        ? pairedRatio(a.map((x, i) => ((b[i] as Sample).cpuMicrosPerOp as number) / (x.cpuMicrosPerOp as number)))
        : undefined,
    });
    console.error(`done: ${row.name}`);
  }
  return results;
}
