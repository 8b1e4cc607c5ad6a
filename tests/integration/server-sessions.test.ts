import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type WatchedEvent, type ZooKeeperClient } from "../../mod.ts";
import { startEnsemble, startServer } from "../../src/server.ts";
import { deferred, nextState } from "../support/zookeeper.ts";

describe("embedded server: sessions and faults on demand", () => {
  test("the session timeout is clamped to 2..20 ticks", async () => {
    const server = await startServer({ tickTime: 100 });
    const clients: ZooKeeperClient[] = [];
    try {
      // connect() waits one session timeout by default: 50 ms is too short on a loaded machine.
      clients.push(await connect(server.connectString, { sessionTimeout: 50, initialConnectTimeout: 10_000 }));
      clients.push(await connect(server.connectString, { sessionTimeout: 60_000 }));
      assert.deepEqual(clients.map((c) => c.sessionTimeout), [200, 2000]);
    } finally {
      // Closed whatever happened: a listener left open would keep the test process alive.
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
    }
  });

  test("a stalled server lets the session expire by its own clock: ephemerals deleted, watchers told, the client learns it is expired", async () => {
    const server = await startServer({ tickTime: 100 });
    const victim = await connect(server.connectString, { sessionTimeout: 400 });
    const observer = await connect(server.connectString, { sessionTimeout: 2000 });
    try {
      await victim.create("/eph", undefined, { mode: "ephemeral" });
      const deleted = deferred<WatchedEvent>(10_000, "ephemeral deleted");
      await observer.exists("/eph", { watch: deleted.resolve });
      const expired = nextState(victim, "expired");
      server.dropConnections(victim.sessionId);
      server.stall();
      // The observer's pings go unanswered too, but its 2 s timeout outlasts the victim's 400 ms.
      await new Promise((resolve) => setTimeout(resolve, 600));
      server.resume();
      assert.deepEqual(await deleted.promise, { type: "NodeDeleted", state: "SyncConnected", path: "/eph" });
      await expired;
    } finally {
      await Promise.all([victim.close(), observer.close()]);
      await server.close();
    }
  });

  test("expireSession ends a session at once; a resume with a wrong password is answered as expired", async () => {
    const server = await startServer();
    const zk = await connect(server.connectString);
    try {
      await zk.create("/mine", undefined, { mode: "ephemeral" });
      const expired = nextState(zk, "expired");
      assert.equal(server.expireSession(zk.sessionId), true);
      await expired;
      assert.equal(server.expireSession(zk.sessionId), false);
      const impostor = connect(server.connectString, { session: { id: 12345n, password: new Uint8Array(16) } });
      await assert.rejects(impostor, (e: unknown) => e instanceof Error && /expired/i.test(e.message));
      const checker = await connect(server.connectString);
      assert.equal(await checker.exists("/mine"), null);
      await checker.close();
    } finally {
      await zk.close();
      await server.close();
    }
  });

  test("dropped connections and a restart on the same port keep the session, its ephemerals and the data", async () => {
    const server = await startServer();
    const zk = await connect(server.connectString, { sessionTimeout: 10_000 });
    try {
      await zk.create("/kept", new Uint8Array([7]));
      await zk.create("/eph", undefined, { mode: "ephemeral" });
      const id = zk.sessionId;
      let reconnected = nextState(zk, "reconnected");
      server.dropConnections();
      await reconnected;
      reconnected = nextState(zk, "reconnected");
      await server.restart();
      await reconnected;
      assert.equal(zk.sessionId, id);
      assert.deepEqual((await zk.getData("/kept")).data, new Uint8Array([7]));
      assert.ok(await zk.exists("/eph"));
    } finally {
      await zk.close();
      await server.close();
    }
  });

  test("an in-process ensemble: a stopped member's clients fail over to another and keep their session", async () => {
    const ensemble = await startEnsemble(3);
    const zk = await connect(ensemble.connectString, { sessionTimeout: 10_000 });
    try {
      await zk.create("/shared", undefined, { mode: "ephemeral" });
      const id = zk.sessionId;
      const serving = ensemble.members.find((m) => zk.currentServer?.port === m.port);
      assert.ok(serving, "the client is connected to a member");
      const reconnected = nextState(zk, "reconnected");
      await serving.stop();
      await reconnected;
      assert.notEqual(zk.currentServer?.port, serving.port);
      assert.equal(zk.sessionId, id);
      assert.ok(await zk.exists("/shared"));
    } finally {
      await zk.close();
      await ensemble.close();
    }
  });
});
