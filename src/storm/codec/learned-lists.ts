/**
 * The key lists one map decoder or encoder has learned, each with the code compiled for it.
 * Every executor of a bolt writes its stats under the same windows and input streams, in the same
 * order (a Java HashMap's), so a few key lists fill every heartbeat; code compiled for one list
 * (key-list-readers.ts, key-list-writers.ts) reads or writes such a map in one step, comparing
 * or writing each key's bytes in the pieces {@link bytePieces} cuts them into.
 *
 * A list is learned when two maps in a row hold it, so maps whose keys vary from one to the next
 * never pay for compiling. At most {@link MAX_HELD} are held (the one used longest ago gives way)
 * and {@link MAX_COMPILED} compiled in all, so what one decoder or encoder costs is bounded.
 */

/** Longest key list that is learned. */
const MAX_KEYS = 32;
/** Lists held at a time: the input streams of a topology's few kinds of bolt. */
const MAX_HELD = 8;
/** Lists compiled in one's life; past them, nothing more is learned. */
const MAX_COMPILED = 64;

/** A list held, with its code. */
export interface Learned<T> {
  readonly keys: readonly string[];
  readonly code: T;
}

export class LearnedLists<T> {
  /** The lists held, the one used last first. */
  readonly held: Learned<T>[] = [];
  #count = 0;
  #candidate: readonly string[] = [];

  /** Moves the list at `index` to the front, where it is tried first next time. */
  used(index: number): void {
    if (index === 0) return;
    const [entry] = this.held.splice(index, 1);
    this.held.unshift(entry as Learned<T>);
  }

  /** The index of the list `keys`, or -1. */
  indexOf(keys: readonly string[]): number {
    const held = this.held;
    for (let i = 0; i < held.length; i++) if (sameKeys((held[i] as Learned<T>).keys, keys)) return i;
    return -1;
  }

  /**
   * Whether a list of `n` keys can still be learned; when not, a map read or written key by key
   * need not note where its keys lie.
   */
  learns(n: number): boolean {
    return n <= MAX_KEYS && this.#count < MAX_COMPILED;
  }

  /** Tells of a map whose keys, `keys`, no list held matched; `compile` is called if it is learned now. */
  seen(keys: readonly string[], compile: () => T): void {
    if (!this.learns(keys.length)) return;
    if (!sameKeys(this.#candidate, keys)) {
      this.#candidate = keys;
      return;
    }
    this.#candidate = [];
    this.#count++;
    if (this.held.length >= MAX_HELD) this.held.pop();
    this.held.unshift({ keys, code: compile() });
  }
}

/** A piece of a key's wire bytes as generated code compares or writes it. */
export interface BytePiece {
  /** Offset in the bytes. */
  readonly at: number;
  /** 4: a big-endian i32 word; 1: a byte. */
  readonly size: 4 | 1;
  readonly value: number;
}

/** `bytes` as big-endian i32 words, then the bytes left over: four bytes in one step where they fit. */
export function bytePieces(bytes: Uint8Array): BytePiece[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pieces: BytePiece[] = [];
  let at = 0;
  for (; at + 4 <= bytes.length; at += 4) pieces.push({ at, size: 4, value: view.getInt32(at) });
  for (; at < bytes.length; at++) pieces.push({ at, size: 1, value: bytes[at] as number });
  return pieces;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
