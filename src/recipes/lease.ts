/**
 * A held lock or semaphore lease as the caller sees it: released once, by `release()` or by
 * `await using` (`Symbol.asyncDispose`).
 * @module
 */
import { RecipeError } from "./errors.ts";

/** Something held until released: `await using lease = await mutex.acquire()` releases at scope end. */
export interface Lease {
  /** The node that stands for this lease. */
  readonly path: string;
  /** Releases; a second call throws ILLEGAL_STATE. */
  release(): Promise<void>;
  /** `release()`, for `await using`; does nothing if already released. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** A lease whose first release runs `onRelease` and whose later releases are refused. */
export function makeLease(path: string, onRelease: () => Promise<void>): Lease {
  let released = false;
  const release = (): Promise<void> => {
    if (released) {
      return Promise.reject(new RecipeError("ILLEGAL_STATE", `the lease ${path} was already released`, { path }));
    }
    released = true;
    return onRelease();
  };
  return {
    path,
    release,
    [Symbol.asyncDispose]: () => (released ? Promise.resolve() : release()),
  };
}
