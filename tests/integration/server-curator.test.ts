import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type ZooKeeperClient, ZooKeeperError } from "../../mod.ts";
import { type ServerHandle, startServer } from "../../src/server.ts";
import { compileJava, type JavaPeer, startJava } from "../support/java.ts";

/**
 * Apache Curator 5.4 (Debian's libcurator-recipes-java), a client nobody here wrote, against the
 * embedded server: tests/integration/peers/CuratorScenario.java runs LeaderLatch,
 * InterProcessMutex and CuratorCache with two Curator clients and prints what it saw.
 */
describe("Curator recipes against the embedded server", () => {
  let server: ServerHandle;
  let zk: ZooKeeperClient;
  let java: JavaPeer | undefined;

  before(async () => {
    server = await startServer();
    zk = await connect(server.connectString);
  });
  after(async () => {
    await java?.kill();
    await zk.close();
    await server.close();
  });

  test("LeaderLatch fails over, InterProcessMutex serialises 80 increments, CuratorCache follows changes", async () => {
    java = startJava(compileJava("tests/integration/peers/CuratorScenario.java"), [server.connectString]);
    const lines: string[] = [];
    for (let line = await java.next(120_000); line !== "done"; line = await java.next(120_000)) lines.push(line);
    assert.deepEqual(lines, [
      "latch.participants 2",
      "latch.leader a true false",
      "latch.failover b true",
      "mutex.counter 80",
      "mutex.locks 0",
      "cache.initial created /curator/cache root, created /curator/cache/before x",
      "cache.event created /curator/cache/n 1",
      "cache.event changed /curator/cache/n 2",
      "cache.event deleted /curator/cache/n",
      "cache.size 2 false",
    ]);
    // What Curator left, seen by stormkeeper: the counter it raised, no lock or latch nodes (their
    // parents are containers, which the server may already have reaped).
    assert.equal(new TextDecoder().decode((await zk.getData("/curator/counter")).data), "80");
    const left = (path: string) =>
      zk.getChildren(path).then((r) => r.children, (e: unknown) => {
        if (e instanceof ZooKeeperError && e.code === "NoNode") return [];
        throw e;
      });
    assert.deepEqual(await left("/curator/lock"), []);
    assert.deepEqual(await left("/curator/latch"), []);
  });
});
