import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type WatchedEvent, WatchOverflowError, type ZooKeeperClient } from "../../mod.ts";
import { enc, isCode, sandbox, suiteFixture } from "../support/fixtures.ts";
import { startProxy } from "../support/proxy.ts";
import { endSession, nextState, sharedConnectString } from "../support/zookeeper.ts";

const brief = (e: WatchedEvent) => `${e.type} ${e.path}`;

/** The next `n` events of a stream, failing the test if it ends first. */
async function take(stream: AsyncIterator<WatchedEvent>, n: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    const r = await stream.next();
    assert.equal(r.done, false, `the stream ended after ${out.length} of ${n} events`);
    out.push(brief(r.value as WatchedEvent));
  }
  return out;
}

describe("zk.watch(): persistent watches as async iterables", () => {
  let zk: ZooKeeperClient;
  let root: string;

  suiteFixture(() => sandbox("stream"), (box) => ({ zk, root } = box));

  test("a subtree's events arrive in order through for await, and break removes the watch", async () => {
    const base = `${root}/tree`;
    await zk.create(base);
    const stream = zk.watch(base);
    // Requests on one session are processed in order: these come after the watch is set.
    const changes = (async () => {
      await zk.create(`${base}/a`);
      await zk.setData(`${base}/a`, enc("1"));
      await zk.create(`${base}/a/deep`);
      await zk.delete(`${base}/a/deep`);
    })();
    const seen: string[] = [];
    for await (const event of stream) {
      seen.push(brief(event));
      if (seen.length === 4) break;
    }
    await changes;
    assert.deepEqual(seen, [
      `NodeCreated ${base}/a`,
      `NodeDataChanged ${base}/a`,
      `NodeCreated ${base}/a/deep`,
      `NodeDeleted ${base}/a/deep`,
    ]);
    // break closed the stream: no watch of it is left in the client.
    await assert.rejects(zk.removeWatches(base, "any"), isCode("NoWatcher"));
  });

  test("mode persistent sees the node itself, children changes included, not its descendants' data", async () => {
    const node = `${root}/single`;
    await zk.create(node);
    const stream = zk.watch(node, { mode: "persistent" });
    await zk.create(`${node}/child`);
    await zk.setData(`${node}/child`, enc("ignored"));
    await zk.setData(node, enc("seen"));
    assert.deepEqual(await take(stream, 2), [`NodeChildrenChanged ${node}`, `NodeDataChanged ${node}`]);
    await stream.close();
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });

  test("a consumer that falls behind gets the buffered events, then a WatchOverflowError", async () => {
    const node = `${root}/busy`;
    await zk.create(node);
    const stream = zk.watch(node, { bufferSize: 3 });
    // Each notification is delivered before the reply of the request that caused it.
    for (let i = 0; i < 5; i++) await zk.setData(node, enc(String(i)));
    assert.deepEqual(await take(stream, 3), Array(3).fill(`NodeDataChanged ${node}`));
    await assert.rejects(
      stream.next(),
      (e: unknown) => e instanceof WatchOverflowError && e.bufferSize === 3 && e.path === node,
    );
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });

  test("overflow dropOldest keeps the newest events and counts what it dropped", async () => {
    const base = `${root}/drop`;
    await zk.create(base);
    const stream = zk.watch(base, { bufferSize: 2, overflow: "dropOldest" });
    for (let i = 1; i <= 5; i++) await zk.create(`${base}/c${i}`);
    assert.deepEqual(await take(stream, 2), [`NodeCreated ${base}/c4`, `NodeCreated ${base}/c5`]);
    assert.equal(stream.dropped, 3);
    await stream.close();
  });

  test("an aborted signal ends the stream with its reason, also while a next() waits", async () => {
    const controller = new AbortController();
    const stream = zk.watch(root, { signal: controller.signal });
    const waiting = stream.next();
    controller.abort(new Error("shutting down"));
    await assert.rejects(waiting, /shutting down/);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
    await assert.rejects(zk.removeWatches(root, "any"), isCode("NoWatcher"));
  });

  test("bad options and a bad path fail the first next() with BadArguments", async () => {
    await assert.rejects(zk.watch(root, { bufferSize: 0 }).next(), isCode("BadArguments"));
    await assert.rejects(zk.watch(root, { overflow: "block" as "error" }).next(), isCode("BadArguments"));
    await assert.rejects(zk.watch("no-slash").next(), isCode("BadArguments"));
  });

  test("the watch outlives a dropped connection, the stream marks the gap, and ends when the client closes", async () => {
    const proxy = await startProxy(Number(sharedConnectString().split(":")[1]));
    const client = await connect(proxy.connectString, { sessionTimeout: 10_000 });
    try {
      const node = `${root}/survivor`;
      await zk.create(node);
      const stream = client.watch(node);
      await client.sync(node); // the watch is set
      const reconnected = nextState(client, "reconnected");
      proxy.cutAll();
      await reconnected;
      // Changes made during the outage are not replayed for persistent watches: the stream says
      // when the gap began and when the watch is active again.
      assert.deepEqual((await stream.next()).value, { type: "None", state: "Disconnected", path: null });
      assert.deepEqual((await stream.next()).value, { type: "None", state: "SyncConnected", path: null });
      await zk.setData(node, enc("after the cut"));
      assert.deepEqual(await take(stream, 1), [`NodeDataChanged ${node}`]);
      const ended = stream.next();
      await client.close();
      assert.deepEqual(await ended, { done: true, value: undefined });
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  test("session expiry ends the stream with SessionExpired", async () => {
    const client = await connect(sharedConnectString(), { sessionTimeout: 4_000 });
    try {
      const stream = client.watch(root);
      await client.sync(root);
      // The server drops the connection first (the stream marks it), then the reconnect learns
      // the session is gone.
      const markers: WatchedEvent[] = [];
      const ending = (async () => {
        for (;;) markers.push((await stream.next()).value as WatchedEvent);
      })();
      await endSession(client);
      await assert.rejects(ending, isCode("SessionExpired"));
      assert.deepEqual(markers[0], { type: "None", state: "Disconnected", path: null });
      assert.ok(markers.every((m) => m.type === "None"), JSON.stringify(markers));
      assert.deepEqual(await stream.next(), { done: true, value: undefined });
    } finally {
      await client.close();
    }
  });
});
