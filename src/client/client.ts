/**
 * The public ZooKeeper client: a promise API over the session. Every method validates its
 * arguments before anything is sent and reports failures as {@link ZooKeeperError}.
 */
import type { ACL, ClientInfo, Stat } from "../jute/records.ts";
import { badArguments } from "../protocol/errors.ts";
import type { Watcher } from "../protocol/events.ts";
import type { Endpoint } from "../transport/transport.ts";
import { type RequestContext, traceRequest, tracingRequests } from "./diagnostics.ts";
import { type ConfigResult, type ReconfigChange, validHosts } from "./ensemble.ts";
import { followEnsemble } from "./follow-ensemble.ts";
import { shuffled } from "./hosts.ts";
import { Listeners, type StateListeners } from "./listeners.ts";
import { type MultiContext, ReadBatch, Transaction } from "./multi.ts";
import {
  type AddWatchMode,
  type CreateOptions,
  type Operation,
  operations as ops,
  type VersionOptions,
  type WatchContext,
  type WatchOptions,
} from "./operations.ts";
import { type ConnectOptions, resolveOptions } from "./options.ts";
import type { Request, SignalOptions } from "./request.ts";
import { sendOperation } from "./send.ts";
import { Session } from "./session.ts";
import type { ClientState } from "./session-state.ts";
import { deleteRecursive, mkdirp, type MkdirpOptions } from "./tree.ts";
import { type WatchStream, watchStream, type WatchStreamOptions } from "./watch-stream.ts";
import type { WatcherType } from "./watch-tables.ts";
import { Watches } from "./watches.ts";

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
  readonly #listeners: Listeners;
  readonly #closeTimeout: number;
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
    const listeners = (this.#listeners = new Listeners(log, resolved.watcher));
    this.#watches = new Watches({
      chroot: resolved.chroot,
      maxFrameSize: resolved.maxFrameSize,
      log,
      send: (operation, signal, onLateReply) => this.#send(operation, signal, onLateReply),
    });
    this.#session = new Session(
      this.#watches,
      {
        ...resolved,
        // Java's pacing (§15.2): 0–999 ms jitter before each retry, +1 s per full failed cycle.
        reconnectDelay: (fullCycle) => Math.floor(Math.random() * 1000) + (fullCycle ? 1000 : 0),
      },
      listeners.forSession(() => this.#session.identity.id),
    );
    this.#context = {
      chroot: resolved.chroot,
      maxFrameSize: resolved.maxFrameSize,
      watcher: (watch, op, path) => listeners.watcherFor(watch, op, path),
      register: (kind, serverPath, watcher) => this.#watches.register(kind, serverPath, watcher),
    };
    for (const a of resolved.auth) {
      this.addAuth(a.scheme, a.auth).catch((error) => log("warn", "authentication failed", { error }));
    }
    if (resolved.followEnsemble) followEnsemble(this, log);
    this.#session.start();
  }

  /** Where the client is: `connecting`, `connected`, `connectedReadOnly`, `closing`, `closed`, `expired`, `authFailed`. */
  get state(): ClientState {
    return this.#session.state;
  }

  /** The session id (0n before the first handshake). Print it in hex: `id.toString(16)`. */
  get sessionId(): bigint {
    return this.#session.identity.id;
  }

  /** The session password, to resume the session from another client (`options.session`). */
  get sessionPassword(): Uint8Array {
    return this.#session.identity.password;
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
    return this.#session.identity.negotiatedTimeout;
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
    return this.#listeners.on(type, listener);
  }

  /** Hands a request to the session (one closure for the client's lifetime, not one per call). */
  readonly #submit = (request: Request): void => this.#session.submit(request);

  #send<T>(operation: Operation<T>, signal?: AbortSignal, onLateReply?: (err: number) => void): Promise<T> {
    if (!tracingRequests()) return sendOperation(this.#submit, operation, signal, onLateReply);
    const context: RequestContext = { op: operation.op, path: operation.path, sessionId: this.#session.identity.id };
    return traceRequest(context, () => sendOperation(this.#submit, operation, signal, onLateReply));
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
  addWatch(
    path: string,
    watcher: Watcher,
    options: { readonly mode?: AddWatchMode } & SignalOptions = {},
  ): Promise<void> {
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
    return watchStream(this, path, options);
  }

  /**
   * Removes watches of `type` on `path`: only `watcher`'s when given, else all. Each removed
   * watcher receives a `DataWatchRemoved`, `ChildWatchRemoved` or `PersistentWatchRemoved`
   * event. Fails with `NoWatcher` when nothing matches. With `local: true` the local removal
   * happens even when the server cannot be told (e.g. while disconnected).
   */
  removeWatches(
    path: string,
    type: WatcherType,
    options: { readonly watcher?: Watcher; readonly local?: boolean } = {},
  ): Promise<void> {
    return this.#guard(() => this.#watches.remove(path, type, options));
  }

  /**
   * Creates `path` and every missing ancestor as persistent nodes (existing ones are left alone).
   * `data` and `acl` apply to the nodes it creates.
   */
  mkdirp(path: string, options: MkdirpOptions = {}): Promise<void> {
    return mkdirp(this, path, options);
  }

  /**
   * Deletes `path` and everything below it; a missing node is not an error. Children are
   * deleted in parallel (pipelined); nodes created concurrently below are deleted too, within a
   * bounded number of retries (then `NotEmpty`).
   */
  deleteRecursive(path: string, options: SignalOptions = {}): Promise<void> {
    return deleteRecursive(this, path, options);
  }

  /**
   * Closes the session: the server deletes its ephemeral nodes and the promise resolves when it
   * confirmed (or after `closeTimeout`). Later calls fail with `SessionExpired`. Idempotent.
   */
  close(): Promise<void> {
    return this.#session.close(this.#closeTimeout);
  }
}
