import { writeUtf8 } from "./bytes.ts";

/**
 * A growable big-endian jute writer. Frames are written back to back into one buffer and handed
 * out with {@link JuteWriter.take}; memory already taken is never written again (the socket may
 * still hold it until flushed), so growth allocates a new buffer and moves only the untaken tail.
 */
export class JuteWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Start of the bytes not yet taken. */
  private start = 0;
  /** Next write position. */
  pos = 0;

  constructor(private readonly initialSize = 64 * 1024) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Number of bytes written and not yet taken. */
  get pending(): number {
    return this.pos - this.start;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const pending = this.pos - this.start;
    let size = Math.max(this.initialSize, this.buf.length);
    while (size < pending + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(this.start, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
    this.start = 0;
    this.pos = pending;
  }

  int(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
    return this;
  }

  long(v: bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v);
    this.pos += 8;
    return this;
  }

  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  /** A jute buffer: length then bytes; null is length -1. */
  buffer(v: Uint8Array | null): this {
    if (v === null) return this.int(-1);
    this.ensure(4 + v.length);
    this.view.setInt32(this.pos, v.length);
    this.buf.set(v, this.pos + 4);
    this.pos += 4 + v.length;
    return this;
  }

  /** Bytes that already are jute encoding (e.g. a cached record), copied as they are. */
  raw(v: Uint8Array): this {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    return this;
  }

  /** A jute ustring: UTF-8 byte length then bytes; null is length -1. */
  string(v: string | null): this {
    if (v === null) return this.int(-1);
    this.ensure(4 + v.length * 3);
    const p = writeUtf8(this.buf, this.pos + 4, v);
    this.view.setInt32(this.pos, p - this.pos - 4);
    this.pos = p;
    return this;
  }

  /** A vector of strings; null is count -1. */
  stringVector(v: readonly string[] | null): this {
    if (v === null) return this.int(-1);
    this.int(v.length);
    for (const s of v) this.string(s);
    return this;
  }

  /**
   * Reserves the 4-byte length prefix of a frame and returns a mark for {@link endFrame}. The
   * mark is relative to the untaken bytes, so it stays valid when the buffer grows mid-frame.
   */
  beginFrame(): number {
    this.ensure(4);
    const mark = this.pos - this.start;
    this.pos += 4;
    return mark;
  }

  /** Writes the frame length at `mark`; returns the payload length. */
  endFrame(mark: number): number {
    const at = this.start + mark;
    const length = this.pos - at - 4;
    this.view.setInt32(at, length);
    return length;
  }

  /** Drops everything written since `mark` (a frame that must not be sent). */
  rewind(mark: number): void {
    this.pos = this.start + mark;
  }

  /**
   * Hands out the bytes written since the last take. The caller may keep them: they are never
   * overwritten.
   */
  take(): Uint8Array {
    const out = this.buf.subarray(this.start, this.pos);
    this.start = this.pos;
    return out;
  }
}
