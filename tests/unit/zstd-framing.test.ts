import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FramingError, unwrap, zstdRawFrame } from "../../src/storm/codec/framing.ts";
import { thriftCodec } from "../../src/storm/codec/thrift.ts";
import { xxh64 } from "../../src/storm/codec/xxh64.ts";
import { CorruptRecordError } from "../../src/storm/record-errors.ts";
import type { RecordKind } from "../../src/storm/records.ts";
import { enc } from "../support/fixtures.ts";
import { hex } from "../support/bytes.ts";

const isChecksumError = (e: unknown) => e instanceof FramingError && /checksum mismatch/.test(e.message);

describe("XXH64 (zstd's content checksum)", () => {
  test("matches the reference values", () => {
    assert.equal(xxh64(enc("")), 0xef46db3751d8e999n);
    assert.equal(xxh64(enc("a")), 0xd24ec4f1a98c6e5bn);
    assert.equal(xxh64(enc("abc")), 0x44bc2cf5ad770999n);
    // Longer than one 32-byte stripe, with a tail of every length class: the zstd tool's
    // checksum of these 1,035 bytes is 0x69e074ea.
    const long = new Uint8Array(1035);
    for (let i = 0; i < 1024; i++) long[i] = i % 256;
    long.set(enc("stormkeeper"), 1024);
    assert.equal(xxh64(long) & 0xffffffffn, 0x69e074ean);
  });

  test("hashes a view of a larger buffer by its own bytes", () => {
    const buffer = new Uint8Array([9, 9, 0x61, 0x62, 0x63, 9]);
    assert.equal(xxh64(buffer.subarray(2, 5)), xxh64(enc("abc")));
  });
});

describe("zstd content checksums", () => {
  test("frames from the zstd tool carry a checksum, and it is verified", () => {
    // `zstd -c` of "abc": descriptor 0x24 (single segment, checksum), checksum 990977ad.
    const frame = hex("28b52ffd2403190000616263990977ad");
    assert.deepEqual(unwrap(frame), enc("abc"));
    const wrong = frame.slice();
    wrong[wrong.length - 1] = (wrong[wrong.length - 1] as number) ^ 1;
    assert.throws(() => unwrap(wrong), isChecksumError);
  });

  test("our frames carry a checksum: a flipped content byte of a raw block is caught, not decoded", () => {
    const content = enc("an assignment, say");
    const frame = zstdRawFrame(content);
    assert.equal((frame[4] as number) & 4, 4, "checksum flag set");
    assert.deepEqual(unwrap(frame), content);
    const corrupt = frame.slice();
    corrupt[13] = (corrupt[13] as number) ^ 0x20; // inside the raw block: still a valid frame
    assert.throws(() => unwrap(corrupt), isChecksumError);
  });

  test("every frame of a concatenation is checked on its own", () => {
    const one = zstdRawFrame(enc("first "));
    const two = zstdRawFrame(enc("second"));
    const both = new Uint8Array([...one, ...two]);
    assert.deepEqual(unwrap(both), enc("first second"));
    both[one.length + 13] = (both[one.length + 13] as number) ^ 1;
    assert.throws(() => unwrap(both), isChecksumError);
  });

  test("a truncated skippable frame after a good frame is an error, not a silent success", () => {
    const frame = zstdRawFrame(enc("abc"));
    // A skippable frame declaring 100 bytes of which 3 arrived: the data was cut short.
    const cut = new Uint8Array([...frame, 0x50, 0x2a, 0x4d, 0x18, 100, 0, 0, 0, 1, 2, 3]);
    assert.throws(() => unwrap(cut), FramingError);
    // Whole, it is skipped.
    const whole = new Uint8Array([...frame, 0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    assert.deepEqual(unwrap(whole), enc("abc"));
  });

  test("a Storm vector compressed by the zstd tool decodes through the checksum check", () => {
    const vectors = JSON.parse(
      readFileSync(new URL("../fixtures/storm-thrift/vectors.json", import.meta.url), "utf8"),
    ) as { kind: RecordKind; thrift: string; zstd?: string }[];
    const withZstd = vectors.filter((v) => v.zstd !== undefined);
    assert.ok(withZstd.length > 0);
    for (const v of withZstd) {
      const frame = hex(v.zstd as string);
      assert.equal((frame[4] as number) & 4, 4, "the tool wrote a checksum");
      assert.deepEqual(unwrap(frame), hex(v.thrift));
      // Through the codec: a record whose stored bytes were damaged is a CorruptRecordError.
      const damaged = zstdRawFrame(hex(v.thrift));
      damaged[20] = (damaged[20] as number) ^ 0x01;
      assert.throws(
        () => thriftCodec().decode(v.kind, damaged, "/storm/x"),
        (e) => e instanceof CorruptRecordError && /checksum/.test(e.message),
      );
    }
  });
});
