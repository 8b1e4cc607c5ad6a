/**
 * Decoders for the request records a client sends (protocol reference §6), the server side of
 * the writers in `src/jute/records.ts`. Malformed input throws `JuteDecodeError`.
 */
import type { JuteReader } from "../jute/reader.ts";
import { type ACL, readACLList } from "../jute/records.ts";

/** A request's path, decoded as ZooKeeper does (invalid UTF-8 becomes U+FFFD); null is malformed. */
export function readPath(r: JuteReader): string {
  return r.requiredString("path", "replace");
}

/** CreateRequest / CreateTTLRequest. */
export interface CreateRequest {
  readonly path: string;
  readonly data: Uint8Array;
  readonly acl: ACL[];
  readonly flags: number;
  readonly ttl: bigint | undefined;
}

/** Reads a create body; `withTtl` for createTTL (opcode 21). */
export function readCreateRequest(r: JuteReader, withTtl: boolean): CreateRequest {
  const path = readPath(r);
  const data = r.buffer() ?? new Uint8Array(0);
  const acl = readACLList(r);
  const flags = r.int();
  return { path, data, acl, flags, ttl: withTtl ? r.long() : undefined };
}

/** A path and an int: delete, check (version), addWatch (mode), check/removeWatches (type). */
export function readPathInt(r: JuteReader): { readonly path: string; readonly value: number } {
  return { path: readPath(r), value: r.int() };
}

/** A path and a watch flag: exists, getData, getChildren, getChildren2. */
export function readPathWatch(r: JuteReader): { readonly path: string; readonly watch: boolean } {
  return { path: readPath(r), watch: r.bool() };
}

/** SetDataRequest. */
export interface SetDataRequest {
  readonly path: string;
  readonly data: Uint8Array;
  readonly version: number;
}

/** Reads a SetDataRequest. */
export function readSetData(r: JuteReader): SetDataRequest {
  return { path: readPath(r), data: r.buffer() ?? new Uint8Array(0), version: r.int() };
}

/** SetACLRequest. */
export function readSetAcl(r: JuteReader): { readonly path: string; readonly acl: ACL[]; readonly version: number } {
  return { path: readPath(r), acl: readACLList(r), version: r.int() };
}

/** SetWatches (101) and, with `persistent`, SetWatches2 (105). */
export interface SetWatchesRequest {
  readonly relativeZxid: bigint;
  readonly data: string[];
  readonly exist: string[];
  readonly child: string[];
  readonly persistent: string[];
  readonly persistentRecursive: string[];
}

/** Reads SetWatches or SetWatches2. */
export function readSetWatches(r: JuteReader, persistent: boolean): SetWatchesRequest {
  const list = () => r.stringList("watch path") ?? [];
  const relativeZxid = r.long();
  const data = list();
  const exist = list();
  const child = list();
  return {
    relativeZxid,
    data,
    exist,
    child,
    persistent: persistent ? list() : [],
    persistentRecursive: persistent ? list() : [],
  };
}

/** AuthPacket. */
export function readAuthPacket(r: JuteReader): { readonly scheme: string; readonly auth: Uint8Array } {
  r.int();
  return { scheme: r.string() ?? "", auth: r.buffer() ?? new Uint8Array(0) };
}
