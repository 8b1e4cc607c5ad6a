/**
 * The encoding half of thrift-protocol.ts: each table compiled once into a tree of closures that
 * check every value's type and range as they write it.
 */
import { KeyListWriters } from "./key-list-writers.ts";
import { Writer } from "./thrift-bytes.ts";
import {
  canonicalIntegerSet,
  compiledOncePerTable,
  isIntegerType,
  type ThriftCollection,
  ThriftEncodeError,
  type ThriftField,
  type ThriftMap,
  type ThriftStruct,
  type ThriftType,
  TType,
  wireType,
} from "./thrift-types.ts";

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

const encoderOf = compiledOncePerTable(compileEncoder);

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
        if (typeof v !== "number" || !Number.isInteger(v) || v < -limit || v >= limit) {
          throw new Refusal(`expected an ${kind}`);
        }
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
  [...s.fields].sort((a, b) => a.id - b.id).map((field) => ({
    field,
    wire: wireType(field.type),
    encode: encoderOf(field.type),
    segment: `.${field.name}`,
  }));

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
      throw new Refusal(
        `union ${s.name} needs exactly one of ${[...members.keys()].join(", ")}, has ${keys.join(", ") || "none"}`,
      );
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
 * A map's `Object.keys` in code-point order. Maps of one record mostly repeat one key set (the
 * stat windows, the streams), and `Object.keys` lists equal sets alike, so when the keys are
 * those of the previous call the previous order is reused instead of sorting again.
 */
function sortedKeysOf(): (keys: readonly string[]) => readonly string[] {
  let lastKeys: readonly string[] = [];
  let lastSorted: readonly string[] = [];
  return (keys) => {
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
  const key: (w: Writer, k: string) => void = t.keyFromJs
    ? keyBytesEncoder(t.keyFromJs, encoderOf(t.key))
    : encoderOf(t.key);
  const sortedKeys = sortedKeysOf();
  const scalar = t.value.kind === "i64" || t.value.kind === "double" ? t.value.kind : undefined;
  const lists = new KeyListWriters([keyWire, valueWire], value, within, scalar);
  return (w, v) => {
    if (!isPlainObject(v)) throw new Refusal("expected a plain object");
    const own = Object.keys(v);
    const known = lists.writerOf(own);
    if (known !== undefined) {
      known(w, v);
      return;
    }
    // Keys in code-point order: the same record always gives the same bytes.
    const keys = sortedKeys(own);
    w.ensure(6);
    w.byte(keyWire);
    w.byte(valueWire);
    w.i32(keys.length);
    const spans = lists.learns(keys.length) ? new Array<number>(2 * keys.length) : undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      try {
        // An own "__proto__" key cannot survive a read into a plain object.
        if (k === "__proto__") throw new Refusal('the map key "__proto__" is not supported');
        if (spans !== undefined) spans[2 * i] = w.pos;
        key(w, k);
        if (spans !== undefined) spans[2 * i + 1] = w.pos;
        value(w, v[k]);
      } catch (error) {
        throw within(error, `[${JSON.stringify(k)}]`);
      }
    }
    if (spans !== undefined) lists.wroteByKey(own, keys, w.buf, spans);
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
      if (
        order(
          (inOrder[i - 1] as Record<string, unknown>)[names.key],
          (inOrder[i] as Record<string, unknown>)[names.key],
        ) === 0
      ) {
        throw new Refusal(
          `lists the ${names.key} ${JSON.stringify((inOrder[i] as Record<string, unknown>)[names.key])} twice`,
        );
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

const writer = new Writer();

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
