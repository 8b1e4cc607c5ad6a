/**
 * What a client is configured with: {@link ConnectOptions} as the user gives them, and
 * {@link resolveOptions}, the one place every option is validated and given its default.
 */
import type { Watcher } from "../protocol/events.ts";
import { type Chroot, makeChroot } from "../protocol/paths.ts";
import { badArguments } from "../protocol/errors.ts";
import { tcpTransport } from "../transport/tcp.ts";
import { type TlsOptions, tlsTransport } from "../transport/tls.ts";
import type { Endpoint, TransportFactory } from "../transport/transport.ts";
import { parseConnectString, shuffled } from "./hosts.ts";
import { type Logger, quietLogger } from "./logger.ts";
import { type SaslOptions, type SaslStarter, saslStarter } from "./sasl.ts";
import { defaultConnectionWait } from "./timeouts.ts";

/** Options of {@link connect} and {@link createClient}. */
export interface ConnectOptions {
  /** Requested session timeout in ms (the server clamps it to its min/max). Default 30 000. */
  readonly sessionTimeout?: number;
  /** Bound on one connection attempt (TCP + handshake) in ms. Default: session timeout / hosts, at least 1 000. */
  readonly connectTimeout?: number;
  /** How long {@link connect} waits for the first session before it gives up. Default: the session timeout. */
  readonly initialConnectTimeout?: number;
  /**
   * How long a request issued while disconnected waits for a connection before it fails with
   * `ConnectionLoss`. Default: the session timeout.
   */
  readonly waitForConnection?: number;
  /** Accept read-only servers (partitioned minority members); writes then fail with `NotReadOnly`. */
  readonly canBeReadOnly?: boolean;
  /**
   * Largest request frame in bytes. Default 1 048 575, the server's `jute.maxbuffer`. Replies may
   * be up to 1 KiB larger, so every node the server accepted can be read back.
   */
  readonly maxFrameSize?: number;
  /** Requests written and unanswered at most; more wait in the client. Default 10 000. */
  readonly maxInFlight?: number;
  /** Credentials sent right after every handshake, e.g. `[{ scheme: "digest", auth: "alice:secret" }]`. */
  readonly auth?: readonly { readonly scheme: string; readonly auth: string | Uint8Array }[];
  /**
   * SASL login run on every connection right after its handshake, before the `auth`
   * credentials, restored watches and waiting requests: e.g. `{ mechanism: "DIGEST-MD5",
   * username: "alice", password: "secret" }` for a server whose JAAS `Server` section has
   * `user_alice="secret"`. The session's identity is then `sasl:alice` (usable in ACLs); the
   * default watcher hears `{ type: "None", state: "SaslAuthenticated" }` after each success. A
   * rejection (or a server that cannot prove it knows the password) is terminal: state
   * `authFailed`, every request fails with `AuthFailed`. It works over TLS as well.
   */
  readonly sasl?: SaslOptions;
  /** Resume an existing session (id and password from another client's `sessionId`/`sessionPassword`). */
  readonly session?: { readonly id: bigint; readonly password: Uint8Array };
  /** The default watcher: receives events of reads made with `watch: true` and every session-state change. */
  readonly watcher?: Watcher;
  /** Logging hook; the client never logs to the console. */
  readonly logger?: Logger;
  /** Shuffle the host list (spreads clients over the ensemble). Default true. */
  readonly shuffleHosts?: boolean;
  /**
   * Connect with TLS (to the servers' `secureClientPort`): `true` trusts the runtime's root
   * certificates, an object gives the CA, a client certificate and so on. Every connection,
   * including the read-only probes, then goes through TLS.
   */
  readonly tls?: boolean | TlsOptions;
  /** Socket implementation. Default: TCP through `node:net` (or TLS with `tls`). */
  readonly transport?: TransportFactory;
  /** Aborts {@link connect}: the client is closed and the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** How long `close()` waits for the server to confirm. Default 5 000 ms. */
  readonly closeTimeout?: number;
  /**
   * After the session expires, open a new one automatically (Curator's way) instead of stopping:
   * `on("state")` reports `expired` then `newSession`. Ephemeral nodes and watches of the old
   * session are gone either way. Default false: expiry is terminal, as in the Java client.
   */
  readonly renewSessionOnExpiry?: boolean;
  /**
   * Keep the host list equal to the ensemble's configuration (Curator's ensemble tracker): after
   * each connect, and whenever a reconfig changes `/zookeeper/config`, the members' client
   * addresses replace the list ({@link ZooKeeperClient.updateServerList}, rebalancing). A
   * configuration that names no client address (standalone server) leaves the list alone.
   * Default false: behind NAT or a proxy the members' own addresses may not be reachable.
   */
  readonly followEnsemble?: boolean;
}

/** Credentials of {@link ConnectOptions.auth}. */
type Credentials = NonNullable<ConnectOptions["auth"]>;

/** Every option with its value or default, validated; what the client and the session run with. */
export interface ResolvedOptions {
  /** The connect string's hosts, shuffled unless `shuffleHosts` is false. */
  readonly hosts: readonly Endpoint[];
  readonly chroot: Chroot;
  /** The session timeout asked for in the handshake; the server answers with the negotiated one. */
  readonly requestedSessionTimeout: number;
  /** A fixed bound on each connection attempt, or undefined to derive it from the session timeout. */
  readonly connectTimeout: number | undefined;
  readonly waitForConnection: number;
  readonly canBeReadOnly: boolean;
  readonly maxFrameSize: number;
  readonly maxInFlight: number;
  readonly closeTimeout: number;
  readonly shuffleHosts: boolean;
  readonly transport: TransportFactory;
  readonly resume: { readonly sessionId: bigint; readonly password: Uint8Array } | undefined;
  /** The user's logger, unable to throw. */
  readonly log: Logger;
  readonly renewSessionOnExpiry: boolean;
  readonly sasl: SaslStarter | undefined;
  readonly auth: Credentials;
  readonly watcher: Watcher | undefined;
  readonly followEnsemble: boolean;
}

const DEFAULT_SESSION_TIMEOUT = 30_000;
/** The server's default `jute.maxbuffer`. */
const DEFAULT_MAX_FRAME = 1_048_575;
const DEFAULT_MAX_IN_FLIGHT = 10_000;
const DEFAULT_CLOSE_TIMEOUT = 5_000;

/** The session timeout the handshake asks for: the option, validated, or the default. */
function requestedSessionTimeout(options: ConnectOptions): number {
  return positive(options.sessionTimeout, DEFAULT_SESSION_TIMEOUT, "sessionTimeout");
}

/**
 * How long {@link connect} waits for the first session: the option as given (it is not
 * validated: 0 gives up at once), else the requested session timeout.
 */
export function initialConnectTimeout(options: ConnectOptions): number {
  return options.initialConnectTimeout ?? defaultConnectionWait(requestedSessionTimeout(options));
}

/** The settings a {@link Session} runs with: the resolved options it needs, and its reconnect pacing. */
export interface SessionOptions extends
  Pick<
    ResolvedOptions,
    | "hosts"
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

/** Parses the connect string and resolves every option; throws `BadArguments` on invalid ones. */
export function resolveOptions(connectString: string, options: ConnectOptions): ResolvedOptions {
  const parsed = parseConnectString(connectString);
  const sessionTimeout = requestedSessionTimeout(options);
  const maxFrameSize = positive(options.maxFrameSize, DEFAULT_MAX_FRAME, "maxFrameSize");
  const closeTimeout = positive(options.closeTimeout, DEFAULT_CLOSE_TIMEOUT, "closeTimeout");
  const shuffleHosts = options.shuffleHosts !== false;
  return {
    hosts: shuffleHosts ? shuffled(parsed.hosts) : parsed.hosts,
    chroot: makeChroot(parsed.chroot),
    requestedSessionTimeout: sessionTimeout,
    connectTimeout: options.connectTimeout === undefined
      ? undefined
      : positive(options.connectTimeout, 0, "connectTimeout"),
    canBeReadOnly: options.canBeReadOnly ?? false,
    maxFrameSize,
    maxInFlight: positive(options.maxInFlight, DEFAULT_MAX_IN_FLIGHT, "maxInFlight"),
    waitForConnection: positive(options.waitForConnection, defaultConnectionWait(sessionTimeout), "waitForConnection"),
    closeTimeout,
    shuffleHosts,
    transport: transportOf(options),
    resume: options.session ? { sessionId: options.session.id, password: options.session.password } : undefined,
    log: quietLogger(options.logger),
    renewSessionOnExpiry: options.renewSessionOnExpiry ?? false,
    sasl: saslStarter(options.sasl),
    auth: options.auth ?? [],
    watcher: options.watcher,
    followEnsemble: options.followEnsemble === true,
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw badArguments(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

function transportOf(options: ConnectOptions): TransportFactory {
  const tls = options.tls ?? false;
  if (tls === false) return options.transport ?? tcpTransport;
  if (options.transport !== undefined) throw badArguments("give either tls or transport, not both");
  if (tls !== true && (typeof tls !== "object" || tls === null)) {
    throw badArguments(`tls must be a boolean or an options object, got ${String(tls)}`);
  }
  return tlsTransport(tls === true ? {} : tls);
}
