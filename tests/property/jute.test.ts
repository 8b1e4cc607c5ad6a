import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { JuteDecodeError, JuteReader } from "../../src/jute/reader.ts";
import { JuteWriter } from "../../src/jute/writer.ts";
import {
  readACLList,
  readConnectRequest,
  readConnectResponse,
  readMultiHeader,
  readMultiResults,
  readReplyHeader,
  readStat,
  readStringList,
  readWatcherEvent,
  writeACLList,
  writeConnectRequest,
  writeConnectResponse,
  writeMultiHeader,
  writeReplyHeader,
  writeStat,
  writeWatcherEvent,
} from "../../src/jute/records.ts";
import { written } from "../support/bytes.ts";

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const text = fc.string({ unit: "binary", maxLength: 40 });
const timeMs = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
// Plain objects, so strict deep equality compares like with like.
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true });
}

const stat = record({
  czxid: int64,
  mzxid: int64,
  ctime: timeMs,
  mtime: timeMs,
  version: int32,
  cversion: int32,
  aversion: int32,
  ephemeralOwner: int64,
  dataLength: int32,
  numChildren: int32,
  pzxid: int64,
});
const acl = record({ perms: int32, id: record({ scheme: text, id: text }) });

function roundTrip<T>(arb: fc.Arbitrary<T>, write: (w: JuteWriter, v: T) => void, read: (r: JuteReader) => T) {
  fc.assert(fc.property(arb, (value) => {
    const bytes = written((w) => write(w, value), 8);
    const r = new JuteReader(bytes);
    assert.deepEqual(read(r), value);
    assert.equal(r.remaining, 0, "the decoder consumes exactly what the encoder wrote");
  }));
}

describe("jute records round-trip", () => {
  test("Stat", () => roundTrip(stat, writeStat, readStat));
  test("ReplyHeader", () =>
    roundTrip(record({ xid: int32, zxid: int64, err: int32 }), writeReplyHeader, readReplyHeader));
  test("WatcherEvent", () =>
    roundTrip(record({ type: int32, state: int32, path: text }), writeWatcherEvent, readWatcherEvent));
  test("MultiHeader", () =>
    roundTrip(record({ type: int32, done: fc.boolean(), err: int32 }), writeMultiHeader, readMultiHeader));
  test("ACL lists", () => roundTrip(fc.array(acl, { maxLength: 5 }), writeACLList, readACLList));
  test("ConnectRequest and ConnectResponse", () => {
    const passwd = fc.uint8Array({ minLength: 0, maxLength: 16 });
    roundTrip(
      record({
        protocolVersion: int32,
        lastZxidSeen: int64,
        timeOut: int32,
        sessionId: int64,
        passwd,
        readOnly: fc.boolean(),
      }),
      writeConnectRequest,
      readConnectRequest,
    );
    roundTrip(
      record({ protocolVersion: int32, timeOut: int32, sessionId: int64, passwd, readOnly: fc.boolean() }),
      writeConnectResponse,
      readConnectResponse,
    );
  });

  test("strings of any unicode, null and empty stay distinct", () => {
    fc.assert(fc.property(fc.option(fc.string({ unit: "grapheme", maxLength: 50 }), { nil: null }), (s) => {
      const r = new JuteReader(written((w) => w.string(s), 4));
      assert.equal(r.string(), s);
    }));
    fc.assert(fc.property(fc.option(fc.uint8Array({ maxLength: 100 }), { nil: null }), (b) => {
      const r = new JuteReader(written((w) => w.buffer(b), 4));
      assert.deepEqual(r.buffer(), b);
    }));
    fc.assert(fc.property(fc.option(fc.array(text, { maxLength: 10 }), { nil: null }), (v) => {
      const r = new JuteReader(written((w) => w.stringVector(v), 4));
      assert.deepEqual(r.vector((x) => x.string(), 4, "v"), v);
    }));
  });

  test("a leading U+FEFF survives decoding in strings and string lists", () => {
    const names = ["\ufeffx", "\ufeff", "a\ufeff"];
    for (const name of names) assert.equal(new JuteReader(written((w) => w.string(name), 4)).string(), name);
    assert.deepEqual(readStringList(new JuteReader(written((w) => w.stringVector(names), 4)), "name"), names);
  });

  test("string lists round-trip, ASCII (single-decode path) or not", () => {
    const names = fc.oneof(
      fc.array(fc.string({ unit: "grapheme-ascii", maxLength: 200 }), { maxLength: 50 }),
      fc.array(fc.string({ unit: "grapheme", maxLength: 20 }), { maxLength: 50 }),
    );
    fc.assert(fc.property(names, (list) => {
      const r = new JuteReader(written((w) => w.stringVector(list), 4));
      assert.deepEqual(readStringList(r, "name"), list);
      assert.equal(r.remaining, 0);
    }));
  });

  test("bytes already taken from the writer never change, however it grows later", () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 30 }), (chunks) => {
      const w = new JuteWriter(16);
      const taken: [Uint8Array, Uint8Array][] = [];
      for (const chunk of chunks) {
        const mark = w.beginFrame();
        w.buffer(chunk);
        w.endFrame(mark);
        const out = w.take();
        taken.push([out, out.slice()]);
      }
      for (const [view, copy] of taken) assert.deepEqual(view, copy);
      taken.forEach(([view], i) => {
        const r = new JuteReader(view);
        assert.equal(r.int(), (chunks[i]?.length ?? 0) + 4, "frame length covers the buffer and its length");
        assert.deepEqual(r.buffer(), chunks[i]);
      });
    }));
  });

  test("a frame mark stays valid when the buffer grows inside the frame", () => {
    const w = new JuteWriter(8);
    w.int(1);
    w.take();
    const mark = w.beginFrame();
    w.buffer(new Uint8Array(1000).fill(7));
    assert.equal(w.endFrame(mark), 1004);
    const r = new JuteReader(w.take());
    assert.equal(r.int(), 1004);
    assert.equal(r.buffer()?.length, 1000);
  });
});

describe("decoders never fail with anything but JuteDecodeError", () => {
  const decoders: [string, (r: JuteReader) => unknown][] = [
    ["ConnectResponse", readConnectResponse],
    ["ReplyHeader + WatcherEvent", (r) => [readReplyHeader(r), readWatcherEvent(r)]],
    ["Stat", readStat],
    ["ACL list", readACLList],
    ["string list", (r) => readStringList(r, "name")],
    ["multi results", (r) => readMultiResults(r, (x, h) => (h.type === -1 ? x.int() : readStat(x)))],
  ];

  test("random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const [, decode] of decoders) {
          try {
            decode(new JuteReader(bytes));
          } catch (error) {
            assert.ok(error instanceof JuteDecodeError, String(error));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  test("mutated valid records (truncations and byte flips)", () => {
    const valid = written((w) => {
      writeACLList(w, [{ perms: 31, id: { scheme: "world", id: "anyone" } }, {
        perms: 1,
        id: { scheme: "digest", id: "ü:x" },
      }]);
    });
    fc.assert(
      fc.property(
        fc.nat({ max: valid.length }),
        fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (cut, flips) => {
          const bytes = valid.slice(0, cut);
          for (const [at, v] of flips) if (at < bytes.length) bytes[at] = v;
          try {
            readACLList(new JuteReader(bytes));
          } catch (error) {
            assert.ok(error instanceof JuteDecodeError, String(error));
          }
        },
      ),
    );
  });

  test("a huge declared count or length in a small frame is rejected before allocating", () => {
    const hugeVector = written((w) => w.int(0x7fffffff));
    assert.throws(() => readStringList(new JuteReader(hugeVector), "name"), JuteDecodeError);
    const hugeBuffer = written((w) => w.int(0x7ffffff0).int(1));
    assert.throws(() => new JuteReader(hugeBuffer).buffer(), JuteDecodeError);
    assert.throws(() => new JuteReader(written((w) => w.int(-2))).string(), JuteDecodeError);
  });

  test("invalid UTF-8 is a decode error, not a replacement character", () => {
    const bytes = written((w) => w.int(2)).slice();
    const withBody = new Uint8Array([...bytes, 0xc3, 0x28]);
    assert.throws(() => new JuteReader(withBody).string(), JuteDecodeError);
  });
});
