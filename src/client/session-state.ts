/**
 * The session's state machine, as one pure function (protocol reference §15.3).
 *
 * ```
 *            handshake                      lost
 * connecting ─────────► connected ─────────────────► connecting ──► … (reconnect, same session)
 *   │  ▲                connectedReadOnly                │
 *   │  └────────────────────────────────────────────────┘ handshake → "reconnected"
 *   │ close                    │ close
 *   ▼                          ▼
 * closed ◄──── closing ◄───────┘   (closeSession reply or connection end)
 *
 * any live state ── server says expired / client-side expiry ──► expired   (terminal)
 * any live state ── auth rejected ─────────────────────────────► authFailed (terminal)
 * ```
 */

import { ErrorCode, ZooKeeperError } from "../protocol/errors.ts";
import type { KeeperStateName } from "../protocol/events.ts";
import { type OpName, WRITE_OPS } from "../protocol/opcodes.ts";

/** Where the client is. `closed`, `expired` and `authFailed` are terminal. */
export type ClientState =
  | "connecting"
  | "connected"
  | "connectedReadOnly"
  | "closing"
  | "closed"
  | "expired"
  | "authFailed";

/**
 * What `on("state")` listeners are told, once per transition. `newSession` follows `expired`
 * when the client renews expired sessions (`renewSessionOnExpiry`).
 */
export type StateEvent =
  | "connecting"
  | "connected"
  | "readOnly"
  | "disconnected"
  | "reconnected"
  | "newSession"
  | "expired"
  | "closed"
  | "authFailed";

/** Curator's connection states (what most ZooKeeper users know): see {@link curatorState}. */
export type ConnectionState = "CONNECTED" | "SUSPENDED" | "RECONNECTED" | "LOST" | "READ_ONLY";

/** What happens to the session. */
export type SessionInput =
  | { readonly type: "start" }
  | { readonly type: "handshake"; readonly readOnly: boolean }
  | { readonly type: "lost" }
  | { readonly type: "expired"; readonly renew?: boolean }
  | { readonly type: "authFailed" }
  | { readonly type: "close" }
  | { readonly type: "closed" };

/** The machine's memory: the state plus whether a session was ever established. */
export interface SessionStatus {
  readonly state: ClientState;
  readonly everConnected: boolean;
  /** The previous session expired and the next handshake starts a new one. */
  readonly renewing?: boolean;
}

/** True for states the client never leaves. */
export function isTerminal(state: ClientState): boolean {
  return state === "closed" || state === "expired" || state === "authFailed";
}

/** Terminal or closing: the session takes no new requests or credentials. */
export function isEnding(state: ClientState): boolean {
  return isTerminal(state) || state === "closing";
}

/** True while a connection carries the session (requests can be written). */
export function isConnected(state: ClientState): boolean {
  return state === "connected" || state === "connectedReadOnly";
}

/** The next status and the event to report (if any) for an input. */
export function transition(status: SessionStatus, input: SessionInput): { status: SessionStatus; event?: StateEvent } {
  const { state, everConnected } = status;
  if (isTerminal(state)) return { status };
  switch (input.type) {
    case "start":
      return { status, event: "connecting" };
    case "handshake":
      if (state !== "connecting") return { status };
      return {
        status: { state: input.readOnly ? "connectedReadOnly" : "connected", everConnected: true },
        event: input.readOnly
          ? "readOnly"
          : status.renewing
          ? "newSession"
          : everConnected
          ? "reconnected"
          : "connected",
      };
    case "lost":
      if (state === "closing") return { status: { state: "closed", everConnected }, event: "closed" };
      if (isConnected(state)) return { status: { state: "connecting", everConnected }, event: "disconnected" };
      return { status };
    case "expired":
      if (state === "closing") return { status: { state: "closed", everConnected }, event: "closed" };
      if (input.renew) return { status: { state: "connecting", everConnected, renewing: true }, event: "expired" };
      return { status: { state: "expired", everConnected }, event: "expired" };
    case "authFailed":
      return { status: { state: "authFailed", everConnected }, event: "authFailed" };
    case "close":
      if (state === "closing") return { status };
      return isConnected(state)
        ? { status: { state: "closing", everConnected } }
        : { status: { state: "closed", everConnected }, event: "closed" };
    case "closed":
      return { status: { state: "closed", everConnected }, event: "closed" };
  }
}

/**
 * Curator's view of a state event: CONNECTED on the first session, SUSPENDED when the
 * connection drops (the session may live), RECONNECTED when it resumes (or a renewed session
 * starts), LOST when the session expired, READ_ONLY on a read-only server. The session also
 * reports LOST on its own when it stays suspended for a whole session timeout (Curator's
 * simulated expiry), before the server can say so.
 */
export function curatorState(event: StateEvent): ConnectionState | undefined {
  switch (event) {
    case "connected":
      return "CONNECTED";
    case "disconnected":
      return "SUSPENDED";
    case "reconnected":
    case "newSession":
      return "RECONNECTED";
    case "expired":
      return "LOST";
    case "readOnly":
      return "READ_ONLY";
    default:
      return undefined;
  }
}

/**
 * What Curator's listeners are told of a state event, LOST at most once per suspension: `lost`
 * says whether LOST was reported since the session was last connected (by the server's expiry
 * or the simulated one). Returns the state to report, if any, and the new `lost`.
 */
export function curatorReport(
  event: StateEvent,
  lost: boolean,
): { report: ConnectionState | undefined; lost: boolean } {
  const curator = curatorState(event);
  if (curator === undefined) return { report: undefined, lost };
  if (curator === "LOST") return lost ? { report: undefined, lost } : { report: "LOST", lost: true };
  return { report: curator, lost: curator === "SUSPENDED" ? lost : false };
}

/** The keeper state watchers are told of for a state event (`connecting` has none). */
export function keeperStateOf(event: StateEvent): KeeperStateName | undefined {
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

/**
 * The error of a request written on a connection that ended before its reply: `ConnectionLoss`
 * (or the ended session's error), `outcomeUnknown` for a write, which may have been applied.
 */
export function unansweredError(
  state: ClientState,
  request: { readonly op: OpName; readonly path: string | undefined },
  reason: Error,
): ZooKeeperError {
  const outcomeUnknown = WRITE_OPS.has(request.op);
  if (isTerminal(state)) return endedError(state, request, outcomeUnknown);
  return new ZooKeeperError(ErrorCode.ConnectionLoss, {
    op: request.op,
    path: request.path,
    cause: reason,
    outcomeUnknown,
  });
}

/**
 * The error of a request an ended (or closing) session cannot answer; `outcomeUnknown` when it
 * was a write already sent.
 */
export function endedError(
  state: ClientState,
  request: { readonly op: OpName; readonly path: string | undefined } | undefined,
  outcomeUnknown = false,
): ZooKeeperError {
  const details = { op: request?.op, path: request?.path, outcomeUnknown };
  switch (state) {
    case "authFailed":
      return new ZooKeeperError(ErrorCode.AuthFailed, details);
    case "expired":
      return new ZooKeeperError(ErrorCode.SessionExpired, details);
    default:
      return new ZooKeeperError(ErrorCode.SessionExpired, { ...details, message: "the client has been closed" });
  }
}
