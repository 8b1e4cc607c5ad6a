/**
 * The server's engine: one data tree, its watches and sessions, and the zxid counter, shared by
 * every listener of a server (or of an in-process ensemble). It runs each request the way
 * ZooKeeper's PrepRequestProcessor and FinalRequestProcessor do — checks in ZooKeeper's order,
 * one zxid per transaction (failed writes and createSession/closeSession included) — sends the
 * watch events a change fires before the reply of the request that caused it, and encodes the
 * reply.
 */
import { JuteReader } from "../jute/reader.ts";
import { type ACL, type ConnectRequest, type ConnectResponse, type Id, type Stat, writeACLList, writeMultiHeader, writeReplyHeader, writeStat } from "../jute/records.ts";
import { JuteWriter } from "../jute/writer.ts";
import { OPEN_ACL_UNSAFE, Perms, READ_ACL_UNSAFE } from "../protocol/acl.ts";
import { MAX_TTL } from "../protocol/create-mode.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { EventType, KeeperState } from "../protocol/events.ts";
import { OpCode, Xid } from "../protocol/opcodes.ts";
import { parentPath, pathProblem } from "../protocol/paths.ts";
import { authenticate, fixupAcl, requirePermission } from "./acl-policy.ts";
import { CONTAINER_OWNER, DataTree, TreeError, type Txn, ttlOf, ttlOwner } from "./data-tree.ts";
import { type CreateRequest, type SetDataRequest, readAuthPacket, readCreateRequest, readPathInt, readPathWatch, readSetAcl, readSetData, readSetWatches, type SetWatchesRequest } from "./requests.ts";
import { SessionTable, type TimeoutBounds, negotiateTimeout } from "./sessions.ts";
import { type Delivery, WatchManager } from "./watch-manager.ts";

/** A client connection as the engine sees it: its session, identities and a way to talk to it. */
export interface Peer {
  /** 0n until the handshake is done. */
  readonly sessionId: bigint;
  /** The connection's authInfo (`ip` first, then one id per successful addAuth). */
  readonly ids: Id[];
  readonly remoteIp: string;
  /** Queues one frame (length prefix included) for the socket. */
  send(frame: Uint8Array): void;
  /** Closes the connection once queued frames are written. */
  close(): void;
}

/** Engine settings (see `ServerOptions`). */
export interface EngineOptions {
  readonly bounds: TimeoutBounds;
  readonly extendedTypes: boolean;
  readonly superDigest: string | undefined;
}

/** Per-op result of a multi, before encoding. */
type MultiResult = { readonly type: number; readonly err: number; readonly path?: string; readonly stat?: Stat };

const writeOps: ReadonlySet<number> = new Set([
  OpCode.create, OpCode.create2, OpCode.createContainer, OpCode.createTTL, OpCode.delete, OpCode.deleteContainer,
  OpCode.setData, OpCode.setACL, OpCode.check, OpCode.multi, OpCode.reconfig,
]);

const knownOps: ReadonlySet<number> = new Set(Object.values(OpCode));

/** Why the engine answers a request with a bare error header. */
class RequestFailure extends Error {
  constructor(readonly errno: number) {
    super(`error ${errno}`);
  }
}

/** See the module comment. */
export class Engine {
  readonly tree = new DataTree(OPEN_ACL_UNSAFE, new Uint8Array(0), READ_ACL_UNSAFE);
  readonly watches = new WatchManager<Peer>();
  readonly sessions: SessionTable;
  /** The connection currently serving each session. */
  readonly peers = new Map<bigint, Peer>();
  /** Last transaction applied. */
  zxid = 0n;
  /** Requests served (for stat/mntr). */
  served = 0;
  readonly startedAt = Date.now();
  readonly #writer = new JuteWriter(64 * 1024);

  constructor(readonly options: EngineOptions) {
    this.sessions = new SessionTable(Date.now());
  }

  #txn(): Txn {
    return { zxid: ++this.zxid, time: Date.now() };
  }

  /**
   * Answers a ConnectRequest: a new session, a resumed one (same id and password), or — for an
   * unknown session or wrong password — ZooKeeper's "expired" answer (timeout 0, id 0, a zero
   * password), after which the caller closes the connection. Undefined when the client has seen
   * a later zxid than this server's (ZooKeeper refuses it by closing the connection).
   */
  connect(peer: Peer, request: ConnectRequest): { response: ConnectResponse; valid: boolean } | undefined {
    if (request.lastZxidSeen > this.zxid) return undefined;
    const now = Date.now();
    const timeout = negotiateTimeout(request.timeOut, this.options.bounds);
    if (request.sessionId === 0n) {
      this.zxid++; // createSession is a transaction
      const session = this.sessions.open(timeout, now);
      this.peers.set(session.id, peer);
      return { response: { protocolVersion: 0, timeOut: timeout, sessionId: session.id, passwd: session.password, readOnly: false }, valid: true };
    }
    const session = this.sessions.resume(request.sessionId, request.passwd);
    if (session === undefined) {
      return { response: { protocolVersion: 0, timeOut: 0, sessionId: 0n, passwd: new Uint8Array(16), readOnly: false }, valid: false };
    }
    session.timeout = timeout;
    session.deadline = now + timeout;
    const previous = this.peers.get(session.id);
    this.peers.set(session.id, peer);
    if (previous !== undefined && previous !== peer) previous.close();
    return { response: { protocolVersion: 0, timeOut: timeout, sessionId: session.id, passwd: session.password, readOnly: false }, valid: true };
  }

  /** A connection ended: its watches go (its session lives on until it expires or resumes). */
  disconnected(peer: Peer): void {
    this.watches.dropWatcher(peer);
    if (peer.sessionId !== 0n && this.peers.get(peer.sessionId) === peer) this.peers.delete(peer.sessionId);
  }

  /** Any frame from a session's connection keeps the session alive. */
  touch(peer: Peer): void {
    this.sessions.touch(peer.sessionId, Date.now());
  }

  /**
   * Ends a session as a closeSession transaction: its ephemeral nodes are deleted (their
   * watchers notified) and its connection, if any, closed — the client learns of the expiry at
   * its next handshake. Returns whether the session existed.
   */
  closeSession(id: bigint): boolean {
    if (!this.sessions.sessions.has(id)) return false;
    const txn = this.#txn();
    this.sessions.remove(id);
    const deliveries: Delivery<Peer>[] = [];
    for (const path of [...(this.tree.ephemerals.get(id) ?? [])].sort().reverse()) {
      this.tree.delete(path, -1, txn);
      deliveries.push(...this.watches.deleted(path));
    }
    this.#deliver(deliveries);
    const peer = this.peers.get(id);
    this.peers.delete(id);
    if (peer !== undefined) {
      this.watches.dropWatcher(peer);
      peer.close();
    }
    return true;
  }

  /** Expires every session whose deadline passed (called every tick). */
  expireDue(): void {
    for (const session of this.sessions.due(Date.now())) this.closeSession(session.id);
  }

  /**
   * Deletes empty containers that once had a child, and TTL nodes without children untouched
   * for their TTL, each as its own transaction (ZooKeeper's ContainerManager).
   */
  reap(): void {
    const now = Date.now();
    for (const [path, node] of [...this.tree.nodes]) {
      if (node.children.size > 0 || !this.tree.nodes.has(path)) continue;
      const owner = node.stat.ephemeralOwner;
      const ttl = ttlOf(owner);
      const dueContainer = owner === CONTAINER_OWNER && node.stat.cversion > 0;
      const dueTtl = ttl !== undefined && BigInt(now - node.stat.mtime) > ttl;
      if (!dueContainer && !dueTtl) continue;
      this.tree.delete(path, -1, this.#txn());
      this.#deliver(this.watches.deleted(path));
    }
  }

  #deliver(deliveries: readonly Delivery<Peer>[]): void {
    const w = this.#writer;
    for (const d of deliveries) {
      const mark = w.beginFrame();
      writeReplyHeader(w, { xid: Xid.notification, zxid: -1n, err: 0 });
      w.int(d.type).int(KeeperState.SyncConnected).string(d.path);
      w.endFrame(mark);
      d.watcher.send(w.take());
    }
  }

  /**
   * Runs one request frame body (after the length prefix) from an established session and sends
   * the reply (and first any events it fires). Returns false when the connection must close
   * (closeSession, a failed addAuth, an unknown opcode, a header too short to read).
   */
  handle(peer: Peer, frame: Uint8Array): boolean {
    if (frame.length < 8) return false;
    const reader = new JuteReader(frame);
    const xid = reader.int();
    const opcode = reader.int();
    this.served++;
    if (opcode === OpCode.ping) {
      // Whatever xid the ping carried, ZooKeeper answers it with the ping xid.
      this.#reply(peer, Xid.ping, this.zxid, 0);
      return true;
    }
    if (opcode === OpCode.auth) return this.#auth(peer, reader);
    if (opcode === OpCode.closeSession) {
      this.closeSession(peer.sessionId);
      this.#reply(peer, xid, this.zxid, 0);
      peer.close();
      return false;
    }
    if (!knownOps.has(opcode) || opcode === OpCode.sasl) {
      // As ZooKeeper 3.8 does (probed): Unimplemented with zxid -1, then the connection closes.
      this.#reply(peer, xid, -1n, ErrorCode.Unimplemented);
      return false;
    }
    const isWrite = writeOps.has(opcode);
    const txn = isWrite ? this.#txn() : undefined;
    const zxid = () => txn?.zxid ?? this.zxid;
    const deliveries: Delivery<Peer>[] = [];
    let body: ((w: JuteWriter) => void) | undefined;
    let err = 0;
    try {
      body = this.#run(peer, opcode, reader, txn, deliveries);
    } catch (error) {
      err = errnoOf(error);
    }
    this.#deliver(deliveries);
    this.#reply(peer, xid, zxid(), err, err === 0 ? body : undefined);
    return true;
  }

  #reply(peer: Peer, xid: number, zxid: bigint, err: number, body?: (w: JuteWriter) => void): void {
    const w = this.#writer;
    const mark = w.beginFrame();
    writeReplyHeader(w, { xid, zxid, err });
    body?.(w);
    w.endFrame(mark);
    peer.send(w.take());
  }

  #auth(peer: Peer, reader: JuteReader): boolean {
    let granted: Id[] | undefined;
    try {
      const { scheme, auth } = readAuthPacket(reader);
      granted = authenticate(scheme, auth, peer.remoteIp, this.options.superDigest);
    } catch {
      granted = undefined;
    }
    if (granted === undefined) {
      this.#reply(peer, Xid.auth, 0n, ErrorCode.AuthFailed);
      peer.close();
      return false;
    }
    for (const id of granted) if (!peer.ids.some((mine) => mine.scheme === id.scheme && mine.id === id.id)) peer.ids.push(id);
    this.#reply(peer, Xid.auth, 0n, 0);
    return true;
  }

  /** Runs one operation; returns the reply body's writer. Throws TreeError/RequestFailure/decode errors. */
  #run(peer: Peer, opcode: number, r: JuteReader, txn: Txn | undefined, out: Delivery<Peer>[]): ((w: JuteWriter) => void) | undefined {
    const tree = this.tree;
    switch (opcode) {
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createContainer:
      case OpCode.createTTL: {
        const path = this.#create(peer, opcode, readCreateRequest(r, opcode === OpCode.createTTL), required(txn), out);
        const stat = tree.get(path).stat;
        return opcode === OpCode.create ? (w) => w.string(path) : (w) => { w.string(path); writeStat(w, stat); };
      }
      case OpCode.delete:
      case OpCode.deleteContainer: {
        const { path, value } = readPathInt(r);
        this.#delete(peer, path, opcode === OpCode.deleteContainer ? -1 : value, required(txn), out);
        return undefined;
      }
      case OpCode.setData: {
        const stat = this.#setData(peer, readSetData(r), required(txn), out);
        return (w) => writeStat(w, stat);
      }
      case OpCode.check: {
        const { path, value } = readPathInt(r);
        this.#check(peer, path, value);
        return undefined;
      }
      case OpCode.setACL: {
        const { path, acl, version } = readSetAcl(r);
        checkPath(path);
        requirePermission(tree.get(path).acl, Perms.ADMIN, peer.ids);
        const fixed = fixupAcl(acl, peer.ids);
        const stat = tree.setAcl(path, fixed, version);
        return (w) => writeStat(w, stat);
      }
      case OpCode.multi:
        return this.#multi(peer, r, required(txn), out);
      case OpCode.multiRead:
        return this.#multiRead(peer, r);
      case OpCode.exists: {
        const { path, watch } = readPathWatch(r);
        checkPath(path);
        const node = tree.nodes.get(path);
        if (watch) this.watches.addDataWatch(path, peer);
        if (node === undefined) throw new TreeError(ErrorCode.NoNode, path);
        const stat = node.stat;
        return (w) => writeStat(w, stat);
      }
      case OpCode.getData: {
        const { path, watch } = readPathWatch(r);
        const { data, stat } = this.#getData(peer, path, watch);
        return (w) => { w.buffer(data); writeStat(w, stat); };
      }
      case OpCode.getChildren:
      case OpCode.getChildren2: {
        const { path, watch } = readPathWatch(r);
        const { children, stat } = this.#getChildren(peer, path, watch);
        return opcode === OpCode.getChildren ? (w) => w.stringVector(children) : (w) => { w.stringVector(children); writeStat(w, stat); };
      }
      case OpCode.getACL: {
        const path = r.requiredString("path");
        checkPath(path);
        const node = tree.get(path);
        requirePermission(node.acl, Perms.READ | Perms.ADMIN, peer.ids);
        const { acl, stat } = node;
        return (w) => { writeACLList(w, acl); writeStat(w, stat); };
      }
      case OpCode.sync: {
        const path = r.requiredString("path");
        checkPath(path);
        return (w) => w.string(path);
      }
      case OpCode.getEphemerals: {
        const prefix = r.requiredString("prefix");
        const paths = [...(tree.ephemerals.get(peer.sessionId) ?? [])].filter((p) => p.startsWith(prefix));
        return (w) => w.stringVector(paths);
      }
      case OpCode.getAllChildrenNumber: {
        const path = r.requiredString("path");
        checkPath(path);
        const count = tree.descendantCount(path);
        return (w) => w.int(count);
      }
      case OpCode.whoAmI: {
        const ids = peer.ids.map((id) => ({ scheme: id.scheme, user: id.scheme === "digest" ? id.id.slice(0, id.id.indexOf(":")) : id.id }));
        return (w) => {
          w.int(ids.length);
          for (const id of ids) w.string(id.scheme).string(id.user);
        };
      }
      case OpCode.setWatches:
      case OpCode.setWatches2:
        this.#setWatches(peer, readSetWatches(r, opcode === OpCode.setWatches2), out);
        return undefined;
      case OpCode.addWatch: {
        const { path, value } = readPathInt(r);
        checkPath(path);
        if (value !== 0 && value !== 1) throw new RequestFailure(ErrorCode.BadArguments);
        this.watches.addPersistent(path, peer, value === 1);
        return undefined;
      }
      case OpCode.checkWatches:
      case OpCode.removeWatches: {
        const { path, value } = readPathInt(r);
        checkPath(path);
        if (!this.watches.matchWatch(path, peer, value, opcode === OpCode.removeWatches)) throw new RequestFailure(ErrorCode.NoWatcher);
        return undefined;
      }
      case OpCode.reconfig:
        // A standalone ZooKeeper has reconfigEnabled=false: the request is a failed transaction.
        throw new RequestFailure(ErrorCode.ReconfigDisabled);
      default:
        throw new RequestFailure(ErrorCode.Unimplemented);
    }
  }

  /**
   * Re-registers a reconnecting client's watches. A watch whose trigger it missed (relative to
   * the last zxid it saw) fires at once instead: NodeDeleted/NodeDataChanged for data watches,
   * NodeCreated for exist watches, NodeDeleted/NodeChildrenChanged for child watches.
   */
  #setWatches(peer: Peer, request: SetWatchesRequest, out: Delivery<Peer>[]): void {
    const { relativeZxid } = request;
    const nodes = this.tree.nodes;
    for (const path of request.data) {
      const node = nodes.get(path);
      if (node === undefined) out.push({ watcher: peer, type: EventType.NodeDeleted, path });
      else if (node.stat.mzxid > relativeZxid) out.push({ watcher: peer, type: EventType.NodeDataChanged, path });
      else this.watches.addDataWatch(path, peer);
    }
    for (const path of request.exist) {
      if (nodes.has(path)) out.push({ watcher: peer, type: EventType.NodeCreated, path });
      else this.watches.addDataWatch(path, peer);
    }
    for (const path of request.child) {
      const node = nodes.get(path);
      if (node === undefined) out.push({ watcher: peer, type: EventType.NodeDeleted, path });
      else if (node.stat.pzxid > relativeZxid) out.push({ watcher: peer, type: EventType.NodeChildrenChanged, path });
      else this.watches.addChildWatch(path, peer);
    }
    for (const path of request.persistent) this.watches.addPersistent(path, peer, false);
    for (const path of request.persistentRecursive) this.watches.addPersistent(path, peer, true);
  }

  #getData(peer: Peer, path: string, watch: boolean): { data: Uint8Array; stat: Stat } {
    checkPath(path);
    const node = this.tree.get(path);
    requirePermission(node.acl, Perms.READ, peer.ids);
    if (watch) this.watches.addDataWatch(path, peer);
    return { data: node.data, stat: node.stat };
  }

  #getChildren(peer: Peer, path: string, watch: boolean): { children: string[]; stat: Stat } {
    checkPath(path);
    const node = this.tree.get(path);
    requirePermission(node.acl, Perms.READ, peer.ids);
    if (watch) this.watches.addChildWatch(path, peer);
    return { children: [...node.children], stat: node.stat };
  }

  #create(peer: Peer, opcode: number, request: CreateRequest, txn: Txn, out: Delivery<Peer>[]): string {
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
      if (!this.options.extendedTypes) throw new RequestFailure(ErrorCode.Unimplemented);
      const ttl = request.ttl ?? 0n;
      if (ttl <= 0n || ttl > MAX_TTL) throw new RequestFailure(ErrorCode.BadArguments);
    }
    const parent = this.tree.get(parentPath(request.path));
    requirePermission(parent.acl, Perms.CREATE, peer.ids);
    const path = this.tree.createdPath(request.path, sequential);
    this.tree.checkCreate(path);
    const acl = fixupAcl(request.acl, peer.ids);
    const ephemeral = flags === 1 || flags === 3;
    const owner = ephemeral ? peer.sessionId : isContainer ? CONTAINER_OWNER : isTtl ? ttlOwner(request.ttl ?? 0n) : 0n;
    this.tree.create(path, request.data, acl, owner, txn);
    out.push(...this.watches.created(path));
    return path;
  }

  #delete(peer: Peer, path: string, version: number, txn: Txn, out: Delivery<Peer>[]): void {
    checkPath(path);
    if (path !== "/") {
      const parent = this.tree.get(parentPath(path));
      this.tree.get(path);
      requirePermission(parent.acl, Perms.DELETE, peer.ids);
    }
    this.tree.delete(path, version, txn);
    out.push(...this.watches.deleted(path));
  }

  #setData(peer: Peer, request: SetDataRequest, txn: Txn, out: Delivery<Peer>[]): Stat {
    checkPath(request.path);
    requirePermission(this.tree.get(request.path).acl, Perms.WRITE, peer.ids);
    const stat = this.tree.setData(request.path, request.data, request.version, txn);
    out.push(...this.watches.changed(request.path));
    return stat;
  }

  #check(peer: Peer, path: string, version: number): void {
    checkPath(path);
    requirePermission(this.tree.get(path).acl, Perms.READ, peer.ids);
    this.tree.checkVersion(path, version);
  }

  /**
   * A multi is one transaction: ops run in order on the tree; at the first failure the tree is
   * put back as it was and the results are Ok (0) for the ops before, the error for the failing
   * one and RuntimeInconsistency for those after — all as error results, as ZooKeeper gives them.
   * Events are only sent for a multi that succeeded.
   */
  #multi(peer: Peer, r: JuteReader, txn: Txn, out: Delivery<Peer>[]): (w: JuteWriter) => void {
    const ops = readMultiOps(r);
    const saved = this.tree.snapshot();
    const results: MultiResult[] = [];
    const events: Delivery<Peer>[] = [];
    let failedAt = -1;
    for (const [index, op] of ops.entries()) {
      try {
        results.push(this.#multiOp(peer, op, txn, events));
      } catch (error) {
        failedAt = index;
        results.push({ type: OpCode.error, err: errnoOf(error) });
        break;
      }
    }
    let final: MultiResult[] = results;
    if (failedAt >= 0) {
      this.tree.restore(saved);
      const failure = results[failedAt]?.err ?? ErrorCode.SystemError;
      final = ops.map((_, i) => ({ type: OpCode.error, err: i < failedAt ? 0 : i === failedAt ? failure : ErrorCode.RuntimeInconsistency }));
    } else {
      out.push(...events);
    }
    return (w) => writeMultiResults(w, final);
  }

  /** multiRead: each getData/getChildren answered on its own; a failure is that op's error result. */
  #multiRead(peer: Peer, r: JuteReader): (w: JuteWriter) => void {
    const results: ((w: JuteWriter) => void)[] = [];
    for (;;) {
      const type = r.int();
      const done = r.bool();
      r.int();
      if (done) break;
      const { path, watch } = readPathWatch(r);
      if (type !== OpCode.getData && type !== OpCode.getChildren) throw new RequestFailure(ErrorCode.Unimplemented);
      try {
        if (type === OpCode.getData) {
          const { data, stat } = this.#getData(peer, path, watch);
          results.push((w) => { writeMultiHeader(w, { type, done: false, err: 0 }); w.buffer(data); writeStat(w, stat); });
        } else {
          const { children } = this.#getChildren(peer, path, watch);
          results.push((w) => { writeMultiHeader(w, { type, done: false, err: 0 }); w.stringVector(children); });
        }
      } catch (error) {
        const err = errnoOf(error);
        results.push((w) => { writeMultiHeader(w, { type: OpCode.error, done: false, err }); w.int(err); });
      }
    }
    return (w) => {
      for (const result of results) result(w);
      writeMultiHeader(w, { type: -1, done: true, err: -1 });
    };
  }

  #multiOp(peer: Peer, op: MultiOp, txn: Txn, out: Delivery<Peer>[]): MultiResult {
    switch (op.kind) {
      case "create": {
        // Every create of a multi answers as a plain create (path, no Stat), as ZooKeeper 3.8 does.
        return { type: OpCode.create, err: 0, path: this.#create(peer, op.type, op.request, txn, out) };
      }
      case "delete":
        this.#delete(peer, op.path, op.version, txn, out);
        return { type: OpCode.delete, err: 0 };
      case "setData":
        return { type: OpCode.setData, err: 0, stat: this.#setData(peer, op.request, txn, out) };
      case "check":
        this.#check(peer, op.path, op.version);
        return { type: OpCode.check, err: 0 };
    }
  }
}

/** One decoded op of a multi. */
type MultiOp =
  | { readonly kind: "create"; readonly type: number; readonly request: CreateRequest }
  | { readonly kind: "delete" | "check"; readonly path: string; readonly version: number }
  | { readonly kind: "setData"; readonly request: SetDataRequest };

/** Decodes every op of a multi up to its `done` header; an op type a multi cannot hold is Unimplemented. */
function readMultiOps(r: JuteReader): MultiOp[] {
  const ops: MultiOp[] = [];
  for (;;) {
    const type = r.int();
    const done = r.bool();
    r.int();
    if (done) return ops;
    switch (type) {
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createContainer:
      case OpCode.createTTL:
        ops.push({ kind: "create", type, request: readCreateRequest(r, type === OpCode.createTTL) });
        break;
      case OpCode.delete:
      case OpCode.check: {
        const { path, value } = readPathInt(r);
        ops.push({ kind: type === OpCode.delete ? "delete" : "check", path, version: value });
        break;
      }
      case OpCode.setData:
        ops.push({ kind: "setData", request: readSetData(r) });
        break;
      default:
        throw new RequestFailure(ErrorCode.Unimplemented);
    }
  }
}

function writeMultiResults(w: JuteWriter, results: readonly MultiResult[]): void {
  for (const result of results) {
    writeMultiHeader(w, { type: result.type, done: false, err: result.err });
    if (result.type === OpCode.error) w.int(result.err);
    else if (result.path !== undefined) w.string(result.path);
    if (result.stat !== undefined) writeStat(w, result.stat);
  }
  writeMultiHeader(w, { type: -1, done: true, err: -1 });
}

/** The error code a failed op answers with; anything but a tree/request error is a decode failure. */
function errnoOf(error: unknown): number {
  return error instanceof TreeError || error instanceof RequestFailure ? error.errno : ErrorCode.MarshallingError;
}

/** Throws BadArguments for an invalid path (ZooKeeper validates every path it is sent). */
function checkPath(path: string): void {
  if (pathProblem(path) !== undefined) throw new RequestFailure(ErrorCode.BadArguments);
}

function required(txn: Txn | undefined): Txn {
  if (txn === undefined) throw new RequestFailure(ErrorCode.SystemError);
  return txn;
}
