import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, CREATOR_ALL_ACL, digestId, Perms, type StateEvent, type ZooKeeperClient } from "../../mod.ts";
import { enc, isCode, sharedRoot, suiteFixture } from "../support/fixtures.ts";
import { deferred, sharedConnectString } from "../support/zookeeper.ts";

describe("digest authentication and ACLs", () => {
  let alice: ZooKeeperClient;
  let anonymous: ZooKeeperClient;
  let root: string;
  const aliceAcl = [{ perms: Perms.ALL, id: { scheme: "digest", id: digestId("alice", "secret") } }];

  suiteFixture(
    () => sharedRoot("auth", { auth: [{ scheme: "digest", auth: "alice:secret" }] }, {}),
    (shared) => ({ clients: [alice, anonymous], root } = shared),
  );

  test("a digest-protected node is readable by its user only", async () => {
    await alice.create(`${root}/private`, enc("mine"), { acl: aliceAcl });
    assert.deepEqual((await alice.getData(`${root}/private`)).data, enc("mine"));
    await assert.rejects(anonymous.getData(`${root}/private`), isCode("NoAuth"));
    await assert.rejects(anonymous.setData(`${root}/private`, enc("x")), isCode("NoAuth"));
    const { acl } = await alice.getACL(`${root}/private`);
    assert.deepEqual(acl, aliceAcl);
  });

  test("wrong credentials authenticate as another identity and still get NoAuth", async () => {
    const mallory = await connect(sharedConnectString());
    try {
      await mallory.addAuth("digest", "alice:wrong");
      await assert.rejects(mallory.getData(`${root}/private`), isCode("NoAuth"));
    } finally {
      await mallory.close();
    }
  });

  test("whoAmI shows the digest identity; CREATOR_ALL_ACL binds the node to it", async () => {
    const ids = await alice.whoAmI();
    assert.ok(ids.some((i) => i.authScheme === "digest" && i.user === "alice"), JSON.stringify(ids));
    await alice.create(`${root}/creator`, enc("c"), { acl: CREATOR_ALL_ACL });
    assert.deepEqual((await alice.getACL(`${root}/creator`)).acl, aliceAcl);
    await assert.rejects(anonymous.getData(`${root}/creator`), isCode("NoAuth"));
  });

  test("a rejected auth packet is terminal: AuthFailed state, event and errors, no disconnection reported", async () => {
    const zk = await connect(sharedConnectString());
    const states: StateEvent[] = [];
    const curator: string[] = [];
    zk.on("connectionState", (s) => curator.push(s));
    const failed = deferred<StateEvent>(10_000, "authFailed");
    zk.on("state", (e) => {
      states.push(e);
      if (e === "authFailed") failed.resolve(e);
    });
    const rejected = assert.rejects(zk.addAuth("no-such-scheme", "x"), isCode("AuthFailed"));
    // Written behind the auth packet: the server drops the connection before answering them.
    const inFlight = await Promise.allSettled(Array.from({ length: 5 }, () => zk.exists("/")));
    await rejected;
    await failed.promise;
    for (const o of inFlight) {
      if (o.status === "rejected") assert.ok(isCode("AuthFailed")(o.reason), String(o.reason));
    }
    assert.equal(zk.state, "authFailed");
    assert.deepEqual(states, ["authFailed"]);
    assert.deepEqual(curator, [], "a terminal auth failure is not a suspension");
    await assert.rejects(zk.exists("/"), isCode("AuthFailed"));
    await zk.close();
  });

  test("bad auth arguments are rejected before sending", async () => {
    await assert.rejects(anonymous.addAuth("", "x"), isCode("BadArguments"));
    await assert.rejects(anonymous.addAuth("digest", 42 as unknown as string), isCode("BadArguments"));
  });
});
