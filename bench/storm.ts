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
import { gzipSync } from "node:zlib";
import { GZIP_LEVEL } from "../src/storm/codec/framing.ts";
import { plainThriftCodec, thriftCodec } from "../src/storm/codec/thrift.ts";
import { type ClusterWorkerHeartbeat, executorKey, type NodeInfo, type RecordKind } from "../src/storm/records.ts";
import { connect } from "../src/client/connect.ts";
import { createStormClusterState } from "../src/storm/storm-cluster-state.ts";
import { type CodecCost, codecCost, ROUNDS } from "./storm-codec.ts";
import { sampleRecords, workerHeartbeat } from "./storm-fixtures.ts";
import { quantile } from "./stats.ts";

const kinds = Object.keys(sampleRecords) as RecordKind[];

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
    const out = execFileSync("java", ["-cp", [classes, ...classpath].join(":"), "StormAnchor", "400", ...args], {
      encoding: "utf8",
    });
    const costs = new Map<string, { encode: number; decode: number }>();
    for (const line of out.trim().split("\n")) {
      const [kind, encode, decode] = line.split(" ");
      if (kind !== undefined) costs.set(kind, { encode: Number(encode), decode: Number(decode) });
    }
    return costs;
  } catch (error) {
    return `the Java anchor could not be built or run: ${
      error instanceof Error ? error.message.split("\n")[0] : String(error)
    }`;
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

/** A fixed rate of calls, `rate` a second, for `seconds`. */
interface Schedule {
  readonly rate: number;
  readonly seconds: number;
}

/**
 * Calls `call(i)` for i = 0, 1, … at `rate` calls a second for `seconds`, on a fixed schedule
 * (what is due is issued every 2 ms), without waiting for one call before the next. A call's
 * latency runs until its promise settles (a call that returns none is done when it returns);
 * CPU is the whole process's.
 */
async function onSchedule(
  { rate, seconds }: Schedule,
  call: (i: number) => Promise<void> | void,
): Promise<PacedResult> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  const total = rate * seconds;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    for (; sent < due; sent++) {
      const start = performance.now();
      pending.push(Promise.resolve(call(sent)).then(() => void latencies.push(performance.now() - start)));
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await Promise.all(pending);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    rate: total / wall,
    cpuPercent: ((cpu.user + cpu.system) / 1e6 / wall) * 100,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
  };
}

/** How many workers the paced rows cycle through. */
const PACED_WORKERS = 50;

/**
 * The heartbeats of {@link PACED_WORKERS} workers of topology `id`: the function returns the
 * one worker `worker` sends now. Every worker has its own stats objects, with its own counts;
 * every call builds a new record with the current time and uptime, as a worker does. The codec
 * keeps nothing keyed by object.
 */
function heartbeatsOf(id: string): (worker: number) => ClusterWorkerHeartbeat {
  const stats = Array.from({ length: PACED_WORKERS }, (_, worker) => workerHeartbeat(20, id, worker).executorStats);
  const started = Math.floor(Date.now() / 1000);
  return (worker) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      stormId: id,
      executorStats: stats[worker] as ClusterWorkerHeartbeat["executorStats"],
      timeSecs: now,
      uptimeSecs: now - started,
    };
  };
}

/** workerHeartbeat calls issued on `schedule`. */
async function pacedHeartbeats(connectString: string, root: string, schedule: Schedule): Promise<PacedResult> {
  const storm = await createStormClusterState({ connectString, root });
  const id = "paced-1-1700000000";
  const beat = heartbeatsOf(id);
  const write = (worker: number) => storm.workerHeartbeat(id, `sup-${worker % 10}`, 6700 + worker, beat(worker));
  try {
    await storm.setupHeartbeats(id);
    // One warm-up round: JIT, node creation.
    for (let i = 0; i < PACED_WORKERS; i++) await write(i);
    return await onSchedule(schedule, (i) => write(i % PACED_WORKERS));
  } finally {
    await storm.disconnect();
  }
}

/** What each part of a paced workerHeartbeat costs alone, CPU % of one core. */
interface PacedParts {
  /** The codec's encode of each call's new record: thrift, level-1 deflate, framing. */
  readonly encode: number;
  /** The deflate alone, of plain-thrift bytes encoded beforehand. */
  readonly deflate: number;
  /** The ZooKeeper request alone: one `setData` of each worker's frame, encoded beforehand. */
  readonly request: number;
}

/** The paced workload's parts, each alone on the same schedule; nodes go under `root`. */
async function pacedParts(connectString: string, root: string, schedule: Schedule): Promise<PacedParts> {
  const codec = thriftCodec();
  const beat = heartbeatsOf("paced-1-1700000000");
  const workers = Array.from({ length: PACED_WORKERS }, (_, worker) => worker);
  const plain = workers.map((worker) => plainThriftCodec.encode("ClusterWorkerHeartbeat", beat(worker)));
  // Encoding the frames is also the encode row's warm-up, as the workload's warm-up round is its.
  const frames = workers.map((worker) => codec.encode("ClusterWorkerHeartbeat", beat(worker)));
  const encode = await onSchedule(schedule, (i) => {
    codec.encode("ClusterWorkerHeartbeat", beat(i % PACED_WORKERS));
  });
  const deflate = await onSchedule(schedule, (i) => {
    gzipSync(plain[i % PACED_WORKERS] as Uint8Array, { level: GZIP_LEVEL });
  });
  const zk = await connect(connectString);
  try {
    await zk.create(root, new Uint8Array());
    const paths = workers.map((worker) => `${root}/w${worker}`);
    for (const worker of workers) await zk.create(paths[worker] as string, frames[worker] as Uint8Array);
    // One warm-up round, as the workload has.
    for (const worker of workers) await zk.setData(paths[worker] as string, frames[worker] as Uint8Array);
    const request = await onSchedule(
      schedule,
      (i) => zk.setData(paths[i % PACED_WORKERS] as string, frames[i % PACED_WORKERS] as Uint8Array).then(() => {}),
    );
    return { encode: encode.cpuPercent, deflate: deflate.cpuPercent, request: request.cpuPercent };
  } finally {
    await zk.close();
  }
}

/**
 * Rounds of executorBeats before the measured ones. Measured here, the read path takes about
 * eight calls to reach its steady cost (51, 43, 19, 23, 16, 16, 15, 14 ms, then 9–13 in a fresh
 * process), so three warm-up rounds left JIT warm-up in the median.
 */
const BEATS_WARM_UP = 10;
/** Measured rounds of executorBeats: a minor GC lands in every second or third, so many more than {@link ROUNDS}. */
const BEATS_ROUNDS = 30;

interface BeatsCost {
  /** The first call's wall ms: before the JIT has compiled the read path. */
  readonly first: number;
  /** Median wall ms of the measured rounds. */
  readonly wall: number;
  /** 90th percentile of the measured rounds' wall ms. */
  readonly p90: number;
  /** Median client CPU ms of the measured rounds. */
  readonly cpu: number;
}

/** executorBeats over `workers` heartbeats of `executors` executors each. */
async function executorBeatsCost(
  connectString: string,
  root: string,
  workers: number,
  executors: number,
): Promise<BeatsCost> {
  const storm = await createStormClusterState({ connectString, root });
  const id = "beats-1-1700000000";
  try {
    await storm.setupHeartbeats(id);
    const executorNodePort: Record<string, NodeInfo> = {};
    for (let w = 0; w < workers; w++) {
      const node = `sup-${w % 10}`;
      const port = 6700 + w;
      const beat = workerHeartbeat(executors, id, w);
      // Each worker reports its own executors: tasks w*executors+1 … (w+1)*executors.
      const stats = Object.fromEntries(
        Object.values(beat.executorStats).map((s, i) => [executorKey(w * executors + i + 1, w * executors + i + 1), s]),
      );
      await storm.workerHeartbeat(id, node, port, { ...beat, executorStats: stats });
      for (const key of Object.keys(stats)) executorNodePort[key] = { node, port: [port] };
    }
    const walls: number[] = [];
    const cpus: number[] = [];
    let first = 0;
    for (let r = 0; r < BEATS_WARM_UP + BEATS_ROUNDS; r++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const beats = await storm.executorBeats(id, executorNodePort);
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      if (Object.keys(beats).length !== workers * executors) {
        throw new Error(`executorBeats saw ${Object.keys(beats).length} executors`);
      }
      if (r === 0) first = wall;
      if (r >= BEATS_WARM_UP) {
        walls.push(wall);
        cpus.push((cpu.user + cpu.system) / 1000);
      }
    }
    return { first, wall: quantile(walls, 0.5), p90: quantile(walls, 0.9), cpu: quantile(cpus, 0.5) };
  } finally {
    await storm.disconnect();
  }
}

/** The codec costs on Deno and Bun, each running bench/storm-codec.ts in its own process, or why they could not be measured. */
function otherRuntimes(): { readonly runtime: string; readonly costs: Map<string, CodecCost> | string }[] {
  const script = fileURLToPath(new URL("./storm-codec.ts", import.meta.url));
  const commands: [string, string[]][] = [["Deno", ["deno", "run", "-A", script]], ["Bun", ["bun", script]]];
  return commands.map(([runtime, args]) => {
    try {
      const out = execFileSync("npx", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });
      const costs = new Map<string, CodecCost>();
      for (const line of out.trim().split("\n")) {
        const { kind, ...cost } = JSON.parse(line) as CodecCost & { kind: string };
        costs.set(kind, cost);
      }
      return { runtime, costs };
    } catch (error) {
      return {
        runtime,
        costs: `could not be measured: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      };
    }
  });
}

/** Each runtime's zlib ratios per record kind, and each as a multiple of Node's. */
function runtimesTable(node: ReadonlyMap<string, CodecCost>, others: ReturnType<typeof otherRuntimes>): string[] {
  const names = others.map((o) => o.runtime);
  const lines = [
    "",
    `Ratios to zlib on ${
      ["Node", ...names].join(", ")
    } (each runtime's own zlib, same records, CPU time); in parentheses, the ratio as a multiple of Node's`,
    "",
    `| record | Node encode / gzip | ${names.map((n) => `${n} encode / gzip`).join(" | ")} | Node decode / gunzip | ${
      names.map((n) => `${n} decode / gunzip`).join(" | ")
    } |`,
    `|---|${"---:|".repeat(2 + 2 * names.length)}`,
  ];
  const cell = (o: (typeof others)[number], kind: string, ratio: "encodeRatio" | "decodeRatio") => {
    const theirs = typeof o.costs === "string" ? undefined : o.costs.get(kind);
    const ours = node.get(kind);
    return theirs === undefined || ours === undefined
      ? "–"
      : `${theirs[ratio].toFixed(2)}× (${(theirs[ratio] / ours[ratio]).toFixed(2)})`;
  };
  for (const [kind, c] of node) {
    lines.push(
      `| ${kind} | ${c.encodeRatio.toFixed(2)}× | ${others.map((o) => cell(o, kind, "encodeRatio")).join(" | ")} | ${
        c.decodeRatio.toFixed(2)
      }× | ${others.map((o) => cell(o, kind, "decodeRatio")).join(" | ")} |`,
    );
  }
  for (const o of others) if (typeof o.costs === "string") lines.push(`\n(${o.runtime}: ${o.costs})`);
  return lines;
}

/** Runs the Storm rows against the ZooKeeper at `connectString`; returns the section as Markdown. */
export async function stormSection(connectString: string): Promise<string> {
  const root = `/bench-storm-${process.pid}`;
  const java = javaAnchor();
  const lines = [
    `\nStorm records through thriftCodec() (gzip-framed thrift), CPU µs per call, ${ROUNDS} rounds, medians; zlib ratios are medians of per-round ratios; Java = TSerializer(binary)+GZIPOutputStream / GZIPInputStream+TDeserializer after JIT warm-up, CPU µs of its working thread\n`,
    "| record | plain bytes | encode µs | gzipSync µs | encode / gzip | decode µs | gunzipSync µs | decode / gunzip | Java encode µs | Java decode µs | ours / Java (encode, decode) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const node = new Map<string, CodecCost>();
  for (const kind of kinds) {
    const c = codecCost(kind);
    node.set(kind, c);
    const j = typeof java === "string" ? undefined : java.get(kind);
    const javaCells = j === undefined
      ? "– | – | –"
      : `${j.encode.toFixed(1)} | ${j.decode.toFixed(1)} | ${(c.encode / j.encode).toFixed(2)}×, ${
        (c.decode / j.decode).toFixed(2)
      }×`;
    lines.push(
      `| ${kind} | ${c.plainBytes} | ${c.encode.toFixed(1)} | ${c.gzip.toFixed(1)} | ${c.encodeRatio.toFixed(2)}× | ${
        c.decode.toFixed(1)
      } | ${c.gunzip.toFixed(1)} | ${c.decodeRatio.toFixed(2)}× | ${javaCells} |`,
    );
    console.error(`done: ${kind}`);
  }
  if (typeof java === "string") lines.push(`\n(${java})`);
  lines.push(...runtimesTable(node, otherRuntimes()));
  console.error("done: Deno and Bun");
  const schedule: Schedule = { rate: 1000, seconds: 5 };
  const paced = await pacedHeartbeats(connectString, `${root}-paced`, schedule);
  console.error("done: paced heartbeats");
  const parts = await pacedParts(connectString, `${root}-parts`, schedule);
  console.error("done: paced parts");
  const beats = await executorBeatsCost(connectString, `${root}-beats`, 50, 20);
  console.error("done: executorBeats");
  const zk = await connect(connectString);
  for (const used of [`${root}-paced`, `${root}-parts`, `${root}-beats`]) await zk.deleteRecursive(used);
  await zk.close();
  lines.push(
    "",
    "| Storm workload | result |",
    "|---|---|",
    `| workerHeartbeat paced at ${
      schedule.rate.toLocaleString("en")
    }/s for ${schedule.seconds} s (20-executor heartbeat) | ${paced.rate.toFixed(0)}/s achieved, client CPU ${
      paced.cpuPercent.toFixed(1)
    }% of one core, latency p50 ${paced.p50.toFixed(2)} ms, p99 ${paced.p99.toFixed(2)} ms |`,
    `| its parts alone, on the same schedule: thriftCodec().encode of each call's record; its level-${GZIP_LEVEL} deflate; one setData of a frame encoded beforehand | encode ${
      parts.encode.toFixed(1)
    }% of one core; the deflate alone ${parts.deflate.toFixed(1)}%; setData ${parts.request.toFixed(1)}% |`,
    `| executorBeats over 50 workers × 20 executors (median of ${BEATS_ROUNDS} calls after ${BEATS_WARM_UP}) | ${
      beats.wall.toFixed(1)
    } ms (client CPU ${beats.cpu.toFixed(1)} ms), p90 ${beats.p90.toFixed(1)} ms; first call ${
      beats.first.toFixed(1)
    } ms |`,
  );
  return lines.join("\n");
}
