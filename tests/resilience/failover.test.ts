import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ConnectionState, type WatchedEvent, type ZooKeeperClient, ZooKeeperError, connect } from "../../mod.ts";
import { type TestEnsemble, deferred, nextState, startEnsemble } from "../support/zookeeper.ts";

const enc = (s: string) => new TextEncoder().encode(s);

describe("failover in a 3-member ensemble", () => {
  let ensemble: TestEnsemble;

  before(() => {
    ensemble = startEnsemble(3);
  });
  after(() => ensemble.destroy());

  test("killing the client's server moves the same session to another member: ephemerals survive, watches fire once, in-flight requests settle", async () => {
    const zk = await connect(ensemble.connectString, { sessionTimeout: 10_000 });
    const other = await connect(ensemble.connectString, { sessionTimeout: 10_000 });
    const curator: ConnectionState[] = [];
    zk.on("connectionState", (s) => curator.push(s));
    try {
      await zk.create("/eph", undefined, { mode: "ephemeral" });
      await zk.create("/watched", enc("0"));
      const events: WatchedEvent[] = [];
      const fired = deferred<void>(20_000, "data watch after failover");
      await zk.getData("/watched", { watch: (e) => (events.push(e), fired.resolve()) });
      const session = zk.sessionId;
      const server = zk.currentServer;
      assert.ok(server);
      const victim = ensemble.memberOnPort(server.port);

      const disconnected = nextState(zk, "disconnected");
      const reconnected = nextState(zk, "reconnected", 20_000);
      const inFlight = Promise.allSettled(Array.from({ length: 100 }, () => zk.exists("/eph")));
      const started = Date.now();
      ensemble.stopMember(victim);
      await disconnected;
      const duringOutage = zk.getData("/watched");
      duringOutage.catch(() => {});
      await reconnected;
      const took = Date.now() - started;
      assert.ok(took < 10_000, `re-attached within the session timeout (${took} ms)`);
      assert.equal(zk.sessionId, session, "the same session");
      assert.notEqual(zk.currentServer?.port, server.port);

      // Every request in flight at the cut settled: answered before it, or ConnectionLoss.
      for (const o of await inFlight) {
        if (o.status === "rejected") assert.ok(o.reason instanceof ZooKeeperError && o.reason.code === "ConnectionLoss", String(o.reason));
      }
      assert.equal((await duringOutage).stat.version, 0, "a request issued during the outage waited and succeeded");

      const seen = await other.exists("/eph");
      assert.equal(seen?.ephemeralOwner, session, "the ephemeral node survived");
      await other.setData("/watched", enc("1"));
      await fired.promise;
      await other.setData("/watched", enc("2"));
      await zk.sync("/");
      await zk.getData("/watched");
      assert.equal(events.length, 1, "the watch fired exactly once");
      assert.deepEqual(curator, ["SUSPENDED", "RECONNECTED"]);
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
      await assert.rejects(zk.getData("/"), (e: unknown) => e instanceof ZooKeeperError && e.code === "ConnectionLoss");
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
