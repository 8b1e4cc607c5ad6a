/** Argument checks shared by the client API and the multi builders; all throw before sending. */
import type { ACL } from "../jute/records.ts";
import { OPEN_ACL_UNSAFE } from "../protocol/acl.ts";
import { badArguments, ErrorCode, ZooKeeperError } from "../protocol/errors.ts";
import type { OpName } from "../protocol/opcodes.ts";

const EMPTY = new Uint8Array(0);

/** Node data: a Uint8Array (absent = empty) no larger than the frame limit. */
export function validData(data: unknown, op: OpName, path: string, maxFrameSize: number): Uint8Array {
  if (data === undefined) return EMPTY;
  if (!(data instanceof Uint8Array)) {
    throw badArguments(`data must be a Uint8Array, got ${data === null ? "null" : typeof data}`, op, path);
  }
  if (data.length > maxFrameSize) {
    throw badArguments(
      `data of ${data.length} bytes exceeds the ${maxFrameSize}-byte frame limit (jute.maxbuffer)`,
      op,
      path,
    );
  }
  return data;
}

/** An expected version: an int32 from -1 (any) up; absent = -1. */
export function validVersion(version: unknown, op: OpName, path: string): number {
  if (version === undefined) return -1;
  if (typeof version !== "number" || !Number.isInteger(version) || version < -1 || version > 0x7fffffff) {
    throw badArguments(`version must be an integer from -1 to 2^31-1, got ${String(version)}`, op, path);
  }
  return version;
}

/** A non-empty ACL list of well-formed entries; absent = {@link OPEN_ACL_UNSAFE}. */
export function validACL(acl: unknown, op: OpName, path: string): readonly ACL[] {
  if (acl === undefined) return OPEN_ACL_UNSAFE;
  const ok = Array.isArray(acl) && acl.length > 0 && acl.every((a: unknown) => {
    if (typeof a !== "object" || a === null) return false;
    const { perms, id } = a as { perms?: unknown; id?: { scheme?: unknown; id?: unknown } };
    // perms goes on the wire as an int32: a larger number would wrap into other permissions.
    return isInt32(perms) && typeof id?.scheme === "string" && typeof id.id === "string";
  });
  if (!ok) {
    throw new ZooKeeperError(ErrorCode.InvalidACL, {
      op,
      path,
      message: "the ACL must be a non-empty list of { perms, id: { scheme, id } }",
    });
  }
  return acl as readonly ACL[];
}

function isInt32(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= -0x80000000 && (value as number) <= 0x7fffffff;
}
