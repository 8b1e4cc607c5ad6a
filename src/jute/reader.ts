// ignoreBOM: a leading U+FEFF is part of the string (a node may be named "\uFEFFx"); the
// default decoder would silently drop it and hand back another node's name.
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
// Java's `new String(bytes, UTF_8)`, as a ZooKeeper server decodes: malformed input becomes U+FFFD.
const replacingDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
// A single-byte decoder: one UTF-16 unit per byte, so byte offsets are string offsets.
const singleByte = new TextDecoder("latin1");

/** A malformed jute record: truncated, a bad length, invalid UTF-8, … */
export class JuteDecodeError extends Error {
  override readonly name = "JuteDecodeError";
}

/**
 * A big-endian jute reader over a slice of bytes. Reads never go past `end`, lengths are checked
 * against the bytes actually present (so a hostile length cannot cause a large allocation), and
 * any violation throws {@link JuteDecodeError}.
 */
export class JuteReader {
  private readonly view: DataView;
  pos: number;

  constructor(private readonly bytes: Uint8Array, offset = 0, readonly end: number = bytes.length) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = offset;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      throw new JuteDecodeError(`truncated record: ${what} needs ${n} bytes, ${this.end - this.pos} left`);
    }
  }

  int(): number {
    this.need(4, "int");
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  long(): bigint {
    this.need(8, "long");
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  bool(): boolean {
    this.need(1, "boolean");
    return this.bytes[this.pos++] !== 0;
  }

  private length(what: string): number {
    const n = this.int();
    if (n < -1) throw new JuteDecodeError(`invalid ${what} length ${n}`);
    if (n > this.end - this.pos) {
      throw new JuteDecodeError(`${what} length ${n} exceeds the ${this.end - this.pos} bytes left`);
    }
    return n;
  }

  /** A jute buffer, copied (callers hand it to users, who may keep it); null for length -1. */
  buffer(): Uint8Array | null {
    const n = this.length("buffer");
    if (n < 0) return null;
    // A fresh Uint8Array: Buffer#slice would return a view of the socket chunk.
    const out = new Uint8Array(n);
    out.set(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  /**
   * A jute ustring; null for length -1. Invalid UTF-8 throws, or with `malformed: "replace"`
   * becomes U+FFFD as a ZooKeeper server (Java) reads it.
   */
  string(malformed: "throw" | "replace" = "throw"): string | null {
    const n = this.length("string");
    if (n < 0) return null;
    const start = this.pos;
    const end = start + n;
    this.pos = end;
    const bytes = this.bytes;
    if (n <= 64) {
      // ASCII fast path: short names and paths dominate (children lists, events).
      let ascii = true;
      for (let i = start; i < end; i++) {
        if (bytes[i] >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
    }
    if (malformed === "replace") return replacingDecoder.decode(bytes.subarray(start, end));
    try {
      return decoder.decode(bytes.subarray(start, end));
    } catch (cause) {
      throw new JuteDecodeError(`invalid UTF-8 in string at offset ${start}`, { cause });
    }
  }

  /** A string that must not be null (e.g. a child name); `malformed` as for {@link string}. */
  requiredString(what: string, malformed: "throw" | "replace" = "throw"): string {
    const s = this.string(malformed);
    if (s === null) throw new JuteDecodeError(`${what} must not be null`);
    return s;
  }

  /** A vector counted by an int; null for count -1. Each element needs at least `minSize` bytes. */
  vector<T>(readItem: (r: JuteReader) => T, minSize: number, what: string): T[] | null {
    const count = this.int();
    if (count < -1) throw new JuteDecodeError(`invalid ${what} count ${count}`);
    if (count < 0) return null;
    if (count * minSize > this.end - this.pos) {
      throw new JuteDecodeError(`${what} count ${count} cannot fit in the ${this.end - this.pos} bytes left`);
    }
    const out = new Array<T>(count);
    for (let i = 0; i < count; i++) out[i] = readItem(this);
    return out;
  }

  /**
   * A vector of non-null strings (child names, paths); null for count -1. When every name is
   * ASCII — the usual case — the whole vector is decoded with one native call and the names
   * are cut out of it, several times faster than decoding them one by one.
   */
  stringList(what: string): string[] | null {
    const count = this.int();
    if (count < -1) throw new JuteDecodeError(`invalid ${what} count ${count}`);
    if (count < 0) return null;
    if (count * 4 > this.end - this.pos) {
      throw new JuteDecodeError(`${what} count ${count} cannot fit in the ${this.end - this.pos} bytes left`);
    }
    const bytes = this.bytes;
    const first = this.pos;
    const starts = new Array<number>(count);
    let p = first;
    let ascii = true;
    for (let i = 0; i < count; i++) {
      if (p + 4 > this.end) throw new JuteDecodeError(`truncated ${what} list`);
      const n = this.view.getInt32(p);
      p += 4;
      if (n < 0) throw new JuteDecodeError(`${what} must not be null`);
      if (n > this.end - p) throw new JuteDecodeError(`${what} length ${n} exceeds the ${this.end - p} bytes left`);
      starts[i] = p;
      if (ascii) {
        for (let j = p; j < p + n; j++) {
          if (bytes[j] >= 0x80) {
            ascii = false;
            break;
          }
        }
      }
      p += n;
    }
    const out = new Array<string>(count);
    if (ascii) {
      const all = singleByte.decode(bytes.subarray(first, p));
      for (let i = 0; i < count; i++) {
        const start = starts[i] - first;
        out[i] = all.substring(start, start + this.view.getInt32(starts[i] - 4));
      }
      this.pos = p;
      return out;
    }
    for (let i = 0; i < count; i++) out[i] = this.requiredString(what);
    return out;
  }
}
