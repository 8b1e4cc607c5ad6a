import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type StateEvent, type WatchedEvent, type ZooKeeperClient } from "../../mod.ts";
import { enc, isCode, sandbox, suiteFixture } from "../support/fixtures.ts";
import { startProxy } from "../support/proxy.ts";
import { deferred, nextState, sharedConnectString } from "../support/zookeeper.ts";

describe("ensemble configuration on a standalone server", () => {
  let zk: ZooKeeperClient;
  let root: string;

  suiteFixture(() => sandbox("config"), (box) => ({ zk, root } = box));

  test("getConfig reads /zookeeper/config outside the chroot: a standalone server's is empty", async () => {
    const chrooted = await connect(`${sharedConnectString()}${root}`);
    try {
      const { config, data, stat } = await chrooted.getConfig({ watch: () => {} });
      assert.deepEqual(config, { members: [], version: undefined, other: [] });
      assert.equal(data.length, 0);
      assert.equal(stat.dataLength, 0);
      // Inside the chroot the same path is an ordinary (here missing) node.
      assert.equal(await chrooted.exists("/zookeeper/config"), null);
    } finally {
      await chrooted.close();
    }
  });

  test("reconfig on a server without reconfigEnabled fails with ReconfigDisabled", async () => {
    await assert.rejects(zk.reconfig({ leaving: [2] }), isCode("ReconfigDisabled", /reconfigEnabled/));
  });

  test("bad reconfig arguments are refused before anything is sent", async () => {
    await assert.rejects(zk.reconfig({}), isCode("BadArguments", /joining, leaving or members/));
    await assert.rejects(
      zk.reconfig({ members: ["server.1=127.0.0.1:1:2;3"], leaving: [2] }),
      isCode("BadArguments", /cannot be combined/),
    );
    await assert.rejects(
      zk.reconfig({ joining: ["server.4=127.0.0.1:2888"] }),
      isCode("BadArguments", /invalid joining entry.*host:quorumPort:electionPort/),
    );
    await assert.rejects(zk.reconfig({ joining: ["group.1=1:2"] }), isCode("BadArguments", /expected server/));
    await assert.rejects(zk.reconfig({ leaving: [1.5] }), isCode("BadArguments", /server ids/));
    await assert.rejects(
      zk.reconfig({ leaving: [2], fromConfig: 7 as unknown as bigint }),
      isCode("BadArguments", /bigint/),
    );
    await assert.rejects(zk.reconfig(null as never), isCode("BadArguments"));
    // Nothing reached the server: the session still answers in order.
    assert.ok(await zk.exists(root));
  });

  test("updateServerList refuses what is not a host list, synchronously", () => {
    assert.throws(() => zk.updateServerList([]), isCode("BadArguments", /non-empty/));
    assert.throws(
      () => zk.updateServerList([{ host: "127.0.0.1", port: 70_000 }]),
      isCode("BadArguments", /invalid endpoint/),
    );
    assert.throws(() => zk.updateServerList("127.0.0.1:2181/elsewhere"), isCode("BadArguments", /chroot/));
    assert.throws(() => zk.updateServerList(""), isCode("BadArguments"));
    assert.equal(zk.state, "connected");
  });
});

describe("updateServerList moves the session", () => {
  test("off a server left out of the list: the same session, its ephemeral node and its watch stay", async () => {
    const port = Number(sharedConnectString().split(":")[1]);
    const proxy = await startProxy(port);
    const { zk, root, dispose } = await sandbox("config-move");
    const moving = await connect(proxy.connectString, { sessionTimeout: 10_000 });
    try {
      await moving.create(`${root}/eph`, enc("x"), { mode: "ephemeral" });
      const fired = deferred<WatchedEvent>(10_000, "the watch set before the move");
      const events: WatchedEvent[] = [];
      await moving.getData(`${root}/eph`, { watch: (e) => (events.push(e), fired.resolve(e)) });
      const session = moving.sessionId;
      const states: StateEvent[] = [];
      moving.on("state", (s) => states.push(s));

      // The proxy's port stays in the list: rebalance off, the client keeps its server.
      moving.updateServerList([{ host: "127.0.0.1", port: proxy.port }, { host: "127.0.0.1", port }], {
        rebalance: false,
      });
      await moving.sync("/");
      assert.deepEqual(states, []);

      const reconnected = nextState(moving, "reconnected");
      moving.updateServerList(`127.0.0.1:${port}`);
      await reconnected;
      assert.deepEqual(moving.currentServer, { host: "127.0.0.1", port });
      assert.equal(moving.sessionId, session);
      assert.equal(proxy.openConnections(), 0);
      assert.equal((await zk.exists(`${root}/eph`))?.ephemeralOwner, session);
      await zk.setData(`${root}/eph`, enc("y"));
      assert.equal((await fired.promise).type, "NodeDataChanged");
      await moving.sync("/");
      assert.equal(events.length, 1);
    } finally {
      await moving.close();
      await proxy.close();
      await dispose();
    }
  });
});
