import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ZooKeeperClient } from "../../src/zookeeper.ts";
import { InterProcessMutex, LeaderLatch, RecipeError } from "../../src/recipes.ts";
import { deferred, endSession, type Sandbox } from "../support/zookeeper.ts";
import { recipeSuite } from "../support/recipe-suite.ts";

let box: Sandbox;
const { client } = recipeSuite("recipes-locks", (opened) => (box = opened));

/** Two latches on `path`, each on a client of its own (`a` on `clientOfA` when given): `a` started and leading, then `b` started behind it. */
async function leaderAndFollower(
  path: string,
  idA: string,
  idB: string,
  clientOfA?: ZooKeeperClient,
): Promise<{ a: LeaderLatch; b: LeaderLatch }> {
  const a = new LeaderLatch(clientOfA ?? await client(), path, idA);
  const b = new LeaderLatch(await client(), path, idB);
  await a.start();
  await a.await({ timeout: 10_000 });
  await b.start();
  return { a, b };
}

describe("LeaderLatch", () => {
  test("the first participant leads; the next takes over when it closes; nodes are protected with the id as data", async () => {
    const path = `${box.root}/latch-a`;
    const { a, b } = await leaderAndFollower(path, "a:1", "b:2");
    assert.ok(a.hasLeadership());
    assert.ok(!b.hasLeadership());
    assert.match(b.getOurPath()!, /\/_c_[0-9a-f-]{36}-latch-\d{10}$/);
    assert.deepEqual(await b.getParticipants(), [{ id: "a:1", isLeader: true }, { id: "b:2", isLeader: false }]);
    const gained = deferred<void>(10_000, "b leads");
    b.on("isLeader", () => gained.resolve());
    await a.close();
    await gained.promise;
    assert.deepEqual(await a.getLeader(), { id: "b:2", isLeader: true });
    await b.close();
    assert.equal(await a.getLeader(), undefined);
  });

  test("await ends by timeout or abort with a RecipeError", async () => {
    const path = `${box.root}/latch-b`;
    const { a, b } = await leaderAndFollower(path, "a", "b");
    await assert.rejects(b.await({ timeout: 50 }), (e: unknown) => e instanceof RecipeError && e.code === "TIMEOUT");
    await assert.rejects(
      b.await({ signal: AbortSignal.abort() }),
      (e: unknown) => e instanceof RecipeError && e.code === "ABORTED",
    );
    await Promise.all([a.close(), b.close()]);
  });

  test("a leader whose session ends loses leadership and the other participant takes over", async () => {
    const path = `${box.root}/latch-c`;
    const victim = await client();
    const { a, b } = await leaderAndFollower(path, "a", "b", victim);
    const lost = deferred<void>(20_000, "a loses");
    a.on("notLeader", () => lost.resolve());
    await endSession(victim);
    await lost.promise;
    assert.ok(!a.hasLeadership());
    await b.await({ timeout: 20_000 });
    assert.deepEqual((await b.getParticipants()).map((p) => p.id), ["b"]);
    await Promise.all([a.close().catch(() => {}), b.close()]);
  });
});

describe("InterProcessMutex", () => {
  test("excludes across clients, is reentrant per object, and releases with await using", async () => {
    const path = `${box.root}/mutex-a`;
    const m1 = new InterProcessMutex(await client(), path);
    const m2 = new InterProcessMutex(await client(), path);
    {
      await using lock = await m1.acquire({ timeout: 10_000 });
      assert.match(lock.path, /\/_c_[0-9a-f-]{36}-lock-\d{10}$/);
      const again = await m1.acquire({ timeout: 1_000 });
      assert.equal(again.path, lock.path);
      await again.release();
      assert.ok(m1.isAcquiredInThisProcess());
      await assert.rejects(
        m2.acquire({ timeout: 100 }),
        (e: unknown) => e instanceof RecipeError && e.code === "TIMEOUT",
      );
      // The timed-out contender left no node behind.
      assert.deepEqual(await m2.participantNodes(), [lock.path]);
    }
    assert.ok(!m1.isAcquiredInThisProcess());
    const lease = await m2.acquire({ timeout: 10_000 });
    await lease.release();
    await assert.rejects(lease.release(), (e: unknown) => e instanceof RecipeError && e.code === "ILLEGAL_STATE");
  });

  test("concurrent increments under the mutex lose no update", async () => {
    const path = `${box.root}/mutex-b`;
    const counter = `${box.root}/counter-b`;
    await box.zk.create(counter, new TextEncoder().encode("0"));
    const worker = async (zk: ZooKeeperClient, n: number): Promise<void> => {
      const mutex = new InterProcessMutex(zk, path);
      for (let i = 0; i < n; i++) {
        await using _lock = await mutex.acquire({ timeout: 30_000 });
        const { data } = await zk.getData(counter);
        await zk.setData(counter, new TextEncoder().encode(String(Number(new TextDecoder().decode(data)) + 1)));
      }
    };
    await Promise.all([worker(await client(), 15), worker(await client(), 15), worker(await client(), 15)]);
    assert.equal(new TextDecoder().decode((await box.zk.getData(counter)).data), "45");
  });

  test("a holder's session ending frees the lock for the next contender", async () => {
    const path = `${box.root}/mutex-c`;
    const victim = await client();
    await new InterProcessMutex(victim, path).acquire({ timeout: 10_000 });
    const waiting = new InterProcessMutex(await client(), path).acquire({ timeout: 20_000 });
    await endSession(victim);
    const lease = await waiting;
    await lease.release();
  });
});
