import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ZooKeeperClient } from "../../src/zookeeper.ts";
import { DistributedBarrier, DistributedDoubleBarrier, LeaderSelector, RecipeError } from "../../src/recipes.ts";
import { deferred, endSession, until } from "../support/zookeeper.ts";
import { recipeError, recipeSuite } from "../support/recipe-suite.ts";

const suite = recipeSuite("recipes-coordination");
const client = suite.client;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("LeaderSelector", () => {
  test("selectors take turns (never two leaders at once), requeue themselves, and name the leader by its id", async () => {
    const path = `${suite.box().root}/selector-a`;
    let leaders = 0;
    let maxLeaders = 0;
    const order: string[] = [];
    const participants: string[][] = [];
    const make = async (id: string): Promise<LeaderSelector> => {
      const selector: LeaderSelector = new LeaderSelector(await client(), path, async () => {
        maxLeaders = Math.max(maxLeaders, ++leaders);
        order.push(id);
        assert.ok(selector.hasLeadership());
        participants.push((await selector.getParticipants()).map((p) => `${p.id}${p.isLeader ? "*" : ""}`));
        // Long enough for the other selector to queue again behind us (a few round trips).
        await delay(150);
        leaders--;
      }, { id });
      selector.autoRequeue();
      return selector;
    };
    const a = await make("a");
    const b = await make("b");
    a.start();
    b.start();
    await until(
      () => order.filter((id) => id === "a").length >= 3 && order.filter((id) => id === "b").length >= 3,
      20_000,
      "three turns each",
    );
    await Promise.all([a.close(), b.close()]);
    assert.equal(maxLeaders, 1);
    // Both queued: the mutex's FIFO order hands leadership over each time.
    assert.ok(
      order.slice(2, 6).every((id, i, turns) => i === 0 || id !== turns[i - 1]),
      `turns alternate: ${order.join(" ")}`,
    );
    assert.ok(participants.every((p) => p.filter((x) => x.endsWith("*")).length === 1), JSON.stringify(participants));
    assert.ok(participants.some((p) => p.length === 2));
    assert.deepEqual(await a.getParticipants(), []);
    assert.equal(await a.getLeader(), undefined);
  });

  test("interruptLeadership aborts the turn's signal; without autoRequeue it contends again only on requeue()", async () => {
    const path = `${suite.box().root}/selector-b`;
    let turns = 0;
    let started = deferred<AbortSignal>(10_000, "leadership");
    const selector = new LeaderSelector(await client(), path, (signal) => {
      turns++;
      started.resolve(signal);
      return new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    });
    assert.throws(() => selector.requeue(), recipeError("CLOSED"));
    selector.start();
    const signal = await started.promise;
    assert.ok(selector.hasLeadership());
    assert.equal(selector.requeue(), false, "a turn is queued already");
    selector.interruptLeadership();
    assert.ok(signal.aborted);
    assert.ok(signal.reason instanceof RecipeError && signal.reason.code === "ABORTED");
    await until(() => !selector.hasLeadership(), 10_000, "leadership ends");
    await delay(200);
    assert.equal(turns, 1);
    assert.deepEqual(await selector.getParticipants(), [], "the mutex was released");
    started = deferred<AbortSignal>(10_000, "leadership again");
    assert.equal(selector.requeue(), true);
    await started.promise;
    assert.equal(turns, 2);
    await selector.close();
    assert.ok(!selector.hasLeadership());
    assert.equal(await selector.getLeader(), undefined);
  });

  test("a leader whose session ends is interrupted (LOST) and the other selector takes over", async () => {
    const path = `${suite.box().root}/selector-c`;
    const victim = await client();
    const interrupted = deferred<void>(20_000, "the victim's interruption");
    const first = new LeaderSelector(victim, path, (signal) =>
      new Promise<void>((resolve) => {
        signal.addEventListener("abort", () => {
          interrupted.resolve();
          resolve();
        }, { once: true });
      }), { id: "victim" });
    first.start();
    await until(() => first.hasLeadership(), 10_000, "the victim leads");
    const taken = deferred<void>(30_000, "the survivor leads");
    const second = new LeaderSelector(await client(), path, () => {
      taken.resolve();
    }, { id: "survivor" });
    second.start();
    assert.equal((await second.getLeader())?.id, "victim");
    await endSession(victim);
    await interrupted.promise;
    await taken.promise;
    await Promise.all([first.close(), second.close()]);
  });

  test("close() waits for takeLeadership to return and releases the mutex; await using closes", async () => {
    const path = `${suite.box().root}/selector-d`;
    let returned = false;
    const zk = await client();
    {
      await using selector = new LeaderSelector(zk, path, async (signal) => {
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        await delay(50);
        returned = true;
      }, { id: "d" });
      selector.start();
      await until(() => selector.hasLeadership(), 10_000, "leadership");
      assert.deepEqual(await selector.getParticipants(), [{ id: "d", isLeader: true }]);
    }
    assert.ok(returned);
    assert.deepEqual((await zk.getChildren(path)).children, []);
  });

  test("a takeLeadership that throws is reported on error and the turn still ends", async () => {
    const path = `${suite.box().root}/selector-e`;
    const reported = deferred<unknown>(10_000, "the error");
    const selector = new LeaderSelector(await client(), path, () => {
      throw new Error("boom");
    });
    selector.on("error", (e) => reported.resolve(e));
    selector.start();
    assert.equal(((await reported.promise) as Error).message, "boom");
    await until(() => !selector.hasLeadership(), 10_000, "leadership ends");
    await selector.close();
  });
});

describe("DistributedBarrier", () => {
  test("waiters pass an unset barrier, wait while it is set (timeout, abort), and all go when it is removed", async () => {
    const path = `${suite.box().root}/barrier-a/gate`;
    const setter = new DistributedBarrier(await client(), path);
    await new DistributedBarrier(await client(), path).waitOnBarrier({ timeout: 5_000 });
    await setter.setBarrier();
    await setter.setBarrier(); // idempotent
    const waiter = new DistributedBarrier(await client(), path);
    await assert.rejects(waiter.waitOnBarrier({ timeout: 100 }), recipeError("TIMEOUT"));
    await assert.rejects(waiter.waitOnBarrier({ signal: AbortSignal.abort() }), recipeError("ABORTED"));
    let passed = 0;
    const waits = [waiter, new DistributedBarrier(await client(), path)].map((b) =>
      b.waitOnBarrier({ timeout: 20_000 }).then(() => passed++)
    );
    await delay(200);
    assert.equal(passed, 0);
    await setter.removeBarrier();
    await Promise.all(waits);
    assert.equal(passed, 2);
    await setter.removeBarrier(); // not set: no error
  });
});

describe("DistributedDoubleBarrier", () => {
  test("members enter only together, under Curator's layout, and leave only together", async () => {
    const path = `${suite.box().root}/double-a`;
    const members = await Promise.all([0, 1, 2].map(async () => new DistributedDoubleBarrier(await client(), path, 3)));
    const entered: number[] = [];
    const first = members.slice(0, 2).map((m, i) => m.enter({ timeout: 20_000 }).then(() => entered.push(i)));
    await delay(300);
    assert.deepEqual(entered, []);
    const names = (await suite.box().zk.getChildren(path)).children.sort();
    assert.deepEqual(names, members.slice(0, 2).map((m) => m.ourPath.slice(path.length + 1)).sort());
    assert.ok(names.every((n) => /^[0-9a-f-]{36}$/.test(n)));
    await members[2]!.enter({ timeout: 20_000 });
    await Promise.all(first);
    assert.ok((await suite.box().zk.exists(`${path}/ready`)) !== null);

    let left = 0;
    const leaving = members.slice(0, 2).map((m) => m.leave({ timeout: 20_000 }).then(() => left++));
    await delay(300);
    assert.equal(left, 0, "nobody leaves before the last member begins to");
    await members[2]!.leave({ timeout: 20_000 });
    await Promise.all(leaving);
    assert.deepEqual((await suite.box().zk.getChildren(path)).children, []);
  });

  test("a member that gives up entering (timeout, abort) deletes its node; leave without enter is refused", async () => {
    const path = `${suite.box().root}/double-b`;
    const member = new DistributedDoubleBarrier(await client(), path, 2);
    await assert.rejects(member.enter({ timeout: 200 }), recipeError("TIMEOUT"));
    assert.deepEqual((await suite.box().zk.getChildren(path)).children, []);
    const controller = new AbortController();
    const entering = member.enter({ signal: controller.signal });
    await delay(100);
    controller.abort();
    await assert.rejects(entering, recipeError("ABORTED"));
    assert.deepEqual((await suite.box().zk.getChildren(path)).children, []);
    await assert.rejects(member.leave(), recipeError("ILLEGAL_STATE"));
    assert.throws(() => new DistributedDoubleBarrier(suite.box().zk, path, 0), RangeError);
  });

  test("a member whose session ends while it waits to enter gets SESSION_LOST", async () => {
    const path = `${suite.box().root}/double-d`;
    const victim = await client();
    const entering = new DistributedDoubleBarrier(victim, path, 2).enter({ timeout: 30_000 });
    await delay(200);
    await endSession(victim);
    await assert.rejects(entering, recipeError("SESSION_LOST"));
    assert.deepEqual((await suite.box().zk.getChildren(path)).children, [], "its ephemeral node went with the session");
  });

  test("await using withdraws a member that did not leave", async () => {
    const path = `${suite.box().root}/double-c`;
    const zk = await client();
    {
      await using member = new DistributedDoubleBarrier(zk, path, 1);
      await member.enter({ timeout: 5_000 });
      assert.equal((await zk.getChildren(path)).children.length, 2, "our node and ready");
    }
    assert.deepEqual((await zk.getChildren(path)).children, ["ready"]);
  });
});
