/**
 * Waiting with a timeout and an AbortSignal, for every recipe's `acquire`/`await`: one helper so
 * each wait ends the same way — a {@link RecipeError} coded TIMEOUT or ABORTED — and leaves no
 * timer or listener behind.
 * @module
 */
import { RecipeError } from "./errors.ts";

/** How long a recipe call may wait. */
export interface WaitOptions {
  /** Give up after this many ms (RecipeError TIMEOUT). Default: wait without limit. */
  readonly timeout?: number;
  /** Give up when this signal aborts (RecipeError ABORTED). */
  readonly signal?: AbortSignal;
}

/**
 * A wait's end, shared by the loop that waits several times (e.g. once per predecessor): `race`
 * runs one step against the deadline and the signal; `dispose` clears both.
 */
export interface Deadline {
  /** Resolves as `step` does, or rejects with TIMEOUT/ABORTED first. */
  race<T>(step: Promise<T>): Promise<T>;
  /** Throws TIMEOUT/ABORTED if the wait has already ended. */
  check(): void;
  dispose(): void;
}

/** Starts a deadline for `what` (named in the error message) at `path`. */
export function startDeadline(options: WaitOptions, what: string, path?: string): Deadline {
  const { timeout, signal } = options;
  if (timeout !== undefined && !(timeout >= 0)) {
    throw new RangeError(`timeout must be a non-negative number of ms, not ${timeout}`);
  }
  let ended: RecipeError | undefined;
  const enders = new Set<(error: RecipeError) => void>();
  const end = (error: RecipeError): void => {
    if (ended !== undefined) return;
    ended = error;
    for (const e of enders) e(error);
  };
  const timer = timeout === undefined ? undefined : setTimeout(
    () => end(new RecipeError("TIMEOUT", `${what} did not succeed within ${timeout} ms`, { path })),
    timeout,
  );
  const onAbort = (): void => end(new RecipeError("ABORTED", `${what} was aborted`, { path, cause: signal?.reason }));
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return {
    race<T>(step: Promise<T>): Promise<T> {
      if (ended !== undefined) return Promise.reject(ended);
      return new Promise<T>((resolve, reject) => {
        enders.add(reject);
        step.then(resolve, reject).finally(() => enders.delete(reject));
      });
    },
    check() {
      if (ended !== undefined) throw ended;
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      enders.clear();
    },
  };
}
