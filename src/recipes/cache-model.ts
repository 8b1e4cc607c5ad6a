/**
 * What a {@link CuratorCache} holds and how two views of a tree differ: pure functions, so the
 * rules that keep the cache consistent (which read may replace a cached node, what a re-read
 * after a reconnect gap reports) are tested without a server.
 *
 * Invariant: a node's `mzxid` only grows (every create and setData gets a new, larger zxid), so
 * of two reads of one path the one with the larger `mzxid` is the later state.
 * @module
 */
import type { Stat } from "../jute/records.ts";

/** A cached node, as Curator's `ChildData`: its full path, its stat and its data. */
export interface ChildData {
  readonly path: string;
  readonly stat: Stat;
  readonly data: Uint8Array;
}

/** Curator's `CuratorCacheListener.Type`. */
export type CacheEventType = "NODE_CREATED" | "NODE_CHANGED" | "NODE_DELETED";

/**
 * One change of the cache, as Curator's listener receives it: `oldData` is undefined for a
 * create, `data` undefined for a delete; a change carries both.
 */
export interface CacheChange {
  readonly type: CacheEventType;
  readonly oldData: ChildData | undefined;
  readonly data: ChildData | undefined;
}

/**
 * Whether `read` may replace `cached`: only a later state of the node does (a larger `mzxid`).
 * A read answered before a newer one was applied — a reply to an event's read overtaken by a
 * re-read of the whole tree — is stale and must not roll the cache back.
 */
export function isNewer(cached: ChildData | undefined, read: ChildData): boolean {
  return cached === undefined || read.stat.mzxid > cached.stat.mzxid;
}

/** The change that applying `read` makes, or undefined when it changes nothing. */
export function changeOnRead(cached: ChildData | undefined, read: ChildData): CacheChange | undefined {
  if (!isNewer(cached, read)) return undefined;
  return { type: cached === undefined ? "NODE_CREATED" : "NODE_CHANGED", oldData: cached, data: read };
}

/**
 * What changed from `cached` to `fresh` (a re-read of the whole tree): deletes first, deepest
 * paths first (a child goes before its parent), then creates and changes in path order (a
 * parent before its children — a path sorts before every path it prefixes). A node counts as
 * changed when its `mzxid` differs (new data, or deleted and re-created in between); a stat
 * that differs only in its children's counters is no change, as in Curator.
 */
export function diffTrees(
  cached: ReadonlyMap<string, ChildData>,
  fresh: ReadonlyMap<string, ChildData>,
): CacheChange[] {
  const changes: CacheChange[] = [];
  const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  for (const path of [...cached.keys()].filter((p) => !fresh.has(p)).sort(byPath).reverse()) {
    changes.push({ type: "NODE_DELETED", oldData: cached.get(path), data: undefined });
  }
  for (const path of [...fresh.keys()].sort(byPath)) {
    const before = cached.get(path);
    const after = fresh.get(path)!;
    if (before === undefined) changes.push({ type: "NODE_CREATED", oldData: undefined, data: after });
    else if (before.stat.mzxid !== after.stat.mzxid) {
      changes.push({ type: "NODE_CHANGED", oldData: before, data: after });
    }
  }
  return changes;
}
