/**
 * CuratorCache against the real server: the initial load, events with old and new data, a
 * reconnect gap made with the fault proxy (changes in the gap are reported once the connection
 * is back), session expiry with and without renewal, and the options.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ZooKeeperClient } from "../../src/zookeeper.ts";
import { type CacheEventType, type ChildData, CuratorCache, RecipeError } from "../../src/recipes.ts";
import { type Proxy, startProxy } from "../support/proxy.ts";
import { endSession, nextState, type Sandbox, sharedConnectString, until } from "../support/zookeeper.ts";
import { recipeSuite } from "../support/recipe-suite.ts";
import { enc } from "../support/fixtures.ts";

const text = (
  d: ChildData | undefined,
): string | undefined => (d === undefined ? undefined : new TextDecoder().decode(d.data));

let box: Sandbox;
const { client } = recipeSuite("recipes-cache", (opened) => (box = opened), { sessionTimeout: 20_000 });

/** An event as a test compares it: type, path, old and new data. */
interface Seen {
  readonly type: CacheEventType;
  readonly path: string;
  readonly old: string | undefined;
  readonly now: string | undefined;
}

/** Starts a cache that records its events, its `initialized` and its errors. */
async function recordingCache(
  zk: ZooKeeperClient,
  path: string,
  ...options: Parameters<typeof CuratorCache.build>[2][]
) {
  const cache = CuratorCache.build(zk, path, ...options);
  const seen: Seen[] = [];
  const errors: unknown[] = [];
  let initializedAfter = -1;
  cache.listenable().addListener({
    event: (type, oldData, data) =>
      seen.push({ type, path: (data ?? oldData)!.path, old: text(oldData), now: text(data) }),
    initialized: () => {
      initializedAfter = seen.length;
    },
    error: (e) => errors.push(e),
  });
  await cache.start();
  return { cache, seen, errors, initializedAfter: () => initializedAfter };
}

describe("CuratorCache", () => {
  test("the initial load caches the whole subtree, reports each node as created, then initialized", async () => {
    const root = `${box.root}/load`;
    await box.zk.create(root, enc("r"));
    for (let i = 0; i < 5; i++) {
      await box.zk.create(`${root}/n${i}`, enc(`v${i}`));
      for (let j = 0; j < 4; j++) await box.zk.create(`${root}/n${i}/m${j}`, enc(`v${i}.${j}`));
    }
    const { cache, seen, errors, initializedAfter } = await recordingCache(await client(), root);
    assert.equal(cache.size(), 26);
    assert.equal(text(cache.get(`${root}/n3/m2`)), "v3.2");
    assert.equal(cache.get(`${root}/n3/m2`)?.stat.version, 0);
    assert.equal([...cache.stream()].length, 26);
    assert.equal(seen.length, 26);
    assert.ok(seen.every((e) => e.type === "NODE_CREATED" && e.old === undefined));
    // Parents are reported before their children.
    assert.ok(seen.findIndex((e) => e.path === `${root}/n1`) < seen.findIndex((e) => e.path === `${root}/n1/m0`));
    assert.equal(initializedAfter(), 26);
    await cache.close();
    assert.equal(cache.size(), 0, "cleared on close");
    assert.deepEqual(errors, []);
  });

  test("creates, changes and deletes arrive in order with the node before and after", async () => {
    const root = `${box.root}/events`;
    const { cache, seen } = await recordingCache(await client(), root);
    assert.equal(cache.size(), 0, "the path need not exist");
    // One write at a time, each seen before the next: two quick writes to one node may reach
    // the cache as one change (its read after the first event sees the second), as in Curator.
    const writes = [
      () => box.zk.create(root, enc("0")),
      () => box.zk.create(`${root}/a`, enc("a0")),
      () => box.zk.create(`${root}/a/deep`, enc("d0")),
      () => box.zk.setData(`${root}/a`, enc("a1")),
      () => box.zk.delete(`${root}/a/deep`),
      () => box.zk.setData(root, enc("1")),
    ];
    for (const [i, write] of writes.entries()) {
      await write();
      await until(() => seen.length > i, 10_000, `event ${i + 1}`);
    }
    assert.deepEqual(seen, [
      { type: "NODE_CREATED", path: root, old: undefined, now: "0" },
      { type: "NODE_CREATED", path: `${root}/a`, old: undefined, now: "a0" },
      { type: "NODE_CREATED", path: `${root}/a/deep`, old: undefined, now: "d0" },
      { type: "NODE_CHANGED", path: `${root}/a`, old: "a0", now: "a1" },
      { type: "NODE_DELETED", path: `${root}/a/deep`, old: "d0", now: undefined },
      { type: "NODE_CHANGED", path: root, old: "0", now: "1" },
    ]);
    assert.equal(cache.get(`${root}/a`)?.stat.version, 1);
    assert.equal(cache.size(), 2);
    await cache.close();
  });

  describe("through the fault proxy", () => {
    let proxy: Proxy;
    before(async () => {
      proxy = await startProxy(Number(sharedConnectString().split(":").pop()));
    });
    after(async () => {
      await proxy.close();
    });

    test("changes made while the connection is down are reported once it is back: creates, changes (once per node), deletes", async () => {
      const root = `${box.root}/gap`;
      await box.zk.create(root);
      for (const n of ["keep", "change", "remove"]) await box.zk.create(`${root}/${n}`, enc(`${n}0`));
      const zk = await client(proxy.connectString, { connectTimeout: 1_000 });
      const { cache, seen, errors } = await recordingCache(zk, root);
      seen.length = 0;

      const down = nextState(zk, "disconnected");
      proxy.blackhole(["toServer", "toClient"]);
      proxy.cutAll();
      await down;
      await box.zk.setData(`${root}/change`, enc("change1"));
      await box.zk.setData(`${root}/change`, enc("change2"));
      await box.zk.delete(`${root}/remove`);
      await box.zk.create(`${root}/added`, enc("added0"));
      await box.zk.create(`${root}/added/child`, enc("child0"));
      // Nothing can reach the cache in the gap.
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(seen, []);
      const back = nextState(zk, "reconnected", 30_000);
      proxy.blackhole([]);
      await back;
      await until(() => seen.length >= 4, 15_000, "the gap's four differences");
      assert.deepEqual(seen, [
        { type: "NODE_DELETED", path: `${root}/remove`, old: "remove0", now: undefined },
        { type: "NODE_CREATED", path: `${root}/added`, old: undefined, now: "added0" },
        { type: "NODE_CREATED", path: `${root}/added/child`, old: undefined, now: "child0" },
        { type: "NODE_CHANGED", path: `${root}/change`, old: "change0", now: "change2" },
      ]);
      // The restored watch still reports.
      await box.zk.setData(`${root}/keep`, enc("keep1"));
      await until(() => seen.length >= 5, 10_000, "an event after the gap");
      assert.deepEqual(seen[4], { type: "NODE_CHANGED", path: `${root}/keep`, old: "keep0", now: "keep1" });
      assert.deepEqual([...cache.stream()].map((d) => d.path).sort(), [
        root,
        `${root}/added`,
        `${root}/added/child`,
        `${root}/change`,
        `${root}/keep`,
      ]);
      assert.deepEqual(errors, []);
      await cache.close();
    });
  });

  test("after a session expiry a renewing client's cache follows the new session: the old session's ephemerals are reported deleted", async () => {
    const root = `${box.root}/renew`;
    await box.zk.create(root);
    const zk = await client(sharedConnectString(), { sessionTimeout: 6_000, renewSessionOnExpiry: true });
    await zk.create(`${root}/mine`, enc("eph"), { mode: "ephemeral" });
    const { cache, seen, errors } = await recordingCache(zk, root);
    seen.length = 0;
    const renewed = nextState(zk, "newSession", 30_000);
    await endSession(zk);
    await box.zk.create(`${root}/during`, enc("d"));
    await renewed;
    await until(() => seen.length >= 2, 15_000, "the differences after the renewal");
    assert.deepEqual(
      new Set(seen.map((e) => `${e.type} ${e.path}`)),
      new Set([`NODE_DELETED ${root}/mine`, `NODE_CREATED ${root}/during`]),
    );
    await box.zk.setData(`${root}/during`, enc("d1"));
    await until(() => seen.length >= 3, 10_000, "an event in the new session");
    assert.deepEqual(seen[2], { type: "NODE_CHANGED", path: `${root}/during`, old: "d", now: "d1" });
    assert.deepEqual(errors, []);
    await cache.close();
  });

  test("without renewal an expiry stops the cache with SESSION_LOST and keeps its last view", async () => {
    const root = `${box.root}/expire`;
    await box.zk.create(root, enc("x"));
    const zk = await client(sharedConnectString(), { sessionTimeout: 6_000 });
    const { cache, errors } = await recordingCache(zk, root, "DO_NOT_CLEAR_ON_CLOSE");
    await endSession(zk);
    await until(() => errors.length > 0, 10_000, "the cache's error");
    assert.ok(errors[0] instanceof RecipeError && errors[0].code === "SESSION_LOST", String(errors[0]));
    assert.equal(text(cache.get(root)), "x");
    await cache.close();
    assert.equal(cache.size(), 1, "DO_NOT_CLEAR_ON_CLOSE keeps the nodes");
  });

  test("a burst overflowing a tiny watch buffer loses nothing: the cache re-reads and reports each node once", async () => {
    const root = `${box.root}/burst`;
    await box.zk.create(root);
    const zk = await client();
    const cache = new CuratorCache(zk, root, { bufferSize: 1 });
    const created = new Map<string, number>();
    const errors: unknown[] = [];
    cache.listenable().addListener({
      event: (type, _old, data) => {
        if (type === "NODE_CREATED") created.set(data!.path, (created.get(data!.path) ?? 0) + 1);
      },
      error: (e) => errors.push(e),
    });
    await cache.start();
    // Pipelined, so their notifications reach the cache's client in a few chunks.
    await Promise.all(Array.from({ length: 200 }, (_, i) => box.zk.create(`${root}/n${i}`, enc(String(i)))));
    await until(() => cache.size() === 201, 15_000, "all 200 nodes cached");
    await box.zk.sync(root);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(created.size, 201);
    assert.ok([...created.values()].every((n) => n === 1), "each node reported created once");
    assert.equal(text(cache.get(`${root}/n199`)), "199");
    assert.deepEqual(errors, []);
    await cache.close();
  });

  test("SINGLE_NODE_CACHE caches the node alone; its children's changes are not reported", async () => {
    const root = `${box.root}/single`;
    await box.zk.create(root, enc("s0"));
    await box.zk.create(`${root}/kid`, enc("k"));
    const { cache, seen } = await recordingCache(await client(), root, "SINGLE_NODE_CACHE");
    assert.equal(cache.size(), 1);
    await box.zk.create(`${root}/kid2`);
    await box.zk.setData(`${root}/kid`, enc("k1"));
    await box.zk.setData(root, enc("s1"));
    await until(() => seen.length >= 2, 10_000, "the node's change");
    assert.deepEqual(seen, [
      { type: "NODE_CREATED", path: root, old: undefined, now: "s0" },
      { type: "NODE_CHANGED", path: root, old: "s0", now: "s1" },
    ]);
    await cache.close();
  });

  test("a throwing listener is reported to error and the cache goes on; bad options and a second start are typed errors", async () => {
    const root = `${box.root}/robust`;
    const zk = await client();
    const cache = new CuratorCache(zk, root);
    const errors: unknown[] = [];
    let events = 0;
    cache.listenable().addListener({
      event: () => {
        events++;
        throw new Error("listener bug");
      },
      error: (e) => errors.push(e),
    });
    await cache.start();
    await box.zk.create(root);
    await box.zk.create(`${root}/x`);
    await until(() => events >= 2, 10_000, "two events despite the throwing listener");
    assert.equal(errors.length, 2);
    assert.equal(cache.size(), 2);
    await assert.rejects(cache.start(), (e) => e instanceof RecipeError && e.code === "ILLEGAL_STATE");
    await cache.close();
    await cache.close();
    assert.equal(cache.getState(), "CLOSED");
    assert.throws(() => CuratorCache.build(zk, root, "NOPE" as "SINGLE_NODE_CACHE"), RangeError);
    assert.throws(() => new CuratorCache(zk, root, { bufferSize: 0 }), RangeError);
  });
});
