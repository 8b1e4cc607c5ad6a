import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { jsonCodec } from "../../src/storm/codec/json.ts";
import { MAX_ERRORS, errorSequence, errorsToPrune, newestFirst } from "../../src/storm/error-pruning.ts";
import { mergeExecutorBeats } from "../../src/storm/heartbeats.ts";
import { errorPath, lastErrorPath, urlDecode, urlEncode, workerbeatPath } from "../../src/storm/paths.ts";
import { CorruptRecordError, InvalidRecordError } from "../../src/storm/record-errors.ts";
import { type ClusterWorkerHeartbeat, type ExecutorStats, type NodeInfo, type RecordKind, executorKey, parseExecutorKey } from "../../src/storm/records.ts";
import { mergeStormBase } from "../../src/storm/update-storm.ts";
import { stormArbitraries } from "../support/storm-arbitraries.ts";

const seqName = (n: number) => `e${String(n).padStart(10, "0")}`;

describe("error pruning", () => {
  test("after any sequence of reports and foreign deletions, exactly the newest 10 per component remain", () => {
    const action = fc.oneof(
      fc.record({ type: fc.constant("report" as const), component: fc.constantFrom("spout", "bolt", "a/b c") }),
      fc.record({ type: fc.constant("steal" as const), component: fc.constantFrom("spout", "bolt", "a/b c"), pick: fc.nat() }),
    );
    // Start counters just below digit boundaries, so numbers cross 9→10, 99→100, … as they grow.
    fc.assert(fc.property(fc.array(action, { maxLength: 80 }), fc.constantFrom(0, 5, 95, 995, 999_999_995), (actions, start) => {
      const dirs = new Map<string, { next: number; children: string[]; reported: number[] }>();
      for (const a of actions) {
        const dir = dirs.get(a.component) ?? { next: start, children: [], reported: [] };
        dirs.set(a.component, dir);
        if (a.type === "report") {
          const seq = dir.next++;
          dir.children.push(seqName(seq));
          dir.reported.push(seq);
          const stale = new Set(errorsToPrune(dir.children));
          dir.children = dir.children.filter((c) => !stale.has(c));
        } else if (dir.children.length > 0) {
          dir.children.splice(a.pick % dir.children.length, 1);
        }
      }
      for (const dir of dirs.values()) {
        assert.ok(dir.children.length <= MAX_ERRORS);
        const kept = dir.children.map((c) => errorSequence(c) ?? -1);
        // Every kept error is among the newest 10 reported, whatever its string order.
        const newest = dir.reported.slice(-MAX_ERRORS);
        for (const k of kept) assert.ok(newest.includes(k), `kept e${k}, newest are ${newest}`);
      }
    }));
  });

  test("without foreign deletions the newest 10 are exactly the ones kept", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 60 }), fc.constantFrom(0, 95, 999_999_990), (count, start) => {
      let children: string[] = [];
      for (let i = 0; i < count; i++) {
        children.push(seqName(start + i));
        const stale = new Set(errorsToPrune(children));
        children = children.filter((c) => !stale.has(c));
      }
      const expected = Array.from({ length: Math.min(count, MAX_ERRORS) }, (_, i) => seqName(start + count - Math.min(count, MAX_ERRORS) + i));
      assert.deepEqual([...children].sort(), expected.sort());
    }));
  });

  test("numbers, not strings, decide: e10 is newer than e9; other names are left alone", () => {
    const children = ["e9", "e10", "junk", ...Array.from({ length: 9 }, (_, i) => `e${11 + i}`)];
    assert.deepEqual(errorsToPrune(children), ["e9"]);
  });

  test("errors read back newest first by time, stable for equal times", () => {
    const errors = [{ error: "a", errorTimeSecs: 5 }, { error: "b", errorTimeSecs: 9 }, { error: "c", errorTimeSecs: 5 }];
    assert.deepEqual(newestFirst(errors).map((e) => e.error), ["b", "a", "c"]);
  });
});

describe("executor-beat merge", () => {
  const stats = (rate: number): ExecutorStats => ({ emitted: {}, transferred: {}, specific: { spout: { acked: {}, failed: {}, completeMsAvg: {} } }, rate });
  const slot = fc.record({ node: fc.constantFrom("sup-a", "sup-b", "sup-c"), port: fc.constantFrom(6700, 6701) });
  const scenario = fc.record({
    assignment: fc.dictionary(fc.tuple(fc.nat(30), fc.nat(30)).map(([a, b]) => executorKey(a, b)), slot.map((s): NodeInfo => ({ node: s.node, port: [s.port] })), { maxKeys: 12 }),
    beats: fc.array(fc.record({ slot, time: fc.nat(1_000_000), executors: fc.array(fc.tuple(fc.nat(30), fc.nat(30)).map(([a, b]) => executorKey(a, b)), { maxLength: 12 }) }), { maxLength: 8 }),
  });
  const heartbeatsOf = (beats: { slot: { node: string; port: number }; time: number; executors: string[] }[]) => {
    const byslot = new Map<string, ClusterWorkerHeartbeat>();
    for (const b of beats) {
      byslot.set(`${b.slot.node}-${b.slot.port}`, { stormId: "t", timeSecs: b.time, uptimeSecs: 1, executorStats: Object.fromEntries(b.executors.map((e) => [e, stats(b.time)])) });
    }
    return byslot;
  };

  test("only executors assigned to a worker are taken from its heartbeat, and only if present there", () => {
    fc.assert(fc.property(scenario, ({ assignment, beats }) => {
      const hbs = heartbeatsOf(beats);
      const merged = mergeExecutorBeats(assignment, (s) => hbs.get(`${s.node}-${s.port}`));
      for (const [executor, beat] of Object.entries(merged)) {
        const info = assignment[executor];
        assert.ok(info, `${executor} is assigned`);
        const hb = hbs.get(`${info.node}-${info.port[0]}`);
        assert.ok(hb && Object.hasOwn(hb.executorStats, executor), "it came from its own worker's heartbeat");
        assert.equal(beat.timeSecs, hb.timeSecs);
      }
      for (const [executor, info] of Object.entries(assignment)) {
        const hb = hbs.get(`${info.node}-${info.port[0]}`);
        assert.equal(Object.hasOwn(merged, executor), !!hb && Object.hasOwn(hb.executorStats, executor));
      }
    }));
  });

  test("a dead worker with a skewed clock cannot override the live one's timestamps", () => {
    const assignment = { [executorKey(1, 1)]: { node: "live", port: [6700] } };
    const live: ClusterWorkerHeartbeat = { stormId: "t", timeSecs: 100, uptimeSecs: 5, executorStats: { [executorKey(1, 1)]: stats(1) } };
    const dead: ClusterWorkerHeartbeat = { stormId: "t", timeSecs: 9_999_999, uptimeSecs: 5, executorStats: { [executorKey(1, 1)]: stats(2) } };
    const merged = mergeExecutorBeats(assignment, (s) => (s.node === "live" ? live : dead));
    assert.equal(merged[executorKey(1, 1)]?.timeSecs, 100);
  });

  test("the result does not depend on the order of the assignment's entries", () => {
    fc.assert(fc.property(scenario, fc.infiniteStream(fc.nat()), ({ assignment, beats }, randoms) => {
      const hbs = heartbeatsOf(beats);
      const entries = Object.entries(assignment);
      const shuffled = [...entries].sort(() => (randoms.next().value % 3) - 1);
      const a = mergeExecutorBeats(assignment, (s) => hbs.get(`${s.node}-${s.port}`));
      const b = mergeExecutorBeats(Object.fromEntries(shuffled), (s) => hbs.get(`${s.node}-${s.port}`));
      assert.deepEqual(a, b);
    }));
  });
});

describe("paths", () => {
  test("component ids are encoded like Java's URLEncoder", () => {
    assert.equal(urlEncode("a b/c*d.e-f_g~h"), "a+b%2Fc*d.e-f_g%7Eh");
    assert.equal(urlEncode("ünï 😀"), "%C3%BCn%C3%AF+%F0%9F%98%80");
    assert.equal(errorPath("t-1", "split/words"), "/errors/t-1/split%2Fwords");
    assert.equal(lastErrorPath("t-1", "spout"), "/errors/t-1/spout-last-error");
    assert.equal(workerbeatPath("t-1", "sup-1", 6700), "/workerbeats/t-1/sup-1-6700");
  });

  test("encode/decode round-trips any component id, and encoded ids are single path components", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), (id) => {
      const enc = urlEncode(id);
      assert.equal(urlDecode(enc), id);
      assert.ok(!enc.includes("/"));
      assert.match(enc, /^[A-Za-z0-9.*_+%-]*$/);
    }));
  });

  test("executor keys round-trip", () => {
    fc.assert(fc.property(fc.integer({ min: -1, max: 1e9 }), fc.integer({ min: -1, max: 1e9 }), (a, b) => {
      assert.deepEqual(parseExecutorKey(executorKey(a, b)), [a, b]);
    }));
  });
});

describe("updateStorm merge", () => {
  test("componentExecutors merge with new entries winning and old ones kept; blank fields keep the stored value", () => {
    const base = { name: "wc", status: "ACTIVE" as const, numWorkers: 2, componentExecutors: { spout: 2, split: 4 }, owner: "alice", launchTimeSecs: 10 };
    const merged = mergeStormBase(base, { status: "REBALANCING", componentExecutors: { split: 8, count: 1 }, name: "", numWorkers: 0 });
    assert.deepEqual(merged, { name: "wc", status: "REBALANCING", numWorkers: 2, componentExecutors: { spout: 2, split: 8, count: 1 }, owner: "alice", launchTimeSecs: 10 });
  });

  test("property: every old component survives, every patched one takes the patch's count", () => {
    fc.assert(fc.property(stormArbitraries.StormBase, fc.dictionary(fc.string(), fc.integer()), (base, patchExecutors) => {
      const merged = mergeStormBase(base, { componentExecutors: patchExecutors });
      for (const [k, v] of Object.entries(base.componentExecutors ?? {})) if (!Object.hasOwn(patchExecutors, k)) assert.equal(merged.componentExecutors?.[k], v);
      for (const [k, v] of Object.entries(patchExecutors)) assert.equal(merged.componentExecutors?.[k], v);
      assert.equal(merged.name, base.name.trim() === "" ? base.name : base.name);
      assert.equal(merged.status, base.status);
    }));
  });
});

describe("the JSON codec", () => {
  const kinds = Object.keys(stormArbitraries) as RecordKind[];
  for (const kind of kinds) {
    test(`${kind} round-trips and comes back deep-frozen`, () => {
      fc.assert(fc.property(stormArbitraries[kind] as fc.Arbitrary<unknown>, (record) => {
        const decoded = jsonCodec.decode(kind, jsonCodec.encode(kind, record as never));
        assert.deepEqual(decoded, record);
        const frozen = (v: unknown): boolean => typeof v !== "object" || v === null || ArrayBuffer.isView(v) || (Object.isFrozen(v) && Object.values(v).every(frozen));
        assert.ok(frozen(decoded));
      }), { numRuns: 50 });
    });
  }

  test("arbitrary or mutated bytes give CorruptRecordError naming the path, never another error", () => {
    const valid = jsonCodec.encode("StormBase", { name: "wc", status: "ACTIVE", numWorkers: 1 });
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 60 }), fc.tuple(fc.nat(valid.length), fc.nat(255)).map(([i, v]) => {
      const b = valid.slice();
      if (i < b.length) b[i] = v;
      return b;
    }));
    fc.assert(fc.property(bytes, fc.constantFrom(...kinds), (b, kind) => {
      try {
        jsonCodec.decode(kind, b, "/storms/x");
      } catch (error) {
        assert.ok(error instanceof CorruptRecordError, String(error));
        assert.equal(error.path, "/storms/x");
      }
    }));
  });

  test("a record that does not fit its schema is refused on encode", () => {
    assert.throws(() => jsonCodec.encode("StormBase", { name: "wc", status: "GONE" as "ACTIVE", numWorkers: 1 }), InvalidRecordError);
    assert.throws(() => jsonCodec.encode("ErrorInfo", { error: "x", errorTimeSecs: 2 ** 40 }), InvalidRecordError);
    const proto = JSON.parse('{"name":"wc","status":"ACTIVE","numWorkers":1,"componentExecutors":{"__proto__":1}}');
    assert.throws(() => jsonCodec.encode("StormBase", proto), InvalidRecordError, "a key that would vanish is refused, not dropped");
    assert.throws(() => jsonCodec.decode("StormBase", new TextEncoder().encode(JSON.stringify(proto))), CorruptRecordError);
  });
});
