import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { executorsBySlot, mergeExecutorBeats, mergeSlotBeats, slotKey } from "../../src/storm/heartbeats.ts";
import type { ClusterWorkerHeartbeat, ExecutorStats, NodeInfo } from "../../src/storm/records.ts";

const stats = (rate: number): ExecutorStats => ({
  emitted: {},
  transferred: {},
  specific: { spout: { acked: {}, failed: {}, completeMsAvg: {} } },
  rate,
});
const assignment: Record<string, NodeInfo> = {
  "[1,1]": { node: "sup-a", port: [6700] },
  "[2,3]": { node: "sup-a", port: [6700] },
  "[10,10]": { node: "sup-a", port: [6700] },
  "[4,4]": { node: "sup-b", port: [6701] },
  "[5,5]": { node: "sup-c", port: [6700] },
};
const liveA: ClusterWorkerHeartbeat = {
  stormId: "t",
  timeSecs: 100,
  uptimeSecs: 50,
  executorStats: { "[1,1]": stats(1), "[10,10]": stats(10), "[4,4]": stats(4) },
};
const liveB: ClusterWorkerHeartbeat = {
  stormId: "t",
  timeSecs: 101,
  uptimeSecs: 7,
  executorStats: { "[4,4]": stats(40) },
};

describe("executor-beat merge", () => {
  test("inverting executor → node+port groups executors by worker, in task order", () => {
    const bySlot = executorsBySlot(assignment);
    assert.deepEqual([...bySlot.keys()], ["sup-a-6700", "sup-b-6701", "sup-c-6700"]);
    assert.deepEqual(bySlot.get("sup-a-6700"), {
      slot: { node: "sup-a", port: 6700 },
      executors: ["[1,1]", "[2,3]", "[10,10]"],
    });
    assert.equal(slotKey({ node: "sup-b", port: 6701 }), "sup-b-6701");
  });

  test("a NodeInfo without ports names no worker", () => {
    assert.deepEqual([...executorsBySlot({ "[1,1]": { node: "sup-a", port: [] } })], []);
  });

  test("each executor takes its own worker's time and uptime; unlisted and unbeaten executors are absent", () => {
    const beats = mergeExecutorBeats(assignment, new Map([["sup-a-6700", liveA], ["sup-b-6701", liveB]]));
    assert.deepEqual(beats, {
      "[1,1]": { timeSecs: 100, uptimeSecs: 50, stats: stats(1) },
      "[10,10]": { timeSecs: 100, uptimeSecs: 50, stats: stats(10) },
      "[4,4]": { timeSecs: 101, uptimeSecs: 7, stats: stats(40) },
    });
  });

  test("a long-dead worker with a skewed clock still listing a moved executor cannot override the live beat", () => {
    // [4,4] used to run on sup-a; sup-a's stale heartbeat is far in the future and still lists it.
    const skewedA: ClusterWorkerHeartbeat = { ...liveA, timeSecs: 2 ** 31 - 1 };
    const beats = mergeExecutorBeats(
      assignment,
      (slot) => (slot.node === "sup-a" ? skewedA : slot.node === "sup-b" ? liveB : null),
    );
    assert.deepEqual(beats["[4,4]"], { timeSecs: 101, uptimeSecs: 7, stats: stats(40) });
  });

  test("the result and every beat in it are frozen", () => {
    const beats = mergeExecutorBeats(assignment, new Map([["sup-a-6700", liveA]]));
    assert.ok(Object.isFrozen(beats) && Object.values(beats).every((b) => Object.isFrozen(b)));
    assert.throws(() => {
      (beats as Record<string, unknown>)["[5,5]"] = null;
    }, TypeError);
  });

  test("a function and a map give the same answer; a missing heartbeat contributes nothing", () => {
    const map = new Map([["sup-b-6701", liveB]]);
    assert.deepEqual(
      mergeExecutorBeats(assignment, map),
      mergeExecutorBeats(assignment, (slot) => map.get(slotKey(slot))),
    );
    assert.deepEqual(mergeExecutorBeats(assignment, () => undefined), {});
    assert.deepEqual(mergeExecutorBeats({}, () => liveA), {});
  });

  test("merging over an inverted assignment gives what merging over the assignment gives", () => {
    const map = new Map([["sup-a-6700", liveA], ["sup-b-6701", liveB]]);
    const merged = mergeSlotBeats(executorsBySlot(assignment), map);
    assert.deepEqual(merged, mergeExecutorBeats(assignment, map));
    assert.deepEqual(Object.keys(merged), ["[1,1]", "[10,10]", "[4,4]"]);
    assert.ok(Object.isFrozen(merged));
  });
});
