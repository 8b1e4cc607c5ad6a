import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { jsonCodec } from "../../src/storm/codec/json.ts";
import { plainThriftCodec, thriftCodec } from "../../src/storm/codec/thrift.ts";
import { zstdRawFrame } from "../../src/storm/codec/framing.ts";
import { CorruptRecordError } from "../../src/storm/record-errors.ts";
import type { RecordKind } from "../../src/storm/records.ts";
import { hex, toHex } from "../support/bytes.ts";

interface Vector {
  readonly name: string;
  readonly kind: RecordKind;
  readonly thrift: string;
  readonly record?: unknown;
  readonly canonical?: string;
  /** For a vector that must fail: a regular expression its error message matches. */
  readonly error?: string;
  readonly gzip?: string;
  readonly zstd?: string;
}

const vectors = JSON.parse(
  readFileSync(new URL("../fixtures/storm-thrift/vectors.json", import.meta.url), "utf8"),
) as Vector[];
/** The expected record, through the JSON codec (bytes, defaults, freezing). */
const expected = (v: Vector) => jsonCodec.decode(v.kind, new TextEncoder().encode(JSON.stringify(v.record)));

// Vectors made by Python's Thrift library from a .thrift file with Storm 2.8.8's field ids
// (scripts/make-thrift-fixtures.py).
describe("thrift golden vectors from an independent Thrift implementation", () => {
  test("there are vectors for every record kind", () => {
    const kinds = new Set(vectors.map((v) => v.kind));
    for (
      const k of [
        "Assignment",
        "StormBase",
        "SupervisorInfo",
        "ClusterWorkerHeartbeat",
        "ErrorInfo",
        "NimbusSummary",
        "Credentials",
        "LogConfig",
        "ProfileRequest",
        "PrivateWorkerKey",
      ]
    ) {
      assert.ok(kinds.has(k as RecordKind), k);
    }
  });

  for (const v of vectors) {
    if (v.error !== undefined) {
      const reason = new RegExp(v.error);
      test(`${v.name}: decoding fails with CorruptRecordError (${v.error})`, () => {
        assert.throws(
          () => plainThriftCodec.decode(v.kind, hex(v.thrift), "/x"),
          (e: unknown) => e instanceof CorruptRecordError && e.path === "/x" && reason.test(e.message),
        );
      });
      continue;
    }
    test(`${v.name}: decodes to the expected record and encodes back to the same bytes`, () => {
      const decoded = plainThriftCodec.decode(v.kind, hex(v.thrift));
      assert.deepEqual(decoded, expected(v));
      assert.equal(toHex(plainThriftCodec.encode(v.kind, decoded)), v.canonical ?? v.thrift);
    });
  }

  test("gzip- and zstd-framed bytes (by Python's gzip and the zstd tool) decode like plain thrift", () => {
    const framed = vectors.filter((v) => v.gzip !== undefined && v.zstd !== undefined);
    assert.ok(framed.length > 0);
    for (const v of framed) {
      const want = expected(v);
      const codec = thriftCodec();
      assert.deepEqual(codec.decode(v.kind, hex(v.gzip ?? "")), want);
      assert.deepEqual(codec.decode(v.kind, hex(v.zstd ?? "")), want);
    }
  });

  test("every vector survives our own gzip and zstd framing", () => {
    for (const v of vectors.filter((x) => x.error === undefined)) {
      const plain = hex(v.thrift);
      assert.deepEqual(thriftCodec().decode(v.kind, new Uint8Array(gzipSync(plain))), expected(v));
      assert.deepEqual(thriftCodec().decode(v.kind, zstdRawFrame(plain)), expected(v));
    }
  });
});
