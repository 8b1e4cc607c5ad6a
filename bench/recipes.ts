/**
 * The recipes section of `npm run bench` (`BENCH_ONLY=recipes` runs it alone): an uncontended
 * InterProcessMutex acquire+release, LeaderLatch failover (leader closes → the other leads), a
 * CuratorCache's initial load of 1,000 nodes and its event latency (a writer's setData → the
 * cache's NODE_CHANGED). Curator 5.4 runs the same loops in the same run
 * (bench/java/RecipesAnchor.java) against the same server, and the client's raw ephemeral-
 * sequential create + delete round trip is given as the floor a lock round trip builds on.
 */
import { execFileSync } from "node:child_process";
import { type ZooKeeperClient, connect } from "../src/client/client.ts";
import { CuratorCache, InterProcessMutex, LeaderLatch } from "../src/recipes.ts";
import { compileJava } from "../tests/support/java.ts";
import { quantile } from "./stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const DATA = new Uint8Array(100).fill(42);

/** The median over `ROUNDS` rounds of `round`'s figure, after one warm-up round. */
async function median(round: () => Promise<number>): Promise<number> {
  await round();
  const xs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) xs.push(await round());
  return quantile(xs, 0.5);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Our figures, named as the Java anchor prints them. */
async function ours(a: ZooKeeperClient, b: ZooKeeperClient, root: string): Promise<Map<string, number>> {
  const figures = new Map<string, number>();
  const mutex = new InterProcessMutex(a, `${root}/mutex`);
  figures.set("mutex", await median(async () => {
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) await (await mutex.acquire()).release();
    return ((performance.now() - t0) * 1000) / 100;
  }));

  await a.create(`${root}/raw`);
  figures.set("raw", await median(async () => {
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) await a.delete((await a.create(`${root}/raw/n`, DATA, { mode: "ephemeral-sequential" })).path);
    return ((performance.now() - t0) * 1000) / 100;
  }));

  figures.set("failover", await median(async () => {
    const first = new LeaderLatch(a, `${root}/latch`, "a");
    const second = new LeaderLatch(b, `${root}/latch`, "b");
    await first.start();
    await first.await();
    await second.start();
    await sleep(50); // as the Java loop: the second's watch is set
    const t0 = performance.now();
    const leads = second.await();
    await first.close();
    await leads;
    const ms = performance.now() - t0;
    await second.close();
    return ms;
  }));

  await a.create(`${root}/load`);
  await Promise.all(Array.from({ length: 1000 }, (_, i) => a.create(`${root}/load/n${i}`, DATA)));
  figures.set("load", await median(async () => {
    const cache = new CuratorCache(b, `${root}/load`);
    const t0 = performance.now();
    await cache.start();
    const ms = performance.now() - t0;
    if (cache.size() !== 1001) throw new Error(`the cache loaded ${cache.size()} nodes`);
    await cache.close();
    return ms;
  }));

  await a.create(`${root}/event`, DATA);
  const cache = new CuratorCache(b, `${root}/event`);
  let changed: (() => void) | undefined;
  cache.listenable().addListener({ event: (type) => { if (type === "NODE_CHANGED") changed?.(); } });
  await cache.start();
  figures.set("event", await median(async () => {
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const seen = new Promise<void>((resolve) => { changed = resolve; });
      const t0 = performance.now();
      await a.setData(`${root}/event`, new TextEncoder().encode(String(i)));
      await seen;
      total += (performance.now() - t0) * 1000;
    }
    return total / 50;
  }));
  await cache.close();
  return figures;
}

/** Curator's figures from the Java anchor, or why there are none. */
function curator(connectString: string, root: string): Map<string, number> | string {
  try {
    const program = compileJava("bench/java/RecipesAnchor.java");
    const out = execFileSync("java", ["-Xmx256m", "-cp", program.classpath, program.mainClass, connectString, root, String(ROUNDS)], { encoding: "utf8", timeout: 300_000 });
    return new Map(out.trim().split("\n").map((line) => {
      const [name, value] = line.trim().split(" ");
      return [name!, Number(value)] as const;
    }));
  } catch (error) {
    return `the Curator anchor could not be built or run: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
  }
}

/** Runs the section and returns its table. */
export async function recipesSection(connectString: string): Promise<string> {
  const root = `/bench-recipes-${process.pid}`;
  const a = await connect(connectString, { sessionTimeout: 20_000 });
  const b = await connect(connectString, { sessionTimeout: 20_000 });
  let figures: Map<string, number>;
  let java: Map<string, number> | string;
  try {
    await a.create(root);
    figures = await ours(a, b, `${root}/ours`);
    await a.create(`${root}/curator`);
    java = curator(connectString, `${root}/curator`);
  } finally {
    await a.deleteRecursive(root).catch(() => {});
    await Promise.all([a.close(), b.close()]);
  }
  const rows: [string, string, string][] = [
    ["mutex", "InterProcessMutex acquire + release, uncontended", "µs"],
    ["raw", "raw ephemeral-sequential create + delete (the floor)", "µs"],
    ["failover", "LeaderLatch failover: leader's close() → the other's isLeader", "ms"],
    ["load", "CuratorCache initial load, 1,000 children of 100 B", "ms"],
    ["event", "CuratorCache event latency: setData → NODE_CHANGED", "µs"],
  ];
  const lines = [
    `\nRecipes, stormkeeper vs Curator 5.4 (Java, same loops, same server, same run), medians of ${ROUNDS} rounds after a warm-up\n`,
    "| measure | unit | stormkeeper | Curator 5.4 | stormkeeper / Curator |",
    "|---|---|---:|---:|---:|",
  ];
  for (const [key, name, unit] of rows) {
    const ourFigure = figures.get(key)!;
    const theirs = typeof java === "string" ? undefined : java.get(key);
    const digits = unit === "ms" ? 1 : 0;
    lines.push(`| ${name} | ${unit} | ${ourFigure.toFixed(digits)} | ${theirs === undefined ? "–" : theirs.toFixed(digits)} | ${theirs === undefined ? "–" : `${(ourFigure / theirs).toFixed(2)}×`} |`);
  }
  if (typeof java === "string") lines.push(`\n(${java})`);
  return lines.join("\n");
}
