import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { connect, ensembleHosts, type WatchedEvent, type ZooKeeperClient } from "../../mod.ts";
import { isCode } from "../support/fixtures.ts";
import { deferred, startEnsemble, type TestEnsemble, until } from "../support/zookeeper.ts";

const SUPER = "super:stormkeeper-test";
const superDigest = `${SUPER.split(":")[0]}:${createHash("sha1").update(SUPER).digest("base64")}`;

describe("dynamic reconfiguration of a 3-member ensemble", () => {
  let ensemble: TestEnsemble;
  let admin: ZooKeeperClient;

  before(async () => {
    ensemble = startEnsemble(3, ["reconfigEnabled=true", `DigestAuthenticationProvider.superDigest=${superDigest}`]);
    admin = await connect(ensemble.connectString, { auth: [{ scheme: "digest", auth: SUPER }] });
  });
  after(async () => {
    await admin?.close();
    ensemble?.destroy();
  });

  /** A follower other than the one `admin` talks to (removing a leader would start an election). */
  function spareFollower(): number {
    const leader = ensemble.memberInMode("leader");
    const spare = [1, 2, 3].find((m) => m !== leader && ensemble.ports[m - 1] !== admin.currentServer?.port);
    if (spare === undefined) throw new Error("no follower to remove");
    return spare;
  }

  /** Waits until `client` is connected to a member other than the one on `port`. */
  const movedOff = (client: ZooKeeperClient, port: number, what: string) =>
    until(
      () => client.state === "connected" && client.currentServer !== null && client.currentServer.port !== port,
      20_000,
      what,
    );

  test("getConfig lists the members with their client addresses; a reconfig commits, fires the config watch under a chroot, and checks auth and version", async () => {
    const plain = await connect(`${ensemble.connectString}/app`);
    try {
      const { config } = await plain.getConfig();
      assert.deepEqual(config.members.map((m) => m.id), [1, 2, 3]);
      assert.deepEqual(ensembleHosts(config).map((h) => h.port).sort(), [...ensemble.ports].sort());
      assert.ok(config.members.every((m) => m.role === "participant" && m.peers.length === 1));
      const version = config.version;
      assert.equal(typeof version, "bigint");

      const events: WatchedEvent[] = [];
      const changed = deferred<WatchedEvent>(20_000, "the config watch");
      await plain.getConfig({ watch: (e) => (events.push(e), changed.resolve(e)) });

      const leaving = spareFollower();
      await assert.rejects(plain.reconfig({ leaving: [leaving] }), isCode("NoAuth"));
      await assert.rejects(
        admin.reconfig({ leaving: [leaving], fromConfig: (version as bigint) + 1n }),
        isCode("BadVersion"),
      );

      const removed = await admin.reconfig({ leaving: [leaving], fromConfig: version });
      assert.deepEqual(removed.config.members.map((m) => m.id), [1, 2, 3].filter((m) => m !== leaving));
      assert.ok((removed.config.version as bigint) > (version as bigint));
      // Delivered with the literal path: the config node lives outside every chroot.
      assert.deepEqual(await changed.promise, {
        type: "NodeDataChanged",
        state: "SyncConnected",
        path: "/zookeeper/config",
      });
      await plain.sync("/");
      assert.deepEqual((await plain.getConfig()).config, removed.config);

      const member = config.members.find((m) => m.id === leaving);
      assert.ok(member);
      const back = await admin.reconfig({ joining: [member], fromConfig: removed.config.version });
      assert.deepEqual(back.config.members, config.members);
      assert.equal(events.length, 1, "a one-shot watch fires once");
    } finally {
      await plain.close();
    }
  });

  test("a client that follows the configuration leaves a removed member for one still in it: same session, ephemeral kept", async () => {
    const leaving = spareFollower();
    const port = ensemble.ports[leaving - 1] as number;
    // Connected to the member that will go, and to it alone until told otherwise.
    const follower = await connect(`127.0.0.1:${port}`, { sessionTimeout: 10_000 });
    try {
      await follower.create("/followed", undefined, { mode: "ephemeral" });
      const session = follower.sessionId;
      const { config } = await follower.getConfig();
      const removed = await admin.reconfig({ leaving: [leaving], fromConfig: config.version });
      follower.updateServerList(ensembleHosts(removed.config));
      await movedOff(follower, port, "a move to a remaining member");
      assert.equal(follower.sessionId, session);
      assert.equal((await admin.exists("/followed"))?.ephemeralOwner, session);
      assert.ok(ensembleHosts(removed.config).some((h) => h.port === follower.currentServer?.port));

      const member = config.members.find((m) => m.id === leaving);
      assert.ok(member);
      const back = await admin.reconfig({ joining: [member] });
      assert.equal(back.config.members.length, 3);
    } finally {
      await follower.close();
    }
  });

  test("followEnsemble: a client given one member learns the others, and moves by itself when its member is removed", async () => {
    const leaving = spareFollower();
    const port = ensemble.ports[leaving - 1] as number;
    const follower = await connect(`127.0.0.1:${port}`, { sessionTimeout: 10_000, followEnsemble: true });
    try {
      const ports = () => follower.serverList.map((h) => h.port).sort();
      await until(() => ports().length === 3, 10_000, "the full member list");
      assert.deepEqual(ports(), [...ensemble.ports].sort());
      await follower.create("/tracked", undefined, { mode: "ephemeral" });
      const session = follower.sessionId;

      const { config } = await admin.getConfig();
      await admin.reconfig({ leaving: [leaving], fromConfig: config.version });
      await until(() => !ports().includes(port), 10_000, "the removed member to leave the list");
      await movedOff(follower, port, "a move off the removed member");
      assert.equal(follower.sessionId, session);
      assert.equal((await admin.exists("/tracked"))?.ephemeralOwner, session);

      const member = config.members.find((m) => m.id === leaving);
      assert.ok(member);
      await admin.reconfig({ joining: [member] });
      await until(() => ports().includes(port), 10_000, "the re-added member back in the list");
    } finally {
      await follower.close();
    }
  });
});
