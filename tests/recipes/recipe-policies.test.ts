import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { isOwnNode, newProtectionId, protectedName } from "../../src/recipes/protected-create.ts";
import { lockDecision, readLockDecision, sequenceOf, sortChildren, sortKey } from "../../src/recipes/sequence-nodes.ts";

const seq = fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((n) => String(n).padStart(10, "0"));
const uuid = fc.uuid();
/** A lock node as Curator names it: protected or not, with a random uuid and sequence. */
const lockNode = (name: string) =>
  fc.tuple(fc.boolean(), uuid, seq).map(([prot, id, s]) => (prot ? protectedName(id, name) : name) + s);

test("sequenceOf reads the 10-digit suffix whatever the protected prefix", () => {
  fc.assert(fc.property(uuid, seq, (id, s) => sequenceOf(protectedName(id, "lock-") + s) === Number(s)));
  assert.equal(sequenceOf("lock-12"), undefined);
});

test("children sort by sequence only, never by the uuid prefix", () => {
  fc.assert(
    fc.property(fc.uniqueArray(lockNode("latch-"), { selector: (n) => n.slice(-10), maxLength: 20 }), (nodes) => {
      const sorted = sortChildren(nodes, ["latch-"]);
      const seqs = sorted.map((n) => sequenceOf(n)!);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    }),
  );
});

test("read/write nodes share one order: __READ__ and __WRIT__ are both stripped", () => {
  assert.equal(
    sortKey(protectedName(newProtectionId(), "__READ__") + "0000000007", ["__READ__", "__WRIT__"]),
    "0000000007",
  );
  assert.equal(
    sortKey(protectedName(newProtectionId(), "__WRIT__") + "0000000003", ["__READ__", "__WRIT__"]),
    "0000000003",
  );
});

test("a contender holds the lock within maxLeases, else watches exactly the node maxLeases before it", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(lockNode("lock-"), { selector: (n) => n.slice(-10), minLength: 1, maxLength: 20 }),
      fc.nat(),
      fc.integer({ min: 1, max: 5 }),
      (nodes, pick, maxLeases) => {
        const sorted = sortChildren(nodes, ["lock-"]);
        const i = pick % sorted.length;
        const d = lockDecision(sorted, sorted[i]!, maxLeases);
        if (i < maxLeases) assert.deepEqual(d, { kind: "acquired" });
        else assert.deepEqual(d, { kind: "watch", node: sorted[i - maxLeases] });
      },
    ),
  );
  assert.deepEqual(lockDecision(["lock-0000000001"], "lock-0000000002"), { kind: "missing" });
});

test("protected-mode matching finds only the node created with one's own uuid", () => {
  fc.assert(fc.property(uuid, uuid, seq, (mine, theirs, s) => {
    fc.pre(mine !== theirs);
    const node = protectedName(mine, "lock-") + s;
    assert.ok(isOwnNode(node, mine));
    assert.ok(!isOwnNode(node, theirs));
    assert.ok(!isOwnNode(protectedName(theirs, "lock-") + s, mine));
  }));
});

test("a reader holds the read lock unless a writer sorts before it, and then watches the first such writer", () => {
  const rwNode = fc.oneof(lockNode("__READ__"), lockNode("__WRIT__"));
  fc.assert(
    fc.property(
      fc.uniqueArray(rwNode, { selector: (n) => n.slice(-10), minLength: 1, maxLength: 20 }),
      fc.nat(),
      (nodes, pick) => {
        const sorted = sortChildren(nodes, ["__READ__", "__WRIT__"]);
        const isWrite = (c: string) => c.includes("__WRIT__");
        const readers = sorted.filter((c) => !isWrite(c));
        fc.pre(readers.length > 0);
        const ours = readers[pick % readers.length]!;
        const d = readLockDecision(sorted, ours, isWrite);
        const earlierWriters = sorted.slice(0, sorted.indexOf(ours)).filter(isWrite);
        if (earlierWriters.length === 0) assert.deepEqual(d, { kind: "acquired" });
        else assert.deepEqual(d, { kind: "watch", node: earlierWriters[0] });
      },
    ),
  );
});
