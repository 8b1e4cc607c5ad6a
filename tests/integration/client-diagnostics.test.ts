import { describe, test } from "node:test";
import assert from "node:assert/strict";
import dc from "node:diagnostics_channel";
import { connect, type RequestContext, type StateMessage, type WatchReport, ZooKeeperError } from "../../mod.ts";
import { enc, sandbox } from "../support/fixtures.ts";
import { startProxy } from "../support/proxy.ts";
import { deferred, endSession, nextState, sharedConnectString, uniqueRoot } from "../support/zookeeper.ts";

const sorted = (r: WatchReport["restored"]) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, [...v].sort()]));

describe("diagnostics channels", () => {
  test("every request is traced on tracing:stormkeeper:request with op, path, session and its result or error", async () => {
    const { zk, root, dispose } = await sandbox("diag-trace");
    const started: RequestContext[] = [];
    const settled: RequestContext[] = [];
    const mine = (c: RequestContext) => c.path?.startsWith(root) === true;
    const onStart = (c: unknown) => void (mine(c as RequestContext) && started.push(c as RequestContext));
    const onSettled = (c: unknown) => void (mine(c as RequestContext) && settled.push(c as RequestContext));
    dc.subscribe("tracing:stormkeeper:request:start", onStart);
    dc.subscribe("tracing:stormkeeper:request:asyncEnd", onSettled);
    try {
      await zk.create(`${root}/a`, enc("x"));
      await assert.rejects(zk.getData(`${root}/missing`));
      await zk.multi().setData(`${root}/a`, enc("y")).commit();
    } finally {
      dc.unsubscribe("tracing:stormkeeper:request:start", onStart);
      dc.unsubscribe("tracing:stormkeeper:request:asyncEnd", onSettled);
    }
    await zk.getData(`${root}/a`); // after unsubscribing: not seen
    await dispose();
    assert.deepEqual(started.map((c) => [c.op, c.path]), [["create", `${root}/a`], ["getData", `${root}/missing`], [
      "multi",
      `${root}/a`,
    ]]);
    assert.equal(settled.length, 3);
    assert.ok(settled.every((c) => c.sessionId === zk.sessionId));
    assert.deepEqual((settled[0]?.result as { path: string }).path, `${root}/a`);
    assert.ok(settled[1]?.error instanceof ZooKeeperError && settled[1].error.code === "NoNode");
    assert.ok(Array.isArray(settled[2]?.result));
  });

  test("stormkeeper:state publishes each state change with the session id", async () => {
    const seen: StateMessage[] = [];
    const listener = (m: unknown) => seen.push(m as StateMessage);
    dc.subscribe("stormkeeper:state", listener);
    try {
      const zk = await connect(sharedConnectString());
      const id = zk.sessionId;
      await zk.close();
      const mine = seen.filter((m) => m.sessionId === id).map((m) => m.state);
      assert.deepEqual(mine, ["connected", "closed"]);
    } finally {
      dc.unsubscribe("stormkeeper:state", listener);
    }
  });
});

describe("watch reports", () => {
  test("after a reconnect the client reports which watches SetWatches re-armed, in client paths", async () => {
    const port = Number(sharedConnectString().split(":")[1]);
    const proxy = await startProxy(port);
    const { root, dispose } = await sandbox("diag-watches");
    const zk = await connect(`${proxy.connectString}${root}`, { sessionTimeout: 10_000 });
    const published: WatchReport[] = [];
    const listener = (m: unknown) => published.push(m as WatchReport);
    dc.subscribe("stormkeeper:watches", listener);
    try {
      await zk.create("/node", enc("x"));
      await zk.getData("/node", { watch: () => {} });
      await zk.exists("/absent", { watch: () => {} });
      await zk.getChildren("/", { watch: () => {} });
      await zk.addWatch("/tree", () => {}, { mode: "persistent-recursive" });
      const report = deferred<WatchReport>(20_000, "the watch report");
      zk.on("watches", report.resolve);
      proxy.cutAll();
      const got = await report.promise;
      assert.equal(got.reason, "reconnected");
      assert.equal(typeof got.relativeZxid, "bigint");
      assert.deepEqual(sorted(got.restored), {
        data: ["/node"],
        exist: ["/absent"],
        child: ["/"],
        persistent: [],
        persistentRecursive: ["/tree"],
      });
      assert.deepEqual(sorted(got.lost), { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] });
      assert.ok(published.includes(got), "the same report went to stormkeeper:watches");
    } finally {
      dc.unsubscribe("stormkeeper:watches", listener);
      await zk.close();
      await proxy.close();
      await dispose();
    }
  });

  test("when the session expires every watch it had is reported lost", async () => {
    const root = uniqueRoot("diag-expired");
    const zk = await connect(sharedConnectString(), { sessionTimeout: 10_000, renewSessionOnExpiry: true });
    try {
      await zk.create(root);
      await zk.getData(root, { watch: () => {} });
      await zk.exists(`${root}/later`, { watch: () => {} });
      const report = deferred<WatchReport>(20_000, "the expiry report");
      zk.on("watches", report.resolve);
      const renewed = nextState(zk, "newSession");
      await endSession(zk);
      const got = await report.promise;
      assert.equal(got.reason, "expired");
      assert.deepEqual(sorted(got.lost), {
        data: [root],
        exist: [`${root}/later`],
        child: [],
        persistent: [],
        persistentRecursive: [],
      });
      assert.deepEqual(sorted(got.restored), {
        data: [],
        exist: [],
        child: [],
        persistent: [],
        persistentRecursive: [],
      });
      await renewed;
    } finally {
      await zk.deleteRecursive(root).catch(() => {});
      await zk.close();
    }
  });
});
