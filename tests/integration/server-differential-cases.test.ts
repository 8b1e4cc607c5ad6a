import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, CREATOR_ALL_ACL, type ZooKeeperClient } from "../../mod.ts";
import { writePathIntRequest, writePathWatchRequest, writeRequestHeader } from "../../src/jute/records.ts";
import type { JuteWriter } from "../../src/jute/writer.ts";
import { OpCode } from "../../src/protocol/opcodes.ts";
import { exchange, frame, handshake } from "../support/raw-wire.ts";
import { sandbox, suiteFixture } from "../support/fixtures.ts";
import { deferred, sharedConnectString, until } from "../support/zookeeper.ts";

/**
 * Counterexamples the differential property test (tests/property/server-differential.test.ts)
 * found between the embedded server and the real ZooKeeper, and differences found by sending
 * both the same raw requests, each kept as a plain test of what the real server does. It runs against the real server and, in the embedded run, against
 * stormkeeper/server.
 */
describe("counterexamples of the embedded-vs-real differential test", () => {
  let zk: ZooKeeperClient;
  let root: string;

  suiteFixture(() => sandbox("diff-cases"), (box) => ({ zk, root } = box));

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

  test("a watcher without READ on the node gets no event, and its watch is used up", async () => {
    // Shrunk counterexample: exists(b, watch) by one session; another, with a digest identity,
    // creates b with CREATOR_ALL_ACL. ZooKeeper (with CVE-2024-23944's fix) checks the watcher's
    // READ on the node before it sends the event.
    const owner = await connect(sharedConnectString());
    try {
      await owner.addAuth("digest", "diff-owner:secret");
      const seen: string[] = [];
      await zk.exists(`${root}/private`, { watch: (e) => seen.push(`${e.type} ${e.path}`) });
      await zk.exists(`${root}/open`, { watch: (e) => seen.push(`${e.type} ${e.path}`) });
      await owner.create(`${root}/private`, undefined, { acl: CREATOR_ALL_ACL });
      await owner.create(`${root}/open`);
      await until(() => seen.length > 0, 10_000, "the open node's event");
      await owner.setData(`${root}/private`, new Uint8Array([1]));
      await zk.sync(root);
      assert.deepEqual(seen, [`NodeCreated ${root}/open`]);
      // The child watch of the (open) parent does see the private node go.
      const children = deferred<string>(10_000, "the parent's children changed");
      await zk.getChildren(root, { watch: (e) => children.resolve(e.type) });
      await owner.delete(`${root}/private`);
      assert.equal(await children.promise, "NodeChildrenChanged");
    } finally {
      await owner.close();
    }
  });

  test("a multi that fails leaves the one-shot watches its ops would have fired armed", async () => {
    // Shrunk counterexample: exists(n, watch); multi(delete n, create under a missing parent)
    // fails and is rolled back; then setData(n) must fire the watch.
    await zk.create(`${root}/armed`);
    const fired = deferred<string>(10_000, "the watch, still armed");
    await zk.exists(`${root}/armed`, { watch: (e) => fired.resolve(e.type) });
    await assert.rejects(zk.multi().delete(`${root}/armed`).create(`${root}/missing/child`).commit(), {
      code: "NoNode",
    });
    await zk.setData(`${root}/armed`, new Uint8Array([1]));
    assert.equal(await fired.promise, "NodeDataChanged");
  });

  test("in a multi, container and TTL creates answer with a Stat, plain creates with the path alone", async () => {
    // Shrunk counterexample: create a; multi(create a/y as a container).
    await zk.create(`${root}/m`);
    const results = await zk.multi()
      .create(`${root}/m/plain`)
      .create(`${root}/m/box`, undefined, { mode: "container" })
      .create(`${root}/m/ttl`, undefined, { mode: "persistent-ttl", ttl: 3_600_000 })
      .commit();
    assert.deepEqual(
      results.map((
        r,
      ) => (r.type === "create" ? [r.path.slice(root.length), r.stat?.numChildren, r.stat?.version] : r.type)),
      [
        ["/m/plain", undefined, undefined],
        ["/m/box", 0, 0],
        ["/m/ttl", 0, 0],
      ],
    );
    const box = results[1];
    assert.ok(box?.type === "create" && box.stat !== undefined);
    assert.deepEqual(box.stat, await zk.exists(`${root}/m/box`));
  });

  test("checkWatches and removeWatches: NoWatcher without a watch, and for checkWatches of \"\"; MarshallingError for an unknown type and a checkWatches path without '/'", async () => {
    // Found by probing both servers: checkWatches of "" was MarshallingError on the embedded one.
    // Raw requests, since the client never sends these paths or types; closeSession last, so the
    // server's close ends the exchange once every reply is in.
    const p = `${root}/unwatched`;
    await zk.create(p);
    const requests: [number, (w: JuteWriter) => void][] = [
      [OpCode.exists, (w) => writePathWatchRequest(w, p, true)],
      [OpCode.checkWatches, (w) => writePathIntRequest(w, p, 2)],
      [OpCode.checkWatches, (w) => writePathIntRequest(w, p, 1)],
      [OpCode.removeWatches, (w) => writePathIntRequest(w, p, 1)],
      [OpCode.checkWatches, (w) => writePathIntRequest(w, "", 3)],
      [OpCode.checkWatches, (w) => writePathIntRequest(w, "relative", 3)],
      [OpCode.removeWatches, (w) => writePathIntRequest(w, "relative", 3)],
      [OpCode.checkWatches, (w) => writePathIntRequest(w, p, 0)],
      [OpCode.checkWatches, (w) => writePathIntRequest(w, p, 6)],
      [OpCode.removeWatches, (w) => writePathIntRequest(w, p, -1)],
      [OpCode.removeWatches, (w) => writePathIntRequest(w, p, 2)],
      [OpCode.removeWatches, (w) => writePathIntRequest(w, p, 2)],
      [OpCode.checkWatches, (w) => writePathIntRequest(w, p, 3)],
      [OpCode.closeSession, () => {}],
    ];
    const steps = requests.map(([opcode, body], i) =>
      frame((w) => {
        writeRequestHeader(w, i + 1, opcode);
        body(w);
      })
    );
    const port = Number(sharedConnectString().split(":").pop());
    const outcome = await exchange(port, [handshake(), ...steps], 10_000);
    const errs = [0, 0, -121, -121, -121, -5, -121, -5, -5, -5, 0, -121, -121, 0];
    assert.deepEqual(outcome.frames.slice(1), errs.map((err, i) => `xid=${i + 1} err=${err}`));
    assert.equal(outcome.closed, true);
  });
});
