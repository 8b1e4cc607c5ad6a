/**
 * What each Storm record costs through thriftCodec() next to zlib, in CPU time: imported by
 * bench/storm.ts on Node, and run on its own by Deno and Bun (`deno run -A bench/storm-codec.ts`,
 * `bun bench/storm-codec.ts`), which print one JSON line per record kind for the Node run to
 * compare with its own ratios.
 */
import process from "node:process";
import { gunzipSync, gzipSync } from "node:zlib";
import { plainThriftCodec, thriftCodec } from "../src/storm/codec/thrift.ts";
import type { RecordKind } from "../src/storm/records.ts";
import { sampleRecords } from "./storm-fixtures.ts";
import { quantile } from "./stats.ts";

/** Rounds per row; each row's figures are medians over them. */
export const ROUNDS = 9;
const codec = thriftCodec();

/** CPU time this process has used, in ms. */
function cpuMillis(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU µs per call of `work`, over enough calls to use about `ms` milliseconds of CPU. CPU time,
 * not wall time: the machine may be shared, and a process that waits for a core is not working.
 */
function microsPerCall(work: () => unknown, ms = 40): number {
  let n = 0;
  const t0 = cpuMillis();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 16; i++) work();
    n += 16;
    t = cpuMillis();
  }
  return ((t - t0) * 1000) / n;
}

/** One record kind: CPU µs per call of ours and zlib's, and the per-round ratios' medians. */
export interface CodecCost {
  readonly encode: number;
  readonly decode: number;
  readonly gzip: number;
  readonly gunzip: number;
  readonly encodeRatio: number;
  readonly decodeRatio: number;
  readonly plainBytes: number;
}

/** Ours and zlib's in the same rounds, back to back: medians of µs and of the rounds' ratios. */
export function codecCost<K extends RecordKind>(kind: K): CodecCost {
  const record = sampleRecords[kind];
  const plain = plainThriftCodec.encode(kind, record);
  const framed = codec.encode(kind, record);
  const work = {
    encode: () => codec.encode(kind, record),
    decode: () => codec.decode(kind, framed),
    gzip: () => gzipSync(plain),
    gunzip: () => gunzipSync(framed),
  };
  for (const w of Object.values(work)) microsPerCall(w, 150); // warm-up
  const samples = {
    encode: [] as number[],
    decode: [] as number[],
    gzip: [] as number[],
    gunzip: [] as number[],
    encodeRatio: [] as number[],
    decodeRatio: [] as number[],
  };
  for (let r = 0; r < ROUNDS; r++) {
    const e = microsPerCall(work.encode);
    const g = microsPerCall(work.gzip);
    const d = microsPerCall(work.decode);
    const u = microsPerCall(work.gunzip);
    samples.encode.push(e);
    samples.gzip.push(g);
    samples.decode.push(d);
    samples.gunzip.push(u);
    samples.encodeRatio.push(e / g);
    samples.decodeRatio.push(d / u);
  }
  const median = (xs: number[]) => quantile(xs, 0.5);
  return {
    encode: median(samples.encode),
    decode: median(samples.decode),
    gzip: median(samples.gzip),
    gunzip: median(samples.gunzip),
    encodeRatio: median(samples.encodeRatio),
    decodeRatio: median(samples.decodeRatio),
    plainBytes: plain.length,
  };
}

// Deno and Bun set import.meta.main for the entry module; Node 20 does not, and only imports this.
if ((import.meta as { main?: boolean }).main === true) {
  for (const kind of Object.keys(sampleRecords) as RecordKind[]) {
    console.log(JSON.stringify({ kind, ...codecCost(kind) }));
  }
}
