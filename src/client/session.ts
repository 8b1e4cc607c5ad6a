/**
 * The session's lifecycle (protocol reference §3, §15): connecting through the host rotation,
 * the handshake, priming a new connection (SASL, credentials, watches, waiting requests),
 * reconnecting to the same session after a connection loss, expiry and close. State changes go
 * through the pure {@link transition}; the waiting queue, credentials, watches, read/write probe
 * and state reports are parts it calls.
 *
 * Requests already written when a connection drops fail with `ConnectionLoss` (their outcome is
 * unknown); those still waiting in the client wait for the next connection as waiting.ts
 * says, and fail with `SessionExpired` if the session expires first.
 */
import type { ConnectResponse, ReplyHeader, WatcherEventRecord } from "../jute/records.ts";
import { ErrorCode, ZooKeeperError } from "../protocol/errors.ts";
import type { Endpoint } from "../transport/transport.ts";
import { HostRotation, replaceHosts } from "./hosts.ts";
import { Connection } from "./connection.ts";
import { Credentials } from "./credentials.ts";
import { type IdentityView, SessionIdentity } from "./session-identity.ts";
import type { Request } from "./request.ts";
import type { SessionOptions } from "./options.ts";
import { runSasl } from "./sasl.ts";
import {
  type ClientState,
  endedError,
  isConnected,
  isEnding,
  isTerminal,
  type SessionInput,
  type SessionStatus,
  transition,
  unansweredError,
} from "./session-state.ts";
import { ReadWriteProbe } from "./read-write-probe.ts";
import { type SessionListeners, StateReports } from "./state-reports.ts";
import { clientSideExpiry, connectTimeout, effectiveSessionTimeout, pingInterval, readTimeout } from "./timeouts.ts";
import { WaitingQueue } from "./waiting.ts";
import type { Watches, WatchReport } from "./watches.ts";

/** One session over a sequence of connections; see the module comment. */
export class Session {
  private status: SessionStatus = { state: "connecting", everConnected: false };
  private conn: Connection | null = null;
  /** Where `conn` goes (connected or still connecting). */
  private endpoint: Endpoint | undefined;
  private readonly rotation: HostRotation;
  readonly #identity: SessionIdentity;
  private lastZxid = 0n;
  private lastContact = Date.now();
  private disconnectedAt = Date.now();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly closeWaiters: (() => void)[] = [];
  private lastFailure: Error | undefined;
  private readonly waiting: WaitingQueue;
  private readonly credentials: Credentials;
  private readonly probe: ReadWriteProbe;
  private readonly reports: StateReports;

  constructor(
    private readonly watches: Watches,
    private readonly options: SessionOptions,
    private readonly listeners: SessionListeners,
  ) {
    this.rotation = new HostRotation(options.hosts);
    this.waiting = new WaitingQueue(options, {
      carrier: () => this.carrier(),
      disconnectedAt: () => this.disconnectedAt,
      ended: () => isTerminal(this.status.state),
    });
    this.credentials = new Credentials(options.maxFrameSize);
    this.reports = new StateReports(listeners, watches, {
      connected: () => isConnected(this.status.state),
      sessionTimeout: () => this.sessionTimeoutNow(),
      expire: (reason) => this.expire(reason),
    });
    this.probe = new ReadWriteProbe({
      transport: options.transport,
      log: options.log,
      hosts: () => this.rotation.hosts,
      index: () => this.rotation.index,
      readOnly: () => this.status.state === "connectedReadOnly",
      moveTo: (index) => this.moveTo(index, "moving to a read/write server"),
    });
    this.#identity = new SessionIdentity(options.resume);
  }

  get state(): ClientState {
    return this.status.state;
  }

  /** Why the last connection ended (refused, TLS verification, no handshake in time, …). */
  get lastConnectionFailure(): Error | undefined {
    return this.lastFailure;
  }

  /** The session's id, password and negotiated timeout. */
  get identity(): IdentityView {
    return this.#identity;
  }

  /** The server carrying the session, or null while disconnected. */
  get server(): Endpoint | null {
    return this.conn !== null && isConnected(this.status.state) ? (this.endpoint ?? null) : null;
  }

  /** The host list attempts go through (replaced by updateHosts). */
  get serverList(): readonly Endpoint[] {
    return this.rotation.hosts;
  }

  /** The timeout that governs expiry and LOST now: the negotiated one once granted. */
  private sessionTimeoutNow(): number {
    return effectiveSessionTimeout(this.#identity.negotiatedTimeout, this.options.requestedSessionTimeout);
  }

  start(): void {
    this.apply({ type: "start" });
    this.connectNext();
  }

  /** Sends a request now if the session can carry it, otherwise queues it (see the policy). */
  submit(request: Request): void {
    if (isEnding(this.status.state)) {
      request.fail(endedError(this.status.state, request));
      return;
    }
    this.waiting.submit(request);
  }

  /** The connection carrying the session, or null while none does. */
  private carrier(): Connection | null {
    return this.conn !== null && isConnected(this.status.state) ? this.conn : null;
  }

  /** Resolves once fewer than `maxInFlight` requests are outstanding (at once when that is so). */
  waitForCapacity(): Promise<void> {
    return this.waiting.waitForCapacity();
  }

  /** Adds credentials: sent now if connected, and replayed after every reconnect (§11.5). */
  addAuth(scheme: string, auth: Uint8Array): Promise<void> {
    if (isEnding(this.status.state)) return Promise.reject(endedError(this.status.state, undefined));
    return this.credentials.add(scheme, auth, this.carrier());
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
      this.waiting.flushTo(conn);
      conn.sendCloseSession(closeTimeout);
    } else {
      // Terminal before finish() drops the attempt, so its close starts no reconnect.
      this.apply({ type: "close" });
      this.finish();
    }
    return done;
  }

  private apply(input: SessionInput): void {
    const { status, event } = transition(this.status, input);
    this.status = status;
    if (event === undefined) return;
    this.options.log("info", `session ${event}`, {
      sessionId: `0x${this.#identity.id.toString(16)}`,
      state: status.state,
    });
    this.reports.report(event);
  }

  private connectNext(): void {
    clearTimeout(this.reconnectTimer);
    if (isTerminal(this.status.state)) return;
    if (
      this.#identity.id !== 0n && this.status.everConnected &&
      Date.now() - this.lastContact >= clientSideExpiry(this.sessionTimeoutNow())
    ) {
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
    const attemptTimeout = this.options.connectTimeout ??
      connectTimeout(this.sessionTimeoutNow(), this.rotation.hosts.length);
    this.options.log("debug", "connecting", { host: endpoint.host, port: endpoint.port });
    const conn: Connection = new Connection(
      {
        endpoint,
        transport: this.options.transport,
        maxFrameSize: this.options.maxFrameSize,
        connectTimeout: attemptTimeout,
      },
      this.#identity.request(this.lastZxid, this.options.requestedSessionTimeout, this.options.canBeReadOnly),
      {
        onHandshake: (response) => this.onHandshake(conn, endpoint, response),
        onNotification: (header, event) => this.onNotification(header, event),
        onAuthReply: (err) => this.onAuthReply(err),
        onZxid: (zxid) => {
          if (zxid > this.lastZxid) this.lastZxid = zxid;
        },
        onReplies: () => this.waiting.drain(),
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
    this.#identity.accept(response);
    this.lastContact = Date.now();
    this.rotation.connected();
    const silenceLimit = readTimeout(response.timeOut);
    conn.startTimers(silenceLimit, pingInterval(silenceLimit));
    this.options.log("debug", "handshake", {
      host: endpoint.host,
      port: endpoint.port,
      timeout: response.timeOut,
      readOnly: response.readOnly,
    });
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
    this.credentials.replay(conn);
    this.watches.restore(
      (request) => conn.send(request),
      this.lastZxid,
      () => isTerminal(this.status.state),
      (report) => this.reportWatches(report),
    );
    this.apply({ type: "handshake", readOnly });
    this.waiting.drain();
    if (readOnly) this.probe.start(100);
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
   * Replaces the host list and moves the session as {@link replaceHosts} says. A move is a
   * disconnect: requests in flight fail with `ConnectionLoss`; the session and watches stay.
   */
  updateHosts(hosts: readonly Endpoint[], rebalance: boolean, random: () => number): void {
    const state = this.status.state;
    if (isEnding(state)) return;
    // Waiting out a reconnect pause, the attempt it ends in goes to the new list's first host.
    const carrying = this.conn === null ? undefined : this.endpoint;
    // With one host nothing was probed (the probe stops there); now there may be others.
    const probe = carrying !== undefined && state === "connectedReadOnly" && this.rotation.hosts.length < 2;
    const move = replaceHosts(this.rotation, hosts, carrying, isConnected(state), rebalance, random);
    if (probe && move?.leaving !== true) this.probe.start(100);
    if (move === undefined) return;
    this.options.log("info", move.reason, { host: hosts[move.to]?.host, port: hosts[move.to]?.port });
    this.moveTo(move.to, move.reason);
  }

  private reportWatches(report: WatchReport): void {
    queueMicrotask(() => this.listeners.onWatches(report));
  }

  private onNotification(header: ReplyHeader, record: WatcherEventRecord): void {
    if (!this.watches.notify(record)) return;
    if (header.zxid > this.lastZxid) this.lastZxid = header.zxid;
  }

  private onAuthReply(err: number): void {
    if (this.credentials.answer(err) === undefined) return;
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
    for (const request of unanswered) request.fail(unansweredError(this.status.state, request, reason));
    if (isTerminal(this.status.state)) return;
    if (wasConnected) this.disconnectedAt = Date.now();
    this.options.log(wasConnected ? "warn" : "debug", "connection closed", { reason: reason.message });
    this.apply({ type: "lost" });
    if (closing) {
      this.finish();
      return;
    }
    this.waiting.arm();
    this.connectNext();
  }

  private expire(reason: string): void {
    this.options.log("warn", "session expired", { reason, sessionId: `0x${this.#identity.id.toString(16)}` });
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
    this.waiting.failAll((request) =>
      new ZooKeeperError(ErrorCode.SessionExpired, { op: request.op, path: request.path })
    );
    this.watches.clear();
    this.#identity.forget();
    this.lastContact = Date.now();
    // A connection still open starts the next attempt as it closes (exactly one per loss).
    if (this.conn !== null) this.conn.close(new Error("session expired"));
    else this.connectNext();
  }

  /** Terminal clean-up: fail everything still waiting, stop timers, release close waiters. */
  private finish(): void {
    clearTimeout(this.reconnectTimer);
    this.reports.stop();
    this.probe.stop();
    this.waiting.releaseCapacity();
    this.waiting.stop();
    this.conn?.close(new Error(`session ${this.status.state}`));
    this.conn = null;
    this.waiting.failAll((request) => endedError(this.status.state, request));
    this.credentials.clear(() => endedError(this.status.state, undefined));
    this.watches.clear();
    for (const resolve of this.closeWaiters.splice(0)) resolve();
  }
}
