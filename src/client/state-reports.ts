/**
 * Telling the session's state events (protocol reference §15.3): to the default watcher and,
 * when no watch can fire any more, to every watcher as a keeper state; to `on("state")`
 * listeners; and to Curator's connection-state listeners, with Curator's simulated expiry (LOST
 * after a whole session timeout suspended).
 */
import type { WatchedEvent, Watcher } from "../protocol/events.ts";
import { type ConnectionState, curatorReport, keeperStateOf, type StateEvent } from "./session-state.ts";
import { simulatedLostAfter } from "./timeouts.ts";
import type { Watches, WatchReport } from "./watches.ts";

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

/** What the reports need from the session. */
export interface ReportHooks {
  /** True while a connection carries the session. */
  connected(): boolean;
  /** The session timeout that governs LOST now. */
  sessionTimeout(): number;
  /** Curator's simulated expiry: the session is abandoned. */
  expire(reason: string): void;
}

/** The state reports of one session; see the module comment. */
export class StateReports {
  #lostTimer: ReturnType<typeof setTimeout> | undefined;
  /** LOST was reported since the session was last connected (see {@link curatorReport}). */
  #lostReported = false;

  constructor(
    private readonly listeners: SessionListeners,
    private readonly watches: Watches,
    private readonly hooks: ReportHooks,
  ) {}

  /** Tells everyone of `event`, after the current frame and in order with watch events. */
  report(event: StateEvent): void {
    const keeperState = keeperStateOf(event);
    if (keeperState !== undefined) {
      const stateEvent: WatchedEvent = { type: "None", state: keeperState, path: null };
      // One Set, so the default watcher hears once even when it holds watches itself (watch: true).
      const watchers = new Set<Watcher>([this.listeners.defaultWatcher]);
      // Per-call watchers learn only that their watch can never fire any more.
      if (event === "expired" || event === "authFailed") { for (const w of this.watches.all()) watchers.add(w); }
      for (const w of watchers) this.watches.deliver(w, stateEvent);
    }
    // Through the same microtask queue as watch events: listeners see node events and state
    // changes in the order they happened (a node event read just before a connection failed
    // comes before "disconnected").
    queueMicrotask(() => this.listeners.onState(event));
    this.#reportConnectionState(event);
  }

  /** Stops the simulated expiry (the session ended). */
  stop(): void {
    clearTimeout(this.#lostTimer);
  }

  /** Curator's states; LOST once per suspension, whether simulated or reported by the server. */
  #reportConnectionState(event: StateEvent): void {
    clearTimeout(this.#lostTimer);
    this.#lostTimer = undefined;
    const { report: curator, lost } = curatorReport(event, this.#lostReported);
    this.#lostReported = lost;
    if (curator === undefined) return;
    queueMicrotask(() => this.listeners.onConnectionState(curator));
    if (curator === "SUSPENDED") {
      // Curator's simulated expiry: a whole session timeout without a connection is LOST, even
      // before a server can confirm it, and, as in Curator, the session is then abandoned. A
      // caller told LOST re-creates its ephemeral nodes (a lock's, say); were the old session
      // to come back, its nodes would still stand beside the new ones.
      this.#lostTimer = setTimeout(() => {
        this.#lostTimer = undefined;
        if (this.hooks.connected() || this.#lostReported) return;
        this.#lostReported = true;
        queueMicrotask(() => this.listeners.onConnectionState("LOST"));
        this.hooks.expire("no connection for a whole session timeout (Curator's simulated expiry)");
      }, simulatedLostAfter(this.hooks.sessionTimeout()));
    }
  }
}
