/**
 * The decisions of Curator's `DistributedDoubleBarrier`, as pure functions of child names.
 *
 * Layout: under the barrier path each member holds an ephemeral node named by a random UUID;
 * the persistent node `ready` appears once `memberQty` members are in. Entering: a member that
 * finds `memberQty` children creates `ready`; the others wait for it. Leaving (ZooKeeper's
 * double-barrier recipe): members sort their nodes by name (`ready` excluded); the lowest keeps
 * its node and waits for the highest to go, every other member deletes its own node and waits
 * for the lowest — so each wait wakes on one node, and the lowest leaves last.
 * @module
 */

/** The node that tells members the barrier is full (Curator's `READY_NODE`). */
export const READY_NODE = "ready";

/**
 * Whether a member seeing `children` (its own node included) completes the barrier. Curator
 * counts every child, as this does: a `ready` node among them means the barrier is full anyway.
 */
export function barrierIsFull(children: readonly string[], memberQty: number): boolean {
  return children.length >= memberQty;
}

/** The member nodes in Curator's leave order: `ready` dropped, names sorted (Java's String order). */
export function leaveOrder(children: readonly string[]): string[] {
  return children.filter((c) => c !== READY_NODE).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What a leaving member does next. */
export type LeaveStep =
  /** Nobody is left (or only others' nodes that need not be waited for): leaving is complete. */
  | { readonly kind: "done"; readonly deleteOurs: boolean }
  /** Wait for `node` to go (after deleting our own node when `deleteOurs`), then look again. */
  | { readonly kind: "watch"; readonly node: string; readonly deleteOurs: boolean }
  /** Our node should still be there and is not: its session ended. */
  | { readonly kind: "missing" };

/**
 * One step of leaving, given the children (any order), our node's name, and whether our node
 * should still exist (true until we delete it ourselves).
 */
export function leaveStep(children: readonly string[], ours: string, oursShouldExist: boolean): LeaveStep {
  const members = leaveOrder(children);
  if (members.length === 0) return { kind: "done", deleteOurs: false };
  const index = members.indexOf(ours);
  if (index < 0 && oursShouldExist) return { kind: "missing" };
  // The last one left: ours (delete it and go), or the lowest, who leaves on its own.
  if (members.length === 1) return { kind: "done", deleteOurs: oursShouldExist };
  if (index === 0) return { kind: "watch", node: members[members.length - 1]!, deleteOurs: false };
  return { kind: "watch", node: members[0]!, deleteOurs: oursShouldExist };
}
