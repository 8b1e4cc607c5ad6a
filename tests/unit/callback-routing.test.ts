import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type CallbackSlot,
  createCallbackSlots,
  dispatchEvent,
  routeEvent,
  tokenizePath,
  UnroutedEventError,
} from "../../src/storm/callbacks.ts";

/** Fresh slots holding, for each `[slot, label]` in order, a callback that records its label in `calls`. */
function recordingSlots(...registrations: readonly [CallbackSlot, string][]) {
  const slots = createCallbackSlots();
  const calls: string[] = [];
  for (const [slot, label] of registrations) slots.set(slot, () => calls.push(label));
  return { slots, calls };
}

describe("Storm watch-event routing", () => {
  test("tokenizing drops empty tokens", () => {
    assert.deepEqual(tokenizePath("//assignments//t-1/"), ["assignments", "t-1"]);
    assert.deepEqual(tokenizePath("/"), []);
  });

  test("each subtree routes to Storm's slots, in Storm's order", () => {
    assert.deepEqual(routeEvent("/assignments"), [{ kind: "assignments" }]);
    assert.deepEqual(routeEvent("/assignments/t-1"), [
      { kind: "assignmentInfo", id: "t-1" },
      { kind: "assignmentVersion", id: "t-1" },
      { kind: "assignmentInfoWithVersion", id: "t-1" },
    ]);
    assert.deepEqual(routeEvent("/supervisors/sup-1"), [{ kind: "supervisors" }]);
    assert.deepEqual(routeEvent("/supervisors"), [{ kind: "supervisors" }]);
    assert.deepEqual(routeEvent("/storms/t-1"), [{ kind: "stormBase", id: "t-1" }]);
    assert.deepEqual(routeEvent("/credentials/t-1"), [{ kind: "credentials", id: "t-1" }]);
    assert.deepEqual(routeEvent("/logconfigs/t-1"), [{ kind: "logConfig", id: "t-1" }]);
    assert.deepEqual(routeEvent("/backpressure/t-1/node-6700"), [{ kind: "backpressure", id: "t-1" }]);
    assert.deepEqual(routeEvent("/blobstore/key/host-1"), [{ kind: "blobstore" }]);
    assert.deepEqual(routeEvent("/leader-info"), [{ kind: "leader" }]);
    assert.deepEqual(routeEvent("/"), []);
  });

  test("unrouted subtrees and per-topology roots without an id are reported, not routed", () => {
    for (
      const p of [
        "/workerbeats/t-1",
        "/errors/t-1",
        "/nimbuses/h",
        "/storms",
        "/credentials",
        "/logconfigs",
        "/backpressure",
        "/secretkeys/NIMBUS",
        "/constructor",
        "/__proto__/x",
      ]
    ) {
      assert.equal(routeEvent(p), undefined, p);
    }
  });

  test("a callback fires once and is cleared; the last registration wins", () => {
    const { slots, calls } = recordingSlots(
      [{ kind: "stormBase", id: "t-1" }, "first"],
      [{ kind: "stormBase", id: "t-1" }, "second"],
      [{ kind: "stormBase", id: "t-2" }, "other"],
    );
    const errors: unknown[] = [];
    dispatchEvent(slots, "NodeDataChanged", "/storms/t-1", (e) => errors.push(e));
    dispatchEvent(slots, "NodeDataChanged", "/storms/t-1", (e) => errors.push(e));
    assert.deepEqual(calls, ["second"]);
    assert.equal(slots.size, 1);
    assert.deepEqual(errors, []);
  });

  test("an assignment event fires all three assignment callbacks of that id", () => {
    const { slots, calls } = recordingSlots(
      [{ kind: "assignmentInfo", id: "t" }, "info"],
      [{ kind: "assignmentVersion", id: "t" }, "version"],
      [{ kind: "assignmentInfoWithVersion", id: "t" }, "withVersion"],
      [{ kind: "assignments" }, "list"],
    );
    dispatchEvent(slots, "NodeDataChanged", "/assignments/t", () => assert.fail("no error expected"));
    assert.deepEqual(calls, ["info", "version", "withVersion"]);
  });

  test("an unrouted event goes to the error hook; a throwing callback does not stop the others", () => {
    const slots = createCallbackSlots();
    const errors: unknown[] = [];
    dispatchEvent(slots, "NodeCreated", "/workerbeats/t-1/n-1", (e) => errors.push(e));
    assert.ok(errors[0] instanceof UnroutedEventError && errors[0].path === "/workerbeats/t-1/n-1");
    const calls: string[] = [];
    slots.set({ kind: "assignmentInfo", id: "t" }, () => {
      throw new Error("boom");
    });
    slots.set({ kind: "assignmentVersion", id: "t" }, () => calls.push("version"));
    dispatchEvent(slots, "NodeDeleted", "/assignments/t", (e) => errors.push(e));
    assert.deepEqual(calls, ["version"]);
    assert.equal(errors.length, 2);
  });

  test("property: routing never throws, and any routed slot's id is the path's second token", () => {
    fc.assert(fc.property(fc.array(fc.string(), { maxLength: 5 }), (tokens) => {
      const path = "/" + tokens.join("/");
      const route = routeEvent(path);
      if (route === undefined) return;
      const [, second] = tokenizePath(path);
      for (const slot of route) if ("id" in slot) assert.equal(slot.id, second);
    }));
  });
});
