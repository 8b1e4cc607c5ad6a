import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { gunzipSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { concatBytes } from "../../src/jute/bytes.ts";
import { crc32, readStoredGzip, storedGzip } from "../../src/storm/codec/gzip-stored.ts";
import { FramingError, STORE_BELOW, unwrap } from "../../src/storm/codec/framing.ts";
import { thriftCodec } from "../../src/storm/codec/thrift.ts";
import { type Assignment, type ErrorInfo, executorKey } from "../../src/storm/records.ts";
import { compileJava, startJava } from "../support/java.ts";
import { toHex } from "../support/bytes.ts";
import { enc } from "../support/fixtures.ts";
import { wordcountBase } from "../support/storm-records.ts";

const CAP = 1 << 20;

/** zlib's verdict on `bytes`: the content, or "refused". */
function zlibReads(bytes: Uint8Array, maxBytes = CAP): Uint8Array | "refused" {
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: maxBytes }));
  } catch {
    return "refused";
  }
}

/** unwrap's verdict on `bytes`: the content, or "refused" when it throws a FramingError. */
function unwrapReads(bytes: Uint8Array, maxBytes = CAP): Uint8Array | "refused" {
  try {
    return new Uint8Array(unwrap(bytes, maxBytes));
  } catch (e) {
    assert.ok(e instanceof FramingError, `unwrap threw ${e}`);
    return "refused";
  }
}

/** Asserts that unwrap reads `bytes` as zlib does, under the default cap and under `maxBytes`. */
function readsAsZlib(bytes: Uint8Array, maxBytes: number): void {
  assert.deepEqual(unwrapReads(bytes), zlibReads(bytes));
  assert.deepEqual(unwrapReads(bytes, maxBytes), zlibReads(bytes, maxBytes));
}

describe("gzip in stored blocks", () => {
  test("CRC-32 matches the check value and zlib's gzip trailers", () => {
    assert.equal(crc32(enc("123456789")), 0xcbf43926);
    assert.equal(crc32(new Uint8Array()), 0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        const member = gzipSync(data);
        assert.equal(crc32(data), member.readUInt32LE(member.length - 8));
      }),
    );
  });

  test("zlib reads what storedGzip writes, across block boundaries", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
        assert.deepEqual(zlibReads(storedGzip(data)), data);
      }),
    );
    for (const size of [0, 65_535, 65_536, 131_071, 200_000]) {
      const data = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
      assert.deepEqual(zlibReads(storedGzip(data)), data, `${size} bytes`);
    }
  });

  test("the stored reader reads its own members and zlib's level 0, and the cap holds", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (data) => {
        assert.deepEqual(readStoredGzip(storedGzip(data), CAP), data);
        assert.deepEqual(readStoredGzip(new Uint8Array(gzipSync(data, { level: 0 })), CAP), data);
        if (data.length > 0) assert.equal(readStoredGzip(storedGzip(data), data.length - 1), undefined);
      }),
    );
  });

  test("it leaves deflated members to zlib", () => {
    const deflated = new Uint8Array(gzipSync(enc("a".repeat(500))));
    assert.equal(readStoredGzip(deflated, CAP), undefined);
    assert.deepEqual(unwrap(deflated), enc("a".repeat(500)));
  });

  test("a stored member cut, overwritten, extended or over the cap reads as zlib reads it, or is refused", () => {
    const member = fc.uint8Array({ maxLength: 300 }).chain((data) =>
      fc.constantFrom(storedGzip(data), new Uint8Array(gzipSync(data, { level: 0 })))
    );
    // The damage spares the magic bytes: without them the data is not gzip (unwrap takes it for
    // plain thrift).
    const damaged = member.chain((m) =>
      fc.oneof(
        fc.integer({ min: 2, max: m.length - 1 }).map((n) => m.subarray(0, n)),
        fc.tuple(fc.integer({ min: 2, max: m.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
          const copy = m.slice();
          copy[at] = (copy[at] as number) ^ x;
          return copy;
        }),
        fc.uint8Array({ minLength: 1, maxLength: 12 }).map((tail) => new Uint8Array([...m, ...tail])),
      )
    );
    fc.assert(
      fc.property(damaged, fc.integer({ min: 1, max: 400 }), readsAsZlib),
      { numRuns: 2000 },
    );
  });
});

describe("deflated members, read by zlib into a chunk sized from the trailer", () => {
  // Data of a few shapes: runs compress hard (a member many times smaller than its content).
  const content = fc.oneof(
    fc.uint8Array({ maxLength: 70_000 }),
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 300_000 })).map(([b, n]) =>
      new Uint8Array(n).fill(b)
    ),
  );
  const deflated = content.map((data) => new Uint8Array(gzipSync(data, { level: 1 })));
  /** `m` with its trailer's ISIZE (the length hint) set to `isize`. */
  const withIsize = (m: Uint8Array, isize: number): Uint8Array => {
    const copy = m.slice();
    new DataView(copy.buffer).setUint32(copy.length - 4, isize, true);
    return copy;
  };

  test("any member, or members one after another, reads as zlib reads it, within any cap", () => {
    const members = fc.array(deflated, { minLength: 1, maxLength: 3 }).map(concatBytes);
    fc.assert(
      fc.property(members, fc.integer({ min: 1, max: 400_000 }), readsAsZlib),
      { numRuns: 150 },
    );
  });

  test("a trailer that lies about the length (0, too small, too large, 2^32 - 1) is refused as zlib refuses it", () => {
    const lie = fc.oneof(fc.constantFrom(0, 1, 2 ** 32 - 1, 2 ** 31), fc.nat());
    fc.assert(
      fc.property(deflated, lie, fc.integer({ min: 1, max: 400_000 }), (member, isize, maxBytes) => {
        readsAsZlib(withIsize(member, isize), maxBytes);
      }),
      { numRuns: 150 },
    );
  });

  test("a member of 4 MiB of zeros is refused over a small cap whatever its trailer says", () => {
    const bomb = new Uint8Array(gzipSync(new Uint8Array(4 << 20)));
    for (const isize of [4 << 20, 0, 2 ** 32 - 1]) {
      assert.throws(
        () => unwrap(withIsize(bomb, isize), 1000),
        (e: unknown) => e instanceof FramingError && /more than 1000 bytes/.test(e.message),
      );
    }
    assert.equal(unwrap(bomb).length, 4 << 20);
  });
});

describe("gzip-framed records", () => {
  const error: ErrorInfo = { error: "java.lang.RuntimeException: boom", errorTimeSecs: 1_700_000_000 };
  const assignment: Assignment = {
    masterCodeDir: "/var/storm/nimbus/stormdist/wordcount-1-1700000000",
    nodeHost: { "sup-1": "host1.example" },
    executorNodePort: Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [executorKey(i + 1, i + 1), { node: "sup-1", port: [6700 + (i % 4)] }]),
    ),
    executorStartTimeSecs: {},
    workerResources: [],
    totalSharedOffHeap: {},
  };
  const plain = thriftCodec({ compression: "none" });
  const gzip = thriftCodec();
  const records = [
    { kind: "StormBase", record: wordcountBase },
    { kind: "ErrorInfo", record: error },
    { kind: "Assignment", record: assignment },
  ] as const;

  test(`records under ${STORE_BELOW} plain bytes are stored, longer ones deflated, and all read back`, () => {
    for (const { kind, record } of records) {
      const framed = gzip.encode(kind, record);
      const stored = plain.encode(kind, record).length < STORE_BELOW;
      assert.equal(readStoredGzip(framed, CAP) !== undefined, stored, kind);
      if (!stored) assert.ok(framed.length < plain.encode(kind, record).length, `${kind} is deflated`);
      assert.deepEqual(gzip.decode(kind, framed), record);
    }
    assert.ok(records.some(({ kind, record }) => plain.encode(kind, record).length >= STORE_BELOW));
  });

  test("a cap that is not a positive integer, or an unknown compression, is refused when the codec is made", () => {
    for (const maxDecompressedBytes of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => thriftCodec({ maxDecompressedBytes }), RangeError, String(maxDecompressedBytes));
    }
    assert.throws(() => thriftCodec({ compression: "lz4" as never }), /compression must be one of gzip, zstd, none/);
    const framed = gzip.encode("Assignment", assignment);
    assert.deepEqual(
      thriftCodec({ maxDecompressedBytes: Number.MAX_SAFE_INTEGER }).decode("Assignment", framed),
      assignment,
    );
  });

  test("Java's GZIPInputStream (Storm's reader) and GNU gzip read every framed record as its plain thrift", async () => {
    const peer = startJava(compileJava("tests/unit/java/GunzipPeer.java", []), []);
    try {
      for (const { kind, record } of records) {
        const framed = gzip.encode(kind, record);
        const want = toHex(plain.encode(kind, record));
        assert.equal(await peer.ask(toHex(framed)), want, `Java reads ${kind}`);
        assert.equal(toHex(execFileSync("gzip", ["-dc"], { input: framed })), want, `gzip reads ${kind}`);
      }
      const corrupt = gzip.encode("ErrorInfo", error).slice();
      corrupt[20] = (corrupt[20] as number) ^ 1;
      assert.match(await peer.ask(toHex(corrupt)), /^error .*ZipException/, "Java refuses a flipped bit too");
    } finally {
      await peer.stop();
    }
  });
});
