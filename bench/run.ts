/**
 * The benchmark, in one run against one real ZooKeeper: stormkeeper vs node-zookeeper-client
 * (client CPU per operation from `process.cpuUsage`), then the embedded server in its own
 * process vs the real ZooKeeper with the stormkeeper client on both (server CPU per operation
 * from /proc), then the Storm and recipes sections. Measurement and ratios: see `paired.ts`. Run:
 * `npm run bench`; BENCH_ONLY=clients,servers,storm,recipes (any of them) runs only those sections.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connect } from "../mod.ts";
import { peer, stormkeeper } from "./clients.ts";
import { type PairedResult, pairedRows } from "./paired.ts";
import {
  bigGetChildren,
  DATA,
  pipelinedCreateDelete,
  pipelinedGetData,
  type Row,
  sequentialCreateDelete,
  sequentialGetData,
  watchRoundTrip,
} from "./rows.ts";
import { processCpuMicros, startServerProcess } from "./server-process.ts";
import { recipesSection } from "./recipes.ts";
import { stormSection } from "./storm.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

/** The client comparison's rows. */
const clientRows: readonly Row[] = [
  sequentialGetData,
  pipelinedGetData,
  pipelinedCreateDelete,
  bigGetChildren,
  watchRoundTrip,
];

/** The server comparison's rows: getData and create, sequential and pipelined, then the rest. */
const serverRows: readonly Row[] = [
  sequentialGetData,
  pipelinedGetData,
  sequentialCreateDelete,
  pipelinedCreateDelete,
  bigGetChildren,
  watchRoundTrip,
];

const cell = (x: number | undefined, digits: number) => (x === undefined ? "n/a" : x.toFixed(digits));

/** The markdown table of paired rows, under `headings` (the six columns after the row name). */
function pairedTable(results: readonly PairedResult[], headings: readonly string[]): string[] {
  return [
    `| row | ${headings.join(" | ")} |`,
    `|---|---:|---:|---:|---:|---:|---:|`,
    ...results.map((r) =>
      `| ${r.row} | ${cell(r.opsPerSec[0], 0)} | ${cell(r.opsPerSec[1], 0)} | ${r.throughputRatio} | ${
        cell(r.cpuMicrosPerOp[0], 1)
      } | ${cell(r.cpuMicrosPerOp[1], 1)} | ${r.cpuRatio ?? "n/a"} |`
    ),
  ];
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
    const only = process.env.BENCH_ONLY?.split(",");
    const runs = (section: string) => only === undefined || only.includes(section);
    if (runs("clients")) await clientSection(connectString);
    if (runs("servers")) {
      const pidText = serverDir === undefined ? undefined : readFileSync(join(serverDir, "pid"), "utf8").trim();
      await serverSection(connectString, pidText === undefined ? undefined : Number(pidText));
    }
    if (runs("storm")) console.log(await stormSection(connectString));
    if (runs("recipes")) console.log(await recipesSection(connectString));
  } finally {
    if (serverDir) {
      execFileSync("bash", [script, "stop", serverDir]);
      rmSync(serverDir, { recursive: true, force: true });
    }
  }
}

/** stormkeeper against node-zookeeper-client, row by row. */
async function clientSection(connectString: string): Promise<void> {
  const clients = [await stormkeeper(connectString), await peer(connectString)] as const;
  const root = `/bench-${process.pid}`;
  await clients[0].create(root, DATA);
  const ownCpu = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  const results = await pairedRows(
    [{ client: clients[0], cpuMicros: ownCpu }, { client: clients[1], cpuMicros: ownCpu }],
    clientRows,
    root,
    ROUNDS,
  );
  const table = pairedTable(results, [
    "stormkeeper ops/s",
    "node-zookeeper-client ops/s",
    "throughput ratio",
    "stormkeeper CPU µs/op",
    "peer CPU µs/op",
    "CPU ratio (peer / stormkeeper)",
  ]);
  console.log(
    `\nstormkeeper vs node-zookeeper-client, ${ROUNDS} paired rounds per row (medians; ratios with their interquartile range), one ZooKeeper 3.8 on loopback\n`,
  );
  console.log(table.join("\n"));
  for (const c of clients) await c.close();
  const zk = await connect(connectString);
  await zk.deleteRecursive(root);
  await zk.close();
}

/**
 * The embedded server (in its own process, as `stormkeeper server`) against the real ZooKeeper,
 * the stormkeeper client driving both; server CPU per operation read from /proc when the
 * benchmark started the real server itself (`realPid`).
 */
async function serverSection(connectString: string, realPid: number | undefined): Promise<void> {
  const embedded = await startServerProcess();
  try {
    const clients = [await stormkeeper(embedded.connectString), await stormkeeper(connectString)] as const;
    const root = `/bench-server-${process.pid}`;
    for (const c of clients) await c.create(root, DATA);
    const results = await pairedRows(
      [
        { client: clients[0], cpuMicros: () => processCpuMicros(embedded.pid) },
        { client: clients[1], cpuMicros: () => (realPid === undefined ? undefined : processCpuMicros(realPid)) },
      ],
      serverRows,
      root,
      ROUNDS,
    );
    const table = pairedTable(results, [
      "embedded server ops/s",
      "ZooKeeper 3.8 ops/s",
      "throughput ratio (embedded / ZooKeeper)",
      "embedded server CPU µs/op",
      "ZooKeeper CPU µs/op",
      "CPU ratio (ZooKeeper / embedded)",
    ]);
    console.log(
      `\nThe embedded server (its own Node process) vs ZooKeeper 3.8, the stormkeeper client on both, ${ROUNDS} paired rounds per row\n`,
    );
    console.log(table.join("\n"));
    for (const c of clients) await c.close();
    const zk = await connect(connectString);
    await zk.deleteRecursive(root);
    await zk.close();
  } finally {
    await embedded.stop();
  }
}

await main();
