/**
 * The server's engine: one data tree, its watches and sessions, and the zxid counter, shared by
 * every listener of a server (or of an in-process ensemble). It runs each request the way
 * ZooKeeper's PrepRequestProcessor and FinalRequestProcessor do — checks in ZooKeeper's order,
 * one zxid per transaction (failed writes and createSession/closeSession included) — sends the
 * watch events a change fires before the reply of the request that caused it, and encodes the
 * reply. What each operation does lives in `dispatch.ts` and the `*-ops.ts` modules.
 */
import { JuteReader } from "../jute/reader.ts";
import { type ConnectRequest, type ConnectResponse, type Id, writeReplyHeader } from "../jute/records.ts";
import { JuteWriter } from "../jute/writer.ts";
import { OPEN_ACL_UNSAFE, Perms, READ_ACL_UNSAFE } from "../protocol/acl.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { KeeperState } from "../protocol/events.ts";
import { OpCode, Xid } from "../protocol/opcodes.ts";
import { parentPath } from "../protocol/paths.ts";
import { authenticate, permitted } from "./acl-policy.ts";
import { CONTAINER_OWNER, DataTree, ttlOf, type Txn } from "./data-tree.ts";
import { runOperation, writeOps } from "./dispatch.ts";
import { type EngineOptions, errnoOf, type OpContext, type Peer } from "./op-context.ts";
import { readAuthPacket } from "./requests.ts";
import { negotiateTimeout, SessionTable } from "./sessions.ts";
import { type Delivery, WatchManager } from "./watch-manager.ts";

export type { EngineOptions, Peer } from "./op-context.ts";

const knownOps: ReadonlySet<number> = new Set(Object.values(OpCode));

/** A handshake's answer; timeout 0 (with id 0 and a zero password) is ZooKeeper's "expired". */
function handshakeAnswer(
  sessionId: bigint,
  passwd: Uint8Array,
  timeOut: number,
): { response: ConnectResponse; valid: boolean } {
  return { response: { protocolVersion: 0, timeOut, sessionId, passwd, readOnly: false }, valid: timeOut > 0 };
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
  /** Open connections of every listener, handshake done or not (for stat/mntr, as ZooKeeper counts them). */
  openConnections = 0;
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
      return handshakeAnswer(session.id, session.password, timeout);
    }
    const session = this.sessions.resume(request.sessionId, request.passwd);
    if (session === undefined) return handshakeAnswer(0n, new Uint8Array(16), 0);
    session.timeout = timeout;
    session.deadline = now + timeout;
    const previous = this.peers.get(session.id);
    this.peers.set(session.id, peer);
    if (previous !== undefined && previous !== peer) previous.close();
    return handshakeAnswer(session.id, session.password, timeout);
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
      deliveries.push(...this.#remove(path, txn));
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
      const owner = node.owner;
      const ttl = ttlOf(owner);
      const dueContainer = owner === CONTAINER_OWNER && node.stat.cversion > 0;
      const dueTtl = ttl !== undefined && BigInt(now - node.stat.mtime) > ttl;
      if (!dueContainer && !dueTtl) continue;
      this.#deliver(this.#remove(path, this.#txn()));
    }
  }

  /** Deletes a node for the server itself (no permission applies); returns the events due. */
  #remove(path: string, txn: Txn): Delivery<Peer>[] {
    const { acl } = this.tree.get(path);
    const parentAcl = this.tree.get(parentPath(path)).acl;
    this.tree.delete(path, -1, txn);
    return this.watches.deleted(path, acl, parentAcl);
  }

  #deliver(deliveries: readonly Delivery<Peer>[]): void {
    const w = this.#writer;
    for (const d of deliveries) {
      if (d.acl !== undefined && !permitted(d.acl, Perms.READ, d.watcher.ids)) continue;
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
    if (opcode === OpCode.auth) return this.#auth(peer, xid, reader);
    if (opcode === OpCode.closeSession) {
      // Detached first, so closeSession leaves the connection open for the reply (its own
      // watchers still hear of its ephemerals' deletion before it).
      this.peers.delete(peer.sessionId);
      this.closeSession(peer.sessionId);
      this.watches.dropWatcher(peer);
      this.#reply(peer, xid, this.zxid, 0);
      peer.close();
      return false;
    }
    if (opcode === OpCode.sasl) return this.#sasl(peer, xid, reader);
    if (!knownOps.has(opcode)) {
      // As ZooKeeper 3.8 does (probed): Unimplemented with zxid -1, then the connection closes.
      this.#reply(peer, xid, -1n, ErrorCode.Unimplemented);
      return false;
    }
    const isWrite = writeOps.has(opcode);
    const txn = isWrite ? this.#txn() : undefined;
    const zxid = () => txn?.zxid ?? this.zxid;
    const deliveries: Delivery<Peer>[] = [];
    const ctx: OpContext = {
      tree: this.tree,
      watches: this.watches,
      options: this.options,
      peer,
      fire: (trigger) => deliveries.push(...trigger()),
    };
    let body: ((w: JuteWriter) => void) | undefined;
    let err = 0;
    try {
      body = runOperation(ctx, opcode, reader, txn);
    } catch (error) {
      err = errnoOf(error);
    }
    this.#deliver(deliveries);
    // A top-level check that passed gets no reply: ZooKeeper 3.8 fails to encode it (a null
    // Stat) and sends nothing, while the connection stays open. A failing one is answered.
    if (opcode === OpCode.check && err === 0) return true;
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

  /** addAuth; the reply echoes the request's xid (clients send -4), as ZooKeeper's does. */
  #auth(peer: Peer, xid: number, reader: JuteReader): boolean {
    let packet;
    try {
      packet = readAuthPacket(reader);
    } catch {
      // An AuthPacket that does not decode closes the connection unanswered, as in ZooKeeper.
      return false;
    }
    const granted = authenticate(packet.scheme, packet.auth, peer.remoteIp, this.options.superDigest);
    if (granted === undefined) {
      this.#reply(peer, xid, 0n, ErrorCode.AuthFailed);
      peer.close();
      return false;
    }
    for (const id of granted) {
      if (!peer.ids.some((mine) => mine.scheme === id.scheme && mine.id === id.id)) peer.ids.push(id);
    }
    this.#reply(peer, xid, 0n, 0);
    return true;
  }

  /**
   * A SASL token, to a server with no SASL configured: ZooKeeper answers an empty (null-token)
   * SetSASLResponse and serves on; a body that does not decode closes the connection.
   */
  #sasl(peer: Peer, xid: number, reader: JuteReader): boolean {
    try {
      reader.buffer();
    } catch {
      return false;
    }
    this.#reply(peer, xid, this.zxid, 0, (w) => w.buffer(null));
    return true;
  }
}
