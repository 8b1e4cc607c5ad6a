/** Storm keeps the newest errors of each component (storm-research §5). Pure logic. */
import type { ErrorInfo } from "./records.ts";

/** How many errors Storm keeps per component. */
export const MAX_ERRORS = 10;

/** The sequence number of an error child `e0000000042`, or undefined for any other name. */
export function errorSequence(name: string): number | undefined {
  const m = /^e(\d+)$/.exec(name);
  return m === null ? undefined : Number(m[1]);
}

/**
 * The children to delete so that the `keep` newest remain, newest meaning the highest sequence
 * number (compared as numbers: `e10` is newer than `e9` whatever their string order). Names that
 * are not error nodes are left alone.
 */
export function errorsToPrune(children: readonly string[], keep = MAX_ERRORS): string[] {
  const numbered = children
    .map((name) => ({ name, seq: errorSequence(name) }))
    .filter((c): c is { name: string; seq: number } => c.seq !== undefined)
    .sort((a, b) => a.seq - b.seq);
  return numbered.slice(0, Math.max(0, numbered.length - keep)).map((c) => c.name);
}

/** Errors newest first by `errorTimeSecs`; equal times keep their order (a stable sort). */
export function newestFirst(errors: readonly ErrorInfo[]): ErrorInfo[] {
  return [...errors].sort((a, b) => b.errorTimeSecs - a.errorTimeSecs);
}
