/**
 * The watch operations: setWatches/setWatches2 after a reconnect, addWatch, and
 * checkWatches/removeWatches.
 */
import { ErrorCode } from "../protocol/errors.ts";
import { EventType } from "../protocol/events.ts";
import { type OpContext, type Peer, RequestFailure } from "./op-context.ts";
import type { SetWatchesRequest } from "./requests.ts";
import { type Delivery, WatcherTypeWire } from "./watch-manager.ts";

/**
 * Re-registers a reconnecting client's watches. A watch whose trigger it missed (relative to
 * the last zxid it saw) fires at once instead: NodeDeleted/NodeDataChanged for data watches,
 * NodeCreated for exist watches, NodeDeleted/NodeChildrenChanged for child watches.
 */
export function setWatches(ctx: OpContext, request: SetWatchesRequest): void {
  const { relativeZxid } = request;
  const { peer, watches } = ctx;
  const out: Delivery<Peer>[] = [];
  const nodes = ctx.tree.nodes;
  for (const path of request.data) {
    const node = nodes.get(path);
    if (node === undefined) out.push({ watcher: peer, type: EventType.NodeDeleted, path });
    else if (node.stat.mzxid > relativeZxid) out.push({ watcher: peer, type: EventType.NodeDataChanged, path });
    else watches.addDataWatch(path, peer);
  }
  for (const path of request.exist) {
    if (nodes.has(path)) out.push({ watcher: peer, type: EventType.NodeCreated, path });
    else watches.addDataWatch(path, peer);
  }
  for (const path of request.child) {
    const node = nodes.get(path);
    if (node === undefined) out.push({ watcher: peer, type: EventType.NodeDeleted, path });
    else if (node.stat.pzxid > relativeZxid) out.push({ watcher: peer, type: EventType.NodeChildrenChanged, path });
    else watches.addChildWatch(path, peer);
  }
  for (const path of request.persistent) watches.addPersistent(path, peer, false);
  for (const path of request.persistentRecursive) watches.addPersistent(path, peer, true);
  ctx.fire(() => out);
}

/** addWatch: mode 0 is persistent, 1 persistent-recursive; the path is not validated (as in ZooKeeper). */
export function addWatch(ctx: OpContext, path: string, mode: number): void {
  // ZooKeeper fails to convert another mode and answers as for a request it cannot read.
  if (mode !== 0 && mode !== 1) throw new RequestFailure(ErrorCode.MarshallingError);
  ctx.watches.addPersistent(path, ctx.peer, mode === 1);
}

/**
 * checkWatches (`remove` false) and removeWatches: NoWatcher when there is no such watch. An
 * unknown watcher type is answered MarshallingError, as ZooKeeper does. checkWatches looks
 * through the path and its parents (ZooKeeper 3.8's PathParentIterator, probed): a non-empty
 * path without a leading `/` makes that walk fail (MarshallingError), and "" gives it nothing to
 * look at (NoWatcher, whatever is watched).
 */
export function matchWatches(ctx: OpContext, path: string, type: number, remove: boolean): void {
  const walkFails = !remove && path !== "" && !path.startsWith("/");
  if (!Object.values(WatcherTypeWire).includes(type as never) || walkFails) {
    throw new RequestFailure(ErrorCode.MarshallingError);
  }
  const found = (remove || path !== "") && ctx.watches.matchWatch(path, ctx.peer, type, remove);
  if (!found) throw new RequestFailure(ErrorCode.NoWatcher);
}
