/**
 * `startServer` and `startEnsemble`: the public face of the embedded server. An engine holds the
 * tree and sessions and ticks the server's clock (session expiry, container/TTL reaping); one
 * listener per member serves it over loopback TCP.
 */
import type { ConnectionLimits } from "./connection.ts";
import { Engine } from "./engine.ts";
import { Listener } from "./listener.ts";

/** Options of {@link startServer} and {@link startEnsemble}. */
export interface ServerOptions {
  /** Address to listen on; default `127.0.0.1`. */
  readonly host?: string;
  /** Port; 0 (the default) picks a free one. For an ensemble, the first member's port. */
  readonly port?: number;
  /** Length of a tick in ms (default 2000): the session timeout bounds and the clock step. */
  readonly tickTime?: number;
  /** Least session timeout granted, ms; default 2 ticks. */
  readonly minSessionTimeout?: number;
  /** Greatest session timeout granted, ms; default 20 ticks. */
  readonly maxSessionTimeout?: number;
  /** Largest frame accepted (`jute.maxbuffer`), bytes; default 1,048,575. A bigger one closes the connection. */
  readonly maxFrameSize?: number;
  /**
   * Ms a connection may stay without completing its handshake before it is closed; default
   * 10,000, ZooKeeper's `zookeeper.nio.sessionlessCnxnTimeout`.
   */
  readonly handshakeTimeout?: number;
  /** Allows TTL nodes (`zookeeper.extendedTypesEnabled`); default false. */
  readonly extendedTypes?: boolean;
  /** Super user digest, `super:<base64 sha1>` as made by `digestId("super", password)`. */
  readonly superDigest?: string;
  /** How often empty containers and expired TTL nodes are deleted, ms; default one tick. */
  readonly reapInterval?: number;
}

/** A running embedded server and its fault controls. */
export interface ServerHandle {
  /** `host:port`, for `connect`. */
  readonly connectString: string;
  readonly port: number;
  /** Stops the server for good: listener closed, connections dropped, clock stopped. */
  close(): Promise<void>;
  /** Expires a session now, as its timeout would: ephemerals deleted, watchers told, connection closed. Returns whether it existed. */
  expireSession(sessionId: bigint): boolean;
  /** Drops every connection (or only the given session's); sessions live on and can resume. */
  dropConnections(sessionId?: bigint): void;
  /** Keeps accepting and reading but answers nothing, pings included, until {@link resume}. */
  stall(): void;
  /** Answers what was held during a stall, in order, and serves again. */
  resume(): void;
  /** Stops listening and drops connections; the data and sessions are kept. */
  stop(): Promise<void>;
  /** Listens again on the same port after {@link stop}. */
  start(): Promise<void>;
  /** {@link stop} then {@link start}: a restart on the same port with the data kept. */
  restart(): Promise<void>;
}

/** An in-process ensemble: several listeners serving one shared tree. */
export interface EnsembleHandle {
  /** Every member's `host:port`, comma-separated. */
  readonly connectString: string;
  /** The members, each with its own listener controls (stop one to make clients fail over). */
  readonly members: readonly ServerHandle[];
  /** Expires a session (whichever member serves it). */
  expireSession(sessionId: bigint): boolean;
  /** Stops every member and the clock. */
  close(): Promise<void>;
}

const DEFAULT_TICK = 2000;

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  return v;
}

function makeEngine(options: ServerOptions): { engine: Engine; stopClock: () => void } {
  const tick = positive("tickTime", options.tickTime, DEFAULT_TICK);
  const min = positive("minSessionTimeout", options.minSessionTimeout, 2 * tick);
  const max = positive("maxSessionTimeout", options.maxSessionTimeout, 20 * tick);
  if (min > max) throw new RangeError(`minSessionTimeout ${min} is above maxSessionTimeout ${max}`);
  const engine = new Engine({
    bounds: { min, max },
    extendedTypes: options.extendedTypes ?? false,
    superDigest: options.superDigest,
  });
  // Expiry is checked at a finer step than a tick so a session lasts its timeout, not up to a tick more.
  const expiry = setInterval(() => engine.expireDue(), Math.max(10, Math.min(tick, min) / 4));
  const reaper = setInterval(() => engine.reap(), positive("reapInterval", options.reapInterval, tick));
  expiry.unref?.();
  reaper.unref?.();
  return {
    engine,
    stopClock: () => {
      clearInterval(expiry);
      clearInterval(reaper);
    },
  };
}

function listenerOptions(options: ServerOptions): { host: string; limits: ConnectionLimits } {
  return {
    host: options.host ?? "127.0.0.1",
    limits: {
      maxFrameSize: positive("maxFrameSize", options.maxFrameSize, 1_048_575),
      handshakeTimeout: positive("handshakeTimeout", options.handshakeTimeout, 10_000),
    },
  };
}

function memberHandle(listener: Listener, engine: Engine, close: () => Promise<void>): ServerHandle {
  const connectString = `${listener.host.includes(":") ? `[${listener.host}]` : listener.host}:${listener.port}`;
  return {
    connectString,
    port: listener.port,
    close,
    expireSession: (id) => engine.closeSession(id),
    dropConnections: (id) => listener.dropConnections(id),
    stall: () => listener.stall(),
    resume: () => listener.resume(),
    stop: () => listener.stop(),
    start: async () => {
      // Sessions get a full timeout from the restart: a client needs the time to reconnect.
      for (const s of engine.sessions.sessions.values()) s.deadline = Date.now() + s.timeout;
      await listener.start();
    },
    async restart() {
      await this.stop();
      await this.start();
    },
  };
}

/**
 * Starts an embedded ZooKeeper-compatible server on loopback, for tests and development (no
 * quorum, no durability).
 *
 * @example
 * ```ts
 * import { startServer } from "stormkeeper/server";
 * const server = await startServer();
 * // connect(server.connectString) ... then:
 * await server.close();
 * ```
 */
export async function startServer(options: ServerOptions = {}): Promise<ServerHandle> {
  const { engine, stopClock } = makeEngine(options);
  const { host, limits } = listenerOptions(options);
  const listener = new Listener(engine, host, options.port ?? 0, limits);
  try {
    await listener.start();
  } catch (error) {
    stopClock();
    throw error;
  }
  return memberHandle(listener, engine, async () => {
    stopClock();
    await listener.stop();
  });
}

/**
 * Starts `size` listeners (default 3) serving one shared tree and session table: a client's
 * session survives a member's stop by resuming on another, as with a real ensemble (but there
 * is no quorum: every member always serves).
 */
export async function startEnsemble(size = 3, options: ServerOptions = {}): Promise<EnsembleHandle> {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`ensemble size must be a positive integer, got ${size}`);
  }
  const { engine, stopClock } = makeEngine(options);
  const { host, limits } = listenerOptions(options);
  const listeners: Listener[] = [];
  const closeAll = async () => {
    stopClock();
    for (const l of listeners) await l.stop();
  };
  try {
    for (let i = 0; i < size; i++) {
      const listener = new Listener(engine, host, i === 0 ? options.port ?? 0 : 0, limits);
      await listener.start();
      listeners.push(listener);
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  const members = listeners.map((l) => memberHandle(l, engine, closeAll));
  return {
    connectString: members.map((m) => m.connectString).join(","),
    members,
    expireSession: (id) => engine.closeSession(id),
    close: closeAll,
  };
}
