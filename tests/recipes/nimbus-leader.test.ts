/**
 * Storm's nimbus leader read from Curator's latch at `<root>/leader-lock`, with Curator's own
 * LeaderLatch as the other nimbus, and the CLI's `leader` command reading it.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import { createStormClusterState, parseNimbusId, type StormClusterState } from "../../src/storm.ts";
import { runCli } from "../cli/support.ts";
import { compileJava, type JavaPeer, startJava } from "../support/java.ts";
import { deferred, sharedConnectString, uniqueRoot } from "../support/zookeeper.ts";

let storm: StormClusterState;
let java: JavaPeer;
const root = uniqueRoot("storm-leader");

before(async () => {
  storm = await createStormClusterState({ connectString: sharedConnectString(), root });
  java = startJava(compileJava("tests/recipes/java/CuratorPeer.java"), [`${sharedConnectString()}${root}`]);
  assert.equal(await java.next(60_000), "ready");
});
after(async () => {
  await java?.stop();
  await storm?.state.client.deleteRecursive("/leader-lock").catch(() => {});
  await storm?.disconnect();
});

test("parseNimbusId reads host:port, splitting at the last colon, and refuses anything else", () => {
  fc.assert(fc.property(fc.domain(), fc.integer({ min: 0, max: 65_535 }), (host, port) => {
    assert.deepEqual(parseNimbusId(`${host}:${port}`), { host, port });
  }));
  for (const bad of ["", "host", ":6627", "host:", "host:99999", "host:66x"]) {
    assert.equal(parseNimbusId(bad), undefined, bad);
  }
});

test("storm.leader() names Curator's elected nimbus, then ours after failover; the CLI reads it from the latch", async () => {
  assert.equal(await storm.leader(), undefined);
  // Without a latch the CLI falls back to the nimbus summaries.
  await storm.addNimbusHost("nimbus-old:6627", {
    host: "nimbus-old",
    port: 6627,
    uptimeSecs: 1,
    isLeader: true,
    version: "2.8.0",
  });
  const before = JSON.parse((await runCli(["leader", "--json", "--zk", sharedConnectString(), "--root", root])).stdout);
  assert.deepEqual([before.leader, before.leaderSource], ["nimbus-old:6627", "nimbus-summaries"]);

  assert.equal(await java.ask("latch.start /leader-lock nimbus-a.example:6627"), "ok");
  assert.equal(await java.ask("latch.await 20000", 30_000), "leader");
  assert.deepEqual(await storm.leader(), { host: "nimbus-a.example", port: 6627 });

  const ours = await storm.nimbusElection("nimbus-b.example:6628");
  assert.ok(!ours.hasLeadership());
  const gained = deferred<void>(20_000, "our nimbus leads");
  ours.on("isLeader", () => gained.resolve());
  assert.equal(await java.ask("latch.close"), "ok");
  await gained.promise;
  assert.deepEqual(await storm.leader(), { host: "nimbus-b.example", port: 6628 });

  const run = await runCli(["leader", "--json", "--zk", sharedConnectString(), "--root", root]);
  const view = JSON.parse(run.stdout);
  assert.equal(view.leader, "nimbus-b.example:6628");
  assert.equal(view.leaderSource, "leader-lock");
  await ours.close();
  assert.equal(await storm.leader(), undefined);
});
