/**
 * Curator's `LeaderLatch`: each participant holds an ephemeral sequential node
 * `_c_<uuid>-latch-<seq>` (data: its participant id, UTF-8) under the latch path; the node that
 * sorts first is the leader. Each participant watches only its predecessor.
 *
 * States: LATENT --start()--> STARTED --close()--> CLOSED (no way back). Within STARTED,
 * leadership is a second flag that is true only while connected and our node sorts first.
 * Connection policy (Curator's standard): SUSPENDED or LOST → leadership is given up at once
 * (`notLeader` fires); RECONNECTED → our node is replaced by a fresh one and the election runs
 * again, so leadership may pass to someone else.
 * @module
 */
import type { ConnectionState } from "../client/session-state.ts";
import { RecipeError } from "./errors.ts";
import { deleteLockNode } from "./lock-internals.ts";
import { createProtected, isZooKeeperError } from "./protected-create.ts";
import type { RecipeClient } from "./recipe-client.ts";
import { type Participant, participantsOf } from "./participants.ts";
import { lockDecision, sortChildren } from "./sequence-nodes.ts";
import { startDeadline, type WaitOptions } from "./wait.ts";
import { type ListenerSets, subscribe } from "../client/listener-sets.ts";

export type { Participant } from "./participants.ts";

/** Where a latch is in its life (Curator's `LeaderLatch.State`). */
export type LatchState = "LATENT" | "STARTED" | "CLOSED";

/** The latch's events: `isLeader`, `notLeader` (Curator's `LeaderLatchListener`), `error`. */
export interface LeaderLatchEvents {
  isLeader: () => void;
  notLeader: () => void;
  /** A background step failed for a reason other than the connection (which the policy handles). */
  error: (error: unknown) => void;
}

const LATCH_NAME = "latch-";
const encoder = new TextEncoder();

/**
 * Leader election, wire-compatible with Curator's `LeaderLatch` (Storm's nimbus uses it at
 * `<storm root>/leader-lock`).
 *
 * What the caller must do: act as leader only between `isLeader` and `notLeader` (or while
 * `hasLeadership()`); stop at `notLeader` — it fires on SUSPENDED, before the server may have
 * made someone else leader. After a session expiry the latch rejoins only if the client opens a
 * new session (`renewSessionOnExpiry: true`, Curator's way); otherwise close it and start a new
 * latch on a new client.
 *
 * @example
 * ```ts
 * const latch = new LeaderLatch(zk, "/election", "worker-1");
 * latch.on("isLeader", () => console.log("leading"));
 * await latch.start();
 * await latch.await({ timeout: 10_000 });
 * await latch.close();
 * ```
 */
export class LeaderLatch {
  readonly #zk: RecipeClient;
  readonly #path: string;
  readonly #id: string;
  #state: LatchState = "LATENT";
  #leader = false;
  /** Whether the connection is SUSPENDED/LOST: no leadership is taken while it is. */
  #disconnected = false;
  /** Our node's full path, while we have one. */
  #node: string | undefined;
  /** Bumped by each reset: a step of an older round must not act. */
  #round = 0;
  #offState: (() => void) | undefined;
  readonly #listeners: ListenerSets<LeaderLatchEvents> = {
    isLeader: new Set(),
    notLeader: new Set(),
    error: new Set(),
  };

  /** A latch at `path` for the participant `id` (default empty, as Curator's). */
  constructor(zk: RecipeClient, path: string, id = "") {
    this.#zk = zk;
    this.#path = path;
    this.#id = id;
  }

  /** This participant's id. */
  getId(): string {
    return this.#id;
  }

  /** LATENT, STARTED or CLOSED. */
  getState(): LatchState {
    return this.#state;
  }

  /** Whether this participant leads now. */
  hasLeadership(): boolean {
    return this.#state === "STARTED" && this.#leader;
  }

  /** Our node's full path, once created. */
  getOurPath(): string | undefined {
    return this.#node;
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof LeaderLatchEvents>(type: K, listener: LeaderLatchEvents[K]): () => void {
    return subscribe(this.#listeners, type, listener);
  }

  /** Joins the election: creates our node (and the latch path if missing). Once only. */
  async start(): Promise<void> {
    if (this.#state !== "LATENT") {
      throw new RecipeError("ILLEGAL_STATE", `the latch ${this.#path} was already started`, { path: this.#path });
    }
    this.#state = "STARTED";
    this.#offState = this.#zk.on("connectionState", (state) => this.#onConnectionState(state));
    await this.#reset();
  }

  /**
   * Resolves once this participant leads; rejects with RecipeError TIMEOUT, ABORTED, or CLOSED
   * if the latch is closed first.
   */
  async await(options: WaitOptions = {}): Promise<void> {
    if (this.#state !== "STARTED") {
      throw new RecipeError("CLOSED", `the latch ${this.#path} is not started`, { path: this.#path });
    }
    if (this.#leader) return;
    const deadline = startDeadline(options, `waiting for leadership of ${this.#path}`, this.#path);
    let offLeader = (): void => {};
    let offClose = (): void => {};
    try {
      await deadline.race(
        new Promise<void>((resolve, reject) => {
          offLeader = this.on("isLeader", resolve);
          offClose = this.on("notLeader", () => {
            if (this.#state === "CLOSED") {
              reject(new RecipeError("CLOSED", `the latch ${this.#path} was closed`, { path: this.#path }));
            }
          });
        }),
      );
    } finally {
      offLeader();
      offClose();
      deadline.dispose();
    }
  }

  /** Every participant in election order, the leader first (ids read from the nodes' data). */
  async getParticipants(): Promise<Participant[]> {
    return readParticipants(this.#zk, this.#path);
  }

  /** The leader, or undefined when nobody has joined. */
  async getLeader(): Promise<Participant | undefined> {
    return (await readParticipants(this.#zk, this.#path, 1))[0];
  }

  /** Leaves the election: deletes our node; `notLeader` fires if we led. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === "CLOSED") return;
    const wasStarted = this.#state === "STARTED";
    this.#state = "CLOSED";
    this.#round++;
    this.#offState?.();
    const node = this.#node;
    this.#node = undefined;
    this.#setLeadership(false, wasStarted);
    if (node !== undefined) await deleteLockNode(this.#zk, node);
  }

  #onConnectionState(state: ConnectionState): void {
    if (this.#state !== "STARTED") return;
    if (state === "SUSPENDED" || state === "LOST") {
      this.#disconnected = true;
      this.#setLeadership(false);
    } else if (state === "RECONNECTED" || (state === "CONNECTED" && this.#disconnected)) {
      this.#disconnected = false;
      this.#run(this.#reset());
    }
  }

  /** Replaces our node with a fresh one and checks leadership (Curator's `reset`). */
  async #reset(): Promise<void> {
    const round = ++this.#round;
    this.#setLeadership(false);
    const old = this.#node;
    this.#node = undefined;
    if (old !== undefined) await deleteLockNode(this.#zk, old);
    const node = await createProtected(this.#zk, this.#path, LATCH_NAME, encoder.encode(this.#id));
    if (round !== this.#round) {
      // Closed or reset meanwhile: this node belongs to no round.
      await deleteLockNode(this.#zk, node);
      return;
    }
    this.#node = node;
    await this.#check(round);
  }

  /** Leads if our node sorts first; else watches the predecessor and checks again when it goes. */
  async #check(round: number): Promise<void> {
    for (;;) {
      if (round !== this.#round || this.#node === undefined) return;
      const ours = this.#node.slice(this.#path.length + 1);
      const { children } = await this.#zk.getChildren(this.#path);
      if (round !== this.#round) return;
      const decision = lockDecision(sortChildren(children, [LATCH_NAME]), ours);
      if (decision.kind === "missing") return this.#reset();
      if (decision.kind === "acquired") {
        if (!this.#disconnected) this.#setLeadership(true);
        return;
      }
      const watched = `${this.#path}/${decision.node}`;
      const stat = await this.#zk.exists(watched, {
        watch: (event) => {
          // Deleted (or changed, which drops the watch): look again either way.
          this.#run(this.#check(round));
        },
      });
      if (stat !== null) return;
      // The predecessor went between the listing and the watch: look again.
    }
  }

  /** Runs a background step; connection failures are left to the connection policy. */
  #run(step: Promise<void>): void {
    step.catch((error: unknown) => {
      if (
        this.#state !== "STARTED" || isZooKeeperError(error, "ConnectionLoss") ||
        isZooKeeperError(error, "SessionExpired")
      ) return;
      for (const l of this.#listeners.error) l(error);
    });
  }

  #setLeadership(leader: boolean, notify = true): void {
    if (this.#leader === leader) return;
    this.#leader = leader;
    if (!notify) return;
    for (const l of leader ? this.#listeners.isLeader : this.#listeners.notLeader) l();
  }
}

/**
 * The participants of the latch at `path` in election order (at most `limit`), ids decoded from
 * the nodes' data. Nodes that vanish while being read are skipped. Used by `LeaderLatch` and by
 * readers that only observe an election (Storm's nimbus leader).
 */
export async function readParticipants(
  zk: Pick<RecipeClient, "getChildren" | "getData">,
  path: string,
  limit = Infinity,
): Promise<Participant[]> {
  let children: string[];
  try {
    ({ children } = await zk.getChildren(path));
  } catch (error) {
    if (isZooKeeperError(error, "NoNode")) return [];
    throw error;
  }
  const sorted = sortChildren(children.filter((c) => c.includes(LATCH_NAME)), [LATCH_NAME]);
  return participantsOf(zk, sorted.map((child) => `${path}/${child}`), limit);
}
