/**
 * The compression Storm wraps its thrift bytes in (`storm.meta.serialization.delegate`): gzip up
 * to Storm 2.8.x, zstd after it, plain thrift in old or bridged setups. Reading sniffs the magic
 * bytes; decompression is capped so a hostile node cannot exhaust memory.
 */
import { constants } from "node:buffer";
import { gunzipSync, gzipSync } from "node:zlib";
import { Decompress } from "fzstd";
import { concatBytes } from "../../jute/bytes.ts";
import { readStoredGzip, storedGzip } from "./gzip-stored.ts";
import { xxh64 } from "./xxh64.ts";

const MAX_LENGTH = constants.MAX_LENGTH;

/** Every framing records can be written in. */
export const COMPRESSIONS = ["gzip", "zstd", "none"] as const;

/** How node data is framed. */
export type Compression = typeof COMPRESSIONS[number];

/** Storm's default cap on decompressed record size (100 MiB). */
export const DEFAULT_MAX_DECOMPRESSED = 100 * 1024 * 1024;

/** Data that cannot be unwrapped: a broken stream or one larger than the cap. */
export class FramingError extends Error {
  override readonly name = "FramingError";
}

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;

/** Which framing `bytes` carry, by their first bytes. */
export function detectCompression(bytes: Uint8Array): Compression {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return "gzip";
  if (bytes.length >= 4 && ZSTD_MAGIC.every((b, i) => bytes[i] === b)) return "zstd";
  return "none";
}

/** Unwraps gzip or zstd (detected by magic bytes); plain bytes come back as they are. */
export function unwrap(bytes: Uint8Array, maxBytes = DEFAULT_MAX_DECOMPRESSED): Uint8Array {
  switch (detectCompression(bytes)) {
    case "gzip":
      try {
        const stored = readStoredGzip(bytes, maxBytes);
        if (stored !== undefined) return stored;
        // A plain Uint8Array over zlib's Buffer, not a copy: the thrift reader copies what it keeps.
        // A cap above what one buffer can hold is no cap: zlib refuses such a maxOutputLength.
        const cap = Math.min(maxBytes, MAX_LENGTH);
        const out = gunzipSync(bytes, { maxOutputLength: cap, chunkSize: inflateChunk(bytes, cap) });
        return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
      } catch (cause) {
        // zlib stops as soon as the output passes the cap, on Node, Deno and Bun alike.
        const overCap = (cause as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE";
        const reason = overCap
          ? `decompresses to more than ${maxBytes} bytes`
          : `does not decompress: ${cause instanceof Error ? cause.message : String(cause)}`;
        throw new FramingError(`gzip data ${reason}`, { cause });
      }
    case "zstd":
      return unzstd(bytes, maxBytes);
    case "none":
      return bytes;
  }
}

/** zlib's smallest output chunk (`zlib.constants.Z_MIN_CHUNK`). */
const MIN_CHUNK = 64;
/** The largest output chunk a member's trailer may ask for: a hint is not to make every read allocate much. */
const MAX_CHUNK = 1024 * 1024;

/**
 * The output chunk to inflate `bytes` into. zlib fills chunks of a fixed size (16 KiB unless
 * told) and joins them; sized from the gzip trailer's ISIZE (the last member's length mod 2^32,
 * one byte over it so that zlib sees the stream end without a second chunk), a record comes out
 * in one chunk, with no join: a heartbeat gunzips in about two thirds of the time. ISIZE is only
 * a hint, never trusted: a wrong one costs more chunks or a larger one, within
 * {@link MAX_CHUNK} and the cap, and `maxOutputLength` still bounds the output.
 */
function inflateChunk(bytes: Uint8Array, cap: number): number {
  const isize = bytes.length < 18 ? 0 : littleEndian(bytes, bytes.length - 4, 4);
  return Math.max(MIN_CHUNK, Math.min(isize + 1, MAX_CHUNK, cap + 1));
}

/**
 * The deflate level records are gzipped at. Storm's `GZIPOutputStream` uses zlib's default (6);
 * level 1 takes about a quarter of its time on a heartbeat for frames 1.3–1.5× as large (still
 * a few percent of the plain bytes), and gzip readers, Java's `GZIPInputStream` among them, read
 * every level alike: the deflate format does not depend on the level that produced it.
 */
export const GZIP_LEVEL = 1;

/**
 * Shorter records are gzipped in stored blocks (gzip-stored.ts): below this, deflate saves a few
 * dozen bytes at most, often adds some, and zlib's set-up costs more than the rest of the record.
 */
export const STORE_BELOW = 256;

/**
 * Wraps thrift bytes for storage. The result never shares memory with `bytes`, which may be a
 * view of a buffer the caller reuses.
 */
export function wrap(bytes: Uint8Array, compression: Compression): Uint8Array {
  switch (compression) {
    case "gzip":
      return bytes.length < STORE_BELOW ? storedGzip(bytes) : new Uint8Array(gzipSync(bytes, { level: GZIP_LEVEL }));
    case "zstd":
      return zstdRawFrame(bytes);
    case "none":
      return bytes.slice();
  }
}

/**
 * The largest window a zstd frame may ask for: the zstd format recommends that decoders support
 * 8 MiB and encoders need no more (RFC 8878 §3.1.1.1.2), and no level Storm allows (1–19) uses
 * more. fzstd holds the window in memory and shifts all of it for every block it decodes, so
 * this bounds both the memory and the time a hostile frame can cost.
 */
const ZSTD_MAX_WINDOW = 8 * 1024 * 1024;

const littleEndian = (bytes: Uint8Array, at: number, size: number): number => {
  let n = 0;
  for (let i = size - 1; i >= 0; i--) n = n * 256 + (bytes[at + i] ?? 0);
  return n;
};

/** Where a zstd frame lies in the input, and the checksum it ends with, if any. */
interface ZstdFrame {
  readonly start: number;
  readonly end: number;
  readonly checksum: number | undefined;
}

/**
 * Refuses, before fzstd sees them, frames whose headers declare more content than the cap or a
 * window above {@link ZSTD_MAX_WINDOW}: fzstd allocates a frame's whole window (its content size,
 * in a single-segment frame) as the frame starts, so an 8-byte header could make it take 2 GiB.
 * Walks every frame (RFC 8878 §3.1) by its block headers without decoding and returns them, or
 * undefined when the input is malformed or truncated, which is left for fzstd to report.
 */
function zstdFrames(bytes: Uint8Array, maxBytes: number): ZstdFrame[] | undefined {
  const frames: ZstdFrame[] = [];
  let declared = 0;
  let at = 0;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) return undefined;
    if (
      bytes[at + 3] === 0x18 && bytes[at + 2] === 0x4d && bytes[at + 1] === 0x2a && ((bytes[at] ?? 0) & 0xf0) === 0x50
    ) {
      at += 8 + littleEndian(bytes, at + 4, 4); // a skippable frame
      // Cut short, it is truncated input: fzstd reports it (returning the frames would not).
      if (at > bytes.length) return undefined;
      continue;
    }
    if (!ZSTD_MAGIC.every((b, i) => bytes[at + i] === b)) return undefined;
    const descriptor = bytes[at + 4] ?? 0;
    const singleSegment = (descriptor >> 5) & 1;
    let pos = at + 5;
    let window = 0; // a single-segment frame's window is its content size
    if (!singleSegment) {
      const w = bytes[pos++] ?? 0;
      const base = 2 ** (10 + (w >> 3));
      window = base + (base / 8) * (w & 7);
    }
    pos += [0, 1, 2, 4][descriptor & 3];
    const contentBytes = [singleSegment, 2, 4, 8][descriptor >> 6];
    if (contentBytes > 0) {
      const content = littleEndian(bytes, pos, contentBytes) + (contentBytes === 2 ? 256 : 0);
      declared += content;
      if (declared > maxBytes) {
        throw new FramingError(`zstd data declares ${declared} bytes, over the ${maxBytes}-byte cap`);
      }
      if (singleSegment) window = content;
    }
    if (window > ZSTD_MAX_WINDOW) {
      throw new FramingError(`zstd frame needs a ${window}-byte window, over the ${ZSTD_MAX_WINDOW}-byte limit`);
    }
    pos += contentBytes;
    for (let last = 0; !last;) {
      if (pos + 3 > bytes.length) return undefined;
      const header = littleEndian(bytes, pos, 3);
      last = header & 1;
      // An RLE block (type 1) stores one byte however large its size.
      pos += 3 + (((header >> 1) & 3) === 1 ? 1 : header >>> 3);
    }
    const hasChecksum = (descriptor & 4) !== 0;
    const end = pos + (hasChecksum ? 4 : 0);
    if (end > bytes.length) return undefined;
    frames.push({ start: at, end, checksum: hasChecksum ? littleEndian(bytes, pos, 4) : undefined });
    at = end;
  }
  return frames;
}

/**
 * Decodes frame by frame, so each frame's content checksum is verified: zstd's raw blocks have
 * no other protection, and a flipped bit in one would otherwise decode to a wrong record.
 */
function unzstd(bytes: Uint8Array, maxBytes: number): Uint8Array {
  const frames = zstdFrames(bytes, maxBytes);
  const parts: Uint8Array[] = [];
  let total = 0;
  const decode = (input: Uint8Array): Uint8Array => {
    const chunks: Uint8Array[] = [];
    try {
      const stream = new Decompress((chunk) => {
        total += chunk.length;
        if (total > maxBytes) throw new FramingError(`zstd data decompresses to more than ${maxBytes} bytes`);
        chunks.push(chunk.slice());
      });
      stream.push(input, true);
    } catch (cause) {
      if (cause instanceof FramingError) throw cause;
      throw new FramingError(
        `zstd data does not decompress: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
    return concatBytes(chunks);
  };
  if (frames === undefined) return decode(bytes);
  // Skippable frames are not listed: they carry no content.
  for (const frame of frames) {
    const content = decode(bytes.subarray(frame.start, frame.end));
    if (frame.checksum !== undefined && Number(xxh64(content) & 0xffffffffn) !== frame.checksum) {
      throw new FramingError("zstd content checksum mismatch: the data is corrupt");
    }
    parts.push(content);
  }
  return concatBytes(parts);
}

const MAX_RAW_BLOCK = 128 * 1024;

/**
 * A valid zstd frame holding `bytes` uncompressed, in raw blocks: no pure-JS zstd compressor
 * exists without WASM, and every zstd reader (Storm's included) reads raw blocks. Use gzip when
 * size matters.
 */
export function zstdRawFrame(bytes: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(bytes.length / MAX_RAW_BLOCK));
  const out = new Uint8Array(4 + 1 + 1 + 4 + blocks * 3 + bytes.length + 4);
  out.set(ZSTD_MAGIC, 0);
  // Frame header: 4-byte content size, a content checksum (raw blocks have no other protection;
  // zstd readers verify it), no dictionary, and a 128 KiB window (one raw block; raw blocks refer
  // to nothing before them), not a single segment, whose window would be the whole content and
  // could exceed what readers (ours included) accept.
  out[4] = 0x84;
  out[5] = 7 << 3;
  new DataView(out.buffer).setUint32(6, bytes.length, true);
  let at = 10;
  for (let b = 0; b < blocks; b++) {
    const chunk = bytes.subarray(b * MAX_RAW_BLOCK, (b + 1) * MAX_RAW_BLOCK);
    const last = b === blocks - 1 ? 1 : 0;
    // Block header, little-endian: last-block bit, type 0 (raw), then the size.
    const header = last | (chunk.length << 3);
    out[at] = header & 0xff;
    out[at + 1] = (header >> 8) & 0xff;
    out[at + 2] = (header >> 16) & 0xff;
    out.set(chunk, at + 3);
    at += 3 + chunk.length;
  }
  new DataView(out.buffer).setUint32(at, Number(xxh64(bytes) & 0xffffffffn), true);
  return out;
}
