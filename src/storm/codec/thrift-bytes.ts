/**
 * The byte level of thrift's binary protocol: a growable writer and a bounds-checked reader, with
 * UTF-8 strings that never pass a lone surrogate or invalid bytes through silently.
 */
import { writeUtf8 } from "../../jute/bytes.ts";
import { ThriftDecodeError, TWO_32 } from "./thrift-types.ts";

const utf8Strict = new TextDecoder("utf-8", { fatal: true });
// With the u flag a surrogate pair is one code point, so this matches only unpaired halves.
const LONE_SURROGATE = /\p{Cs}/u;
/** Shorter ASCII strings are read byte by byte: cheaper than a TextDecoder call. */
const SHORT_STRING = 32;

// Short ASCII strings (map keys: windows, stream and component ids) repeat across records: one
// copy of each is kept in a small direct-mapped table keyed by a hash of its bytes, so reading a
// key allocates nothing and hands V8 a string it has already hashed.
const INTERN_BITS = 12;
const interned = new Array<string | undefined>(1 << INTERN_BITS);

/**
 * The ASCII string of `buf[start, end)`, or undefined when a byte is not ASCII. The slot comes
 * from the length and the outer bytes, so one pass both checks the bytes are ASCII and compares
 * them with the slot's string; a collision only costs a fresh string.
 */
function internedAscii(buf: Uint8Array, start: number, end: number): string | undefined {
  const n = end - start;
  const edges = n === 0 ? 0 : (buf[start] as number) * 31 + (buf[end - 1] as number) +
    (n > 2 ? (buf[start + 1] as number) * 961 + (buf[end - 2] as number) * 7 : 0);
  const slot = (Math.imul(n, 0x9e3779b1) ^ Math.imul(edges, 0x85ebca6b)) >>> (32 - INTERN_BITS);
  const cached = interned[slot];
  let same = cached !== undefined && cached.length === n;
  for (let i = 0; i < n; i++) {
    const c = buf[start + i] as number;
    if (c >= 0x80) return undefined;
    if (same && (cached as string).charCodeAt(i) !== c) same = false;
  }
  if (same) return cached;
  const s = String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
  interned[slot] = s;
  return s;
}

/**
 * A growable byte buffer, reused from one encode to the next (encoding is synchronous and not
 * re-entrant).
 */
export class Writer {
  buf = new Uint8Array(4096);
  view = new DataView(this.buf.buffer);
  pos = 0;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  byte(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  i16(v: number): void {
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
  }
  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }
  /** A safe integer as a big-endian two's-complement i64: exact, since |v| < 2^53. */
  i64(v: number): void {
    this.ensure(8);
    // An int32 (most counts) needs no float division: its high word is its sign.
    const high = (v | 0) === v ? v >> 31 : Math.floor(v / TWO_32);
    this.view.setInt32(this.pos, high);
    this.view.setUint32(this.pos + 4, v - high * TWO_32);
    this.pos += 8;
  }
  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }
  fieldHeader(type: number, id: number): void {
    this.ensure(3);
    this.buf[this.pos] = type;
    this.view.setInt16(this.pos + 1, id);
    this.pos += 3;
  }
  bytes(v: Uint8Array): void {
    this.i32(v.length);
    this.raw(v);
  }
  /** Bytes as they are, no length prefix. */
  raw(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }
  /** A length-prefixed UTF-8 string; false (nothing written) for a lone surrogate, which has no UTF-8 form. */
  string(s: string): boolean {
    this.ensure(4 + 3 * s.length);
    const p = writeUtf8(this.buf, this.pos + 4, s);
    // Written as U+FFFD, a lone surrogate would read back as another string than the record's.
    if (p - this.pos - 4 !== s.length && LONE_SURROGATE.test(s)) return false;
    this.view.setInt32(this.pos, p - this.pos - 4);
    this.pos = p;
    return true;
  }
}

export class Reader {
  readonly view: DataView;
  pos = 0;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
  need(n: number): void {
    if (n > this.buf.length - this.pos) {
      throw new ThriftDecodeError(`truncated: need ${n} bytes at offset ${this.pos}, ${this.remaining} left`);
    }
  }
  /** Passes over the next `n` bytes, checked to be there, and returns the offset of the first. */
  take(n: number): number {
    this.need(n);
    const at = this.pos;
    this.pos = at + n;
    return at;
  }
  byte(): number {
    return this.view.getInt8(this.take(1));
  }
  i16(): number {
    return this.view.getInt16(this.take(2));
  }
  i32(): number {
    return this.view.getInt32(this.take(4));
  }
  /** An i64 that must be a safe integer (the high word times 2^32 is exact; the sum is exact when safe). */
  i64(what: string): number {
    this.need(8);
    const high = this.view.getInt32(this.pos);
    const low = this.view.getInt32(this.pos + 4);
    // Most counts fit in 32 bits: returned as the int32 they are, V8 keeps them small integers
    // instead of allocating a heap number for the float the general sum is.
    if (high === low >> 31) {
      this.pos += 8;
      return low;
    }
    const v = high * TWO_32 + (low >>> 0);
    if (!Number.isSafeInteger(v)) {
      const exact = this.view.getBigInt64(this.pos);
      throw new ThriftDecodeError(`${what} value ${exact} is outside the safe integer range`);
    }
    this.pos += 8;
    return v;
  }
  double(): number {
    return this.view.getFloat64(this.take(8));
  }
  skipBytes(n: number): void {
    this.take(n);
  }
  length(): number {
    const n = this.i32();
    if (n < 0) throw new ThriftDecodeError(`negative length ${n} at offset ${this.pos - 4}`);
    this.need(n);
    return n;
  }
  bytes(): Uint8Array {
    const n = this.length();
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  // Java would read invalid UTF-8 as U+FFFD, but Java never writes it (see Writer.string);
  // refusing it keeps a read-modify-write from storing another string than it read.
  string(what: string): string {
    const n = this.length();
    const buf = this.buf;
    const start = this.pos;
    const end = start + n;
    this.pos = end;
    if (n <= SHORT_STRING) {
      const interned = internedAscii(buf, start, end);
      if (interned !== undefined) return interned;
    }
    try {
      return utf8Strict.decode(buf.subarray(start, end));
    } catch {
      throw new ThriftDecodeError(`${what} is not valid UTF-8`);
    }
  }
  count(elemMin: number, what: string): number {
    const n = this.i32();
    if (n < 0) throw new ThriftDecodeError(`negative ${what} size ${n}`);
    if (n * elemMin > this.remaining) {
      throw new ThriftDecodeError(`${what} of ${n} elements cannot fit in ${this.remaining} bytes`);
    }
    return n;
  }
}
