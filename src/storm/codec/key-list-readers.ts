/**
 * Readers compiled for the key lists a map decoder keeps reading (learned-lists.ts). A reader
 * compiled for one list checks each key's wire bytes as constants and builds the map with an
 * object literal, in one step and with the map's final shape: a decoder that adds keys one by one
 * does so through one store shared by every map of every table, which V8 can only make
 * megamorphic (and, for keys that are array indices such as Storm's stat windows, a
 * sparse-elements insert). Each reader is a function of its own, so the engine specialises it.
 *
 * Generated code holds nothing taken from the input but numbers (the key bytes, as integer
 * literals) and the keys as JSON strings, which are JavaScript string literals: no input can
 * change the code around them.
 */
import { bytePieces, type Learned, LearnedLists } from "./learned-lists.ts";
import type { Reader } from "./thrift-bytes.ts";
import { minSize } from "./thrift-types.ts";

/** Reads a map value: a nested decoder, or one of the scalars a reader reads in place. */
export type ValueRead = "i64" | "double" | ((r: Reader, depth: number, what: string) => unknown);

/**
 * Reads, at the reader's position, a map (its header too) whose keys are the list's, or leaves
 * the position as it was and returns undefined when the bytes there hold another map.
 */
export type ListReader = (r: Reader, depth: number, what: string) => Record<string, unknown> | undefined;

/** Returns the object literal `keys` make with `v0`, `v1`, … as their values. */
function literalOf(keys: readonly string[]): string {
  if (keys.includes("__proto__")) throw new RangeError('an object literal cannot hold the key "__proto__"');
  return `{ ${keys.map((key, i) => `${JSON.stringify(key)}: v${i}`).join(", ")} }`;
}

/** A test, in generated code, that `bytes` stand at `p` (`end - p` bytes are left). */
function bytesTest(bytes: Uint8Array): string {
  const tests = bytePieces(bytes).map(({ at, size, value }) =>
    `view.${size === 4 ? "getInt32" : "getUint8"}(p + ${at}) === ${value}`
  );
  return [`end - p >= ${bytes.length}`, ...tests].join(" && ");
}

/**
 * Compiles the reader of the list `keys`, whose wire bytes are `wire[i]`. A key read from bytes
 * equal to a key's bytes is that key, when reading it reads nothing nested (the caller's rule),
 * so the reader compares bytes and does not read keys.
 */
function compileListReader(
  keys: readonly string[],
  wire: readonly Uint8Array[],
  header: readonly [keyType: number, valueType: number],
  value: ValueRead,
): ListReader {
  const n = keys.length;
  // The map header: key type, value type, and the entry count as a big-endian i32.
  const headerBytes = new Uint8Array([header[0], header[1], n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
  const read = value === "i64" ? "r.i64(what)" : value === "double" ? "r.double()" : "value(r, depth + 1, what)";
  const entries = keys.map((_, i) =>
    `if (!(${bytesTest(wire[i] as Uint8Array)})) { r.pos = start; return undefined; }
    r.pos = p + ${(wire[i] as Uint8Array).length};
    const v${i} = ${read};
    p = r.pos;`
  );
  const source = `"use strict";
  return (r, depth, what) => {
    const view = r.view;
    const end = view.byteLength;
    const start = r.pos;
    let p = start;
    // A count that cannot fit is refused by reading key by key, with the error it gives.
    if (!(${bytesTest(headerBytes)} && end - p - 6 >= ${
    n * (minSize(header[0]) + minSize(header[1]))
  })) return undefined;
    p += 6;
    r.pos = p;
    ${entries.join("\n    ")}
    return Object.freeze(${literalOf(keys)});
  };`;
  return new Function("value", source)(typeof value === "function" ? value : undefined) as ListReader;
}

/** The key lists one map decoder has learned, and their readers. */
export class KeyListReaders {
  readonly #lists = new LearnedLists<ListReader>();
  readonly #header: readonly [keyType: number, valueType: number];
  readonly #value: ValueRead;

  /** `header` is the maps' key and value types; `value` reads their values. */
  constructor(header: readonly [keyType: number, valueType: number], value: ValueRead) {
    this.#header = header;
    this.#value = value;
  }

  /**
   * The map at the reader's position, header included, if a learned list holds its keys; else
   * undefined, and the position is unmoved.
   */
  read(r: Reader, depth: number, what: string): Record<string, unknown> | undefined {
    const held = this.#lists.held;
    for (let i = 0; i < held.length; i++) {
      const map = (held[i] as Learned<ListReader>).code(r, depth, what);
      if (map !== undefined) {
        this.#lists.used(i);
        return map;
      }
    }
    return undefined;
  }

  /** Whether a map of `n` entries read key by key can still be learned (see {@link readByKey}). */
  learns(n: number): boolean {
    return this.#lists.learns(n);
  }

  /**
   * Tells of a map read key by key: its keys, and where each key's bytes lie in `buf`
   * (`spans[2i]` to `spans[2i + 1]`). `__proto__` never gets this far (the decoder refuses it).
   */
  readByKey(keys: readonly string[], buf: Uint8Array, spans: readonly number[]): void {
    this.#lists.seen(
      keys,
      () =>
        compileListReader(
          keys,
          keys.map((_, i) => buf.slice(spans[2 * i], spans[2 * i + 1])),
          this.#header,
          this.#value,
        ),
    );
  }
}
