import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ConnectionState, type ConnectOptions, createClient, type StateEvent, ZooKeeperError } from "../../mod.ts";
import { trackHandles } from "../support/handles.ts";
import { startProxy } from "../support/proxy.ts";
import { nextState, startEnsemble, startServer, type TestEnsemble, until } from "../support/zookeeper.ts";

describe("read-only mode (canBeReadOnly)", () => {
  let ensemble: TestEnsemble;
  let readOnlyHost: string;

  before(async () => {
    // A read-only server only creates local sessions (a global one needs the quorum).
    ensemble = startEnsemble(3, ["localSessionsEnabled=true", "localSessionsUpgradingEnabled=true"]);
    readOnlyHost = `127.0.0.1:${ensemble.ports[0]}`;
    const writer = createClient(ensemble.connectString);
    await writer.create("/ro", new TextEncoder().encode("before"));
    await writer.close();
    ensemble.stopMember(2);
    ensemble.stopMember(3);
    // The lone member notices it lost the quorum and turns read-only (readonlymode.enabled).
    await until(() => ensemble.memberInMode("read-only") === 1, 60_000, "member 1 to turn read-only");
  });
  after(() => ensemble.destroy());

  /** A client on the read-only member (tried first), with Curator's states recorded from the start. */
  async function readOnlyClient(others: string, options: ConnectOptions = {}) {
    const zk = createClient(`${readOnlyHost},${others}`, {
      canBeReadOnly: true,
      sessionTimeout: 10_000,
      shuffleHosts: false,
      ...options,
    });
    const curator: ConnectionState[] = [];
    zk.on("connectionState", (s) => curator.push(s));
    await nextState(zk, "readOnly", 30_000);
    return { zk, curator };
  }

  test("on a read-only member the client asks the others isro and moves to the first read/write one, while its member stays read-only", async () => {
    const readWrite = startServer();
    readWrite.stop();
    const { zk, curator } = await readOnlyClient(readWrite.connectString);
    try {
      assert.equal(zk.state, "connectedReadOnly");
      const moved = nextState(zk, "reconnected", 60_000);
      readWrite.start();
      await moved;
      assert.equal(zk.currentServer?.port, readWrite.port);
      assert.equal(zk.lastConnectionError?.message, "moving to a read/write server");
      assert.equal(
        ensemble.memberInMode("read-only"),
        1,
        "the read-only member did not drop the client: the probe moved it",
      );
      await zk.create("/moved");
      assert.deepEqual(curator, ["READ_ONLY", "SUSPENDED", "RECONNECTED"]);
    } finally {
      await zk.close();
      readWrite.destroy();
    }
  });

  test("a read-only client whose one host gains others through updateServerList starts probing them and moves to a read/write one", async () => {
    const readWrite = startServer();
    const zk = createClient(readOnlyHost, { canBeReadOnly: true, sessionTimeout: 10_000, shuffleHosts: false });
    try {
      await nextState(zk, "readOnly", 30_000);
      const moved = nextState(zk, "reconnected", 30_000);
      zk.updateServerList(`${readOnlyHost},${readWrite.connectString}`, { rebalance: false });
      await moved;
      assert.equal(zk.currentServer?.port, readWrite.port);
      assert.equal(zk.lastConnectionError?.message, "moving to a read/write server");
    } finally {
      await zk.close();
      readWrite.destroy();
    }
  });

  test("close() on a read-only member aborts the isro probe in flight: no socket or timer is left", async () => {
    const silent = await startProxy(ensemble.ports[0] as number);
    silent.blackhole(["toServer", "toClient"]);
    const handles = trackHandles();
    try {
      const { zk } = await readOnlyClient(silent.connectString, { transport: handles.transport });
      // A probe waits up to 1 s for an answer the black hole never gives.
      await until(() => silent.openConnections() > 0, 10_000, "an isro probe to the silent host");
      await zk.close();
      assert.deepEqual(handles.liveTimers(), [], "no probe or probe timeout timer survives close()");
      await until(() => handles.openSockets() === 0, 5_000, "the probe's socket to close");
    } finally {
      handles.stop();
      await silent.close();
    }
  });

  test("a partitioned minority member serves reads, refuses writes with NotReadOnly, and the client moves to read/write when a quorum is back", async () => {
    const { zk, curator } = await readOnlyClient(ensemble.ports.slice(1).map((p) => `127.0.0.1:${p}`).join(","));
    const states: StateEvent[] = [];
    zk.on("state", (s) => states.push(s));
    try {
      assert.equal(zk.state, "connectedReadOnly");
      assert.equal(new TextDecoder().decode((await zk.getData("/ro")).data), "before");
      await assert.rejects(
        zk.create("/ro-write"),
        (e: unknown) => e instanceof ZooKeeperError && e.code === "NotReadOnly",
      );

      const readWrite = nextState(zk, "reconnected", 90_000);
      ensemble.startMember(2);
      ensemble.startMember(3);
      await readWrite;
      assert.equal(zk.state, "connected");
      await zk.create("/ro-write");
      assert.ok(await zk.exists("/ro-write"));
      assert.deepEqual(states, ["disconnected", "reconnected"]);
      assert.deepEqual(curator, ["READ_ONLY", "SUSPENDED", "RECONNECTED"]);
    } finally {
      await zk.close();
    }
  });
});
