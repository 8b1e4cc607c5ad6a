/**
 * Sequential nodes as Curator's lock internals order them: pure functions of child names.
 *
 * Curator sorts a lock's or latch's children by what follows the *last* occurrence of the lock
 * name (`lock-`, `latch-`, `__READ__`, …) — the server's 10-digit sequence — so the `_c_<uuid>-`
 * prefix of protected mode never decides the order. A child without the lock name sorts by its
 * whole name, as Curator's `fixForSorting` leaves it.
 * @module
 */

/** The part of `child` Curator sorts by: what follows the last of `lockNames` found in it. */
export function sortKey(child: string, lockNames: readonly string[]): string {
  let key = child;
  // Applied in turn, as Curator's read/write sorter strips `__READ__` then `__WRIT__`.
  for (const name of lockNames) {
    const at = key.lastIndexOf(name);
    if (at >= 0) key = key.slice(at + name.length);
  }
  return key;
}

/** The server's sequence number at the end of `child`, or undefined without 10 trailing digits. */
export function sequenceOf(child: string): number | undefined {
  const match = /(\d{10})$/.exec(child);
  return match ? Number(match[1]) : undefined;
}

/**
 * `children` in Curator's order (by {@link sortKey}; ties by name, so the order is total).
 * Keys are compared as strings, as Curator does: the server pads sequences to 10 digits.
 */
export function sortChildren(children: readonly string[], lockNames: readonly string[]): string[] {
  const keyed = children.map((child) => ({ child, key: sortKey(child, lockNames) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.child < b.child ? -1 : a.child > b.child ? 1 : 0));
  return keyed.map((k) => k.child);
}

/** What a contender does next, given the sorted children and its own node's name. */
export type LockDecision =
  /** It holds the lock (or one of the leases). */
  | { readonly kind: "acquired" }
  /** It waits for this node (its predecessor by `maxLeases`) to go. */
  | { readonly kind: "watch"; readonly node: string }
  /** Its node is gone (session expired, or deleted by someone): it must create a new one. */
  | { readonly kind: "missing" };

/**
 * Curator's standard driver: the node at index `i` holds the lock when `i < maxLeases`, and
 * otherwise watches only the node `maxLeases` places before it — never all children, so one
 * deletion wakes one waiter (no herd).
 */
export function lockDecision(sorted: readonly string[], ours: string, maxLeases = 1): LockDecision {
  const index = sorted.indexOf(ours);
  if (index < 0) return { kind: "missing" };
  if (index < maxLeases) return { kind: "acquired" };
  return { kind: "watch", node: sorted[index - maxLeases]! };
}

/**
 * Curator's read-lock rule: a reader holds the lock when no write node sorts before it, and
 * otherwise waits for the first such write node (readers never wait for readers).
 * `isWrite` tells write nodes apart (Curator: the name contains `__WRIT__`).
 */
export function readLockDecision(
  sorted: readonly string[],
  ours: string,
  isWrite: (child: string) => boolean,
): LockDecision {
  const index = sorted.indexOf(ours);
  if (index < 0) return { kind: "missing" };
  const firstWrite = sorted.findIndex((child) => isWrite(child));
  if (firstWrite < 0 || index < firstWrite) return { kind: "acquired" };
  return { kind: "watch", node: sorted[firstWrite]! };
}
