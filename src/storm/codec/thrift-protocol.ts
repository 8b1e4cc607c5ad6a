/**
 * Thrift's binary protocol (what Java's `TSerializer` writes), driven by declarative struct
 * tables instead of generated code. Each table is compiled once, on first use, into a tree of
 * specialised encode/decode closures, so a record costs one pass over its values: the encoder
 * checks every value's type and range as it writes, the decoder checks as it reads and builds the
 * value already frozen. `encodeStruct` and `decodeStruct` are pure functions of table and value.
 *
 * Unknown fields are skipped on read, as Thrift does; lengths and counts are checked against the
 * bytes present, and nesting is bounded, so hostile input fails with {@link ThriftDecodeError} and
 * never allocates more than the input's size. Storm stores bare structs, never an RPC message, so
 * the protocol's strict/non-strict message header does not arise here.
 */

/** Wire type ids of the binary protocol. */
export const TType = { STOP: 0, BOOL: 2, BYTE: 3, DOUBLE: 4, I16: 6, I32: 8, I64: 10, STRING: 11, STRUCT: 12, MAP: 13, SET: 14, LIST: 15, UUID: 16 } as const;

/** A scalar thrift type. i64 values are JavaScript numbers and must be safe integers. */
export type ThriftScalar = { readonly kind: "bool" | "byte" | "i16" | "i32" | "i64" | "double" | "string" | "binary" };

/** A thrift enum: an i32 on the wire, its name in JavaScript. */
export interface ThriftEnum {
  readonly kind: "enum";
  readonly name: string;
  readonly values: Readonly<Record<string, number>>;
}

/** One field of a struct table. */
export interface ThriftField {
  readonly id: number;
  /** The JavaScript property name. */
  readonly name: string;
  readonly type: ThriftType;
  readonly required: boolean;
  /** Other integer widths accepted on read (a field whose type changed between releases). */
  readonly alsoReads?: readonly ("i32" | "i64")[];
  /** An optional map whose absence means empty (thrift's `= {}` default): read and written as `{}` / `[]`. */
  readonly defaultsToEmpty?: boolean;
}

/** A struct (or union: exactly one field set) table. */
export interface ThriftStruct {
  readonly kind: "struct";
  readonly name: string;
  readonly fields: readonly ThriftField[];
  readonly union?: boolean;
}

/**
 * A map. By default a JavaScript object keyed by strings; `keyToJs`/`keyFromJs` turn non-string
 * keys (lists, structs) into string keys (`keyFromJs` throws on a key that is not canonical);
 * `entries` makes it an array of `{ [key]: k, [value]: v }`, kept in `entries.order` when given.
 */
export interface ThriftMap {
  readonly kind: "map";
  readonly key: ThriftType;
  readonly value: ThriftType;
  readonly keyToJs?: (key: unknown) => string;
  readonly keyFromJs?: (key: string) => unknown;
  readonly entries?: { readonly key: string; readonly value: string; readonly order?: (a: never, b: never) => number };
  /** The key set the map nearly always holds, when building its objects key by key is slow. */
  readonly usualKeys?: UsualKeys;
}

/**
 * A map's usual key set and a function that builds the object from its values, `values[i]` that
 * of `keys[i]` (an object literal). Keys that are array indices ("600", Storm's stat windows) make
 * V8 keep an object's properties as sparse elements, which take several times longer to add one by
 * one than a literal takes to copy; the result is the same object either way.
 */
export interface UsualKeys {
  readonly keys: readonly string[];
  readonly build: (values: readonly unknown[]) => Record<string, unknown>;
}

/**
 * A list or set. A set of integers is canonical in JavaScript: ascending and without duplicates,
 * so equal sets are equal arrays.
 */
export interface ThriftCollection {
  readonly kind: "list" | "set";
  readonly elem: ThriftType;
}

export type ThriftType = ThriftScalar | ThriftEnum | ThriftStruct | ThriftCollection | ThriftMap;

/** Input that is not valid for the table it is read with. */
export class ThriftDecodeError extends Error {
  override readonly name = "ThriftDecodeError";
}

/** A value that does not fit the table it is written with; the message starts with the value's path. */
export class ThriftEncodeError extends Error {
  override readonly name = "ThriftEncodeError";
}

const MAX_DEPTH = 64;
const TWO_32 = 4294967296;

function wireType(t: ThriftType): number {
  switch (t.kind) {
    case "bool": return TType.BOOL;
    case "byte": return TType.BYTE;
    case "i16": return TType.I16;
    case "i32":
    case "enum": return TType.I32;
    case "i64": return TType.I64;
    case "double": return TType.DOUBLE;
    case "string":
    case "binary": return TType.STRING;
    case "struct": return TType.STRUCT;
    case "map": return TType.MAP;
    case "set": return TType.SET;
    case "list": return TType.LIST;
  }
}

/** The fewest bytes one value of a wire type can take (for count sanity checks). */
function minSize(type: number): number {
  switch (type) {
    case TType.I16: return 2;
    case TType.I32:
    case TType.STRING: return 4;
    case TType.DOUBLE:
    case TType.I64: return 8;
    case TType.UUID: return 16;
    case TType.MAP: return 6;
    case TType.SET:
    case TType.LIST: return 5;
    default: return 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Bytes

const utf8 = new TextEncoder();
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
  const edges = n === 0 ? 0 : (buf[start] as number) * 31 + (buf[end - 1] as number) + (n > 2 ? (buf[start + 1] as number) * 961 + (buf[end - 2] as number) * 7 : 0);
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
class Writer {
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
  byte(v: number): void { this.ensure(1); this.buf[this.pos++] = v; }
  i16(v: number): void { this.ensure(2); this.view.setInt16(this.pos, v); this.pos += 2; }
  i32(v: number): void { this.ensure(4); this.view.setInt32(this.pos, v); this.pos += 4; }
  /** A safe integer as a big-endian two's-complement i64: exact, since |v| < 2^53. */
  i64(v: number): void {
    this.ensure(8);
    const high = Math.floor(v / TWO_32);
    this.view.setInt32(this.pos, high);
    this.view.setUint32(this.pos + 4, v - high * TWO_32);
    this.pos += 8;
  }
  double(v: number): void { this.ensure(8); this.view.setFloat64(this.pos, v); this.pos += 8; }
  fieldHeader(type: number, id: number): void { this.ensure(3); this.buf[this.pos] = type; this.view.setInt16(this.pos + 1, id); this.pos += 3; }
  bytes(v: Uint8Array): void { this.i32(v.length); this.raw(v); }
  /** Bytes as they are, no length prefix. */
  raw(v: Uint8Array): void { this.ensure(v.length); this.buf.set(v, this.pos); this.pos += v.length; }
  /** A length-prefixed UTF-8 string; false (nothing written) for a lone surrogate, which has no UTF-8 form. */
  string(s: string): boolean {
    const n = s.length;
    this.ensure(4 + 3 * n);
    const buf = this.buf;
    let p = this.pos + 4;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[p++] = c;
    }
    if (i < n) {
      if (LONE_SURROGATE.test(s)) return false;
      p += utf8.encodeInto(i === 0 ? s : s.slice(i), buf.subarray(p)).written;
    }
    this.view.setInt32(this.pos, p - this.pos - 4);
    this.pos = p;
    return true;
  }
}

const writer = new Writer();

class Reader {
  readonly view: DataView;
  pos = 0;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get remaining(): number { return this.buf.length - this.pos; }
  need(n: number): void {
    if (n > this.buf.length - this.pos) throw new ThriftDecodeError(`truncated: need ${n} bytes at offset ${this.pos}, ${this.remaining} left`);
  }
  byte(): number { this.need(1); return this.view.getInt8(this.pos++); }
  i16(): number { this.need(2); const v = this.view.getInt16(this.pos); this.pos += 2; return v; }
  i32(): number { this.need(4); const v = this.view.getInt32(this.pos); this.pos += 4; return v; }
  /** An i64 that must be a safe integer (the high word times 2^32 is exact; the sum is exact when safe). */
  i64(what: string): number {
    this.need(8);
    const v = this.view.getInt32(this.pos) * TWO_32 + this.view.getUint32(this.pos + 4);
    if (!Number.isSafeInteger(v)) {
      const exact = this.view.getBigInt64(this.pos);
      throw new ThriftDecodeError(`${what} value ${exact} is outside the safe integer range`);
    }
    this.pos += 8;
    return v;
  }
  double(): number { this.need(8); const v = this.view.getFloat64(this.pos); this.pos += 8; return v; }
  skipBytes(n: number): void { this.need(n); this.pos += n; }
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
    if (n * elemMin > this.remaining) throw new ThriftDecodeError(`${what} of ${n} elements cannot fit in ${this.remaining} bytes`);
    return n;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * A refusal on its way up from the value that does not fit: each level adds its part of the
 * path, so the happy path builds no path strings at all.
 */
class Refusal {
  readonly path: string[] = [];
  constructor(readonly reason: string) {}
}

/** Adds `segment` to a refusal passing through; anything else is a bug and passes unchanged. */
function within(error: unknown, segment: string): unknown {
  if (error instanceof Refusal) error.path.push(segment);
  return error;
}

type Encoder = (w: Writer, v: unknown) => void;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (!isObject(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** Compares strings by Unicode code point (UTF-16 order differs only above the BMP's surrogates). */
function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

const intRange = { byte: 2 ** 7, i16: 2 ** 15, i32: 2 ** 31 } as const;

const encoders = new WeakMap<ThriftType, Encoder>();

function encoderOf(t: ThriftType): Encoder {
  let encode = encoders.get(t);
  if (encode === undefined) {
    encode = compileEncoder(t);
    encoders.set(t, encode);
  }
  return encode;
}

function compileEncoder(t: ThriftType): Encoder {
  switch (t.kind) {
    case "bool":
      return (w, v) => {
        if (typeof v !== "boolean") throw new Refusal("expected a boolean");
        w.byte(v ? 1 : 0);
      };
    case "byte":
    case "i16":
    case "i32": {
      const limit = intRange[t.kind];
      const kind = t.kind;
      return (w, v) => {
        if (typeof v !== "number" || !Number.isInteger(v) || v < -limit || v >= limit) throw new Refusal(`expected an ${kind}`);
        if (kind === "i32") w.i32(v);
        else if (kind === "i16") w.i16(v);
        else w.byte(v & 0xff);
      };
    }
    case "i64":
      return (w, v) => {
        if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new Refusal("expected a safe integer");
        w.i64(v);
      };
    case "double":
      return (w, v) => {
        if (typeof v !== "number") throw new Refusal("expected a number");
        w.double(v);
      };
    case "string":
      return (w, v) => {
        if (typeof v !== "string") throw new Refusal("expected a string");
        // TextEncoder would write U+FFFD (Java writes "?"): another string than the record holds.
        if (!w.string(v)) throw new Refusal("a string with a lone UTF-16 surrogate has no UTF-8 form");
      };
    case "binary":
      return (w, v) => {
        if (!(v instanceof Uint8Array)) throw new Refusal("expected a Uint8Array");
        w.bytes(v);
      };
    case "enum": {
      const { values } = t;
      const names = Object.keys(values).join(", ");
      return (w, v) => {
        const n = typeof v === "string" && Object.hasOwn(values, v) ? values[v] : undefined;
        if (n === undefined) throw new Refusal(`expected one of ${names}`);
        w.i32(n);
      };
    }
    case "struct":
      return t.union ? compileUnionEncoder(t) : compileStructEncoder(t);
    case "list":
    case "set":
      return compileCollectionEncoder(t);
    case "map":
      return t.entries ? compileEntriesEncoder(t, t.entries) : compileObjectMapEncoder(t);
  }
}

interface CompiledField {
  readonly field: ThriftField;
  readonly wire: number;
  readonly encode: Encoder;
  readonly segment: string;
}

const compileFields = (s: ThriftStruct): CompiledField[] =>
  [...s.fields].sort((a, b) => a.id - b.id).map((field) => ({ field, wire: wireType(field.type), encode: encoderOf(field.type), segment: `.${field.name}` }));

/** An empty map or list, for a field whose absence means empty. */
function writeEmpty(w: Writer, t: ThriftType): void {
  if (t.kind === "map") {
    w.byte(wireType(t.key));
    w.byte(wireType(t.value));
  } else if (t.kind === "list" || t.kind === "set") {
    w.byte(wireType(t.elem));
  }
  w.i32(0);
}

function compileStructEncoder(s: ThriftStruct): Encoder {
  const fields = compileFields(s);
  return (w, v) => {
    if (!isObject(v)) throw new Refusal(`expected a ${s.name} object`);
    for (const { field, wire, encode, segment } of fields) {
      const value = v[field.name];
      if (value === undefined) {
        if (field.required) throw within(new Refusal(`required field of ${s.name} is missing`), segment);
        if (field.defaultsToEmpty) {
          w.fieldHeader(wire, field.id);
          writeEmpty(w, field.type);
        }
        continue;
      }
      w.fieldHeader(wire, field.id);
      try {
        encode(w, value);
      } catch (error) {
        throw within(error, segment);
      }
    }
    w.byte(TType.STOP);
  };
}

/** A union: exactly one own property, a member's, holding a value (a second or unknown key is refused). */
function compileUnionEncoder(s: ThriftStruct): Encoder {
  const members = new Map(compileFields(s).map((f) => [f.field.name, f]));
  return (w, v) => {
    if (!isObject(v)) throw new Refusal(`expected a ${s.name} object`);
    const keys = Object.keys(v);
    const name = keys[0];
    const member = name === undefined ? undefined : members.get(name);
    if (keys.length !== 1 || member === undefined || v[member.field.name] === undefined) {
      throw new Refusal(`union ${s.name} needs exactly one of ${[...members.keys()].join(", ")}, has ${keys.join(", ") || "none"}`);
    }
    w.fieldHeader(member.wire, member.field.id);
    try {
      member.encode(w, v[member.field.name]);
    } catch (error) {
      throw within(error, member.segment);
    }
    w.byte(TType.STOP);
  };
}

const isIntegerType = (t: ThriftType) => t.kind === "i64" || t.kind === "i32" || t.kind === "i16" || t.kind === "byte";

function compileCollectionEncoder(t: ThriftCollection): Encoder {
  const elem = encoderOf(t.elem);
  const wire = wireType(t.elem);
  const canonicalSet = t.kind === "set" && isIntegerType(t.elem);
  return (w, v) => {
    if (!Array.isArray(v)) throw new Refusal("expected an array");
    // A set of integers is written as its canonical form: ascending, no duplicates.
    const items: readonly unknown[] = canonicalSet ? canonicalIntegerSet(v) : v;
    w.byte(wire);
    w.i32(items.length);
    for (let i = 0; i < items.length; i++) {
      try {
        elem(w, items[i]);
      } catch (error) {
        throw within(error, `[${i}]`);
      }
    }
  };
}

/** Ascending, unique; non-numbers are left in place for the element encoder to refuse. */
function canonicalIntegerSet(items: readonly unknown[]): readonly unknown[] {
  if (!items.every((x) => typeof x === "number")) return items;
  const numbers = items as readonly number[];
  for (let i = 1; i < numbers.length; i++) {
    if ((numbers[i - 1] as number) >= (numbers[i] as number)) return [...new Set(numbers)].sort((a, b) => a - b);
  }
  return numbers;
}

/** Sorts keys by code point; plain UTF-16 order is the same unless a key holds a surrogate. */
function sortKeys(keys: string[]): void {
  keys.sort();
  for (const k of keys) {
    for (let i = 0; i < k.length; i++) {
      if (k.charCodeAt(i) >= 0xd800) {
        keys.sort(byCodePoint);
        return;
      }
    }
  }
}

/**
 * The wire bytes of each string key of a map whose keys are lists or structs (`keyFromJs`): the
 * same few stream and executor keys repeat in every record, so each is converted and encoded
 * once and then copied. Bytes are cached only for keys that encoded without a refusal.
 */
function keyBytesEncoder(keyFromJs: (key: string) => unknown, encodeKey: Encoder): (w: Writer, key: string) => void {
  const cache = new Map<string, Uint8Array>();
  return (w, k) => {
    const cached = cache.get(k);
    if (cached !== undefined) {
      w.raw(cached);
      return;
    }
    let value: unknown;
    try {
      value = keyFromJs(k);
    } catch (error) {
      throw new Refusal(error instanceof Error ? error.message : String(error));
    }
    const start = w.pos;
    encodeKey(w, value);
    if (cache.size >= 4096) cache.clear();
    cache.set(k, w.buf.slice(start, w.pos));
  };
}

/**
 * The keys of `v` in code-point order. Maps of one record mostly repeat one key set (the stat
 * windows, the streams), and `Object.keys` lists equal sets alike, so when the keys are those of
 * the previous call the previous order is reused instead of sorting again.
 */
function sortedKeysOf(): (v: Record<string, unknown>) => readonly string[] {
  let lastKeys: readonly string[] = [];
  let lastSorted: readonly string[] = [];
  return (v) => {
    const keys = Object.keys(v);
    const n = keys.length;
    if (n === lastKeys.length) {
      let same = true;
      for (let i = 0; i < n && same; i++) same = keys[i] === lastKeys[i];
      if (same) return lastSorted;
    }
    lastKeys = keys;
    const sorted = keys.slice();
    sortKeys(sorted);
    lastSorted = sorted;
    return sorted;
  };
}

function compileObjectMapEncoder(t: ThriftMap): Encoder {
  const value = encoderOf(t.value);
  const keyWire = wireType(t.key);
  const valueWire = wireType(t.value);
  const key: (w: Writer, k: string) => void = t.keyFromJs ? keyBytesEncoder(t.keyFromJs, encoderOf(t.key)) : encoderOf(t.key);
  const sortedKeys = sortedKeysOf();
  return (w, v) => {
    if (!isPlainObject(v)) throw new Refusal("expected a plain object");
    // Keys in code-point order: the same record always gives the same bytes.
    const keys = sortedKeys(v);
    w.ensure(6);
    w.byte(keyWire);
    w.byte(valueWire);
    w.i32(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      try {
        // An own "__proto__" key cannot survive a read into a plain object.
        if (k === "__proto__") throw new Refusal('the map key "__proto__" is not supported');
        key(w, k);
        value(w, v[k]);
      } catch (error) {
        throw within(error, `[${JSON.stringify(k)}]`);
      }
    }
  };
}

function compileEntriesEncoder(t: ThriftMap, names: NonNullable<ThriftMap["entries"]>): Encoder {
  const key = encoderOf(t.key);
  const value = encoderOf(t.value);
  const keyWire = wireType(t.key);
  const valueWire = wireType(t.value);
  const order = names.order as ((a: unknown, b: unknown) => number) | undefined;
  return (w, v) => {
    if (!Array.isArray(v)) throw new Refusal("expected an array of entries");
    const entries: unknown[] = [...v];
    for (const [i, e] of entries.entries()) {
      if (!isObject(e)) throw within(new Refusal(`expected an object with ${names.key} and ${names.value}`), `[${i}]`);
    }
    const start = w.pos;
    w.byte(keyWire);
    w.byte(valueWire);
    w.i32(entries.length);
    // Entries are validated by writing them; sorted afterwards only when they are valid.
    for (const [i, e] of (entries as Record<string, unknown>[]).entries()) {
      try {
        key(w, e[names.key]);
        value(w, e[names.value]);
      } catch (error) {
        throw within(error, `[${i}]`);
      }
    }
    if (order === undefined) return;
    const sorted = (entries as Record<string, unknown>[]).map((e) => e[names.key]);
    const isSorted = sorted.every((k, i) => i === 0 || order(sorted[i - 1], k) < 0);
    if (isSorted) return;
    // Out of order (or a key twice): write again in order. Rare, since records read back sorted.
    w.pos = start;
    const inOrder = [...(entries as Record<string, unknown>[])].sort((a, b) => order(a[names.key], b[names.key]));
    for (let i = 1; i < inOrder.length; i++) {
      if (order((inOrder[i - 1] as Record<string, unknown>)[names.key], (inOrder[i] as Record<string, unknown>)[names.key]) === 0) {
        throw new Refusal(`lists the ${names.key} ${JSON.stringify((inOrder[i] as Record<string, unknown>)[names.key])} twice`);
      }
    }
    w.byte(keyWire);
    w.byte(valueWire);
    w.i32(inOrder.length);
    for (const e of inOrder) {
      key(w, e[names.key]);
      value(w, e[names.value]);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * An enum number or union member this table does not know, as a newer Storm may write. Java's
 * generated code reads the first as null and the second as a union with no member set, so an
 * optional field holding one reads as absent and a required one fails; a collection element
 * cannot be absent, so there it is corrupt.
 */
class Unrecognized {
  constructor(readonly reason: string) {}
}

/** Reads one value; `what` is the `Struct.field` the value belongs to, for errors. */
type Decoder = (r: Reader, depth: number, what: string) => unknown;

const decoders = new WeakMap<ThriftType, Decoder>();

function decoderOf(t: ThriftType): Decoder {
  let decode = decoders.get(t);
  if (decode === undefined) {
    decode = compileDecoder(t);
    decoders.set(t, decode);
  }
  return decode;
}

/** A decoder for a value that cannot be left out (a collection's element, key or value). */
function knownDecoderOf(t: ThriftType): Decoder {
  const decode = decoderOf(t);
  if (t.kind !== "enum" && t.kind !== "struct") return decode;
  return (r, depth, what) => {
    const value = decode(r, depth, what);
    if (value instanceof Unrecognized) throw new ThriftDecodeError(`${what}: ${value.reason}`);
    return value;
  };
}

function tooDeep(): never {
  throw new ThriftDecodeError("nesting too deep");
}

function compileDecoder(t: ThriftType): Decoder {
  switch (t.kind) {
    // Java's TBinaryProtocol reads every byte but 1 as false; so do we, to read what Storm reads.
    case "bool": return (r) => r.byte() === 1;
    case "byte": return (r) => r.byte();
    case "i16": return (r) => r.i16();
    case "i32": return (r) => r.i32();
    case "i64": return (r, _depth, what) => r.i64(what);
    case "double": return (r) => r.double();
    case "string": return (r, _depth, what) => r.string(what);
    case "binary": return (r) => r.bytes();
    case "enum": {
      const names = new Map(Object.entries(t.values).map(([name, n]) => [n, name]));
      return (r) => {
        const n = r.i32();
        return names.get(n) ?? new Unrecognized(`${n} is not a ${t.name} value`);
      };
    }
    case "struct": return compileStructDecoder(t, true);
    case "list":
    case "set": return compileCollectionDecoder(t);
    case "map": return t.entries ? compileEntriesDecoder(t, t.entries) : compileObjectMapDecoder(t);
  }
}

function compileCollectionDecoder(t: ThriftCollection): Decoder {
  const elem = knownDecoderOf(t.elem);
  const wire = wireType(t.elem);
  const canonicalSet = t.kind === "set" && isIntegerType(t.elem);
  return (r, depth, what) => {
    if (depth > MAX_DEPTH) tooDeep();
    const elemType = r.byte();
    const n = r.count(minSize(elemType), what);
    if (n > 0 && elemType !== wire) throw new ThriftDecodeError(`${what}: element type ${elemType}, expected ${wire}`);
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = elem(r, depth + 1, what);
    return Object.freeze(canonicalSet ? canonicalIntegerSet(out) : out);
  };
}

function readMapHeader(r: Reader, keyWire: number, valueWire: number, what: string): number {
  const keyType = r.byte();
  const valueType = r.byte();
  const n = r.count(minSize(keyType) + minSize(valueType), what);
  if (n > 0 && (keyType !== keyWire || valueType !== valueWire)) {
    throw new ThriftDecodeError(`${what}: map of types ${keyType}→${valueType}, expected ${keyWire}→${valueWire}`);
  }
  return n;
}

const transientKeyDecoders = new WeakMap<ThriftStruct, Decoder>();

/** The decoder of a map key that `keyToJs` turns into a string: a struct key is left unfrozen. */
function keyDecoderOf(t: ThriftMap): Decoder {
  if (t.keyToJs === undefined || t.key.kind !== "struct") return knownDecoderOf(t.key);
  const s = t.key;
  let decode = transientKeyDecoders.get(s);
  if (decode === undefined) {
    const struct = compileStructDecoder(s, false);
    decode = (r, depth, what) => {
      const value = struct(r, depth, what);
      if (value instanceof Unrecognized) throw new ThriftDecodeError(`${what}: ${value.reason}`);
      return value;
    };
    transientKeyDecoders.set(s, decode);
  }
  return decode;
}

function compileObjectMapDecoder(t: ThriftMap): Decoder {
  const key = keyDecoderOf(t);
  const value = knownDecoderOf(t.value);
  const keyWire = wireType(t.key);
  const valueWire = wireType(t.value);
  const { keyToJs, usualKeys } = t;
  // String keys and i64 or double values are read in place: most entries of a record are these,
  // and a call through the shared decoder closures costs more than the read itself.
  const stringKeys = t.key.kind === "string" && keyToJs === undefined;
  const scalar = t.value.kind === "i64" ? TType.I64 : t.value.kind === "double" ? TType.DOUBLE : TType.STOP;
  const checked = (name: string, what: string): string => {
    if (name === "__proto__") throw new ThriftDecodeError(`${what}: the map key "__proto__" is not supported`);
    return name;
  };
  const readEntries = (r: Reader, depth: number, what: string, n: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const name = stringKeys ? r.string(what) : keyToJs ? keyToJs(key(r, depth + 1, what)) : (key(r, depth + 1, what) as string);
      out[checked(name, what)] = scalar === TType.I64 ? r.i64(what) : scalar === TType.DOUBLE ? r.double() : value(r, depth + 1, what);
    }
    return out;
  };
  /**
   * A map of exactly the usual key count, built by `usualKeys.build` when it holds those keys in
   * any order. At the first other key it reads the entries again from the start, the usual way:
   * reading has no effect but on the reader's position, so the result is the same either way.
   */
  const readUsual = (r: Reader, depth: number, what: string, usual: UsualKeys, n: number): Record<string, unknown> => {
    const start = r.pos;
    const values = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const slot = usual.keys.indexOf(stringKeys ? r.string(what) : keyToJs ? keyToJs(key(r, depth + 1, what)) : (key(r, depth + 1, what) as string));
      if (slot < 0 || values[slot] !== undefined) {
        r.pos = start;
        return readEntries(r, depth, what, n);
      }
      values[slot] = scalar === TType.I64 ? r.i64(what) : scalar === TType.DOUBLE ? r.double() : value(r, depth + 1, what);
    }
    return usual.build(values);
  };
  return (r, depth, what) => {
    if (depth > MAX_DEPTH) tooDeep();
    const n = readMapHeader(r, keyWire, valueWire, what);
    return Object.freeze(usualKeys !== undefined && n === usualKeys.keys.length ? readUsual(r, depth, what, usualKeys, n) : readEntries(r, depth, what, n));
  };
}

function compileEntriesDecoder(t: ThriftMap, names: NonNullable<ThriftMap["entries"]>): Decoder {
  const key = knownDecoderOf(t.key);
  const value = knownDecoderOf(t.value);
  const keyWire = wireType(t.key);
  const valueWire = wireType(t.value);
  const order = names.order as ((a: unknown, b: unknown) => number) | undefined;
  return (r, depth, what) => {
    if (depth > MAX_DEPTH) tooDeep();
    const n = readMapHeader(r, keyWire, valueWire, what);
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < n; i++) {
      const k = key(r, depth + 1, what);
      out.push(Object.freeze({ [names.key]: k, [names.value]: value(r, depth + 1, what) }));
    }
    if (order !== undefined) {
      out.sort((a, b) => order(a[names.key], b[names.key]));
      for (let i = 1; i < out.length; i++) {
        if (order((out[i - 1] as Record<string, unknown>)[names.key], (out[i] as Record<string, unknown>)[names.key]) === 0) {
          throw new ThriftDecodeError(`${what} lists one ${names.key} twice`);
        }
      }
    }
    return Object.freeze(out);
  };
}

interface DecodedField {
  readonly field: ThriftField;
  /** This field's bit in the mask of fields read. */
  readonly bit: number;
  readonly wire: number;
  readonly decode: Decoder;
  readonly what: string;
  readonly alsoI32: boolean;
  readonly alsoI64: boolean;
}

/** Fields of a struct a decoder tracks in one 32-bit mask of the fields it has read. */
const MAX_STRUCT_FIELDS = 31;

/**
 * `freeze: false` is for a struct read as a map key, which `keyToJs` turns into a string at once:
 * the object never reaches the caller, so freezing it would be wasted work.
 */
function compileStructDecoder(s: ThriftStruct, freeze: boolean): Decoder {
  if (s.fields.length > MAX_STRUCT_FIELDS) throw new RangeError(`${s.name}: a struct table holds at most ${MAX_STRUCT_FIELDS} fields`);
  // Field ids are small: an array indexed by id finds a field without hashing.
  const byId: (DecodedField | undefined)[] = [];
  const fields = s.fields.map((field, i): DecodedField => ({
    field,
    bit: 1 << i,
    wire: wireType(field.type),
    decode: decoderOf(field.type),
    what: `${s.name}.${field.name}`,
    alsoI32: field.alsoReads?.includes("i32") ?? false,
    alsoI64: field.alsoReads?.includes("i64") ?? false,
  }));
  for (const f of fields) byId[f.field.id] = f;
  const required = fields.filter((f) => f.field.required);
  const requiredMask = required.reduce((mask, f) => mask | f.bit, 0);
  const emptyDefaults = fields.filter((f) => f.field.defaultsToEmpty).map((f) => [f, Object.freeze(f.field.type.kind === "map" && !f.field.type.entries ? {} : [])] as const);
  return (r, depth) => {
    if (depth > MAX_DEPTH) tooDeep();
    const out: Record<string, unknown> = {};
    let read = 0;
    let members = 0;
    // Fields skipped or left out: a union that read no member but one of these holds a newer one.
    let unread = 0;
    for (;;) {
      const type = r.byte();
      if (type === TType.STOP) break;
      const id = r.i16();
      const f = id >= 0 ? byId[id] : undefined;
      let value: unknown;
      if (f === undefined) {
        skip(r, type, depth);
        unread++;
        continue;
      } else if (type === f.wire) {
        value = f.decode(r, depth + 1, f.what);
      } else if (f.alsoI64 && type === TType.I64) {
        value = r.i64(f.what);
      } else if (f.alsoI32 && type === TType.I32) {
        value = r.i32();
      } else {
        // Thrift skips a field whose type does not match (a foreign schema).
        skip(r, type, depth);
        unread++;
        continue;
      }
      if (value instanceof Unrecognized) {
        if (f.field.required) throw new ThriftDecodeError(`${f.what}: ${value.reason}`);
        unread++;
        continue;
      }
      if ((read & f.bit) === 0) members++;
      read |= f.bit;
      out[f.field.name] = value;
    }
    if ((read & requiredMask) !== requiredMask) {
      const missing = required.find((f) => (read & f.bit) === 0)?.field as ThriftField;
      throw new ThriftDecodeError(`required field ${s.name}.${missing.name} (id ${missing.id}) is missing`);
    }
    for (const [f, empty] of emptyDefaults) if ((read & f.bit) === 0) out[f.field.name] = empty;
    if (s.union) {
      if (members === 0 && unread > 0) return new Unrecognized(`union ${s.name} holds no member this version knows`);
      if (members !== 1) throw new ThriftDecodeError(`union ${s.name} has ${members} members set`);
    }
    return freeze ? Object.freeze(out) : out;
  };
}

function skip(r: Reader, type: number, depth: number): void {
  if (depth > MAX_DEPTH) tooDeep();
  switch (type) {
    case TType.BOOL:
    case TType.BYTE: r.skipBytes(1); return;
    case TType.I16: r.skipBytes(2); return;
    case TType.I32: r.skipBytes(4); return;
    case TType.I64:
    case TType.DOUBLE: r.skipBytes(8); return;
    // Thrift 0.17+ (Storm 2.8.8 ships 0.22) skips a UUID field from a newer schema: 16 raw bytes.
    case TType.UUID: r.skipBytes(16); return;
    case TType.STRING: r.skipBytes(r.length()); return;
    case TType.STRUCT:
      for (;;) {
        const t = r.byte();
        if (t === TType.STOP) return;
        r.i16();
        skip(r, t, depth + 1);
      }
    case TType.MAP: {
      const k = r.byte();
      const v = r.byte();
      const n = r.count(minSize(k) + minSize(v), "map");
      for (let i = 0; i < n; i++) {
        skip(r, k, depth + 1);
        skip(r, v, depth + 1);
      }
      return;
    }
    case TType.SET:
    case TType.LIST: {
      const e = r.byte();
      const n = r.count(minSize(e), "list");
      for (let i = 0; i < n; i++) skip(r, e, depth + 1);
      return;
    }
    default:
      throw new ThriftDecodeError(`unknown wire type ${type}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points

/**
 * Encodes `value` as a thrift struct; throws {@link ThriftEncodeError}, naming the value's path
 * (e.g. `StormBase.componentExecutors["spout"]`), when it does not fit `s`. Nothing is returned
 * for a value that does not fit, so nothing partial can be written. The result is a view of a
 * buffer the next call reuses (the framing copies it as it wraps it), so no copy is made here.
 */
export function encodeStruct(s: ThriftStruct, value: unknown): Uint8Array {
  const encode = encoderOf(s);
  // Keep the buffer from one record to the next unless one huge record grew it far past the usual size.
  if (writer.buf.length > 1 << 22) {
    writer.buf = new Uint8Array(4096);
    writer.view = new DataView(writer.buf.buffer);
  }
  writer.pos = 0;
  try {
    encode(writer, value);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    throw new ThriftEncodeError(`${s.name}${error.path.reverse().join("")}: ${error.reason}`);
  }
  return writer.buf.subarray(0, writer.pos);
}

/**
 * Decodes a thrift struct that must span all of `bytes`, as a deeply frozen value (typed arrays
 * aside: they cannot be frozen); throws {@link ThriftDecodeError}.
 */
export function decodeStruct(s: ThriftStruct, bytes: Uint8Array): Record<string, unknown> {
  const r = new Reader(bytes);
  const value = decoderOf(s)(r, 0, s.name);
  if (value instanceof Unrecognized) throw new ThriftDecodeError(value.reason);
  if (r.remaining !== 0) throw new ThriftDecodeError(`${r.remaining} bytes after the end of the ${s.name} struct`);
  return value as Record<string, unknown>;
}
