/**
 * The session: which server to talk to, the handshake's outcome, reconnecting to the same
 * session after a connection loss, expiry, close, SASL login, auth replay and watch restoration
 * (protocol reference §3, §9.8, §11.5, §11.7, §15). State changes go through the pure {@link transition}.
 *
 * Request policy while disconnected: a request issued (or not yet written) while no connection
 * carries the session waits for the next handshake, at most `waitForConnection` ms, then fails
 * with `ConnectionLoss`; it fails with `SessionExpired` if the session expires first. Requests
 * already written when a connection drops fail with `ConnectionLoss` (their outcome is unknown).
 */
import type { ConnectResponse, ReplyHeader, WatcherEventRecord } from "../jute/records.ts";
import { ErrorCode, ZooKeeperError } from "../protocol/errors.ts";
import { type KeeperStateName, type WatchedEvent, type Watcher, eventTypeName } from "../protocol/events.ts";
import { OpCode, WRITE_OPS } from "../protocol/opcodes.ts";
import type { Chroot } from "../protocol/paths.ts";
import type { Endpoint } from "../transport/transport.ts";
import { HostRotation, rebalanceTarget } from "./hosts.ts";
import { Connection, authFrameLength } from "./connection.ts";
import { Queue } from "./queue.ts";
import type { Request } from "./request.ts";
import type { ResolvedOptions } from "./options.ts";
import { runSasl } from "./sasl.ts";
import {
  type ClientState,
  type ConnectionState,
  type SessionInput,
  type SessionStatus,
  type StateEvent,
  curatorState,
  isConnected,
  isTerminal,
  transition,
} from "./session-state.ts";
import { clientSideExpiry, connectTimeout, effectiveSessionTimeout, pingInterval, readTimeout, simulatedLostAfter, waitCheckPeriod } from "./timeouts.ts";
import type { WatchReport, Watches } from "./watches.ts";

/** The settings a {@link Session} runs with: the resolved options it needs, and its reconnect pacing. */
export interface SessionOptions
  extends Pick<
    ResolvedOptions,
    | "hosts"
    | "chroot"
    | "requestedSessionTimeout"
    | "connectTimeout"
    | "canBeReadOnly"
    | "maxFrameSize"
    | "maxInFlight"
    | "waitForConnection"
    | "transport"
    | "resume"
    | "log"
    | "renewSessionOnExpiry"
    | "sasl"
  > {
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
  /** Curator's connection states, including the simulated LOST after a whole timeout suspended. */
  onConnectionState(state: ConnectionState): void;
  /** Events for the default watcher (node events of `watch: true` reads and session states). */
  defaultWatcher: Watcher;
  /** What became of the watches after a reconnect or when the session expired. */
  onWatches(report: WatchReport): void;
}

/** One session over a sequence of connections; see the module comment. */
export class Session {
  private status: SessionStatus = { state: "connecting", everConnected: false };
  private conn: Connection | null = null;
  /** Where `conn` goes (connected or still connecting). */
  private endpoint: Endpoint | undefined;
  private readonly rotation: HostRotation;
  private sessionId = 0n;
  private password: Uint8Array = new Uint8Array(16);
  private sessionFromReadOnly = false;
  /** The session timeout the server granted (0 before the first handshake). */
  private negotiatedSessionTimeout = 0;
  private lastZxid = 0n;
  private lastContact = Date.now();
  private readonly queued = new Queue<Queued>();
  private readonly auths: StoredAuth[] = [];
  private authReplies: StoredAuth[] = [];
  private disconnectedAt = Date.now();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private waitTimer: ReturnType<typeof setInterval> | undefined;
  private readonly closeWaiters: (() => void)[] = [];
  private capacityWaiters: (() => void)[] = [];
  private lostTimer: ReturnType<typeof setTimeout> | undefined;
  private lostReported = false;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFailure: Error | undefined;
  /** Aborts of the `isro` probes in flight (a closed session must not keep sockets or timers). */
  private readonly probes = new Set<() => void>();
  constructor(private readonly watches: Watches, private readonly options: SessionOptions, private readonly listeners: SessionListeners) {
    this.rotation = new HostRotation(options.hosts);
    if (options.resume) {
      this.sessionId = options.resume.sessionId;
      this.password = options.resume.password;
    }
  }

  get state(): ClientState {
    return this.status.state;
  }

  /** Why the last connection ended (refused, TLS verification, no handshake in time, …). */
  get lastConnectionFailure(): Error | undefined {
    return this.lastFailure;
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
    return this.negotiatedSessionTimeout;
  }

  /** The server carrying the session, or null while disconnected. */
  get server(): Endpoint | null {
    return this.conn !== null && isConnected(this.status.state) ? (this.endpoint ?? null) : null;
  }

  /** The host list attempts go through (replaced by updateHosts). */
  get serverList(): readonly Endpoint[] {
    return this.rotation.hosts;
  }

  get chroot(): Chroot {
    return this.options.chroot;
  }

  /** The timeout that governs expiry and LOST now: the negotiated one once granted. */
  private sessionTimeoutNow(): number {
    return effectiveSessionTimeout(this.negotiatedSessionTimeout, this.options.requestedSessionTimeout);
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

  /** Requests written and unanswered plus those waiting in the client. */
  get load(): number {
    return this.queued.length + (this.conn?.inFlight ?? 0);
  }

  /**
   * Resolves once fewer than `maxInFlight` requests are outstanding (at once when that is
   * already so), so a producer can pace itself instead of queueing without bound.
   */
  waitForCapacity(): Promise<void> {
    if (this.load < this.options.maxInFlight || isTerminal(this.status.state)) return Promise.resolve();
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  private releaseCapacity(): void {
    if (this.capacityWaiters.length === 0) return;
    if (this.load >= this.options.maxInFlight && !isTerminal(this.status.state)) return;
    const waiters = this.capacityWaiters;
    this.capacityWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Adds credentials: sent now if connected, and replayed after every reconnect (§11.5). */
  addAuth(scheme: string, auth: Uint8Array): Promise<void> {
    if (isTerminal(this.status.state) || this.status.state === "closing") {
      return Promise.reject(this.terminalError(undefined));
    }
    const length = authFrameLength(scheme, auth);
    if (length > this.options.maxFrameSize) {
      return Promise.reject(new ZooKeeperError(ErrorCode.BadArguments, {
        op: "auth",
        message: `the auth packet is ${length} bytes, over the ${this.options.maxFrameSize}-byte frame limit (jute.maxbuffer)`,
      }));
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
      for (const q of this.queued.drain()) if (q.request.abandoned !== true) conn.send(q.request);
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
      // Closed before the connection attempt is dropped (finish drops it): dropping it first
      // scheduled a reconnect, whose client-side expiry check could report "expired" instead.
      this.apply({ type: "close" });
      this.finish();
    }
    return done;
  }

  /** The error of a request the ended session cannot answer; `outcomeUnknown` when it was a write already sent. */
  private terminalError(request: Request | undefined, outcomeUnknown = false): ZooKeeperError {
    const details = { op: request?.op, path: request?.path, outcomeUnknown };
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
      // One Set, so the default watcher hears once even when it holds watches itself (watch: true).
      const watchers = new Set<Watcher>([this.listeners.defaultWatcher]);
      // Per-call watchers learn only that their watch can never fire any more.
      if (event === "expired" || event === "authFailed") for (const w of this.watches.all()) watchers.add(w);
      for (const w of watchers) this.watches.deliver(w, stateEvent);
    }
    // Through the same microtask queue as watch events: listeners see node events and state
    // changes in the order they happened (a node event read just before a connection failed
    // comes before "disconnected").
    queueMicrotask(() => this.listeners.onState(event));
    this.reportConnectionState(event);
  }

  /** Curator's states; LOST once per suspension, whether simulated or reported by the server. */
  private reportConnectionState(event: StateEvent): void {
    clearTimeout(this.lostTimer);
    this.lostTimer = undefined;
    const curator = curatorState(event);
    if (curator === undefined) return;
    if (curator === "LOST") {
      if (this.lostReported) return;
      this.lostReported = true;
    } else if (curator !== "SUSPENDED") {
      this.lostReported = false;
    }
    queueMicrotask(() => this.listeners.onConnectionState(curator));
    if (curator === "SUSPENDED") {
      // Curator's simulated expiry: a whole session timeout without a connection is LOST, even
      // before a server can confirm it, and, as in Curator, the session is then abandoned. A
      // caller told LOST re-creates its ephemeral nodes (a lock's, say); were the old session
      // to come back, its nodes would still stand beside the new ones.
      this.lostTimer = setTimeout(() => {
        this.lostTimer = undefined;
        if (isConnected(this.status.state) || this.lostReported) return;
        this.lostReported = true;
        queueMicrotask(() => this.listeners.onConnectionState("LOST"));
        this.expire("no connection for a whole session timeout (Curator's simulated expiry)");
      }, simulatedLostAfter(this.sessionTimeoutNow()));
    }
  }


  private connectNext(): void {
    clearTimeout(this.reconnectTimer);
    if (isTerminal(this.status.state)) return;
    if (this.sessionId !== 0n && this.status.everConnected && Date.now() - this.lastContact >= clientSideExpiry(this.sessionTimeoutNow())) {
      // Client-side expiry (ZOOKEEPER-4508): no contact for 4/3 of the timeout means the server
      // has certainly expired the session; stop reconnecting forever to a dead session. Unlike
      // Java, only bytes from a server count as contact, not a bare TCP accept (a proxy or load
      // balancer accepts without the server hearing anything).
      this.expire("no contact with any server for 4/3 of the session timeout");
      return;
    }
    const { fullCycle, immediate } = this.rotation.advance();
    // Only the client's very first attempt (or the first after a move) goes out at once; every
    // later one waits a random pause, so clients of a failed server do not all reconnect in the
    // same instant (§15.2).
    const delay = immediate ? 0 : this.options.reconnectDelay(fullCycle);
    // The host is looked up when the pause ends: updateHosts may have replaced the list.
    this.reconnectTimer = setTimeout(() => this.openConnection(this.rotation.current), delay);
  }

  private openConnection(endpoint: Endpoint): void {
    this.reconnectTimer = undefined;
    if (isTerminal(this.status.state)) return;
    const attemptTimeout = this.options.connectTimeout ?? connectTimeout(this.sessionTimeoutNow(), this.rotation.hosts.length);
    const resumable = this.sessionId !== 0n && !this.sessionFromReadOnly;
    this.options.log("debug", "connecting", { host: endpoint.host, port: endpoint.port });
    const conn: Connection = new Connection(
      { endpoint, transport: this.options.transport, maxFrameSize: this.options.maxFrameSize, connectTimeout: attemptTimeout },
      {
        protocolVersion: 0,
        lastZxidSeen: this.lastZxid,
        timeOut: this.options.requestedSessionTimeout,
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
    this.endpoint = endpoint;
  }

  private onHandshake(conn: Connection, endpoint: Endpoint, response: ConnectResponse): void {
    if (response.timeOut <= 0) {
      // expire() closes the connection once the state is terminal, so no reconnect is started.
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
    this.negotiatedSessionTimeout = response.timeOut;
    this.lastContact = Date.now();
    this.rotation.connected();
    const silenceLimit = readTimeout(response.timeOut);
    conn.startTimers(silenceLimit, pingInterval(silenceLimit));
    this.options.log("debug", "handshake", { host: endpoint.host, port: endpoint.port, timeout: response.timeOut, readOnly: response.readOnly });
    const sasl = this.options.sasl;
    if (sasl === undefined) {
      this.prime(conn, response.readOnly);
      return;
    }
    // SASL comes first (§3.5). Until it completes the state stays "connecting", so requests
    // and new credentials wait in the client and nothing else reaches this connection.
    runSasl((request) => conn.send(request), sasl(), (error) => {
      if (this.conn !== conn || isTerminal(this.status.state)) return;
      // A connection lost mid-exchange is an ordinary disconnect: the next one logs in again.
      if (error?.code === "ConnectionLoss") return;
      if (error !== undefined) {
        this.saslFailed(conn, error);
        return;
      }
      this.prime(conn, response.readOnly);
      // After SyncConnected, as the Java client orders them.
      this.watches.deliver(this.listeners.defaultWatcher, { type: "None", state: "SaslAuthenticated", path: null });
    });
  }

  /** Priming order (§3.5): auth replays, then SetWatches batches, then queued requests. */
  private prime(conn: Connection, readOnly: boolean): void {
    this.authReplies = [...this.auths];
    for (const a of this.auths) conn.sendAuth(a.scheme, a.auth);
    this.watches.restore((request) => conn.send(request), this.lastZxid, () => isTerminal(this.status.state), (report) => this.reportWatches(report));
    this.apply({ type: "handshake", readOnly });
    this.drainQueue();
    if (readOnly) this.probeForReadWrite(100);
  }

  /**
   * Terminal, as a rejected auth packet (§11.7): the connection ends with the reason (for
   * `lastConnectionError`), and everything waiting fails with `AuthFailed`.
   */
  private saslFailed(conn: Connection, error: ZooKeeperError): void {
    this.options.log("warn", "SASL authentication failed", { error });
    this.apply({ type: "authFailed" });
    conn.close(error);
    this.finish();
  }

  /** Drops the connection and makes `hosts[index]` the next attempt, without the reconnect pause. */
  private moveTo(index: number, reason: string): void {
    this.rotation.moveTo(index);
    this.conn?.close(new Error(reason));
  }

  /**
   * Replaces the host list (Java's `updateServerList`). A connection to, or an attempt on, a
   * server left out of the list is dropped and the session moves to one in it. With `rebalance`,
   * when the list grew, a client whose server stays moves to a newly added one with probability
   * 1 - old size / new size, so the clients of a grown ensemble spread evenly over it (Java's
   * rule). A move is a disconnect: requests in flight fail with `ConnectionLoss`; the session
   * and watches stay.
   */
  updateHosts(hosts: readonly Endpoint[], rebalance: boolean, random: () => number): void {
    if (isTerminal(this.status.state) || this.status.state === "closing") return;
    // Waiting out a reconnect pause, the attempt it ends in goes to the new list's first host.
    const carrying = this.conn === null ? undefined : this.endpoint;
    const { at, previous } = this.rotation.replace(hosts, carrying, isConnected(this.status.state));
    if (carrying === undefined) return;
    if (at < 0) {
      this.options.log("info", "the server is no longer in the host list; moving", { host: this.endpoint?.host, port: this.endpoint?.port });
      this.moveTo(0, "the server is no longer in the host list");
      return;
    }
    // With one host nothing was probed (probeForReadWrite stops there); now there are others.
    if (this.status.state === "connectedReadOnly" && previous.length < 2) this.probeForReadWrite(100);
    const target = rebalance && isConnected(this.status.state) ? rebalanceTarget(previous, hosts, random) : undefined;
    if (target !== undefined) {
      this.options.log("info", "rebalancing onto a server added to the host list", { host: hosts[target]?.host, port: hosts[target]?.port });
      this.moveTo(target, "rebalancing onto a server added to the host list");
    }
  }



  private reportWatches(report: WatchReport): void {
    queueMicrotask(() => this.listeners.onWatches(report));
  }

  /**
   * While on a read-only server, asks the other servers whether they serve writes (`isro`), with
   * intervals doubling from 100 ms to 60 s, and moves to the first that answers `rw` (§3.7).
   */
  private probeForReadWrite(delay: number): void {
    clearTimeout(this.probeTimer);
    if (this.rotation.hosts.length < 2) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      if (this.status.state !== "connectedReadOnly") return;
      const hosts = this.rotation.hosts;
      let pending = hosts.length - 1;
      let moved = false;
      for (let i = 1; i < hosts.length; i++) {
        const index = (this.rotation.index + i) % hosts.length;
        this.askIsReadOnly(hosts[index] as Endpoint, (answer) => {
          pending--;
          if (!moved && answer === "rw" && this.status.state === "connectedReadOnly" && hosts === this.rotation.hosts) {
            moved = true;
            this.options.log("info", "a read/write server is reachable; leaving the read-only one", { host: hosts[index]?.host, port: hosts[index]?.port });
            this.moveTo(index, "moving to a read/write server");
          } else if (pending === 0 && !moved && this.status.state === "connectedReadOnly") {
            this.probeForReadWrite(Math.min(delay * 2, 60_000));
          }
        });
      }
    }, delay);
  }

  /** One `isro` four-letter word over a short-lived connection; answers undefined on failure. */
  private askIsReadOnly(endpoint: Endpoint, done: (answer: string | undefined) => void): void {
    let text = "";
    let finished = false;
    const finish = (answer: string | undefined) => {
      if (finished) return;
      finished = true;
      this.probes.delete(abort);
      clearTimeout(timer);
      transport.close();
      done(answer);
    };
    const abort = () => finish(undefined);
    this.probes.add(abort);
    const timer = setTimeout(abort, 1000);
    const transport = this.options.transport(endpoint, {
      onConnect: () => transport.write(new TextEncoder().encode("isro")),
      onData: (chunk) => {
        text += new TextDecoder().decode(chunk);
      },
      onClose: () => finish(text.trim() || undefined),
    });
  }

  private drainQueue(): void {
    const conn = this.conn;
    if (conn === null || !isConnected(this.status.state)) return;
    const max = this.options.maxInFlight;
    while (this.queued.length > 0 && conn.inFlight < max) {
      const next = this.queued.shift();
      if (next !== undefined && next.request.abandoned !== true) conn.send(next.request);
    }
    if (this.queued.length === 0) this.disarmWaitTimer();
    this.releaseCapacity();
  }

  private onNotification(header: ReplyHeader, record: WatcherEventRecord): void {
    const type = eventTypeName(record.type);
    if (type === undefined || type === "None") {
      this.options.log("warn", "ignoring a notification of unknown type", { type: record.type, path: record.path });
      return;
    }
    const event: WatchedEvent = { type, state: "SyncConnected", path: this.options.chroot.toClient(record.path) };
    this.watches.notify(type, record.path, event);
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
    // Terminal before the connection goes (§11.5): its unanswered requests then fail with
    // AuthFailed, and no Disconnected/SUSPENDED is reported for a session that cannot resume.
    this.apply({ type: "authFailed" });
    this.finish();
  }

  private onConnectionClosed(conn: Connection, reason: Error, unanswered: Request[]): void {
    if (this.conn !== conn) return;
    this.conn = null;
    this.lastFailure = reason;
    this.lastContact = Math.max(this.lastContact, conn.lastReceiveTime);
    const wasConnected = isConnected(this.status.state);
    const closing = this.status.state === "closing";
    for (const request of unanswered) {
      const outcomeUnknown = WRITE_OPS.has(request.op);
      request.fail(
        isTerminal(this.status.state)
          ? this.terminalError(request, outcomeUnknown)
          : new ZooKeeperError(ErrorCode.ConnectionLoss, { op: request.op, path: request.path, cause: reason, outcomeUnknown }),
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
    const renew = this.options.renewSessionOnExpiry;
    const lost = this.watches.lostAtExpiry();
    this.apply({ type: "expired", renew });
    if (lost !== undefined) this.reportWatches(lost);
    if (!renew) {
      this.finish();
      return;
    }
    // Everything bound to the old session is gone: its requests fail, its watches were told
    // (Expired) and are dropped; credentials stay and are replayed on the new session.
    for (const q of this.queued.drain()) q.request.fail(new ZooKeeperError(ErrorCode.SessionExpired, { op: q.request.op, path: q.request.path }));
    this.watches.clear();
    this.sessionId = 0n;
    this.password = new Uint8Array(16);
    this.sessionFromReadOnly = false;
    this.lastContact = Date.now();
    // The connection that brought the news (a handshake refusing the session) starts the next
    // attempt as it closes; starting one here as well skipped a host in the rotation.
    if (this.conn !== null) this.conn.close(new Error("session expired"));
    else this.connectNext();
  }

  /** Terminal clean-up: fail everything still waiting, stop timers, release close waiters. */
  private finish(): void {
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.lostTimer);
    clearTimeout(this.probeTimer);
    for (const abort of [...this.probes]) abort();
    this.releaseCapacity();
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
    this.waitTimer = setInterval(() => this.expireWaiting(), waitCheckPeriod(this.options.waitForConnection));
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
