/**
 * ACL rules of the server as pure functions: who may do what to a node (`checkACL`), which ACLs
 * a create or setACL may store (`fixupACL`), and what addAuth grants. Identities are the
 * connection's authInfo: always its `ip`, plus one id per successful addAuth.
 */
import { createHash } from "node:crypto";
import type { ACL, Id } from "../jute/records.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { TreeError } from "./data-tree.ts";

/** The id a super-user's digest grants (`super`, empty id), which passes every ACL check. */
export const SUPER_ID: Id = { scheme: "super", id: "" };

/**
 * `user:` + Base64(SHA-1(`user:password`)), ZooKeeper's digest of `user:password` credentials.
 * Like ZooKeeper's, it takes any text: without a colon the whole text is the user.
 */
export function digestOf(credentials: string): string {
  const colon = credentials.indexOf(":");
  const user = colon < 0 ? credentials : credentials.slice(0, colon);
  return `${user}:${createHash("sha1").update(credentials, "utf8").digest("base64")}`;
}

/** Java's `new String(bytes, UTF_8)`: malformed sequences become U+FFFD instead of failing. */
const javaUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Whether `ip` (dotted IPv4) lies in `pattern` (`a.b.c.d` or `a.b.c.d/bits`). */
export function ipMatches(pattern: string, ip: string): boolean {
  const [base, bitsText] = pattern.split("/", 2);
  const a = ipv4Bits(base ?? "");
  const b = ipv4Bits(ip);
  if (a === undefined || b === undefined) return pattern === ip;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

function ipv4Bits(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    const n = Number(part);
    if (part === "" || !Number.isInteger(n) || n < 0 || n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** Whether one of `ids` is granted any of the bits of `perm` by `acl` (an empty ACL grants all). */
export function permitted(acl: readonly ACL[], perm: number, ids: readonly Id[]): boolean {
  if (acl.length === 0) return true;
  if (ids.some((id) => id.scheme === SUPER_ID.scheme)) return true;
  for (const entry of acl) {
    if ((entry.perms & perm) === 0) continue;
    const { scheme, id } = entry.id;
    if (scheme === "world" && id === "anyone") return true;
    for (const mine of ids) {
      if (mine.scheme !== scheme) continue;
      if (scheme === "ip" ? ipMatches(id, mine.id) : id === mine.id) return true;
    }
  }
  return false;
}

/** Throws NoAuth unless {@link permitted}. */
export function requirePermission(acl: readonly ACL[], perm: number, ids: readonly Id[]): void {
  if (!permitted(acl, perm, ids)) throw new TreeError(ErrorCode.NoAuth, "not authorized");
}

function validId(id: Id): boolean {
  switch (id.scheme) {
    case "world":
      return id.id === "anyone";
    case "digest":
      return id.id.split(":").length === 2;
    case "ip": {
      const [base, bits] = id.id.split("/", 2);
      return ipv4Bits(base ?? "") !== undefined && (bits === undefined || /^\d+$/.test(bits) && Number(bits) <= 32);
    }
    default:
      return false;
  }
}

/**
 * The ACL to store for a create or setACL: `auth` entries become one entry per authenticated
 * identity of the connection (digest ones; `ip` is not an authenticated scheme); throws
 * InvalidACL for an empty list, an unknown scheme, a malformed id, or `auth` with no identity.
 */
export function fixupAcl(acl: readonly ACL[], ids: readonly Id[]): ACL[] {
  if (acl.length === 0) throw new TreeError(ErrorCode.InvalidACL, "empty ACL");
  const out: ACL[] = [];
  for (const entry of acl) {
    if (entry.id.scheme === "auth") {
      const authenticated = ids.filter((id) => id.scheme === "digest" || id.scheme === "super");
      if (authenticated.length === 0) {
        throw new TreeError(ErrorCode.InvalidACL, "auth ACL without an authenticated identity");
      }
      for (const id of authenticated) out.push({ perms: entry.perms, id });
    } else if (validId(entry.id)) {
      out.push(entry);
    } else {
      throw new TreeError(ErrorCode.InvalidACL, `invalid ACL id ${entry.id.scheme}:${entry.id.id}`);
    }
  }
  return out;
}

/**
 * The ids an addAuth grants, or undefined for a scheme the server lacks (it then answers
 * AuthFailed and closes the connection). A digest equal to the super digest grants {@link SUPER_ID} as well.
 */
export function authenticate(
  scheme: string,
  credentials: Uint8Array,
  remoteIp: string,
  superDigest: string | undefined,
): Id[] | undefined {
  if (scheme === "ip") return [{ scheme: "ip", id: remoteIp }];
  if (scheme !== "digest") return undefined;
  // ZooKeeper's digest provider accepts any bytes as credentials.
  const digest = digestOf(javaUtf8.decode(credentials));
  const ids: Id[] = [{ scheme: "digest", id: digest }];
  if (superDigest !== undefined && digest === superDigest) ids.push(SUPER_ID);
  return ids;
}
