import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeStruct,
  encodeStruct,
  ThriftDecodeError,
  ThriftEncodeError,
  type ThriftStruct,
} from "../../src/storm/codec/thrift-protocol.ts";

// The thrift codec's shortcuts (ASCII strings read byte by byte and interned, maps of a key list
// seen twice in a row read and written by code compiled for that list, key orders and encoded
// struct keys reused from one map to the next) against the plain ways they stand in for:
// TextEncoder/TextDecoder, a decoder and an encoder compiled afresh for every record.

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder("utf-8", { fatal: true });
const hasLoneSurrogate = (s: string) => /\p{Cs}/u.test(s);

const i32be = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const i64be = (n: number) => [...i32be(Math.floor(n / 2 ** 32)), ...i32be(n >>> 0)];
const stringBytes = (bytes: Uint8Array) => [...i32be(bytes.length), ...bytes];

const named: ThriftStruct = {
  kind: "struct",
  name: "Named",
  fields: [{ id: 1, name: "name", type: { kind: "string" }, required: true }],
};
/** Named { name } with the raw bytes `bytes` as its string. */
const namedWire = (bytes: Uint8Array) => new Uint8Array([0x0b, 0x00, 0x01, ...stringBytes(bytes), 0x00]);

const WINDOWS = ["600", "10800", "86400", ":all-time"];
/** A fresh table (so a fresh compiled decoder, with nothing learned) of Struct { 1: map<string, i64> counts }. */
const countsTable = (): ThriftStruct => ({
  kind: "struct",
  name: "Counts",
  fields: [{
    id: 1,
    name: "counts",
    type: { kind: "map", key: { kind: "string" }, value: { kind: "i64" } },
    required: true,
  }],
});
const countsWire = (entries: readonly (readonly [string, number])[]) =>
  new Uint8Array([
    0x0d,
    0x00,
    0x01,
    0x0b,
    0x0a,
    ...i32be(entries.length),
    ...entries.flatMap(([k, v]) => [...stringBytes(utf8.encode(k)), ...i64be(v)]),
    0x00,
  ]);

/**
 * A fresh table (so a fresh compiled encoder, with nothing cached) of Struct { 1: map<string,
 * map<Pair, i64 or double>> }, Pair a struct key written from the JSON text of [a, b].
 */
function pairsTable(value: "i64" | "double" = "i64"): ThriftStruct {
  const pair: ThriftStruct = {
    kind: "struct",
    name: "Pair",
    fields: [{ id: 1, name: "a", type: { kind: "string" }, required: true }, {
      id: 2,
      name: "b",
      type: { kind: "string" },
      required: true,
    }],
  };
  return {
    kind: "struct",
    name: "Pairs",
    fields: [{
      id: 1,
      name: "byWindow",
      required: true,
      type: {
        kind: "map",
        key: { kind: "string" },
        value: {
          kind: "map",
          key: pair,
          value: { kind: value },
          keyToJs: (k) => JSON.stringify([(k as { a: string }).a, (k as { b: string }).b]),
          keyFromJs: (k) => {
            const v: unknown = JSON.parse(k);
            if (!Array.isArray(v) || v.length !== 2 || JSON.stringify(v) !== k) throw new TypeError(`not a pair: ${k}`);
            return { a: v[0], b: v[1] };
          },
        },
      },
    }],
  };
}

describe("the thrift codec's shortcuts agree with the plain ways", () => {
  test("any string is written as TextEncoder's UTF-8 and read back equal, or refused when it holds a lone surrogate", () => {
    const strings = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(strings, (s) => {
        if (hasLoneSurrogate(s)) {
          assert.throws(
            () => encodeStruct(named, { name: s }),
            (e: unknown) => e instanceof ThriftEncodeError && /Named\.name: .*lone UTF-16 surrogate/.test(e.message),
          );
          return;
        }
        const bytes = encodeStruct(named, { name: s }).slice();
        assert.deepEqual(bytes, namedWire(utf8.encode(s)));
        assert.equal(decodeStruct(named, bytes).name, s);
      }),
      { numRuns: 2000 },
    );
  });

  test("any bytes read as a string give what a fatal TextDecoder gives, or a ThriftDecodeError where it throws", () => {
    const ascii = fc.uint8Array({ maxLength: 40 }).map((b) => b.map((x) => x & 0x7f));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 48 }), ascii), (raw) => {
        let want: string | undefined;
        try {
          want = utf8Strict.decode(raw);
        } catch {
          want = undefined;
        }
        if (want === undefined) {
          assert.throws(
            () => decodeStruct(named, namedWire(raw)),
            (e: unknown) => e instanceof ThriftDecodeError && /not valid UTF-8/.test(e.message),
          );
        } else assert.equal(decodeStruct(named, namedWire(raw)).name, want);
      }),
      { numRuns: 2000 },
    );
  });

  test("short ASCII strings that share length and outer bytes (one intern slot) still read back exactly", () => {
    const middle = fc.string({ unit: fc.constantFrom(..."abcdefghij_0123456789"), minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(fc.array(middle, { minLength: 2, maxLength: 30 }), (middles) => {
        // Read in turn, again and again: each read may find the slot holding another of them.
        for (let round = 0; round < 3; round++) {
          for (const m of middles) {
            const s = `xy${m.padEnd(20, "-")}yx`;
            assert.equal(decodeStruct(named, namedWire(utf8.encode(s))).name, s);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test("maps read one after another (key lists learned, readers compiled) read as a fresh decoder reads each", () => {
    const keys = fc.constantFrom(...WINDOWS, "601", "x", "__proto__");
    const oneMap = fc.oneof(
      fc.shuffledSubarray(WINDOWS, { minLength: 4, maxLength: 4 }).chain((ks) =>
        fc.tuple(...ks.map((k) => fc.tuple(fc.constant(k), fc.integer())))
      ),
      fc.array(fc.tuple(keys, fc.integer()), { maxLength: 6 }),
    );
    // Repeats, so that key lists are read twice in a row and their reader is used.
    const maps = fc.array(fc.tuple(oneMap, fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 8 })
      .map((runs) => runs.flatMap(([m, times]) => Array.from({ length: times }, () => m)));
    const warm = countsTable();
    fc.assert(
      fc.property(maps, (lists) => {
        for (const list of lists) {
          const wire = countsWire(list);
          if (list.some(([k]) => k === "__proto__")) {
            for (const table of [warm, countsTable()]) {
              assert.throws(
                () => decodeStruct(table, wire),
                (e: unknown) => e instanceof ThriftDecodeError && /__proto__/.test(e.message),
              );
            }
            continue;
          }
          const want: Record<string, number> = {};
          for (const [k, v] of list) want[k] = v;
          const got = decodeStruct(warm, wire) as { counts: Record<string, number> };
          assert.deepEqual(got, { counts: want });
          assert.deepEqual(Object.keys(got.counts), Object.keys(want));
          assert.deepEqual(got, decodeStruct(countsTable(), wire));
          assert.equal(Object.getPrototypeOf(got.counts), Object.prototype);
          assert.ok(Object.isFrozen(got.counts));
        }
      }),
      { numRuns: 2000 },
    );
  });

  test("struct keys matched by their bytes read as a fresh decoder reads them, when keys differ in one byte", () => {
    // Names of one length that differ in one byte: keys of equal length and near-equal bytes.
    const names = fc.constantFrom("spout", "spouu", "tpout", "sp\u00e9t", "bolt1", "bolt2", "", "é");
    const pairKey = fc.tuple(names, names).map((p) => JSON.stringify(p));
    const byPair = fc.dictionary(pairKey, fc.integer(), { maxKeys: 6 }).map((d) => ({ ...d }));
    const records = fc.array(byPair.map((m) => ({ "600": m })), { minLength: 1, maxLength: 10 });
    const warm = pairsTable();
    fc.assert(
      fc.property(records, (list) => {
        for (const byWindow of list) {
          const wire = encodeStruct(pairsTable(), { byWindow }).slice();
          assert.deepEqual(decodeStruct(warm, wire), { byWindow });
          assert.deepEqual(decodeStruct(warm, wire), decodeStruct(pairsTable(), wire));
        }
      }),
      { numRuns: 500 },
    );
  });

  test("a decoder that has learned key lists reads any bytes, corrupt ones too, as a fresh decoder does", () => {
    // More inner key lists than a decoder holds (8), in runs, so lists are learned, used, and evicted.
    const names = fc.constantFrom("spout", "spouu", "split", "count", "é", "");
    const pairKey = fc.tuple(names, names).map((p) => JSON.stringify(p));
    const innerKeys = fc.uniqueArray(pairKey, { minLength: 0, maxLength: 4 });
    const record = fc.tuple(
      fc.array(innerKeys, { minLength: 1, maxLength: 3 }),
      fc.array(fc.integer(), { maxLength: 12 }),
    )
      .map(([lists, counts]) => ({
        byWindow: Object.fromEntries(
          lists.map((keys, w) => [WINDOWS[w], Object.fromEntries(keys.map((k, i) => [k, counts[i] ?? i]))]),
        ),
      }));
    const edit = fc.tuple(fc.constantFrom("cut", "set", "insert" as const), fc.nat(), fc.nat(255));
    const step = fc.tuple(
      record,
      fc.integer({ min: 1, max: 3 }),
      fc.option(fc.array(edit, { minLength: 1, maxLength: 3 })),
    );
    const outcome = (read: () => unknown): unknown => {
      try {
        return { value: read() };
      } catch (error) {
        assert.ok(error instanceof ThriftDecodeError, String(error));
        return { error: error.message };
      }
    };
    const warm = pairsTable();
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        for (const [r, times, edits] of steps) {
          let bytes = [...encodeStruct(pairsTable(), r)];
          for (const [how, at, value] of edits ?? []) {
            const i = at % (bytes.length + 1);
            if (how === "cut") bytes = bytes.slice(0, i);
            else if (how === "insert") bytes.splice(i, 0, value);
            else if (i < bytes.length) bytes[i] = value;
          }
          const wire = new Uint8Array(bytes);
          for (let t = 0; t < times; t++) {
            assert.deepEqual(outcome(() => decodeStruct(warm, wire)), outcome(() => decodeStruct(pairsTable(), wire)));
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  for (const kind of ["i64", "double"] as const) {
    test(`an encoder that has learned key lists writes what a fresh one writes, and refuses what it refuses alike (${kind} values)`, () => {
      const names = fc.constantFrom("spout", "split", "count", '"q"', "é");
      const pairKey = fc.oneof(fc.tuple(names, names).map((p) => JSON.stringify(p)), fc.constant("not a pair"));
      // Values a learned writer writes in place and values only the value encoder can judge.
      const count = fc.oneof(
        fc.integer(),
        fc.maxSafeInteger(),
        fc.double(),
        fc.constantFrom(2 ** 60, -0, 2 ** 32, -(2 ** 32) - 1, "7", undefined, null, 7n),
      );
      const byPair = fc.dictionary(pairKey, count, { maxKeys: 4 }).map((d) => ({ ...d }));
      const byWindow = fc.tuple(fc.shuffledSubarray(WINDOWS, { minLength: 1 }), fc.array(byPair, { minLength: 4 }))
        .map(([ks, maps]) => Object.fromEntries(ks.map((k, i) => [k, maps[i]])));
      // Runs of records with one key set but other values, so a learned writer meets values it refuses.
      const runs = fc.array(fc.tuple(byWindow, fc.array(count, { minLength: 1, maxLength: 3 })), {
        minLength: 1,
        maxLength: 6,
      });
      const outcome = (write: () => Uint8Array): unknown => {
        try {
          return { bytes: write().slice() };
        } catch (error) {
          assert.ok(error instanceof ThriftEncodeError, String(error));
          return { error: error.message };
        }
      };
      const warm = pairsTable(kind);
      fc.assert(
        fc.property(runs, (list) => {
          for (const [r, counts] of list) {
            for (const c of counts) {
              const record = {
                byWindow: Object.fromEntries(
                  Object.entries(r).map(([w, m]) => [w, Object.fromEntries(Object.keys(m).map((k) => [k, c]))]),
                ),
              };
              assert.deepEqual(
                outcome(() => encodeStruct(warm, record)),
                outcome(() => encodeStruct(pairsTable(kind), record)),
              );
            }
          }
        }),
        { numRuns: 600 },
      );
    });
  }

  test("encoding records one after another (key orders and key bytes reused) gives the bytes of a fresh encoder for each", () => {
    const names = fc.constantFrom("spout", "split", "count", '"q"', "é");
    const pairKey = fc.tuple(names, names).map((p) => JSON.stringify(p));
    // Plain objects, as records are (fast-check also makes null-prototype ones).
    const plainDictionary = <V>(key: fc.Arbitrary<string>, value: fc.Arbitrary<V>, maxKeys: number) =>
      fc.dictionary(key, value, { maxKeys }).map((d) => ({ ...d }));
    const byPair = plainDictionary(fc.oneof(pairKey, fc.constant("not a pair")), fc.integer(), 4);
    const byWindow = fc.oneof(
      fc.shuffledSubarray(WINDOWS, { minLength: 4, maxLength: 4 }).chain((ks) =>
        fc.tuple(...ks.map(() => byPair)).map((maps) => Object.fromEntries(ks.map((k, i) => [k, maps[i]])))
      ),
      plainDictionary(fc.constantFrom(...WINDOWS, "1", "w"), byPair, 5),
    );
    const warm = pairsTable();
    fc.assert(
      fc.property(fc.array(byWindow, { minLength: 1, maxLength: 8 }), (records) => {
        for (const r of records) {
          const fresh = (): Uint8Array => encodeStruct(pairsTable(), { byWindow: r }).slice();
          const reused = (): Uint8Array => encodeStruct(warm, { byWindow: r }).slice();
          let want: Uint8Array | Error;
          try {
            want = fresh();
          } catch (error) {
            want = error as Error;
          }
          if (want instanceof Error) {
            assert.ok(want instanceof ThriftEncodeError && /not a pair/.test(want.message), String(want));
            assert.throws(
              reused,
              (e: unknown) => e instanceof ThriftEncodeError && e.message === (want as Error).message,
            );
            continue;
          }
          assert.deepEqual(reused(), want);
          assert.deepEqual(decodeStruct(warm, want), { byWindow: r });
        }
      }),
      { numRuns: 400 },
    );
  });
});
