/**
 * The struct tables thrift records are described by, the binary protocol's wire types, and the
 * rules encoder and decoder share (see thrift-protocol.ts).
 */
/** Wire type ids of the binary protocol. */
export const TType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
  UUID: 16,
} as const;

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

/**
 * `compile` run once per table object: the encoder and the decoder compile each table they meet
 * into a closure and keep it for as long as the table lives.
 */
export function compiledOncePerTable<F>(compile: (t: ThriftType) => F): (t: ThriftType) => F {
  const compiled = new WeakMap<ThriftType, F>();
  return (t) => {
    let f = compiled.get(t);
    if (f === undefined) {
      f = compile(t);
      compiled.set(t, f);
    }
    return f;
  };
}

/** Deepest nesting read or written. */
export const MAX_DEPTH = 64;
export const TWO_32 = 4294967296;

const WIRE_TYPES: { readonly [K in ThriftType["kind"]]: number } = {
  bool: TType.BOOL,
  byte: TType.BYTE,
  i16: TType.I16,
  i32: TType.I32,
  enum: TType.I32,
  i64: TType.I64,
  double: TType.DOUBLE,
  string: TType.STRING,
  binary: TType.STRING,
  struct: TType.STRUCT,
  map: TType.MAP,
  set: TType.SET,
  list: TType.LIST,
};

/** The wire type `t` is written as. */
export const wireType = (t: ThriftType): number => WIRE_TYPES[t.kind];

/** The fewest bytes one value of a wire type can take (for count sanity checks). */
export function minSize(type: number): number {
  switch (type) {
    case TType.I16:
      return 2;
    case TType.I32:
    case TType.STRING:
      return 4;
    case TType.DOUBLE:
    case TType.I64:
      return 8;
    case TType.UUID:
      return 16;
    case TType.MAP:
      return 6;
    case TType.SET:
    case TType.LIST:
      return 5;
    default:
      return 1;
  }
}

export const isIntegerType = (t: ThriftType) =>
  t.kind === "i64" || t.kind === "i32" || t.kind === "i16" || t.kind === "byte";

/** Ascending, unique; non-numbers are left in place for the element encoder to refuse. */
export function canonicalIntegerSet(items: readonly unknown[]): readonly unknown[] {
  if (!items.every((x) => typeof x === "number")) return items;
  const numbers = items as readonly number[];
  for (let i = 1; i < numbers.length; i++) {
    if ((numbers[i - 1] as number) >= (numbers[i] as number)) return [...new Set(numbers)].sort((a, b) => a - b);
  }
  return numbers;
}
