import { createHash } from "node:crypto";
import type { ACL, Id } from "../jute/records.ts";

/** Permission bits of an ACL entry (protocol reference §11.1). */
export const Perms = {
  READ: 1,
  WRITE: 2,
  CREATE: 4,
  DELETE: 8,
  ADMIN: 16,
  ALL: 31,
} as const;

/** Well-known identities (`ZooDefs.Ids`). */
export const Ids = {
  ANYONE_ID_UNSAFE: { scheme: "world", id: "anyone" } as Id,
  AUTH_IDS: { scheme: "auth", id: "" } as Id,
} as const;

/** Anyone may do anything. The default ACL of `create`. */
export const OPEN_ACL_UNSAFE: readonly ACL[] = Object.freeze([{ perms: Perms.ALL, id: Ids.ANYONE_ID_UNSAFE }]);
/** Everything for the identities of the creating connection (needs an authenticated identity). */
export const CREATOR_ALL_ACL: readonly ACL[] = Object.freeze([{ perms: Perms.ALL, id: Ids.AUTH_IDS }]);
/** Anyone may read. */
export const READ_ACL_UNSAFE: readonly ACL[] = Object.freeze([{ perms: Perms.READ, id: Ids.ANYONE_ID_UNSAFE }]);

/**
 * The digest ACL id for `user:password` (§11.3): `user:` + Base64(SHA-1("user:password")).
 *
 * @example
 * ```ts
 * const acl = [{ perms: Perms.ALL, id: { scheme: "digest", id: digestId("alice", "secret") } }];
 * ```
 */
export function digestId(user: string, password: string): string {
  const hash = createHash("sha1").update(`${user}:${password}`, "utf8").digest("base64");
  return `${user}:${hash}`;
}
