/**
 * Which reported errors Storm keeps (storm-research §5): the newest {@link MAX_ERRORS} of each
 * component by sequence number, read back newest first by time. Pure logic.
 */
import type { ErrorInfo } from "./records.ts";

/** How many errors Storm keeps per component. */
export const MAX_ERRORS = 10;

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * The sequence number of an error child (`e0000000042` → `42n`), or undefined for any other
 * name. Parsed as Storm's `Long.parseLong` does (optional sign, any number of digits, 64-bit
 * range), so a stormkeeper reporter and a Storm worker pruning the same directory agree; a
 * `bigint`, so names of any length compare exactly.
 */
export function errorSequence(name: string): bigint | undefined {
  const m = /^e([+-]?\d+)$/.exec(name);
  if (m === null || m[1] === undefined) return undefined;
  const n = BigInt(m[1]);
  return n < LONG_MIN || n > LONG_MAX ? undefined : n;
}

/**
 * The children to delete so that the `keep` newest error nodes remain, newest meaning the highest
 * sequence number compared as a number (`e10` is newer than `e9` whatever their string order).
 * Other names are never deleted and do not count. Equal numbers (`e7`, `e007`) are ordered by
 * name, so the answer does not depend on the order ZooKeeper lists children in.
 *
 * Storm differs on foreign names only: it counts any one-character prefix (`x5` is 5) and fails
 * on a non-numeric one. Like Storm, a negative number (ZooKeeper's counter after 2^31 creations in
 * one directory) counts as oldest.
 */
export function errorsToPrune(children: readonly string[], keep: number = MAX_ERRORS): string[] {
  const numbered: { name: string; seq: bigint }[] = [];
  for (const name of children) {
    const seq = errorSequence(name);
    if (seq !== undefined) numbered.push({ name, seq });
  }
  numbered.sort((
    a,
    b,
  ) => (a.seq !== b.seq ? (a.seq < b.seq ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return numbered.slice(0, Math.max(0, numbered.length - keep)).map((c) => c.name);
}

/**
 * Errors newest first by `errorTimeSecs`. With `names`, the error nodes' names (`e0000000042`,
 * one per error, in the same order), equal times are ordered by sequence number, highest first,
 * so errors reported within one second come back latest-reported first; a name without a
 * sequence number counts as oldest. Storm leaves equal times in ZooKeeper's listing order, which
 * is not the reporting order; without `names` that is what this does too (a stable sort).
 * Returns a new array.
 */
export function newestFirst(errors: readonly ErrorInfo[], names?: readonly string[]): ErrorInfo[] {
  const ranked = errors.map((error, i) => ({
    error,
    i,
    seq: names === undefined ? undefined : errorSequence(names[i] ?? ""),
  }));
  ranked.sort((a, b) =>
    b.error.errorTimeSecs - a.error.errorTimeSecs || bySequenceDescending(a.seq, b.seq) || a.i - b.i
  );
  return ranked.map((r) => r.error);
}

function bySequenceDescending(a: bigint | undefined, b: bigint | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a > b ? -1 : 1;
}
