/** Byte-string helpers the jute and thrift writers and the record framing share. */

const encoder = new TextEncoder();

/**
 * Writes `s` as UTF-8 into `buf` from `at` and returns where it ends; the caller leaves room
 * for 3 bytes per UTF-16 unit. ASCII (almost every path, name and key) is copied unit by unit,
 * without a TextEncoder call. A lone surrogate is written as U+FFFD, as TextEncoder does; the
 * UTF-8 is longer than `s` exactly when `s` holds a non-ASCII unit.
 */
export function writeUtf8(buf: Uint8Array, at: number, s: string): number {
  const n = s.length;
  let p = at;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    buf[p++] = c;
  }
  if (i < n) p += encoder.encodeInto(i === 0 ? s : s.slice(i), buf.subarray(p)).written;
  return p;
}

/** The byte strings `parts` joined; a single part is returned as it is. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
