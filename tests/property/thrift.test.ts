import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { thriftCodec } from "../../src/storm/codec/thrift.ts";
import { zstdRawFrame } from "../../src/storm/codec/framing.ts";
import { CorruptRecordError, InvalidRecordError } from "../../src/storm/record-errors.ts";
import { type RecordKind, recordSchemas } from "../../src/storm/records.ts";
import { stormArbitraries } from "../support/storm-arbitraries.ts";

const kinds = Object.keys(stormArbitraries) as RecordKind[];

describe("thrift codec properties", () => {
  for (const compression of ["none", "gzip", "zstd"] as const) {
    test(`every record kind round-trips through thrift (${compression})`, () => {
      const codec = thriftCodec({ compression });
      for (const kind of kinds) {
        fc.assert(
          fc.property(stormArbitraries[kind] as fc.Arbitrary<unknown>, (record) => {
            const bytes = codec.encode(kind, record as never);
            const decoded = codec.decode(kind, bytes);
            // Thrift has no "absent" for maps the schema defaults: compare against the schema's view.
            assert.deepEqual(decoded, codec.decode(kind, codec.encode(kind, decoded)));
            assert.deepEqual(codec.encode(kind, decoded), bytes, "encoding is deterministic");
          }),
          { numRuns: compression === "none" ? 60 : 15 },
        );
      }
    });
  }

  test("decoded records equal the originals (plain thrift)", () => {
    const codec = thriftCodec({ compression: "none" });
    for (const kind of kinds) {
      fc.assert(
        fc.property(stormArbitraries[kind] as fc.Arbitrary<unknown>, (record) => {
          assert.deepEqual(codec.decode(kind, codec.encode(kind, record as never)), record);
        }),
        { numRuns: 40 },
      );
    }
  });

  test("arbitrary and mutated bytes give a valid, frozen record or a CorruptRecordError, never another error", () => {
    const anyRecord = fc.constantFrom(...kinds).chain((kind) =>
      fc.tuple(fc.constant(kind), stormArbitraries[kind] as fc.Arbitrary<unknown>)
    );
    // A real encoding (plain, gzip or zstd) with bytes cut off, overwritten or inserted.
    const mutated = fc.tuple(
      anyRecord,
      fc.constantFrom("none", "gzip", "zstd" as const),
      fc.array(fc.tuple(fc.constantFrom("cut", "set", "insert" as const), fc.nat(), fc.nat(255)), {
        minLength: 1,
        maxLength: 4,
      }),
    )
      .map(([[kind, record], compression, edits]) => {
        let bytes = [...thriftCodec({ compression }).encode(kind, record as never)];
        for (const [how, at, value] of edits) {
          const i = at % (bytes.length + 1);
          if (how === "cut") bytes = bytes.slice(0, i);
          else if (how === "insert") bytes.splice(i, 0, value);
          else if (i < bytes.length) bytes[i] = value;
        }
        return new Uint8Array(bytes);
      });
    const codec = thriftCodec();
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated), fc.constantFrom(...kinds), (bytes, kind) => {
        let decoded: unknown;
        try {
          decoded = codec.decode(kind, bytes, "/p");
        } catch (error) {
          assert.ok(error instanceof CorruptRecordError, String(error));
          assert.equal(error.path, "/p");
          return;
        }
        assert.ok(recordSchemas[kind].safeParse(decoded).success, "a decoded record is whole and valid");
        assert.ok(Object.isFrozen(decoded));
      }),
      { numRuns: 2000 },
    );
  });

  test("a heartbeat time beyond i32 is refused: Storm 2.8.8 reads it as an i32", () => {
    assert.throws(
      () =>
        thriftCodec().encode("ClusterWorkerHeartbeat", {
          stormId: "t",
          executorStats: {},
          timeSecs: 2 ** 31,
          uptimeSecs: 0,
        }),
      InvalidRecordError,
    );
  });

  test("huge declared sizes in a small input fail fast, without allocating them", () => {
    const codec = thriftCodec({ compression: "none" });
    // A map header claiming 2^31-1 entries, a string claiming 2 GB, a list claiming 1e9 items.
    const cases = [
      [
        0x0b,
        0x00,
        0x01,
        0x00,
        0x00,
        0x00,
        0x01,
        0x41,
        0x08,
        0x00,
        0x02,
        0,
        0,
        0,
        1,
        0x08,
        0x00,
        0x03,
        0,
        0,
        0,
        1,
        0x0d,
        0x00,
        0x04,
        0x0b,
        0x08,
        0x7f,
        0xff,
        0xff,
        0xff,
        0x00,
      ],
      [0x0b, 0x00, 0x01, 0x7f, 0xff, 0xff, 0xff, 0x41],
      [0x0f, 0x00, 0x63, 0x0a, 0x3b, 0x9a, 0xca, 0x00, 0x00],
    ];
    for (const c of cases) assert.throws(() => codec.decode("StormBase", new Uint8Array(c)), CorruptRecordError);
  });

  test("10,000 nested structs, lists, sets or maps in an unknown field give a typed error, not a stack overflow", () => {
    const deep = (open: number[], close: number[]) =>
      new Uint8Array([
        ...Array.from({ length: 10_000 }, () => open).flat(),
        ...Array.from({ length: 10_000 }, () => close).flat(),
      ]);
    const payloads = [
      deep([0x0c, 0x00, 0x63], [0x00]), // struct { 99: struct { 99: … } }
      new Uint8Array([0x0f, 0x00, 0x63, ...deep([0x0f, 0, 0, 0, 1], [])]), // 99: list<list<…>> of one element each
      new Uint8Array([0x0e, 0x00, 0x63, ...deep([0x0e, 0, 0, 0, 1], [])]),
      new Uint8Array([0x0d, 0x00, 0x63, ...deep([0x08, 0x0d, 0, 0, 0, 1, 0, 0, 0, 0], [])]), // map<i32, map<i32, …>>
    ];
    for (const bytes of payloads) {
      assert.throws(
        () => thriftCodec({ compression: "none" }).decode("ErrorInfo", bytes),
        (e: unknown) => e instanceof CorruptRecordError && /nesting too deep/.test(e.message),
      );
    }
  });

  test("decompression is capped: a gzip or zstd bomb is refused", () => {
    const huge = new Uint8Array(2 * 1024 * 1024);
    const codec = thriftCodec({ maxDecompressedBytes: 1024 * 1024 });
    assert.throws(
      () => codec.decode("StormBase", new Uint8Array(gzipSync(huge)), "/bomb"),
      (e: unknown) => e instanceof CorruptRecordError && /decompresses to more than 1048576 bytes/.test(e.message),
    );
    assert.throws(() => codec.decode("StormBase", zstdRawFrame(huge)), CorruptRecordError);
    // A zstd header declaring 4 GiB of content with almost nothing behind it.
    assert.throws(
      () =>
        codec.decode(
          "StormBase",
          new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00]),
        ),
      CorruptRecordError,
    );
  });

  test("a record of exactly the cap's size reads; one byte more is refused, in gzip and zstd", () => {
    const record = { name: "x".repeat(1000), status: "ACTIVE", numWorkers: 1 } as const;
    const plain = thriftCodec({ compression: "none" }).encode("StormBase", record);
    for (const compression of ["gzip", "zstd"] as const) {
      const framed = thriftCodec({ compression }).encode("StormBase", record);
      assert.deepEqual(thriftCodec({ maxDecompressedBytes: plain.length }).decode("StormBase", framed), record);
      assert.throws(
        () => thriftCodec({ maxDecompressedBytes: plain.length - 1 }).decode("StormBase", framed),
        (e: unknown) => e instanceof CorruptRecordError && /more than|over the/.test(e.message),
      );
    }
  });

  test("our zstd frames of a record larger than the 8 MiB window limit read back", () => {
    const record = { error: "at Foo.bar(Foo.java:1)\n".repeat(400_000), errorTimeSecs: 1 };
    const codec = thriftCodec({ compression: "zstd" });
    const bytes = codec.encode("ErrorInfo", record);
    assert.ok(bytes.length > 8 * 1024 * 1024);
    assert.deepEqual(codec.decode("ErrorInfo", bytes), record);
  });

  test("every truncation of a gzip or zstd record gives CorruptRecordError", () => {
    const record = {
      name: "wordcount",
      status: "ACTIVE",
      numWorkers: 2,
      componentExecutors: { spout: 2, split: 4 },
    } as const;
    const frames = [
      thriftCodec().encode("StormBase", record),
      thriftCodec({ compression: "zstd" }).encode("StormBase", record),
    ];
    for (const framed of frames) {
      for (let n = 2; n < framed.length; n++) {
        assert.throws(
          () => thriftCodec().decode("StormBase", framed.subarray(0, n)),
          CorruptRecordError,
          `${n} of ${framed.length} bytes`,
        );
      }
    }
  });

  test("a zstd frame asking for a window beyond the cap is refused before the decoder allocates it", () => {
    const codec = thriftCodec({ maxDecompressedBytes: 1024 * 1024 });
    const record = { name: "wc", status: "ACTIVE", numWorkers: 1 } as const;
    const plain = thriftCodec({ compression: "none" }).encode("StormBase", record);
    // No content size, window descriptor 0xa7 = 1.875 GiB (fzstd would allocate it all), one raw block.
    const windowed = (descriptor: number, body: Uint8Array) =>
      new Uint8Array([
        0x28,
        0xb5,
        0x2f,
        0xfd,
        0x00,
        descriptor,
        1 | (body.length << 3),
        body.length >> 5,
        body.length >> 13,
        ...body,
      ]);
    const refused = (e: unknown) => e instanceof CorruptRecordError && /window/.test(e.message);
    assert.throws(() => codec.decode("StormBase", windowed(0xa7, plain)), refused);
    // Hidden behind a valid frame and a skippable frame, it is found all the same.
    const skippable = [0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 9, 9];
    assert.throws(
      () =>
        codec.decode(
          "StormBase",
          new Uint8Array([...zstdRawFrame(plain.subarray(0, 5)), ...skippable, ...windowed(0xa7, plain.subarray(5))]),
        ),
      refused,
    );
    // Whatever the cap: a 16 MiB window (0x70), or a single-segment frame, whose window is its
    // declared content size, of 16 MiB.
    assert.throws(() => thriftCodec().decode("StormBase", windowed(0x70, plain)), refused);
    assert.throws(
      () => thriftCodec().decode("StormBase", new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0, 0, 0, 1, 1, 0, 0])),
      refused,
    );
    // Storm's own frames (level 3: a 2 MiB window, 0x58) and windows up to 8 MiB (0x68) read, under a smaller cap too.
    assert.deepEqual(codec.decode("StormBase", windowed(0x58, plain)), record);
    assert.deepEqual(thriftCodec({ maxDecompressedBytes: 4096 }).decode("StormBase", windowed(0x68, plain)), record);
    assert.deepEqual(
      codec.decode(
        "StormBase",
        new Uint8Array([...zstdRawFrame(plain.subarray(0, 5)), ...skippable, ...windowed(0x58, plain.subarray(5))]),
      ),
      record,
    );
  });
});
