/**
 * The compression Storm wraps its thrift bytes in (`storm.meta.serialization.delegate`): gzip up
 * to Storm 2.8.x, zstd after it, plain thrift in old or bridged setups. Reading sniffs the magic
 * bytes; decompression is capped so a hostile node cannot exhaust memory.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { Decompress } from "fzstd";

/** How node data is framed. */
export type Compression = "gzip" | "zstd" | "none";

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
        return new Uint8Array(gunzipSync(bytes, { maxOutputLength: maxBytes }));
      } catch (cause) {
        throw new FramingError(`gzip data does not decompress within ${maxBytes} bytes: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
      }
    case "zstd":
      return unzstd(bytes, maxBytes);
    case "none":
      return bytes;
  }
}

/** Wraps thrift bytes for storage. */
export function wrap(bytes: Uint8Array, compression: Compression): Uint8Array {
  switch (compression) {
    case "gzip":
      return new Uint8Array(gzipSync(bytes));
    case "zstd":
      return zstdRawFrame(bytes);
    case "none":
      return bytes;
  }
}

/** The declared content size of a zstd frame, when its header carries one. */
function zstdContentSize(bytes: Uint8Array): number | undefined {
  const descriptor = bytes[4];
  if (descriptor === undefined) return undefined;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictIdFlag = descriptor & 3;
  const fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag] ?? 0;
  if (fcsSize === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + ([0, 1, 2, 4][dictIdFlag] ?? 0);
  if (at + fcsSize > bytes.length) return undefined;
  let size = 0;
  for (let i = fcsSize - 1; i >= 0; i--) size = size * 256 + (bytes[at + i] ?? 0);
  return fcsSize === 2 ? size + 256 : size;
}

function unzstd(bytes: Uint8Array, maxBytes: number): Uint8Array {
  const declared = zstdContentSize(bytes);
  if (declared !== undefined && declared > maxBytes) throw new FramingError(`zstd frame declares ${declared} bytes, over the ${maxBytes}-byte cap`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new Decompress((chunk) => {
      total += chunk.length;
      if (total > maxBytes) throw new FramingError(`zstd data decompresses to more than ${maxBytes} bytes`);
      chunks.push(chunk.slice());
    });
    stream.push(bytes, true);
  } catch (cause) {
    if (cause instanceof FramingError) throw cause;
    throw new FramingError(`zstd data does not decompress: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const MAX_RAW_BLOCK = 128 * 1024;

/**
 * A valid zstd frame holding `bytes` uncompressed, in raw blocks: no pure-JS zstd compressor
 * exists without WASM, and every zstd reader (Storm's included) reads raw blocks. Use gzip when
 * size matters.
 */
export function zstdRawFrame(bytes: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(bytes.length / MAX_RAW_BLOCK));
  const out = new Uint8Array(4 + 1 + 4 + blocks * 3 + bytes.length);
  out.set(ZSTD_MAGIC, 0);
  // Frame header: single segment, 4-byte content size, no checksum, no dictionary.
  out[4] = 0xa0;
  new DataView(out.buffer).setUint32(5, bytes.length, true);
  let at = 9;
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
  return out;
}
