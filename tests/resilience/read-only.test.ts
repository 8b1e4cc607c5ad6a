import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type StateEvent, ZooKeeperError, connect } from "../../mod.ts";
import { type TestEnsemble, nextState, startEnsemble, until } from "../support/zookeeper.ts";

describe("read-only mode (canBeReadOnly)", () => {
  let ensemble: TestEnsemble;

  before(() => {
    // A read-only server only creates local sessions (a global one needs the quorum).
    ensemble = startEnsemble(3, ["localSessionsEnabled=true", "localSessionsUpgradingEnabled=true"]);
  });
  after(() => ensemble.destroy());

  test("a partitioned minority member serves reads, refuses writes with NotReadOnly, and the client moves to read/write when a quorum is back", async () => {
    const writer = await connect(ensemble.connectString);
    await writer.create("/ro", new TextEncoder().encode("before"));
    await writer.close();

    ensemble.stopMember(2);
    ensemble.stopMember(3);
    // The lone member notices it lost the quorum and turns read-only (readonlymode.enabled).
    await until(() => ensemble.memberInMode("read-only") === 1, 60_000, "member 1 to turn read-only");

    const zk = await connect(ensemble.connectString, { canBeReadOnly: true, sessionTimeout: 10_000, initialConnectTimeout: 30_000 });
    const states: StateEvent[] = [];
    zk.on("state", (s) => states.push(s));
    try {
      assert.equal(zk.state, "connectedReadOnly");
      assert.equal(new TextDecoder().decode((await zk.getData("/ro")).data), "before");
      await assert.rejects(zk.create("/ro-write"), (e: unknown) => e instanceof ZooKeeperError && e.code === "NotReadOnly");

      const readWrite = nextState(zk, "reconnected", 90_000);
      ensemble.startMember(2);
      ensemble.startMember(3);
      await readWrite;
      assert.equal(zk.state, "connected");
      await zk.create("/ro-write");
      assert.ok(await zk.exists("/ro-write"));
      assert.ok(states.includes("disconnected"));
    } finally {
      await zk.close();
    }
  });
});
