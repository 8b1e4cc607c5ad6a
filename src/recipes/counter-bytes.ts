/**
 * The byte encodings Curator's counters store, as pure functions: `SharedCount` keeps a Java
 * `int` as 4 big-endian bytes (`ByteBuffer.putInt`), `DistributedAtomicLong` a Java `long` as 8
 * big-endian bytes (`ByteBuffer.putLong`). Decoding is strict: a node holding anything else is
 * not a counter either recipe wrote, and reading it fails with RecipeError CORRUPT_VALUE rather
 * than yielding a number nobody stored.
 * @module
 */
import { RecipeError } from "./errors.ts";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `count` as SharedCount's 4 big-endian bytes; RangeError unless it is a 32-bit signed integer. */
export function encodeCount(count: number): Uint8Array {
  if (!Number.isInteger(count) || count < INT32_MIN || count > INT32_MAX) {
    throw new RangeError(`a SharedCount holds a 32-bit signed integer, not ${count}`);
  }
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, count);
  return bytes;
}

/** SharedCount's value from a node's data: exactly 4 big-endian bytes, else CORRUPT_VALUE. */
export function decodeCount(data: Uint8Array, path?: string): number {
  if (data.length !== 4) throw corrupt(data, "4 bytes (a SharedCount)", path);
  return new DataView(data.buffer, data.byteOffset, 4).getInt32(0);
}

/** `value` as DistributedAtomicLong's 8 big-endian bytes; RangeError outside the 64-bit signed range. */
export function encodeLong(value: bigint): Uint8Array {
  if (typeof value !== "bigint" || value < INT64_MIN || value > INT64_MAX) {
    throw new RangeError(`a DistributedAtomicLong holds a 64-bit signed integer, not ${String(value)}`);
  }
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, value);
  return bytes;
}

/**
 * DistributedAtomicLong's value from a node's data: 8 big-endian bytes, or 0 for empty data (a
 * node created without data, as Curator reads it); anything else is CORRUPT_VALUE.
 */
export function decodeLong(data: Uint8Array, path?: string): bigint {
  if (data.length === 0) return 0n;
  if (data.length !== 8) throw corrupt(data, "8 bytes (a DistributedAtomicLong)", path);
  return new DataView(data.buffer, data.byteOffset, 8).getBigInt64(0);
}

/** `a + b` with Java's `long` overflow (wrapping at 64 bits), as Curator's `add` computes it. */
export function addLong(a: bigint, b: bigint): bigint {
  return BigInt.asIntN(64, a + b);
}

function corrupt(data: Uint8Array, expected: string, path: string | undefined): RecipeError {
  const shown = Array.from(data.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return new RecipeError(
    "CORRUPT_VALUE",
    `${path ?? "the node"} holds ${data.length} bytes [${shown}${data.length > 16 ? " …" : ""}], not ${expected}`,
    { path },
  );
}
