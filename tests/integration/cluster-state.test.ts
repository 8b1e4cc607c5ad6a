import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  type ACL,
  type ClusterState,
  connect,
  createClusterState,
  digestId,
  Perms,
  type RequestContext,
  wrapClusterState,
  type ZooKeeperClient,
  ZooKeeperError,
} from "../../mod.ts";
import dc from "node:diagnostics_channel";
import { enc, suiteUnderRoot } from "../support/fixtures.ts";
import { type Proxy, startProxy } from "../support/proxy.ts";
import { deferred, nextState, sharedConnectString, uniqueRoot } from "../support/zookeeper.ts";

const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe("ClusterState against a real server", () => {
  const root = uniqueRoot("cs");
  let cs: ClusterState;
  let other: ClusterState;
  let plain: ZooKeeperClient;
  const errors: unknown[] = [];

  suiteUnderRoot(root, async () => {
    cs = await createClusterState({ connectString: sharedConnectString(), root, onError: (e) => errors.push(e) });
    other = await createClusterState({ connectString: sharedConnectString(), root });
    plain = await connect(sharedConnectString());
    return [cs, other, plain];
  });

  test("the root is created and every path is relative to it", async () => {
    await cs.setData("/a/b", enc("x"));
    assert.equal(dec((await plain.getData(`${root}/a/b`)).data), "x");
  });

  test("mkdirs creates missing parents, writes Storm's 0x07 marker, and leaves existing nodes alone", async () => {
    await cs.mkdirs("/m/n/o");
    assert.deepEqual((await plain.getData(`${root}/m/n/o`)).data, new Uint8Array([7]));
    await cs.setData("/m/n/o", enc("kept"));
    await cs.mkdirs("/m/n/o");
    assert.equal(dec(await cs.getData("/m/n/o")), "kept");
  });

  test("setData creates a persistent node with parents, then updates it", async () => {
    await cs.setData("/sd/deep/node", enc("1"));
    await cs.setData("/sd/deep/node", enc("2"));
    const got = await cs.getDataWithVersion("/sd/deep/node");
    assert.deepEqual({ data: dec(got?.data ?? null), version: got?.version }, { data: "2", version: 1 });
    assert.equal((await plain.exists(`${root}/sd/deep/node`))?.ephemeralOwner, 0n);
  });

  test("setEphemeralNode creates an ephemeral node, sets it when present, and survives a creation race", async () => {
    await cs.setEphemeralNode("/eph/one", enc("a"));
    await cs.setEphemeralNode("/eph/one", enc("b"));
    assert.equal(dec(await cs.getData("/eph/one")), "b");
    assert.equal((await plain.exists(`${root}/eph/one`))?.ephemeralOwner, cs.client.sessionId);
    await Promise.all([cs.setEphemeralNode("/eph/race", enc("x")), other.setEphemeralNode("/eph/race", enc("y"))]);
    assert.ok(["x", "y"].includes(dec(await cs.getData("/eph/race")) ?? ""));
  });

  test("createSequential returns the created path, persistent by default or ephemeral on request", async () => {
    const p1 = await cs.createSequential("/seq/e", enc("1"));
    const p2 = await cs.createSequential("/seq/e", enc("2"), { mode: "ephemeral-sequential" });
    assert.match(p1, /^\/seq\/e\d{10}$/);
    assert.ok(p2 > p1);
    assert.equal((await plain.exists(`${root}${p1}`))?.ephemeralOwner, 0n);
    assert.equal((await plain.exists(`${root}${p2}`))?.ephemeralOwner, cs.client.sessionId);
  });

  test("reads of missing nodes return null; getChildren of a missing node fails with NoNode", async () => {
    assert.equal(await cs.getData("/missing"), null);
    assert.equal(await cs.getVersion("/missing"), null);
    assert.equal(await cs.getDataWithVersion("/missing"), null);
    assert.equal(await cs.nodeExists("/missing"), false);
    await assert.rejects(
      cs.getChildren("/missing"),
      (e: unknown) => e instanceof ZooKeeperError && e.code === "NoNode",
    );
    await cs.deleteNode("/missing");
  });

  test("deleteNode removes a whole subtree", async () => {
    await cs.setData("/tree/a/b", enc("1"));
    await cs.setData("/tree/c", enc("2"));
    await cs.deleteNode("/tree");
    assert.equal(await cs.nodeExists("/tree"), false);
  });

  test("watched reads report to every registered callback once; a watched read of a missing node reports its creation", async () => {
    await cs.setData("/w/data", enc("0"));
    const seen: string[] = [];
    const created = deferred<void>(10_000, "creation event");
    const changed = deferred<void>(10_000, "data event");
    const id = cs.register((type, path) => {
      seen.push(`${type} ${path}`);
      if (path === "/w/later") created.resolve();
      if (path === "/w/data") changed.resolve();
    });
    const throwing = cs.register(() => {
      throw new Error("callback failure");
    });
    assert.equal(await cs.getData("/w/later", true), null);
    await cs.getData("/w/data", true);
    await other.setData("/w/later", enc("now"));
    await other.setData("/w/data", enc("1"));
    await created.promise;
    await changed.promise;
    assert.deepEqual(seen.sort(), ["NodeCreated /w/later", "NodeDataChanged /w/data"]);
    assert.ok(
      errors.some((e) => e instanceof Error && e.message === "callback failure"),
      "a throwing callback goes to onError",
    );
    assert.equal(cs.unregister(throwing), true);
    assert.equal(cs.unregister(id), true);
    assert.equal(cs.unregister(id), false);
  });

  test("child watches and exists watches reach the callbacks", async () => {
    await cs.mkdirs("/kids");
    const got = deferred<string>(10_000, "child event");
    const id = cs.register((type, path) => path === "/kids" && got.resolve(type));
    await cs.getChildren("/kids", true);
    await other.setData("/kids/one", enc("x"));
    assert.equal(await got.promise, "NodeChildrenChanged");
    cs.unregister(id);
    const gone = deferred<string>(10_000, "delete event");
    const id2 = cs.register((type, path) => path === "/kids/one" && gone.resolve(type));
    assert.equal(await cs.nodeExists("/kids/one", true), true);
    assert.equal(await cs.getVersion("/kids/one", true), 0);
    await other.deleteNode("/kids/one");
    assert.equal(await gone.promise, "NodeDeleted");
    cs.unregister(id2);
  });

  test("closing a state that opened its client ends the session (ephemerals go); a wrapped client stays open", async () => {
    const solo = await createClusterState({ connectString: sharedConnectString(), root });
    await solo.setEphemeralNode("/solo/eph", enc("x"));
    const states: string[] = [];
    solo.onConnectionState((e) => states.push(e));
    await solo.close();
    assert.equal(solo.client.state, "closed");
    assert.deepEqual(states, ["closed"]);
    assert.equal(await cs.nodeExists("/solo/eph"), false);

    const client = await connect(`${sharedConnectString()}${root}`);
    const wrapped = wrapClusterState(client);
    await wrapped.setData("/wrapped", enc("1"));
    await wrapped.close();
    assert.equal(client.state, "connected");
    assert.equal(dec((await client.getData("/wrapped")).data), "1");
    await client.close();
  });
});

describe("ClusterState ACLs with authentication, against a real server", () => {
  const digest = (user: string, perms: number): ACL => ({ perms, id: { scheme: "digest", id: digestId(user, "pw") } });
  const nimbusAll = digest("nimbus", Perms.ALL);
  const topologyRead = [{ perms: Perms.ALL, id: { scheme: "auth", id: "" } }, digest("topo", Perms.READ)];
  const root = uniqueRoot("cs-acl");
  const asNimbus = { auth: [{ scheme: "digest", auth: "nimbus:pw" }] };
  let cs: ClusterState;
  let admin: ZooKeeperClient;

  suiteUnderRoot(root, async () => {
    cs = await createClusterState({
      connectString: sharedConnectString(),
      root,
      auth: { scheme: "digest", payload: "nimbus:pw" },
    });
    admin = await connect(sharedConnectString(), asNimbus);
    return [cs, admin];
  }, asNimbus);

  const aclOf = async (path: string) => (await admin.getACL(`${root}${path}`)).acl;

  test("with auth, the root and nodes written without an ACL are creator-only", async () => {
    assert.deepEqual(cs.acl, [{ perms: Perms.ALL, id: { scheme: "auth", id: "" } }]);
    await cs.setData("/plain/node", enc("x"));
    assert.deepEqual(await admin.getACL(root).then((r) => r.acl), [nimbusAll]);
    assert.deepEqual(await aclOf("/plain"), [nimbusAll]);
    assert.deepEqual(await aclOf("/plain/node"), [nimbusAll]);
  });

  test("setData and setEphemeralNode give the node and a missing parent their ACL, other new ancestors the default (Storm's set_data)", async () => {
    await cs.setData("/w/a/b/node", enc("x"), topologyRead);
    assert.deepEqual(await aclOf("/w/a/b/node"), [nimbusAll, digest("topo", Perms.READ)]);
    assert.deepEqual(await aclOf("/w/a/b"), [nimbusAll, digest("topo", Perms.READ)]);
    assert.deepEqual(await aclOf("/w/a"), [nimbusAll]);
    await cs.setEphemeralNode("/e/p/node", enc("x"), topologyRead);
    assert.deepEqual(await aclOf("/e/p/node"), [nimbusAll, digest("topo", Perms.READ)]);
    assert.deepEqual(await aclOf("/e/p"), [nimbusAll, digest("topo", Perms.READ)]);
    await cs.setData("/w/a/b/node", enc("y"));
    assert.deepEqual(
      await aclOf("/w/a/b/node"),
      [nimbusAll, digest("topo", Perms.READ)],
      "an update leaves the ACL alone",
    );
  });

  test("mkdirs gives only the node its ACL; createSequential's new parents get the default", async () => {
    await cs.mkdirs("/m/a/b", topologyRead);
    assert.deepEqual(await aclOf("/m/a/b"), [nimbusAll, digest("topo", Perms.READ)]);
    assert.deepEqual(await aclOf("/m/a"), [nimbusAll]);
    const created = await cs.createSequential("/s/p/e", enc("x"), { acl: topologyRead });
    assert.deepEqual(await aclOf(created), [nimbusAll, digest("topo", Perms.READ)]);
    assert.deepEqual(await aclOf("/s/p"), [nimbusAll]);
  });
});

/** Runs `body` with a ClusterState reached through a fault proxy, recording every retry; cleans all up. */
async function withProxiedState(
  name: string,
  config: { sessionTimeout?: number },
  body: (cs: ClusterState, proxy: Proxy, retries: unknown[], root: string) => Promise<void>,
): Promise<void> {
  const proxy = await startProxy(Number(sharedConnectString().split(":")[1]));
  const root = uniqueRoot(name);
  const retries: unknown[] = [];
  const cs = await createClusterState({
    ...config,
    connectString: proxy.connectString,
    root,
    retry: { baseSleepMs: 20, onRetry: (error) => retries.push(error) },
  });
  try {
    await body(cs, proxy, retries, root);
  } finally {
    await cs.close();
    await proxy.close();
    const top = await connect(sharedConnectString());
    await top.deleteRecursive(root);
    await top.close();
  }
}

describe("ClusterState retries through a dropped connection", () => {
  test("reads cut off in flight by a lost connection are retried and succeed on the same session", async () => {
    await withProxiedState("cs-retry", {}, async (cs, proxy, retries) => {
      await cs.setData("/node", enc("kept"));
      const session = cs.client.sessionId;
      const reconnected = nextState(cs.client, "reconnected");
      const reads = Array.from({ length: 200 }, () => cs.getData("/node"));
      proxy.cutAll();
      const values = await Promise.all(reads);
      await reconnected;
      assert.ok(values.every((v) => dec(v) === "kept"), "every read succeeded");
      assert.ok(
        retries.length > 0 && retries.every((e) => e instanceof ZooKeeperError && e.code === "ConnectionLoss"),
        `${retries.length} retries`,
      );
      assert.equal(cs.client.sessionId, session);
    });
  });

  test("a read waiting when the session expires is retried on the renewed session (Curator retries SessionExpired)", async () => {
    await withProxiedState("cs-expiry", { sessionTimeout: 4_000 }, async (cs, proxy, retries) => {
      await cs.setData("/node", enc("kept"));
      const { sessionId, sessionPassword } = cs.client;
      const disconnected = nextState(cs.client, "disconnected");
      const renewed = nextState(cs.client, "newSession", 20_000);
      proxy.blackhole(["toServer", "toClient"]);
      await disconnected;
      // The server ends the session while the client cannot reach it; a read issued now waits.
      const thief = await connect(sharedConnectString(), { session: { id: sessionId, password: sessionPassword } });
      await thief.close();
      const read = cs.getData("/node");
      proxy.blackhole([]);
      assert.equal(dec(await read), "kept");
      await renewed;
      assert.notEqual(cs.client.sessionId, sessionId);
      assert.ok(
        retries.some((e) => e instanceof ZooKeeperError && e.code === "SessionExpired"),
        `retried: ${retries.map(String).join(", ")}`,
      );
    });
  });

  test("createSequential is not retried when the failed attempt may have been applied", async () => {
    await withProxiedState("cs-seq-doubtful", {}, async (cs, proxy, retries, root) => {
      await cs.mkdirs("/errors");
      const direct = await connect(`${sharedConnectString()}${root}`);
      try {
        // Once the create itself goes out (after createSequential's parent check), the server
        // hears and applies it, but its reply never gets back.
        const onStart = (c: unknown) => {
          const context = c as RequestContext;
          if (context.op === "create" && context.path === "/errors/e-") proxy.blackhole(["toClient"]);
        };
        dc.subscribe("tracing:stormkeeper:request:start", onStart);
        const doubtful = cs.createSequential("/errors/e-", enc("a"));
        for (let i = 0; i < 250 && (await direct.getChildren("/errors")).children.length === 0; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
        dc.unsubscribe("tracing:stormkeeper:request:start", onStart);
        proxy.cutAll();
        proxy.blackhole([]);
        await assert.rejects(
          doubtful,
          (e) => e instanceof ZooKeeperError && e.code === "ConnectionLoss" && e.outcomeUnknown === true,
        );
        assert.equal(retries.length, 0);
        assert.equal((await direct.getChildren("/errors")).children.length, 1, "one node, not two");
      } finally {
        await direct.close();
      }
    });
  });

  test("createSequential waiting when the session expires reached no server: it is retried on the renewed session", async () => {
    await withProxiedState("cs-seq-retry", { sessionTimeout: 4_000 }, async (cs, proxy, retries) => {
      await cs.mkdirs("/errors");
      const { sessionId, sessionPassword } = cs.client;
      const disconnected = nextState(cs.client, "disconnected");
      proxy.blackhole(["toServer", "toClient"]);
      await disconnected;
      const thief = await connect(sharedConnectString(), { session: { id: sessionId, password: sessionPassword } });
      await thief.close();
      const created = cs.createSequential("/errors/e-", enc("a"));
      proxy.blackhole([]);
      assert.match(await created, /^\/errors\/e-\d{10}$/);
      assert.ok(
        retries.some((e) => e instanceof ZooKeeperError && e.code === "SessionExpired" && e.outcomeUnknown !== true),
      );
      assert.equal((await cs.getChildren("/errors")).length, 1);
    });
  });
});
