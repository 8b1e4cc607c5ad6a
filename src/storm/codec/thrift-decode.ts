/**
 * The decoding half of thrift-protocol.ts: each table compiled once into a tree of decoders (a
 * struct's generated for its table, a map's with readers generated for the key lists it learns)
 * that check types and ranges as they read and build the value already frozen.
 */
import { KeyListReaders } from "./key-list-readers.ts";
import { Reader } from "./thrift-bytes.ts";
import {
  canonicalIntegerSet,
  compiledOncePerTable,
  isIntegerType,
  MAX_DEPTH,
  minSize,
  type ThriftCollection,
  ThriftDecodeError,
  type ThriftMap,
  type ThriftStruct,
  type ThriftType,
  TType,
  wireType,
} from "./thrift-types.ts";

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

const decoderOf = compiledOncePerTable(compileDecoder);

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
    case "bool":
      return (r) => r.byte() === 1;
    case "byte":
      return (r) => r.byte();
    case "i16":
      return (r) => r.i16();
    case "i32":
      return (r) => r.i32();
    case "i64":
      return (r, _depth, what) => r.i64(what);
    case "double":
      return (r) => r.double();
    case "string":
      return (r, _depth, what) => r.string(what);
    case "binary":
      return (r) => r.bytes();
    case "enum": {
      const names = new Map(Object.entries(t.values).map(([name, n]) => [n, name]));
      return (r) => {
        const n = r.i32();
        return names.get(n) ?? new Unrecognized(`${n} is not a ${t.name} value`);
      };
    }
    case "struct":
      return compileStructDecoder(t);
    case "list":
    case "set":
      return compileCollectionDecoder(t);
    case "map":
      return t.entries ? compileEntriesDecoder(t, t.entries) : compileObjectMapDecoder(t);
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

function keyDecoderWith(decode: Decoder, keyToJs: (key: unknown) => string): Decoder {
  return (r, depth, what) => keyToJs(decode(r, depth, what));
}

function compileObjectMapDecoder(t: ThriftMap): Decoder {
  const { keyToJs } = t;
  const key = keyToJs === undefined ? knownDecoderOf(t.key) : keyDecoderWith(knownDecoderOf(t.key), keyToJs);
  const value = knownDecoderOf(t.value);
  const keyWire = wireType(t.key);
  const valueWire = wireType(t.value);
  // String keys and i64 or double values are read in place: most entries of a record are these,
  // and a call through the shared decoder closures costs more than the read itself.
  const stringKeys = t.key.kind === "string" && keyToJs === undefined;
  const scalar = t.value.kind === "i64" ? TType.I64 : t.value.kind === "double" ? TType.DOUBLE : TType.STOP;
  const checked = (name: string, what: string): string => {
    if (name === "__proto__") throw new ThriftDecodeError(`${what}: the map key "__proto__" is not supported`);
    return name;
  };
  const readValue = (r: Reader, depth: number, what: string): unknown =>
    scalar === TType.I64 ? r.i64(what) : scalar === TType.DOUBLE ? r.double() : value(r, depth + 1, what);
  // Keys whose reading reads nothing nested: equal bytes are the same key, however deep the map.
  const lists = readsFlat(t.key)
    ? new KeyListReaders(
      [keyWire, valueWire],
      scalar === TType.I64 ? "i64" : scalar === TType.DOUBLE ? "double" : value,
    )
    : undefined;
  return (r, depth, what) => {
    if (depth > MAX_DEPTH) tooDeep();
    // At the deepest level a struct or list key is refused, which only reading it key by key sees.
    const learn = lists !== undefined && depth < MAX_DEPTH;
    if (learn) {
      const known = lists.read(r, depth, what);
      if (known !== undefined) return known;
    }
    const n = readMapHeader(r, keyWire, valueWire, what);
    const keys = new Array<string>(n);
    const values = new Array<unknown>(n);
    const spans = learn && lists.learns(n) ? new Array<number>(2 * n) : undefined;
    for (let i = 0; i < n; i++) {
      if (spans !== undefined) spans[2 * i] = r.pos;
      keys[i] = checked(stringKeys ? r.string(what) : (key(r, depth + 1, what) as string), what);
      if (spans !== undefined) spans[2 * i + 1] = r.pos;
      values[i] = readValue(r, depth, what);
    }
    if (spans !== undefined) lists?.readByKey(keys, r.buf, spans);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) out[keys[i] as string] = values[i];
    return Object.freeze(out);
  };
}

const isScalar = (t: ThriftType): boolean =>
  t.kind !== "struct" && t.kind !== "map" && t.kind !== "list" && t.kind !== "set";

/** Whether reading `t` reads no container inside it. */
function readsFlat(t: ThriftType): boolean {
  switch (t.kind) {
    case "struct":
      return t.fields.every((f) => isScalar(f.type));
    case "list":
    case "set":
      return isScalar(t.elem);
    case "map":
      return false;
    default:
      return true;
  }
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
        if (
          order((out[i - 1] as Record<string, unknown>)[names.key], (out[i] as Record<string, unknown>)[names.key]) ===
            0
        ) {
          throw new ThriftDecodeError(`${what} lists one ${names.key} twice`);
        }
      }
    }
    return Object.freeze(out);
  };
}

/** Fields of a struct a decoder tracks in one 32-bit mask of the fields it has read. */
const MAX_STRUCT_FIELDS = 31;

/**
 * A struct's decoder, generated for its table: a switch on the field id with each field's wire
 * type, bit and property name as constants, so every property store is a site of its own that
 * the engine keeps monomorphic (one closure shared by every struct could not). The code holds
 * the table's names as JSON strings and its numbers, nothing from the input.
 */
function compileStructDecoder(s: ThriftStruct): Decoder {
  if (s.fields.length > MAX_STRUCT_FIELDS) {
    throw new RangeError(`${s.name}: a struct table holds at most ${MAX_STRUCT_FIELDS} fields`);
  }
  const q = JSON.stringify;
  const fields = s.fields.map((field, i) => ({ field, bit: 1 << i, what: `${s.name}.${field.name}` }));
  const required = fields.filter((f) => f.field.required);
  const requiredMask = required.reduce((mask, f) => mask | f.bit, 0);
  const missing = (read: number): never => {
    const { field } = required.find((f) => (read & f.bit) === 0) as (typeof required)[number];
    throw new ThriftDecodeError(`required field ${s.name}.${field.name} (id ${field.id}) is missing`);
  };
  const decoders = s.fields.map((field) => decoderOf(field.type));
  const withDefaults = fields.filter((f) => f.field.defaultsToEmpty);
  const empties = withDefaults.map(({ field }) =>
    Object.freeze(field.type.kind === "map" && !field.type.entries ? {} : [])
  );
  const cases = fields.map(({ field, bit, what }, i) => {
    const alsoI64 = field.alsoReads?.includes("i64")
      ? `else if (type === ${TType.I64}) value = r.i64(${q(what)});`
      : "";
    const alsoI32 = field.alsoReads?.includes("i32") ? `else if (type === ${TType.I32}) value = r.i32();` : "";
    const unrecognized = field.required
      ? `throw new ThriftDecodeError(${q(`${what}: `)} + value.reason);`
      : "{ unread++; continue; }";
    return `case ${field.id}:
        if (type === ${wireType(field.type)}) value = decoders[${i}](r, depth + 1, ${q(what)});
        ${alsoI64} ${alsoI32}
        else break;
        if (value instanceof Unrecognized) ${unrecognized}
        if ((read & ${bit}) === 0) members++;
        read |= ${bit};
        out[${q(field.name)}] = value;
        continue;`;
  });
  const defaults = withDefaults.map(({ field, bit }, i) =>
    `if ((read & ${bit}) === 0) out[${q(field.name)}] = empties[${i}];`
  );
  const union = s.union
    ? `if (members === 0 && unread > 0) return new Unrecognized(${
      q(`union ${s.name} holds no member this version knows`)
    });
    if (members !== 1) throw new ThriftDecodeError(${q(`union ${s.name} has `)} + members + " members set");`
    : "";
  const source = `"use strict";
  return (r, depth) => {
    if (depth > ${MAX_DEPTH}) tooDeep();
    const out = {};
    let read = 0;
    let members = 0;
    // Fields skipped or left out: a union that read no member but one of these holds a newer one.
    let unread = 0;
    for (;;) {
      const type = r.byte();
      if (type === ${TType.STOP}) break;
      const id = r.i16();
      let value;
      switch (id) {
        ${cases.join("\n        ")}
      }
      // A field this table does not know, or whose type does not match (a foreign schema):
      // thrift skips it.
      skip(r, type, depth);
      unread++;
    }
    if ((read & ${requiredMask}) !== ${requiredMask}) missing(read);
    ${defaults.join("\n    ")}
    ${union}
    return Object.freeze(out);
  };`;
  return new Function(
    "decoders",
    "empties",
    "missing",
    "skip",
    "tooDeep",
    "Unrecognized",
    "ThriftDecodeError",
    source,
  )(decoders, empties, missing, skip, tooDeep, Unrecognized, ThriftDecodeError) as Decoder;
}

function skip(r: Reader, type: number, depth: number): void {
  if (depth > MAX_DEPTH) tooDeep();
  switch (type) {
    // A value of fixed size, which is its least size. Thrift 0.17+ (Storm 2.8.8 ships 0.22)
    // skips a UUID field from a newer schema: 16 raw bytes.
    case TType.BOOL:
    case TType.BYTE:
    case TType.I16:
    case TType.I32:
    case TType.I64:
    case TType.DOUBLE:
    case TType.UUID:
      r.skipBytes(minSize(type));
      return;
    case TType.STRING:
      r.skipBytes(r.length());
      return;
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
