/**
 * LeaderLatch and InterProcessMutex under faults, on a 3-member ensemble (one for the file: they
 * are slow to start) with a fault proxy in front of each member. Every client connects through
 * the three proxies, so a proxy fault hits the clients on it and they move to another member.
 *
 * Checked: never two leaders acting at once, and a participant that believes it leads through a
 * whole sample is the owner of the latch's lowest node as the server sees it (read after a
 * sync); no lock held twice, no increment lost; a holder's node goes with its session and the
 * next waiter gets the lock.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { connect, type ZooKeeperClient, ZooKeeperError } from "../../src/zookeeper.ts";
import { InterProcessMutex, LeaderLatch, type Lease } from "../../src/recipes.ts";
import { sortChildren } from "../../src/recipes/sequence-nodes.ts";
import { type Proxy, startProxy } from "../support/proxy.ts";
import { endSession, nextState, startEnsemble, type TestEnsemble, until } from "../support/zookeeper.ts";
import { enc } from "../support/fixtures.ts";

const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const isCode = (e: unknown, code: string): boolean => e instanceof ZooKeeperError && e.code === code;

let ensemble: TestEnsemble;
let proxies: Proxy[];
let observer: ZooKeeperClient;
const clients: ZooKeeperClient[] = [];

async function client(renew: boolean): Promise<ZooKeeperClient> {
  const zk = await connect(proxies.map((p) => p.connectString).join(","), {
    sessionTimeout: 6_000,
    renewSessionOnExpiry: renew,
  });
  clients.push(zk);
  return zk;
}

/** The proxy `zk` is connected through now. */
function proxyOf(zk: ZooKeeperClient): Proxy {
  const proxy = proxies.find((p) => p.port === zk.currentServer?.port);
  assert.ok(proxy, "the client is connected through a proxy");
  return proxy;
}

before(async () => {
  ensemble = startEnsemble(3);
  proxies = await Promise.all(ensemble.ports.map((port) => startProxy(port)));
  observer = await connect(ensemble.connectString, { sessionTimeout: 20_000 });
});
after(async () => {
  for (const zk of clients) await zk.close().catch(() => {});
  await observer?.close();
  for (const p of proxies ?? []) await p.close();
  ensemble?.destroy();
});

interface Contender {
  readonly name: string;
  readonly zk: ZooKeeperClient;
  readonly latch: LeaderLatch;
}

/** The session owning the latch's lowest node, as the server sees it after a sync; undefined if unreadable now. */
async function serverLeader(path: string): Promise<bigint | undefined> {
  try {
    await observer.sync(path);
    const { children } = await observer.getChildren(path);
    const lowest = sortChildren(children, ["latch-"])[0];
    if (lowest === undefined) return undefined;
    return (await observer.exists(`${path}/${lowest}`))?.ephemeralOwner;
  } catch {
    return undefined; // the observer is between servers: skip this sample
  }
}

/**
 * Samples the election until stopped: how many believe they lead (at most one), and whether one
 * that believed it led before and after a server read is the server's leader. Returns the
 * violations and the number of samples where the second check applied.
 */
function sampleElection(
  path: string,
  contenders: readonly Contender[],
): { stop(): Promise<{ violations: string[]; checked: number }> } {
  const violations: string[] = [];
  let checked = 0;
  let running = true;
  const believers = () =>
    contenders.filter((c) => c.latch.hasLeadership()).map((c) => ({ c, session: c.zk.sessionId }));
  const loop = (async () => {
    while (running) {
      const before = believers();
      if (before.length > 1) violations.push(`${before.map((b) => b.c.name).join(" and ")} both lead`);
      const owner = await serverLeader(path);
      const afterwards = believers();
      if (afterwards.length > 1) violations.push(`${afterwards.map((b) => b.c.name).join(" and ")} both lead`);
      for (const b of before) {
        if (owner === undefined || !afterwards.some((a) => a.c === b.c && a.session === b.session)) continue;
        checked++;
        if (owner !== b.session) {
          violations.push(
            `${b.c.name} (session ${b.session.toString(16)}) leads, but the server's lowest node belongs to ${
              owner.toString(16)
            }`,
          );
        }
      }
      await sleep(20);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { violations, checked };
    },
  };
}

/** Waits until exactly one contender leads and the server agrees; returns it. */
async function settledLeader(path: string, contenders: readonly Contender[]): Promise<Contender> {
  let leader: Contender | undefined;
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline) {
    const leading = contenders.filter((c) => c.latch.hasLeadership());
    if (
      leading.length === 1 && (await serverLeader(path)) === leading[0]!.zk.sessionId &&
      leading[0]!.latch.hasLeadership()
    ) {
      leader = leading[0];
      break;
    }
    await sleep(50);
  }
  assert.ok(leader, "one leader, agreed by the server");
  return leader;
}

async function election(name: string): Promise<{ path: string; contenders: Contender[] }> {
  const path = `/faults-${name}`;
  const contenders: Contender[] = [];
  for (const id of ["a", "b", "c"]) {
    const zk = await client(true);
    const latch = new LeaderLatch(zk, path, id);
    await latch.start();
    contenders.push({ name: id, zk, latch });
  }
  return { path, contenders };
}

describe("LeaderLatch under faults (3-member ensemble)", () => {
  test("the leader's server killed, its connection cut, its connection stalled past the read timeout, its session expired: never two leaders, always the server's", async () => {
    const { path, contenders } = await election("latch");
    const sampler = sampleElection(path, contenders);
    try {
      // A server killed: the leader's client moves to another member, resets its node, and
      // the leadership passes on.
      let leader = await settledLeader(path, contenders);
      const member = ensemble.memberOnPort(ensemble.ports[proxies.indexOf(proxyOf(leader.zk))]!);
      const moved = nextState(leader.zk, "reconnected", 30_000);
      ensemble.stopMember(member);
      await moved;
      leader = await settledLeader(path, contenders);
      ensemble.startMember(member);

      // A connection cut.
      proxyOf(leader.zk).cutAll();
      leader = await settledLeader(path, contenders);

      // A connection stalled until the client gives it up (read timeout 4 s).
      const stalled = leader;
      proxyOf(stalled.zk).stall(5_000);
      await until(() => !stalled.latch.hasLeadership(), 10_000, "the stalled leader stepped down");
      leader = await settledLeader(path, contenders);

      // A session expired (the client renews it and the latch rejoins).
      const expired = leader;
      await endSession(expired.zk, ensemble.connectString);
      leader = await settledLeader(path, contenders);
      assert.notEqual(leader, expired);
      // Its old node went with the old session; the renewed session's latch adds a new one.
      let participants = 0;
      for (let i = 0; i < 200 && participants < 3; i++) {
        participants = (await expired.latch.getParticipants().catch(() => [])).length;
        if (participants < 3) await sleep(50);
      }
      assert.equal(participants, 3, "the expired participant rejoined");
      assert.equal(expired.zk.state, "connected");
    } finally {
      const { violations, checked } = await sampler.stop();
      assert.deepEqual(violations, []);
      assert.ok(checked > 20, `the server's view was compared with a steady leader ${checked} times`);
      for (const c of contenders) await c.latch.close();
    }
    assert.deepEqual((await observer.getChildren(path)).children, [], "closed latches leave no node");
  });
});

/** Runs `op` again while it fails with ConnectionLoss (a request waits for the reconnect). */
async function onConnection<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await op();
    } catch (error) {
      if (!isCode(error, "ConnectionLoss") || attempt >= 20) throw error;
    }
  }
}

describe("InterProcessMutex under faults (3-member ensemble)", () => {
  test("three clients incrementing under one mutex through cuts, stalls and a killed server: no lock held twice, no increment lost", async () => {
    const path = "/faults-mutex";
    const counter = "/faults-counter";
    await observer.create(counter, enc("0"));
    const holders = new Set<string>();
    let maxHolders = 0;
    let done = 0;
    let faulting = true;
    const worker = async (name: string, zk: ZooKeeperClient): Promise<number> => {
      const mutex = new InterProcessMutex(zk, path);
      let increments = 0;
      while (faulting || increments < 10) {
        const lease: Lease = await onConnection(() => mutex.acquire({ timeout: 60_000 }));
        holders.add(name);
        maxHolders = Math.max(maxHolders, holders.size);
        try {
          const { data, stat } = await onConnection(() => zk.getData(counter));
          try {
            await onConnection(() =>
              zk.setData(counter, enc(String(Number(dec(data)) + 1)), { version: stat.version })
            );
          } catch (error) {
            // Only after a cut write: the first attempt was applied. Nobody else writes under the lock.
            if (!isCode(error, "BadVersion")) throw error;
          }
          increments++;
        } finally {
          holders.delete(name);
          await lease.release();
        }
      }
      done++;
      return increments;
    };
    const zks = [await client(false), await client(false), await client(false)];
    const working = Promise.all(zks.map((zk, i) => worker(`w${i}`, zk)));
    try {
      await sleep(300);
      for (const p of proxies) {
        p.cutAll();
        await sleep(400);
      }
      for (const p of proxies) p.stall(1_500);
      await sleep(2_000);
      // The server under the first client (connected again by now, or soon, after the stalls).
      await until(() => zks[0]!.state === "connected", 20_000, "the first client connected");
      const member = ensemble.memberOnPort(ensemble.ports[proxies.indexOf(proxyOf(zks[0]!))]!);
      ensemble.stopMember(member);
      await sleep(1_500);
      ensemble.startMember(member);
      await sleep(500);
    } finally {
      faulting = false;
    }
    const counts = await working;
    assert.equal(done, 3);
    assert.equal(maxHolders, 1, "never two holders at once");
    const total = counts.reduce((a, b) => a + b, 0);
    assert.equal(
      dec((await observer.getData(counter)).data),
      String(total),
      `${counts.join(" + ")} increments, none lost`,
    );
    assert.deepEqual((await observer.getChildren(path)).children, [], "no lock node left behind");
  });

  test("a release or a latch close whose delete is cut by a connection loss still deletes the node", async () => {
    const path = "/faults-cut-release";
    const holder = await client(false);
    const lease = await new InterProcessMutex(holder, path).acquire({ timeout: 10_000 });
    const latch = new LeaderLatch(holder, "/faults-cut-close", "h");
    await latch.start();
    await latch.await({ timeout: 10_000 });
    for (
      const [what, node, remove] of [["lock", lease.path, () => lease.release()], [
        "latch",
        latch.getOurPath()!,
        () => latch.close(),
      ]] as const
    ) {
      // The delete is written into a black hole, then the connection is cut under it.
      const proxy = proxyOf(holder);
      proxy.blackhole(["toServer"]);
      const removing = remove();
      await sleep(100);
      proxy.cutAll();
      proxy.blackhole([]);
      await removing;
      assert.equal(await observer.exists(node), null, `the ${what} node is gone`);
    }
    const next = await new InterProcessMutex(await client(false), path).acquire({ timeout: 10_000 });
    await next.release();
  });

  test("a holder's session ending deletes its lock node and the next waiter acquires", async () => {
    const path = "/faults-leak";
    const holder = await client(false);
    const lease = await new InterProcessMutex(holder, path).acquire({ timeout: 10_000 });
    const waiter = new InterProcessMutex(await client(false), path);
    const waiting = waiter.acquire({ timeout: 30_000 });
    for (let i = 0; i < 100 && (await observer.getChildren(path)).children.length < 2; i++) await sleep(20);
    assert.equal((await observer.getChildren(path)).children.length, 2);
    await endSession(holder, ensemble.connectString);
    const next = await waiting;
    assert.equal(await observer.exists(lease.path), null, "the holder's node went with its session");
    assert.deepEqual((await observer.getChildren(path)).children, [next.path.slice(path.length + 1)]);
    // The old lease's release finds its node gone and deletes nothing else.
    await lease.release().catch((e: unknown) => assert.ok(isCode(e, "SessionExpired"), String(e)));
    assert.ok(await observer.exists(next.path));
    await next.release();
  });
});
