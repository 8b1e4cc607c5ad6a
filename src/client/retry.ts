/**
 * Retrying idempotent operations through transient failures, like Curator's
 * `ExponentialBackoffRetry`: sleeps grow exponentially with random jitter, up to a ceiling.
 */
import { type ErrorCodeName, ZooKeeperError } from "../protocol/errors.ts";

/** How to retry. */
export interface RetryPolicy {
  /** First sleep's base in ms (Storm's `storm.zookeeper.retry.interval`, default 1 000). */
  readonly baseSleepMs?: number;
  /** Retries after the first attempt (Storm's `storm.zookeeper.retry.times`, default 5). */
  readonly maxRetries?: number;
  /** Longest single sleep in ms (Storm's `…retry.intervalceiling.millis`, default 30 000). */
  readonly maxSleepMs?: number;
  /** Which errors are worth another try. Default: {@link isRetryable}. */
  readonly retryOn?: (error: unknown) => boolean;
  /** Called before each sleep, e.g. for logging. */
  readonly onRetry?: (error: unknown, attempt: number, sleepMs: number) => void;
  /** Source of randomness (tests pass a fixed one). */
  readonly random?: () => number;
  /**
   * The sleep before retry `attempt` (0-based), replacing Curator's exponential schedule
   * ({@link backoffSleep}); e.g. Storm's bounded schedule, which the Storm layer uses.
   */
  readonly sleepMs?: (attempt: number, policy: RetryPolicy) => number;
}

const TRANSIENT: ReadonlySet<ErrorCodeName> = new Set([
  "ConnectionLoss",
  "OperationTimeout",
  "SessionMoved",
  "ThrottledOp",
  "RequestTimeout",
]);

/** Errors that may succeed on another try: the connection, not the request, failed. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ZooKeeperError && TRANSIENT.has(error.code);
}

/**
 * The sleep before retry `attempt` (0-based): `base × random(1 … 2^(attempt+1))`, at most the
 * ceiling — Curator's formula.
 */
export function backoffSleep(attempt: number, policy: RetryPolicy = {}): number {
  const base = policy.baseSleepMs ?? 1_000;
  const ceiling = policy.maxSleepMs ?? 30_000;
  const random = policy.random ?? Math.random;
  const factor = Math.max(1, Math.floor(random() * 2 ** Math.min(attempt + 1, 30)));
  return Math.min(ceiling, base * factor);
}

/**
 * Runs `operation`, retrying it after transient failures. Use it only for operations that are
 * safe to repeat (reads, unconditional sets, deletes that tolerate NoNode): a write cut off by
 * `ConnectionLoss` may have been applied (its error says `outcomeUnknown`). For other writes,
 * `retryOn: (e) => isRetryable(e) && !(e as ZooKeeperError).outcomeUnknown` retries only what
 * certainly changed nothing.
 *
 * @example
 * ```ts
 * const { data } = await retry(() => zk.getData("/config"), { maxRetries: 3, baseSleepMs: 100 });
 * ```
 */
export async function retry<T>(operation: () => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  const maxRetries = policy.maxRetries ?? 5;
  const retryOn = policy.retryOn ?? isRetryable;
  for (let attempt = 0;; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= maxRetries || !retryOn(error)) throw error;
      const sleep = (policy.sleepMs ?? backoffSleep)(attempt, policy);
      policy.onRetry?.(error, attempt + 1, sleep);
      await new Promise((resolve) => setTimeout(resolve, sleep));
    }
  }
}
