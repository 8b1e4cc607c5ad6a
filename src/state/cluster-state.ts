/**
 * The generic state layer under Storm's domain layer (Storm 0.9 `ClusterState`, 2.x
 * `IStateStorage`/`ZKStateStorage`; storm-research §2): one ZooKeeper session rooted at the Storm
 * root, Storm's node operations, and one default watcher fanning events out to registered
 * callbacks.
 */
import { randomUUID } from "node:crypto";
import {
  type ACL,
  connect,
  type ConnectOptions,
  CREATOR_ALL_ACL,
  type EventTypeName,
  isRetryable,
  type Logger,
  OPEN_ACL_UNSAFE,
  retry,
  type RetryPolicy,
  type StateEvent,
  type WatchedEvent,
  type ZooKeeperClient,
  ZooKeeperError,
} from "../zookeeper.ts";
import { stormBackoffSleep } from "../storm/storm-backoff.ts";

/** A callback of {@link ClusterState.register}: the type and (root-relative) path of a watch event. */
export type StateCallback = (type: EventTypeName, path: string) => void;

/** How to reach the cluster's ZooKeeper (Storm's `storm.zookeeper.*` settings). */
export interface ClusterStateConfig {
  /** `storm.zookeeper.servers` (default `["localhost"]`); each gets `port`. */
  readonly servers?: readonly string[];
  /** `storm.zookeeper.port`, default 2181. */
  readonly port?: number;
  /** A full connect string instead of servers + port (no chroot in it: `root` is applied). */
  readonly connectString?: string;
  /** `storm.zookeeper.root`, default `/storm`. */
  readonly root?: string;
  /** Default 20 000 ms. */
  readonly sessionTimeout?: number;
  /** How long to wait for the first connection; default 15 000 ms. */
  readonly connectionTimeout?: number;
  /** `storm.zookeeper.auth.scheme`/`.payload`, e.g. `{ scheme: "digest", payload: "storm:secret" }`. */
  readonly auth?: { readonly scheme: string; readonly payload: string };
  /** ACL of created nodes; default creator-all when `auth` is set, else open. */
  readonly acl?: readonly ACL[];
  readonly logger?: Logger;
  /** Errors that have no caller to go to (a callback that threw). Default: the logger. */
  readonly onError?: (error: unknown) => void;
  /** Any other client option (read-only mode, frame size, …). */
  readonly clientOptions?: ConnectOptions;
  /**
   * How operations are retried after transient errors: all that are safe to repeat, and
   * `createSequential` only when the failed attempt certainly reached no server.
   * Default Storm's: 5 retries, 1 000 ms base, 30 000 ms ceiling, slept on Storm's bounded
   * schedule ({@link stormBackoffSleep}: about a second each).
   */
  readonly retry?: RetryPolicy;
}

/**
 * Storm's generic ZooKeeper operations. Paths are relative to the Storm root.
 *
 * The writes take an optional `acl`, as Storm's `IStateStorage` does: it goes to the node written
 * and, when that is missing too, to its parent (Storm's `set_data` and `set_ephemeral_node` create
 * the parent with the node's ACL); every other ancestor created on the way gets {@link acl}.
 */
export interface ClusterState {
  /** The underlying client (rooted at the Storm root), for anything not covered here. */
  readonly client: ZooKeeperClient;
  /** The ACL of nodes created without an explicit one (Storm's daemon default). */
  readonly acl: readonly ACL[];
  /** Creates parents; sets the node's data if it exists, else creates it ephemeral (also if it vanished meanwhile). */
  setEphemeralNode(path: string, data: Uint8Array, acl?: readonly ACL[]): Promise<void>;
  /**
   * Creates a sequential child (missing parents with the default ACL) and returns its path.
   * Default mode persistent-sequential (Storm 0.9; Storm 2.x always creates ephemeral ones).
   */
  createSequential(
    path: string,
    data: Uint8Array,
    options?: { readonly mode?: "persistent-sequential" | "ephemeral-sequential"; readonly acl?: readonly ACL[] },
  ): Promise<string>;
  /** Sets the node's data if it exists (its ACL is left alone), else creates it (and its parents) persistent. */
  setData(path: string, data: Uint8Array, acl?: readonly ACL[]): Promise<void>;
  /** Deletes the node and everything below it; a missing node is fine. */
  deleteNode(path: string): Promise<void>;
  /** The node's data, or null when it does not exist. With `watch`, creation of a missing node is reported too. */
  getData(path: string, watch?: boolean): Promise<Uint8Array | null>;
  /** The node's data version, or null when it does not exist. */
  getVersion(path: string, watch?: boolean): Promise<number | null>;
  /** The node's data and version, or null when it does not exist. */
  getDataWithVersion(
    path: string,
    watch?: boolean,
  ): Promise<{ readonly data: Uint8Array; readonly version: number } | null>;
  /** The node's children (unordered). Fails with `NoNode` when the node does not exist, as Storm does. */
  getChildren(path: string, watch?: boolean): Promise<string[]>;
  /**
   * Creates the node (data `0x07`, as Storm writes, and `acl`) and its missing ancestors (empty,
   * default ACL); an existing node is left alone.
   */
  mkdirs(path: string, acl?: readonly ACL[]): Promise<void>;
  nodeExists(path: string, watch?: boolean): Promise<boolean>;
  /** Makes the server catch up with the leader before later reads. */
  sync(path: string): Promise<void>;
  /** Adds a callback that receives every watch event while the state is open; returns its id. */
  register(callback: StateCallback): string;
  /** Removes a callback; true when it was registered. */
  unregister(id: string): boolean;
  /** Connection-state events of the session; returns an unsubscribe function. */
  onConnectionState(listener: (event: StateEvent) => void): () => void;
  /** Stops delivering events and closes the client if this state opened it. */
  close(): Promise<void>;
}

/** Storm's mkdirs marker byte. */
const MKDIRS_DATA = new Uint8Array([7]);
/**
 * How many times a write re-runs after losing a race to another writer (the node vanished
 * between exists and setData, or appeared between exists and create), or a watched read after
 * the node appeared between its read and its exists watch. More means someone keeps creating
 * and deleting the node; the last error (or null) is then the answer.
 */
const MAX_RACES = 3;

const isCode = (error: unknown, code: string) => error instanceof ZooKeeperError && error.code === code;

function normalize(path: string): string {
  return "/" + path.split("/").filter((t) => t !== "").join("/");
}

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/**
 * Opens a ClusterState: creates the root with a client that has no chroot (as Storm does), then
 * opens the session chrooted at the root. `close()` closes that session. As under Curator, an
 * expired session is replaced by a new one (`newSession` state event, Curator's RECONNECTED);
 * its ephemeral nodes and watches are gone, so callbacks armed before must be armed again.
 * `clientOptions: { renewSessionOnExpiry: false }` makes expiry final instead.
 */
export async function createClusterState(config: ClusterStateConfig = {}): Promise<ClusterState> {
  const hosts = config.connectString ??
    (config.servers ?? ["localhost"]).map((s) => `${s}:${config.port ?? 2181}`).join(",");
  const root = normalize(config.root ?? "/storm");
  const options: ConnectOptions = {
    sessionTimeout: config.sessionTimeout ?? 20_000,
    initialConnectTimeout: config.connectionTimeout ?? 15_000,
    // Storm runs on Curator, which opens a new session when one expires: its daemons re-register
    // their ephemeral nodes on RECONNECTED instead of dying with the old session.
    renewSessionOnExpiry: true,
    ...(config.logger ? { logger: config.logger } : {}),
    ...(config.auth ? { auth: [{ scheme: config.auth.scheme, auth: config.auth.payload }] } : {}),
    ...config.clientOptions,
  };
  const acl = config.acl ?? (config.auth ? CREATOR_ALL_ACL : OPEN_ACL_UNSAFE);
  if (root !== "/") {
    const bootstrap = await connect(hosts, options);
    try {
      await mkdirsWith(bootstrap, root, acl);
    } finally {
      await bootstrap.close();
    }
  }
  const client = await connect(root === "/" ? hosts : `${hosts}${root}`, options);
  return wrapClusterState(client, { ...config, acl, ownsClient: true });
}

/**
 * Storm's mkdirs: creates `path` with data `0x07` and `acl` unless it exists; missing ancestors
 * are created empty with `ancestorAcl`, as Curator's creatingParentsIfNeeded does for Storm.
 */
async function mkdirsWith(
  client: ZooKeeperClient,
  path: string,
  acl: readonly ACL[],
  ancestorAcl: readonly ACL[] = acl,
): Promise<void> {
  const p = normalize(path);
  if (p === "/" || (await client.exists(p)) !== null) return;
  const parent = parentOf(p);
  if (parent !== "/" && (await client.exists(parent)) === null) await client.mkdirp(parent, { acl: ancestorAcl });
  try {
    await client.create(p, MKDIRS_DATA, { acl });
  } catch (error) {
    if (!isCode(error, "NodeExists")) throw error;
  }
}

/**
 * A ClusterState over an existing client (whose chroot is the Storm root). `close()` leaves the
 * client open unless `ownsClient` is set.
 */
export function wrapClusterState(
  client: ZooKeeperClient,
  options: {
    readonly acl?: readonly ACL[];
    readonly logger?: Logger;
    readonly onError?: (error: unknown) => void;
    readonly ownsClient?: boolean;
    readonly retry?: RetryPolicy;
  } = {},
): ClusterState {
  const acl = options.acl ?? OPEN_ACL_UNSAFE;
  const log: Logger = options.logger ?? (() => {});
  const onError = options.onError ?? ((error: unknown) => log("error", "a cluster-state callback failed", { error }));
  const callbacks = new Map<string, StateCallback>();
  let active = true;

  const offEvents = client.on("event", (event: WatchedEvent) => {
    if (!active) return;
    if (event.state !== "SyncConnected") {
      log("warn", "watch event while not connected", { state: event.state, type: event.type, path: event.path });
    }
    if (event.type === "None" || event.path === null) return;
    for (const callback of [...callbacks.values()]) {
      try {
        callback(event.type, event.path);
      } catch (error) {
        onError(error);
      }
    }
  });

  /**
   * Sets the node's data if it exists; false when it does not (or vanished meanwhile). Storm asks
   * `exists` first; a setData that answers NoNode tells the same in one round trip instead of two
   * (and a heartbeat is one setData a second per worker).
   */
  const setIfPresent = async (path: string, data: Uint8Array): Promise<boolean> => {
    try {
      await client.setData(path, data);
      return true;
    } catch (error) {
      if (!isCode(error, "NoNode")) throw error;
      return false;
    }
  };

  /**
   * Storm's set_data / set_ephemeral_node: sets the node's data if it exists, else creates its
   * parent (with `nodeAcl`) and the node (`mode`, `nodeAcl`). A create that loses to another
   * writer (STORM-1750) goes back to setting the data.
   */
  const upsert = async (
    path: string,
    data: Uint8Array,
    mode: "persistent" | "ephemeral",
    nodeAcl: readonly ACL[],
  ): Promise<void> => {
    const p = normalize(path);
    for (let attempt = 1;; attempt++) {
      if (await setIfPresent(p, data)) return;
      try {
        await mkdirsWith(client, parentOf(p), nodeAcl, acl);
        await client.create(p, data, { mode, acl: nodeAcl });
        return;
      } catch (error) {
        if (!isCode(error, "NodeExists") || attempt >= MAX_RACES) throw error;
      }
    }
  };

  const state: ClusterState = {
    client,
    acl,
    setEphemeralNode: (path, data, nodeAcl = acl) => upsert(path, data, "ephemeral", nodeAcl),
    async createSequential(path, data, opts = {}) {
      const p = normalize(path);
      await mkdirsWith(client, parentOf(p), acl);
      return (await client.create(p, data, { mode: opts.mode ?? "persistent-sequential", acl: opts.acl ?? acl })).path;
    },
    setData: (path, data, nodeAcl = acl) => upsert(path, data, "persistent", nodeAcl),
    async deleteNode(path) {
      await client.deleteRecursive(normalize(path));
    },
    async getData(path, watch = false) {
      return (await state.getDataWithVersion(path, watch))?.data ?? null;
    },
    async getDataWithVersion(path, watch = false) {
      const p = normalize(path);
      for (let attempt = 1;; attempt++) {
        try {
          const { data, stat } = await client.getData(p, { watch });
          return { data, version: stat.version };
        } catch (error) {
          if (!isCode(error, "NoNode")) throw error;
        }
        if (!watch) return null;
        // ZooKeeper sets no data watch on a missing node: an exists watch reports its creation,
        // as Storm arranges. If it was created in between, read it (with its data watch).
        if ((await client.exists(p, { watch: true })) === null || attempt >= MAX_RACES) return null;
      }
    },
    async getVersion(path, watch = false) {
      return (await client.exists(normalize(path), { watch }))?.version ?? null;
    },
    async getChildren(path, watch = false) {
      return (await client.getChildren(normalize(path), { watch })).children;
    },
    mkdirs: (path, nodeAcl = acl) => mkdirsWith(client, path, nodeAcl, acl),
    async nodeExists(path, watch = false) {
      return (await client.exists(normalize(path), { watch })) !== null;
    },
    sync: (path) => client.sync(normalize(path)),
    register(callback) {
      const id = randomUUID();
      callbacks.set(id, callback);
      return id;
    },
    unregister: (id) => callbacks.delete(id),
    onConnectionState: (listener) => client.on("state", listener),
    async close() {
      active = false;
      offEvents();
      if (options.ownsClient) await client.close();
    },
  };
  const policy: RetryPolicy = {
    // Storm's storm.zookeeper.retry.times, .retry.interval and .retry.intervalceiling.millis,
    // on Storm's own schedule.
    maxRetries: 5,
    baseSleepMs: 1_000,
    maxSleepMs: 30_000,
    sleepMs: stormBackoffSleep,
    // Curator also retries SessionExpired: a client renewing its session (the default for a
    // ClusterState) carries the retry on the new one; a client whose expiry is final does not.
    retryOn: (error) =>
      isRetryable(error) ||
      (error instanceof ZooKeeperError && error.code === "SessionExpired" && client.state !== "expired" &&
        client.state !== "closed"),
    onRetry: (error, attempt, sleepMs) => log("warn", "retrying a ZooKeeper operation", { error, attempt, sleepMs }),
    ...options.retry,
  };
  const retried = <A extends unknown[], R>(op: (...args: A) => Promise<R>, retryPolicy = policy) => (...args: A) =>
    retry(() => op(...args), retryPolicy);
  // Every operation but createSequential is safe to repeat. A repeated sequential create would
  // leave a second node behind, so it is retried only when the failed one certainly reached no
  // server (its error is not outcomeUnknown).
  const neverApplied: RetryPolicy = {
    ...policy,
    retryOn: (error) =>
      (policy.retryOn ?? isRetryable)(error) && !(error instanceof ZooKeeperError && error.outcomeUnknown === true),
  };
  return {
    ...state,
    createSequential: retried(state.createSequential, neverApplied),
    setEphemeralNode: retried(state.setEphemeralNode),
    setData: retried(state.setData),
    deleteNode: retried(state.deleteNode),
    getData: retried(state.getData),
    getVersion: retried(state.getVersion),
    getDataWithVersion: retried(state.getDataWithVersion),
    getChildren: retried(state.getChildren),
    mkdirs: retried(state.mkdirs),
    nodeExists: retried(state.nodeExists),
    sync: retried(state.sync),
  };
}
