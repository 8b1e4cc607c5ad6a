/**
 * Listener sets keyed by event name, as every `on(type, listener)` of the client and the recipes
 * keeps them, and the one way a listener joins and leaves its set.
 */

/** One set of listeners per event of `E` (an interface from event name to listener type). */
export type ListenerSets<E> = { [K in keyof E]: Set<E[K]> };

/** Adds `listener` to the set of `type`; returns the function that removes it again. */
export function subscribe<E, K extends keyof E>(sets: ListenerSets<E>, type: K, listener: E[K]): () => void {
  const set: Set<E[K]> = sets[type];
  set.add(listener);
  return () => set.delete(listener);
}
