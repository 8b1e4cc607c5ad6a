import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ZooKeeperClient } from "../../mod.ts";
import { sandbox } from "../support/zookeeper.ts";

/**
 * Counterexamples the differential property test (tests/property/server-differential.test.ts)
 * found between the embedded server and the real ZooKeeper, each kept as a plain test of what
 * the real server does. It runs against the real server and, in the embedded run, against
 * stormkeeper/server.
 */
describe("counterexamples of the embedded-vs-real differential test", () => {
  let zk: ZooKeeperClient;
  let root: string;
  let dispose: () => Promise<void>;

  before(async () => ({ zk, root, dispose } = await sandbox("diff-cases")));
  after(() => dispose());

  test("TTL and container nodes show ephemeralOwner 0 in every Stat; only a session owner is shown", async () => {
    // Shrunk counterexample: a persistent-sequential-ttl create (then any step).
    const ttl = await zk.create(`${root}/s-`, undefined, { mode: "persistent-sequential-ttl", ttl: 3_600_000 });
    assert.equal(ttl.path, `${root}/s-0000000000`);
    assert.equal(ttl.stat.ephemeralOwner, 0n);
    assert.equal((await zk.exists(ttl.path))?.ephemeralOwner, 0n);
    const container = await zk.create(`${root}/box`, undefined, { mode: "container" });
    assert.equal(container.stat.ephemeralOwner, 0n);
    assert.equal((await zk.getData(`${root}/box`)).stat.ephemeralOwner, 0n);
    const ephemeral = await zk.create(`${root}/box/e`, undefined, { mode: "ephemeral" });
    assert.equal(ephemeral.stat.ephemeralOwner, zk.sessionId);
    // The stored owner still rules: a TTL node or a container may have children, an ephemeral not.
    await zk.create(`${ttl.path}/child`);
    await assert.rejects(zk.create(`${root}/box/e/child`), { code: "NoChildrenForEphemerals" });
  });
});
