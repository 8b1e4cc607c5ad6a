import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  AssignmentSchema,
  compareNodeInfo,
  deepFreeze,
  executorKey,
  NodeInfoSchema,
  parseExecutorKey,
  streamKey,
} from "../../src/storm/records.ts";
import { nodeInfo, stormArbitraries, taskId } from "../support/storm-arbitraries.ts";

describe("record keys and canonical forms (properties)", () => {
  test("executor keys round-trip, and equal ranges give equal keys", () => {
    fc.assert(fc.property(taskId, taskId, (a, b) => {
      const key = executorKey(a, b);
      assert.deepEqual(parseExecutorKey(key), [a, b]);
      assert.equal(executorKey(...parseExecutorKey(key)), key);
    }));
  });

  test("anything but a canonical executor key is refused", () => {
    fc.assert(fc.property(fc.string({ maxLength: 16 }), (s) => {
      let range: readonly [number, number] | undefined;
      try {
        range = parseExecutorKey(s);
      } catch (error) {
        assert.ok(error instanceof TypeError);
        return;
      }
      assert.equal(executorKey(...range), s, "only the canonical spelling parses");
    }));
  });

  test("stream keys round-trip through JSON for any component and stream id", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), (component, stream) => {
      assert.deepEqual(JSON.parse(streamKey(component, stream)), [component, stream]);
    }));
  });

  test("a NodeInfo parses to its port set sorted and unique; compareNodeInfo is 0 exactly for equal sets", () => {
    const ports = fc.array(fc.integer({ min: 6700, max: 6704 }), { minLength: 1, maxLength: 4 });
    fc.assert(fc.property(fc.constantFrom("a", "b"), ports, fc.constantFrom("a", "b"), ports, (na, pa, nb, pb) => {
      const a = NodeInfoSchema.parse({ node: na, port: pa });
      assert.deepEqual(a.port, [...new Set(pa)].sort((x, y) => x - y));
      const sameSet = na === nb && new Set(pa).size === new Set(pb).size && pa.every((p) => pb.includes(p));
      assert.equal(compareNodeInfo({ node: na, port: pa }, { node: nb, port: pb }) === 0, sameSet);
      const antisymmetric = Math.sign(compareNodeInfo({ node: na, port: pa }, { node: nb, port: pb })) +
        Math.sign(compareNodeInfo({ node: nb, port: pb }, { node: na, port: pa }));
      assert.equal(antisymmetric, 0);
    }));
  });

  test("workerResources parse to one order whatever the input order, and a NodeInfo listed twice is refused", () => {
    fc.assert(
      fc.property(stormArbitraries.Assignment, fc.infiniteStream(fc.boolean()), nodeInfo, (assignment, coin, extra) => {
        const shuffled = [...assignment.workerResources].sort(() => (coin.next().value ? 1 : -1));
        assert.deepEqual(AssignmentSchema.parse({ ...assignment, workerResources: shuffled }), assignment);
        const twice = [...assignment.workerResources, { nodeInfo: extra, resources: {} }, {
          nodeInfo: { node: extra.node, port: [...extra.port].reverse() },
          resources: { cpu: 1 },
        }];
        assert.equal(AssignmentSchema.safeParse({ ...assignment, workerResources: twice }).success, false);
      }),
    );
  });

  test("deepFreeze freezes every object and array reachable from a record", () => {
    fc.assert(fc.property(stormArbitraries.ClusterWorkerHeartbeat, (hb) => {
      const frozen = deepFreeze(structuredClone(hb));
      const check = (v: unknown): void => {
        if (typeof v !== "object" || v === null) return;
        assert.ok(Object.isFrozen(v));
        for (const x of Object.values(v)) check(x);
      };
      check(frozen);
    }));
  });
});
