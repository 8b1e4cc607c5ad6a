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

/** Where the client is. `closed`, `expired` and `authFailed` are terminal. */
export type ClientState =
  | "connecting"
  | "connected"
  | "connectedReadOnly"
  | "closing"
  | "closed"
  | "expired"
  | "authFailed";

/** What `on("state")` listeners are told, once per transition. */
export type StateEvent =
  | "connecting"
  | "connected"
  | "readOnly"
  | "disconnected"
  | "reconnected"
  | "expired"
  | "closed"
  | "authFailed";

/** What happens to the session. */
export type SessionInput =
  | { readonly type: "start" }
  | { readonly type: "handshake"; readonly readOnly: boolean }
  | { readonly type: "lost" }
  | { readonly type: "expired" }
  | { readonly type: "authFailed" }
  | { readonly type: "close" }
  | { readonly type: "closed" };

/** The machine's memory: the state plus whether a session was ever established. */
export interface SessionStatus {
  readonly state: ClientState;
  readonly everConnected: boolean;
}

/** True for states the client never leaves. */
export function isTerminal(state: ClientState): boolean {
  return state === "closed" || state === "expired" || state === "authFailed";
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
        event: input.readOnly ? "readOnly" : everConnected ? "reconnected" : "connected",
      };
    case "lost":
      if (state === "closing") return { status: { state: "closed", everConnected }, event: "closed" };
      if (isConnected(state)) return { status: { state: "connecting", everConnected }, event: "disconnected" };
      return { status };
    case "expired":
      if (state === "closing") return { status: { state: "closed", everConnected }, event: "closed" };
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
