import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { barrierIsFull, leaveOrder, leaveStep, READY_NODE } from "../../src/recipes/barrier-rules.ts";
import { addLong, decodeCount, decodeLong, encodeCount, encodeLong } from "../../src/recipes/counter-bytes.ts";
import { RecipeError } from "../../src/recipes/errors.ts";

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const isCorrupt = (e: unknown): boolean => e instanceof RecipeError && e.code === "CORRUPT_VALUE";

test("a SharedCount is 4 big-endian bytes (Java's ByteBuffer.putInt) and decodes back", () => {
  fc.assert(fc.property(int32, (n) => {
    const bytes = encodeCount(n);
    assert.equal(bytes.length, 4);
    // Big-endian two's complement, byte by byte.
    assert.deepEqual([...bytes], [24, 16, 8, 0].map((shift) => (n >> shift) & 0xff));
    assert.equal(decodeCount(bytes), n);
  }));
  assert.deepEqual([...encodeCount(1)], [0, 0, 0, 1]);
  assert.deepEqual([...encodeCount(-2)], [0xff, 0xff, 0xff, 0xfe]);
});

test("a DistributedAtomicLong is 8 big-endian bytes (Java's ByteBuffer.putLong); empty data is 0", () => {
  fc.assert(fc.property(int64, (n) => {
    const bytes = encodeLong(n);
    assert.equal(bytes.length, 8);
    const unsigned = BigInt.asUintN(64, n);
    assert.deepEqual(
      [...bytes],
      [56n, 48n, 40n, 32n, 24n, 16n, 8n, 0n].map((shift) => Number((unsigned >> shift) & 0xffn)),
    );
    assert.equal(decodeLong(bytes), n);
  }));
  assert.equal(decodeLong(new Uint8Array(0)), 0n);
  assert.deepEqual([...encodeLong(256n)], [0, 0, 0, 0, 0, 0, 1, 0]);
});

test("data of any other length is CORRUPT_VALUE, and values out of range are refused", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 20 }), (bytes) => {
    if (bytes.length === 4) assert.equal(typeof decodeCount(bytes), "number");
    else assert.throws(() => decodeCount(bytes, "/c"), isCorrupt);
    if (bytes.length === 0 || bytes.length === 8) assert.equal(typeof decodeLong(bytes), "bigint");
    else assert.throws(() => decodeLong(bytes, "/c"), isCorrupt);
  }));
  for (const bad of [2 ** 31, -(2 ** 31) - 1, 1.5, Number.NaN]) assert.throws(() => encodeCount(bad), RangeError);
  for (const bad of [2n ** 63n, -(2n ** 63n) - 1n]) assert.throws(() => encodeLong(bad), RangeError);
});

test("addition wraps at 64 bits as Java's long does", () => {
  fc.assert(fc.property(int64, int64, (a, b) => {
    const sum = addLong(a, b);
    assert.equal(decodeLong(encodeLong(sum)), sum);
    assert.equal(BigInt.asUintN(64, sum), BigInt.asUintN(64, a + b));
  }));
  assert.equal(addLong(2n ** 63n - 1n, 1n), -(2n ** 63n));
});

const member = fc.uuid();
const members = fc.uniqueArray(member, { minLength: 1, maxLength: 12 });

test("the double barrier is full when memberQty children are there", () => {
  fc.assert(fc.property(fc.array(member, { maxLength: 12 }), fc.integer({ min: 1, max: 12 }), (children, qty) => {
    assert.equal(barrierIsFull(children, qty), children.length >= qty);
  }));
});

test("leaving: the lowest keeps its node and watches the highest; the others delete theirs and watch the lowest", () => {
  fc.assert(fc.property(members, fc.nat(), fc.boolean(), (nodes, pick, withReady) => {
    const children = withReady ? [...nodes, READY_NODE] : nodes;
    const sorted = leaveOrder(children);
    assert.ok(!sorted.includes(READY_NODE));
    const ours = nodes[pick % nodes.length]!;
    const step = leaveStep(children, ours, true);
    if (sorted.length === 1) assert.deepEqual(step, { kind: "done", deleteOurs: true });
    else if (ours === sorted[0]) {
      assert.deepEqual(step, { kind: "watch", node: sorted[sorted.length - 1], deleteOurs: false });
    } else assert.deepEqual(step, { kind: "watch", node: sorted[0], deleteOurs: true });
    // Never watching our own node: the wait would be on ourselves.
    if (step.kind === "watch") assert.notEqual(step.node, ours);
  }));
});

test("leaving after deleting our node: wait for the lowest until it is alone; our node missing too early is detected", () => {
  fc.assert(fc.property(members, member, (others, ours) => {
    fc.pre(!others.includes(ours));
    const sorted = leaveOrder(others);
    const step = leaveStep(others, ours, false);
    if (sorted.length === 1) assert.deepEqual(step, { kind: "done", deleteOurs: false });
    else assert.deepEqual(step, { kind: "watch", node: sorted[0], deleteOurs: false });
    assert.deepEqual(leaveStep(others, ours, true), { kind: "missing" });
  }));
  assert.deepEqual(leaveStep([READY_NODE], "x", false), { kind: "done", deleteOurs: false });
});

test("a run of the leave protocol by every member always ends with all nodes gone", () => {
  // Members step in a random order, then round-robin: each deletes its node when told and, told
  // to watch, simply steps again later (as a woken waiter would). The barrier must drain: no
  // member loses its node early, and none waits forever on another.
  fc.assert(fc.property(members, fc.array(fc.nat(), { maxLength: 100 }), (nodes, schedule) => {
    const alive = new Set(nodes);
    const shouldExist = new Map(nodes.map((n) => [n, true]));
    const finished = new Set<string>();
    const stepOf = (who: string): void => {
      const step = leaveStep([...alive], who, shouldExist.get(who)!);
      assert.notEqual(step.kind, "missing", `${who} lost its node`);
      if (step.kind !== "missing" && step.deleteOurs) {
        alive.delete(who);
        shouldExist.set(who, false);
      }
      if (step.kind === "done") finished.add(who);
    };
    for (const tick of schedule) {
      const running = nodes.filter((n) => !finished.has(n));
      if (running.length > 0) stepOf(running[tick % running.length]!);
    }
    for (let round = 0; round < nodes.length * 3 && finished.size < nodes.length; round++) {
      for (const who of nodes.filter((n) => !finished.has(n))) stepOf(who);
    }
    assert.equal(finished.size, nodes.length);
    assert.equal(alive.size, 0);
  }));
});
