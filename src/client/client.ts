/**
 * The public ZooKeeper client: a promise API over the session. Every method validates its
 * arguments before anything is sent and reports failures as {@link ZooKeeperError}.
 */
import type { ACL, ClientInfo, Stat } from "../jute/records.ts";
import { ensembleHosts } from "../protocol/ensemble-config.ts";
import { ErrorCode, ZooKeeperError, badArguments } from "../protocol/errors.ts";
import type { WatchedEvent, Watcher } from "../protocol/events.ts";
import type { OpName } from "../protocol/opcodes.ts";
import { joinPath, parentPath, validatePath } from "../protocol/paths.ts";
import type { Endpoint } from "../transport/transport.ts";
import { indexOfEndpoint, shuffled } from "./hosts.ts";
import { type ConfigResult, type ReconfigChange, validHosts } from "./ensemble.ts";
import { type MultiContext, ReadBatch, Transaction } from "./multi.ts";
import type { Request, SignalOptions } from "./request.ts";
import { type RequestContext, type StateMessage, requestChannel, stateChannel, tracingRequests, watchesChannel } from "./diagnostics.ts";
import type { Logger } from "./logger.ts";
import {
  type AddWatchMode,
  type CreateOptions,
  type Operation,
  type VersionOptions,
  type WatchContext,
  type WatchOption,
  type WatchOptions,
  operations as ops,
  replyError,
} from "./operations.ts";
import { type ConnectOptions, initialConnectTimeout, resolveOptions } from "./options.ts";
import { Session } from "./session.ts";
import type { ClientState, ConnectionState, StateEvent } from "./session-state.ts";
import { type OverflowPolicy, type WatchStream, openWatchStream } from "./watch-stream.ts";
import type { WatcherType } from "./watch-tables.ts";
import { type WatchReport, Watches } from "./watches.ts";

export type { ConfigResult, ReconfigChange } from "./ensemble.ts";
export type { ConnectOptions } from "./options.ts";
export type { AddWatchMode, CreateOptions, VersionOptions, WatchOption, WatchOptions } from "./operations.ts";
export type { SignalOptions } from "./request.ts";

/** Options of {@link ZooKeeperClient.watch}. */
export interface WatchStreamOptions extends SignalOptions {
  /** `persistent-recursive` (default): the node and every descendant; `persistent`: the node itself. */
  readonly mode?: AddWatchMode;
  /** Events held while the consumer is busy. Default 1 024. */
  readonly bufferSize?: number;
  /**
   * When the buffer is full: `"error"` (default) stops the watch and throws a
   * `WatchOverflowError` after the buffered events; `"dropOldest"` drops the oldest and counts
   * it in `dropped`.
   */
  readonly overflow?: OverflowPolicy;
}

interface StateListeners {
  state: (event: StateEvent) => void;
  connectionState: (state: ConnectionState) => void;
  event: Watcher;
  watches: (report: WatchReport) => void;
}

/**
 * A ZooKeeper client holding one session. Create it with {@link connect}.
 *
 * @example
 * ```ts
 * const zk = await connect("127.0.0.1:2181/app", { sessionTimeout: 10_000 });
 * await zk.create("/jobs", new TextEncoder().encode("{}"));
 * const { data, stat } = await zk.getData("/jobs", { watch: (e) => console.log(e.type, e.path) });
 * await zk.close();
 * ```
 */
export class ZooKeeperClient {
  readonly #session: Session;
  readonly #listeners: { [K in keyof StateListeners]: Set<StateListeners[K]> } = { state: new Set(), connectionState: new Set(), event: new Set(), watches: new Set() };
  readonly #closeTimeout: number;
  readonly #defaultWatcher: Watcher;
  readonly #shuffleHosts: boolean;
  /** What the operations need from the client. */
  readonly #context: WatchContext;
  readonly #watches: Watches;

  /** @internal Use {@link connect} or {@link createClient}. */
  constructor(connectString: string, options: ConnectOptions = {}) {
    const resolved = resolveOptions(connectString, options);
    const log = resolved.log;
    this.#closeTimeout = resolved.closeTimeout;
    this.#shuffleHosts = resolved.shuffleHosts;
    const userWatcher = resolved.watcher;
    this.#defaultWatcher = (event: WatchedEvent) => {
      // Each listener on its own: one that throws must not keep the event from the others.
      if (userWatcher) callListener(userWatcher, event, "the default watcher", log);
      for (const l of this.#listeners.event) callListener(l, event, "an event listener", log);
    };
    this.#watches = new Watches({ chroot: resolved.chroot, maxFrameSize: resolved.maxFrameSize, log, send: (operation, signal, onLateReply) => this.#send(operation, signal, onLateReply) });
    this.#session = new Session(
      this.#watches,
      {
        ...resolved,
        // Java's pacing (§15.2): 0–999 ms jitter before each retry, +1 s per full failed cycle.
        reconnectDelay: (fullCycle) => Math.floor(Math.random() * 1000) + (fullCycle ? 1000 : 0),
      },
      {
        onState: (event) => {
          if (stateChannel.hasSubscribers) stateChannel.publish({ state: event, sessionId: this.#session.id } satisfies StateMessage);
          this.#notify("state", event, log);
        },
        onConnectionState: (state) => this.#notify("connectionState", state, log),
        onWatches: (report) => {
          if (watchesChannel.hasSubscribers) watchesChannel.publish(report);
          this.#notify("watches", report, log);
        },
        defaultWatcher: this.#defaultWatcher,
      },
    );
    this.#context = {
      chroot: resolved.chroot,
      maxFrameSize: resolved.maxFrameSize,
      watcher: (watch, op, path) => this.#watcher(watch, op, path),
      register: (kind, serverPath, watcher) => this.#watches.register(kind, serverPath, watcher),
    };
    for (const a of resolved.auth) {
      this.addAuth(a.scheme, a.auth).catch((error) => log("warn", "authentication failed", { error }));
    }
    if (resolved.followEnsemble) this.#followEnsemble(log);
    this.#session.start();
  }

  /** Re-reads the configuration on every connect and config change and applies its hosts. */
  #followEnsemble(log: Logger): void {
    const follow = (event?: WatchedEvent): void => {
      if (event !== undefined && event.type !== "NodeDataChanged") return;
      this.getConfig({ watch: follow }).then(({ config }) => {
        const hosts = ensembleHosts(config);
        const current = this.#session.serverList;
        const same = hosts.length === current.length && hosts.every((h) => indexOfEndpoint(current, h) >= 0);
        if (hosts.length === 0 || same) return;
        log("info", "following the ensemble configuration", { version: config.version, hosts });
        this.updateServerList(hosts);
      }, (error: unknown) => {
        // A lost connection re-reads at the next connect; a closed client stops here.
        log("debug", "could not read the ensemble configuration", { error });
      });
    };
    // The one-shot config watch is restored with the others after a reconnect; a read cut off
    // by a disconnect, or a new session's empty watch table, needs the read again.
    this.on("state", (event) => {
      if (event === "connected" || event === "reconnected" || event === "newSession") follow();
    });
  }

  /** Where the client is: `connecting`, `connected`, `connectedReadOnly`, `closing`, `closed`, `expired`, `authFailed`. */
  get state(): ClientState {
    return this.#session.state;
  }

  /** The session id (0n before the first handshake). Print it in hex: `id.toString(16)`. */
  get sessionId(): bigint {
    return this.#session.id;
  }

  /** The session password, to resume the session from another client (`options.session`). */
  get sessionPassword(): Uint8Array {
    return this.#session.passwd;
  }

  /** The servers the client may connect to, in the order it tries them (see {@link updateServerList}). */
  get serverList(): Endpoint[] {
    return this.#session.serverList.map((h) => ({ host: h.host, port: h.port }));
  }

  /** The server the session is connected to, or null while disconnected. */
  get currentServer(): Endpoint | null {
    return this.#session.server;
  }

  /**
   * Why the most recent connection (or connection attempt) ended: refused, TLS verification,
   * no handshake in time, a corrupt frame, … Undefined until one has ended.
   */
  get lastConnectionError(): Error | undefined {
    return this.#session.lastConnectionFailure;
  }

  /** The session timeout the server granted, in ms (0 before the first handshake). */
  get sessionTimeout(): number {
    return this.#session.timeout;
  }

  #notify<K extends "state" | "connectionState" | "watches">(type: K, value: Parameters<StateListeners[K]>[0], log: Logger): void {
    for (const listener of this.#listeners[type] as Set<(v: typeof value) => void>) callListener(listener, value, `a ${type} listener`, log);
  }

  /**
   * Resolves once fewer than `maxInFlight` requests are outstanding. A producer issuing many
   * requests awaits it between calls to keep the client's memory bounded.
   *
   * @example
   * ```ts
   * for (const path of paths) {
   *   await zk.waitForCapacity();
   *   zk.getData(path).then(handle, report);
   * }
   * ```
   */
  waitForCapacity(): Promise<void> {
    return this.#session.waitForCapacity();
  }

  /**
   * Subscribes to connection-state events (`"state"`: connecting, connected, disconnected,
   * reconnected, newSession, readOnly, expired, closed, authFailed), to Curator's connection
   * states (`"connectionState"`: CONNECTED, SUSPENDED, RECONNECTED, LOST, READ_ONLY) or to the
   * default watcher's events (`"event"`), or to reports of what became of the watches after a
   * reconnect or at expiry (`"watches"`: which SetWatches re-armed, which were lost). Listeners are called after the frame that caused the
   * change, in arrival order with watch events; one that throws is logged. Returns a function
   * that unsubscribes.
   */
  on<K extends keyof StateListeners>(type: K, listener: StateListeners[K]): () => void {
    const set = this.#listeners[type] as Set<StateListeners[K]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  #send<T>(operation: Operation<T>, signal?: AbortSignal, onLateReply?: (err: number) => void): Promise<T> {
    if (!tracingRequests()) return this.#submit(operation, signal, onLateReply);
    const context: RequestContext = { op: operation.op, path: operation.path, sessionId: this.#session.id };
    return requestChannel.tracePromise(() => this.#submit(operation, signal, onLateReply), context) as Promise<T>;
  }

  /** {@link #send} without the tracing. */
  #submit<T>(operation: Operation<T>, signal: AbortSignal | undefined, onLateReply: ((err: number) => void) | undefined): Promise<T> {
    const { op, opcode, path, encode } = operation;
    if (signal !== undefined) {
      if (!isAbortSignal(signal)) throw badArguments("signal must be an AbortSignal", op, path);
      if (signal.aborted) return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      let release: (() => void) | undefined; // removes the abort listener, when there is one
      const request: Request = {
        op,
        opcode,
        path,
        encode,
        xid: 0,
        abandoned: false,
        complete(err, r) {
          // An abandoned read registers no watch: decoding is where watches are registered.
          // A request with lasting effects on the server gets to undo them (onLateReply).
          if (request.abandoned) {
            onLateReply?.(err);
            return;
          }
          release?.();
          let value: T;
          try {
            if (err === 0) value = operation.decode(r);
            else if (operation.onError !== undefined) value = operation.onError(err);
            else throw replyError(err, op, path);
          } catch (error) {
            if (error instanceof ZooKeeperError) {
              reject(error);
              return;
            }
            throw error;
          }
          resolve(value);
        },
        fail(error) {
          release?.();
          reject(error);
        },
      };
      if (signal !== undefined) {
        const abandon = () => {
          request.abandoned = true;
          reject(signal.reason);
        };
        signal.addEventListener("abort", abandon, { once: true });
        release = () => signal.removeEventListener("abort", abandon);
      }
      this.#session.submit(request);
    });
  }

  /** Runs `fn` and turns a synchronous argument error into a rejected promise. */
  #guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return fn();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Builds an operation (a bad argument rejects, nothing is sent) and sends it with the caller's signal. */
  #call<T>(options: SignalOptions, build: () => Operation<T>): Promise<T> {
    return this.#guard(() => {
      const operation = build();
      return this.#send(operation, options.signal);
    });
  }

  #watcher(watch: WatchOption | undefined, op: OpName, path: string): Watcher | undefined {
    if (watch === undefined || watch === false) return undefined;
    if (watch === true) return this.#defaultWatcher;
    if (typeof watch !== "function") throw badArguments("watch must be a boolean or a function", op, path);
    return watch;
  }

  /**
   * Creates a node and returns its actual path (with the sequential suffix, if any) and Stat.
   * Sequential paths may end with `/`. Fails with `NodeExists`, `NoNode` (no parent),
   * `NoChildrenForEphemerals`, `NoAuth`, `InvalidACL`, `Unimplemented` (TTL disabled on the server).
   */
  create(path: string, data?: Uint8Array, options: CreateOptions = {}): Promise<{ path: string; stat: Stat }> {
    return this.#call(options, () => ops.create(this.#context, path, data, options));
  }

  /** Deletes a node (only at `version` when given). Fails with `NoNode`, `BadVersion`, `NotEmpty`. */
  delete(path: string, options: VersionOptions = {}): Promise<void> {
    return this.#call(options, () => ops.delete(this.#context, path, options));
  }

  /**
   * The node's Stat, or null when it does not exist. A watch is left either way: it fires on
   * creation, deletion or data change.
   */
  exists(path: string, options: WatchOptions = {}): Promise<Stat | null> {
    return this.#call(options, () => ops.exists(this.#context, path, options));
  }

  /** The node's data (a copy the caller may keep; empty for null data) and Stat. */
  getData(path: string, options: WatchOptions = {}): Promise<{ data: Uint8Array; stat: Stat }> {
    return this.#call(options, () => ops.getData(this.#context, path, options));
  }

  /** Replaces the node's data (only at `version` when given) and returns the new Stat. */
  setData(path: string, data: Uint8Array, options: VersionOptions = {}): Promise<Stat> {
    return this.#call(options, () => ops.setData(this.#context, path, data, options));
  }

  /**
   * The ensemble's configuration, read from `/zookeeper/config` whatever the chroot (§7.12). A
   * `watch` fires `NodeDataChanged` on that literal path when a reconfig changes it. A standalone
   * server has an empty configuration: no members, no version.
   *
   * @example
   * ```ts
   * const { config } = await zk.getConfig();
   * zk.updateServerList(ensembleHosts(config));
   * ```
   */
  getConfig(options: WatchOptions = {}): Promise<ConfigResult> {
    return this.#call(options, () => ops.getConfig(this.#context, options));
  }

  /**
   * Changes the ensemble's membership (ZooKeeperAdmin's `reconfigure`; the servers need
   * `reconfigEnabled=true` and the caller write access to `/zookeeper/config`, by default only a
   * super user). Resolves with the new configuration once a quorum committed it. Fails with
   * `ReconfigDisabled`, `Unimplemented` (standalone server), `BadVersion` (`fromConfig` is not
   * the current version), `NewConfigNoQuorum`, `ReconfigInProgress`, `NoAuth` or `BadArguments`.
   *
   * @example
   * ```ts
   * const { config } = await zk.getConfig();
   * await zk.reconfig({ leaving: [3], fromConfig: config.version });
   * ```
   */
  reconfig(change: ReconfigChange): Promise<ConfigResult> {
    return this.#call(change, () => ops.reconfig(change));
  }

  /**
   * Replaces the servers the client may connect to (Java's `updateServerList`), e.g. from
   * {@link getConfig} after the ensemble changed: a connect string's hosts (its chroot, if any,
   * must be the client's) or a list of endpoints. A connection to a server left out is dropped
   * and the session moves to a listed one; with `rebalance` (default true, as in Java) a client
   * whose server stays may move to a newly added server, so the ensemble's clients spread over
   * it. A move is a disconnect: requests in flight fail with `ConnectionLoss`, the session and
   * its watches stay.
   */
  updateServerList(hosts: string | readonly Endpoint[], options: { readonly rebalance?: boolean } = {}): void {
    const list = validHosts(hosts, this.#context.chroot.prefix);
    this.#session.updateHosts(this.#shuffleHosts ? shuffled(list) : list, options.rebalance ?? true, Math.random);
  }

  /** The names of the node's children (unordered) and its Stat (getChildren2, §7.6). */
  getChildren(path: string, options: WatchOptions = {}): Promise<{ children: string[]; stat: Stat }> {
    return this.#call(options, () => ops.getChildren2(this.#context, path, options));
  }

  /** The node's ACL and Stat. */
  getACL(path: string, options: SignalOptions = {}): Promise<{ acl: ACL[]; stat: Stat }> {
    return this.#call(options, () => ops.getACL(this.#context, path));
  }

  /** Replaces the node's ACL (only at ACL version `version` when given). */
  setACL(path: string, acl: readonly ACL[], options: VersionOptions = {}): Promise<Stat> {
    return this.#call(options, () => ops.setACL(this.#context, path, acl, options));
  }

  /** Makes the connected server catch up with the leader, so later reads see every earlier write. */
  sync(path = "/", options: SignalOptions = {}): Promise<void> {
    return this.#call(options, () => ops.sync(this.#context, path));
  }

  /**
   * Starts an atomic transaction.
   *
   * @example
   * ```ts
   * await zk.multi().create("/a", bytes).check("/b", 3).setData("/c", bytes).commit();
   * ```
   */
  multi(): Transaction {
    return new Transaction(this.#batchContext());
  }

  /** Starts a batch of reads sent as one request (multiRead, 3.6+; not atomic). */
  multiRead(): ReadBatch {
    return new ReadBatch(this.#batchContext());
  }

  #batchContext(): MultiContext {
    return { ...this.#context, send: (operation, signal) => this.#guard(() => this.#send(operation, signal)) };
  }

  /** Paths of this session's ephemeral nodes that start with `prefix` (a plain string prefix). */
  getEphemerals(prefix = "/", options: SignalOptions = {}): Promise<string[]> {
    return this.#call(options, () => ops.getEphemerals(this.#context, prefix));
  }

  /** The number of all descendants of the node (not only its children). */
  getAllChildrenNumber(path: string, options: SignalOptions = {}): Promise<number> {
    return this.#call(options, () => ops.getAllChildrenNumber(this.#context, path));
  }

  /** The identities the server attaches to this connection (3.7+). */
  whoAmI(options: SignalOptions = {}): Promise<ClientInfo[]> {
    return this.#call(options, () => ops.whoAmI());
  }

  /**
   * Adds credentials to the session, e.g. `addAuth("digest", "alice:secret")`. They are replayed
   * after every reconnect. A rejection is terminal for the session (state `authFailed`).
   */
  addAuth(scheme: string, auth: string | Uint8Array): Promise<void> {
    return this.#guard(() => {
      if (typeof scheme !== "string" || scheme === "") throw badArguments("scheme must be a non-empty string", "auth");
      const bytes = typeof auth === "string" ? new TextEncoder().encode(auth) : auth;
      if (!(bytes instanceof Uint8Array)) throw badArguments("auth must be a string or a Uint8Array", "auth");
      return this.#session.addAuth(scheme, bytes);
    });
  }

  /**
   * Adds a persistent watch (3.6+): `persistent` sees every event of the node itself,
   * `persistent-recursive` the created/deleted/data events of the node and all descendants. It
   * stays until {@link removeWatches}, survives reconnects, and does not need the node to exist.
   */
  addWatch(path: string, watcher: Watcher, options: { readonly mode?: AddWatchMode } & SignalOptions = {}): Promise<void> {
    return this.#guard(() => this.#watches.add(path, watcher, options));
  }

  /**
   * The events of `path` (and, by default, every descendant) as an async iterable, from a
   * persistent watch (3.6+) that survives reconnects. ZooKeeper does not replay changes made
   * while the connection was down, so the stream yields `{ type: "None", state: "Disconnected" }`
   * when it drops and `{ type: "None", state: "SyncConnected" }` once the watch is active again:
   * re-read what you track then. The buffer is bounded (`bufferSize`, `overflow`). Iteration
   * ends when the loop breaks, `close()` is called or the client closes; it throws when the
   * session expires, the signal aborts or the buffer overflows.
   *
   * @example
   * ```ts
   * for await (const event of zk.watch("/config", { signal })) console.log(event.type, event.path);
   * ```
   */
  watch(path: string, options: WatchStreamOptions = {}): WatchStream {
    const mode = options.mode ?? "persistent-recursive";
    const bufferSize = options.bufferSize ?? 1024;
    const overflow = options.overflow ?? "error";
    const problem = !Number.isInteger(bufferSize) || bufferSize < 1
      ? badArguments(`bufferSize must be a positive integer, got ${String(bufferSize)}`, "addWatch", path)
      : overflow !== "error" && overflow !== "dropOldest"
      ? badArguments(`overflow must be "error" or "dropOldest", got ${String(overflow)}`, "addWatch", path)
      : undefined;
    return openWatchStream({
      path,
      bufferSize,
      overflow,
      signal: options.signal,
      register: (watcher) => (problem ? Promise.reject(problem) : this.addWatch(path, watcher, { mode, signal: options.signal })),
      unregister: (watcher) => this.removeWatches(path, mode === "persistent" ? "persistent" : "persistentRecursive", { watcher, local: true }),
      onState: (listener) => this.on("state", listener),
      resync: () => this.exists(path),
    });
  }

  /**
   * Removes watches of `type` on `path`: only `watcher`'s when given, else all. Each removed
   * watcher receives a `DataWatchRemoved`, `ChildWatchRemoved` or `PersistentWatchRemoved`
   * event. Fails with `NoWatcher` when nothing matches. With `local: true` the local removal
   * happens even when the server cannot be told (e.g. while disconnected).
   */
  removeWatches(path: string, type: WatcherType, options: { readonly watcher?: Watcher; readonly local?: boolean } = {}): Promise<void> {
    return this.#guard(() => this.#watches.remove(path, type, options));
  }

  /**
   * Creates `path` and every missing ancestor as persistent nodes (existing ones are left alone).
   * `data` and `acl` apply to the nodes it creates.
   */
  async mkdirp(path: string, options: { readonly data?: Uint8Array; readonly acl?: readonly ACL[] } & SignalOptions = {}): Promise<void> {
    validatePath(path, "create");
    if (path === "/") return;
    try {
      await this.create(path, options.data, { acl: options.acl, signal: options.signal });
    } catch (error) {
      if (error instanceof ZooKeeperError && error.code === "NodeExists") return;
      if (!(error instanceof ZooKeeperError && error.code === "NoNode")) throw error;
      await this.mkdirp(parentPath(path), options);
      try {
        await this.create(path, options.data, { acl: options.acl, signal: options.signal });
      } catch (again) {
        if (!(again instanceof ZooKeeperError && again.code === "NodeExists")) throw again;
      }
    }
  }

  /**
   * Deletes `path` and everything below it; a missing node is not an error. Children are
   * deleted in parallel (pipelined); nodes created concurrently below are deleted too, within a
   * bounded number of retries (then `NotEmpty`).
   */
  async deleteRecursive(path: string, options: SignalOptions = {}): Promise<void> {
    validatePath(path, "delete");
    for (let attempt = 0; ; attempt++) {
      let children: string[];
      try {
        ({ children } = await this.getChildren(path, options));
      } catch (error) {
        if (error instanceof ZooKeeperError && error.code === "NoNode") return;
        throw error;
      }
      await Promise.all(children.map((c) => this.deleteRecursive(joinPath(path, c), options)));
      if (path === "/") return;
      try {
        await this.delete(path, options);
        return;
      } catch (error) {
        if (error instanceof ZooKeeperError && error.code === "NoNode") return;
        if (!(error instanceof ZooKeeperError && error.code === "NotEmpty") || attempt >= 5) throw error;
      }
    }
  }

  /**
   * Closes the session: the server deletes its ephemeral nodes and the promise resolves when it
   * confirmed (or after `closeTimeout`). Later calls fail with `SessionExpired`. Idempotent.
   */
  close(): Promise<void> {
    return this.#session.close(this.#closeTimeout);
  }
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return typeof value === "object" && value !== null && typeof (value as AbortSignal).addEventListener === "function" && typeof (value as AbortSignal).aborted === "boolean";
}

/** Calls a user's listener; what it throws is logged, never thrown into the client. */
function callListener<T>(listener: (value: T) => void, value: T, what: string, log: Logger): void {
  try {
    listener(value);
  } catch (error) {
    log("error", `${what} threw`, { error, value });
  }
}

/**
 * Creates a client that starts connecting at once; requests wait for the session
 * (see `waitForConnection`). Prefer {@link connect}, which also waits for the first session.
 */
export function createClient(connectString: string, options: ConnectOptions = {}): ZooKeeperClient {
  return new ZooKeeperClient(connectString, options);
}

/**
 * Connects to an ensemble and resolves once the session is established. Rejects (and closes the
 * client) with `ConnectionLoss` when no server answered within `initialConnectTimeout`, or with
 * `AuthFailed`/`SessionExpired` when the session could not be set up.
 *
 * @param connectString `host:port[,host:port…][/chroot]`
 */
export function connect(connectString: string, options: ConnectOptions = {}): Promise<ZooKeeperClient> {
  const signal = options.signal;
  if (signal !== undefined && !isAbortSignal(signal)) return Promise.reject(new ZooKeeperError(ErrorCode.BadArguments, { op: "connect", message: "signal must be an AbortSignal" }));
  if (signal?.aborted) return Promise.reject(signal.reason);
  let client: ZooKeeperClient;
  try {
    client = createClient(connectString, options);
  } catch (error) {
    return Promise.reject(error);
  }
  const limit = initialConnectTimeout(options);
  return new Promise((resolve, reject) => {
    /** Resolves with the client, or closes it and rejects with `failure`. */
    const settle = (failure?: { readonly error: unknown }) => {
      clearTimeout(timer);
      off();
      signal?.removeEventListener("abort", abort);
      if (failure === undefined) {
        resolve(client);
        return;
      }
      client.close().finally(() => reject(failure.error));
    };
    const abort = () => settle({ error: signal?.reason });
    signal?.addEventListener("abort", abort, { once: true });
    const timer = setTimeout(() => {
      // Say why: "refused", "self-signed certificate", "no handshake within …" tell what to fix.
      const cause = client.lastConnectionError;
      const why = cause === undefined ? "" : ` (last attempt: ${cause.message})`;
      settle({ error: new ZooKeeperError(ErrorCode.ConnectionLoss, { op: "connect", cause, message: `no ZooKeeper server at ${connectString} answered within ${limit} ms${why}` }) });
    }, limit);
    const off = client.on("state", (event) => {
      if (event === "connected" || event === "readOnly") settle();
      else if (event === "authFailed") settle({ error: new ZooKeeperError(ErrorCode.AuthFailed, { op: "connect", cause: client.lastConnectionError }) });
      else if (event === "expired" || event === "closed") settle({ error: new ZooKeeperError(ErrorCode.SessionExpired, { op: "connect" }) });
    });
  });
}
