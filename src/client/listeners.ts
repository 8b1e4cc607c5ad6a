/**
 * The client's listeners (`on("state" | "connectionState" | "event" | "watches")`) and the
 * default watcher that fans node and session events out to them. Each listener runs on its own:
 * one that throws is logged and keeps the event from no other.
 */
import { badArguments } from "../protocol/errors.ts";
import type { WatchedEvent, Watcher } from "../protocol/events.ts";
import type { OpName } from "../protocol/opcodes.ts";
import { stateChannel, type StateMessage, watchesChannel } from "./diagnostics.ts";
import type { Logger } from "./logger.ts";
import type { ConnectionState, StateEvent } from "./session-state.ts";
import type { SessionListeners } from "./state-reports.ts";
import type { WatchReport } from "./watches.ts";
import { type ListenerSets, subscribe } from "./listener-sets.ts";

/** What each kind of listener is told. */
export interface StateListeners {
  state: (event: StateEvent) => void;
  connectionState: (state: ConnectionState) => void;
  event: Watcher;
  watches: (report: WatchReport) => void;
}

/** The listener sets of one client. */
export class Listeners {
  readonly #sets: ListenerSets<StateListeners> = {
    state: new Set(),
    connectionState: new Set(),
    event: new Set(),
    watches: new Set(),
  };
  /** The watcher of `watch: true` reads and session events: the user's `watcher` option, then every `event` listener. */
  readonly defaultWatcher: Watcher;

  constructor(private readonly log: Logger, userWatcher: Watcher | undefined) {
    this.defaultWatcher = (event: WatchedEvent) => {
      if (userWatcher) callListener(userWatcher, event, "the default watcher", log);
      for (const l of this.#sets.event) callListener(l, event, "an event listener", log);
    };
  }

  /** The watcher a read's `watch` option means: none, the default watcher (`true`) or the caller's function. */
  watcherFor(watch: boolean | Watcher | undefined, op: OpName, path: string): Watcher | undefined {
    if (watch === undefined || watch === false) return undefined;
    if (watch === true) return this.defaultWatcher;
    if (typeof watch !== "function") throw badArguments("watch must be a boolean or a function", op, path);
    return watch;
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof StateListeners>(type: K, listener: StateListeners[K]): () => void {
    return subscribe(this.#sets, type, listener);
  }

  /** What the session tells the client: to these listeners, and to diagnostics channels with subscribers. */
  forSession(sessionId: () => bigint): SessionListeners {
    return {
      onState: (event) => {
        if (stateChannel.hasSubscribers) {
          stateChannel.publish({ state: event, sessionId: sessionId() } satisfies StateMessage);
        }
        this.notify("state", event);
      },
      onConnectionState: (state) => this.notify("connectionState", state),
      onWatches: (report) => {
        if (watchesChannel.hasSubscribers) watchesChannel.publish(report);
        this.notify("watches", report);
      },
      defaultWatcher: this.defaultWatcher,
    };
  }

  /** Tells every listener of `type`. */
  notify<K extends "state" | "connectionState" | "watches">(type: K, value: Parameters<StateListeners[K]>[0]): void {
    for (const listener of this.#sets[type] as Set<(v: typeof value) => void>) {
      callListener(listener, value, `a ${type} listener`, this.log);
    }
  }
}

/** Calls a user's listener; what it throws is logged, never thrown into the client. */
function callListener<T>(listener: (value: T) => void, value: T, what: string, log: Logger): void {
  try {
    listener(value);
  } catch (error) {
    log("error", `${what} threw`, { error, value });
  }
}
