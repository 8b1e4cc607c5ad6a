import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { backoffSleep, connect, ErrorCode, isRetryable, retry, ZooKeeperError } from "../../mod.ts";
import { startServer } from "../support/zookeeper.ts";

const loss = () => new ZooKeeperError(ErrorCode.ConnectionLoss);

describe("retry with exponential backoff", () => {
  test("sleeps grow as base × random(1 … 2^(n+1)) and never pass the ceiling", () => {
    fc.assert(
      fc.property(
        fc.nat(40),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, base, ceiling, r) => {
          const sleep = backoffSleep(attempt, { baseSleepMs: base, maxSleepMs: ceiling, random: () => r });
          assert.ok(sleep >= Math.min(base, ceiling) && sleep <= ceiling);
          assert.ok(sleep <= base * 2 ** Math.min(attempt + 1, 30));
        },
      ),
    );
  });

  test("the jitter spans base × 1 … base × (2^(n+1) − 1), Curator's range, so the longest sleep doubles with each retry", () => {
    fc.assert(fc.property(fc.nat(19), fc.integer({ min: 1, max: 5000 }), (attempt, base) => {
      const policy = { baseSleepMs: base, maxSleepMs: Number.MAX_SAFE_INTEGER };
      assert.equal(backoffSleep(attempt, { ...policy, random: () => 0 }), base);
      assert.equal(backoffSleep(attempt, { ...policy, random: () => 0.999999999 }), base * (2 ** (attempt + 1) - 1));
    }));
  });

  test("transient errors are retried up to maxRetries; others are thrown at once", async () => {
    let calls = 0;
    const sleeps: number[] = [];
    const value = await retry(async () => {
      if (++calls < 3) throw loss();
      return "ok";
    }, { baseSleepMs: 1, onRetry: (_e, _n, ms) => sleeps.push(ms) });
    assert.equal(value, "ok");
    assert.equal(calls, 3);
    assert.equal(sleeps.length, 2);

    calls = 0;
    await assert.rejects(
      retry(async () => {
        calls++;
        throw loss();
      }, { baseSleepMs: 1, maxRetries: 2 }),
      (e: unknown) => e instanceof ZooKeeperError && e.code === "ConnectionLoss",
    );
    assert.equal(calls, 3, "one attempt and two retries");

    calls = 0;
    await assert.rejects(
      retry(async () => {
        calls++;
        throw new ZooKeeperError(ErrorCode.NoNode);
      }, { baseSleepMs: 1 }),
      (e: unknown) => e instanceof ZooKeeperError && e.code === "NoNode",
    );
    assert.equal(calls, 1);
    assert.equal(isRetryable(new Error("x")), false);
  });

  test("a read retried across a server restart succeeds", async () => {
    const server = startServer();
    const zk = await connect(server.connectString, { sessionTimeout: 20_000, waitForConnection: 300 });
    try {
      await zk.create("/retry", new TextEncoder().encode("v"));
      server.stop();
      let retries = 0;
      const read = retry(() => zk.getData("/retry"), {
        baseSleepMs: 200,
        maxRetries: 20,
        maxSleepMs: 1000,
        onRetry: () => retries++,
      });
      setTimeout(() => server.start(), 1500);
      assert.equal(new TextDecoder().decode((await read).data), "v");
      assert.ok(retries >= 2, `the read failed with ConnectionLoss and was retried (${retries} retries)`);
    } finally {
      await zk.close();
      server.destroy();
    }
  });
});
