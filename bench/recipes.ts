/**
 * The recipes section of `npm run bench` (`BENCH_ONLY=recipes` runs it alone): an uncontended
 * InterProcessMutex acquire+release, LeaderLatch failover (leader closes → the other leads), a
 * CuratorCache's initial load of 1,000 nodes and its event latency (a writer's setData → the
 * cache's NODE_CHANGED). Curator 5.4 runs the same loops (bench/java/RecipesAnchor.java, a
 * child process) against the same server in rounds paired with ours, alternating which goes
 * first, so a round's two samples share the machine's momentary state; the raw ephemeral-
 * sequential create + delete round trip is given as the floor a lock round trip builds on.
 */
import type { ZooKeeperClient } from "../src/client/client.ts";
import { connect } from "../src/client/connect.ts";
import { CuratorCache, InterProcessMutex, LeaderLatch } from "../src/recipes.ts";
import { compileJava, type JavaPeer, startJava } from "../tests/support/java.ts";
import { pairedRatio, quantile } from "./stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const DATA = new Uint8Array(100).fill(42);
const MEASURES = ["mutex", "raw", "failover", "load", "event"] as const;
type Measure = (typeof MEASURES)[number];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sets up our side's nodes and returns one round of each measure, named as the Java anchor names them. */
async function ourRounds(
  a: ZooKeeperClient,
  b: ZooKeeperClient,
  root: string,
): Promise<{ rounds: Record<Measure, () => Promise<number>>; close(): Promise<void> }> {
  const mutex = new InterProcessMutex(a, `${root}/mutex`);
  await a.mkdirp(`${root}/raw`);
  await a.create(`${root}/load`);
  await Promise.all(Array.from({ length: 1000 }, (_, i) => a.create(`${root}/load/n${i}`, DATA)));
  await a.create(`${root}/event`, DATA);
  const cache = new CuratorCache(b, `${root}/event`);
  let changed: (() => void) | undefined;
  cache.listenable().addListener({
    event: (type) => {
      if (type === "NODE_CHANGED") changed?.();
    },
  });
  await cache.start();
  const rounds: Record<Measure, () => Promise<number>> = {
    async mutex() {
      const t0 = performance.now();
      for (let i = 0; i < 100; i++) await (await mutex.acquire()).release();
      return ((performance.now() - t0) * 1000) / 100;
    },
    async raw() {
      const t0 = performance.now();
      for (let i = 0; i < 100; i++) {
        await a.delete((await a.create(`${root}/raw/n`, DATA, { mode: "ephemeral-sequential" })).path);
      }
      return ((performance.now() - t0) * 1000) / 100;
    },
    async failover() {
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
    },
    async load() {
      const loading = new CuratorCache(b, `${root}/load`);
      const t0 = performance.now();
      await loading.start();
      const ms = performance.now() - t0;
      if (loading.size() !== 1001) throw new Error(`the cache loaded ${loading.size()} nodes`);
      await loading.close();
      return ms;
    },
    async event() {
      let total = 0;
      for (let i = 0; i < 50; i++) {
        const seen = new Promise<void>((resolve) => {
          changed = resolve;
        });
        const t0 = performance.now();
        await a.setData(`${root}/event`, new TextEncoder().encode(String(i)));
        await seen;
        total += (performance.now() - t0) * 1000;
      }
      return total / 50;
    },
  };
  return { rounds, close: () => cache.close() };
}

/** Curator's side: the Java anchor, set up and ready for rounds, or why it is not. */
async function curatorPeer(connectString: string, root: string): Promise<JavaPeer | string> {
  try {
    const peer = startJava(compileJava("bench/java/RecipesAnchor.java"), [connectString, root]);
    const ready = await peer.next(120_000);
    if (ready !== "ready") throw new Error(ready);
    return peer;
  } catch (error) {
    return `the Curator anchor could not be built or run: ${
      error instanceof Error ? error.message.split("\n")[0] : String(error)
    }`;
  }
}

async function javaRound(peer: JavaPeer, measure: Measure): Promise<number> {
  const answer = await peer.ask(measure, 120_000);
  const figure = Number(answer);
  if (!Number.isFinite(figure)) throw new Error(`the Curator anchor answered ${answer}`);
  return figure;
}

const ROWS: Record<Measure, [string, "µs" | "ms"]> = {
  mutex: ["InterProcessMutex acquire + release, uncontended", "µs"],
  raw: ["raw ephemeral-sequential create + delete (the floor)", "µs"],
  failover: ["LeaderLatch failover: leader's close() → the other's isLeader", "ms"],
  load: ["CuratorCache initial load, 1,000 children of 100 B", "ms"],
  event: ["CuratorCache event latency: setData → NODE_CHANGED", "µs"],
};

/** Runs the section and returns its table. */
export async function recipesSection(connectString: string): Promise<string> {
  const root = `/bench-recipes-${process.pid}`;
  const a = await connect(connectString, { sessionTimeout: 20_000 });
  const b = await connect(connectString, { sessionTimeout: 20_000 });
  const lines = [
    `\nRecipes, stormkeeper vs Curator 5.4 (Java, the same loops against the same server), ${ROUNDS} paired rounds per row, alternating which goes first, after a warm-up; medians, ratio = median of the rounds' ours / Curator with its interquartile range\n`,
    "| measure | unit | stormkeeper | Curator 5.4 | stormkeeper / Curator |",
    "|---|---|---:|---:|---:|",
  ];
  let peer: JavaPeer | string = "not started";
  try {
    await a.create(root);
    await a.create(`${root}/curator`);
    const ours = await ourRounds(a, b, `${root}/ours`);
    peer = await curatorPeer(connectString, `${root}/curator`);
    for (const measure of MEASURES) {
      const java = typeof peer === "string" ? undefined : peer;
      await ours.rounds[measure]();
      if (java) await javaRound(java, measure);
      const mine: number[] = [];
      const theirs: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        if (java && r % 2 === 1) theirs.push(await javaRound(java, measure));
        mine.push(await ours.rounds[measure]());
        if (java && r % 2 === 0) theirs.push(await javaRound(java, measure));
      }
      const [name, unit] = ROWS[measure];
      const digits = unit === "ms" ? 1 : 0;
      const cells = java
        ? `${quantile(theirs, 0.5).toFixed(digits)} | ${pairedRatio(mine.map((m, i) => m / theirs[i]!))}`
        : "– | –";
      lines.push(`| ${name} | ${unit} | ${quantile(mine, 0.5).toFixed(digits)} | ${cells} |`);
      console.error(`done: ${name}`);
    }
    await ours.close();
  } finally {
    if (typeof peer !== "string") await peer.stop();
    await a.deleteRecursive(root).catch(() => {});
    await Promise.all([a.close(), b.close()]);
  }
  if (typeof peer === "string") lines.push(`\n(${peer})`);
  return lines.join("\n");
}
