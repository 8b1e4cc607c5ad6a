/**
 * A recipe's wait for the server: each step runs against the caller's deadline (timeout and
 * AbortSignal, see wait.ts) and against the session ending — on LOST the recipe's ephemeral
 * nodes are gone and no watch will fire any more, so waiting on would hang.
 * @module
 */
import type { WatchedEvent, Watcher } from "../protocol/events.ts";
import { RecipeError } from "./errors.ts";
import { isZooKeeperError } from "./protected-create.ts";
import type { RecipeClient } from "./recipe-client.ts";
import { startDeadline, type WaitOptions } from "./wait.ts";

/** Runs the steps of one wait; `dispose` clears the timer and the listeners. */
export interface GuardedWait {
  /** Resolves as `step` does, or rejects first with TIMEOUT, ABORTED or SESSION_LOST (also for a step's SessionExpired). */
  race<T>(step: Promise<T>): Promise<T>;
  dispose(): void;
}

/** Starts the wait `what` (named in its errors) at `path`. */
export function startGuardedWait(
  zk: Pick<RecipeClient, "on">,
  options: WaitOptions,
  what: string,
  path: string,
): GuardedWait {
  const deadline = startDeadline(options, what, path);
  let onLost: (error: RecipeError) => void = () => {};
  const lost = new Promise<never>((_, reject) => {
    onLost = reject;
  });
  lost.catch(() => {});
  const off = zk.on("connectionState", (state) => {
    if (state === "LOST") onLost(new RecipeError("SESSION_LOST", `the session ended while ${what}`, { path }));
  });
  // A request failing with SessionExpired may beat the LOST event: it means the same.
  const asLoss = (error: unknown): never => {
    if (isZooKeeperError(error, "SessionExpired")) {
      throw new RecipeError("SESSION_LOST", `the session ended while ${what}`, { path, cause: error });
    }
    throw error;
  };
  return {
    race: (step) => deadline.race(Promise.race([step.catch(asLoss), lost])),
    dispose() {
      off();
      deadline.dispose();
    },
  };
}

/** A one-shot watcher and the promise of its event (any event means: look again). */
export function nextEvent(): { readonly watcher: Watcher; readonly fired: Promise<WatchedEvent> } {
  let watcher: Watcher = () => {};
  const fired = new Promise<WatchedEvent>((resolve) => {
    watcher = resolve;
  });
  return { watcher, fired };
}

/** Sleeps `ms`; rejects with RecipeError ABORTED (clearing the timer) if `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal | undefined, what: string, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = (): void => {
      clearTimeout(timer);
      reject(new RecipeError("ABORTED", `${what} was aborted`, { path, cause: signal?.reason }));
    };
    if (signal?.aborted) return aborted();
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", aborted);
      resolve();
    }, ms);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}
