/**
 * stormkeeper vs node-zookeeper-client against one real ZooKeeper, in the same run. Each row is
 * measured in several rounds, alternating which client goes first, and the median is reported
 * with the client process's CPU time per operation. Run: `npm run bench`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connect } from "../mod.ts";
import { type BenchClient, peer, stormkeeper } from "./clients.ts";

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
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

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
      await pipelined(40_000, 1000, () => c.getData(`${prefix}-pipe`));
      return 40_000;
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
      for (let i = 0; i < 40; i++) {
        const n = await c.getChildren(`${prefix}-kids`);
        if (n !== 10_000) throw new Error(`${c.name} saw ${n} children`);
      }
      return 40;
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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

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
    const clients = [await stormkeeper(connectString), await peer(connectString)];
    const root = `/bench-${process.pid}`;
    await clients[0]?.create(root, DATA);
    const table: string[] = [
      `| row | stormkeeper ops/s | node-zookeeper-client ops/s | throughput ratio | stormkeeper CPU µs/op | peer CPU µs/op | CPU ratio |`,
      `|---|---:|---:|---:|---:|---:|---:|`,
    ];
    for (const [r, row] of rows.entries()) {
      const samples = new Map<string, Sample[]>(clients.map((c) => [c.name, []]));
      for (const [i, c] of clients.entries()) await row.setup?.(c, `${root}/r${r}-c${i}`);
      // Warm-up round, not recorded.
      for (const [i, c] of clients.entries()) await measure(c, row, `${root}/r${r}-c${i}`);
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? clients.entries() : [...clients.entries()].reverse();
        for (const [i, c] of order) samples.get(c.name)?.push(await measure(c, row, `${root}/r${r}-c${i}`));
      }
      const [sk, nz] = clients.map((c) => samples.get(c.name) ?? []);
      const ops = [median((sk ?? []).map((s) => s.opsPerSec)), median((nz ?? []).map((s) => s.opsPerSec))] as const;
      const cpu = [median((sk ?? []).map((s) => s.cpuMicrosPerOp)), median((nz ?? []).map((s) => s.cpuMicrosPerOp))] as const;
      table.push(`| ${row.name} | ${ops[0].toFixed(0)} | ${ops[1].toFixed(0)} | ${(ops[0] / ops[1]).toFixed(2)}× | ${cpu[0].toFixed(1)} | ${cpu[1].toFixed(1)} | ${(cpu[1] / cpu[0]).toFixed(2)}× less |`);
      console.error(`done: ${row.name}`);
    }
    console.log(`\nstormkeeper vs node-zookeeper-client, median of ${ROUNDS} rounds, one ZooKeeper 3.8 on loopback (2 shared cores)\n`);
    console.log(table.join("\n"));
    for (const c of clients) await c.close();
    const zk = await connect(connectString);
    await zk.deleteRecursive(root);
    await zk.close();
  } finally {
    if (serverDir) {
      execFileSync("bash", [script, "stop", serverDir]);
      rmSync(serverDir, { recursive: true, force: true });
    }
  }
}

await main();
