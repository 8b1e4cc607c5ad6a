/**
 * Writers compiled for the key lists a map encoder keeps writing (learned-lists.ts): one reads
 * each value by its constant key, writes the keys' wire bytes as constants in code-point order,
 * and passes each value to the map's value encoder, which checks and writes it as it would in a
 * map written key by key. i64 and double values (the counts and averages of every stat map) it
 * checks with the encoder's own test and writes in place, the whole map into one span ensured
 * once. Each writer is a function of its own, so the engine specialises it.
 *
 * Generated code holds nothing taken from a record but the keys, as JSON strings (JavaScript
 * string literals), and their bytes, as integer literals: no record can change the code around
 * them.
 */
import { bytePieces, LearnedLists } from "./learned-lists.ts";
import type { Writer } from "./thrift-bytes.ts";
import { TWO_32 } from "./thrift-types.ts";

/** Writes a map value, or throws a refusal. */
export type ValueWrite = (w: Writer, v: unknown) => void;

/** Writes the map `v`, whose own keys are the list's, as the map encoder would. */
export type ListWriter = (w: Writer, v: Record<string, unknown>) => void;

/** Statements, in generated code, that write `bytes` at `p + offset` (already ensured). */
function piecesWrite(bytes: Uint8Array, offset: number): string {
  return bytePieces(bytes).map(({ at, size, value }) =>
    `view.${size === 4 ? "setInt32" : "setUint8"}(p + ${offset + at}, ${value});`
  ).join(" ");
}

/** Statements, in generated code, that write `bytes` at the writer's position. */
function bytesWrite(bytes: Uint8Array): string {
  return `w.ensure(${bytes.length}); const view = w.view; const p = w.pos; ${
    piecesWrite(bytes, 0)
  } w.pos = p + ${bytes.length};`;
}

/**
 * The values a list writer writes in place rather than through the map's value encoder: a map
 * of these is of a size known when the writer is compiled, so it is ensured once and written
 * at constant offsets.
 */
export type ScalarValue = "i64" | "double";

/**
 * In generated code: writes the value `x` at `p + at` when it is what the value encoder would
 * write without a refusal (the same test the encoder makes), else hands it to the encoder at that
 * position, which refuses it. The map's room is ensured already, so the writer's view stays valid.
 * An i64 is split into its words as `Writer.i64` splits it, so both write the same bytes.
 */
function scalarWrite(scalar: ScalarValue, at: number, segment: string): string {
  const fallback = `{ w.pos = p + ${at}; try { value(w, x); } catch (error) { throw within(error, ${segment}); } }`;
  return scalar === "i64"
    ? `if (Number.isSafeInteger(x)) { const high = (x | 0) === x ? x >> 31 : Math.floor(x / ${TWO_32}); view.setInt32(p + ${at}, high); view.setUint32(p + ${
      at + 4
    }, x - high * ${TWO_32}); } else ${fallback}`
    : `if (typeof x === "number") view.setFloat64(p + ${at}, x); else ${fallback}`;
}

/** The code of a writer of `sorted` whose values are scalars, written in one ensured span. */
function scalarListSource(
  sorted: readonly string[],
  wire: readonly Uint8Array[],
  header: readonly [keyType: number, valueType: number],
  scalar: ScalarValue,
): string {
  let at = 6;
  const entries = sorted.map((key, i) => {
    const bytes = wire[i] as Uint8Array;
    const entry = `{ ${piecesWrite(bytes, at)}
      const x = v[${JSON.stringify(key)}];
      ${scalarWrite(scalar, at + bytes.length, JSON.stringify(`[${JSON.stringify(key)}]`))} }`;
    at += bytes.length + 8;
    return entry;
  });
  return `"use strict";
  return (w, v) => {
    w.ensure(${at});
    const view = w.view;
    const p = w.pos;
    view.setUint8(p, ${header[0]}); view.setUint8(p + 1, ${header[1]}); view.setInt32(p + 2, ${sorted.length});
    ${entries.join("\n    ")}
    w.pos = p + ${at};
  };`;
}

/** The code of a writer of `sorted` whose values the map's value encoder writes. */
function listSource(
  sorted: readonly string[],
  wire: readonly Uint8Array[],
  header: readonly [keyType: number, valueType: number],
): string {
  const entries = sorted.map((key, i) =>
    `try {
      { ${bytesWrite(wire[i] as Uint8Array)} }
      value(w, v[${JSON.stringify(key)}]);
    } catch (error) {
      throw within(error, ${JSON.stringify(`[${JSON.stringify(key)}]`)});
    }`
  );
  return `"use strict";
  return (w, v) => {
    w.ensure(6);
    w.byte(${header[0]});
    w.byte(${header[1]});
    w.i32(${sorted.length});
    ${entries.join("\n    ")}
  };`;
}

/**
 * Compiles the writer of a map whose keys, in the order written, are `sorted`, with wire bytes
 * `wire[i]`; `header` is the map header's key and value types. `within(error, segment)` is what
 * the map encoder does with a value's refusal; `scalar`, when the values are i64s or doubles,
 * has them written in place.
 */
function compileListWriter(
  sorted: readonly string[],
  wire: readonly Uint8Array[],
  header: readonly [keyType: number, valueType: number],
  value: ValueWrite,
  within: (error: unknown, segment: string) => unknown,
  scalar: ScalarValue | undefined,
): ListWriter {
  const source = scalar === undefined
    ? listSource(sorted, wire, header)
    : scalarListSource(sorted, wire, header, scalar);
  return new Function("value", "within", source)(value, within) as ListWriter;
}

/** The key lists one map encoder has learned, and their writers. */
export class KeyListWriters {
  readonly #lists = new LearnedLists<ListWriter>();

  readonly #compile: (sorted: readonly string[], wire: readonly Uint8Array[]) => ListWriter;

  /** What {@link compileListWriter} takes besides a list's keys and their bytes. */
  constructor(
    header: readonly [keyType: number, valueType: number],
    value: ValueWrite,
    within: (error: unknown, segment: string) => unknown,
    scalar?: ScalarValue,
  ) {
    this.#compile = (sorted, wire) => compileListWriter(sorted, wire, header, value, within, scalar);
  }

  /** The writer of maps whose `Object.keys` are `keys`, or undefined. */
  writerOf(keys: readonly string[]): ListWriter | undefined {
    const index = this.#lists.indexOf(keys);
    if (index < 0) return undefined;
    this.#lists.used(index);
    return this.#lists.held[0]?.code;
  }

  /** Whether a map of `n` entries written key by key can still be learned (see {@link wroteByKey}). */
  learns(n: number): boolean {
    return this.#lists.learns(n);
  }

  /**
   * Tells of a map written key by key without a refusal: its `Object.keys`, its keys in the order
   * written, and where each written key's bytes lie in `buf` (`spans[2i]` to `spans[2i + 1]`).
   */
  wroteByKey(keys: readonly string[], sorted: readonly string[], buf: Uint8Array, spans: readonly number[]): void {
    this.#lists.seen(
      keys,
      () => this.#compile(sorted, sorted.map((_, i) => buf.slice(spans[2 * i], spans[2 * i + 1]))),
    );
  }
}
