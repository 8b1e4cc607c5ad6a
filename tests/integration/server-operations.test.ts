import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, digestId, Perms, type ZooKeeperClient, ZooKeeperError } from "../../mod.ts";
import { type ServerHandle, startServer } from "../../src/server.ts";
import { enc, isCode } from "../support/fixtures.ts";
import { deferred } from "../support/zookeeper.ts";

describe("embedded server: operations, zxids and Stat fields", () => {
  let server: ServerHandle;
  let zk: ZooKeeperClient;

  before(async () => {
    server = await startServer({ extendedTypes: true, reapInterval: 50, superDigest: digestId("super", "s3cret") });
    zk = await connect(server.connectString);
  });
  after(async () => {
    await zk.close();
    await server.close();
  });

  test("zxids: createSession, every write (failed ones too) and a whole multi take one each; reads take none", async () => {
    const { stat: a } = await zk.create("/z", enc("x"));
    await assert.rejects(zk.create("/z"), isCode("NodeExists"));
    const { stat: b } = await zk.create("/z/b");
    assert.equal(b.czxid, a.czxid + 2n);
    await zk.getData("/z");
    const [first, second] = await zk.multi().create("/z/c").create("/z/d").commit();
    assert.ok(first?.type === "create" && second?.type === "create");
    const c = await zk.exists("/z/c");
    const d = await zk.exists("/z/d");
    assert.equal(c?.czxid, b.czxid + 1n);
    assert.equal(d?.czxid, c?.czxid);
    const parent = await zk.exists("/z");
    assert.deepEqual([parent?.numChildren, parent?.cversion, parent?.pzxid], [3, 3, c?.czxid]);
  });

  test("Stat follows setData and deletes: version, mzxid, dataLength; cversion counts creates and deletes", async () => {
    await zk.create("/s", enc("abc"));
    const set = await zk.setData("/s", enc("hello"), { version: 0 });
    assert.deepEqual([set.version, set.dataLength, set.mzxid > set.czxid], [1, 5, true]);
    await assert.rejects(zk.setData("/s", enc("x"), { version: 0 }), isCode("BadVersion"));
    await zk.create("/s/child");
    await assert.rejects(zk.delete("/s"), isCode("NotEmpty"));
    await zk.delete("/s/child");
    const after = await zk.exists("/s");
    assert.deepEqual([after?.cversion, after?.numChildren], [2, 0]);
  });

  test("sequential names come from the parent's count of creates, not its reported cversion", async () => {
    await zk.create("/seq");
    const first = await zk.create("/seq/n-", undefined, { mode: "persistent-sequential" });
    await zk.delete(first.path);
    const second = await zk.create("/seq/n-", undefined, { mode: "ephemeral-sequential" });
    assert.deepEqual([first.path, second.path], ["/seq/n-0000000000", "/seq/n-0000000001"]);
    assert.deepEqual(await zk.getEphemerals("/seq"), ["/seq/n-0000000001"]);
    await assert.rejects(zk.create(`${second.path}/child`), isCode("NoChildrenForEphemerals"));
    assert.equal(await zk.getAllChildrenNumber("/seq"), 1);
  });

  test("a failed multi changes nothing and reports Ok before, the error at, RuntimeInconsistency after the failing op", async () => {
    await zk.create("/m");
    const error = await zk.multi().create("/m/a").delete("/m/missing").setData("/m", enc("x")).commit().then(
      () => assert.fail("the multi should fail"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ZooKeeperError && error.code === "NoNode" && error.opIndex === 1);
    assert.deepEqual(error.results?.map((r) => (r as { errno: number }).errno), [0, -101, -2]);
    assert.equal(await zk.exists("/m/a"), null);
    const reads = await zk.multiRead().getData("/m").getChildren("/nope").commit();
    assert.deepEqual(reads.map((r) => r.ok), [true, false]);
  });

  test("containers are reaped once emptied; TTL nodes once idle past their TTL", async () => {
    await zk.create("/box", undefined, { mode: "container" });
    await zk.create("/box/item");
    const gone = deferred<string>(5_000, "container reaped");
    await zk.exists("/box", { watch: (e) => gone.resolve(e.type) });
    await zk.delete("/box/item");
    assert.equal(await gone.promise, "NodeDeleted");
    const ttl = await zk.create("/ttl", undefined, { mode: "persistent-ttl", ttl: 100 });
    // The TTL lives in the stored owner; the Stat shows 0, as ZooKeeper's does.
    assert.equal(ttl.stat.ephemeralOwner, 0n);
    const expired = deferred<string>(5_000, "TTL node reaped");
    await zk.exists("/ttl", { watch: (e) => expired.resolve(e.type) });
    assert.equal(await expired.promise, "NodeDeleted");
  });

  test("TTL nodes need extendedTypes: Unimplemented otherwise", async () => {
    const plain = await startServer();
    const client = await connect(plain.connectString);
    try {
      await assert.rejects(
        client.create("/t", undefined, { mode: "persistent-ttl", ttl: 1000 }),
        isCode("Unimplemented"),
      );
    } finally {
      await client.close();
      await plain.close();
    }
  });

  test("system nodes: /zookeeper/config is read-only, /zookeeper cannot be deleted, root lists zookeeper", async () => {
    const { acl } = await zk.getACL("/zookeeper/config");
    assert.deepEqual(acl, [{ perms: Perms.READ, id: { scheme: "world", id: "anyone" } }]);
    await assert.rejects(zk.setData("/zookeeper/config", enc("x")), isCode("NoAuth"));
    await assert.rejects(zk.delete("/zookeeper"), isCode("BadArguments"));
    assert.ok((await zk.getChildren("/")).children.includes("zookeeper"));
    assert.ok((await zk.exists("/zookeeper/quota")) !== null);
  });

  test("ACLs: digest identities, auth ACLs, InvalidACL, ip ranges and the super user", async () => {
    const alice = await connect(server.connectString, { auth: [{ scheme: "digest", auth: "alice:pw" }] });
    const other = await connect(server.connectString);
    const root = await connect(server.connectString, { auth: [{ scheme: "digest", auth: "super:s3cret" }] });
    try {
      await alice.create("/private", enc("secret"), { acl: [{ perms: Perms.ALL, id: { scheme: "auth", id: "" } }] });
      assert.deepEqual((await alice.getACL("/private")).acl, [{
        perms: Perms.ALL,
        id: { scheme: "digest", id: digestId("alice", "pw") },
      }]);
      await assert.rejects(other.getData("/private"), isCode("NoAuth"));
      await assert.rejects(
        other.create("/mine", undefined, { acl: [{ perms: Perms.ALL, id: { scheme: "auth", id: "" } }] }),
        isCode("InvalidACL"),
      );
      await assert.rejects(
        other.create("/bad", undefined, { acl: [{ perms: Perms.ALL, id: { scheme: "nope", id: "x" } }] }),
        isCode("InvalidACL"),
      );
      assert.deepEqual((await root.getData("/private")).data, enc("secret"));
      await other.create("/local", undefined, {
        acl: [{ perms: Perms.READ, id: { scheme: "ip", id: "127.0.0.0/8" } }],
      });
      await other.getData("/local");
      await assert.rejects(other.setData("/local", enc("x")), isCode("NoAuth"));
      assert.deepEqual((await alice.whoAmI()).map((i) => `${i.authScheme}:${i.user}`), [
        "ip:127.0.0.1",
        "digest:alice",
      ]);
    } finally {
      await Promise.all([alice.close(), other.close(), root.close()]);
    }
  });
});
