import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  connect,
  type ConnectionState,
  createClient,
  retry,
  type WatchedEvent,
  type ZooKeeperClient,
  ZooKeeperError,
} from "../../mod.ts";
import { enc, suiteServer } from "../support/fixtures.ts";
import { deferred, nextState, startEnsemble, type TestEnsemble } from "../support/zookeeper.ts";

describe("failover in a 3-member ensemble", () => {
  let ensemble: TestEnsemble;

  suiteServer(() => startEnsemble(3), (e) => (ensemble = e));

  test("killing the client's server moves the same session to another member: ephemerals survive, watches fire once, in-flight requests fail with ConnectionLoss", async () => {
    // Created, not connected, so Curator's CONNECTED is seen too.
    const zk = createClient(ensemble.connectString, { sessionTimeout: 10_000 });
    const curator: ConnectionState[] = [];
    zk.on("connectionState", (s) => curator.push(s));
    await nextState(zk, "connected");
    const server = zk.currentServer;
    assert.ok(server);
    const victim = ensemble.memberOnPort(server.port);
    // On the surviving members, so it can change a node while zk is between servers.
    const other = await connect(ensemble.ports.filter((p) => p !== server.port).map((p) => `127.0.0.1:${p}`).join(","));
    try {
      await zk.create("/eph", undefined, { mode: "ephemeral" });
      await zk.create("/watched", enc("0"));
      await zk.create("/changed-during", enc("0"));
      const events: WatchedEvent[] = [];
      const fired = deferred<void>(20_000, "data watch after failover");
      await zk.getData("/watched", { watch: (e) => (events.push(e), fired.resolve()) });
      const eventsDuring: WatchedEvent[] = [];
      const firedDuring = deferred<void>(20_000, "data watch on the node changed during the outage");
      await zk.getData("/changed-during", { watch: (e) => (eventsDuring.push(e), firedDuring.resolve()) });
      const session = zk.sessionId;

      const disconnected = nextState(zk, "disconnected");
      const reconnected = nextState(zk, "reconnected", 20_000);
      // stopMember blocks until the member is gone and these are written after it (at the next
      // microtask): all of them are in flight at the cut, none can be answered.
      const inFlight = Promise.allSettled(Array.from({ length: 100 }, () => zk.exists("/eph")));
      const started = Date.now();
      ensemble.stopMember(victim);
      // Usually lands while zk waits out its reconnect pause, so the restored watch (SetWatches
      // relative to the last zxid zk saw) must fire at once on the new server. Retried: when the
      // victim led the ensemble, the survivors drop their clients while they elect a new leader.
      const changedDuring = retry(() => other.setData("/changed-during", enc("1")), {
        baseSleepMs: 100,
        maxRetries: 30,
        maxSleepMs: 500,
      });
      await disconnected;
      const duringOutage = zk.getData("/watched");
      duringOutage.catch(() => {});
      await reconnected;
      const took = Date.now() - started;
      assert.ok(took < 10_000, `re-attached within the session timeout (${took} ms)`);
      assert.equal(zk.sessionId, session, "the same session");
      assert.notEqual(zk.currentServer?.port, server.port);

      for (const o of await inFlight) {
        assert.ok(
          o.status === "rejected" && o.reason instanceof ZooKeeperError && o.reason.code === "ConnectionLoss",
          o.status === "rejected" ? String(o.reason) : "resolved",
        );
      }
      assert.equal((await duringOutage).stat.version, 0, "a request issued during the outage waited and succeeded");

      const seen = await other.exists("/eph");
      assert.equal(seen?.ephemeralOwner, session, "the ephemeral node survived");
      await changedDuring;
      await firedDuring.promise;
      await other.setData("/watched", enc("1"));
      await fired.promise;
      // One-shot watches: further changes must not reach them again.
      await other.setData("/watched", enc("2"));
      await other.setData("/changed-during", enc("2"));
      await zk.sync("/");
      await zk.getData("/watched");
      assert.deepEqual(events.map((e) => e.type), ["NodeDataChanged"], "the watch fired exactly once");
      assert.deepEqual(
        eventsDuring.map((e) => e.type),
        ["NodeDataChanged"],
        "the watch on the node changed during the outage fired exactly once",
      );
      assert.deepEqual(curator, ["CONNECTED", "SUSPENDED", "RECONNECTED"]);
      ensemble.startMember(victim);
    } finally {
      await Promise.all([zk.close(), other.close()]);
    }
  });

  test("when a majority is down, requests wait and then fail with ConnectionLoss; the session resumes when the quorum is back", async () => {
    const zk = await connect(ensemble.connectString, { sessionTimeout: 20_000, waitForConnection: 1_500 });
    try {
      const session = zk.sessionId;
      const server = zk.currentServer;
      assert.ok(server);
      const keep = ensemble.memberOnPort(server.port);
      const others = [1, 2, 3].filter((m) => m !== keep);
      const disconnected = nextState(zk, "disconnected", 30_000);
      for (const m of others) ensemble.stopMember(m);
      await disconnected;
      const issued = Date.now();
      await assert.rejects(zk.getData("/"), (e: unknown) => e instanceof ZooKeeperError && e.code === "ConnectionLoss");
      // It waited for a connection (the documented policy), not failed at the first refused attempt.
      const waited = Date.now() - issued;
      assert.ok(waited >= 1_500 && waited < 6_000, `failed after ${waited} ms, waitForConnection 1500 ms`);
      const reconnected = nextState(zk, "reconnected", 40_000);
      for (const m of others) ensemble.startMember(m);
      await reconnected;
      assert.equal(zk.sessionId, session);
      assert.ok(await zk.exists("/"));
    } finally {
      await zk.close();
    }
  });
});
