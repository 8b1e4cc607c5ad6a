import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { jsonCodec } from "../../src/storm/codec/json.ts";
import { CorruptRecordError } from "../../src/storm/record-errors.ts";
import { type RecordKind, recordSchemas } from "../../src/storm/records.ts";
import { stormArbitraries } from "../support/storm-arbitraries.ts";

const kinds = Object.keys(stormArbitraries) as RecordKind[];
const anyRecord = fc.constantFrom(...kinds).chain((kind) =>
  fc.tuple(fc.constant(kind), stormArbitraries[kind] as fc.Arbitrary<unknown>)
);
const utf8 = new TextEncoder();
const text = new TextDecoder();

function deepFrozen(v: unknown): boolean {
  return typeof v !== "object" || v === null || ArrayBuffer.isView(v) ||
    (Object.isFrozen(v) && Object.values(v).every(deepFrozen));
}

/** The same value with every object's keys in another order. */
function reorderKeys(v: unknown, pick: () => number): unknown {
  if (Array.isArray(v)) return v.map((x) => reorderKeys(x, pick));
  if (typeof v !== "object" || v === null || ArrayBuffer.isView(v)) return v;
  const entries = Object.entries(v).map(([k, x]) => [k, reorderKeys(x, pick)] as const);
  entries.sort(() => pick() - 0.5);
  const out: Record<string, unknown> = {};
  for (const [k, x] of entries) {
    Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Decoding must give a valid, deep-frozen record or a CorruptRecordError naming the path; nothing else. */
function decodeOrCorrupt(kind: RecordKind, bytes: Uint8Array): void {
  let decoded: unknown;
  try {
    decoded = jsonCodec.decode(kind, bytes, "/storms/x");
  } catch (error) {
    assert.ok(error instanceof CorruptRecordError, `not a CorruptRecordError: ${String(error)}`);
    assert.equal(error.name, "CorruptRecordError");
    assert.equal(error.kind, kind);
    assert.equal(error.path, "/storms/x");
    assert.ok(error.message.includes("/storms/x"));
    return;
  }
  assert.ok(recordSchemas[kind].safeParse(decoded).success, "a decoded record is whole and valid");
  assert.ok(deepFrozen(decoded));
}

/** A random structural change somewhere in a JSON value: drop a key, replace a value, or wrap it. */
type Mutation = {
  readonly path: readonly number[];
  readonly how: "drop" | "replace" | "wrap";
  readonly value: unknown;
};
function mutate(v: unknown, m: Mutation, depth = 0): unknown {
  if (typeof v !== "object" || v === null) return m.how === "wrap" ? [v] : m.value;
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
  const at = m.path[depth];
  if (entries.length === 0 || at === undefined) return m.how === "wrap" ? [v] : m.value;
  const index = at % entries.length;
  const rebuilt = entries.flatMap(([k, x], i) => {
    if (i !== index) return [[k, x] as const];
    if (m.how === "drop" && depth === m.path.length - 1) return [];
    return [[k, mutate(x, m, depth + 1)] as const];
  });
  if (Array.isArray(v)) return rebuilt.map(([, x]) => x);
  const out: Record<string, unknown> = {};
  for (const [k, x] of rebuilt) {
    Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
  how: fc.constantFrom("drop", "replace", "wrap" as const),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(
      -0,
      2 ** 53,
      1.5,
      -1,
      "",
      "[1,2]",
      { $base64: "!!" },
      { $base64: "AAEC" },
      JSON.parse('{"__proto__":1}') as unknown,
    ),
  ),
});

describe("the JSON codec (properties)", () => {
  for (const kind of kinds) {
    test(`${kind}: decode(encode(r)) equals r, deep-frozen, and re-encodes to the same bytes`, () => {
      fc.assert(
        fc.property(stormArbitraries[kind] as fc.Arbitrary<unknown>, (record) => {
          const bytes = jsonCodec.encode(kind, record as never);
          const decoded = jsonCodec.decode(kind, bytes);
          assert.deepEqual(decoded, record);
          assert.ok(deepFrozen(decoded));
          assert.deepEqual(jsonCodec.encode(kind, decoded), bytes);
        }),
        { numRuns: 60 },
      );
    });
  }

  test("the bytes do not depend on the order of the record's keys", () => {
    fc.assert(
      fc.property(
        anyRecord,
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        ([kind, record], randoms) => {
          const shuffled = reorderKeys(record, () => randoms.next().value);
          assert.deepEqual(
            text.decode(jsonCodec.encode(kind, shuffled as never)),
            text.decode(jsonCodec.encode(kind, record as never)),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  test("arbitrary bytes give a CorruptRecordError (or, rarely, a valid record), never another exception", () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.string({ unit: "binary", maxLength: 40 }).map((s) => utf8.encode(s)),
      fc.jsonValue().map((j) => utf8.encode(JSON.stringify(j))),
    );
    fc.assert(fc.property(bytes, fc.constantFrom(...kinds), (b, kind) => decodeOrCorrupt(kind, b)), { numRuns: 1000 });
  });

  test("JSON nested 10,000 or 1,000,000 deep gives a CorruptRecordError saying so, on every runtime", () => {
    for (const n of [10_000, 1_000_000]) {
      for (const [open, close] of [["[", "]"], ['{"a":', "}"]]) {
        const bytes = utf8.encode(
          `{"name":"x","status":"ACTIVE","numWorkers":1,"owner":${open.repeat(n)}1${close.repeat(n)}}`,
        );
        assert.throws(
          () => jsonCodec.decode("StormBase", bytes, "/deep"),
          (e: unknown) => e instanceof CorruptRecordError && /nested deeper than 64 levels/.test(e.message),
        );
      }
    }
  });

  test("mutated records (structure or bytes) give a valid record or a CorruptRecordError, never a half-valid one", () => {
    const byteEdit = fc.tuple(fc.nat(), fc.nat(255), fc.boolean());
    fc.assert(
      fc.property(anyRecord, mutation, fc.array(byteEdit, { maxLength: 3 }), ([kind, record], m, edits) => {
        const json: unknown = JSON.parse(text.decode(jsonCodec.encode(kind, record as never)));
        const structural = utf8.encode(JSON.stringify(mutate(json, m)));
        decodeOrCorrupt(kind, structural);
        const bytes = jsonCodec.encode(kind, record as never);
        const edited = bytes.slice();
        let length = edited.length;
        for (const [at, value, truncate] of edits) {
          if (truncate) length = Math.min(length, at % (edited.length + 1));
          else if (edited.length > 0) edited[at % edited.length] = value;
        }
        decodeOrCorrupt(kind, edited.subarray(0, length));
      }),
      { numRuns: 1000 },
    );
  });
});
