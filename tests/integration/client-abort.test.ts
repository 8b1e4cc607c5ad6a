import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type WatchedEvent, type ZooKeeperClient } from "../../mod.ts";
import { enc, isCode, sandbox, suiteFixture } from "../support/fixtures.ts";
import { startProxy } from "../support/proxy.ts";
import { deferred, fourLetterWord, sharedConnectString } from "../support/zookeeper.ts";

/** An aborted controller whose reason is a value no code path could produce by accident. */
function aborted(): { signal: AbortSignal; reason: Error } {
  const controller = new AbortController();
  const reason = new Error("the caller gave up");
  controller.abort(reason);
  return { signal: controller.signal, reason };
}

describe("abandoning requests with an AbortSignal", () => {
  let zk: ZooKeeperClient;
  let root: string;

  suiteFixture(() => sandbox("abort"), (box) => ({ zk, root } = box));

  test("an already aborted signal rejects with its reason and sends nothing", async () => {
    const { signal, reason } = aborted();
    await assert.rejects(zk.create(`${root}/never`, enc("x"), { signal }), (e) => e === reason);
    await assert.rejects(zk.multi().create(`${root}/never-multi`).commit({ signal }), (e) => e === reason);
    await assert.rejects(zk.getData(root, { signal }), (e) => e === reason);
    assert.equal(await zk.exists(`${root}/never`), null);
    assert.equal(await zk.exists(`${root}/never-multi`), null);
  });

  test("a request still waiting in the client is dropped when its signal aborts: it never reaches the server", async () => {
    const narrow = await connect(sharedConnectString(), { maxInFlight: 1 });
    try {
      const controller = new AbortController();
      const first = narrow.getData(root); // takes the one slot on the wire
      const waiting = narrow.create(`${root}/queued`, enc("x"), { signal: controller.signal });
      controller.abort(new Error("changed my mind"));
      await assert.rejects(waiting, /changed my mind/);
      await first;
      await narrow.sync(root); // behind where the create would have gone
      assert.equal(await zk.exists(`${root}/queued`), null);
    } finally {
      await narrow.close();
    }
  });

  test("a read abandoned after it was sent rejects at once and leaves no watch behind", async () => {
    const path = `${root}/watched`;
    await zk.create(path, enc("v0"));
    const controller = new AbortController();
    let abandonedWatchFired = false;
    const read = zk.getData(path, { watch: () => (abandonedWatchFired = true), signal: controller.signal });
    controller.abort(new Error("too slow"));
    await assert.rejects(read, /too slow/);
    await zk.setData(path, enc("v1"));
    // Notifications arrive in order: once a watch armed after the change above has fired, a
    // watch left by the abandoned read would have fired before it.
    const later = deferred<WatchedEvent>(10_000, "the later watch");
    await zk.getData(path, { watch: later.resolve });
    await zk.setData(path, enc("v2"));
    assert.equal((await later.promise).type, "NodeDataChanged");
    assert.equal(abandonedWatchFired, false);
  });

  test("AbortSignal.timeout bounds a request made while the server is unreachable", async () => {
    const proxy = await startProxy(Number(sharedConnectString().split(":")[1]));
    const behind = await connect(proxy.connectString, { sessionTimeout: 10_000 });
    try {
      proxy.blackhole(["toServer", "toClient"]);
      const started = Date.now();
      await assert.rejects(
        behind.getData(root, { signal: AbortSignal.timeout(300) }),
        (e: unknown) => e instanceof Error && e.name === "TimeoutError",
      );
      assert.ok(Date.now() - started < 5_000, "rejected by the signal, not by a session timeout");
      proxy.blackhole([]);
    } finally {
      await behind.close();
      await proxy.close();
    }
  });

  test("connect() gives up when its signal aborts, and closes the client it made", async () => {
    const started = Date.now();
    await assert.rejects(
      connect("127.0.0.1:1", { signal: AbortSignal.timeout(300), initialConnectTimeout: 30_000 }),
      (e: unknown) => e instanceof Error && e.name === "TimeoutError",
    );
    assert.ok(Date.now() - started < 5_000);
    const { signal, reason } = aborted();
    await assert.rejects(connect(sharedConnectString(), { signal }), (e) => e === reason);
  });

  test("a signal that is not an AbortSignal is refused with BadArguments", async () => {
    const notASignal = { aborted: false } as unknown as AbortSignal;
    await assert.rejects(zk.getData(root, { signal: notASignal }), isCode("BadArguments"));
    await assert.rejects(zk.multiRead().getData(root).commit({ signal: notASignal }), isCode("BadArguments"));
    await assert.rejects(connect(sharedConnectString(), { signal: notASignal }), isCode("BadArguments"));
  });

  test("mkdirp and deleteRecursive pass the signal to each request", async () => {
    const { signal, reason } = aborted();
    await assert.rejects(zk.mkdirp(`${root}/a/b/c`, { signal }), (e) => e === reason);
    assert.equal(await zk.exists(`${root}/a`), null);
    await zk.mkdirp(`${root}/d/e`);
    await assert.rejects(zk.deleteRecursive(`${root}/d`, { signal }), (e) => e === reason);
    assert.ok(await zk.exists(`${root}/d/e`));
  });

  test("an addWatch abandoned after it was sent leaves no watch on the server", async () => {
    const serverPort = Number(sharedConnectString().split(":")[1]);
    const proxy = await startProxy(serverPort);
    const slow = await connect(proxy.connectString, { sessionTimeout: 10_000 });
    try {
      // Control: a completed addWatch shows in the server's watch table (wchp).
      await slow.addWatch(`${root}/kept-watch`, () => {}, { mode: "persistent-recursive" });
      assert.match(fourLetterWord(serverPort, "wchp"), new RegExp(`${root}/kept-watch`));

      proxy.delay(300);
      const controller = new AbortController();
      const adding = slow.addWatch(`${root}/late-watch`, () => {}, {
        mode: "persistent-recursive",
        signal: controller.signal,
      });
      await new Promise((r) => setTimeout(r, 50)); // written: it is in the proxy, on its way
      controller.abort(new Error("gave up"));
      await assert.rejects(adding, /gave up/);
      // The first sync's reply comes after the late addWatch reply, so the take-back is sent by
      // then; the second sync's reply comes after the take-back's.
      await slow.sync("/");
      proxy.delay(0);
      await slow.sync("/");
      const table = fourLetterWord(serverPort, "wchp");
      assert.ok(!table.includes(`${root}/late-watch`), table);
      assert.ok(table.includes(`${root}/kept-watch`), "the other watch stays");
    } finally {
      await slow.close();
      await proxy.close();
    }
  });

  test("an abandoned addWatch's take-back spares the watch of an addWatch on the same path sent after it", async () => {
    const serverPort = Number(sharedConnectString().split(":")[1]);
    const proxy = await startProxy(serverPort);
    const slow = await connect(proxy.connectString, { sessionTimeout: 10_000 });
    try {
      await slow.create(`${root}/rewatched`);
      proxy.delay(300);
      const controller = new AbortController();
      const abandoned = slow.addWatch(`${root}/rewatched`, () => {}, { mode: "persistent", signal: controller.signal });
      await new Promise((r) => setTimeout(r, 50)); // written: it is in the proxy, on its way
      controller.abort(new Error("gave up"));
      await assert.rejects(abandoned, /gave up/);
      // Sent before the abandoned one's reply comes: a take-back sent then reaches the server after it.
      const fired = deferred<WatchedEvent>(5_000, "NodeDataChanged on the re-added watch");
      await slow.addWatch(`${root}/rewatched`, (e) => fired.resolve(e), { mode: "persistent" });
      proxy.delay(0);
      await slow.sync("/");
      const table = fourLetterWord(serverPort, "wchp");
      assert.ok(table.includes(`${root}/rewatched`), table);
      await slow.setData(`${root}/rewatched`, enc("v"));
      assert.equal((await fired.promise).type, "NodeDataChanged");
    } finally {
      await slow.close();
      await proxy.close();
    }
  });
});
