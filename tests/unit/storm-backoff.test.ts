import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ErrorCode, retry, ZooKeeperError } from "../../mod.ts";
import { stormBackoffSleep } from "../../src/storm.ts";

describe("Storm's bounded retry schedule", () => {
  test("with Storm's defaults every sleep is the base plus 2^n plus a jitter below 2^n", () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      assert.equal(stormBackoffSleep(attempt, { random: () => 0 }), 1_000 + 2 ** attempt);
      assert.equal(stormBackoffSleep(attempt, { random: () => 0.9999 }), 1_000 + 2 ** attempt + 2 ** attempt - 1);
    }
  });

  test("past the exponential threshold the sleeps grow in linear steps and stop at the ceiling", () => {
    // base 100, ceiling 1000, 10 retries: the threshold is 8 (2^9 ≥ 900 / 2), the step (1000 - 2^8) / 2.
    const policy = { baseSleepMs: 100, maxSleepMs: 1_000, maxRetries: 10 };
    assert.equal(stormBackoffSleep(7, { ...policy, random: () => 0 }), 100 + 128);
    assert.equal(stormBackoffSleep(8, { ...policy, random: () => 0 }), 100 + 256);
    assert.equal(stormBackoffSleep(8, { ...policy, random: () => 0.9999 }), 100 + 256 + 371);
    assert.equal(stormBackoffSleep(9, { ...policy, random: () => 0 }), 100 + 256 + 372);
    assert.equal(stormBackoffSleep(9, { ...policy, random: () => 0.9999 }), 1_000);
  });

  test("a sleep is an integer never below the base nor above the ceiling (or base + 1, when they are equal)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 39 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (base, extra, maxRetries, attempt, r) => {
          const sleep = stormBackoffSleep(attempt, {
            baseSleepMs: base,
            maxSleepMs: base + extra,
            maxRetries,
            random: () => r,
          });
          assert.ok(Number.isInteger(sleep), String(sleep));
          assert.ok(
            sleep >= base && sleep <= Math.max(base + extra, base + 1),
            `${sleep} outside ${base}…${base + extra}`,
          );
        },
      ),
    );
  });

  test("retry sleeps on the schedule its policy names", async () => {
    const slept: number[] = [];
    let calls = 0;
    await assert.rejects(retry(() => {
      calls++;
      return Promise.reject(new ZooKeeperError(ErrorCode.ConnectionLoss));
    }, { maxRetries: 3, sleepMs: (attempt) => attempt, onRetry: (_e, _a, ms) => slept.push(ms) }));
    assert.equal(calls, 4);
    assert.deepEqual(slept, [0, 1, 2]);
  });
});
