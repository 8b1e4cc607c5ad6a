import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { StormBase } from "../../src/storm/records.ts";
import { mergeStormBase } from "../../src/storm/update-storm.ts";
import { wordcountBase } from "../support/storm-records.ts";

const stored: StormBase = {
  ...wordcountBase,
  principal: "alice@EXAMPLE.COM",
  topologyVersion: "1.0",
  prevStatus: "INACTIVE",
  componentDebug: { spout: { enable: true, samplingpct: 10 } },
};

describe("updateStorm merge", () => {
  test("a rebalance (nimbus's doRebalance patch) merges executor counts and keeps the rest", () => {
    const merged = mergeStormBase(stored, {
      componentDebug: {},
      componentExecutors: { split: 8, count: 1 },
      numWorkers: 3,
    });
    assert.deepEqual(merged, {
      name: "wordcount",
      status: "ACTIVE",
      numWorkers: 3,
      componentExecutors: { spout: 2, split: 8, count: 1 },
      launchTimeSecs: 1_700_000_000,
      owner: "alice",
      principal: "alice@EXAMPLE.COM",
      topologyVersion: "1.0",
      componentDebug: { spout: { enable: true, samplingpct: 10 } },
    });
  });

  test("a status transition (nimbus's make(status) patch) changes the status and drops prevStatus unless given", () => {
    const killed = mergeStormBase(stored, {
      status: "KILLED",
      componentExecutors: {},
      componentDebug: {},
      topologyActionOptions: { killOptions: { waitSecs: 30 } },
    });
    assert.equal(killed.status, "KILLED");
    assert.equal(killed.prevStatus, undefined);
    assert.deepEqual(killed.topologyActionOptions, { killOptions: { waitSecs: 30 } });
    assert.deepEqual(killed.componentExecutors, stored.componentExecutors);
    assert.equal(mergeStormBase(stored, { status: "REBALANCING", prevStatus: "ACTIVE" }).prevStatus, "ACTIVE");
  });

  test("topologyActionOptions cannot be cleared by an update: absent keeps the stored one", () => {
    const withOptions = mergeStormBase(stored, { topologyActionOptions: { rebalanceOptions: { waitSecs: 5 } } });
    assert.deepEqual(mergeStormBase(withOptions, { status: "ACTIVE" }).topologyActionOptions, {
      rebalanceOptions: { waitSecs: 5 },
    });
  });

  test("debug: enable follows the patch (unset is false), sampling percentages add up", () => {
    const merged = mergeStormBase(stored, {
      componentDebug: { spout: { samplingpct: 5 }, split: { enable: true, samplingpct: 20 } },
    });
    assert.deepEqual(merged.componentDebug, {
      spout: { enable: false, samplingpct: 15 },
      split: { enable: true, samplingpct: 20 },
    });
    const untouched = mergeStormBase({ ...stored, componentDebug: { spout: {} } }, { componentDebug: {} });
    assert.deepEqual(
      untouched.componentDebug,
      { spout: { enable: false, samplingpct: 0 } },
      "entries come out with both fields set",
    );
  });

  test("blank strings keep the stored value by Java's isBlank, not JavaScript's trim", () => {
    const blank = mergeStormBase(stored, { name: " \t", owner: "\u3000", principal: "", topologyVersion: "\n" });
    assert.deepEqual([blank.name, blank.owner, blank.principal, blank.topologyVersion], [
      "wordcount",
      "alice",
      "alice@EXAMPLE.COM",
      "1.0",
    ]);
    assert.equal(mergeStormBase(stored, { name: "\u00a0" }).name, "\u00a0", "a no-break space is not blank in Java");
  });

  test("principal and topologyVersion stay as the patch has them when the stored base has none", () => {
    const { principal: _p, topologyVersion: _v, ...bare } = stored;
    const merged = mergeStormBase(bare, { principal: "", topologyVersion: " " });
    assert.equal(merged.principal, "");
    assert.equal(merged.topologyVersion, " ");
  });

  test("numWorkers and launchTimeSecs of 0 keep the stored values; launchTimeSecs is always written", () => {
    assert.equal(mergeStormBase(stored, { numWorkers: 0, launchTimeSecs: 0 }).numWorkers, 2);
    assert.equal(mergeStormBase(stored, { launchTimeSecs: 0 }).launchTimeSecs, 1_700_000_000);
    assert.equal(mergeStormBase({ name: "n", status: "ACTIVE", numWorkers: 1 }, {}).launchTimeSecs, 0);
  });

  test("maps: a base without componentExecutors takes the patch's as is; maps absent from both stay absent", () => {
    assert.deepEqual(
      mergeStormBase({ name: "n", status: "ACTIVE", numWorkers: 1 }, { componentExecutors: { a: 1 } })
        .componentExecutors,
      { a: 1 },
    );
    const bare = mergeStormBase({ name: "n", status: "ACTIVE", numWorkers: 1 }, {});
    assert.ok(!("componentExecutors" in bare) && !("componentDebug" in bare));
    assert.deepEqual(
      mergeStormBase({ name: "n", status: "ACTIVE", numWorkers: 1, componentExecutors: {} }, { componentExecutors: {} })
        .componentExecutors,
      {},
    );
  });

  test("neither input is changed", () => {
    const before = structuredClone(stored);
    const patch = { componentExecutors: { split: 1 }, componentDebug: { spout: { samplingpct: 1 } } };
    mergeStormBase(stored, patch);
    assert.deepEqual(stored, before);
    assert.deepEqual(patch, { componentExecutors: { split: 1 }, componentDebug: { spout: { samplingpct: 1 } } });
  });
});
