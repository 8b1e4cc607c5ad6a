/**
 * The read operations: what a node holds (data, children, ACL, Stat), leaving the watch the
 * request asks for. A read changes nothing but the watch tables. ZooKeeper does not validate a
 * read's path: no node lives at an invalid one, so it answers NoNode (and "" is the root).
 */
import type { ACL, Stat } from "../jute/records.ts";
import { Perms } from "../protocol/acl.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { requirePermission } from "./acl-policy.ts";
import { TreeError } from "./data-tree.ts";
import { type OpContext, readable } from "./op-context.ts";

/** exists: the Stat; a watch is left whether or not the node exists. */
export function existsNode(ctx: OpContext, path: string, watch: boolean): Stat {
  const node = ctx.tree.nodes.get(readable(path));
  if (watch) ctx.watches.addDataWatch(path, ctx.peer);
  if (node === undefined) throw new TreeError(ErrorCode.NoNode, path);
  return node.stat;
}

/** getData. */
export function getNodeData(ctx: OpContext, path: string, watch: boolean): { data: Uint8Array; stat: Stat } {
  const node = ctx.tree.get(readable(path));
  requirePermission(node.acl, Perms.READ, ctx.peer.ids);
  if (watch) ctx.watches.addDataWatch(path, ctx.peer);
  return { data: node.data, stat: node.stat };
}

/**
 * getChildren and getChildren2: the child names as their encoded jute vector (see ChildNames),
 * which later changes do not alter.
 */
export function getNodeChildren(
  ctx: OpContext,
  path: string,
  watch: boolean,
): { encodedChildren: Uint8Array; stat: Stat } {
  const node = ctx.tree.get(readable(path));
  requirePermission(node.acl, Perms.READ, ctx.peer.ids);
  if (watch) ctx.watches.addChildWatch(path, ctx.peer);
  return { encodedChildren: node.children.encoded(), stat: node.stat };
}

/** getACL: needs READ or ADMIN on the node. */
export function getNodeAcl(ctx: OpContext, path: string): { acl: readonly ACL[]; stat: Stat } {
  const node = ctx.tree.get(readable(path));
  requirePermission(node.acl, Perms.READ | Perms.ADMIN, ctx.peer.ids);
  return { acl: node.acl, stat: node.stat };
}

/** getEphemerals: the session's own ephemeral paths under `prefix`. */
export function ephemeralsOf(ctx: OpContext, prefix: string): string[] {
  return [...(ctx.tree.ephemerals.get(ctx.peer.sessionId) ?? [])].filter((p) => p.startsWith(prefix));
}

/** whoAmI: the connection's identities, a digest id shown by its user name only. */
export function identitiesOf(ctx: OpContext): { scheme: string; user: string }[] {
  return ctx.peer.ids.map((id) => ({
    scheme: id.scheme,
    user: id.scheme === "digest" ? id.id.slice(0, id.id.indexOf(":")) : id.id,
  }));
}
