import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, retry, type StateEvent, type ZooKeeperClient } from "../../mod.ts";
import { writeReplyHeader, writeWatcherEvent } from "../../src/jute/records.ts";
import { isCode } from "../support/fixtures.ts";
import { frameOf } from "../support/bytes.ts";
import { type Proxy, startProxy } from "../support/proxy.ts";
import { deferred, nextState, sharedConnectString, uniqueRoot } from "../support/zookeeper.ts";

function frame(...ints: number[]): Uint8Array {
  const bytes = new Uint8Array(4 + ints.length * 4);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, ints.length * 4);
  ints.forEach((v, i) => view.setInt32(4 + i * 4, v));
  return bytes;
}

describe("malformed frames from the server", () => {
  let proxy: Proxy;
  let zk: ZooKeeperClient;

  before(async () => {
    const port = Number(sharedConnectString().split(":")[1]);
    proxy = await startProxy(port);
    zk = await connect(proxy.connectString, { sessionTimeout: 10_000 });
  });
  after(async () => {
    await zk.close();
    await proxy.close();
  });

  const cases: [string, Uint8Array][] = [
    ["a negative frame length", new Uint8Array([0xff, 0xff, 0xff, 0xfb])],
    ["a frame longer than the limit", new Uint8Array([0x7f, 0xff, 0xff, 0xff])],
    ["a reply whose xid matches no request", frame(999, 0, 0, 0)],
    ["a truncated notification", frame(-1, -1, -1, 0, 3, 3, 100)],
    [
      "a notification whose path is not UTF-8",
      new Uint8Array([
        0,
        0,
        0,
        31,
        0xff,
        0xff,
        0xff,
        0xff,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        3,
        0,
        0,
        0,
        3,
        0,
        0,
        0,
        3,
        0xc3,
        0x28,
        0x2f,
      ]),
    ],
  ];
  for (const [what, bytes] of cases) {
    test(`${what} drops the connection and the client resumes the same session`, async () => {
      const session = zk.sessionId;
      const disconnected = nextState(zk, "disconnected");
      const reconnected = nextState(zk, "reconnected");
      proxy.injectToClients(bytes);
      await disconnected;
      await reconnected;
      assert.equal(zk.sessionId, session);
      assert.ok(await zk.exists("/"));
    });
  }

  test("a node event that arrived before a corrupt frame is reported before the disconnection", async () => {
    const order: string[] = [];
    const watched = deferred<void>(10_000, "the watch event");
    await zk.getData("/", {
      watch: () => {
        order.push("NodeDataChanged");
        watched.resolve();
      },
    });
    const off = zk.on("state", (e) => order.push(e));
    const reconnected = nextState(zk, "reconnected");
    const notification = frameOf((w) => {
      writeReplyHeader(w, { xid: -1, zxid: -1n, err: 0 });
      writeWatcherEvent(w, { type: 3, state: 3, path: "/" });
    });
    // One chunk: the notification, then a reply that matches no request.
    proxy.injectToClients(new Uint8Array([...notification, ...frame(999, 0, 0, 0)]));
    await watched.promise;
    await reconnected;
    off();
    assert.deepEqual(order, ["NodeDataChanged", "disconnected", "reconnected"]);
  });

  test("requests in flight when the connection is cut fail with ConnectionLoss, never hang", async () => {
    const reconnected = nextState(zk, "reconnected");
    const inflight = Array.from({ length: 200 }, () => zk.exists("/"));
    proxy.cutAll();
    const outcomes = await Promise.allSettled(inflight);
    for (const o of outcomes) {
      if (o.status === "rejected") assert.ok(isCode("ConnectionLoss")(o.reason), String(o.reason));
    }
    assert.ok(outcomes.some((o) => o.status === "rejected"), "the cut caught some requests in flight");
    await reconnected;
    assert.ok(await zk.exists("/"));
  });
});

describe("what a ConnectionLoss says about the outcome", () => {
  test("a write cut off after it was sent is outcomeUnknown (and may well be applied); reads and never-sent writes are not", async () => {
    const port = Number(sharedConnectString().split(":")[1]);
    const proxy = await startProxy(port);
    const root = uniqueRoot("outcome");
    const zk = await connect(proxy.connectString, { sessionTimeout: 10_000, waitForConnection: 300 });
    const admin = await connect(sharedConnectString());
    try {
      await admin.create(root);
      // The server hears the requests and applies the create, but no reply gets back.
      proxy.blackhole(["toClient"]);
      const write = zk.create(`${root}/applied`);
      const read = zk.getData(root);
      for (let i = 0; i < 250 && (await admin.exists(`${root}/applied`)) === null; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(await admin.exists(`${root}/applied`), "the server applied the create");
      const disconnected = nextState(zk, "disconnected");
      proxy.cutAll();
      proxy.blackhole(["toServer", "toClient"]);
      const [w, r] = await Promise.allSettled([write, read]);
      assert.ok(
        w.status === "rejected" && isCode("ConnectionLoss")(w.reason) && w.reason.outcomeUnknown === true,
        String(w.status === "rejected" ? w.reason : "resolved"),
      );
      assert.ok(
        r.status === "rejected" && isCode("ConnectionLoss")(r.reason) && !("outcomeUnknown" in r.reason),
        String(r.status === "rejected" ? r.reason : "resolved"),
      );
      await disconnected;

      // Issued while disconnected, given up after waitForConnection: never sent, nothing applied.
      const never = await zk.create(`${root}/never`).then(() => undefined, (e: unknown) => e);
      assert.ok(isCode("ConnectionLoss")(never) && !("outcomeUnknown" in (never as object)), String(never));
      assert.equal(await admin.exists(`${root}/never`), null);
    } finally {
      await zk.close();
      await proxy.close();
      await admin.deleteRecursive(root);
      await admin.close();
    }
  });
});

describe("close() while disconnected", () => {
  test("reports closed, even once the session is past its client-side expiry", async () => {
    const proxy = await startProxy(Number(sharedConnectString().split(":")[1]));
    // Connection attempts hang for 10 s against the black hole, so close() comes during one.
    const zk = await connect(proxy.connectString, { sessionTimeout: 3_000, connectTimeout: 10_000 });
    try {
      const states: StateEvent[] = [];
      zk.on("state", (s) => states.push(s));
      const cut = Date.now();
      const disconnected = nextState(zk, "disconnected");
      proxy.blackhole(["toServer", "toClient"]);
      await disconnected;
      // Past 4/3 of the session timeout without contact: the next attempt would expire it.
      await new Promise((resolve) => setTimeout(resolve, cut + (zk.sessionTimeout * 4) / 3 + 700 - Date.now()));
      await zk.close();
      await new Promise((resolve) => setTimeout(resolve, 0));
      assert.equal(zk.state, "closed");
      assert.deepEqual(states, ["disconnected", "closed"]);
    } finally {
      await zk.close();
      await proxy.close();
    }
  });
});

describe("a logging hook that throws", () => {
  test("is contained: reconnects, watch events and throwing watchers still work", async () => {
    const port = Number(sharedConnectString().split(":")[1]);
    const proxy = await startProxy(port);
    let calls = 0;
    const zk = await connect(proxy.connectString, {
      logger: () => {
        calls++;
        throw new Error("broken logger");
      },
    });
    try {
      const reconnected = nextState(zk, "reconnected");
      proxy.cutAll();
      await reconnected;
      const p = uniqueRoot("logger");
      await zk.create(p, undefined, { mode: "ephemeral" });
      const fired = deferred<void>(10_000, "the second watcher");
      await zk.getData(p, {
        watch: () => {
          throw new Error("a watcher that throws is logged");
        },
      });
      await zk.getData(p, { watch: () => fired.resolve() });
      await zk.setData(p, new Uint8Array(1));
      await fired.promise;
      assert.ok(calls > 0, "the hook was called");
      assert.ok(await zk.exists(p));
    } finally {
      await zk.close();
      await proxy.close();
    }
  });
});

describe("the receive frame limit", () => {
  test("a client with a small frame limit restores many watches after a reconnect in frames that fit", async () => {
    const root = uniqueRoot("small-frames");
    const proxy = await startProxy(Number(sharedConnectString().split(":")[1]));
    const small = await connect(proxy.connectString, { maxFrameSize: 4096 });
    const other = await connect(sharedConnectString());
    try {
      await small.create(root);
      // About 9 KiB of watched paths: more than two frames' worth.
      const paths = Array.from({ length: 200 }, (_, i) => `${root}/a-node-with-a-longish-name-${i}`);
      await Promise.all(paths.map((p) => small.create(p)));
      const fired = new Set<string>();
      const all = deferred<void>(20_000, "every restored watch");
      await Promise.all(paths.map((p) =>
        small.getData(p, {
          watch: (e) => {
            if (e.path !== null) fired.add(e.path);
            if (fired.size === paths.length) all.resolve();
          },
        })
      ));
      const reconnected = nextState(small, "reconnected");
      proxy.cutAll();
      await reconnected;
      await Promise.all(paths.map((p) => other.setData(p, new Uint8Array(1))));
      await all.promise;
      assert.equal(fired.size, paths.length);
    } finally {
      await other.deleteRecursive(root);
      await Promise.all([small.close(), other.close()]);
      await proxy.close();
    }
  });

  test("a reply over maxFrameSize fails that request with a non-retryable error naming the limit; the client recovers", async () => {
    const root = uniqueRoot("frames");
    const writer = await connect(sharedConnectString());
    const small = await connect(sharedConnectString(), { maxFrameSize: 4096 });
    try {
      // A 6000-byte node: its getData reply is over 4096 + 1024.
      await writer.create(root, new Uint8Array(6000));
      await assert.rejects(small.create(`${root}-x`, new Uint8Array(6000)), isCode("BadArguments"));
      const reconnected = nextState(small, "reconnected");
      let attempts = 0;
      // ConnectionLoss would be retried, fetching the same reply and dropping the session's
      // connection on every attempt.
      const error = await retry(() => {
        attempts++;
        return small.getData(root);
      }, { maxRetries: 3, baseSleepMs: 1 }).then(() => undefined, (e: unknown) => e);
      assert.ok(isCode("MarshallingError")(error), String(error));
      assert.match(String(error), /over the 5120-byte reply limit/);
      assert.equal(attempts, 1);
      await reconnected;
      assert.ok(await small.exists(root));
    } finally {
      await writer.delete(root);
      await Promise.all([writer.close(), small.close()]);
    }
  });
});
