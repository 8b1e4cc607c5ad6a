import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { plainThriftCodec } from "../../src/storm/codec/thrift.ts";
import { decodeStruct, ThriftDecodeError, type ThriftStruct } from "../../src/storm/codec/thrift-protocol.ts";
import { CorruptRecordError, InvalidRecordError } from "../../src/storm/record-errors.ts";
import { hex } from "../support/bytes.ts";

// Hand-written bytes for what the golden vectors cannot show: Python's Thrift never writes them,
// and Java's (Storm's) reader has a defined answer for each.
const nimbusWithLeaderByte = (leader: string) =>
  hex(`
  0b 0001 00000001 68  08 0002 00001a0b  08 0003 00000001  02 0004 ${leader}  0b 0005 00000001 76  00`);
// StormBase { name: "n", status: ACTIVE, numWorkers: 1 } followed by `extra` fields.
const stormBaseWith = (extra: string) => hex(`0b 0001 00000001 6e  08 0002 00000001  08 0003 00000001 ${extra} 00`);

describe("the thrift binary protocol reads and writes as Java's TBinaryProtocol does", () => {
  test("a bool is true only for the byte 1, as Java reads it", () => {
    assert.equal(plainThriftCodec.decode("NimbusSummary", nimbusWithLeaderByte("01")).isLeader, true);
    assert.equal(plainThriftCodec.decode("NimbusSummary", nimbusWithLeaderByte("00")).isLeader, false);
    assert.equal(plainThriftCodec.decode("NimbusSummary", nimbusWithLeaderByte("02")).isLeader, false);
    assert.equal(plainThriftCodec.decode("NimbusSummary", nimbusWithLeaderByte("ff")).isLeader, false);
  });

  test("an unknown UUID field (type 16, a newer schema's) is skipped over its 16 bytes", () => {
    const base = plainThriftCodec.decode("StormBase", stormBaseWith(""));
    assert.deepEqual(
      plainThriftCodec.decode(
        "StormBase",
        stormBaseWith("10 0063 000102030405060708090a0b0c0d0e0f  0b 0006 00000001 6f"),
      ),
      { ...base, owner: "o" },
    );
    // A list of UUIDs too; a truncated UUID is corrupt, not read past the end.
    assert.deepEqual(
      plainThriftCodec.decode("StormBase", stormBaseWith(`0f 0063 10 00000002 ${"ab".repeat(32)}`)),
      base,
    );
    assert.throws(() => plainThriftCodec.decode("StormBase", stormBaseWith("10 0063 0001020304")), /truncated/);
  });

  test("negative lengths and counts are corrupt, in known fields and in skipped ones", () => {
    const negative = [
      "0b 0006 ffffffff", // owner: a string of -1 bytes
      "0d 0004 0b 08 80000000", // componentExecutors: a map of -2^31 entries
      "0b 0063 fffffffe", // unknown string field
      "0f 0063 08 ffffffff", // unknown list
      "0e 0063 08 ffffffff", // unknown set
      "0d 0063 08 08 ffffffff", // unknown map
    ];
    for (const field of negative) {
      assert.throws(
        () => plainThriftCodec.decode("StormBase", stormBaseWith(field)),
        (e: unknown) => e instanceof CorruptRecordError && /negative/.test(e.message),
        field,
      );
    }
  });

  test("a double is written as its big-endian IEEE-754 bits, -0 included (which JSON cannot carry)", () => {
    const info = { timeSecs: 1, hostname: "h", resourcesMap: { z: -0, o: 1 } };
    const bytes = plainThriftCodec.encode("SupervisorInfo", info);
    const entries = hex("0d 0009 0b 04 00000002  00000001 6f 3ff0000000000000  00000001 7a 8000000000000000");
    assert.ok(Buffer.from(bytes).includes(Buffer.from(entries)), Buffer.from(bytes).toString("hex"));
    assert.ok(Object.is(plainThriftCodec.decode("SupervisorInfo", bytes).resourcesMap?.z, -0));
  });
});

describe("enum values and union members of a newer Storm read as Java's generated code reads them", () => {
  const base = plainThriftCodec.decode("StormBase", stormBaseWith(""));

  test("an unknown value of an optional enum leaves the field out; of a required one, the record is corrupt", () => {
    // prevStatus (8) = 9, then owner (6) still read.
    assert.deepEqual(plainThriftCodec.decode("StormBase", stormBaseWith("08 0008 00000009  0b 0006 00000001 6f")), {
      ...base,
      owner: "o",
    });
    assert.throws(
      () => plainThriftCodec.decode("StormBase", hex("0b 0001 00000001 6e  08 0002 00000009  08 0003 00000001 00")),
      /StormBase\.status: 9 is not a TopologyStatus value/,
    );
  });

  test("a union holding only a member this version does not know reads as an absent optional field", () => {
    // topologyActionOptions (7) holding member 3 { 1: i32 }.
    assert.deepEqual(
      plainThriftCodec.decode("StormBase", stormBaseWith("0c 0007 0c 0003 08 0001 00000005 00 00")),
      base,
    );
    // A known member whose wire type does not match is skipped the same way.
    assert.deepEqual(plainThriftCodec.decode("StormBase", stormBaseWith("0c 0007 08 0001 00000005 00")), base);
    // A union with no field at all is corrupt in Java too, and so is one with two known members.
    assert.throws(
      () => plainThriftCodec.decode("StormBase", stormBaseWith("0c 0007 00")),
      /union TopologyActionOptions has 0 members set/,
    );
    assert.throws(
      () => plainThriftCodec.decode("StormBase", stormBaseWith("0c 0007 0c 0001 00 0c 0002 00 00")),
      /has 2 members set/,
    );
    // One member written twice is one member, the later value standing, as a struct's repeated field.
    assert.deepEqual(
      plainThriftCodec.decode("StormBase", stormBaseWith("0c 0007 0c 0001 00 0c 0001 08 0001 00000005 00 00")),
      plainThriftCodec.decode("StormBase", stormBaseWith("0c 0007 0c 0001 08 0001 00000005 00 00")),
    );
  });

  test("a required union holding only an unknown member makes the record corrupt", () => {
    // ClusterWorkerHeartbeat { stormId "t", executorStats { [1,1]: ExecutorStats { specific: member 3 } }, 5, 0 }.
    const beat = hex(`0b 0001 00000001 74
      0d 0002 0c 0c 00000001  08 0001 00000001 08 0002 00000001 00
        0d 0001 0b 0d 00000000  0d 0002 0b 0d 00000000  0c 0003 0c 0003 00 00  04 0004 3ff0000000000000 00
      08 0003 00000005  08 0004 00000000 00`);
    assert.throws(
      () => plainThriftCodec.decode("ClusterWorkerHeartbeat", beat),
      /ExecutorStats\.specific: union ExecutorSpecificStats holds no member this version knows/,
    );
  });

  test("an unknown enum value inside a collection cannot be left out: the record is corrupt", () => {
    const levels: ThriftStruct = {
      kind: "struct",
      name: "Levels",
      fields: [{
        id: 1,
        name: "levels",
        required: false,
        type: { kind: "list", elem: { kind: "enum", name: "Level", values: { LOW: 1, HIGH: 2 } } },
      }],
    };
    assert.deepEqual(decodeStruct(levels, hex("0f 0001 08 00000002 00000002 00000001 00")), {
      levels: ["HIGH", "LOW"],
    });
    assert.throws(
      () => decodeStruct(levels, hex("0f 0001 08 00000002 00000002 00000003 00")),
      (e: unknown) => e instanceof ThriftDecodeError && /Levels\.levels: 3 is not a Level value/.test(e.message),
    );
  });
});

describe("strings are UTF-8 both ways, never silently replaced", () => {
  test("a string or map key with a lone surrogate is refused on write; a surrogate pair is written", () => {
    assert.throws(
      () => plainThriftCodec.encode("ErrorInfo", { error: "stack \uD800 trace", errorTimeSecs: 1 }),
      (e: unknown) => e instanceof InvalidRecordError && /lone UTF-16 surrogate/.test(e.message),
    );
    assert.throws(() => plainThriftCodec.encode("Credentials", { creds: { "key\uDC00": "v" } }), InvalidRecordError);
    const clef = { error: "\uD834\uDD1E", errorTimeSecs: 1 };
    const bytes = plainThriftCodec.encode("ErrorInfo", clef);
    assert.deepEqual([...bytes.subarray(3, 11)], [0, 0, 0, 4, 0xf0, 0x9d, 0x84, 0x9e]);
    assert.deepEqual(plainThriftCodec.decode("ErrorInfo", bytes), clef);
  });

  test("a string field holding invalid UTF-8 is corrupt; a binary field holds any bytes", () => {
    assert.throws(
      () => plainThriftCodec.decode("ErrorInfo", hex("0b 0001 00000002 c328  08 0002 00000001 00")),
      (e: unknown) => e instanceof CorruptRecordError && /not valid UTF-8/.test(e.message),
    );
    const key = plainThriftCodec.decode(
      "PrivateWorkerKey",
      hex("0b 0001 00000002 c328  0b 0002 00000001 75  0a 0003 0000000000000001 00"),
    );
    assert.deepEqual([...key.key], [0xc3, 0x28]);
  });
});
