import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { plainThriftCodec } from "../../src/storm/codec/thrift.ts";
import { hex } from "../support/bytes.ts";

// Hand-written bytes for what the golden vectors cannot show: Python's Thrift never writes them,
// and Java's (Storm's) reader has a defined answer for each.
const nimbusWithLeaderByte = (leader: string) => hex(`
  0b 0001 00000001 68  08 0002 00001a0b  08 0003 00000001  02 0004 ${leader}  0b 0005 00000001 76  00`);
// StormBase { name: "n", status: ACTIVE, numWorkers: 1 } followed by `extra` fields.
const stormBaseWith = (extra: string) => hex(`0b 0001 00000001 6e  08 0002 00000001  08 0003 00000001 ${extra} 00`);

describe("the thrift binary protocol reads what Java's TBinaryProtocol reads", () => {
  test("a bool is true only for the byte 1, as Java reads it", () => {
    assert.equal(plainThriftCodec.decode("NimbusSummary", nimbusWithLeaderByte("01")).isLeader, true);
    assert.equal(plainThriftCodec.decode("NimbusSummary", nimbusWithLeaderByte("00")).isLeader, false);
    assert.equal(plainThriftCodec.decode("NimbusSummary", nimbusWithLeaderByte("02")).isLeader, false);
    assert.equal(plainThriftCodec.decode("NimbusSummary", nimbusWithLeaderByte("ff")).isLeader, false);
  });

  test("an unknown UUID field (type 16, a newer schema's) is skipped over its 16 bytes", () => {
    const base = plainThriftCodec.decode("StormBase", stormBaseWith(""));
    assert.deepEqual(plainThriftCodec.decode("StormBase", stormBaseWith("10 0063 000102030405060708090a0b0c0d0e0f  0b 0006 00000001 6f")), { ...base, owner: "o" });
    // A list of UUIDs too; a truncated UUID is corrupt, not read past the end.
    assert.deepEqual(plainThriftCodec.decode("StormBase", stormBaseWith(`0f 0063 10 00000002 ${"ab".repeat(32)}`)), base);
    assert.throws(() => plainThriftCodec.decode("StormBase", stormBaseWith("10 0063 0001020304")), /truncated/);
  });
});
