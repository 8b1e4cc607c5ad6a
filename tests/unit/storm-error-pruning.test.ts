import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { errorSequence, errorsToPrune, MAX_ERRORS, newestFirst } from "../../src/storm/error-pruning.ts";

const zk = (n: number) => `e${String(n).padStart(10, "0")}`;

describe("error pruning", () => {
  test("Storm keeps 10 errors per component", () => {
    assert.equal(MAX_ERRORS, 10);
  });

  test("sequence numbers are read as Java's Long.parseLong reads them, exactly", () => {
    assert.equal(errorSequence("e0000000042"), 42n);
    assert.equal(errorSequence("e9"), 9n);
    assert.equal(errorSequence("e+7"), 7n);
    assert.equal(errorSequence("e-0000000001"), -1n);
    assert.equal(errorSequence("e9223372036854775807"), 9223372036854775807n);
    assert.equal(errorSequence("e9223372036854775808"), undefined, "beyond a long");
    for (const junk of ["", "e", "junk", "E1", "f5", "e1.5", "e 1", "e1e3", "-last-error", "e0x10"]) {
      assert.equal(errorSequence(junk), undefined, junk);
    }
  });

  test("numbers, not strings, decide: e10 is newer than e9; other names are left alone", () => {
    const children = ["e9", "e10", "junk", ...Array.from({ length: 9 }, (_, i) => `e${11 + i}`)];
    assert.deepEqual(errorsToPrune(children), ["e9"]);
  });

  test("crossing a digit boundary: 999999999 → 1000000000, padded or not", () => {
    const seqs = Array.from({ length: 12 }, (_, i) => 999_999_995 + i);
    assert.deepEqual(errorsToPrune(seqs.map(zk).reverse()), [zk(999_999_995), zk(999_999_996)]);
    assert.deepEqual(errorsToPrune(seqs.map((n) => `e${n}`)), ["e999999995", "e999999996"]);
    // Beyond 2^53 a JavaScript number would merge neighbours; the comparison stays exact.
    const beyond = Array.from({ length: 12 }, (_, i) => `e${2n ** 53n + BigInt(i)}`);
    assert.deepEqual(errorsToPrune([...beyond].reverse()), beyond.slice(0, 2));
  });

  test("ten or fewer errors: nothing to delete; junk never counts", () => {
    assert.deepEqual(errorsToPrune(Array.from({ length: 10 }, (_, i) => zk(i))), []);
    assert.deepEqual(errorsToPrune([...Array.from({ length: 10 }, (_, i) => zk(i)), "junk", "e", "x1"]), []);
    assert.deepEqual(errorsToPrune([]), []);
  });

  test("equal numbers are ordered by name, so the listing order does not matter", () => {
    const children = ["e007", "e7", ...Array.from({ length: 9 }, (_, i) => zk(8 + i))];
    assert.deepEqual(errorsToPrune(children), ["e007"]);
    assert.deepEqual(errorsToPrune([...children].reverse()), ["e007"]);
  });

  test("like Storm, a negative number (ZooKeeper's counter past 2^31) counts as oldest", () => {
    const children = ["e-2147483648", ...Array.from({ length: 10 }, (_, i) => zk(2_147_483_637 + i))];
    assert.deepEqual(errorsToPrune(children), ["e-2147483648"]);
  });

  test("a different limit can be asked for", () => {
    assert.deepEqual(errorsToPrune(["e1", "e2", "e3"], 1), ["e1", "e2"]);
    assert.deepEqual(errorsToPrune(["e1", "e2"], 0), ["e1", "e2"]);
  });

  test("errors read back newest first by time, stable for equal times", () => {
    const errors = [{ error: "a", errorTimeSecs: 5 }, { error: "b", errorTimeSecs: 9 }, {
      error: "c",
      errorTimeSecs: 5,
    }, { error: "d", errorTimeSecs: 1 }];
    assert.deepEqual(newestFirst(errors).map((e) => e.error), ["b", "a", "c", "d"]);
    assert.deepEqual(errors.map((e) => e.error), ["a", "b", "c", "d"], "the input is left as it was");
  });
});
