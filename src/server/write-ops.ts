/**
 * The write operations on single nodes — create (every mode), delete, setData, check, setACL —
 * with ZooKeeper's checks in PrepRequestProcessor's order. Each throws on failure before it
 * changes anything, so a multi can run them one after another and roll back on the first throw.
 */
import type { ACL, Stat } from "../jute/records.ts";
import { Perms } from "../protocol/acl.ts";
import { MAX_TTL } from "../protocol/create-mode.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { OpCode } from "../protocol/opcodes.ts";
import { fixupAcl, requirePermission } from "./acl-policy.ts";
import { CONTAINER_OWNER, isSystemNode, ttlOwner, type Txn } from "./data-tree.ts";
import { checkPath, type OpContext, readable, RequestFailure } from "./op-context.ts";
import type { CreateRequest, SetDataRequest } from "./requests.ts";

/**
 * Creates a node as `opcode` (create, create2, createContainer, createTTL) asks; returns its
 * path. The opcode decides whether it is a container or a TTL node, the flags whether it is
 * ephemeral and sequential (a plain create with the container flag makes a persistent node, a
 * createContainer with any non-TTL flags a container), as ZooKeeper's PrepRequestProcessor does.
 */
export function createNode(ctx: OpContext, opcode: number, request: CreateRequest, txn: Txn): string {
  const { tree, peer } = ctx;
  const { flags } = request;
  if (flags < 0 || flags > 6) throw new RequestFailure(ErrorCode.BadArguments);
  const sequential = flags === 2 || flags === 3 || flags === 6;
  const ttlMode = flags === 5 || flags === 6;
  if (ttlMode && !ctx.options.extendedTypes) throw new RequestFailure(ErrorCode.Unimplemented);
  // Requests other than createTTL carry no TTL: ZooKeeper validates them with TTL -1. A
  // createTTL with another mode is refused too (ZooKeeper lets one with a negative TTL through,
  // and then its server dies applying it).
  const ttl = request.ttl ?? -1n;
  if (ttlMode ? ttl <= 0n || ttl > MAX_TTL : opcode === OpCode.createTTL) {
    throw new RequestFailure(ErrorCode.BadArguments);
  }
  const slash = request.path.lastIndexOf("/");
  if (slash === -1 || request.path.includes("\0")) throw new RequestFailure(ErrorCode.BadArguments);
  const acl = fixupAcl(request.acl, peer.ids);
  const parentName = slash === 0 ? "/" : request.path.slice(0, slash);
  const parent = tree.get(parentName);
  requirePermission(parent.acl, Perms.CREATE, peer.ids);
  const path = tree.createdPath(request.path, parent, sequential);
  checkPath(path);
  tree.checkCreate(path);
  const owner = opcode === OpCode.createContainer
    ? CONTAINER_OWNER
    : opcode === OpCode.createTTL
    ? ttlOwner(ttl)
    : flags === 1 || flags === 3
    ? peer.sessionId
    : 0n;
  tree.create(path, request.data, acl, owner, txn);
  ctx.fire(() => ctx.watches.created(path, acl, parent.acl));
  return path;
}

/**
 * Deletes a node at `version` (-1: any). As ZooKeeper's PrepRequestProcessor: the path needs only
 * a slash and no NUL (a malformed one is then just NoNode) and must not be a system node; the
 * parent's DELETE permission is checked before the node is looked up.
 */
export function deleteNode(ctx: OpContext, path: string, version: number, txn: Txn): void {
  const { tree } = ctx;
  const slash = path.lastIndexOf("/");
  if (slash < 0 || path.includes("\0") || isSystemNode(path)) throw new RequestFailure(ErrorCode.BadArguments);
  const parent = tree.get(readable(path.slice(0, slash)));
  requirePermission(parent.acl, Perms.DELETE, ctx.peer.ids);
  const { acl } = tree.get(path);
  tree.delete(path, version, txn);
  ctx.fire(() => ctx.watches.deleted(path, acl, parent.acl));
}

/** Replaces a node's data at its version (-1: any); returns the new Stat. */
export function setNodeData(ctx: OpContext, request: SetDataRequest, txn: Txn): Stat {
  checkPath(request.path);
  const { acl } = ctx.tree.get(request.path);
  requirePermission(acl, Perms.WRITE, ctx.peer.ids);
  const stat = ctx.tree.setData(request.path, request.data, request.version, txn);
  ctx.fire(() => ctx.watches.changed(request.path, acl));
  return stat;
}

/** A multi's version check. */
export function checkNode(ctx: OpContext, path: string, version: number): void {
  checkPath(path);
  requirePermission(ctx.tree.get(path).acl, Perms.READ, ctx.peer.ids);
  ctx.tree.checkVersion(path, version);
}

/** Replaces a node's ACL at its ACL version (-1: any), the new ACL checked first; returns the new Stat. */
export function setNodeAcl(ctx: OpContext, path: string, acl: readonly ACL[], version: number): Stat {
  checkPath(path);
  const fixed = fixupAcl(acl, ctx.peer.ids);
  requirePermission(ctx.tree.get(path).acl, Perms.ADMIN, ctx.peer.ids);
  return ctx.tree.setAcl(path, fixed, version);
}
