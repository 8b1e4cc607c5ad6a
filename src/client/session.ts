/**
 * The session: which server to talk to, the handshake's outcome, reconnecting to the same
 * session after a connection loss, expiry, close, auth replay and watch restoration (protocol
 * reference §3, §9.8, §11.5, §15). State changes go through the pure {@link transition}.
 *
 * Request policy while disconnected: a request issued (or not yet written) while no connection
 * carries the session waits for the next handshake, at most `waitForConnection` ms, then fails
 * with `ConnectionLoss`; it fails with `SessionExpired` if the session expires first. Requests
 * already written when a connection drops fail with `ConnectionLoss` (their outcome is unknown).
 */
import type { ConnectResponse, ReplyHeader, WatcherEventRecord } from "../jute/records.ts";
import { writeSetWatches } from "../jute/records.ts";
import { ErrorCode, ZooKeeperError } from "../protocol/errors.ts";
import { type KeeperStateName, type WatchedEvent, type Watcher, eventTypeName } from "../protocol/events.ts";
import { OpCode } from "../protocol/opcodes.ts";
import type { Chroot } from "../protocol/paths.ts";
import type { Endpoint, TransportFactory } from "../transport/transport.ts";
import { Connection } from "./connection.ts";
import { Queue } from "./queue.ts";
import type { Request } from "./request.ts";
import {
  type ClientState,
  type SessionInput,
  type SessionStatus,
  type StateEvent,
  isConnected,
  isTerminal,
  transition,
} from "./session-state.ts";
import { WatchRegistry, batchWatchLists } from "./watches.ts";

/** Log levels of the {@link Logger} hook. */
export type LogSeverity = "debug" | "info" | "warn" | "error";

/** An optional logging hook; the client never writes to the console itself. */
export type Logger = (level: LogSeverity, message: string, fields?: Readonly<Record<string, unknown>>) => void;

export interface SessionOptions {
  readonly hosts: readonly Endpoint[];
  readonly chroot: Chroot;
  readonly sessionTimeout: number;
  /** Per-attempt bound on TCP connect + handshake; default sessionTimeout / hosts. */
  readonly connectTimeout: number | undefined;
  readonly canBeReadOnly: boolean;
  readonly maxFrameSize: number;
  readonly maxInFlight: number;
  readonly waitForConnection: number;
  readonly transport: TransportFactory;
  readonly resume: { readonly sessionId: bigint; readonly password: Uint8Array } | undefined;
  readonly log: Logger;
  /** Pause before a reconnect attempt, given whether a full cycle of hosts failed. */
  readonly reconnectDelay: (fullCycle: boolean) => number;
}

interface StoredAuth {
  readonly scheme: string;
  readonly auth: Uint8Array;
  waiter?: { resolve(): void; reject(e: ZooKeeperError): void };
}

interface Queued {
  readonly request: Request;
  readonly since: number;
}

/** The session's listeners, set by the client. */
export interface SessionListeners {
  onState(event: StateEvent): void;
  /** Events for the default watcher (node events of `watch: true` reads and session states). */
  defaultWatcher: Watcher;
}

export class Session {
  private status: SessionStatus = { state: "connecting", everConnected: false };
  private conn: Connection | null = null;
  private hostIndex = -1;
  private lastConnectedIndex = -1;
  private attempts = 0;
  private everAttempted = false;
  private sessionId = 0n;
  private password: Uint8Array = new Uint8Array(16);
  private sessionFromReadOnly = false;
  private negotiated = 0;
  private lastZxid = 0n;
  private lastContact = Date.now();
  private readonly queued = new Queue<Queued>();
  private readonly auths: StoredAuth[] = [];
  private authReplies: StoredAuth[] = [];
  private disconnectedAt = Date.now();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private waitTimer: ReturnType<typeof setInterval> | undefined;
  private readonly closeWaiters: (() => void)[] = [];
  readonly watches = new WatchRegistry();

  constructor(private readonly options: SessionOptions, private readonly listeners: SessionListeners) {
    if (options.resume) {
      this.sessionId = options.resume.sessionId;
      this.password = options.resume.password;
    }
  }

  get state(): ClientState {
    return this.status.state;
  }

  /** The session id (0 before the first handshake). */
  get id(): bigint {
    return this.sessionId;
  }

  /** The 16-byte session password (to resume the session elsewhere). */
  get passwd(): Uint8Array {
    return this.password.slice();
  }

  /** The negotiated session timeout in ms (0 before the first handshake). */
  get timeout(): number {
    return this.negotiated;
  }

  get chroot(): Chroot {
    return this.options.chroot;
  }

  start(): void {
    this.apply({ type: "start" });
    this.connectNext();
  }

  /** Sends a request now if the session can carry it, otherwise queues it (see the policy). */
  submit(request: Request): void {
    const state = this.status.state;
    if (isTerminal(state) || state === "closing") {
      request.fail(this.terminalError(request));
      return;
    }
    const conn = this.conn;
    if (conn !== null && isConnected(state) && this.queued.length === 0 && conn.inFlight < this.options.maxInFlight) {
      conn.send(request);
      return;
    }
    this.queued.push({ request, since: Date.now() });
    this.armWaitTimer();
  }

  /** Adds credentials: sent now if connected, and replayed after every reconnect (§11.5). */
  addAuth(scheme: string, auth: Uint8Array): Promise<void> {
    if (isTerminal(this.status.state) || this.status.state === "closing") {
      return Promise.reject(this.terminalError(undefined));
    }
    return new Promise((resolve, reject) => {
      const stored: StoredAuth = { scheme, auth, waiter: { resolve, reject } };
      this.auths.push(stored);
      if (this.conn !== null && isConnected(this.status.state)) {
        this.authReplies.push(stored);
        this.conn.sendAuth(scheme, auth);
      }
    });
  }

  /**
   * Sends closeSession and resolves once the server confirmed (or the connection ended). When
   * disconnected, nothing is sent: the server expires the session later (§15.6).
   */
  close(closeTimeout: number): Promise<void> {
    if (isTerminal(this.status.state)) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (this.status.state === "closing") return done;
    const conn = this.conn;
    if (conn !== null && isConnected(this.status.state)) {
      this.apply({ type: "close" });
      // The close request goes behind anything still queued, as in the Java client.
      for (const q of this.queued.drain()) conn.send(q.request);
      const timer = setTimeout(() => conn.close(new Error("no closeSession reply in time")), closeTimeout);
      conn.send({
        op: "closeSession",
        opcode: OpCode.closeSession,
        path: undefined,
        encode: undefined,
        xid: 0,
        complete: () => {
          clearTimeout(timer);
          conn.close(new Error("session closed"));
        },
        fail: () => clearTimeout(timer),
      });
    } else {
      this.conn?.close(new Error("client closed"));
      this.apply({ type: "close" });
      this.finish();
    }
    return done;
  }

  private terminalError(request: Request | undefined): ZooKeeperError {
    const details = { op: request?.op, path: request?.path };
    switch (this.status.state) {
      case "authFailed":
        return new ZooKeeperError(ErrorCode.AuthFailed, details);
      case "expired":
        return new ZooKeeperError(ErrorCode.SessionExpired, details);
      default:
        return new ZooKeeperError(ErrorCode.SessionExpired, { ...details, message: "the client has been closed" });
    }
  }

  private apply(input: SessionInput): void {
    const { status, event } = transition(this.status, input);
    this.status = status;
    if (event === undefined) return;
    this.options.log("info", `session ${event}`, { sessionId: `0x${this.sessionId.toString(16)}`, state: status.state });
    const keeperState = keeperStateOf(event);
    if (keeperState !== undefined) {
      const stateEvent: WatchedEvent = { type: "None", state: keeperState, path: null };
      this.deliver(this.listeners.defaultWatcher, stateEvent);
      // Per-call watchers learn only that their watch can never fire any more.
      if (event === "expired" || event === "authFailed") {
        for (const w of this.watches.all()) this.deliver(w, stateEvent);
      }
    }
    this.listeners.onState(event);
  }

  /** Watchers run after the current frame, in arrival order, and cannot break the client. */
  deliver(watcher: Watcher, event: WatchedEvent): void {
    queueMicrotask(() => {
      try {
        watcher(event);
      } catch (error) {
        this.options.log("error", "a watcher threw", { error, event });
      }
    });
  }

  private connectNext(): void {
    if (isTerminal(this.status.state)) return;
    const hosts = this.options.hosts;
    const T = this.negotiated || this.options.sessionTimeout;
    if (this.sessionId !== 0n && this.status.everConnected && Date.now() - this.lastContact >= (T * 4) / 3) {
      // Client-side expiry (ZOOKEEPER-4508): no contact for 4/3 of the timeout means the server
      // has certainly expired the session; stop reconnecting forever to a dead session.
      this.expire("no contact with any server for 4/3 of the session timeout");
      return;
    }
    const previous = this.hostIndex;
    this.hostIndex = (this.hostIndex + 1) % hosts.length;
    const fullCycle = this.attempts > 0 && (this.hostIndex === this.lastConnectedIndex || (this.lastConnectedIndex < 0 && this.hostIndex === 0 && previous >= 0));
    // Only the client's very first attempt goes out at once; every later one waits a random
    // pause, so clients of a failed server do not all reconnect in the same instant (§15.2).
    const delay = this.everAttempted ? this.options.reconnectDelay(fullCycle) : 0;
    this.everAttempted = true;
    this.attempts++;
    this.reconnectTimer = setTimeout(() => this.openConnection(hosts[this.hostIndex] as Endpoint), delay);
  }

  private openConnection(endpoint: Endpoint): void {
    this.reconnectTimer = undefined;
    if (isTerminal(this.status.state)) return;
    const T = this.options.sessionTimeout;
    const connectTimeout = this.options.connectTimeout ?? Math.max(1000, Math.floor((this.negotiated || T) / this.options.hosts.length));
    const resumable = this.sessionId !== 0n && !this.sessionFromReadOnly;
    this.options.log("debug", "connecting", { host: endpoint.host, port: endpoint.port });
    const conn: Connection = new Connection(
      { endpoint, transport: this.options.transport, maxFrameSize: this.options.maxFrameSize, connectTimeout },
      {
        protocolVersion: 0,
        lastZxidSeen: this.lastZxid,
        timeOut: T,
        sessionId: resumable ? this.sessionId : 0n,
        passwd: resumable ? this.password : new Uint8Array(16),
        readOnly: this.options.canBeReadOnly,
      },
      {
        onHandshake: (response) => this.onHandshake(conn, endpoint, response),
        onNotification: (header, event) => this.onNotification(header, event),
        onAuthReply: (err) => this.onAuthReply(err),
        onZxid: (zxid) => {
          if (zxid > this.lastZxid) this.lastZxid = zxid;
        },
        onReplies: () => this.drainQueue(),
        onClose: (reason, unanswered) => this.onConnectionClosed(conn, reason, unanswered),
      },
    );
    this.conn = conn;
  }

  private onHandshake(conn: Connection, endpoint: Endpoint, response: ConnectResponse): void {
    if (response.timeOut <= 0) {
      conn.close(new Error("the server reports the session expired"));
      this.expire("the server reports the session expired");
      return;
    }
    if (response.readOnly && !this.options.canBeReadOnly) {
      conn.close(new Error("read-only server"));
      return;
    }
    const sameSession = this.sessionId === response.sessionId;
    this.sessionId = response.sessionId;
    this.password = response.passwd;
    this.sessionFromReadOnly = response.readOnly && (!sameSession || this.sessionFromReadOnly);
    this.negotiated = response.timeOut;
    this.lastContact = Date.now();
    this.lastConnectedIndex = this.hostIndex;
    this.attempts = 0;
    const readTimeout = Math.floor((response.timeOut * 2) / 3);
    const half = readTimeout / 2;
    conn.startTimers(readTimeout, Math.min(10_000, half > 1000 ? half - 1000 : half));
    this.options.log("debug", "handshake", { host: endpoint.host, port: endpoint.port, timeout: response.timeOut, readOnly: response.readOnly });

    // Priming order (§3.5): auth replays, then SetWatches batches, then queued requests.
    this.authReplies = [...this.auths];
    for (const a of this.auths) conn.sendAuth(a.scheme, a.auth);
    if (!sameSession && !this.watches.isEmpty) {
      // A new session (the old one came from a read-only server) has no server-side watches
      // to restore; they are reported as lost by the expired/new-session path.
      this.watches.clear();
    }
    for (const batch of batchWatchLists(this.watches.lists())) {
      const relativeZxid = this.lastZxid;
      conn.send({
        op: batch.persistent ? "setWatches2" : "setWatches",
        opcode: batch.persistent ? OpCode.setWatches2 : OpCode.setWatches,
        path: undefined,
        xid: 0,
        encode: (w) => writeSetWatches(w, relativeZxid, batch.lists, batch.persistent),
        complete: (err) => {
          if (err !== 0) this.options.log("warn", "restoring watches failed", { err });
        },
        fail: () => {},
      });
    }
    this.apply({ type: "handshake", readOnly: response.readOnly });
    this.drainQueue();
  }

  private drainQueue(): void {
    const conn = this.conn;
    if (conn === null || !isConnected(this.status.state)) return;
    const max = this.options.maxInFlight;
    while (this.queued.length > 0 && conn.inFlight < max) {
      const next = this.queued.shift();
      if (next !== undefined) conn.send(next.request);
    }
    if (this.queued.length === 0) this.disarmWaitTimer();
  }

  private onNotification(header: ReplyHeader, record: WatcherEventRecord): void {
    const type = eventTypeName(record.type);
    if (type === undefined || type === "None") {
      this.options.log("warn", "ignoring a notification of unknown type", { type: record.type, path: record.path });
      return;
    }
    const event: WatchedEvent = { type, state: "SyncConnected", path: this.options.chroot.toClient(record.path) };
    for (const watcher of this.watches.trigger(type, record.path)) this.deliver(watcher, event);
    if (header.zxid > this.lastZxid) this.lastZxid = header.zxid;
  }

  private onAuthReply(err: number): void {
    const entry = this.authReplies.shift();
    if (err === 0) {
      entry?.waiter?.resolve();
      if (entry) entry.waiter = undefined;
      return;
    }
    const error = new ZooKeeperError(err, { message: `authentication with scheme ${entry?.scheme ?? "?"} was rejected` });
    entry?.waiter?.reject(error);
    if (entry) entry.waiter = undefined;
    this.conn?.close(error);
    this.apply({ type: "authFailed" });
    this.finish();
  }

  private onConnectionClosed(conn: Connection, reason: Error, unanswered: Request[]): void {
    if (this.conn !== conn) return;
    this.conn = null;
    this.lastContact = Math.max(this.lastContact, conn.lastReceiveTime);
    const wasConnected = isConnected(this.status.state);
    const closing = this.status.state === "closing";
    for (const request of unanswered) {
      request.fail(
        isTerminal(this.status.state)
          ? this.terminalError(request)
          : new ZooKeeperError(ErrorCode.ConnectionLoss, { op: request.op, path: request.path, cause: reason }),
      );
    }
    if (isTerminal(this.status.state)) return;
    if (wasConnected) this.disconnectedAt = Date.now();
    this.options.log(wasConnected ? "warn" : "debug", "connection closed", { reason: reason.message });
    this.apply({ type: "lost" });
    if (closing) {
      this.finish();
      return;
    }
    if (this.queued.length > 0) this.armWaitTimer();
    this.connectNext();
  }

  private expire(reason: string): void {
    this.options.log("warn", "session expired", { reason, sessionId: `0x${this.sessionId.toString(16)}` });
    this.apply({ type: "expired" });
    this.finish();
  }

  /** Terminal clean-up: fail everything still waiting, stop timers, release close waiters. */
  private finish(): void {
    clearTimeout(this.reconnectTimer);
    this.disarmWaitTimer();
    this.conn?.close(new Error(`session ${this.status.state}`));
    this.conn = null;
    for (const q of this.queued.drain()) q.request.fail(this.terminalError(q.request));
    for (const a of this.auths) a.waiter?.reject(this.terminalError(undefined));
    this.auths.length = 0;
    this.watches.clear();
    for (const resolve of this.closeWaiters.splice(0)) resolve();
  }

  private armWaitTimer(): void {
    if (this.waitTimer !== undefined) return;
    const period = Math.max(10, Math.min(1000, this.options.waitForConnection / 10));
    this.waitTimer = setInterval(() => this.expireWaiting(), period);
  }

  private disarmWaitTimer(): void {
    clearInterval(this.waitTimer);
    this.waitTimer = undefined;
  }

  /** Fails queued requests that waited longer than `waitForConnection` for a connection. */
  private expireWaiting(): void {
    if (this.conn !== null && isConnected(this.status.state)) return;
    const now = Date.now();
    const limit = this.options.waitForConnection;
    for (let head = this.queued.peek(); head !== undefined; head = this.queued.peek()) {
      if (now - Math.max(head.since, this.disconnectedAt) < limit) break;
      this.queued.shift();
      head.request.fail(new ZooKeeperError(ErrorCode.ConnectionLoss, {
        op: head.request.op,
        path: head.request.path,
        message: `no connection to the ensemble within ${limit} ms`,
      }));
    }
    if (this.queued.length === 0) this.disarmWaitTimer();
  }
}

function keeperStateOf(event: StateEvent): KeeperStateName | undefined {
  switch (event) {
    case "connected":
    case "reconnected":
      return "SyncConnected";
    case "readOnly":
      return "ConnectedReadOnly";
    case "disconnected":
      return "Disconnected";
    case "expired":
      return "Expired";
    case "authFailed":
      return "AuthFailed";
    case "closed":
      return "Closed";
    case "connecting":
      return undefined;
  }
}
