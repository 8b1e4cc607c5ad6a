/**
 * Encoders and decoders for the jute records of the client protocol (protocol reference §6).
 * Pure functions over {@link JuteWriter}/{@link JuteReader}; field order is wire order.
 */
import type { JuteReader } from "./reader.ts";
import type { JuteWriter } from "./writer.ts";

/** Node metadata (`Stat`, 68 bytes). Times are ms since the epoch as numbers (exact to 2^53). */
export interface Stat {
  readonly czxid: bigint;
  readonly mzxid: bigint;
  readonly ctime: number;
  readonly mtime: number;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  /** Owner session of an ephemeral node; 0 for persistent (see §10.1 for containers/TTL). */
  readonly ephemeralOwner: bigint;
  readonly dataLength: number;
  readonly numChildren: number;
  readonly pzxid: bigint;
}

/** An identity, e.g. `{ scheme: "world", id: "anyone" }`. */
export interface Id {
  readonly scheme: string;
  readonly id: string;
}

/** One ACL entry: a permission bit set (see `Perms`) granted to an identity. */
export interface ACL {
  readonly perms: number;
  readonly id: Id;
}

/** The first frame a client sends on a connection. */
export interface ConnectRequest {
  readonly protocolVersion: number;
  readonly lastZxidSeen: bigint;
  readonly timeOut: number;
  readonly sessionId: bigint;
  readonly passwd: Uint8Array;
  readonly readOnly: boolean;
}

/** The server's answer to a {@link ConnectRequest}; `timeOut <= 0` means the session expired. */
export interface ConnectResponse {
  readonly protocolVersion: number;
  readonly timeOut: number;
  readonly sessionId: bigint;
  readonly passwd: Uint8Array;
  readonly readOnly: boolean;
}

/** The header of every reply after the handshake. */
export interface ReplyHeader {
  readonly xid: number;
  readonly zxid: bigint;
  readonly err: number;
}

/** A watch notification as sent by the server (server path). */
export interface WatcherEventRecord {
  readonly type: number;
  readonly state: number;
  readonly path: string;
}

/** An identity attached to the connection, as reported by whoAmI. */
export interface ClientInfo {
  readonly authScheme: string;
  readonly user: string;
}

/** One header of a multi request or response (§12). */
export interface MultiHeader {
  readonly type: number;
  readonly done: boolean;
  readonly err: number;
}

/** `ConnectRequest` (§3.1): 45 bytes with a 16-byte password. */
export function writeConnectRequest(w: JuteWriter, r: ConnectRequest): void {
  w.int(r.protocolVersion).long(r.lastZxidSeen).int(r.timeOut).long(r.sessionId).buffer(r.passwd).bool(r.readOnly);
}

/** `ConnectRequest`, as a server reads it (the `readOnly` byte is optional); for tests and tools. */
export function readConnectRequest(r: JuteReader): ConnectRequest {
  return {
    protocolVersion: r.int(),
    lastZxidSeen: r.long(),
    timeOut: r.int(),
    sessionId: r.long(),
    passwd: r.buffer() ?? new Uint8Array(0),
    readOnly: r.remaining > 0 ? r.bool() : false,
  };
}

/** The trailing `readOnly` byte is optional: old servers (and old-style requests) omit it (§3.2). */
export function readConnectResponse(r: JuteReader): ConnectResponse {
  return {
    protocolVersion: r.int(),
    timeOut: r.int(),
    sessionId: r.long(),
    passwd: r.buffer() ?? new Uint8Array(0),
    readOnly: r.remaining > 0 ? r.bool() : false,
  };
}

/** `ConnectResponse` in its 37-byte form (§3.2); for tests and tools. */
export function writeConnectResponse(w: JuteWriter, r: ConnectResponse): void {
  w.int(r.protocolVersion).int(r.timeOut).long(r.sessionId).buffer(r.passwd).bool(r.readOnly);
}

/** `RequestHeader`: xid and opcode (§4.1). */
export function writeRequestHeader(w: JuteWriter, xid: number, type: number): void {
  w.int(xid).int(type);
}

/** `ReplyHeader`: xid, zxid and error code (§4.1). */
export function readReplyHeader(r: JuteReader): ReplyHeader {
  return { xid: r.int(), zxid: r.long(), err: r.int() };
}

/** `ReplyHeader`, as a server writes it; for tests and tools. */
export function writeReplyHeader(w: JuteWriter, h: ReplyHeader): void {
  w.int(h.xid).long(h.zxid).int(h.err);
}

/** `Stat` (68 bytes); times become numbers. */
export function readStat(r: JuteReader): Stat {
  return {
    czxid: r.long(),
    mzxid: r.long(),
    ctime: Number(r.long()),
    mtime: Number(r.long()),
    version: r.int(),
    cversion: r.int(),
    aversion: r.int(),
    ephemeralOwner: r.long(),
    dataLength: r.int(),
    numChildren: r.int(),
    pzxid: r.long(),
  };
}

/** `Stat`, as a server writes it; for tests and tools. */
export function writeStat(w: JuteWriter, s: Stat): void {
  w.long(s.czxid).long(s.mzxid).long(BigInt(s.ctime)).long(BigInt(s.mtime));
  w.int(s.version).int(s.cversion).int(s.aversion).long(s.ephemeralOwner);
  w.int(s.dataLength).int(s.numChildren).long(s.pzxid);
}

function readId(r: JuteReader): Id {
  return { scheme: r.requiredString("Id.scheme"), id: r.requiredString("Id.id") };
}

function readACL(r: JuteReader): ACL {
  return { perms: r.int(), id: readId(r) };
}

/** A `vector<ACL>`. */
export function writeACLList(w: JuteWriter, acl: readonly ACL[]): void {
  w.int(acl.length);
  for (const a of acl) w.int(a.perms).string(a.id.scheme).string(a.id.id);
}

/** An ACL entry takes at least 12 bytes (perms + two string lengths). */
export function readACLList(r: JuteReader): ACL[] {
  return r.vector(readACL, 12, "ACL list") ?? [];
}

/** `CreateRequest`, or `CreateTTLRequest` when `ttl` is given (opcode 21 only, §7.1). */
export function writeCreateRequest(
  w: JuteWriter,
  path: string,
  data: Uint8Array,
  acl: readonly ACL[],
  flags: number,
  ttl?: bigint,
): void {
  w.string(path).buffer(data);
  writeACLList(w, acl);
  w.int(flags);
  if (ttl !== undefined) w.long(ttl);
}

/** Records made of a single path: GetACL, Sync, GetAllChildrenNumber, GetEphemerals requests. */
export function writePathRequest(w: JuteWriter, path: string): void {
  w.string(path);
}

/** Records of a path and a watch flag: Exists, GetData, GetChildren, GetChildren2 requests. */
export function writePathWatchRequest(w: JuteWriter, path: string, watch: boolean): void {
  w.string(path).bool(watch);
}

/**
 * Records of a path and an int: Delete and CheckVersion (version), AddWatch (mode),
 * CheckWatches and RemoveWatches (watcher type).
 */
export function writePathIntRequest(w: JuteWriter, path: string, value: number): void {
  w.string(path).int(value);
}

/** `SetDataRequest`: path, data, expected version. */
export function writeSetDataRequest(w: JuteWriter, path: string, data: Uint8Array, version: number): void {
  w.string(path).buffer(data).int(version);
}

/** `SetACLRequest`: path, ACL list, expected ACL version. */
export function writeSetACLRequest(w: JuteWriter, path: string, acl: readonly ACL[], version: number): void {
  w.string(path);
  writeACLList(w, acl);
  w.int(version);
}

/** `ReconfigRequest` (§6.6): null strings are left out; `curConfigId` -1 skips the version check. */
export function writeReconfigRequest(
  w: JuteWriter,
  joining: string | null,
  leaving: string | null,
  members: string | null,
  curConfigId: bigint,
): void {
  w.string(joining).string(leaving).string(members).long(curConfigId);
}

/** The watch lists of `SetWatches` (101) or, with the persistent lists, `SetWatches2` (105). */
export interface WatchLists {
  readonly data: readonly string[];
  readonly exist: readonly string[];
  readonly child: readonly string[];
  readonly persistent: readonly string[];
  readonly persistentRecursive: readonly string[];
}

/** Writes SetWatches, or SetWatches2 when `withPersistent` (§9.8). */
export function writeSetWatches(w: JuteWriter, relativeZxid: bigint, lists: WatchLists, withPersistent: boolean): void {
  w.long(relativeZxid).stringVector(lists.data).stringVector(lists.exist).stringVector(lists.child);
  if (withPersistent) w.stringVector(lists.persistent).stringVector(lists.persistentRecursive);
}

/** `AuthPacket` (type 0, scheme, credentials; §11.4). */
export function writeAuthPacket(w: JuteWriter, scheme: string, auth: Uint8Array): void {
  w.int(0).string(scheme).buffer(auth);
}

/** `GetSASLRequest`: one token of the client's side of a SASL exchange (§11.7). */
export function writeSaslRequest(w: JuteWriter, token: Uint8Array): void {
  w.buffer(token);
}

/** `MultiHeader`: one per multi operation or result, and the terminator (§12). */
export function writeMultiHeader(w: JuteWriter, h: MultiHeader): void {
  w.int(h.type).bool(h.done).int(h.err);
}

/** `MultiHeader` of a multi result. */
export function readMultiHeader(r: JuteReader): MultiHeader {
  return { type: r.int(), done: r.bool(), err: r.int() };
}

/** `WatcherEvent` of a notification; the path is required. */
export function readWatcherEvent(r: JuteReader): WatcherEventRecord {
  return { type: r.int(), state: r.int(), path: r.requiredString("WatcherEvent.path") };
}

/** `WatcherEvent`, as a server writes it; for tests and tools. */
export function writeWatcherEvent(w: JuteWriter, e: WatcherEventRecord): void {
  w.int(e.type).int(e.state).string(e.path);
}

/**
 * Node data, or a `SetSASLResponse` token; a null buffer (a node created with null data, a
 * server with nothing more to say) is returned as empty bytes.
 */
export function readData(r: JuteReader): Uint8Array {
  return r.buffer() ?? new Uint8Array(0);
}

/** A path that must be present (Create, Create2 and Sync responses). */
export function readPath(r: JuteReader): string {
  return r.requiredString("path");
}

/** A vector of strings (child names, ephemeral paths); a null vector reads as empty. */
export function readStringList(r: JuteReader, what: string): string[] {
  return r.stringList(what) ?? [];
}

/** `WhoAmIResponse`: the connection's identities; null names read as empty. */
export function readClientInfoList(r: JuteReader): ClientInfo[] {
  return r.vector((x) => ({ authScheme: x.string() ?? "", user: x.string() ?? "" }), 8, "ClientInfo list") ?? [];
}

/** Decodes a multi response body: results until the `done` header (§12.2). */
export function readMultiResults<T>(r: JuteReader, readResult: (r: JuteReader, h: MultiHeader) => T): T[] {
  const results: T[] = [];
  for (;;) {
    const h = readMultiHeader(r);
    if (h.done) return results;
    results.push(readResult(r, h));
  }
}
