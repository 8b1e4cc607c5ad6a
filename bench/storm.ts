/**
 * The Storm section of `npm run bench`: what a record costs next to zlib and next to Storm's own
 * Java path, the paced worker-heartbeat workload, and nimbus's executorBeats read. Called from
 * bench/run.ts with the benchmark's ZooKeeper; its own module so that rows added there and here
 * do not collide.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { plainThriftCodec, thriftCodec } from "../src/storm/codec/thrift.ts";
import { executorKey, type NodeInfo, type RecordKind } from "../src/storm/records.ts";
import { connect } from "../src/client/connect.ts";
import { createStormClusterState } from "../src/storm/storm-cluster-state.ts";
import { sampleRecords, workerHeartbeat } from "./storm-fixtures.ts";
import { quantile } from "./stats.ts";

const ROUNDS = 9;
const codec = thriftCodec();
const kinds = Object.keys(sampleRecords) as RecordKind[];

/** µs per call of `work`, over enough calls to fill about `ms` milliseconds. */
function microsPerCall(work: () => unknown, ms = 40): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 16; i++) work();
    n += 16;
    t = performance.now();
  }
  return ((t - t0) * 1000) / n;
}

interface CodecCost {
  readonly encode: number;
  readonly decode: number;
  readonly gzip: number;
  readonly gunzip: number;
  readonly encodeRatio: number;
  readonly decodeRatio: number;
  readonly plainBytes: number;
}

/** Ours and zlib's in the same rounds, back to back: medians of µs and of the rounds' ratios. */
function codecCost<K extends RecordKind>(kind: K): CodecCost {
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
  const samples = { encode: [] as number[], decode: [] as number[], gzip: [] as number[], gunzip: [] as number[], encodeRatio: [] as number[], decodeRatio: [] as number[] };
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

/** Java's encode and decode µs per record kind, or why they could not be measured. */
function javaAnchor(): Map<string, { encode: number; decode: number }> | string {
  const dir = mkdtempSync(join(tmpdir(), "stormkeeper-bench-java-"));
  try {
    const idl = fileURLToPath(new URL("../tests/fixtures/storm-thrift/storm-records.thrift", import.meta.url));
    const source = join(dir, "src");
    mkdirSync(source);
    execFileSync("thrift", ["--gen", "java", "-out", source, idl], { stdio: "pipe" });
    copyFileSync(fileURLToPath(new URL("./java/StormAnchor.java", import.meta.url)), join(source, "StormAnchor.java"));
    // libthrift 0.16 logs through slf4j; the no-op binding keeps its start-up warning quiet.
    const classpath = ["/usr/share/java/thrift.jar", "/usr/share/java/slf4j-api.jar", "/usr/share/java/slf4j-nop.jar"];
    const classes = join(dir, "classes");
    const files = execFileSync("find", [source, "-name", "*.java"], { encoding: "utf8" }).trim().split("\n");
    execFileSync("javac", ["-nowarn", "-d", classes, "-cp", classpath.join(":"), ...files], { stdio: "pipe" });
    const args = kinds.map((kind) => {
      const file = join(dir, `${kind}.bin`);
      writeFileSync(file, plainThriftCodec.encode(kind, sampleRecords[kind]));
      return `${kind}=${file}`;
    });
    const out = execFileSync("java", ["-cp", [classes, ...classpath].join(":"), "StormAnchor", "400", ...args], { encoding: "utf8" });
    const costs = new Map<string, { encode: number; decode: number }>();
    for (const line of out.trim().split("\n")) {
      const [kind, encode, decode] = line.split(" ");
      if (kind !== undefined) costs.set(kind, { encode: Number(encode), decode: Number(decode) });
    }
    return costs;
  } catch (error) {
    return `the Java anchor could not be built or run: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface PacedResult {
  readonly rate: number;
  readonly cpuPercent: number;
  readonly p50: number;
  readonly p99: number;
}

/** `rate` workerHeartbeat calls a second for `seconds`, issued on a fixed schedule. */
async function pacedHeartbeats(connectString: string, root: string, rate: number, seconds: number): Promise<PacedResult> {
  const storm = await createStormClusterState({ connectString, root });
  const id = "paced-1-1700000000";
  const beat = workerHeartbeat(20, id);
  try {
    await storm.setupHeartbeats(id);
    // One warm-up second: JIT, node creation.
    for (let i = 0; i < 50; i++) await storm.workerHeartbeat(id, `sup-${i % 10}`, 6700 + i, beat);
    const latencies: number[] = [];
    const pending: Promise<void>[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let sent = 0;
    const total = rate * seconds;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      for (; sent < due; sent++) {
        const worker = sent % 50;
        const start = performance.now();
        pending.push(storm.workerHeartbeat(id, `sup-${worker % 10}`, 6700 + worker, beat).then(() => void latencies.push(performance.now() - start)));
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(pending);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { rate: total / wall, cpuPercent: ((cpu.user + cpu.system) / 1e6 / wall) * 100, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
  } finally {
    await storm.disconnect();
  }
}

/** executorBeats over `workers` heartbeats of `executors` executors each: median ms and CPU ms. */
async function executorBeatsCost(connectString: string, root: string, workers: number, executors: number): Promise<{ wall: number; cpu: number }> {
  const storm = await createStormClusterState({ connectString, root });
  const id = "beats-1-1700000000";
  try {
    await storm.setupHeartbeats(id);
    const executorNodePort: Record<string, NodeInfo> = {};
    for (let w = 0; w < workers; w++) {
      const node = `sup-${w % 10}`;
      const port = 6700 + w;
      const beat = workerHeartbeat(executors, id);
      // Each worker reports its own executors: tasks w*executors+1 … (w+1)*executors.
      const stats = Object.fromEntries(Object.values(beat.executorStats).map((s, i) => [executorKey(w * executors + i + 1, w * executors + i + 1), s]));
      await storm.workerHeartbeat(id, node, port, { ...beat, executorStats: stats });
      for (const key of Object.keys(stats)) executorNodePort[key] = { node, port: [port] };
    }
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < 3 + ROUNDS; r++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const beats = await storm.executorBeats(id, executorNodePort);
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      if (Object.keys(beats).length !== workers * executors) throw new Error(`executorBeats saw ${Object.keys(beats).length} executors`);
      if (r >= 3) {
        walls.push(wall);
        cpus.push((cpu.user + cpu.system) / 1000);
      }
    }
    return { wall: quantile(walls, 0.5), cpu: quantile(cpus, 0.5) };
  } finally {
    await storm.disconnect();
  }
}

/** Runs the Storm rows against the ZooKeeper at `connectString`; returns the section as Markdown. */
export async function stormSection(connectString: string): Promise<string> {
  const root = `/bench-storm-${process.pid}`;
  const java = javaAnchor();
  const lines = [
    `\nStorm records through thriftCodec() (gzip-framed thrift), ${ROUNDS} rounds, medians; zlib ratios are medians of per-round ratios; Java = TSerializer(binary)+GZIPOutputStream / GZIPInputStream+TDeserializer after JIT warm-up\n`,
    "| record | plain bytes | encode µs | gzipSync µs | encode / gzip | decode µs | gunzipSync µs | decode / gunzip | Java encode µs | Java decode µs | ours / Java (encode, decode) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const kind of kinds) {
    const c = codecCost(kind);
    const j = typeof java === "string" ? undefined : java.get(kind);
    const javaCells = j === undefined ? "– | – | –" : `${j.encode.toFixed(1)} | ${j.decode.toFixed(1)} | ${(c.encode / j.encode).toFixed(2)}×, ${(c.decode / j.decode).toFixed(2)}×`;
    lines.push(`| ${kind} | ${c.plainBytes} | ${c.encode.toFixed(1)} | ${c.gzip.toFixed(1)} | ${c.encodeRatio.toFixed(2)}× | ${c.decode.toFixed(1)} | ${c.gunzip.toFixed(1)} | ${c.decodeRatio.toFixed(2)}× | ${javaCells} |`);
    console.error(`done: ${kind}`);
  }
  if (typeof java === "string") lines.push(`\n(${java})`);
  const paced = await pacedHeartbeats(connectString, `${root}-paced`, 1000, 5);
  console.error("done: paced heartbeats");
  const beats = await executorBeatsCost(connectString, `${root}-beats`, 50, 20);
  console.error("done: executorBeats");
  const zk = await connect(connectString);
  for (const used of [`${root}-paced`, `${root}-beats`]) await zk.deleteRecursive(used);
  await zk.close();
  lines.push(
    "",
    "| Storm workload | result |",
    "|---|---|",
    `| workerHeartbeat paced at 1,000/s for 5 s (20-executor heartbeat) | ${paced.rate.toFixed(0)}/s achieved, client CPU ${paced.cpuPercent.toFixed(1)}% of one core, latency p50 ${paced.p50.toFixed(2)} ms, p99 ${paced.p99.toFixed(2)} ms |`,
    `| executorBeats over 50 workers × 20 executors | ${beats.wall.toFixed(1)} ms (client CPU ${beats.cpu.toFixed(1)} ms) |`,
  );
  return lines.join("\n");
}
