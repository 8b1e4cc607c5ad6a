import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mapBounded, settleBounded } from "../../src/storm/fan-out.ts";

/** A read that resolves (or fails) a few microtask turns later, tracking how many are in flight. */
function tracked(fail: (n: number) => boolean) {
  let inFlight = 0;
  let most = 0;
  const read = async (n: number): Promise<number> => {
    inFlight++;
    most = Math.max(most, inFlight);
    for (let i = 0; i < n % 5; i++) await Promise.resolve();
    inFlight--;
    if (fail(n)) throw new Error(`item ${n}`);
    return n * 2;
  };
  return {
    read,
    get most() {
      return most;
    },
  };
}

describe("bounded fan-out", () => {
  test("outcomes come back in the items' order, with no more reads in flight than the bound", async () => {
    const items = Array.from({ length: 200 }, (_, i) => (i * 7) % 13);
    const reads = tracked((n) => n === 3);
    const outcomes = await settleBounded(items, reads.read, 16);
    assert.ok(reads.most <= 16 && reads.most > 1, `${reads.most} in flight`);
    assert.deepEqual(outcomes.map((o) => (o.ok ? o.value : "failed")), items.map((n) => (n === 3 ? "failed" : n * 2)));
  });

  test("mapBounded throws the first failure in the items' order, as a sequential loop would", async () => {
    // Item 9 (first in the list) settles after item 11 (4 microtask turns against 1), yet is the one thrown.
    const reads = tracked((n) => n === 9 || n === 11);
    await assert.rejects(mapBounded([1, 9, 11, 4], reads.read, 4), /item 9/);
    assert.deepEqual(await mapBounded([1, 2, 3], reads.read), [2, 4, 6]);
    assert.deepEqual(await mapBounded([], reads.read), []);
  });
});
