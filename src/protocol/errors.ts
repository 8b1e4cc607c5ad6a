import type { OpName } from "./opcodes.ts";

/** ZooKeeper error codes by name (`KeeperException.Code`, protocol reference §8). */
export const ErrorCode = {
  Ok: 0,
  SystemError: -1,
  RuntimeInconsistency: -2,
  DataInconsistency: -3,
  ConnectionLoss: -4,
  MarshallingError: -5,
  Unimplemented: -6,
  OperationTimeout: -7,
  BadArguments: -8,
  UnknownSession: -12,
  NewConfigNoQuorum: -13,
  ReconfigInProgress: -14,
  APIError: -100,
  NoNode: -101,
  NoAuth: -102,
  BadVersion: -103,
  NoChildrenForEphemerals: -108,
  NodeExists: -110,
  NotEmpty: -111,
  SessionExpired: -112,
  InvalidCallback: -113,
  InvalidACL: -114,
  AuthFailed: -115,
  SessionMoved: -118,
  NotReadOnly: -119,
  EphemeralOnLocalSession: -120,
  NoWatcher: -121,
  RequestTimeout: -122,
  ReconfigDisabled: -123,
  SessionClosedRequireSaslAuth: -124,
  QuotaExceeded: -125,
  ThrottledOp: -127,
} as const;

/** A known error code name, or `"Unknown"` for a number this client does not know. */
export type ErrorCodeName = keyof typeof ErrorCode | "Unknown";

const namesByNumber = new Map<number, ErrorCodeName>(
  Object.entries(ErrorCode).map(([name, code]) => [code, name as ErrorCodeName]),
);

/** The name for an error number; unknown numbers keep their value in `errno` (§8 notes). */
export function errorCodeName(errno: number): ErrorCodeName {
  return namesByNumber.get(errno) ?? "Unknown";
}

const explanations: Partial<Record<ErrorCodeName, string>> = {
  NoNode: "the node does not exist",
  NodeExists: "the node already exists",
  BadVersion: "the expected version does not match the node's version",
  NotEmpty: "the node has children",
  NoAuth: "not authorized: the ACL does not grant this permission to this session's identities",
  NoChildrenForEphemerals: "ephemeral nodes cannot have children",
  ConnectionLoss:
    "the connection was lost before a reply arrived; the outcome of a write is unknown, check before retrying",
  SessionExpired: "the session has expired or been closed; create a new client",
  InvalidACL: "the ACL list is empty or invalid",
  AuthFailed: "authentication failed",
  BadArguments: "invalid argument",
  Unimplemented: "the server does not implement this operation (older server, or feature disabled)",
  NotReadOnly: "this server is read-only and cannot serve writes",
  NoWatcher: "no such watch is registered",
  RequestTimeout: "no reply within the request timeout",
  MarshallingError: "the server could not decode the request",
  ThrottledOp: "the server dropped the request under load; retry with back-off",
  RuntimeInconsistency: "not executed because an earlier operation of the transaction failed",
  ReconfigDisabled: "dynamic reconfiguration is disabled on the server (reconfigEnabled=false)",
  ReconfigInProgress: "another reconfiguration is in progress; retry later",
  NewConfigNoQuorum: "the new configuration's members cannot form a quorum with the current leader",
  SessionMoved: "the session moved to another server",
  EphemeralOnLocalSession: "a local session cannot own ephemeral nodes",
  QuotaExceeded: "the node's quota is exceeded",
  SessionClosedRequireSaslAuth: "the server requires SASL authentication and closed the session",
  UnknownSession: "the server does not know this session",
  OperationTimeout: "the operation timed out on the server",
  SystemError: "a system error on the server",
  APIError: "the call was used wrongly",
  DataInconsistency: "the server found its data inconsistent",
  InvalidCallback: "invalid callback",
};

/** Fields of a {@link ZooKeeperError} besides the code. */
export interface ZooKeeperErrorDetails {
  /** The operation that failed (`"create"`, `"multi"`, …). */
  readonly op?: OpName | "connect";
  /** The client path the operation was about. */
  readonly path?: string;
  /** A more specific message (defaults to an explanation of the code). */
  readonly message?: string;
  /** For a failed `multi`: the index of the first failing operation. */
  readonly opIndex?: number;
  /** For a failed `multi`: the result of every operation, in order. */
  readonly results?: readonly unknown[];
  /** The underlying cause (socket error, decode error, …). */
  readonly cause?: unknown;
  /** A write was sent and no reply came: it may have been applied. */
  readonly outcomeUnknown?: boolean;
}

/**
 * Every failure the client reports: a ZooKeeper error code (name and number), the operation and
 * the client path. Bad arguments are reported with code `BadArguments` before anything is sent.
 *
 * @example
 * ```ts
 * try { await zk.create("/a", data); }
 * catch (e) { if (e instanceof ZooKeeperError && e.code === "NodeExists") { ... } }
 * ```
 */
export class ZooKeeperError extends Error {
  override readonly name = "ZooKeeperError";
  /** Error code name, e.g. `"NoNode"`. */
  readonly code: ErrorCodeName;
  /** Numeric ZooKeeper error code, e.g. -101. */
  readonly errno: number;
  declare readonly op?: OpName | "connect";
  declare readonly path?: string;
  declare readonly opIndex?: number;
  declare readonly results?: readonly unknown[];
  /**
   * True when a write was sent but its reply never came (the connection dropped, or the session
   * ended, first): the server may or may not have applied it, so check before repeating it.
   * Absent when the request certainly changed nothing: it was never sent (e.g. it waited in vain
   * for a connection), it was a read, or the server answered with this error.
   */
  declare readonly outcomeUnknown?: true;

  constructor(errno: number, details: ZooKeeperErrorDetails = {}) {
    const code = errorCodeName(errno);
    const what = details.message ?? explanations[code] ?? `error ${errno}`;
    const where = [details.op, details.path].filter(Boolean).join(" ");
    super(
      `${code} (${errno})${where ? ` on ${where}` : ""}: ${what}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.code = code;
    this.errno = errno;
    // Only the fields that apply are set, so errors print without noise.
    const self = this as {
      op?: OpName | "connect";
      path?: string;
      opIndex?: number;
      results?: readonly unknown[];
      outcomeUnknown?: true;
    };
    if (details.op !== undefined) self.op = details.op;
    if (details.path !== undefined) self.path = details.path;
    if (details.opIndex !== undefined) self.opIndex = details.opIndex;
    if (details.results !== undefined) self.results = details.results;
    if (details.outcomeUnknown === true) self.outcomeUnknown = true;
  }
}

/** A client-side argument error, raised before anything is sent. */
export function badArguments(message: string, op?: OpName, path?: string): ZooKeeperError {
  return new ZooKeeperError(ErrorCode.BadArguments, { message, op, path });
}
