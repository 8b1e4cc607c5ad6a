import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type WatchedEvent, type ZooKeeperClient, ZooKeeperError } from "../../mod.ts";
import { trackHandles } from "../support/handles.ts";
import { type Proxy, startProxy } from "../support/proxy.ts";
import { deferred, startEnsemble, type TestEnsemble, until } from "../support/zookeeper.ts";

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with CHAOS_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const enc = (n: number) => new TextEncoder().encode(String(n));
const dec = (b: Uint8Array) => Number(new TextDecoder().decode(b));
const code = (e: unknown) => (e instanceof ZooKeeperError ? e.code : "untyped");
/** A client whose session ended rejects every call at once: its worker would spin without yielding. */
const ended = (zk: ZooKeeperClient) => zk.state === "expired" || zk.state === "closed" || zk.state === "authFailed";

/** One watch set by a worker, and the event types it delivered. */
interface Arming {
  readonly events: string[];
}

/** Writes acknowledged, and writes cut off by ConnectionLoss (applied or not, nobody knows). */
interface Tally {
  acked: number;
  unknown: number;
}

describe("chaos: clients at work while members die and the network misbehaves", () => {
  let ensemble: TestEnsemble;
  let proxies: Proxy[];

  before(async () => {
    ensemble = startEnsemble(3);
    proxies = await Promise.all(ensemble.ports.map((p) => startProxy(p)));
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    ensemble.destroy();
  });

  test("no acknowledged write is lost or applied twice, sequential names are unique and ordered, every armed watch fires once, nothing leaks", async () => {
    const seed = Number(process.env.CHAOS_SEED ?? 20261124);
    const random = prng(seed);
    const durationMs = Number(process.env.CHAOS_MS ?? 40_000);
    const connectString = proxies.map((p) => p.connectString).join(",");
    const handles = trackHandles();
    try {
      const transport = handles.transport;
      const setup = await connect(ensemble.connectString, { transport });
      await setup.mkdirp("/chaos/seq");
      await setup.create("/chaos/w", enc(0));
      const figures = {
        attempted: 0,
        acknowledged: 0,
        failedTyped: 0,
        untyped: 0,
        faults: 0,
        watchesArmed: 0,
        watchEvents: 0,
      };
      const clients: ZooKeeperClient[] = [];
      for (let i = 0; i < 4; i++) {
        clients.push(await connect(connectString, { sessionTimeout: 15_000, waitForConnection: 4_000, transport }));
        await setup.create(`/chaos/c${i}`);
        await setup.create(`/chaos/c${i}/counter`, enc(0));
      }
      const sessions = clients.map((zk) => zk.sessionId);

      const created = new Map<string, "acked" | "unknown">();
      const deleted = new Map<string, "acked" | "unknown">();
      const increments: Tally[] = clients.map(() => ({ acked: 0, unknown: 0 }));
      const sequentialCreates: Tally[] = clients.map(() => ({ acked: 0, unknown: 0 }));
      const watchedSets: Tally = { acked: 0, unknown: 0 };
      const sequential: string[][] = clients.map(() => []);
      const armings: Arming[] = [];
      let running = true;

      const attempt = async <T>(
        op: () => Promise<T>,
      ): Promise<{ ok: true; value: T } | { ok: false; code: string }> => {
        figures.attempted++;
        try {
          const value = await op();
          figures.acknowledged++;
          return { ok: true, value };
        } catch (error) {
          if (error instanceof ZooKeeperError) figures.failedTyped++;
          else figures.untyped++;
          return { ok: false, code: code(error) };
        }
      };
      const count = (tally: Tally, r: { ok: boolean; code?: string }) => {
        if (r.ok) tally.acked++;
        else if (r.code === "ConnectionLoss") tally.unknown++;
      };

      const worker = async (i: number, zk: ZooKeeperClient) => {
        const names = sequential[i] as string[];
        let n = 0;
        while (running && !ended(zk)) {
          const dice = random();
          if (dice < 0.3) {
            const path = `/chaos/c${i}/n${n++}`;
            const r = await attempt(() => zk.create(path, enc(n)));
            if (r.ok) created.set(path, "acked");
            else if (r.code === "ConnectionLoss") created.set(path, "unknown");
          } else if (dice < 0.55) {
            const path = `/chaos/c${i}/counter`;
            const read = await attempt(() => zk.getData(path));
            if (!read.ok) continue;
            const next = read.value.stat.version + 1;
            count(
              increments[i] as Tally,
              await attempt(() => zk.setData(path, enc(next), { version: read.value.stat.version })),
            );
          } else if (dice < 0.7) {
            const r = await attempt(() => zk.create(`/chaos/seq/c${i}-`, undefined, { mode: "persistent-sequential" }));
            count(sequentialCreates[i] as Tally, r);
            if (r.ok) names.push(r.value.path);
          } else if (dice < 0.8) {
            const candidates = [...created.entries()].filter(([p, s]) =>
              s === "acked" && p.startsWith(`/chaos/c${i}/`) && !deleted.has(p)
            );
            const target = candidates[Math.floor(random() * candidates.length)];
            if (target === undefined) continue;
            const r = await attempt(() => zk.delete(target[0]));
            if (r.ok) deleted.set(target[0], "acked");
            else if (r.code === "ConnectionLoss") deleted.set(target[0], "unknown");
          } else if (dice < 0.9) {
            const arming: Arming = { events: [] };
            const r = await attempt(() =>
              zk.getData("/chaos/w", {
                watch: (e: WatchedEvent) => {
                  arming.events.push(e.type);
                  figures.watchEvents++;
                },
              })
            );
            if (r.ok) {
              armings.push(arming);
              figures.watchesArmed++;
            }
          } else {
            count(watchedSets, await attempt(() => zk.setData("/chaos/w", enc(n))));
          }
        }
      };

      const scheduler = async () => {
        let down: number | undefined;
        while (running) {
          await sleep(1500 + random() * 2500);
          if (!running) break;
          figures.faults++;
          const choice = random();
          if (down !== undefined) {
            ensemble.startMember(down);
            down = undefined;
          } else if (choice < 0.3) {
            down = 1 + Math.floor(random() * 3);
            ensemble.stopMember(down);
          } else if (choice < 0.5) {
            proxies[Math.floor(random() * 3)]?.cutAll();
          } else if (choice < 0.7) {
            proxies[Math.floor(random() * 3)]?.stall(300 + random() * 2500);
          } else if (choice < 0.85) {
            const p = proxies[Math.floor(random() * 3)];
            p?.delay(Math.floor(random() * 80));
            setTimeout(() => p?.delay(0), 2000);
          } else {
            const p = proxies[Math.floor(random() * 3)];
            p?.splitFrames(true);
            setTimeout(() => p?.splitFrames(false), 2000);
          }
        }
        if (down !== undefined) ensemble.startMember(down);
      };

      const work = clients.map((zk, i) => worker(i, zk));
      const faults = scheduler();
      await sleep(durationMs);
      running = false;
      await faults;
      await Promise.all(work);
      for (const p of proxies) {
        p.delay(0);
        p.splitFrames(false);
      }

      // Verification through a fresh session, after one last change that every armed watch sees.
      const check = await connect(ensemble.connectString, { sessionTimeout: 15_000, transport });
      await check.sync("/");
      const watchedVersion = (await check.getData("/chaos/w")).stat.version;
      await check.setData("/chaos/w", enc(-1));
      await until(() => armings.every((a) => a.events.length > 0), 30_000, "every armed watch to fire");
      // A watcher that outlived its firing would fire again with the next notification for the
      // path: arm one more watch per client, change the node again, and wait for those.
      const rearmed = clients.map(() => deferred<void>(30_000, "the watch armed after the run"));
      await Promise.all(clients.map((zk, i) => zk.getData("/chaos/w", { watch: () => rearmed[i]?.resolve() })));
      await check.setData("/chaos/w", enc(-2));
      await Promise.all(rearmed.map((d) => d.promise));

      let lost = 0;
      for (const [path, state] of created) {
        if (state !== "acked") continue;
        const gone = deleted.get(path);
        const exists = (await check.exists(path)) !== null;
        if (gone === "acked" && exists) lost++;
        if (gone === undefined && !exists) lost++;
      }
      const within = (applied: number, tally: Tally, what: string) =>
        assert.ok(
          applied >= tally.acked && applied <= tally.acked + tally.unknown,
          `${what}: ${applied} applied, ${tally.acked} acknowledged, ${tally.unknown} unknown`,
        );
      for (const [i, inc] of increments.entries()) {
        const { data, stat } = await check.getData(`/chaos/c${i}/counter`);
        assert.equal(dec(data), stat.version, "each conditional increment wrote the version it expected");
        within(stat.version, inc, `counter ${i}`);
      }
      within(watchedVersion, watchedSets, "unconditional sets of /chaos/w");
      const allSequential = sequential.flat();
      assert.equal(new Set(allSequential).size, allSequential.length, "sequential names are unique");
      const { children: sequentialNodes } = await check.getChildren("/chaos/seq");
      for (const [i, names] of sequential.entries()) {
        assert.deepEqual(names, [...names].sort(), "each client's sequential names increase in acknowledgment order");
        for (const name of names) assert.ok(await check.exists(name), `${name} exists`);
        within(
          sequentialNodes.filter((c) => c.startsWith(`c${i}-`)).length,
          sequentialCreates[i] as Tally,
          `sequential creates of client ${i}`,
        );
      }
      const watchProblems = armings.filter((a) => a.events.length !== 1 || a.events[0] !== "NodeDataChanged").length;
      for (const [i, zk] of clients.entries()) {
        assert.equal(zk.state, "connected", `client ${i} kept its session through the faults`);
        assert.equal(zk.sessionId, sessions[i]);
      }

      for (const zk of clients) await zk.close();
      await check.deleteRecursive("/chaos");
      await check.close();
      await setup.close();

      console.log(
        `chaos (seed ${seed}, ${durationMs} ms): ops attempted ${figures.attempted}, acknowledged ${figures.acknowledged}, ` +
          `failed-typed ${figures.failedTyped}, untyped ${figures.untyped}, lost ${lost}; faults injected ${figures.faults}; ` +
          `watches armed ${figures.watchesArmed}, watch events ${figures.watchEvents}, armings not firing exactly once ${watchProblems}`,
      );
      assert.equal(lost, 0, "no acknowledged write lost");
      assert.equal(figures.untyped, 0, "every failure is a typed ZooKeeperError");
      assert.equal(watchProblems, 0, "every armed watch fired exactly once, with NodeDataChanged");
      assert.ok(figures.faults >= 5 && figures.acknowledged > 100, "the run did real work under real faults");
      // Closed clients hold nothing: sockets end with their close event, timers are cleared at once.
      assert.deepEqual(handles.liveTimers(), [], "no timer of a closed client is left running");
      await until(() => handles.openSockets() === 0, 5_000, "every socket of the closed clients to close");
    } finally {
      handles.stop();
    }
  });
});
