import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { Stat } from "../../src/zookeeper.ts";
import { type CacheChange, changeOnRead, type ChildData, diffTrees, isNewer } from "../../src/recipes/cache-model.ts";

const stat = (mzxid: bigint): Stat => ({
  czxid: 1n,
  mzxid,
  ctime: 0,
  mtime: 0,
  version: Number(mzxid),
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  dataLength: 0,
  numChildren: 0,
  pzxid: 1n,
});
const node = (path: string, mzxid: bigint): ChildData => ({ path, stat: stat(mzxid), data: new Uint8Array(0) });

/** A tree as path → mzxid, over a small alphabet so two trees share paths. */
const tree = fc.dictionary(
  fc.array(fc.constantFrom("a", "b", "a-b"), { minLength: 1, maxLength: 3 }).map((parts) => `/r/${parts.join("/")}`),
  fc.bigInt({ min: 1n, max: 5n }),
)
  .map((entries) => new Map(Object.entries(entries).map(([p, z]) => [p, node(p, z)])));

/** Applies changes the way the cache does. */
function apply(start: ReadonlyMap<string, ChildData>, changes: readonly CacheChange[]): Map<string, ChildData> {
  const out = new Map(start);
  for (const c of changes) {
    if (c.data !== undefined) out.set(c.data.path, c.data);
    else out.delete(c.oldData!.path);
  }
  return out;
}

test("applying the diff of two trees to the first yields the second (by mzxid), and an identical tree yields no change", () => {
  fc.assert(fc.property(tree, tree, (before, after) => {
    const changes = diffTrees(before, after);
    const result = apply(before, changes);
    assert.deepEqual([...result.keys()].sort(), [...after.keys()].sort());
    for (const [p, d] of after) assert.equal(result.get(p)!.stat.mzxid, d.stat.mzxid);
    assert.deepEqual(diffTrees(after, after), []);
    // Each path appears at most once, with the right old data.
    const paths = changes.map((c) => (c.data ?? c.oldData)!.path);
    assert.equal(new Set(paths).size, paths.length);
    for (const c of changes) assert.equal(c.oldData, c.oldData === undefined ? undefined : before.get(c.oldData.path));
  }));
});

test("the diff reports deletes children-first, then creates and changes parents-first", () => {
  fc.assert(fc.property(tree, tree, (before, after) => {
    const changes = diffTrees(before, after);
    const deletes = changes.filter((c) => c.type === "NODE_DELETED").map((c) => c.oldData!.path);
    const rest = changes.filter((c) => c.type !== "NODE_DELETED").map((c) => c.data!.path);
    assert.deepEqual(changes.slice(0, deletes.length).map((c) => c.type === "NODE_DELETED"), deletes.map(() => true));
    for (const [i, p] of deletes.entries()) {
      for (const q of deletes.slice(i + 1)) assert.ok(!q.startsWith(`${p}/`), `${q} deleted after its parent ${p}`);
    }
    for (const [i, p] of rest.entries()) {
      for (const q of rest.slice(0, i)) assert.ok(!q.startsWith(`${p}/`), `${q} reported before its parent ${p}`);
    }
  }));
});

test("a read replaces the cached node only when its mzxid is larger: a stale reply never rolls the cache back", () => {
  fc.assert(fc.property(fc.bigInt({ min: 1n, max: 100n }), fc.bigInt({ min: 1n, max: 100n }), (cached, read) => {
    const change = changeOnRead(node("/p", cached), node("/p", read));
    assert.equal(isNewer(node("/p", cached), node("/p", read)), read > cached);
    assert.equal(change?.type, read > cached ? "NODE_CHANGED" : undefined);
  }));
  assert.equal(changeOnRead(undefined, node("/p", 1n))?.type, "NODE_CREATED");
});
