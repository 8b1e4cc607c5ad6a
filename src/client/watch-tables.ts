/**
 * The client's watch tables (protocol reference §9.3–9.5): five maps from server path to the set
 * of watchers, filled when a reply arrives, consumed when notifications arrive, and listed for
 * SetWatches after a reconnect. Pure bookkeeping: no I/O.
 */
import type { WatchLists } from "../jute/records.ts";
import { parentPath } from "../protocol/paths.ts";
import type { EventTypeName, Watcher } from "../protocol/events.ts";

/** Which table a registration goes to. */
export type WatchKind = "data" | "exist" | "child" | "persistent" | "persistentRecursive";

/** What removeWatches removes (`WatcherType`, §9.9). */
export type WatcherType = "children" | "data" | "any" | "persistent" | "persistentRecursive";

/** `WatcherType` wire values. */
export const WatcherTypeCode: Record<WatcherType, number> = {
  children: 1,
  data: 2,
  any: 3,
  persistent: 4,
  persistentRecursive: 5,
};

const kindsOfType: Record<WatcherType, readonly WatchKind[]> = {
  children: ["child"],
  data: ["data", "exist"],
  any: ["data", "exist", "child", "persistent", "persistentRecursive"],
  persistent: ["persistent"],
  persistentRecursive: ["persistentRecursive"],
};

/** The five watch tables of one session, keyed by server path. */
export class WatchRegistry {
  private readonly tables: Record<WatchKind, Map<string, Set<Watcher>>> = {
    data: new Map(),
    exist: new Map(),
    child: new Map(),
    persistent: new Map(),
    persistentRecursive: new Map(),
  };

  add(kind: WatchKind, serverPath: string, watcher: Watcher): void {
    const table = this.tables[kind];
    let set = table.get(serverPath);
    if (set === undefined) table.set(serverPath, set = new Set());
    set.add(watcher);
  }

  /**
   * The watchers a node notification reaches, each once, removing one-shot registrations
   * (the rules of §9.5).
   */
  trigger(type: EventTypeName, serverPath: string): Set<Watcher> {
    const out = new Set<Watcher>();
    const take = (kind: WatchKind) => {
      const set = this.tables[kind].get(serverPath);
      if (set === undefined) return;
      for (const w of set) out.add(w);
      this.tables[kind].delete(serverPath);
    };
    const copy = (kind: WatchKind, path: string) => {
      const set = this.tables[kind].get(path);
      if (set !== undefined) { for (const w of set) out.add(w); }
    };
    const recursive = () => {
      if (this.tables.persistentRecursive.size === 0) return;
      for (let p = serverPath;; p = parentPath(p)) {
        copy("persistentRecursive", p);
        if (p === "/") break;
      }
    };
    switch (type) {
      case "NodeCreated":
      case "NodeDataChanged":
        take("data");
        take("exist");
        copy("persistent", serverPath);
        recursive();
        break;
      case "NodeChildrenChanged":
        take("child");
        copy("persistent", serverPath);
        break;
      case "NodeDeleted":
        take("data");
        take("exist");
        take("child");
        copy("persistent", serverPath);
        recursive();
        break;
      default:
        break;
    }
    return out;
  }

  /** Every distinct registered watcher (for session-state events). */
  all(): Set<Watcher> {
    const out = new Set<Watcher>();
    for (const t of Object.values(this.tables)) for (const set of t.values()) for (const w of set) out.add(w);
    return out;
  }

  /** True when `type` has a registration on `serverPath` (optionally for one watcher). */
  /**
   * The type to put on the wire to remove the server's watch of `type` on `serverPath` once the
   * local ones are gone: servers before 3.9 know no typed persistent removal (they answer
   * MarshallingError), and when nothing else watches the path, "any" removes exactly the same
   * on every server.
   */
  removalType(type: WatcherType, serverPath: string): WatcherType {
    const persistent = type === "persistent" || type === "persistentRecursive";
    return persistent && !this.has("any", serverPath) ? "any" : type;
  }

  has(type: WatcherType, serverPath: string, watcher?: Watcher): boolean {
    return kindsOfType[type].some((kind) => {
      const set = this.tables[kind].get(serverPath);
      return set !== undefined && (watcher === undefined ? set.size > 0 : set.has(watcher));
    });
  }

  /**
   * Removes registrations of `type` on `serverPath` (only `watcher`'s when given) and returns
   * the removed watchers with the kinds they were removed from, plus whether the server's watch
   * must stay: the path keeps a registration of that type, or a persistent watch on the path
   * needs the same server entry (servers before 3.9 drop a persistent or recursive watch from the
   * data or child table on a standard removal, §9.9; the server watch left behind sends only
   * events the persistent watch receives anyway).
   */
  remove(
    type: WatcherType,
    serverPath: string,
    watcher?: Watcher,
  ): { removed: Map<Watcher, WatchKind[]>; stillWatched: boolean } {
    const removed = new Map<Watcher, WatchKind[]>();
    let stillWatched = false;
    for (const kind of kindsOfType[type]) {
      const table = this.tables[kind];
      const set = table.get(serverPath);
      if (set === undefined) continue;
      for (const w of [...set]) {
        if (watcher !== undefined && w !== watcher) continue;
        set.delete(w);
        removed.set(w, [...(removed.get(w) ?? []), kind]);
      }
      if (set.size === 0) table.delete(serverPath);
      else stillWatched = true;
    }
    const persistentHere = this.tables.persistent.has(serverPath);
    if (type === "data" && (persistentHere || this.tables.persistentRecursive.has(serverPath))) stillWatched = true;
    if (type === "children" && persistentHere) stillWatched = true;
    return { removed, stillWatched };
  }

  /** The server paths of every table, for SetWatches / SetWatches2 (§9.8). */
  lists(): WatchLists {
    const keys = (kind: WatchKind) => [...this.tables[kind].keys()];
    return {
      data: keys("data"),
      exist: keys("exist"),
      child: keys("child"),
      persistent: keys("persistent"),
      persistentRecursive: keys("persistentRecursive"),
    };
  }

  /** Forgets everything (the session is gone). */
  clear(): void {
    for (const t of Object.values(this.tables)) t.clear();
  }
}

/** Java's batching limit for SetWatches: summed path lengths per frame (§9.8, §16). */
export const SET_WATCHES_BATCH = 128 * 1024;

/** Bytes of a SetWatches2 frame besides its paths: header, relativeZxid, five vector counts. */
const SET_WATCHES_OVERHEAD = 8 + 8 + 5 * 4;

const encoder = new TextEncoder();

/**
 * Splits watch lists into batches in the order data, exist, child, persistent, recursive, each
 * saying whether it needs SetWatches2. Like Java, a batch holds about {@link SET_WATCHES_BATCH}
 * of paths; unlike Java it is measured in encoded bytes and closed before a path that would
 * take its frame past `maxFrameSize`, so a client with a lowered frame limit still restores
 * every watch (an oversized frame would be refused and those watches silently lost).
 */
export function batchWatchLists(lists: WatchLists, maxFrameSize: number): { lists: WatchLists; persistent: boolean }[] {
  const limit = Math.min(SET_WATCHES_BATCH, maxFrameSize - SET_WATCHES_OVERHEAD);
  const order = ["data", "exist", "child", "persistent", "persistentRecursive"] as const;
  const batches: { lists: WatchLists; persistent: boolean }[] = [];
  let current: Record<(typeof order)[number], string[]> | null = null;
  let size = 0;
  for (const kind of order) {
    for (const path of lists[kind]) {
      const cost = 4 + encoder.encode(path).length;
      if (current !== null && size + cost > limit) {
        batches.push(finish(current));
        current = null;
      }
      if (current === null) {
        current = { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
        size = 0;
      }
      current[kind].push(path);
      size += cost;
    }
  }
  if (current !== null) batches.push(finish(current));
  return batches;
}

function finish(lists: WatchLists): { lists: WatchLists; persistent: boolean } {
  return { lists, persistent: lists.persistent.length > 0 || lists.persistentRecursive.length > 0 };
}
