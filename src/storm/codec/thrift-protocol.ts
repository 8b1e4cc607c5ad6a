/**
 * Thrift's binary protocol (what Java's `TSerializer` writes), driven by declarative struct
 * tables instead of generated code. Pure functions: `encodeStruct` and `decodeStruct` turn a
 * JavaScript value into bytes and back following a {@link ThriftStruct} table. Unknown fields are
 * skipped on read, as Thrift does; lengths and counts are checked against the bytes present, and
 * nesting is bounded, so hostile input fails with {@link ThriftDecodeError} and never allocates
 * more than the input's size. Storm stores bare structs, never an RPC message, so the protocol's
 * strict/non-strict message header does not arise here.
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
 * keys (lists, structs) into string keys; `entries` makes it an array of `{ [key]: k, [value]: v }`.
 */
export interface ThriftMap {
  readonly kind: "map";
  readonly key: ThriftType;
  readonly value: ThriftType;
  readonly keyToJs?: (key: unknown) => string;
  readonly keyFromJs?: (key: string) => unknown;
  readonly entries?: { readonly key: string; readonly value: string };
}

export type ThriftType =
  | ThriftScalar
  | ThriftEnum
  | ThriftStruct
  | { readonly kind: "list" | "set"; readonly elem: ThriftType }
  | ThriftMap;

/** Input that is not valid for the table it is read with. */
export class ThriftDecodeError extends Error {
  override readonly name = "ThriftDecodeError";
}

/** A value that does not fit the table it is written with. */
export class ThriftEncodeError extends Error {
  override readonly name = "ThriftEncodeError";
}

const MAX_DEPTH = 64;

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
    case TType.BOOL:
    case TType.BYTE:
    case TType.STRUCT: return 1;
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

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder("utf-8", { fatal: true });
// With the u flag a surrogate pair is one code point, so this matches only unpaired halves.
const LONE_SURROGATE = /\p{Cs}/u;

class Writer {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  byte(v: number) { this.ensure(1); this.view.setInt8(this.pos, v); this.pos += 1; }
  i16(v: number) { this.ensure(2); this.view.setInt16(this.pos, v); this.pos += 2; }
  i32(v: number) { this.ensure(4); this.view.setInt32(this.pos, v); this.pos += 4; }
  i64(v: bigint) { this.ensure(8); this.view.setBigInt64(this.pos, v); this.pos += 8; }
  double(v: number) { this.ensure(8); this.view.setFloat64(this.pos, v); this.pos += 8; }
  bytes(v: Uint8Array) { this.i32(v.length); this.ensure(v.length); this.buf.set(v, this.pos); this.pos += v.length; }
  result(): Uint8Array { return this.buf.slice(0, this.pos); }
}

class Reader {
  private readonly view: DataView;
  pos = 0;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get remaining(): number { return this.buf.length - this.pos; }
  private need(n: number): void {
    if (n > this.remaining) throw new ThriftDecodeError(`truncated: need ${n} bytes at offset ${this.pos}, ${this.remaining} left`);
  }
  byte(): number { this.need(1); return this.view.getInt8(this.pos++); }
  i16(): number { this.need(2); const v = this.view.getInt16(this.pos); this.pos += 2; return v; }
  i32(): number { this.need(4); const v = this.view.getInt32(this.pos); this.pos += 4; return v; }
  i64(): bigint { this.need(8); const v = this.view.getBigInt64(this.pos); this.pos += 8; return v; }
  double(): number { this.need(8); const v = this.view.getFloat64(this.pos); this.pos += 8; return v; }
  skipBytes(n: number): void { this.need(n); this.pos += n; }
  bytes(): Uint8Array {
    const n = this.i32();
    if (n < 0) throw new ThriftDecodeError(`negative length ${n} at offset ${this.pos - 4}`);
    this.need(n);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  count(elemMin: number, what: string): number {
    const n = this.i32();
    if (n < 0) throw new ThriftDecodeError(`negative ${what} size ${n}`);
    if (n * elemMin > this.remaining) throw new ThriftDecodeError(`${what} of ${n} elements cannot fit in ${this.remaining} bytes`);
    return n;
  }
}

function safeInteger(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ThriftDecodeError(`${what} value ${v} is outside the safe integer range`);
  }
  return Number(v);
}

function fail(path: string, message: string): never {
  throw new ThriftEncodeError(`${path}: ${message}`);
}

function writeValue(w: Writer, t: ThriftType, v: unknown, path: string): void {
  switch (t.kind) {
    case "bool":
      if (typeof v !== "boolean") fail(path, "expected a boolean");
      w.byte(v ? 1 : 0);
      return;
    case "byte":
    case "i16":
    case "i32": {
      const bits = t.kind === "byte" ? 8 : t.kind === "i16" ? 16 : 32;
      if (typeof v !== "number" || !Number.isInteger(v) || v < -(2 ** (bits - 1)) || v >= 2 ** (bits - 1)) fail(path, `expected an ${t.kind}`);
      if (t.kind === "byte") w.byte(v);
      else if (t.kind === "i16") w.i16(v);
      else w.i32(v);
      return;
    }
    case "i64":
      if (typeof v !== "number" || !Number.isSafeInteger(v)) fail(path, "expected a safe integer");
      w.i64(BigInt(v));
      return;
    case "double":
      if (typeof v !== "number") fail(path, "expected a number");
      w.double(v);
      return;
    case "string":
      if (typeof v !== "string") fail(path, "expected a string");
      // UTF-8 cannot hold a lone surrogate: TextEncoder would write U+FFFD (Java writes "?"),
      // silently storing another string than the record holds.
      if (LONE_SURROGATE.test(v)) fail(path, "a string with a lone UTF-16 surrogate has no UTF-8 form");
      w.bytes(utf8.encode(v));
      return;
    case "binary":
      if (!(v instanceof Uint8Array)) fail(path, "expected a Uint8Array");
      w.bytes(v);
      return;
    case "enum": {
      const n = typeof v === "string" && Object.hasOwn(t.values, v) ? t.values[v] : undefined;
      if (n === undefined) fail(path, `expected one of ${Object.keys(t.values).join(", ")}`);
      w.i32(n);
      return;
    }
    case "struct":
      writeStruct(w, t, v, path);
      return;
    case "list":
    case "set": {
      if (!Array.isArray(v)) fail(path, `expected an array`);
      w.byte(wireType(t.elem));
      w.i32(v.length);
      v.forEach((item, i) => writeValue(w, t.elem, item, `${path}[${i}]`));
      return;
    }
    case "map": {
      const entries: [unknown, unknown][] = [];
      if (t.entries) {
        if (!Array.isArray(v)) fail(path, "expected an array of entries");
        const { key, value } = t.entries;
        for (const e of v) entries.push([(e as Record<string, unknown>)[key], (e as Record<string, unknown>)[value]]);
      } else {
        if (typeof v !== "object" || v === null) fail(path, "expected an object");
        // Keys in code-point order: the same record always gives the same bytes.
        for (const k of Object.keys(v).sort(byCodePoint)) entries.push([t.keyFromJs ? t.keyFromJs(k) : k, (v as Record<string, unknown>)[k]]);
      }
      w.byte(wireType(t.key));
      w.byte(wireType(t.value));
      w.i32(entries.length);
      for (const [k, val] of entries) {
        writeValue(w, t.key, k, `${path} key`);
        writeValue(w, t.value, val, `${path}[${String(k)}]`);
      }
      return;
    }
  }
}

/** Compares strings by Unicode code point (UTF-16 order differs above the BMP). */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function writeStruct(w: Writer, s: ThriftStruct, v: unknown, path: string): void {
  if (typeof v !== "object" || v === null) fail(path, `expected a ${s.name} object`);
  const record = v as Record<string, unknown>;
  let set = 0;
  for (const f of [...s.fields].sort((a, b) => a.id - b.id)) {
    const value = record[f.name];
    if (value === undefined) {
      if (f.required) fail(`${path}.${f.name}`, `required field of ${s.name} is missing`);
      continue;
    }
    set++;
    w.byte(wireType(f.type));
    w.i16(f.id);
    writeValue(w, f.type, value, `${path}.${f.name}`);
  }
  if (s.union && set !== 1) fail(path, `union ${s.name} needs exactly one member, has ${set}`);
  w.byte(TType.STOP);
}

/**
 * An enum number or union member this table does not know, as a newer Storm may write. Java's
 * generated code reads the first as null and the second as a union with no member set, so an
 * optional field holding one reads as absent and a required one fails; a collection element
 * cannot be absent, so there it is corrupt.
 */
class Unrecognized {
  constructor(readonly reason: string) {}
}

/** {@link readValue} where the value cannot be left out (a collection's element, key or value). */
function readKnown(r: Reader, t: ThriftType, depth: number, what: string): unknown {
  const value = readValue(r, t, depth, what);
  if (value instanceof Unrecognized) throw new ThriftDecodeError(`${what}: ${value.reason}`);
  return value;
}

/** Reads one value of type `t`; an {@link Unrecognized} stands for a value the table cannot hold. */
function readValue(r: Reader, t: ThriftType, depth: number, what: string): unknown {
  if (depth > MAX_DEPTH) throw new ThriftDecodeError("nesting too deep");
  switch (t.kind) {
    // Java's TBinaryProtocol reads every byte but 1 as false; so do we, to read what Storm reads.
    case "bool": return r.byte() === 1;
    case "byte": return r.byte();
    case "i16": return r.i16();
    case "i32": return r.i32();
    case "i64": return safeInteger(r.i64(), what);
    case "double": return r.double();
    case "string":
      // Java would read invalid UTF-8 as U+FFFD, but Java never writes it (see writeValue);
      // refusing it keeps a read-modify-write from storing another string than it read.
      try {
        return utf8Strict.decode(r.bytes());
      } catch (error) {
        if (error instanceof ThriftDecodeError) throw error;
        throw new ThriftDecodeError(`${what} is not valid UTF-8`);
      }
    case "binary": return r.bytes();
    case "enum": {
      const n = r.i32();
      const name = Object.keys(t.values).find((k) => t.values[k] === n);
      return name ?? new Unrecognized(`${n} is not a ${t.name} value`);
    }
    case "struct": return readStruct(r, t, depth + 1);
    case "list":
    case "set": {
      const elemType = r.byte();
      const n = r.count(minSize(elemType), what);
      if (n > 0 && elemType !== wireType(t.elem)) throw new ThriftDecodeError(`${what}: element type ${elemType}, expected ${wireType(t.elem)}`);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = readKnown(r, t.elem, depth + 1, what);
      return out;
    }
    case "map": {
      const keyType = r.byte();
      const valueType = r.byte();
      const n = r.count(minSize(keyType) + minSize(valueType), what);
      if (n > 0 && (keyType !== wireType(t.key) || valueType !== wireType(t.value))) {
        throw new ThriftDecodeError(`${what}: map of types ${keyType}→${valueType}, expected ${wireType(t.key)}→${wireType(t.value)}`);
      }
      if (t.entries) {
        const out: Record<string, unknown>[] = [];
        for (let i = 0; i < n; i++) {
          const k = readKnown(r, t.key, depth + 1, what);
          out.push({ [t.entries.key]: k, [t.entries.value]: readKnown(r, t.value, depth + 1, what) });
        }
        return out;
      }
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const k = readKnown(r, t.key, depth + 1, what);
        const key = t.keyToJs ? t.keyToJs(k) : (k as string);
        if (key === "__proto__") throw new ThriftDecodeError(`${what}: the map key "__proto__" is not supported`);
        out[key] = readKnown(r, t.value, depth + 1, what);
      }
      return out;
    }
  }
}

function skip(r: Reader, type: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new ThriftDecodeError("nesting too deep");
  switch (type) {
    case TType.BOOL:
    case TType.BYTE: r.byte(); return;
    case TType.I16: r.i16(); return;
    case TType.I32: r.i32(); return;
    case TType.I64: r.i64(); return;
    case TType.DOUBLE: r.double(); return;
    // Thrift 0.17+ (Storm 2.8.8 ships 0.22) skips a UUID field from a newer schema: 16 raw bytes.
    case TType.UUID: r.skipBytes(16); return;
    case TType.STRING: r.bytes(); return;
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

function readStruct(r: Reader, s: ThriftStruct, depth: number): Record<string, unknown> | Unrecognized {
  const out: Record<string, unknown> = {};
  // Fields skipped or left out: a union that read no member but one of these holds a newer one.
  let unread = 0;
  for (;;) {
    const type = r.byte();
    if (type === TType.STOP) break;
    const id = r.i16();
    const field = s.fields.find((f) => f.id === id);
    if (field === undefined) {
      skip(r, type, depth);
      unread++;
      continue;
    }
    const what = `${s.name}.${field.name}`;
    let value: unknown;
    if (type === wireType(field.type)) {
      value = readValue(r, field.type, depth, what);
    } else if (field.alsoReads?.includes("i64") && type === TType.I64) {
      value = safeInteger(r.i64(), what);
    } else if (field.alsoReads?.includes("i32") && type === TType.I32) {
      value = r.i32();
    } else {
      // Thrift skips a field whose type does not match (a foreign schema).
      skip(r, type, depth);
      unread++;
      continue;
    }
    if (value instanceof Unrecognized) {
      if (field.required) throw new ThriftDecodeError(`${what}: ${value.reason}`);
      unread++;
      continue;
    }
    out[field.name] = value;
  }
  for (const f of s.fields) {
    if (f.required && out[f.name] === undefined) throw new ThriftDecodeError(`required field ${s.name}.${f.name} (id ${f.id}) is missing`);
  }
  if (s.union) {
    const members = Object.keys(out).length;
    if (members === 0 && unread > 0) return new Unrecognized(`union ${s.name} holds no member this version knows`);
    if (members !== 1) throw new ThriftDecodeError(`union ${s.name} has ${members} members set`);
  }
  return out;
}

/** Encodes `value` as a thrift struct; throws {@link ThriftEncodeError} when it does not fit `s`. */
export function encodeStruct(s: ThriftStruct, value: unknown): Uint8Array {
  const w = new Writer();
  writeStruct(w, s, value, s.name);
  return w.result();
}

/** Decodes a thrift struct that must span all of `bytes`; throws {@link ThriftDecodeError}. */
export function decodeStruct(s: ThriftStruct, bytes: Uint8Array): Record<string, unknown> {
  const r = new Reader(bytes);
  const value = readStruct(r, s, 0);
  if (value instanceof Unrecognized) throw new ThriftDecodeError(value.reason);
  if (r.remaining !== 0) throw new ThriftDecodeError(`${r.remaining} bytes after the end of the ${s.name} struct`);
  return value;
}
