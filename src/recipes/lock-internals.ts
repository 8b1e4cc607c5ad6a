/**
 * The acquire loop shared by every node-based lock (Curator's `LockInternals`): create a
 * protected ephemeral-sequential node, list the children, and either hold the lock or wait for
 * the one node the rules name to go — then look again. Which node wins is decided by pure rules
 * (sequence-nodes.ts), so the mutex, the read and write locks and the semaphore's lock differ
 * only in their {@link LockRules}.
 * @module
 */
import { RecipeError } from "./errors.ts";
import { createProtected, isZooKeeperError } from "./protected-create.ts";
import type { RecipeClient } from "./recipe-client.ts";
import { type LockDecision, sortChildren } from "./sequence-nodes.ts";
import { nextEvent, startGuardedWait } from "./guarded-wait.ts";
import type { WaitOptions } from "./wait.ts";

/** How one kind of lock names its nodes and decides who holds it. */
export interface LockRules {
  /** The node name before the sequence (`lock-`, `__READ__`, `__WRIT__`). */
  readonly lockName: string;
  /** The names stripped before sorting (Curator's `fixForSorting`). */
  readonly sortNames: readonly string[];
  /** Given the sorted children and our node's name: hold, wait for one node, or recreate. */
  decide(sorted: readonly string[], ours: string): LockDecision;
}

/** The child name of a full path. */
function childName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * Acquires the lock at `path` under `rules` and returns our node's full path. On timeout, abort
 * or session loss our node is deleted (a node left behind would hold or queue for the lock until
 * the session ends) and the RecipeError is thrown.
 */
export async function acquireLockNode(
  zk: RecipeClient,
  path: string,
  rules: LockRules,
  data: Uint8Array,
  options: WaitOptions,
): Promise<string> {
  const wait = startGuardedWait(zk, options, `acquiring the lock ${path}`, path);
  const creating = createProtected(zk, path, rules.lockName, data);
  let ours: string | undefined;
  try {
    ours = await wait.race(creating);
    for (;;) {
      try {
        const { children } = await wait.race(zk.getChildren(path));
        const decision = rules.decide(sortChildren(children, rules.sortNames), childName(ours));
        if (decision.kind === "acquired") return ours;
        if (decision.kind === "missing") {
          throw new RecipeError("SESSION_LOST", `our lock node ${ours} is gone (its session ended)`, { path });
        }
        // Any event on the predecessor (deleted, or a watch dropped) means: look again.
        const { watcher, fired } = nextEvent();
        const stat = await wait.race(zk.exists(`${path}/${decision.node}`, { watch: watcher }));
        if (stat !== null) await wait.race(fired);
      } catch (error) {
        // A read cut by the connection: the session (and our node) may live on, so look again
        // once reconnected; LOST, the deadline or the signal end the loop.
        if (!isZooKeeperError(error, "ConnectionLoss")) throw error;
      }
    }
  } catch (error) {
    // A create still in flight when the wait ended may yet succeed: wait for it to delete it.
    ours ??= await creating.catch(() => undefined);
    if (ours !== undefined) await deleteLockNode(zk, ours).catch(() => {});
    throw error;
  } finally {
    wait.dispose();
  }
}

/** How often a delete cut by the connection is sent again (each waits for the reconnect). */
const DELETE_ATTEMPTS = 10;

/**
 * Deletes one of our ephemeral nodes (a lock, lease or latch node). One already gone counts as
 * deleted, and so does an ended session (it took the node with it). A delete cut by a connection
 * loss is sent again — it waits for the reconnect — because a node left in a live session would
 * hold the lock or the leadership, unused, until the session ends.
 */
export async function deleteLockNode(zk: Pick<RecipeClient, "delete">, node: string): Promise<void> {
  for (let attempt = 1;; attempt++) {
    try {
      await zk.delete(node);
      return;
    } catch (error) {
      if (isZooKeeperError(error, "NoNode") || isZooKeeperError(error, "SessionExpired")) return;
      if (!isZooKeeperError(error, "ConnectionLoss") || attempt >= DELETE_ATTEMPTS) throw error;
    }
  }
}
