/**
 * Curator's `LeaderSelector`: leadership is holding an {@link InterProcessMutex} on the election
 * path (nodes `_c_<uuid>-lock-<seq>` holding the participant id, UTF-8, as Curator writes them),
 * and lasts while the listener's `takeLeadership` runs; when it returns the mutex is released
 * and the next contender leads. Java and stormkeeper selectors on one path take turns.
 *
 * States: LATENT --start()--> STARTED --close()--> CLOSED. Within STARTED the selector is idle or
 * has one *turn* queued: waiting for the mutex, then leading. A turn ends when takeLeadership
 * returns, or is interrupted by its AbortSignal; with `autoRequeue()` the next turn is queued as
 * soon as one ends. Connection policy (Curator's `LeaderSelectorListenerAdapter`): SUSPENDED or
 * LOST interrupts the turn, whether leading or still queued; a new turn waits for the connection
 * to be back before contending again.
 * @module
 */
import type { ConnectionState } from "../client/session-state.ts";
import { RecipeError } from "./errors.ts";
import { sleep } from "./guarded-wait.ts";
import { InterProcessMutex } from "./inter-process-mutex.ts";
import { type Participant, participantsOf } from "./participants.ts";
import { isZooKeeperError } from "./protected-create.ts";
import type { RecipeClient } from "./recipe-client.ts";

/** What a {@link LeaderSelector} calls (Curator's `LeaderSelectorListener`). */
export interface LeaderSelectorListener {
  /**
   * Runs while this participant leads; leadership ends when the returned promise settles.
   * `signal` aborts when leadership must end early — `interruptLeadership()`, `close()`, or the
   * connection SUSPENDED/LOST — and the callback must then stop acting as leader and return.
   * A rejection is reported on the selector's `error` event (unless the signal had aborted).
   */
  takeLeadership(signal: AbortSignal): Promise<void> | void;
  /** Told each connection state, after the selector applied its policy to it. */
  stateChanged?(state: ConnectionState): void;
}

/** Where a selector is in its life. */
export type LeaderSelectorState = "LATENT" | "STARTED" | "CLOSED";

/** Options of {@link LeaderSelector}. */
export interface LeaderSelectorOptions {
  /** The participant id, written as the lock node's data (Curator's `setId`). Default empty. */
  readonly id?: string;
}

/** After a turn failed for another reason than its interruption, wait this long before the next. */
const FAILED_TURN_PAUSE_MS = 1_000;
const encoder = new TextEncoder();

/**
 * Leader election by turns, wire-compatible with Curator's `LeaderSelector`.
 *
 * What the caller must do: act as leader only inside `takeLeadership`, and return from it
 * promptly once its `signal` aborts (the selector waits for the return before releasing the
 * mutex, as Curator waits for its thread). Call `autoRequeue()` to keep contending after each
 * turn and after connection trouble; without it, a selector contends once per `requeue()`.
 *
 * @example
 * ```ts
 * const selector = new LeaderSelector(zk, "/election", {
 *   async takeLeadership(signal) {
 *     // ... lead until done or until signal aborts ...
 *   },
 * }, { id: "worker-1" });
 * selector.autoRequeue();
 * selector.start();
 * await selector.close();
 * ```
 */
export class LeaderSelector {
  readonly #zk: RecipeClient;
  readonly #path: string;
  readonly #listener: LeaderSelectorListener;
  #id: string;
  #mutex: InterProcessMutex;
  #state: LeaderSelectorState = "LATENT";
  #autoRequeue = false;
  #leading = false;
  /** Whether the connection is SUSPENDED/LOST: a new turn waits until it is back. */
  #disconnected = false;
  /** The queued turn and the controller that interrupts it; at most one at a time. */
  #turn: { readonly controller: AbortController; done: Promise<void> } | undefined;
  readonly #reconnectWaiters = new Set<() => void>();
  readonly #errorListeners = new Set<(error: unknown) => void>();
  #offState: (() => void) | undefined;

  /** A selector on `path`; `listener` is a {@link LeaderSelectorListener} or its `takeLeadership` alone. */
  constructor(
    zk: RecipeClient,
    path: string,
    listener: LeaderSelectorListener | LeaderSelectorListener["takeLeadership"],
    options: LeaderSelectorOptions = {},
  ) {
    this.#zk = zk;
    this.#path = path;
    this.#listener = typeof listener === "function" ? { takeLeadership: listener } : listener;
    this.#id = options.id ?? "";
    this.#mutex = this.#newMutex();
  }

  /** This participant's id. */
  getId(): string {
    return this.#id;
  }

  /** Sets the participant id; only before `start()` (the id is the data of every lock node). */
  setId(id: string): void {
    if (this.#state !== "LATENT") {
      throw new RecipeError("ILLEGAL_STATE", `the selector ${this.#path} was already started`, { path: this.#path });
    }
    this.#id = id;
    this.#mutex = this.#newMutex();
  }

  /** LATENT, STARTED or CLOSED. */
  getState(): LeaderSelectorState {
    return this.#state;
  }

  /** From now on, queue a new turn whenever one ends (Curator's `autoRequeue`). */
  autoRequeue(): void {
    this.#autoRequeue = true;
  }

  /** Whether this participant leads now (its takeLeadership is running). */
  hasLeadership(): boolean {
    return this.#leading;
  }

  /** Subscribes to `error`: a failed takeLeadership, mutex release or turn; returns the unsubscribe function. */
  on(type: "error", listener: (error: unknown) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /** Joins the election: queues the first turn. Once only. */
  start(): void {
    if (this.#state !== "LATENT") {
      throw new RecipeError("ILLEGAL_STATE", `the selector ${this.#path} was already started`, { path: this.#path });
    }
    this.#state = "STARTED";
    this.#offState = this.#zk.on("connectionState", (state) => this.#onConnectionState(state));
    this.#queueTurn();
  }

  /** Queues a turn unless one is queued already; returns whether it queued one. */
  requeue(): boolean {
    if (this.#state !== "STARTED") {
      throw new RecipeError("CLOSED", `the selector ${this.#path} is not started`, { path: this.#path });
    }
    return this.#queueTurn();
  }

  /** Ends the current turn: aborts takeLeadership's signal, or the wait for the mutex. */
  interruptLeadership(): void {
    this.#turn?.controller.abort(
      new RecipeError("ABORTED", `leadership of ${this.#path} was interrupted`, { path: this.#path }),
    );
  }

  /** Every participant in election order, the leader first (ids read from the nodes' data). */
  async getParticipants(): Promise<Participant[]> {
    return participantsOf(this.#zk, await this.#mutex.participantNodes());
  }

  /** The leader, or undefined when nobody contends. */
  async getLeader(): Promise<Participant | undefined> {
    return (await participantsOf(this.#zk, await this.#mutex.participantNodes(), 1))[0];
  }

  /**
   * Leaves the election: interrupts the turn and resolves once takeLeadership has returned and
   * the mutex is released. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#state === "CLOSED") return;
    this.#state = "CLOSED";
    this.#offState?.();
    const turn = this.#turn;
    this.interruptLeadership();
    for (const wake of this.#reconnectWaiters) wake();
    await turn?.done;
  }

  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #newMutex(): InterProcessMutex {
    return new InterProcessMutex(this.#zk, this.#path, { data: encoder.encode(this.#id) });
  }

  #queueTurn(): boolean {
    if (this.#turn !== undefined || this.#state !== "STARTED") return false;
    const turn = { controller: new AbortController(), done: Promise.resolve() };
    this.#turn = turn;
    turn.done = this.#runTurn(turn.controller.signal).finally(() => {
      if (this.#turn === turn) this.#turn = undefined;
      if (this.#autoRequeue) this.#queueTurn();
    });
    return true;
  }

  /** One turn (Curator's `doWork`): wait for the connection and the mutex, lead, release. Never rejects. */
  async #runTurn(signal: AbortSignal): Promise<void> {
    try {
      await this.#untilConnected(signal);
      const lease = await this.#mutex.acquire({ signal });
      this.#leading = true;
      try {
        await this.#listener.takeLeadership(signal);
      } catch (error) {
        if (!signal.aborted) this.#report(error);
      } finally {
        this.#leading = false;
        // After LOST the node went with the session: nothing is left to release.
        await lease.release().catch((error: unknown) => {
          if (!isSessionGone(error)) this.#report(error);
        });
      }
    } catch (error) {
      if (signal.aborted) return;
      if (!isSessionGone(error)) this.#report(error);
      // Not interrupted, so the next turn would meet the same failure: do not hammer the server.
      await sleep(FAILED_TURN_PAUSE_MS, signal, "the pause after a failed turn", this.#path).catch(() => {});
    }
  }

  /** Resolves at once while connected; else when the connection is back or `signal` aborts. */
  async #untilConnected(signal: AbortSignal): Promise<void> {
    if (!this.#disconnected || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const wake = (): void => {
        this.#reconnectWaiters.delete(wake);
        signal.removeEventListener("abort", wake);
        resolve();
      };
      this.#reconnectWaiters.add(wake);
      signal.addEventListener("abort", wake, { once: true });
    });
    signal.throwIfAborted();
  }

  #onConnectionState(state: ConnectionState): void {
    if (state === "SUSPENDED" || state === "LOST") {
      this.#disconnected = true;
      this.interruptLeadership();
    } else if (state === "CONNECTED" || state === "RECONNECTED") {
      this.#disconnected = false;
      for (const wake of this.#reconnectWaiters) wake();
    }
    this.#listener.stateChanged?.(state);
  }

  #report(error: unknown): void {
    for (const listener of this.#errorListeners) listener(error);
  }
}

/** Errors that only say the session (and with it our node) is gone or unreachable. */
function isSessionGone(error: unknown): boolean {
  return isZooKeeperError(error, "ConnectionLoss") || isZooKeeperError(error, "SessionExpired") ||
    (error instanceof RecipeError && error.code === "SESSION_LOST");
}
