import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { errorSequence, errorsToPrune, MAX_ERRORS, newestFirst } from "../../src/storm/error-pruning.ts";
import type { ErrorInfo } from "../../src/storm/records.ts";

/**
 * A model of reportError against one ZooKeeper: each component directory holds sequential error
 * nodes; a report creates one, lists the directory, then deletes what errorsToPrune names, one
 * node per step, ignoring NoNode. Steps of concurrent reporters interleave; other sessions may
 * delete nodes at any time (ephemeral nodes vanishing, other pruners).
 */
const COMPONENTS = ["spout", "split/words", "count"] as const;
type Component = (typeof COMPONENTS)[number];
// Names other writers might leave: never deleted, never counted.
const JUNK = ["junk", "e", "ex1", "e1.5", "f5", "e-", "e 1"];

type Padding = "zookeeper" | "none" | "mixed";
const nodeName = (seq: number, padding: Padding) => {
  const width = padding === "zookeeper" ? 10 : padding === "none" ? 0 : (seq * 7) % 12;
  return `e${String(seq).padStart(width, "0")}`;
};

interface Dir {
  next: number;
  alive: Set<string>;
  created: number[];
  deletedByOthers: Set<number>;
  deletedByPruning: Set<number>;
}
type Reporter = { component: Component; phase: "create" } | { component: Component; phase: "list" } | {
  component: Component;
  phase: "delete";
  stale: string[];
};

type Action =
  | { readonly type: "report"; readonly component: Component }
  | { readonly type: "step"; readonly pick: number }
  | { readonly type: "foreignDelete"; readonly component: Component; readonly pick: number };
const report: fc.Arbitrary<Action> = fc.record({
  type: fc.constant("report" as const),
  component: fc.constantFrom(...COMPONENTS),
});
const step: fc.Arbitrary<Action> = fc.record({ type: fc.constant("step" as const), pick: fc.nat() });
const foreignDelete: fc.Arbitrary<Action> = fc.record({
  type: fc.constant("foreignDelete" as const),
  component: fc.constantFrom(...COMPONENTS),
  pick: fc.nat(),
});
const reportsAndSteps = fc.oneof({ weight: 4, arbitrary: report }, { weight: 6, arbitrary: step });
const withForeignDeletes = fc.oneof({ weight: 4, arbitrary: report }, { weight: 6, arbitrary: step }, {
  weight: 1,
  arbitrary: foreignDelete,
});
// Arrays are sized "max": fast-check's default size would rarely make more than 10 reports.
// Counters start just below digit boundaries, so numbers cross 9→10, 99→100, 999999999→1000000000.
const start = fc.constantFrom(0, 5, 95, 995, 999_999_995, 2_147_483_600);
const padding = fc.constantFrom<Padding>("zookeeper", "none", "mixed");

function simulate(actions: readonly Action[], first: number, pad: Padding, drainOrder: readonly number[]) {
  const dirs = new Map<Component, Dir>(
    COMPONENTS.map((
      c,
    ) => [c, {
      next: first,
      alive: new Set(JUNK),
      created: [],
      deletedByOthers: new Set(),
      deletedByPruning: new Set(),
    }]),
  );
  const dir = (c: Component) => dirs.get(c) as Dir;
  const reporters: Reporter[] = [];
  const seqOf = (name: string) => Number(errorSequence(name));
  const advance = (index: number) => {
    const r = reporters[index];
    if (r === undefined) return;
    const d = dir(r.component);
    if (r.phase === "create") {
      const seq = d.next++;
      d.alive.add(nodeName(seq, pad));
      d.created.push(seq);
      reporters[index] = { component: r.component, phase: "list" };
    } else if (r.phase === "list") {
      reporters[index] = { component: r.component, phase: "delete", stale: errorsToPrune([...d.alive]) };
    } else {
      const [victim, ...rest] = r.stale;
      // Deleting a node someone else already removed is a NoNode, ignored (STORM-2674).
      if (victim !== undefined && d.alive.delete(victim)) d.deletedByPruning.add(seqOf(victim));
      if (rest.length === 0) reporters.splice(index, 1);
      else reporters[index] = { component: r.component, phase: "delete", stale: rest };
    }
  };
  for (const a of actions) {
    if (a.type === "report") reporters.push({ component: a.component, phase: "create" });
    else if (a.type === "step") {
      if (reporters.length > 0) advance(a.pick % reporters.length);
    } else {
      const d = dir(a.component);
      const errors = [...d.alive].filter((n) => !JUNK.includes(n));
      const victim = errors[a.pick % Math.max(1, errors.length)];
      if (victim !== undefined && d.alive.delete(victim)) d.deletedByOthers.add(seqOf(victim));
    }
  }
  for (let i = 0; reporters.length > 0; i++) {
    advance((drainOrder[i % Math.max(1, drainOrder.length)] ?? 0) % reporters.length);
  }
  return dirs;
}

/**
 * A property that `check` holds for every component directory after a simulated run of `action`s.
 * The run's inputs stay the property's own arbitraries, so a counterexample prints the shrunk
 * actions, start, padding and drain order rather than the directories made from them.
 */
const everyDirAfter = (action: fc.Arbitrary<Action>, check: (d: Dir) => void) =>
  fc.property(
    fc.array(action, { minLength: 30, maxLength: 150, size: "max" }),
    start,
    padding,
    fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    (actions, first, pad, drain) => {
      for (const d of simulate(actions, first, pad, drain).values()) check(d);
    },
  );

const errorsIn = (d: Dir) =>
  [...d.alive].filter((n) => !JUNK.includes(n)).map((n) => Number(errorSequence(n))).sort((a, b) => a - b);
const newest = (seqs: readonly number[], n: number) => [...seqs].sort((a, b) => a - b).slice(-n);

describe("error pruning (properties)", () => {
  test("one report at a time, with other sessions deleting nodes in between: exactly the newest 10 of the directory remain", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat() }), {
          minLength: 10,
          maxLength: 60,
          size: "max",
        }),
        start,
        padding,
        (script, first, pad) => {
          let alive = new Set(JUNK);
          let next = first;
          for (const step of script) {
            if (step < 0) {
              const name = nodeName(next++, pad);
              alive.add(name);
              const before = [...alive];
              const stale = new Set(errorsToPrune(before));
              alive = new Set(before.filter((n) => !stale.has(n)));
              const seqs = before.filter((n) => !JUNK.includes(n)).map((n) => Number(errorSequence(n)));
              const kept = [...alive].filter((n) => !JUNK.includes(n)).map((n) => Number(errorSequence(n))).sort((
                a,
                b,
              ) => a - b);
              assert.deepEqual(kept, newest(seqs, MAX_ERRORS));
            } else {
              const errors = [...alive].filter((n) => !JUNK.includes(n));
              const victim = errors[step % Math.max(1, errors.length)];
              if (victim !== undefined) alive.delete(victim);
            }
            for (const junk of JUNK) assert.ok(alive.has(junk), `${junk} is never deleted`);
          }
        },
      ),
    );
  });

  test("interleaved concurrent reporters over several components: exactly the newest 10 per component remain", () => {
    fc.assert(everyDirAfter(reportsAndSteps, (d) => {
      assert.deepEqual(errorsIn(d), newest(d.created, MAX_ERRORS));
      for (const junk of JUNK) assert.ok(d.alive.has(junk));
    }));
  });

  test("with nodes also vanishing under other sessions: at most 10 remain, they are the newest survivors, and pruning never took one of the newest 10", () => {
    fc.assert(everyDirAfter(withForeignDeletes, (d) => {
      const remaining = errorsIn(d);
      assert.ok(remaining.length <= MAX_ERRORS);
      // Every error still there is newer than every error pruning removed.
      assert.deepEqual(remaining, newest(d.created.filter((s) => !d.deletedByOthers.has(s)), remaining.length));
      for (const top of newest(d.created, MAX_ERRORS)) {
        assert.ok(!d.deletedByPruning.has(top), `e${top} is among the newest 10 and was pruned`);
      }
    }));
  });

  test("the answer depends on the names only, not on the order ZooKeeper lists them in", () => {
    const names = fc.uniqueArray(
      fc.oneof(
        fc.nat(2000).map((n) => `e${n}`),
        fc.nat(2000).map((n) => `e${String(n).padStart(10, "0")}`),
        fc.constantFrom(...JUNK),
      ),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(
        names.chain((ns) =>
          fc.tuple(fc.constant(ns), fc.shuffledSubarray(ns, { minLength: ns.length, maxLength: ns.length }))
        ),
        ([a, b]) => {
          assert.deepEqual(new Set(errorsToPrune(a)), new Set(errorsToPrune(b)));
        },
      ),
    );
  });

  test("errors read back newest first by time; equal times keep their listing order", () => {
    const error = fc.record({ error: fc.string(), errorTimeSecs: fc.integer({ min: 0, max: 5 }) });
    fc.assert(fc.property(fc.array(error, { maxLength: 30 }), (errors: ErrorInfo[]) => {
      const sorted = newestFirst(errors);
      assert.equal(sorted.length, errors.length);
      for (let i = 1; i < sorted.length; i++) {
        const prev = sorted[i - 1];
        const cur = sorted[i];
        assert.ok(prev !== undefined && cur !== undefined);
        assert.ok(prev.errorTimeSecs >= cur.errorTimeSecs);
        if (prev.errorTimeSecs === cur.errorTimeSecs) assert.ok(errors.indexOf(prev) < errors.indexOf(cur), "stable");
      }
    }));
  });
  test("with node names, equal times order by sequence number, highest (latest reported) first", () => {
    const error = fc.record({ error: fc.string(), errorTimeSecs: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(1000), { maxLength: 30 }).chain((seqs) =>
          fc.tuple(fc.constant(seqs), fc.array(error, { minLength: seqs.length, maxLength: seqs.length }))
        ),
        ([seqs, errors]) => {
          const names = seqs.map((n) => `e${String(n).padStart(10, "0")}`);
          const sorted = newestFirst(errors, names);
          const seqOf = new Map(errors.map((e, i) => [e, seqs[i] ?? -1]));
          for (let i = 1; i < sorted.length; i++) {
            const prev = sorted[i - 1];
            const cur = sorted[i];
            assert.ok(prev !== undefined && cur !== undefined);
            assert.ok(
              prev.errorTimeSecs > cur.errorTimeSecs ||
                (prev.errorTimeSecs === cur.errorTimeSecs && (seqOf.get(prev) ?? 0) > (seqOf.get(cur) ?? 0)),
            );
          }
        },
      ),
    );
  });
});
