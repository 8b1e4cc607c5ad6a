/**
 * stormkeeper vs node-zookeeper-client against one real ZooKeeper, in the same run. Each row is
 * measured in many short rounds; in each round both clients run back to back (alternating which
 * goes first), so a round's two samples share the machine's momentary state. The table gives the
 * median throughput and client CPU per operation of each client, and the median of the rounds'
 * ratios with its interquartile range: on a shared 2-core machine a single round can be off by 2×,
 * a paired ratio much less. Run: `npm run bench`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connect } from "../mod.ts";
import { type BenchClient, peer, stormkeeper } from "./clients.ts";
import { recipesSection } from "./recipes.ts";
import { stormSection } from "./storm.ts";
import { pairedRatio, quantile } from "./stats.ts";

interface Sample {
  readonly opsPerSec: number;
  readonly cpuMicrosPerOp: number;
}

interface Row {
  readonly name: string;
  /** Untimed preparation (per client). */
  setup?(c: BenchClient, prefix: string): Promise<void>;
  /** The timed work; returns the number of operations done. */
  run(c: BenchClient, prefix: string): Promise<number>;
}

const DATA = new Uint8Array(100).fill(42);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

/** Runs `op(i)` for i < n with at most `window` in flight. */
async function pipelined(n: number, window: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.min(window, n) }, worker));
}

const rows: Row[] = [
  {
    name: "sequential getData",
    setup: async (c, prefix) => void (await c.create(`${prefix}-seq`, DATA)),
    async run(c, prefix) {
      for (let i = 0; i < 2_000; i++) await c.getData(`${prefix}-seq`);
      return 2_000;
    },
  },
  {
    name: "pipelined getData (1000 in flight)",
    setup: async (c, prefix) => void (await c.create(`${prefix}-pipe`, DATA)),
    async run(c, prefix) {
      await pipelined(20_000, 1000, () => c.getData(`${prefix}-pipe`));
      return 20_000;
    },
  },
  {
    name: "pipelined create+delete (1000 in flight)",
    setup: async (c, prefix) => void (await c.create(`${prefix}-cd`, DATA)),
    async run(c, prefix) {
      const n = 5_000;
      await pipelined(n, 1000, (i) => c.create(`${prefix}-cd/n${i}`, DATA));
      await pipelined(n, 1000, (i) => c.delete(`${prefix}-cd/n${i}`));
      return 2 * n;
    },
  },
  {
    name: "getChildren of a 10,000-child node",
    async setup(c, prefix) {
      await c.create(`${prefix}-kids`, DATA);
      await pipelined(10_000, 1000, (i) => c.create(`${prefix}-kids/child-${String(i).padStart(5, "0")}`, DATA));
    },
    async run(c, prefix) {
      for (let i = 0; i < 200; i++) {
        const n = await c.getChildren(`${prefix}-kids`);
        if (n !== 10_000) throw new Error(`${c.name} saw ${n} children`);
      }
      return 200;
    },
  },
  {
    name: "watch round trip",
    setup: async (c, prefix) => void (await c.create(`${prefix}-watch`, DATA)),
    async run(c, prefix) {
      for (let i = 0; i < 500; i++) await c.watchRoundTrip(`${prefix}-watch`, DATA);
      return 500;
    },
  },
];

async function measure(c: BenchClient, row: Row, prefix: string): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ops = await row.run(c, prefix);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { opsPerSec: ops / seconds, cpuMicrosPerOp: (cpu.user + cpu.system) / ops };
}

async function main(): Promise<void> {
  let connectString = process.env.ZK_CONNECT;
  let serverDir: string | undefined;
  const script = fileURLToPath(new URL("../scripts/zookeeper.sh", import.meta.url));
  if (!connectString) {
    serverDir = mkdtempSync(join(tmpdir(), "stormkeeper-bench-zk-"));
    const port = execFileSync("bash", [script, "start", serverDir], { encoding: "utf8" }).trim();
    connectString = `127.0.0.1:${port}`;
  }
  try {
    // BENCH_ONLY=storm (or recipes) runs that section alone.
    const only = process.env.BENCH_ONLY;
    if (only === undefined || only === "") await clientSection(connectString);
    if (!only || only === "storm") console.log(await stormSection(connectString));
    if (!only || only === "recipes") console.log(await recipesSection(connectString));
  } finally {
    if (serverDir) {
      execFileSync("bash", [script, "stop", serverDir]);
      rmSync(serverDir, { recursive: true, force: true });
    }
  }
}

/** stormkeeper against node-zookeeper-client, row by row. */
async function clientSection(connectString: string): Promise<void> {
  const clients = [await stormkeeper(connectString), await peer(connectString)];
  const root = `/bench-${process.pid}`;
  await clients[0]?.create(root, DATA);
  const table: string[] = [
    `| row | stormkeeper ops/s | node-zookeeper-client ops/s | throughput ratio | stormkeeper CPU µs/op | peer CPU µs/op | CPU ratio (peer / stormkeeper) |`,
    `|---|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const [r, row] of rows.entries()) {
    const prefixes = clients.map((_, i) => `${root}/r${r}-c${i}`);
    for (const [i, c] of clients.entries()) await row.setup?.(c, prefixes[i] as string);
    // Warm-up round, not recorded.
    for (const [i, c] of clients.entries()) await measure(c, row, prefixes[i] as string);
    const ours: Sample[] = [];
    const theirs: Sample[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      const pair: Sample[] = [];
      for (const i of order) pair[i] = await measure(clients[i] as BenchClient, row, prefixes[i] as string);
      ours.push(pair[0] as Sample);
      theirs.push(pair[1] as Sample);
    }
    const ops = (xs: Sample[]) => quantile(xs.map((x) => x.opsPerSec), 0.5);
    const cpu = (xs: Sample[]) => quantile(xs.map((x) => x.cpuMicrosPerOp), 0.5);
    const throughput = pairedRatio(ours.map((o, i) => o.opsPerSec / (theirs[i] as Sample).opsPerSec));
    const cpuRatio = pairedRatio(ours.map((o, i) => (theirs[i] as Sample).cpuMicrosPerOp / o.cpuMicrosPerOp));
    table.push(`| ${row.name} | ${ops(ours).toFixed(0)} | ${ops(theirs).toFixed(0)} | ${throughput} | ${cpu(ours).toFixed(1)} | ${cpu(theirs).toFixed(1)} | ${cpuRatio} |`);
    console.error(`done: ${row.name}`);
  }
  console.log(`\nstormkeeper vs node-zookeeper-client, ${ROUNDS} paired rounds per row (medians; ratios with their interquartile range), one ZooKeeper 3.8 on loopback\n`);
  console.log(table.join("\n"));
  for (const c of clients) await c.close();
  const zk = await connect(connectString);
  await zk.deleteRecursive(root);
  await zk.close();
}

await main();
