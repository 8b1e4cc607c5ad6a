/**
 * Objects built by compiled object literals. A decoder that adds a map's keys one by one does so
 * through one store shared by every map of every table, which V8 can only make megamorphic (and,
 * for keys that are array indices such as Storm's stat windows, a sparse-elements insert); a
 * literal compiled for one key list creates the object with its final shape in one step. Keys are
 * written into the literal as JSON strings, which are JavaScript string literals, so no key can
 * change the code around it.
 */

/** Builds an object whose `keys[i]` holds `values[i]`. */
export type ObjectLiteral = (values: readonly unknown[]) => Record<string, unknown>;

/**
 * Compiles the literal of `keys`. `__proto__` is refused: in a literal it would set the prototype
 * instead of a property.
 */
export function compileObjectLiteral(keys: readonly string[]): ObjectLiteral {
  if (keys.includes("__proto__")) throw new RangeError('an object literal cannot hold the key "__proto__"');
  const body = keys.map((key, i) => `${JSON.stringify(key)}: v[${i}]`).join(", ");
  return new Function("v", `"use strict"; return { ${body} };`) as ObjectLiteral;
}

/** Longest key list {@link KeyListLiterals} compiles a literal for. */
const MAX_LITERAL_KEYS = 32;
/** Literals one {@link KeyListLiterals} compiles in its life; past them, maps are built key by key. */
const MAX_COMPILED = 64;

/**
 * The literal of the key list a map decoder keeps reading: every executor of a worker writes its
 * stats under the same windows and streams, in the same order (a Java HashMap's). A list becomes
 * the known one when two reads in a row hold it, so maps whose keys vary from read to read never
 * pay for compiling, and what one decoder compiles is bounded.
 */
export class KeyListLiterals {
  #keys: readonly string[] = [];
  #literal: ObjectLiteral | undefined;
  #candidate: readonly string[] = [];
  #compiled = 0;

  /** The literal that builds `keys` (values in the same order), or undefined when there is none yet. */
  literalOf(keys: readonly string[]): ObjectLiteral | undefined {
    if (this.#literal !== undefined && sameKeys(this.#keys, keys)) return this.#literal;
    if (keys.length > MAX_LITERAL_KEYS || this.#compiled >= MAX_COMPILED) return undefined;
    if (!sameKeys(this.#candidate, keys)) {
      this.#candidate = keys;
      return undefined;
    }
    this.#compiled++;
    this.#keys = keys;
    this.#literal = compileObjectLiteral(keys);
    return this.#literal;
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
