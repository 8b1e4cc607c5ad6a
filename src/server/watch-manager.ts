/**
 * Watches held by the server, as ZooKeeper's two `WatchManager`s hold them: data watches
 * (getData, exists, persistent, persistent-recursive) and child watches (getChildren,
 * persistent). A watcher is whatever the connection layer passes in; one trigger gives each
 * watcher at most one event, and one-shot watches are removed when they fire.
 */
import type { ACL } from "../jute/records.ts";
import { EventType } from "../protocol/events.ts";
import { parentPath } from "../protocol/paths.ts";

/** How a watch was set: one-shot (`standard`) or by addWatch. */
export type WatchMode = "standard" | "persistent" | "persistentRecursive";

/** `WatcherType` of checkWatches/removeWatches (§9.9). */
export const WatcherTypeWire = { children: 1, data: 2, any: 3, persistent: 4, persistentRecursive: 5 } as const;

/** One event due to one watcher. */
export interface Delivery<W> {
  readonly watcher: W;
  readonly type: number;
  readonly path: string;
  /**
   * The ACL whose READ permission the watcher needs for the event to be sent (the changed node's,
   * or the parent's for NodeChildrenChanged), as ZooKeeper checks since CVE-2024-23944; the
   * watch is used up either way. Absent: sent unconditionally.
   */
  readonly acl?: readonly ACL[];
}

class WatchTable<W> {
  readonly byPath = new Map<string, Map<W, Set<WatchMode>>>();
  recursiveCount = 0;

  add(path: string, watcher: W, mode: WatchMode): void {
    let watchers = this.byPath.get(path);
    if (watchers === undefined) this.byPath.set(path, watchers = new Map());
    let modes = watchers.get(watcher);
    if (modes === undefined) watchers.set(watcher, modes = new Set());
    if (mode === "persistentRecursive" && !modes.has(mode)) this.recursiveCount++;
    modes.add(mode);
  }

  remove(path: string, watcher: W, mode: WatchMode): boolean {
    const watchers = this.byPath.get(path);
    const modes = watchers?.get(watcher);
    if (watchers === undefined || modes === undefined || !modes.delete(mode)) return false;
    if (mode === "persistentRecursive") this.recursiveCount--;
    if (modes.size === 0) watchers.delete(watcher);
    if (watchers.size === 0) this.byPath.delete(path);
    return true;
  }

  has(path: string, watcher: W, mode: WatchMode): boolean {
    return this.byPath.get(path)?.get(watcher)?.has(mode) ?? false;
  }

  /** Watchers for an event on `path`, one-shot ones removed; recursive ones of ancestors too. */
  trigger(path: string, type: number, acl: readonly ACL[], suppress: Set<W>, out: Delivery<W>[]): void {
    const fire = (watcher: W) => {
      if (suppress.has(watcher)) return;
      suppress.add(watcher);
      out.push({ watcher, type, path, acl });
    };
    const own = this.byPath.get(path);
    if (own !== undefined) {
      for (const [watcher, modes] of [...own]) {
        if (modes.has("standard")) this.remove(path, watcher, "standard");
        fire(watcher);
      }
    }
    // Recursive watches live in the data table only, which never fires NodeChildrenChanged:
    // they see each descendant's own created/deleted/changed event instead.
    if (this.recursiveCount === 0) return;
    for (let p = path; p !== "/";) {
      p = parentPath(p);
      for (const [watcher, modes] of this.byPath.get(p) ?? []) {
        if (modes.has("persistentRecursive")) fire(watcher);
      }
    }
  }

  dropWatcher(watcher: W): void {
    for (const [path, watchers] of [...this.byPath]) {
      const modes = watchers.get(watcher);
      if (modes === undefined) continue;
      if (modes.has("persistentRecursive")) this.recursiveCount--;
      watchers.delete(watcher);
      if (watchers.size === 0) this.byPath.delete(path);
    }
  }
}

/** Both watch tables and the event rules of DataTree (which events fire which watches). */
export class WatchManager<W> {
  readonly data = new WatchTable<W>();
  readonly child = new WatchTable<W>();

  /** getData/exists with watch. */
  addDataWatch(path: string, watcher: W): void {
    this.data.add(path, watcher, "standard");
  }

  /** getChildren with watch. */
  addChildWatch(path: string, watcher: W): void {
    this.child.add(path, watcher, "standard");
  }

  /** addWatch: persistent watches sit in both tables, recursive ones only in the data table. */
  addPersistent(path: string, watcher: W, recursive: boolean): void {
    if (recursive) {
      this.data.add(path, watcher, "persistentRecursive");
      return;
    }
    this.data.add(path, watcher, "persistent");
    this.child.add(path, watcher, "persistent");
  }

  /**
   * Events of a create, in ZooKeeper's order: NodeCreated on the node, then the parent's
   * children; `acl` is the new node's, `parentAcl` its parent's.
   */
  created(path: string, acl: readonly ACL[], parentAcl: readonly ACL[]): Delivery<W>[] {
    const out: Delivery<W>[] = [];
    this.data.trigger(path, EventType.NodeCreated, acl, new Set(), out);
    this.child.trigger(parentPath(path), EventType.NodeChildrenChanged, parentAcl, new Set(), out);
    return out;
  }

  /** Events of a delete: NodeDeleted to data and child watchers of the node, then the parent. */
  deleted(path: string, acl: readonly ACL[], parentAcl: readonly ACL[]): Delivery<W>[] {
    const out: Delivery<W>[] = [];
    const seen = new Set<W>();
    this.data.trigger(path, EventType.NodeDeleted, acl, seen, out);
    this.child.trigger(path, EventType.NodeDeleted, acl, seen, out);
    this.child.trigger(parentPath(path), EventType.NodeChildrenChanged, parentAcl, new Set(), out);
    return out;
  }

  /** Events of a setData on a node with `acl`. */
  changed(path: string, acl: readonly ACL[]): Delivery<W>[] {
    const out: Delivery<W>[] = [];
    this.data.trigger(path, EventType.NodeDataChanged, acl, new Set(), out);
    return out;
  }

  /**
   * checkWatches/removeWatches with a `WatcherType` wire value: whether `watcher` has such a watch
   * on `path`, and, when `remove`, removes it.
   */
  matchWatch(path: string, watcher: W, type: number, remove: boolean): boolean {
    const targets: [WatchTable<W>, WatchMode][] = [];
    switch (type) {
      case WatcherTypeWire.children:
        targets.push([this.child, "standard"]);
        break;
      case WatcherTypeWire.data:
        targets.push([this.data, "standard"]);
        break;
      case WatcherTypeWire.any:
        targets.push([this.child, "standard"], [this.data, "standard"], [this.data, "persistent"], [
          this.child,
          "persistent",
        ], [this.data, "persistentRecursive"]);
        break;
      case WatcherTypeWire.persistent:
        targets.push([this.data, "persistent"], [this.child, "persistent"]);
        break;
      case WatcherTypeWire.persistentRecursive:
        targets.push([this.data, "persistentRecursive"]);
        break;
      default:
        return false;
    }
    let found = false;
    for (const [table, mode] of targets) {
      if (!table.has(path, watcher, mode)) continue;
      found = true;
      if (remove) table.remove(path, watcher, mode);
    }
    return found;
  }

  /** Forgets every watch of a watcher (its connection closed). */
  dropWatcher(watcher: W): void {
    this.data.dropWatcher(watcher);
    this.child.dropWatcher(watcher);
  }

  /** Watched paths per watcher (wchc) and watchers per path (wchp). */
  watchedPaths(): Map<string, W[]> {
    const out = new Map<string, W[]>();
    for (const table of [this.data, this.child]) {
      for (const [path, watchers] of table.byPath) {
        const list = out.get(path) ?? [];
        for (const w of watchers.keys()) if (!list.includes(w)) list.push(w);
        out.set(path, list);
      }
    }
    return out;
  }
}
