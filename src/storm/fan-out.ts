/**
 * Fan-out reads with a bound: one ZooKeeper read per child, pipelined on the one connection
 * instead of a round trip each, and never more than {@link MAX_IN_FLIGHT} at a time so a
 * directory of thousands of children does not queue thousands of requests at once.
 */

/** Reads a fan-out keeps in flight at most. */
export const MAX_IN_FLIGHT = 64;

/** The outcome of one item: its value, or what it threw. */
export type Settled<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

/**
 * Runs `read` on every item, at most `limit` at a time, and settles them all; outcomes come back
 * in the items' order, so a caller that handles them in order (the first failure thrown, corrupt
 * records reported) behaves exactly as a loop of sequential reads would.
 */
export async function settleBounded<T, R>(
  items: readonly T[],
  read: (item: T) => Promise<R>,
  limit: number = MAX_IN_FLIGHT,
): Promise<Settled<R>[]> {
  const out = new Array<Settled<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { ok: true, value: await read(items[i] as T) };
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}

/** {@link settleBounded}, then the values in order, or the first failure in order thrown. */
export async function mapBounded<T, R>(
  items: readonly T[],
  read: (item: T) => Promise<R>,
  limit: number = MAX_IN_FLIGHT,
): Promise<R[]> {
  return (await settleBounded(items, read, limit)).map((outcome) => {
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  });
}
