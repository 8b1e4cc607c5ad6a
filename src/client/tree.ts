/**
 * Whole-subtree helpers built from ordinary operations: creating a path with its missing
 * ancestors, and deleting a node with everything below it. They need only the few client
 * methods of {@link TreeClient}.
 */
import type { ACL } from "../jute/records.ts";
import { ZooKeeperError } from "../protocol/errors.ts";
import { joinPath, parentPath, validatePath } from "../protocol/paths.ts";
import type { CreateOptions, VersionOptions, WatchOptions } from "./operations.ts";
import type { SignalOptions } from "./request.ts";

/** What the helpers need of a client. */
export interface TreeClient {
  create(path: string, data?: Uint8Array, options?: CreateOptions): Promise<unknown>;
  delete(path: string, options?: VersionOptions): Promise<void>;
  getChildren(path: string, options?: WatchOptions): Promise<{ children: string[] }>;
}

/** Options of {@link mkdirp}: `data` and `acl` apply to the nodes it creates. */
export type MkdirpOptions = { readonly data?: Uint8Array; readonly acl?: readonly ACL[] } & SignalOptions;

const isCode = (error: unknown, code: string) => error instanceof ZooKeeperError && error.code === code;

/** Creates `path` and every missing ancestor as persistent nodes (existing ones are left alone). */
export async function mkdirp(client: TreeClient, path: string, options: MkdirpOptions): Promise<void> {
  validatePath(path, "create");
  if (path === "/") return;
  try {
    await client.create(path, options.data, { acl: options.acl, signal: options.signal });
  } catch (error) {
    if (isCode(error, "NodeExists")) return;
    if (!isCode(error, "NoNode")) throw error;
    await mkdirp(client, parentPath(path), options);
    try {
      await client.create(path, options.data, { acl: options.acl, signal: options.signal });
    } catch (again) {
      if (!isCode(again, "NodeExists")) throw again;
    }
  }
}

/** How often a node is deleted again when children keep appearing below it. */
const DELETE_ATTEMPTS = 6;

/**
 * Deletes `path` and everything below it; a missing node is not an error. Children are deleted
 * in parallel (pipelined); nodes created concurrently below are deleted too, within a bounded
 * number of retries (then `NotEmpty`).
 */
export async function deleteRecursive(client: TreeClient, path: string, options: SignalOptions): Promise<void> {
  validatePath(path, "delete");
  for (let attempt = 1;; attempt++) {
    let children: string[];
    try {
      ({ children } = await client.getChildren(path, options));
    } catch (error) {
      if (isCode(error, "NoNode")) return;
      throw error;
    }
    await Promise.all(children.map((c) => deleteRecursive(client, joinPath(path, c), options)));
    if (path === "/") return;
    try {
      await client.delete(path, options);
      return;
    } catch (error) {
      if (isCode(error, "NoNode")) return;
      if (!isCode(error, "NotEmpty") || attempt >= DELETE_ATTEMPTS) throw error;
    }
  }
}
