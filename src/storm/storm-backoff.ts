/**
 * Storm's retry schedule for its ZooKeeper client (`StormBoundedExponentialBackoffRetry`): a few
 * short exponential steps above the base, then linear steps up to the ceiling. With Storm's
 * defaults (base 1 s, ceiling 30 s, 5 retries) every sleep is about one second, so a failing
 * operation gives up after about 5 s, where Curator's plain exponential backoff would wait up to
 * a minute.
 */
import type { RetryPolicy } from "../client/retry.ts";

/** The sleep in ms before retry `attempt` (0-based) under Storm's bounded schedule. */
export function stormBackoffSleep(attempt: number, policy: RetryPolicy = {}): number {
  const base = policy.baseSleepMs ?? 1_000;
  const ceiling = policy.maxSleepMs ?? 30_000;
  const maxRetries = policy.maxRetries ?? 5;
  const random = policy.random ?? Math.random;
  const below = (n: number) => Math.floor(random() * n); // Java's Random.nextInt(n)
  // Retries below this count sleep base + 2^n (+ jitter under 2^n): the exponential phase.
  let threshold = 1;
  while (2 ** (threshold + 1) < Math.trunc((ceiling - base) / 2)) threshold++;
  if (attempt < threshold) {
    const exp = 2 ** attempt;
    return base + exp + below(exp);
  }
  const step = maxRetries > threshold
    ? Math.max(1, Math.trunc((ceiling - 2 ** threshold) / (maxRetries - threshold)))
    : 1;
  return Math.min(ceiling, base + 2 ** threshold + step * (attempt - threshold) + below(step));
}
