import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { jsonCodec } from "../../src/storm/codec/json.ts";
import { type DebugOptions, type StormBase, StormBaseSchema } from "../../src/storm/records.ts";
import { mergeStormBase, type StormBasePatch } from "../../src/storm/update-storm.ts";
import { stormArbitraries } from "../support/storm-arbitraries.ts";

/**
 * Storm 2.x's `StormClusterStateImpl.updateStorm`, transcribed statement by statement onto a
 * mutable copy of the patch (Java's `newElems`), with thrift's getters for unset fields (0, false,
 * null). Only for patches that meet its precondition: both maps present.
 */
function javaUpdateStorm(stormBase: StormBase, patch: StormBasePatch): StormBase {
  const newElems: Record<string, unknown> = { ...patch };
  const isBlank = (s: unknown) =>
    typeof s !== "string" ||
    /^[\t\n\u000B\f\r\u001C-\u001F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]*$/.test(s);
  const componentExecutors = patch.componentExecutors ?? {};
  if (stormBase.componentExecutors !== undefined) {
    const merged = new Map(Object.entries(componentExecutors));
    for (const [k, v] of Object.entries(stormBase.componentExecutors)) if (!merged.has(k)) merged.set(k, v);
    if (merged.size > 0) newElems.componentExecutors = Object.fromEntries(merged);
  }
  const oldDebug = stormBase.componentDebug ?? {};
  const newDebug = patch.componentDebug ?? {};
  const debug = new Map<string, DebugOptions>();
  for (const key of new Set([...Object.keys(oldDebug), ...Object.keys(newDebug)])) {
    let enable = false;
    let samplingpct = 0;
    const o = Object.hasOwn(oldDebug, key) ? oldDebug[key] : undefined;
    const n = Object.hasOwn(newDebug, key) ? newDebug[key] : undefined;
    if (o !== undefined) {
      enable = o.enable ?? false;
      samplingpct = o.samplingpct ?? 0;
    }
    if (n !== undefined) {
      enable = n.enable ?? false;
      samplingpct += n.samplingpct ?? 0;
    }
    debug.set(key, { enable, samplingpct });
  }
  if (debug.size > 0) newElems.componentDebug = Object.fromEntries(debug);
  if (isBlank(newElems.name)) newElems.name = stormBase.name;
  if (isBlank(newElems.topologyVersion) && stormBase.topologyVersion !== undefined) {
    newElems.topologyVersion = stormBase.topologyVersion;
  }
  if (newElems.status === undefined) newElems.status = stormBase.status;
  if ((newElems.numWorkers ?? 0) === 0) newElems.numWorkers = stormBase.numWorkers;
  if ((newElems.launchTimeSecs ?? 0) === 0) newElems.launchTimeSecs = stormBase.launchTimeSecs ?? 0;
  if (isBlank(newElems.owner)) newElems.owner = stormBase.owner;
  if (isBlank(newElems.principal) && stormBase.principal !== undefined) newElems.principal = stormBase.principal;
  if (newElems.topologyActionOptions === undefined) newElems.topologyActionOptions = stormBase.topologyActionOptions;
  // Java's set_x(null) leaves x unset.
  return Object.fromEntries(Object.entries(newElems).filter(([, v]) => v !== undefined)) as unknown as StormBase;
}

const javaBlank = fc.constantFrom("", " ", "\t\n", "\u3000", "\u2028", "\u001F");
const notJavaBlank = fc.constantFrom("\u00A0", "\uFEFF", "\u2007");
const maybeBlank = fc.oneof(fc.string({ maxLength: 6 }), javaBlank, notJavaBlank);
const smallDebug = fc.dictionary(
  fc.constantFrom("spout", "split", "count"),
  fc.record({ enable: fc.boolean(), samplingpct: fc.integer({ min: 0, max: 100 }) }, { requiredKeys: [] }),
  { noNullPrototype: true },
);
const smallExecutors = fc.dictionary(
  fc.constantFrom("spout", "split", "count", "sink"),
  fc.integer({ min: 1, max: 32 }),
  { noNullPrototype: true },
);

/** Patches as nimbus sends them: both maps set, the other fields sometimes blank or zero. */
const patch: fc.Arbitrary<StormBasePatch> = fc.record({
  name: maybeBlank,
  status: fc.constantFrom("ACTIVE", "INACTIVE", "REBALANCING", "KILLED" as const),
  numWorkers: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 64 })),
  launchTimeSecs: fc.oneof(fc.constant(0), fc.nat()),
  owner: maybeBlank,
  principal: maybeBlank,
  topologyVersion: maybeBlank,
  prevStatus: fc.constantFrom("ACTIVE", "INACTIVE" as const),
  topologyActionOptions: fc.constant({ killOptions: { waitSecs: 3 } }),
  componentExecutors: smallExecutors,
  componentDebug: smallDebug,
}, { requiredKeys: ["componentExecutors", "componentDebug"], noNullPrototype: true });
const base: fc.Arbitrary<StormBase> = fc.tuple(
  stormArbitraries.StormBase,
  fc.option(smallExecutors, { nil: undefined }),
  fc.option(smallDebug, { nil: undefined }),
)
  .map(([b, componentExecutors, componentDebug]) => {
    const { componentExecutors: _e, componentDebug: _d, ...rest } = b;
    return {
      ...rest,
      ...(componentExecutors ? { componentExecutors } : {}),
      ...(componentDebug ? { componentDebug } : {}),
    };
  });

describe("updateStorm merge (properties)", () => {
  test("matches Storm 2.x's updateStorm, rule by rule, for patches as nimbus sends them", () => {
    fc.assert(
      fc.property(base, patch, (b, p) => {
        assert.deepEqual(mergeStormBase(b, p), javaUpdateStorm(b, p));
      }),
      { numRuns: 500 },
    );
  });

  test("componentExecutors: every patched component takes the patch's count, every other stored one survives", () => {
    fc.assert(fc.property(stormArbitraries.StormBase, fc.option(smallExecutors, { nil: undefined }), (b, executors) => {
      const merged = mergeStormBase(b, executors === undefined ? {} : { componentExecutors: executors });
      const expected = b.componentExecutors === undefined ? executors : { ...b.componentExecutors, ...executors };
      assert.deepEqual(merged.componentExecutors, expected);
    }));
  });

  test("the merge of valid records is a valid record, and the stored name, status and size survive an empty patch", () => {
    fc.assert(fc.property(stormArbitraries.StormBase, fc.oneof(patch, fc.constant<StormBasePatch>({})), (b, p) => {
      const merged = mergeStormBase(b, p);
      assert.ok(StormBaseSchema.safeParse(merged).success);
      jsonCodec.encode("StormBase", merged);
      const empty = mergeStormBase(b, { componentExecutors: {}, componentDebug: {} });
      assert.equal(empty.name, b.name);
      assert.equal(empty.status, b.status);
      assert.equal(empty.numWorkers, b.numWorkers);
      assert.equal(empty.prevStatus, undefined, "prevStatus is never carried over");
    }));
  });

  test("sampling percentages add up across updates (Storm's quirk); enable follows the latest patch naming the component", () => {
    fc.assert(fc.property(base, smallDebug, smallDebug, (b, first, second) => {
      const once = mergeStormBase(b, { componentDebug: first });
      const twice = mergeStormBase(once, { componentDebug: second });
      for (const [component, options] of Object.entries(twice.componentDebug ?? {})) {
        const pct = (
          o: Readonly<Record<string, DebugOptions>> | undefined,
        ) => (o !== undefined && Object.hasOwn(o, component) ? o[component]?.samplingpct ?? 0 : 0);
        assert.equal(options.samplingpct, pct(b.componentDebug) + pct(first) + pct(second));
        const latest = [second, first, b.componentDebug ?? {}].find((o) => Object.hasOwn(o, component));
        assert.equal(options.enable, latest?.[component]?.enable ?? false);
      }
    }));
  });
});
