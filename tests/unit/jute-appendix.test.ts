import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { JuteReader } from "../../src/jute/reader.ts";
import {
  readConnectResponse,
  readMultiResults,
  readReplyHeader,
  readStat,
  readWatcherEvent,
  writeAuthPacket,
  writeConnectRequest,
  writeCreateRequest,
  writeMultiHeader,
  writePathIntRequest,
  writePathWatchRequest,
  writeRequestHeader,
  writeStat,
} from "../../src/jute/records.ts";
import { digestId, OPEN_ACL_UNSAFE } from "../../src/protocol/acl.ts";
import { OpCode, Xid } from "../../src/protocol/opcodes.ts";
import { frameOf, hex, written } from "../support/bytes.ts";

// Byte-exact checks against Appendix A of the protocol reference.
describe("jute encodings match the protocol reference's worked examples", () => {
  test("A.1 ConnectRequest for a new session, 30 000 ms, read-only not allowed", () => {
    const frame = frameOf((w) =>
      writeConnectRequest(w, {
        protocolVersion: 0,
        lastZxidSeen: 0n,
        timeOut: 30_000,
        sessionId: 0n,
        passwd: new Uint8Array(16),
        readOnly: false,
      })
    );
    assert.deepEqual(
      frame,
      hex(`00 00 00 2D 00000000 0000000000000000 00007530 0000000000000000 00000010 ${"00".repeat(16)} 00`),
    );
  });

  test("A.2 ConnectResponse decodes in its 37- and 36-byte forms", () => {
    const body = `00000000 00007530 01000002A3B40000 00000010 ${"AB".repeat(16)}`;
    const long = readConnectResponse(new JuteReader(hex(`${body} 01`)));
    assert.equal(long.timeOut, 30_000);
    assert.equal(long.sessionId, 0x01000002a3b40000n);
    assert.deepEqual(long.passwd, new Uint8Array(16).fill(0xab));
    assert.equal(long.readOnly, true);
    const short = readConnectResponse(new JuteReader(hex(body)));
    assert.equal(short.readOnly, false, "an absent readOnly byte means false");
  });

  test('A.3 getData("/a", watch) as xid 1', () => {
    const frame = frameOf((w) => {
      writeRequestHeader(w, 1, OpCode.getData);
      writePathWatchRequest(w, "/a", true);
    });
    assert.deepEqual(frame, hex("0000000F 00000001 00000004 00000002 2F61 01"));
  });

  test("A.4 ping and its reply", () => {
    assert.deepEqual(frameOf((w) => writeRequestHeader(w, Xid.ping, OpCode.ping)), hex("00000008 FFFFFFFE 0000000B"));
    const reply = readReplyHeader(new JuteReader(hex("FFFFFFFE 0000000100000002 00000000")));
    assert.deepEqual(reply, { xid: -2, zxid: 0x100000002n, err: 0 });
  });

  test("A.5 a NodeDataChanged notification", () => {
    const r = new JuteReader(hex("FFFFFFFF 0000000100000002 00000000 00000003 00000003 00000002 2F61"));
    assert.deepEqual(readReplyHeader(r), { xid: -1, zxid: 0x100000002n, err: 0 });
    assert.deepEqual(readWatcherEvent(r), { type: 3, state: 3, path: "/a" });
    assert.equal(r.remaining, 0);
  });

  test("A.6 auth packet for digest alice:secret", () => {
    const frame = frameOf((w) => {
      writeRequestHeader(w, Xid.auth, OpCode.auth);
      writeAuthPacket(w, "digest", new TextEncoder().encode("alice:secret"));
    });
    assert.deepEqual(
      frame,
      hex("00000026 FFFFFFFC 00000064 00000000 00000006 646967657374 0000000C 616C6963653A736563726574"),
    );
  });

  test("A.7 multi [create /x, check /y version 3] as xid 7", () => {
    const frame = frameOf((w) => {
      writeRequestHeader(w, 7, OpCode.multi);
      writeMultiHeader(w, { type: OpCode.create, done: false, err: -1 });
      writeCreateRequest(w, "/x", new Uint8Array(0), OPEN_ACL_UNSAFE, 0);
      writeMultiHeader(w, { type: OpCode.check, done: false, err: -1 });
      writePathIntRequest(w, "/y", 3);
      writeMultiHeader(w, { type: -1, done: true, err: -1 });
    });
    assert.deepEqual(
      frame,
      hex(`
      00000056 00000007 0000000E
      00000001 00 FFFFFFFF 00000002 2F78 00000000 00000001 0000001F 00000005 776F726C64 00000006 616E796F6E65 00000000
      0000000D 00 FFFFFFFF 00000002 2F79 00000003
      FFFFFFFF 01 FFFFFFFF`),
    );
  });

  test("A.8 a failed multi reply decodes to per-op error results", () => {
    const r = new JuteReader(hex(`00000007 0000000100000009 00000000
      FFFFFFFF 00 00000000 00000000
      FFFFFFFF 00 FFFFFF99 FFFFFF99
      FFFFFFFF 01 FFFFFFFF`));
    assert.deepEqual(readReplyHeader(r), { xid: 7, zxid: 0x100000009n, err: 0 });
    const results = readMultiResults(r, (x, h) => ({ type: h.type, err: x.int() }));
    assert.deepEqual(results, [{ type: -1, err: 0 }, { type: -1, err: -103 }]);
  });

  test("A.9 closeSession as xid 9", () => {
    assert.deepEqual(frameOf((w) => writeRequestHeader(w, 9, OpCode.closeSession)), hex("00000008 00000009 FFFFFFF5"));
  });

  test("Stat is 68 bytes in wire order", () => {
    const stat = {
      czxid: 1n,
      mzxid: 2n,
      ctime: 3,
      mtime: 4,
      version: 5,
      cversion: 6,
      aversion: 7,
      ephemeralOwner: 8n,
      dataLength: 9,
      numChildren: 10,
      pzxid: 11n,
    };
    const bytes = written((w) => writeStat(w, stat));
    assert.equal(bytes.length, 68);
    assert.deepEqual(readStat(new JuteReader(bytes)), stat);
  });

  test("digest ACL ids match §11.3", () => {
    assert.equal(digestId("alice", "secret"), "alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=");
    assert.equal(digestId("super", "admin"), "super:xQJmxLMiHGwaqBvst5y6rkB6HQs=");
  });
});
