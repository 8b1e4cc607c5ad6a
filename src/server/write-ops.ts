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
import { parentPath } from "../protocol/paths.ts";
import { fixupAcl, requirePermission } from "./acl-policy.ts";
import { CONTAINER_OWNER, type Txn, ttlOwner } from "./data-tree.ts";
import { type OpContext, RequestFailure, checkPath } from "./op-context.ts";
import type { CreateRequest, SetDataRequest } from "./requests.ts";

/** Creates a node as `opcode` (create, create2, createContainer, createTTL) asks; returns its path. */
export function createNode(ctx: OpContext, opcode: number, request: CreateRequest, txn: Txn): string {
  const { tree, peer } = ctx;
  const { flags } = request;
  if (flags < 0 || flags > 6) throw new RequestFailure(ErrorCode.BadArguments);
  const sequential = flags === 2 || flags === 3 || flags === 6;
  const isTtl = flags === 5 || flags === 6;
  const isContainer = flags === 4;
  checkPath(sequential ? `${request.path}1` : request.path);
  if (isTtl !== (opcode === OpCode.createTTL) || isContainer !== (opcode === OpCode.createContainer)) {
    throw new RequestFailure(ErrorCode.BadArguments);
  }
  if (isTtl) {
    if (!ctx.options.extendedTypes) throw new RequestFailure(ErrorCode.Unimplemented);
    const ttl = request.ttl ?? 0n;
    if (ttl <= 0n || ttl > MAX_TTL) throw new RequestFailure(ErrorCode.BadArguments);
  }
  const parent = tree.get(parentPath(request.path));
  requirePermission(parent.acl, Perms.CREATE, peer.ids);
  const path = tree.createdPath(request.path, sequential);
  tree.checkCreate(path);
  const acl = fixupAcl(request.acl, peer.ids);
  const ephemeral = flags === 1 || flags === 3;
  const owner = ephemeral ? peer.sessionId : isContainer ? CONTAINER_OWNER : isTtl ? ttlOwner(request.ttl ?? 0n) : 0n;
  tree.create(path, request.data, acl, owner, txn);
  ctx.out.push(...ctx.watches.created(path));
  return path;
}

/** Deletes a node at `version` (-1: any). */
export function deleteNode(ctx: OpContext, path: string, version: number, txn: Txn): void {
  const { tree } = ctx;
  checkPath(path);
  if (path !== "/") {
    const parent = tree.get(parentPath(path));
    tree.get(path);
    requirePermission(parent.acl, Perms.DELETE, ctx.peer.ids);
  }
  tree.delete(path, version, txn);
  ctx.out.push(...ctx.watches.deleted(path));
}

/** Replaces a node's data at its version (-1: any); returns the new Stat. */
export function setNodeData(ctx: OpContext, request: SetDataRequest, txn: Txn): Stat {
  checkPath(request.path);
  requirePermission(ctx.tree.get(request.path).acl, Perms.WRITE, ctx.peer.ids);
  const stat = ctx.tree.setData(request.path, request.data, request.version, txn);
  ctx.out.push(...ctx.watches.changed(request.path));
  return stat;
}

/** A multi's version check. */
export function checkNode(ctx: OpContext, path: string, version: number): void {
  checkPath(path);
  requirePermission(ctx.tree.get(path).acl, Perms.READ, ctx.peer.ids);
  ctx.tree.checkVersion(path, version);
}

/** Replaces a node's ACL at its ACL version (-1: any); returns the new Stat. */
export function setNodeAcl(ctx: OpContext, path: string, acl: readonly ACL[], version: number): Stat {
  checkPath(path);
  requirePermission(ctx.tree.get(path).acl, Perms.ADMIN, ctx.peer.ids);
  return ctx.tree.setAcl(path, fixupAcl(acl, ctx.peer.ids), version);
}
