import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ZooKeeperClient } from "../../src/zookeeper.ts";
import {
  DistributedAtomicLong,
  InterProcessMutex,
  SharedCount,
  SharedValue,
  type ValueClient,
} from "../../src/recipes.ts";
import { deferred } from "../support/zookeeper.ts";
import { recipeError, recipeSuite } from "../support/recipe-suite.ts";

const suite = recipeSuite("recipes-counters");
const client = suite.client;

describe("SharedCount", () => {
  test("start seeds the node once (4 big-endian bytes); changes reach the other process's listeners", async () => {
    const path = `${suite.box().root}/count-a/jobs`;
    const a = new SharedCount(await client(), path, 7);
    const b = new SharedCount(await client(), path, 99);
    await a.start();
    await b.start();
    assert.equal(b.getCount(), 7, "the second seed is not written");
    assert.deepEqual([...(await suite.box().zk.getData(path)).data], [0, 0, 0, 7]);
    const seen = deferred<number>(10_000, "b hears the change");
    b.on("change", (n) => {
      if (n === -3) seen.resolve(n);
    });
    await a.setCount(-3);
    assert.equal(await seen.promise, -3);
    assert.equal(b.getCount(), -3);
    assert.deepEqual([...(await suite.box().zk.getData(path)).data], [0xff, 0xff, 0xff, 0xfd]);
    await Promise.all([a.close(), b.close()]);
    await assert.rejects(a.setCount(1), recipeError("CLOSED"));
  });

  test("trySetCount refuses a stale version and refreshes; loops of it lose no update across clients", async () => {
    const path = `${suite.box().root}/count-b`;
    const a = new SharedCount(await client(), path, 0);
    const b = new SharedCount(await client(), path, 0);
    await a.start();
    await b.start();
    const stale = b.getVersionedValue();
    assert.ok(await a.trySetCount(a.getVersionedValue(), 1));
    // The node moved on since b read it: refused at the server, then b's copy is refreshed.
    assert.equal(await b.trySetCount(stale, 5), false);
    assert.deepEqual(b.getVersionedValue(), { version: 1, value: 1 });
    const bump = async (count: SharedCount, n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        for (let tries = 0;; tries++) {
          assert.ok(tries < 1_000, "bounded");
          const seen = count.getVersionedValue();
          if (await count.trySetCount(seen, seen.value + 1)) break;
        }
      }
    };
    const c = new SharedCount(await client(), path, 0);
    await c.start();
    await Promise.all([bump(a, 20), bump(b, 20), bump(c, 20)]);
    const check = new SharedCount(suite.box().zk, path, 0);
    await check.start();
    assert.equal(check.getCount(), 61);
    await Promise.all([a.close(), b.close(), c.close(), check.close()]);
  });

  test("a node that is not a count is refused with CORRUPT_VALUE; SharedValue holds any bytes", async () => {
    const path = `${suite.box().root}/count-c`;
    await suite.box().zk.create(path, new Uint8Array([1, 2, 3]));
    await assert.rejects(new SharedCount(suite.box().zk, path, 0).start(), recipeError("CORRUPT_VALUE"));
    await using value = new SharedValue(suite.box().zk, path, new Uint8Array(0));
    await value.start();
    assert.deepEqual([...value.getValue()], [1, 2, 3]);
    assert.ok(await value.trySetValue(value.getVersionedValue(), new Uint8Array([9])));
    assert.deepEqual([...(await suite.box().zk.getData(path)).data], [9]);
    assert.throws(() => new SharedCount(suite.box().zk, path, 2 ** 31), RangeError);
  });
});

describe("DistributedAtomicLong", () => {
  test("the operations and their pre/post values; the node holds 8 big-endian bytes", async () => {
    const path = `${suite.box().root}/long-a/hits`;
    const counter = new DistributedAtomicLong(await client(), path);
    assert.deepEqual(await counter.get().then((r) => [r.succeeded, r.preValue, r.postValue]), [true, 0n, 0n]);
    assert.equal((await counter.compareAndSet(0n, 5n)).succeeded, false, "no node yet: nothing to compare");
    const first = await counter.increment();
    assert.deepEqual([first.succeeded, first.preValue, first.postValue], [true, 0n, 1n]);
    assert.deepEqual([...(await suite.box().zk.getData(path)).data], [0, 0, 0, 0, 0, 0, 0, 1]);
    assert.equal((await counter.add(2n ** 40n)).postValue, 2n ** 40n + 1n);
    assert.equal((await counter.subtract(2n ** 40n)).postValue, 1n);
    assert.equal((await counter.decrement()).postValue, 0n);
    const swapped = await counter.compareAndSet(0n, -9n);
    assert.deepEqual([swapped.succeeded, swapped.preValue, swapped.postValue], [true, 0n, -9n]);
    const refused = await counter.compareAndSet(0n, 1n);
    assert.deepEqual([refused.succeeded, refused.preValue, refused.postValue], [false, -9n, -9n]);
    assert.equal((await counter.trySet(2n ** 63n - 1n)).postValue, 2n ** 63n - 1n);
    assert.equal((await counter.increment()).postValue, -(2n ** 63n), "wraps as Java's long");
    assert.equal(await counter.initialize(3n), false);
    await counter.forceSet(42n);
    assert.equal((await counter.get()).postValue, 42n);
    const fresh = new DistributedAtomicLong(suite.box().zk, `${suite.box().root}/long-a/fresh`);
    assert.equal(await fresh.initialize(3n), true);
    assert.equal((await fresh.get()).postValue, 3n);
    await assert.rejects(counter.add(2n ** 63n), RangeError);
  });

  for (const promoted of [false, true]) {
    test(`concurrent increments from three clients lose no update${promoted ? " (promoted to a lock)" : ""}`, async () => {
      const path = `${suite.box().root}/long-b-${promoted}`;
      const options = promoted
        ? {
          retry: { maxRetries: 1, baseSleepMs: 5 },
          promotedToLock: { path: `${path}-lock`, timeout: 30_000, retry: { maxRetries: 5, baseSleepMs: 5 } },
        }
        : { retry: { maxRetries: 100, baseSleepMs: 5, maxSleepMs: 50 } };
      let optimisticTries = 0;
      let promotedTries = 0;
      const worker = async (zk: ZooKeeperClient): Promise<void> => {
        const counter = new DistributedAtomicLong(zk, path, options);
        for (let i = 0; i < 15; i++) {
          const r = await counter.increment();
          assert.ok(r.succeeded, `increment ${i} succeeded (${JSON.stringify(r.stats)})`);
          assert.equal(r.postValue, r.preValue + 1n);
          optimisticTries += r.stats.optimisticTries;
          promotedTries += r.stats.promotedLockTries;
        }
      };
      await Promise.all([worker(await client()), worker(await client()), worker(await client())]);
      assert.equal((await new DistributedAtomicLong(suite.box().zk, path).get()).postValue, 45n);
      assert.ok(optimisticTries >= 45);
      if (!promoted) assert.equal(promotedTries, 0);
    });
  }

  test("promoted to a lock: a lost optimistic race is retried under the mutex; waiting for it times out or aborts", async () => {
    const path = `${suite.box().root}/long-d`;
    const lockPath = `${path}-lock`;
    const zk = await client();
    const rival = await client();
    // The next `racesLeft` writes of this process are each beaten by a real write of the rival
    // just before them: the optimistic attempt meets a genuine BadVersion.
    let racesLeft = 0;
    const raced: ValueClient = {
      create: zk.create.bind(zk),
      getChildren: zk.getChildren.bind(zk),
      getData: zk.getData.bind(zk),
      exists: zk.exists.bind(zk),
      delete: zk.delete.bind(zk),
      mkdirp: zk.mkdirp.bind(zk),
      on: zk.on.bind(zk),
      async setData(p, data, options) {
        if (racesLeft-- > 0) await rival.setData(p, (await rival.getData(p)).data);
        return zk.setData(p, data, options);
      },
    };
    await new DistributedAtomicLong(zk, path).forceSet(10n);
    const counter = new DistributedAtomicLong(raced, path, {
      retry: { maxRetries: 0 },
      promotedToLock: { path: lockPath, timeout: 10_000 },
    });
    racesLeft = 1;
    // The optimistic try loses; the promoted try (under the lock) wins.
    const r = await counter.increment();
    assert.equal(r.succeeded, true);
    assert.deepEqual([r.preValue, r.postValue], [10n, 11n]);
    assert.equal(r.stats.optimisticTries, 1);
    assert.equal(r.stats.promotedLockTries, 1);

    racesLeft = 2;
    const holder = await new InterProcessMutex(rival, lockPath).acquire({ timeout: 10_000 });
    const slow = new DistributedAtomicLong(raced, path, {
      retry: { maxRetries: 0 },
      promotedToLock: { path: lockPath, timeout: 200 },
    });
    const timedOut = await slow.increment();
    assert.equal(timedOut.succeeded, false, "the lock was not had in time");
    assert.equal(timedOut.stats.promotedLockTries, 0);
    const controller = new AbortController();
    const aborted = counter.increment({ signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(aborted, recipeError("ABORTED"));
    await holder.release();
    assert.equal((await counter.get()).postValue, 11n, "nothing written by the failed operations");
  });

  test("data that is not a long is CORRUPT_VALUE", async () => {
    const path = `${suite.box().root}/long-c`;
    await suite.box().zk.create(path, new Uint8Array([1, 2, 3]));
    const counter = new DistributedAtomicLong(suite.box().zk, path);
    await assert.rejects(counter.get(), recipeError("CORRUPT_VALUE"));
    await assert.rejects(counter.increment(), recipeError("CORRUPT_VALUE"));
  });
});
