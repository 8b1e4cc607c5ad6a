/**
 * Interop with Apache Curator 5.4 itself for LeaderSelector, SharedCount, DistributedAtomicLong
 * and the barriers: a Java peer (tests/recipes/java/CuratorCoordinationPeer.java) and stormkeeper
 * work on the same paths.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ZooKeeperClient } from "../../src/zookeeper.ts";
import {
  DistributedAtomicLong,
  DistributedBarrier,
  DistributedDoubleBarrier,
  LeaderSelector,
  SharedCount,
} from "../../src/recipes.ts";
import { isZooKeeperError } from "../../src/recipes/protected-create.ts";
import { suiteFixture } from "../support/fixtures.ts";
import type { JavaPeer } from "../support/java.ts";
import { curatorInterop } from "../support/recipe-suite.ts";
import { deferred, type Sandbox, until } from "../support/zookeeper.ts";

let box: Sandbox;
let java: JavaPeer;
let zk: ZooKeeperClient;
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Polls the server until `check` holds (every 25 ms, at most `timeoutMs`). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !(await check()); await delay(25)) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}

suiteFixture(
  () => curatorInterop("recipes-curator-coordination", "tests/recipes/java/CuratorCoordinationPeer.java"),
  (setting) => ({ box, java, zk } = setting),
);

describe("LeaderSelector with Curator's LeaderSelector", () => {
  test("Java and stormkeeper selectors take turns on one path, never two leaders at once", async () => {
    const TURNS = 5;
    await zk.create(`${box.root}/sel-log`);
    java.send(`selector.turns /sel java ${TURNS} 150 /sel-marker /sel-log`);
    let ours = 0;
    let violations = 0;
    const selector = new LeaderSelector(zk, `${box.root}/sel`, async () => {
      if (ours >= TURNS) return;
      try {
        await zk.create(`${box.root}/sel-marker`, new TextEncoder().encode("ts"), { mode: "ephemeral" });
      } catch (error) {
        if (!isZooKeeperError(error, "NodeExists")) throw error;
        violations++;
      }
      await zk.create(`${box.root}/sel-log/turn-`, new TextEncoder().encode("ts"), { mode: "persistent-sequential" });
      await delay(150);
      await zk.delete(`${box.root}/sel-marker`);
      ours++;
    }, { id: "ts" });
    selector.on("error", (e) => assert.fail(e as Error));
    selector.autoRequeue();
    selector.start();
    assert.equal(await java.next(120_000), "done 0", "Curator saw no second leader");
    await until(() => ours >= TURNS, 60_000, "our turns");
    await selector.close();
    assert.equal(violations, 0, "we saw no second leader");
    const log = (await zk.getChildren(`${box.root}/sel-log`)).children.sort();
    const ids = await Promise.all(
      log.map(async (node) => text((await zk.getData(`${box.root}/sel-log/${node}`)).data)),
    );
    assert.equal(ids.filter((id) => id === "java").length, TURNS);
    assert.equal(ids.filter((id) => id === "ts").length, TURNS);
    const handovers = ids.filter((id, i) => i > 0 && id !== ids[i - 1]).length;
    assert.ok(handovers >= 2, `leadership passed both ways: ${ids.join(" ")}`);
  });

  test("each names the other's leader; Curator's leader hands over to ours", async () => {
    assert.equal(await java.ask("selector.hold /sel-b java-b", 30_000), "leading");
    const leading = deferred<void>(20_000, "ours leads");
    const release = deferred<void>(20_000, "release");
    const selector = new LeaderSelector(zk, `${box.root}/sel-b`, async () => {
      leading.resolve();
      await release.promise;
    }, { id: "ts-b" });
    selector.start();
    await eventually(async () => (await selector.getParticipants()).length === 2, "our node queued");
    assert.deepEqual(await selector.getLeader(), { id: "java-b", isLeader: true });
    assert.deepEqual((await selector.getParticipants()).map((p) => p.id), ["java-b", "ts-b"]);
    assert.ok(!selector.hasLeadership());
    assert.equal(await java.ask("selector.release"), "released");
    await leading.promise;
    assert.equal(await java.ask("selector.leader /sel-b"), "leader ts-b");
    release.resolve();
    await selector.close();
  });
});

describe("counters shared with Curator", () => {
  test("SharedCount: Java and stormkeeper incrementing with trySetCount lose no update (30 + 30 = 60)", async () => {
    const count = new SharedCount(zk, `${box.root}/count`, 0);
    await count.start();
    java.send("count.inc /count 30");
    for (let i = 0; i < 30; i++) {
      for (let tries = 0;; tries++) {
        assert.ok(tries < 1_000, "bounded retries");
        const seen = count.getVersionedValue();
        if (await count.trySetCount(seen, seen.value + 1)) break;
      }
    }
    assert.equal(await java.next(120_000), "done");
    assert.equal(await java.ask("count.get /count"), "count 60");
    await until(() => count.getCount() === 60, 10_000, "our copy reaches 60");
    await count.setCount(-5);
    assert.equal(await java.ask("count.get /count"), "count -5");
    await count.close();
  });

  test("DistributedAtomicLong: Java and stormkeeper increments lose no update (30 + 30 = 60)", async () => {
    const counter = new DistributedAtomicLong(zk, `${box.root}/long`, {
      retry: { maxRetries: 1_000, baseSleepMs: 5, maxSleepMs: 50 },
    });
    java.send("long.inc /long 30");
    for (let i = 0; i < 30; i++) assert.ok((await counter.increment()).succeeded);
    assert.equal(await java.next(120_000), "done");
    assert.equal((await counter.get()).postValue, 60n);
    assert.equal(await java.ask("long.get /long"), "long 60");
    await counter.add(2n ** 40n);
    assert.equal(await java.ask("long.get /long"), `long ${2n ** 40n + 60n}`);
  });
});

describe("barriers shared with Curator", () => {
  test("DistributedDoubleBarrier: a Java and a stormkeeper member enter and leave together, either first", async () => {
    const path = `${box.root}/double`;
    const ours = new DistributedDoubleBarrier(zk, path, 2);
    // Java first: it waits in enter until we come.
    java.send("dbarrier.enter /double 2 30000");
    await eventually(
      async () => (await zk.exists(path)) !== null && (await zk.getChildren(path)).children.length > 0,
      "Java's member node",
    );
    assert.deepEqual(
      (await zk.getChildren(path)).children.map((c) => /^[0-9a-f-]{36}$/.test(c)),
      [true],
      "Java's member node, no ready yet",
    );
    await ours.enter({ timeout: 30_000 });
    assert.equal(await java.next(30_000), "entered");
    java.send("dbarrier.leave 30000");
    await ours.leave({ timeout: 30_000 });
    assert.equal(await java.next(30_000), "left");
    assert.deepEqual((await zk.getChildren(path)).children, []);

    // Ours first: we wait until Java comes.
    const second = new DistributedDoubleBarrier(zk, path, 2);
    const entering = second.enter({ timeout: 30_000 });
    await delay(300);
    assert.equal(await java.ask("dbarrier.enter /double 2 30000", 40_000), "entered");
    await entering;
    const leaving = second.leave({ timeout: 30_000 });
    assert.equal(await java.ask("dbarrier.leave 30000", 40_000), "left");
    await leaving;
    assert.deepEqual((await zk.getChildren(path)).children, []);
  });

  test("DistributedBarrier: set on one side holds the other's waiters until removed", async () => {
    const ours = new DistributedBarrier(zk, `${box.root}/gate`);
    assert.equal(await java.ask("barrier.set /gate"), "set");
    const waiting = ours.waitOnBarrier({ timeout: 30_000 });
    assert.equal(await java.ask("barrier.remove /gate"), "removed");
    await waiting;
    await ours.setBarrier();
    assert.equal(await java.ask("barrier.wait /gate 300"), "timeout");
    java.send("barrier.wait /gate 30000");
    await delay(200);
    await ours.removeBarrier();
    assert.equal(await java.next(30_000), "passed");
  });
});
