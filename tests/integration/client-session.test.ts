import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  connect,
  createClient,
  digestId,
  Perms,
  type StateEvent,
  tcpTransport,
  type TransportFactory,
  type WatchedEvent,
  type ZooKeeperClient,
} from "../../mod.ts";
import { enc, isCode, sandbox, suiteFixture, suiteServer } from "../support/fixtures.ts";
import {
  deferred,
  endSession,
  nextState,
  realServerOnly,
  sharedConnectString,
  startServer,
  type TestServer,
  uniqueRoot,
} from "../support/zookeeper.ts";

describe("chroot", () => {
  let plain: ZooKeeperClient;
  let rooted: ZooKeeperClient;
  let root: string;

  before(async () => {
    root = uniqueRoot("chroot");
    plain = await connect(sharedConnectString());
    await plain.create(root);
    rooted = await connect(`${sharedConnectString()}${root}`);
  });
  after(async () => {
    try {
      await plain.deleteRecursive(root);
    } finally {
      await Promise.all([plain.close(), rooted.close()]);
    }
  });

  test("paths are relative to the chroot on the way out and stripped on the way back", async () => {
    const created = await rooted.create("/x", enc("1"));
    assert.equal(created.path, "/x");
    assert.ok(await plain.exists(`${root}/x`));
    assert.deepEqual((await rooted.getChildren("/")).children, ["x"]);
    const seq = await rooted.create("/x/s-", undefined, { mode: "ephemeral-sequential" });
    assert.match(seq.path, /^\/x\/s-\d{10}$/);
    assert.deepEqual(await rooted.getEphemerals(), [seq.path]);
    const [tx] = await rooted.multi().create("/y").commit();
    assert.ok(tx?.type === "create" && tx.path === "/y");
  });

  test("watch events carry client paths", async () => {
    await rooted.create("/w");
    const got = deferred<WatchedEvent>();
    await rooted.getData("/w", { watch: got.resolve });
    await plain.setData(`${root}/w`, enc("x"));
    assert.deepEqual(await got.promise, { type: "NodeDataChanged", state: "SyncConnected", path: "/w" });
  });

  test("deleting / under a chroot does not delete the chroot node, alone or in a multi", async () => {
    await assert.rejects(rooted.delete("/"), isCode("BadArguments"));
    await assert.rejects(rooted.multi().delete("/").commit(), isCode("BadArguments"));
    assert.ok(await plain.exists(root));
  });

  test("a sequential create of / under a chroot makes a child of the chroot, never a node outside it", async () => {
    const { path } = await rooted.create("/", undefined, { mode: "persistent-sequential" });
    assert.match(path, /^\/\d{10}$/);
    assert.ok(await plain.exists(`${root}${path}`));
    const [tx] = await rooted.multi().create("/", undefined, { mode: "persistent-sequential" }).commit();
    assert.ok(tx?.type === "create" && /^\/\d{10}$/.test(tx.path), JSON.stringify(tx));
    const outside = (await plain.getChildren("/")).children.filter((c) =>
      c.startsWith(root.slice(1)) && c !== root.slice(1)
    );
    assert.deepEqual(outside, []);
  });
});

describe("session lifecycle", () => {
  let observer: ZooKeeperClient;
  let root: string;

  suiteFixture(() => sandbox("session"), (box) => ({ zk: observer, root } = box));

  test("close() ends the session: ephemerals vanish, the state is closed, later calls fail", async () => {
    const zk = await connect(sharedConnectString());
    const states: StateEvent[] = [];
    zk.on("state", (e) => states.push(e));
    await zk.create(`${root}/eph`, undefined, { mode: "ephemeral" });
    const gone = deferred<WatchedEvent>();
    await observer.exists(`${root}/eph`, { watch: gone.resolve });
    await zk.close();
    assert.equal(zk.state, "closed");
    assert.deepEqual(states, ["closed"]);
    assert.deepEqual(await gone.promise, { type: "NodeDeleted", state: "SyncConnected", path: `${root}/eph` });
    assert.equal(await observer.exists(`${root}/eph`), null);
    await assert.rejects(zk.getData(root), isCode("SessionExpired"));
    await zk.close();
  });

  test("an expired session is reported once, fails its requests and tells each watcher once", async () => {
    const zk = await connect(sharedConnectString(), { sessionTimeout: 4_000 });
    await zk.create(`${root}/doomed`, undefined, { mode: "ephemeral" });
    const watcherSaw = deferred<WatchedEvent>(20_000, "watcher Expired event");
    await zk.exists(`${root}/never`, { watch: (e) => e.state === "Expired" && watcherSaw.resolve(e) });
    // The default watcher also holds a watch of its own (watch: true): it must still hear once.
    await zk.exists(`${root}/never-either`, { watch: true });
    const defaultSaw = deferred<WatchedEvent>(20_000, "default watcher Expired event");
    let defaultExpired = 0;
    zk.on("event", (e) => {
      if (e.state !== "Expired") return;
      defaultExpired++;
      defaultSaw.resolve(e);
    });
    const expired = nextState(zk, "expired");
    await endSession(zk);
    await expired;
    assert.equal(zk.state, "expired");
    assert.deepEqual(await watcherSaw.promise, { type: "None", state: "Expired", path: null });
    assert.deepEqual(await defaultSaw.promise, { type: "None", state: "Expired", path: null });
    // Events are delivered as microtasks: one timer turn later every copy would have arrived.
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(defaultExpired, 1);
    await assert.rejects(zk.getData(root), isCode("SessionExpired"));
    assert.equal(await observer.exists(`${root}/doomed`), null);
    await zk.close();
  });

  test("connect() rejects with ConnectionLoss when no server answers, naming the last attempt's failure", async () => {
    const started = Date.now();
    const error = await connect("127.0.0.1:1", { initialConnectTimeout: 1_500 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isCode("ConnectionLoss")(error), String(error));
    assert.match(String(error), /last attempt: .*(ECONNREFUSED|refused)/i);
    assert.ok(Date.now() - started < 5_000);
  });

  test("a request issued while disconnected fails with ConnectionLoss after waitForConnection", async () => {
    const lonely = createClient("127.0.0.1:1", { waitForConnection: 300 });
    try {
      await assert.rejects(lonely.exists("/"), isCode("ConnectionLoss"));
    } finally {
      await lonely.close();
    }
  });
});

/** TCP that counts the ping frames (xid -2, opcode 11) the client writes. */
function pingCountingTransport(): { transport: TransportFactory; pings: () => number } {
  let pings = 0;
  const transport: TransportFactory = (endpoint, handlers) => {
    const inner = tcpTransport(endpoint, handlers);
    return {
      write(bytes) {
        // Writes carry whole frames (one per request, coalesced per tick).
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (let at = 0; at + 12 <= bytes.length; at += 4 + view.getInt32(at)) {
          if (view.getInt32(at + 4) === -2 && view.getInt32(at + 8) === 11) pings++;
        }
        inner.write(bytes);
      },
      close: () => inner.close(),
    };
  };
  return { transport, pings: () => pings };
}

describe("pings", () => {
  test("an idle session with a short timeout pings about once a second, as the Java client does", async () => {
    const counter = pingCountingTransport();
    // 3 300 ms: a read timeout of 2 200 ms, where half of it minus 1 s is only 100 ms.
    const zk = await connect(sharedConnectString(), { sessionTimeout: 3_300, transport: counter.transport });
    try {
      assert.equal(zk.sessionTimeout, 3_300, "the server granted the requested timeout");
      const idleMs = 3_000;
      await new Promise((resolve) => setTimeout(resolve, idleMs));
      const pings = counter.pings();
      // About one a second (timer ticks and a busy machine may shift one either way).
      assert.ok(pings >= 1 && pings <= 4, `${pings} pings in ${idleMs} ms of idleness`);
      assert.equal(zk.state, "connected");
    } finally {
      await zk.close();
    }
  });
});

describe(
  "server restart inside the session timeout",
  realServerOnly("it restarts a private Java server; server-faults.test.ts restarts the embedded one"),
  () => {
    let server: TestServer;

    suiteServer(() => startServer(), (s) => (server = s));

    test("the same session resumes: ephemerals survive, watches and credentials are restored, queued requests complete", async () => {
      const zk = await connect(server.connectString, { sessionTimeout: 15_000 });
      const helper = await connect(server.connectString);
      try {
        await zk.addAuth("digest", "alice:secret");
        await zk.create("/eph", undefined, { mode: "ephemeral" });
        await zk.create("/watched", enc("0"));
        await zk.create("/secret", enc("s"), {
          acl: [{ perms: Perms.ALL, id: { scheme: "digest", id: digestId("alice", "secret") } }],
        });
        const childWatch = deferred<WatchedEvent>(30_000, "child watch after restart");
        const dataWatch = deferred<WatchedEvent>(30_000, "data watch after restart");
        const existWatch = deferred<WatchedEvent>(30_000, "exist watch after restart");
        const persistentEvents: WatchedEvent[] = [];
        const persistentWatch = deferred<void>(30_000, "persistent watch after restart");
        await zk.getData("/watched", { watch: dataWatch.resolve });
        await zk.getChildren("/", { watch: childWatch.resolve });
        await zk.exists("/later", { watch: existWatch.resolve });
        await zk.addWatch("/watched", (e) => {
          persistentEvents.push(e);
          if (persistentEvents.length === 2) persistentWatch.resolve();
        }, { mode: "persistent" });
        const sessionId = zk.sessionId;
        await helper.close();

        const disconnected = nextState(zk, "disconnected");
        const reconnected = nextState(zk, "reconnected", 30_000);
        server.stop();
        await disconnected;
        const queued = zk.getData("/watched");
        server.start();
        await reconnected;
        assert.equal(zk.sessionId, sessionId);
        assert.equal((await queued).stat.version, 0);
        const fresh = await connect(server.connectString);
        try {
          const stat = await fresh.exists("/eph");
          assert.ok(stat !== null && stat.ephemeralOwner === sessionId, "the ephemeral node survived");
          await fresh.setData("/watched", enc("1"));
          await fresh.setData("/watched", enc("2"));
          await fresh.create("/later");
          assert.equal((await dataWatch.promise).type, "NodeDataChanged");
          assert.equal((await childWatch.promise).type, "NodeChildrenChanged");
          assert.deepEqual(await existWatch.promise, { type: "NodeCreated", state: "SyncConnected", path: "/later" });
          await persistentWatch.promise;
          assert.deepEqual(persistentEvents.map((e) => e.type), ["NodeDataChanged", "NodeDataChanged"]);
        } finally {
          await fresh.close();
        }
        assert.deepEqual((await zk.getData("/secret")).data, enc("s"), "the digest credentials were replayed");
      } finally {
        await zk.close();
      }
    });
  },
);
