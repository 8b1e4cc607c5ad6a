/**
 * Interop with Apache Curator 5.4 itself: a Java peer (tests/recipes/java/CuratorPeer.java) and
 * stormkeeper contend on the same paths.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ZooKeeperClient } from "../../src/zookeeper.ts";
import {
  InterProcessMutex,
  InterProcessReadWriteLock,
  InterProcessSemaphoreV2,
  LeaderLatch,
  RecipeError,
} from "../../src/recipes.ts";
import { suiteFixture } from "../support/fixtures.ts";
import type { JavaPeer } from "../support/java.ts";
import { curatorInterop } from "../support/recipe-suite.ts";
import { deferred, type Sandbox } from "../support/zookeeper.ts";

let box: Sandbox;
let java: JavaPeer;
let zk: ZooKeeperClient;
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const isTimeout = (e: unknown): boolean => e instanceof RecipeError && e.code === "TIMEOUT";

suiteFixture(
  () => curatorInterop("recipes-curator", "tests/recipes/java/CuratorPeer.java"),
  (setting) => ({ box, java, zk } = setting),
);

describe("LeaderLatch with Curator's LeaderLatch", () => {
  test("one leader at a time, failover both ways, each naming the other's leader", async () => {
    const path = `${box.root}/election`;
    // Java's client is chrooted at the sandbox root.
    assert.equal(await java.ask("latch.start /election java:1"), "ok");
    assert.equal(await java.ask("latch.await 20000", 30_000), "leader");
    const ours = new LeaderLatch(zk, path, "node:2");
    await ours.start();
    assert.ok(!ours.hasLeadership());
    assert.deepEqual(await ours.getLeader(), { id: "java:1", isLeader: true });
    assert.equal(await java.ask("latch.has"), "true");

    // Curator → stormkeeper.
    const gained = deferred<void>(20_000, "stormkeeper leads");
    ours.on("isLeader", () => gained.resolve());
    assert.equal(await java.ask("latch.close"), "ok");
    await gained.promise;
    assert.equal(await java.ask("latch.start /election java:3"), "ok");
    assert.equal(await java.ask("latch.has"), "false");
    assert.equal(await java.ask("latch.leader"), "leader node:2");
    assert.match(await java.ask("latch.path"), /^path \/election\/_c_[0-9a-f-]{36}-latch-\d{10}$/);

    // stormkeeper → Curator.
    await ours.close();
    assert.equal(await java.ask("latch.await 20000", 30_000), "leader");
    assert.deepEqual((await ours.getParticipants()).map((p) => p.id), ["java:3"]);
    assert.equal(await java.ask("latch.close"), "ok");
  });
});

describe("locks shared with Curator", () => {
  test("InterProcessMutex excludes both ways", async () => {
    const path = `${box.root}/mutex-x`;
    assert.equal(await java.ask("mutex.acquire /mutex-x 10000"), "acquired");
    const ours = new InterProcessMutex(zk, path);
    await assert.rejects(ours.acquire({ timeout: 200 }), isTimeout);
    const waiting = ours.acquire({ timeout: 20_000 });
    assert.equal(await java.ask("release"), "released");
    const lease = await waiting;
    assert.equal(await java.ask("mutex.acquire /mutex-x 300"), "timeout");
    await lease.release();
  });

  for (const kind of ["mutex", "write"] as const) {
    test(`Java and stormkeeper incrementing one counter under one ${kind === "mutex" ? "InterProcessMutex" : "write lock"} lose no update (30 + 30 = 60)`, async () => {
      const lockPath = `/${kind}-counter-lock`;
      const counter = `/${kind}-counter`;
      await zk.create(`${box.root}${counter}`, new TextEncoder().encode("0"));
      java.send(`${kind}.inc ${lockPath} ${counter} 30`);
      const lock = kind === "mutex"
        ? new InterProcessMutex(zk, `${box.root}${lockPath}`)
        : new InterProcessReadWriteLock(zk, `${box.root}${lockPath}`).writeLock;
      for (let i = 0; i < 30; i++) {
        await using _held = await lock.acquire({ timeout: 60_000 });
        const { data } = await zk.getData(`${box.root}${counter}`);
        await zk.setData(`${box.root}${counter}`, new TextEncoder().encode(String(Number(text(data)) + 1)));
      }
      assert.equal(await java.next(120_000), "done");
      assert.equal(text((await zk.getData(`${box.root}${counter}`)).data), "60");
    });
  }

  test("read/write lock: Curator's writer excludes our readers and writers; readers share across both", async () => {
    const rw = new InterProcessReadWriteLock(zk, `${box.root}/rw`);
    assert.equal(await java.ask("write.acquire /rw 10000"), "acquired");
    await assert.rejects(rw.readLock.acquire({ timeout: 300 }), isTimeout);
    await assert.rejects(rw.writeLock.acquire({ timeout: 300 }), isTimeout);
    const reading = rw.readLock.acquire({ timeout: 20_000 });
    assert.equal(await java.ask("release"), "released");
    const read = await reading;
    // A Curator reader shares with ours; a Curator writer waits for it.
    assert.equal(await java.ask("read.acquire /rw 10000"), "acquired");
    assert.equal(await java.ask("release"), "released");
    assert.equal(await java.ask("write.acquire /rw 300"), "timeout");
    await read.release();
    assert.equal(await java.ask("write.acquire /rw 10000"), "acquired");
    assert.equal(await java.ask("release"), "released");
  });

  test("the semaphore's lease count holds across Curator and stormkeeper", async () => {
    const path = `${box.root}/sem`;
    assert.equal(await java.ask("sem.acquire /sem 2 10000"), "acquired");
    const ours = new InterProcessSemaphoreV2(zk, path, 2);
    const [lease] = await ours.acquire(1, { timeout: 10_000 });
    assert.equal((await ours.participantNodes()).length, 2);
    await assert.rejects(ours.acquire(1, { timeout: 300 }), isTimeout);
    assert.equal(await java.ask("sem.acquire /sem 2 300"), "timeout");
    assert.equal((await ours.participantNodes()).length, 2);
    assert.equal(await java.ask("sem.release"), "released");
    const [again] = await ours.acquire(1, { timeout: 10_000 });
    assert.match(again!.path, /\/sem\/leases\/_c_[0-9a-f-]{36}-lease-\d{10}$/);
    await Promise.all([lease!.release(), again!.release()]);
    assert.equal(await java.ask("sem.acquire /sem 2 10000"), "acquired");
    assert.equal(await java.ask("sem.release"), "released");
  });
});
