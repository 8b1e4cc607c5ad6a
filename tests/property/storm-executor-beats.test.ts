import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { executorsBySlot, mergeExecutorBeats, slotKey, type WorkerSlot } from "../../src/storm/heartbeats.ts";
import {
  type ClusterWorkerHeartbeat,
  type ExecutorKey,
  type ExecutorStats,
  type NodeInfo,
  parseExecutorKey,
} from "../../src/storm/records.ts";
import { executor } from "../support/storm-arbitraries.ts";

const stats = (tag: number): ExecutorStats => ({
  emitted: {},
  transferred: {},
  specific: { spout: { acked: {}, failed: {}, completeMsAvg: {} } },
  rate: tag,
});
const slot: fc.Arbitrary<WorkerSlot> = fc.record({
  node: fc.constantFrom("sup-a", "sup-b", "sup-c-1"),
  port: fc.constantFrom(6700, 6701),
});
const nodeInfoOf = (s: WorkerSlot): NodeInfo => ({ node: s.node, port: [s.port] });

interface Scenario {
  readonly assignment: Record<ExecutorKey, NodeInfo>;
  readonly heartbeats: Map<string, ClusterWorkerHeartbeat>;
}

/**
 * An assignment, plus heartbeats for some of its slots and for slots it no longer uses (dead
 * workers). Each heartbeat lists executors of its own, executors assigned elsewhere and executors
 * assigned nowhere; clocks range up to far in the future.
 */
const scenario: fc.Arbitrary<Scenario> = fc.dictionary(executor, slot.map(nodeInfoOf), {
  maxKeys: 12,
  noNullPrototype: true,
}).chain((assignment) =>
  fc.array(
    fc.record({
      slot,
      timeSecs: fc.oneof(fc.nat(2_000_000_000), fc.constant(2 ** 31 - 1)),
      uptimeSecs: fc.nat(100_000),
      listed: fc.subarray(Object.keys(assignment)),
      unassigned: fc.array(executor, { maxLength: 4 }),
    }),
    { maxLength: 8 },
  ).map((beats) => {
    const heartbeats = new Map<string, ClusterWorkerHeartbeat>();
    for (const [i, b] of beats.entries()) {
      const executorStats = Object.fromEntries([...b.listed, ...b.unassigned].map((e) => [e, stats(i)]));
      heartbeats.set(slotKey(b.slot), { stormId: "t", timeSecs: b.timeSecs, uptimeSecs: b.uptimeSecs, executorStats });
    }
    return { assignment, heartbeats };
  })
);

/** Storm's rule, written out executor by executor. */
function expectedBeats({ assignment, heartbeats }: Scenario) {
  const out: Record<ExecutorKey, unknown> = {};
  for (const [executorId, info] of Object.entries(assignment)) {
    const hb = heartbeats.get(`${info.node}-${info.port[0]}`);
    const s = hb !== undefined && Object.hasOwn(hb.executorStats, executorId)
      ? hb.executorStats[executorId]
      : undefined;
    if (hb !== undefined && s !== undefined) {
      out[executorId] = { timeSecs: hb.timeSecs, uptimeSecs: hb.uptimeSecs, stats: s };
    }
  }
  return out;
}

const permutation = <T>(items: readonly T[]) =>
  fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

describe("executor-beat merge (properties)", () => {
  test("each executor's beat comes from its own worker's heartbeat, and only if that heartbeat lists it", () => {
    fc.assert(fc.property(scenario, (s) => {
      assert.deepEqual(mergeExecutorBeats(s.assignment, s.heartbeats), expectedBeats(s));
    }));
  });

  test("a worker with a skewed clock listing every executor cannot touch the beats of executors assigned elsewhere", () => {
    fc.assert(
      fc.property(
        scenario,
        fc.constantFrom("sup-dead", "sup-a", "sup-b"),
        fc.constantFrom(6799, 6700, 6701),
        (s, node, port) => {
          const before = mergeExecutorBeats(s.assignment, s.heartbeats);
          const skewed = new Map(s.heartbeats);
          const everything = Object.fromEntries(Object.keys(s.assignment).map((e) => [e, stats(-1)]));
          skewed.set(slotKey({ node, port }), {
            stormId: "t",
            timeSecs: 2 ** 31 - 1,
            uptimeSecs: 1,
            executorStats: everything,
          });
          const after = mergeExecutorBeats(s.assignment, skewed);
          for (const [e, info] of Object.entries(s.assignment)) {
            if (info.node === node && info.port[0] === port) {
              assert.equal(
                after[e]?.timeSecs,
                2 ** 31 - 1,
                "its own executors do take its beat",
              );
            } else assert.deepEqual(after[e], before[e]);
          }
        },
      ),
    );
  });

  test("the result does not depend on the order of the assignment's entries or of the heartbeats", () => {
    const shuffled = scenario.chain((s) =>
      fc.tuple(fc.constant(s), permutation(Object.entries(s.assignment)), permutation([...s.heartbeats]))
    );
    fc.assert(fc.property(shuffled, ([s, entries, beats]) => {
      const a = mergeExecutorBeats(s.assignment, s.heartbeats);
      const reordered = new Map(beats);
      const b = mergeExecutorBeats(Object.fromEntries(entries), (w) => reordered.get(slotKey(w)));
      assert.deepEqual(b, a);
      assert.deepEqual(Object.keys(b), Object.keys(a), "even the key order is fixed");
    }));
  });

  test("inverting executor → node+port groups every executor under exactly its own slot, in task order", () => {
    fc.assert(fc.property(scenario, ({ assignment }) => {
      const bySlot = executorsBySlot(assignment);
      const seen: ExecutorKey[] = [];
      for (const [key, { slot: s, executors }] of bySlot) {
        assert.equal(key, slotKey(s));
        for (const e of executors) assert.deepEqual(assignment[e], nodeInfoOf(s));
        const tasks = executors.map(parseExecutorKey);
        for (let i = 1; i < tasks.length; i++) {
          const previous = tasks[i - 1];
          const current = tasks[i];
          assert.ok(previous !== undefined && current !== undefined);
          assert.ok(
            previous[0] < current[0] || (previous[0] === current[0] && previous[1] < current[1]),
            `${executors} in task order`,
          );
        }
        seen.push(...executors);
      }
      assert.deepEqual([...seen].sort(), Object.keys(assignment).sort());
    }));
  });
});
