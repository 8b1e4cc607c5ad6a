/**
 * Curator's protected mode: a sequential node's name starts with `_c_<uuid>-`, so a client whose
 * create was cut by a connection loss can find the node it made (or learn it made none) by
 * listing the parent, instead of leaving an orphan that holds a lock or a leadership forever.
 * @module
 */
import type { CreateMode } from "../protocol/create-mode.ts";
import { ZooKeeperError } from "../protocol/errors.ts";

/** What every protected name begins with (Curator's `ProtectedUtils.PROTECTED_PREFIX`). */
export const PROTECTED_PREFIX = "_c_";

/** A fresh protection id: a random UUID, as Curator uses. */
export function newProtectionId(): string {
  return crypto.randomUUID();
}

/** The name to create: `_c_<uuid>-<name>` (the server appends the sequence to it). */
export function protectedName(protectionId: string, name: string): string {
  return `${PROTECTED_PREFIX}${protectionId}-${name}`;
}

/** Whether `child` was created with `protectionId` (its name starts `_c_<uuid>-`). */
export function isOwnNode(child: string, protectionId: string): boolean {
  return child.startsWith(`${PROTECTED_PREFIX}${protectionId}-`);
}

/** The minimal client a protected create needs. */
export interface ProtectedCreateClient {
  create(path: string, data?: Uint8Array, options?: { readonly mode?: CreateMode }): Promise<{ path: string }>;
  getChildren(path: string): Promise<{ children: string[] }>;
  mkdirp(path: string): Promise<void>;
}

/** Whether `error` is the ZooKeeper error named `code`. */
export function isZooKeeperError(error: unknown, code: ZooKeeperError["code"]): boolean {
  return error instanceof ZooKeeperError && error.code === code;
}

/**
 * Creates `<parent>/_c_<uuid>-<name><seq>` (ephemeral sequential) with `data` and returns its
 * full path. Creates missing parents. After a connection loss it lists `parent` for a child
 * carrying its uuid before trying again, so at most one node exists per call.
 */
export async function createProtected(
  zk: ProtectedCreateClient,
  parent: string,
  name: string,
  data: Uint8Array,
  protectionId: string = newProtectionId(),
): Promise<string> {
  const path = `${parent === "/" ? "" : parent}/${protectedName(protectionId, name)}`;
  for (let attempt = 0;; attempt++) {
    try {
      return (await zk.create(path, data, { mode: "ephemeral-sequential" })).path;
    } catch (error) {
      if (isZooKeeperError(error, "NoNode") && attempt < 3) {
        await zk.mkdirp(parent);
        continue;
      }
      if (!isZooKeeperError(error, "ConnectionLoss") || attempt >= 3) throw error;
      // The create may have reached the server: find it by the uuid before trying again.
      const found = await findOwnNode(zk, parent, protectionId);
      if (found !== undefined) return found;
    }
  }
}

/** The full path of the child of `parent` created with `protectionId`, if any. */
export async function findOwnNode(
  zk: Pick<ProtectedCreateClient, "getChildren">,
  parent: string,
  protectionId: string,
): Promise<string | undefined> {
  const { children } = await zk.getChildren(parent);
  const child = children.find((c) => isOwnNode(c, protectionId));
  return child === undefined ? undefined : `${parent === "/" ? "" : parent}/${child}`;
}
