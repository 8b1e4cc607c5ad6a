/**
 * Writers compiled for the key lists a map encoder keeps writing (learned-lists.ts): one reads
 * each value by its constant key, writes the keys' wire bytes as constants in code-point order,
 * and passes each value to the map's value encoder, which checks and writes it as it would in a
 * map written key by key. Each writer is a function of its own, so the engine specialises it.
 *
 * Generated code holds nothing taken from a record but the keys, as JSON strings (JavaScript
 * string literals), and their bytes, as integer literals: no record can change the code around
 * them.
 */
import { bytePieces, LearnedLists } from "./learned-lists.ts";
import type { Writer } from "./thrift-bytes.ts";

/** Writes a map value, or throws a refusal. */
export type ValueWrite = (w: Writer, v: unknown) => void;

/** Writes the map `v`, whose own keys are the list's, as the map encoder would. */
export type ListWriter = (w: Writer, v: Record<string, unknown>) => void;

/** Statements, in generated code, that write `bytes` at the writer's position. */
function bytesWrite(bytes: Uint8Array): string {
  const writes = bytePieces(bytes).map(({ at, size, value }) =>
    `view.${size === 4 ? "setInt32" : "setUint8"}(p + ${at}, ${value});`
  );
  return [
    `w.ensure(${bytes.length});`,
    "const view = w.view;",
    "const p = w.pos;",
    ...writes,
    `w.pos = p + ${bytes.length};`,
  ]
    .join(" ");
}

/**
 * Compiles the writer of a map whose keys, in the order written, are `sorted`, with wire bytes
 * `wire[i]`; `header` is the map header's key and value types. `within(error, segment)` is what
 * the map encoder does with a value's refusal.
 */
function compileListWriter(
  sorted: readonly string[],
  wire: readonly Uint8Array[],
  header: readonly [keyType: number, valueType: number],
  value: ValueWrite,
  within: (error: unknown, segment: string) => unknown,
): ListWriter {
  const entries = sorted.map((key, i) =>
    `try {
      { ${bytesWrite(wire[i] as Uint8Array)} }
      value(w, v[${JSON.stringify(key)}]);
    } catch (error) {
      throw within(error, ${JSON.stringify(`[${JSON.stringify(key)}]`)});
    }`
  );
  const source = `"use strict";
  return (w, v) => {
    w.ensure(6);
    w.byte(${header[0]});
    w.byte(${header[1]});
    w.i32(${sorted.length});
    ${entries.join("\n    ")}
  };`;
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
  ) {
    this.#compile = (sorted, wire) => compileListWriter(sorted, wire, header, value, within);
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
