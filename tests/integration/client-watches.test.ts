import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type WatchedEvent, type ZooKeeperClient, ZooKeeperError } from "../../mod.ts";
import { enc, sharedRoot, suiteFixture } from "../support/fixtures.ts";
import { deferred, sharedConnectString } from "../support/zookeeper.ts";

/** A watcher that records its events and lets a test wait for the n-th one. */
function recorder(what = "watch event") {
  const events: WatchedEvent[] = [];
  let waiting: { n: number; resolve: (e: WatchedEvent[]) => void } | undefined;
  const watcher = (e: WatchedEvent) => {
    events.push(e);
    if (waiting && events.length >= waiting.n) waiting.resolve(events.slice());
  };
  const next = (n = events.length + 1, timeoutMs = 10_000) => {
    const d = deferred<WatchedEvent[]>(timeoutMs, `${what} #${n}`);
    if (events.length >= n) d.resolve(events.slice());
    else waiting = { n, resolve: d.resolve };
    return d.promise;
  };
  return { events, watcher, next };
}

describe("watches against a real server", () => {
  let zk: ZooKeeperClient;
  let other: ZooKeeperClient;
  let root: string;

  suiteFixture(() => sharedRoot("watch", {}, {}), (shared) => ({ clients: [zk, other], root } = shared));

  test("a data watch fires once with NodeDataChanged and the client path", async () => {
    const p = `${root}/data`;
    await zk.create(p, enc("0"));
    const r = recorder();
    await zk.getData(p, { watch: r.watcher });
    await other.setData(p, enc("1"));
    const [event] = await r.next(1);
    assert.deepEqual(event, { type: "NodeDataChanged", state: "SyncConnected", path: p });
    await other.setData(p, enc("2"));
    await zk.sync(p);
    await zk.getData(p);
    assert.equal(r.events.length, 1, "one-shot: the second change is not reported");
  });

  test("an exists watch on a missing node fires NodeCreated", async () => {
    const p = `${root}/later`;
    const r = recorder();
    assert.equal(await zk.exists(p, { watch: r.watcher }), null);
    await other.create(p);
    assert.deepEqual((await r.next(1))[0], { type: "NodeCreated", state: "SyncConnected", path: p });
  });

  test("a child watch fires NodeChildrenChanged; deletion fires NodeDeleted to data and child watchers", async () => {
    const p = `${root}/parent`;
    await zk.create(p);
    const children = recorder();
    await zk.getChildren(p, { watch: children.watcher });
    await other.create(`${p}/kid`);
    assert.equal((await children.next(1))[0]?.type, "NodeChildrenChanged");

    const onData = recorder();
    const onChildren = recorder();
    await zk.getData(`${p}/kid`, { watch: onData.watcher });
    await zk.getChildren(`${p}/kid`, { watch: onChildren.watcher });
    await other.delete(`${p}/kid`);
    assert.equal((await onData.next(1))[0]?.type, "NodeDeleted");
    assert.equal((await onChildren.next(1))[0]?.type, "NodeDeleted");
  });

  test("one watcher registered by several reads of a path is called once per event", async () => {
    const p = `${root}/shared`;
    await zk.create(p);
    const r = recorder();
    await zk.getData(p, { watch: r.watcher });
    await zk.exists(p, { watch: r.watcher });
    await zk.getChildren(p, { watch: r.watcher });
    await other.delete(p);
    await r.next(1);
    await zk.sync("/");
    await zk.exists(root);
    assert.equal(r.events.length, 1);
  });

  test("watch: true reports to the default watcher (on('event'))", async () => {
    const p = `${root}/default`;
    await zk.create(p);
    const got = deferred<WatchedEvent>(10_000, "default watcher event");
    const off = zk.on("event", (e) => {
      if (e.path === p) got.resolve(e);
    });
    try {
      await zk.getData(p, { watch: true });
      await other.setData(p, enc("x"));
      assert.deepEqual(await got.promise, { type: "NodeDataChanged", state: "SyncConnected", path: p });
    } finally {
      off();
    }
  });

  test("a watch event is delivered before the reply of a later read that sees the change", async () => {
    const p = `${root}/order`;
    await zk.create(p, enc("0"));
    const order: string[] = [];
    await zk.getData(p, { watch: () => order.push("event") });
    await other.setData(p, enc("1"));
    // Reads on zk keep going until one sees the new data; the event must come first.
    for (let i = 0; i < 1000; i++) {
      const { data } = await zk.getData(p);
      if (data[0] === "1".charCodeAt(0)) {
        order.push("reply");
        break;
      }
    }
    assert.deepEqual(order, ["event", "reply"]);
  });

  test("a persistent watch fires on every change until removed; removal is announced", async () => {
    const p = `${root}/persistent`;
    await zk.create(p);
    const r = recorder();
    await zk.addWatch(p, r.watcher, { mode: "persistent" });
    await other.setData(p, enc("1"));
    await other.setData(p, enc("2"));
    await other.create(`${p}/c`);
    const events = await r.next(3);
    assert.deepEqual(events.map((e) => e.type), ["NodeDataChanged", "NodeDataChanged", "NodeChildrenChanged"]);
    await zk.removeWatches(p, "persistent");
    const removed = await r.next(4);
    assert.deepEqual(removed[3], { type: "PersistentWatchRemoved", state: "SyncConnected", path: p });
    await other.setData(p, enc("3"));
    await zk.sync(p);
    await zk.exists(p);
    assert.equal(r.events.length, 4);
  });

  test("a persistent recursive watch sees descendants' creations, changes and deletions, not child-list changes", async () => {
    const p = `${root}/tree`;
    await zk.create(p);
    const r = recorder();
    await zk.addWatch(p, r.watcher, { mode: "persistent-recursive" });
    await other.create(`${p}/a`);
    await other.create(`${p}/a/b`, enc("x"));
    await other.setData(`${p}/a/b`, enc("y"));
    await other.delete(`${p}/a/b`);
    const events = await r.next(4);
    assert.deepEqual(events.map((e) => [e.type, e.path]), [
      ["NodeCreated", `${p}/a`],
      ["NodeCreated", `${p}/a/b`],
      ["NodeDataChanged", `${p}/a/b`],
      ["NodeDeleted", `${p}/a/b`],
    ]);
    await zk.removeWatches(p, "any");
  });

  test("removeWatches removes one watcher's data watch and fails with NoWatcher when nothing matches", async () => {
    const p = `${root}/remove`;
    await zk.create(p);
    const keep = recorder();
    const drop = recorder();
    await zk.getData(p, { watch: keep.watcher });
    await zk.getData(p, { watch: drop.watcher });
    await zk.removeWatches(p, "data", { watcher: drop.watcher });
    assert.deepEqual((await drop.next(1))[0], { type: "DataWatchRemoved", state: "SyncConnected", path: p });
    await other.setData(p, enc("x"));
    assert.equal((await keep.next(1))[0]?.type, "NodeDataChanged");
    assert.equal(drop.events.length, 1, "the removed watcher saw only its removal");
    await assert.rejects(
      zk.removeWatches(p, "children"),
      (e: unknown) => e instanceof ZooKeeperError && e.code === "NoWatcher",
    );
  });

  test("removing one-shot watches from a path leaves its persistent watch working", async () => {
    const p = `${root}/shared-persistent`;
    await zk.create(p);
    const persistent = recorder("persistent watch event");
    const dataWatch = recorder();
    const childWatch = recorder();
    await zk.addWatch(p, persistent.watcher, { mode: "persistent" });
    await zk.getData(p, { watch: dataWatch.watcher });
    await zk.getChildren(p, { watch: childWatch.watcher });
    await zk.removeWatches(p, "data");
    await zk.removeWatches(p, "children");
    assert.equal((await dataWatch.next(1))[0]?.type, "DataWatchRemoved");
    assert.equal((await childWatch.next(1))[0]?.type, "ChildWatchRemoved");
    await other.setData(p, enc("1"));
    await other.create(`${p}/c`);
    const events = await persistent.next(2);
    assert.deepEqual(events.map((e) => e.type), ["NodeDataChanged", "NodeChildrenChanged"]);
    assert.equal(dataWatch.events.length + childWatch.events.length, 2, "the removed watchers saw only their removal");
    await zk.removeWatches(p, "persistent");
  });

  test("a default watcher or event listener that throws does not keep the event from the others", async () => {
    const p = `${root}/listeners`;
    await zk.create(p);
    const watcherClient = await connect(sharedConnectString(), {
      watcher: () => {
        throw new Error("boom in the default watcher");
      },
    });
    try {
      const got = deferred<WatchedEvent>(10_000, "event at the second listener");
      watcherClient.on("event", () => {
        throw new Error("boom in a listener");
      });
      watcherClient.on("event", (e) => e.path === p && got.resolve(e));
      await watcherClient.getData(p, { watch: true });
      await other.setData(p, enc("x"));
      assert.deepEqual(await got.promise, { type: "NodeDataChanged", state: "SyncConnected", path: p });
    } finally {
      await watcherClient.close();
    }
  });

  test("a watcher that throws does not break the client or other watchers", async () => {
    const p = `${root}/throws`;
    await zk.create(p);
    const ok = recorder();
    await zk.getData(p, {
      watch: () => {
        throw new Error("boom");
      },
    });
    await zk.getData(p, { watch: ok.watcher });
    await other.setData(p, enc("x"));
    await ok.next(1);
    assert.ok(await zk.exists(p));
  });
});
