import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type ConnectionState, type StateEvent, type ZooKeeperClient, ZooKeeperError } from "../../mod.ts";
import { type HandleTracker, trackHandles } from "../support/handles.ts";
import { type Proxy, startProxy } from "../support/proxy.ts";
import { deferred, nextState, startServer, type TestServer, until } from "../support/zookeeper.ts";

describe("network faults between client and server", () => {
  let server: TestServer;
  let observer: ZooKeeperClient;

  before(async () => {
    server = startServer();
    observer = await connect(server.connectString);
  });
  after(async () => {
    await observer.close();
    server.destroy();
  });

  async function partitioned(options: { renew: boolean; handles?: HandleTracker }) {
    const proxy = await startProxy(server.port);
    const zk = await connect(proxy.connectString, {
      sessionTimeout: 3_000,
      waitForConnection: 60_000,
      renewSessionOnExpiry: options.renew,
      transport: options.handles?.transport,
    });
    const states: StateEvent[] = [];
    const curator: ConnectionState[] = [];
    zk.on("state", (s) => states.push(s));
    zk.on("connectionState", (s) => curator.push(s));
    return { proxy, zk, states, curator };
  }

  test("a partition longer than the session timeout expires the session: reported once, pending requests fail, ephemerals are gone, nothing is left running", async () => {
    const handles = trackHandles();
    const { proxy, zk, states, curator } = await partitioned({ renew: false, handles });
    try {
      const path = `/partition-${Date.now()}`;
      await zk.create(path, undefined, { mode: "ephemeral" });
      const gone = deferred<void>(20_000, "ephemeral deletion seen by another client");
      await observer.exists(path, { watch: (e) => e.type === "NodeDeleted" && gone.resolve() });
      const expired = nextState(zk, "expired", 20_000);
      const disconnected = nextState(zk, "disconnected", 20_000);
      proxy.blackhole(["toServer", "toClient"]);
      // Written while connected, a request would fail with ConnectionLoss at the cut; issued
      // while disconnected, it waits for a connection and fails when the session expires.
      await disconnected;
      const pending = zk.getData("/").then(() => "resolved", (e: unknown) => e);
      await expired;
      const outcome = await pending;
      assert.ok(outcome instanceof ZooKeeperError && outcome.code === "SessionExpired", String(outcome));
      await gone.promise;
      assert.equal(zk.state, "expired");
      assert.deepEqual(states, ["disconnected", "expired"]);
      assert.deepEqual(curator, ["SUSPENDED", "LOST"], "LOST is reported once, by the simulated expiry");
      await assert.rejects(zk.exists("/"), (e: unknown) => e instanceof ZooKeeperError && e.code === "SessionExpired");
      // An expired session is over without close(): no reconnect, ping or LOST timer survives it.
      assert.deepEqual(handles.liveTimers(), []);
      await until(() => handles.openSockets() === 0, 5_000, "the expired session's socket to close");
    } finally {
      handles.stop();
      await zk.close();
      await proxy.close();
    }
  });

  test("suspended for a whole session timeout is LOST (Curator's simulated expiry), and the session is abandoned then, with no second LOST", async () => {
    const proxy = await startProxy(server.port);
    const zk = await connect(proxy.connectString, { sessionTimeout: 4_000 });
    const timeline: string[] = [];
    let suspendedAt = 0;
    let lostAt = 0;
    let expiredAt = 0;
    zk.on("state", (s) => {
      timeline.push(s);
      if (s === "expired") expiredAt = Date.now();
    });
    zk.on("connectionState", (s) => {
      timeline.push(s);
      if (s === "SUSPENDED") suspendedAt = Date.now();
      if (s === "LOST") lostAt = Date.now();
    });
    try {
      const expired = nextState(zk, "expired", 20_000);
      // Contact just before the cut, and the closed proxy refuses every reconnect at once: LOST
      // comes T after the cut, the client-side 4/3 T rule would expire the session T/3 later.
      await zk.exists("/");
      await proxy.close();
      await expired;
      assert.deepEqual(timeline, ["disconnected", "SUSPENDED", "LOST", "expired"]);
      const T = zk.sessionTimeout;
      assert.ok(
        lostAt - suspendedAt >= T - 50,
        `LOST ${lostAt - suspendedAt} ms after SUSPENDED, session timeout ${T} ms`,
      );
      assert.ok(
        expiredAt - lostAt < T / 6,
        `expired ${expiredAt - lostAt} ms after LOST: the session was kept past LOST`,
      );
      assert.equal(zk.state, "expired");
    } finally {
      await zk.close();
    }
  });

  test("a session the server reports expired is renewed on the next host in turn", async () => {
    const [first, silent, third] = await Promise.all([0, 1, 2].map(() => startProxy(server.port))) as [
      Proxy,
      Proxy,
      Proxy,
    ];
    const zk = await connect([first, silent, third].map((p) => p.connectString).join(","), {
      sessionTimeout: 6_000,
      shuffleHosts: false,
      renewSessionOnExpiry: true,
    });
    try {
      assert.equal(zk.currentServer?.port, first.port);
      const states: StateEvent[] = [];
      zk.on("state", (s) => states.push(s));
      const renewed = nextState(zk, "newSession", 20_000);
      // The next host accepts connections and never answers: the reconnect waits there for its
      // connect timeout (T/3) while another client takes the session over and closes it.
      silent.blackhole(["toServer", "toClient"]);
      const thief = await connect(server.connectString, {
        session: { id: zk.sessionId, password: zk.sessionPassword },
      });
      await thief.close();
      await renewed;
      // `third` answered that the session expired; the rotation goes on to `first`.
      assert.equal(zk.currentServer?.port, first.port);
      assert.deepEqual(states, ["disconnected", "expired", "newSession"]);
    } finally {
      await zk.close();
      await Promise.all([first, silent, third].map((p) => p.close()));
    }
  });

  test("with renewSessionOnExpiry the client opens a fresh session once the network heals", async () => {
    const { proxy, zk, states, curator } = await partitioned({ renew: true });
    try {
      const oldSession = zk.sessionId;
      const expired = nextState(zk, "expired", 20_000);
      proxy.blackhole(["toServer", "toClient"]);
      await expired;
      const renewed = nextState(zk, "newSession", 20_000);
      proxy.blackhole([]);
      await renewed;
      assert.notEqual(zk.sessionId, oldSession);
      assert.equal(zk.state, "connected");
      assert.ok(await zk.exists("/"));
      assert.deepEqual(states, ["disconnected", "expired", "newSession"]);
      assert.deepEqual(curator, ["SUSPENDED", "LOST", "RECONNECTED"]);
    } finally {
      await zk.close();
      await proxy.close();
    }
  });

  test("a stall shorter than the read timeout is ridden out; a longer one reconnects to the same session", async () => {
    const proxy = await startProxy(server.port);
    const zk = await connect(proxy.connectString, { sessionTimeout: 6_000 });
    try {
      const states: StateEvent[] = [];
      zk.on("state", (s) => states.push(s));
      proxy.stall(1_000);
      assert.ok(await zk.exists("/"));
      assert.deepEqual(states, []);
      const reconnected = nextState(zk, "reconnected", 20_000);
      const session = zk.sessionId;
      proxy.blackhole(["toClient"]);
      await nextState(zk, "disconnected", 20_000);
      proxy.blackhole([]);
      await reconnected;
      assert.equal(zk.sessionId, session);
    } finally {
      await zk.close();
      await proxy.close();
    }
  });

  test("replies split into 1-byte writes and delayed replies decode correctly", async () => {
    const proxy = await startProxy(server.port);
    proxy.splitFrames(true);
    const zk = await connect(proxy.connectString);
    try {
      const data = new Uint8Array(3000).map((_, i) => i % 256);
      const path = `/split-${Date.now()}`;
      await zk.create(path, data);
      assert.deepEqual((await zk.getData(path)).data, data);
      proxy.delay(50);
      const results = await Promise.all(Array.from({ length: 20 }, () => zk.exists(path)));
      assert.ok(results.every((s) => s?.dataLength === 3000));
      await zk.delete(path);
    } finally {
      await zk.close();
      await proxy.close();
    }
  });
});
