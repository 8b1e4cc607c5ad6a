import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CREATOR_ALL_ACL,
  OPEN_ACL_UNSAFE,
  Perms,
  READ_ACL_UNSAFE,
  type ZooKeeperClient,
  ZooKeeperError,
} from "../../mod.ts";
import { enc, sandbox, suiteFixture } from "../support/fixtures.ts";

const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function rejectsWith(
  p: Promise<unknown>,
  code: string,
  extra: Partial<ZooKeeperError> = {},
): Promise<ZooKeeperError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof ZooKeeperError, `expected ZooKeeperError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const [k, v] of Object.entries(extra)) assert.deepEqual((error as unknown as Record<string, unknown>)[k], v);
    return error;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

describe("client operations against a real server", () => {
  let zk: ZooKeeperClient;
  let root: string;

  suiteFixture(() => sandbox("ops", { sessionTimeout: 10_000 }), (box) => ({ zk, root } = box));

  test("create returns the path and Stat; getData returns the bytes and the same Stat", async () => {
    const created = await zk.create(`${root}/a`, enc("hello"));
    assert.equal(created.path, `${root}/a`);
    assert.equal(created.stat.dataLength, 5);
    assert.equal(created.stat.version, 0);
    assert.equal(created.stat.ephemeralOwner, 0n);
    const { data, stat } = await zk.getData(`${root}/a`);
    assert.equal(dec(data), "hello");
    assert.deepEqual(stat, created.stat);
    assert.ok(data instanceof Uint8Array);
  });

  test("every create mode sets the owner, suffix and node type the server reports", async () => {
    const base = `${root}/modes`;
    await zk.create(base);
    const eph = await zk.create(`${base}/eph`, undefined, { mode: "ephemeral" });
    assert.equal(eph.stat.ephemeralOwner, zk.sessionId);
    const seq1 = await zk.create(`${base}/seq-`, undefined, { mode: "persistent-sequential" });
    const seq2 = await zk.create(`${base}/seq-`, undefined, { mode: "ephemeral-sequential" });
    assert.match(seq1.path, /\/seq-\d{10}$/);
    assert.match(seq2.path, /\/seq-\d{10}$/);
    assert.ok(seq2.path > seq1.path, "sequential suffixes increase");
    assert.equal(seq2.stat.ephemeralOwner, zk.sessionId);
    const trailing = await zk.create(`${base}/`, undefined, { mode: "persistent-sequential" });
    assert.match(trailing.path, new RegExp(`^${base}/\\d{10}$`));
    const container = await zk.create(`${base}/container`, undefined, { mode: "container" });
    assert.equal(container.path, `${base}/container`);
    // 3.8 servers report 0 as the owner of a container; later ones the int64 minimum (§10.1).
    assert.ok([0n, -(2n ** 63n)].includes(container.stat.ephemeralOwner));
    await zk.create(`${base}/container/child`);
    const ttl = await zk.create(`${base}/ttl`, undefined, { mode: "persistent-ttl", ttl: 60_000 });
    assert.ok([0n, BigInt.asIntN(64, 0xff00000000000000n | 60_000n)].includes(ttl.stat.ephemeralOwner));
    const seqTtl = await zk.create(`${base}/sttl-`, undefined, { mode: "persistent-sequential-ttl", ttl: 5_000n });
    assert.match(seqTtl.path, /\/sttl-\d{10}$/);
  });

  test("create reports NodeExists, NoNode and NoChildrenForEphemerals with op and path", async () => {
    await zk.create(`${root}/dup`);
    await rejectsWith(zk.create(`${root}/dup`), "NodeExists", { op: "create", path: `${root}/dup`, errno: -110 });
    await rejectsWith(zk.create(`${root}/missing/child`), "NoNode", { path: `${root}/missing/child` });
    await zk.create(`${root}/ephparent`, undefined, { mode: "ephemeral" });
    await rejectsWith(zk.create(`${root}/ephparent/x`), "NoChildrenForEphemerals");
  });

  test("setData and delete honour versions", async () => {
    const p = `${root}/versioned`;
    await zk.create(p, enc("v0"));
    const s1 = await zk.setData(p, enc("v1"), { version: 0 });
    assert.equal(s1.version, 1);
    await rejectsWith(zk.setData(p, enc("v2"), { version: 0 }), "BadVersion", { op: "setData" });
    const s2 = await zk.setData(p, enc("v2"));
    assert.equal(s2.version, 2);
    await rejectsWith(zk.delete(p, { version: 1 }), "BadVersion", { op: "delete" });
    await zk.delete(p, { version: 2 });
    assert.equal(await zk.exists(p), null);
    await rejectsWith(zk.delete(p), "NoNode");
  });

  test("delete of a node with children fails with NotEmpty", async () => {
    await zk.create(`${root}/parent`);
    await zk.create(`${root}/parent/kid`);
    await rejectsWith(zk.delete(`${root}/parent`), "NotEmpty");
  });

  test("exists returns null for a missing node and a Stat for a present one", async () => {
    assert.equal(await zk.exists(`${root}/nope`), null);
    const stat = await zk.exists(root);
    assert.ok(stat !== null && stat.numChildren >= 0);
  });

  test("getChildren returns names and the parent Stat", async () => {
    const p = `${root}/kids`;
    await zk.create(p);
    await Promise.all(["x", "y", "z"].map((n) => zk.create(`${p}/${n}`)));
    const { children, stat } = await zk.getChildren(p);
    assert.deepEqual(children.sort(), ["x", "y", "z"]);
    assert.equal(stat.numChildren, 3);
    await rejectsWith(zk.getChildren(`${root}/nokids`), "NoNode", { op: "getChildren2" });
  });

  test("getACL and setACL read and replace ACLs with the aversion check", async () => {
    const p = `${root}/acl`;
    await zk.create(p);
    const { acl, stat } = await zk.getACL(p);
    assert.deepEqual(acl, [...OPEN_ACL_UNSAFE]);
    assert.equal(stat.aversion, 0);
    await rejectsWith(zk.setACL(p, READ_ACL_UNSAFE, { version: 3 }), "BadVersion");
    const s = await zk.setACL(p, READ_ACL_UNSAFE, { version: 0 });
    assert.equal(s.aversion, 1);
    await rejectsWith(zk.setACL(p, OPEN_ACL_UNSAFE), "NoAuth", { op: "setACL" });
    assert.deepEqual((await zk.getACL(p)).acl, [{ perms: Perms.READ, id: { scheme: "world", id: "anyone" } }]);
    await rejectsWith(zk.setData(p, enc("x")), "NoAuth");
    await rejectsWith(zk.setACL(p, []), "InvalidACL");
    await rejectsWith(zk.create(`${root}/creator`, undefined, { acl: CREATOR_ALL_ACL }), "InvalidACL");
  });

  test("sync resolves and later reads see earlier writes", async () => {
    await zk.create(`${root}/synced`, enc("1"));
    await zk.sync(`${root}/synced`);
    assert.equal(dec((await zk.getData(`${root}/synced`)).data), "1");
  });

  test("multi applies all operations atomically and returns one result per op", async () => {
    const p = `${root}/tx`;
    await zk.create(p, enc("0"));
    const results = await zk.multi().create(`${p}/a`, enc("a")).check(p, 0).setData(p, enc("1")).delete(`${p}/a`)
      .commit();
    assert.deepEqual(results.map((r) => r.type), ["create", "check", "setData", "delete"]);
    const first = results[0];
    assert.ok(first?.type === "create" && first.path === `${p}/a`);
    const third = results[2];
    assert.ok(third?.type === "setData" && third.stat.version === 1);
    assert.equal(dec((await zk.getData(p)).data), "1");
  });

  test("a failed multi names the failing op and rolls everything back", async () => {
    const p = `${root}/txfail`;
    await zk.create(p);
    const error = await rejectsWith(
      zk.multi().create(`${p}/a`).check(p, 7).setData(p, enc("x")).commit(),
      "BadVersion",
      { op: "multi", opIndex: 1, path: p },
    );
    assert.deepEqual(
      (error.results as { code: string }[]).map((r) => r.code),
      ["Ok", "BadVersion", "RuntimeInconsistency"],
    );
    assert.equal(await zk.exists(`${p}/a`), null, "the create was rolled back");
  });

  test("an invalid op in a multi is rejected before sending, naming its index", async () => {
    await rejectsWith(zk.multi().create(`${root}/ok`).setData("bad//path", enc("x")).commit(), "BadArguments", {
      opIndex: 1,
    });
    assert.equal(await zk.exists(`${root}/ok`), null);
    assert.deepEqual(await zk.multi().commit(), []);
  });

  test("multiRead returns each read's value or its own error", async () => {
    const p = `${root}/mr`;
    await zk.create(p, enc("data"));
    await zk.create(`${p}/c`);
    const [a, b, c] = await zk.multiRead().getData(p).getChildren(p).getData(`${p}/none`).commit();
    assert.ok(a?.type === "getData" && dec(a.data) === "data");
    assert.ok(b?.type === "getChildren" && b.children[0] === "c");
    assert.ok(c?.type === "error" && c.error.code === "NoNode" && c.error.path === `${p}/none`);
  });

  test("getEphemerals lists this session's ephemerals under a prefix; getAllChildrenNumber counts descendants", async () => {
    const p = `${root}/eph`;
    await zk.create(p);
    await zk.create(`${p}/one`, undefined, { mode: "ephemeral" });
    await zk.create(`${p}/two`, undefined, { mode: "ephemeral" });
    assert.deepEqual((await zk.getEphemerals(`${p}/`)).sort(), [`${p}/one`, `${p}/two`]);
    // The prefix is a plain string prefix, not a path: "/eph" also matches "/ephparent".
    assert.ok((await zk.getEphemerals(p)).includes(`${root}/ephparent`));
    await zk.create(`${root}/deep`);
    await zk.create(`${root}/deep/a`);
    await zk.create(`${root}/deep/a/b`);
    assert.equal(await zk.getAllChildrenNumber(`${root}/deep`), 2);
  });

  test("a child name starting with U+FEFF is listed as created, so deleteRecursive removes it", async () => {
    const p = `${root}/bom`;
    await zk.create(p);
    const name = "\ufeffx";
    await zk.create(`${p}/${name}`);
    assert.deepEqual((await zk.getChildren(p)).children, [name]);
    const [listed] = await zk.multiRead().getChildren(p).commit();
    assert.ok(listed?.type === "getChildren" && listed.children[0] === name);
    await zk.deleteRecursive(p);
    assert.equal(await zk.exists(p), null);
  });

  test("whoAmI reports the ip identity of the connection", async () => {
    const ids = await zk.whoAmI();
    assert.ok(ids.some((i) => i.authScheme === "ip" && i.user === "127.0.0.1"), JSON.stringify(ids));
  });

  test("mkdirp creates missing ancestors and tolerates existing ones; deleteRecursive removes a tree", async () => {
    await zk.mkdirp(`${root}/m/n/o/p`);
    await zk.mkdirp(`${root}/m/n/o/p`);
    assert.ok(await zk.exists(`${root}/m/n/o/p`));
    await Promise.all(Array.from({ length: 50 }, (_, i) => zk.create(`${root}/m/n/c${i}`)));
    await zk.deleteRecursive(`${root}/m`);
    assert.equal(await zk.exists(`${root}/m`), null);
    await zk.deleteRecursive(`${root}/m`);
  });

  test("bad input is rejected with BadArguments before anything is sent, and the session is unharmed", async () => {
    await rejectsWith(zk.create("no-slash"), "BadArguments", { op: "create" });
    await rejectsWith(zk.getData("/a//b"), "BadArguments");
    await rejectsWith(zk.getData("/a/"), "BadArguments");
    await rejectsWith(zk.exists("/a/./b"), "BadArguments");
    await rejectsWith(zk.getChildren("/bad\u0001char"), "BadArguments");
    await rejectsWith(zk.create(`${root}/big`, new Uint8Array(1_048_576)), "BadArguments");
    await rejectsWith(zk.create(`${root}/ttl`, undefined, { mode: "persistent-ttl", ttl: -5 }), "BadArguments");
    await rejectsWith(zk.create(`${root}/ttl`, undefined, { mode: "persistent", ttl: 5 }), "BadArguments");
    await rejectsWith(zk.create(`${root}/s`, "text" as unknown as Uint8Array), "BadArguments");
    await rejectsWith(zk.setData(`${root}/s`, enc("x"), { version: 1.5 }), "BadArguments");
    await rejectsWith(zk.create(`${root}/s`, undefined, { mode: "weird" as "persistent" }), "BadArguments");
    // perms is an int32 on the wire: 2^32 + 1 would arrive as READ and must not be sent.
    await rejectsWith(
      zk.create(`${root}/wrap`, undefined, { acl: [{ perms: 2 ** 32 + 1, id: { scheme: "world", id: "anyone" } }] }),
      "InvalidACL",
    );
    await rejectsWith(
      zk.multi().create(`${root}/tx-ok`).setData(root, undefined as unknown as Uint8Array).commit(),
      "BadArguments",
      { opIndex: 1 },
    );
    // Data that fits alone but not with the request header and path is caught at encoding.
    await rejectsWith(zk.create(`${root}/nearly`, new Uint8Array(1_048_575 - 10)), "BadArguments");
    assert.equal(zk.state, "connected");
    assert.ok(await zk.exists(root));
  });

  test("the largest setData the frame limit allows is stored and reads back under the default limits", async () => {
    const path = `${root}/large`;
    await zk.create(path);
    // setData's frame: header 8 + path (4 + length) + data (4 + n) + version 4.
    const size = 1_048_575 - 8 - (4 + enc(path).length) - 4 - 4;
    const data = new Uint8Array(size).map((_, i) => i % 251);
    await zk.setData(path, data);
    const got = await zk.getData(path);
    assert.equal(got.data.length, size);
    assert.deepEqual(got.data, data);
    await rejectsWith(zk.setData(path, new Uint8Array(size + 1)), "BadArguments");
  });

  test("pipelined requests resolve in order with their own results", async () => {
    const p = `${root}/pipe`;
    await zk.create(p);
    const created = await Promise.all(Array.from({ length: 500 }, (_, i) => zk.create(`${p}/n${i}`, enc(String(i)))));
    assert.deepEqual(created.map((c) => c.path), Array.from({ length: 500 }, (_, i) => `${p}/n${i}`));
    const read = await Promise.all(Array.from({ length: 500 }, (_, i) => zk.getData(`${p}/n${i}`)));
    assert.deepEqual(read.map((r) => dec(r.data)), Array.from({ length: 500 }, (_, i) => String(i)));
  });
});
