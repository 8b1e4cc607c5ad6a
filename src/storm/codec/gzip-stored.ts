/**
 * Gzip members whose deflate data is stored blocks (RFC 1951 §3.2.4), written and read without
 * zlib. For a record of a few hundred bytes, setting up a zlib stream costs several times what
 * encoding or decoding the record does, and deflate saves a few dozen bytes at best (often
 * none: a 51-byte ProfileRequest deflates to 68). Every gzip reader reads stored blocks, Java's
 * `GZIPInputStream` (Storm's) among them.
 *
 * Reading takes only the members this module writes (and zlib's level 0): no optional header
 * fields, stored blocks only, one member ending at the input's end, CRC-32 and length matching.
 * Anything else is left to zlib, so data zlib refuses is never accepted here, and data zlib
 * reads reads the same.
 */
import { concatBytes } from "../../jute/bytes.ts";

/** The gzip header written: deflate, no flags, no modification time, OS "unknown" (RFC 1952 §2.3). */
const HEADER = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff] as const;
/** The most a stored block holds (its LEN is 16 bits). */
const MAX_STORED = 0xffff;
/** Larger members are left to zlib, whose CRC-32 is faster than this module's on long inputs. */
const MAX_READ = 4096;

let crcTable: Int32Array | undefined;

/** CRC-32 (ISO 3309, the polynomial gzip's trailer uses), one table lookup per byte. */
export function crc32(bytes: Uint8Array): number {
  const table = crcTable ??= makeCrcTable();
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = (table[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

function makeCrcTable(): Int32Array {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
}

/** A gzip member holding `bytes` in stored blocks; it never shares memory with `bytes`. */
export function storedGzip(bytes: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(bytes.length / MAX_STORED));
  const out = new Uint8Array(HEADER.length + blocks * 5 + bytes.length + 8);
  const view = new DataView(out.buffer);
  out.set(HEADER, 0);
  let at = HEADER.length;
  for (let b = 0; b < blocks; b++) {
    const chunk = bytes.subarray(b * MAX_STORED, (b + 1) * MAX_STORED);
    // The 3-bit block header (BFINAL, BTYPE 00) starts on a byte; a stored block's data starts
    // on the next byte, so the header takes the whole byte.
    out[at] = b === blocks - 1 ? 1 : 0;
    view.setUint16(at + 1, chunk.length, true);
    view.setUint16(at + 3, ~chunk.length & 0xffff, true);
    out.set(chunk, at + 5);
    at += 5 + chunk.length;
  }
  view.setUint32(at, crc32(bytes), true);
  view.setUint32(at + 4, bytes.length >>> 0, true);
  return out;
}

/**
 * The content of `bytes` when it is one gzip member of stored blocks, with no header fields,
 * ending exactly at the end, whose CRC-32 and length match, and of at most `maxBytes`; otherwise
 * undefined, for zlib to read or refuse. A one-block member's content is a view of `bytes`.
 */
export function readStoredGzip(bytes: Uint8Array, maxBytes: number): Uint8Array | undefined {
  if (bytes.length > MAX_READ || bytes.length < HEADER.length + 5 + 8) return undefined;
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b || bytes[2] !== 0x08 || bytes[3] !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let at = HEADER.length;
  let final = false;
  let size = 0;
  while (!final) {
    if (at + 5 > bytes.length) return undefined;
    const header = bytes[at] as number;
    if ((header & 0b110) !== 0) return undefined; // not a stored block
    final = (header & 1) === 1;
    const length = view.getUint16(at + 1, true);
    if (view.getUint16(at + 3, true) !== (~length & 0xffff) || at + 5 + length > bytes.length) return undefined;
    parts.push(bytes.subarray(at + 5, at + 5 + length));
    size += length;
    at += 5 + length;
  }
  if (at + 8 !== bytes.length || size > maxBytes || view.getUint32(at + 4, true) !== size) return undefined;
  const content = concatBytes(parts);
  return crc32(content) === view.getUint32(at, true) ? content : undefined;
}
