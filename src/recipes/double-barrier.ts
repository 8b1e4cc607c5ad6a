/**
 * Curator's `DistributedDoubleBarrier`: `memberQty` processes enter together and leave together.
 * Each member holds the ephemeral node `<path>/<uuid>`; the member that finds `memberQty` children
 * creates `<path>/ready`, which lets every waiting member in. Leaving follows ZooKeeper's
 * double-barrier recipe (the decisions are in barrier-rules.ts): nobody's `leave()` returns
 * before every member has begun to leave.
 *
 * States of a member: OUT --enter()--> IN --leave()--> OUT. A wait that ends by timeout, abort or
 * session loss deletes our node, so a member that gave up never holds the others in the barrier.
 * @module
 */
import { RecipeError } from "./errors.ts";
import { barrierIsFull, leaveStep, READY_NODE } from "./barrier-rules.ts";
import { type GuardedWait, nextEvent, startGuardedWait } from "./guarded-wait.ts";
import { deleteLockNode } from "./lock-internals.ts";
import { isZooKeeperError } from "./protected-create.ts";
import type { RecipeClient } from "./recipe-client.ts";
import { createUnlessExists } from "./shared-value.ts";
import type { WaitOptions } from "./wait.ts";

const EMPTY = new Uint8Array(0);

/**
 * A double barrier, wire-compatible with Curator's: Java and stormkeeper members of one path
 * enter and leave together. Every member must pass the same `memberQty`.
 *
 * @example
 * ```ts
 * await using barrier = new DistributedDoubleBarrier(zk, "/barriers/round-1", 3);
 * await barrier.enter({ timeout: 30_000 }); // returns once 3 members are in
 * // ... the work all three do together ...
 * await barrier.leave({ timeout: 30_000 }); // returns once all 3 are leaving
 * ```
 */
export class DistributedDoubleBarrier {
  readonly #zk: RecipeClient;
  readonly #path: string;
  readonly #memberQty: number;
  readonly #ourName = crypto.randomUUID();
  /** Whether our member node may exist (from the create's start until we delete it). */
  #in = false;
  /** Our node's create while in flight: a withdrawal waits for it, lest the node land after the delete. */
  #creating: Promise<void> | undefined;

  constructor(zk: RecipeClient, path: string, memberQty: number) {
    if (!Number.isInteger(memberQty) || memberQty < 1) {
      throw new RangeError(`memberQty must be a positive integer, not ${memberQty}`);
    }
    this.#zk = zk;
    this.#path = path;
    this.#memberQty = memberQty;
  }

  /** Our member node's full path (`<path>/<uuid>`). */
  get ourPath(): string {
    return `${this.#path}/${this.#ourName}`;
  }

  /**
   * Enters: creates our node and resolves once `memberQty` members are in; rejects with
   * RecipeError TIMEOUT, ABORTED or SESSION_LOST (our node deleted), ILLEGAL_STATE if in already.
   */
  async enter(options: WaitOptions = {}): Promise<void> {
    if (this.#in) {
      throw new RecipeError("ILLEGAL_STATE", `already a member of the barrier ${this.#path}`, { path: this.#path });
    }
    const wait = startGuardedWait(this.#zk, options, `entering the barrier ${this.#path}`, this.#path);
    this.#in = true;
    try {
      let ready = nextEvent();
      const readyPath = `${this.#path}/${READY_NODE}`;
      const wasReady = (await wait.race(this.#zk.exists(readyPath, { watch: ready.watcher }))) !== null;
      this.#creating = this.#createOurNode();
      await wait.race(this.#creating);
      if (wasReady) return;
      const { children } = await wait.race(this.#zk.getChildren(this.#path));
      if (barrierIsFull(children, this.#memberQty)) {
        await wait.race(createUnlessExists(this.#zk, readyPath, EMPTY));
        return;
      }
      // The watch set before our create sees `ready` appear, however soon after it that happens.
      while ((await wait.race(ready.fired)).type !== "NodeCreated") {
        ready = nextEvent();
        if ((await wait.race(this.#zk.exists(readyPath, { watch: ready.watcher }))) !== null) return;
      }
    } catch (error) {
      await this.#withdraw();
      throw error;
    } finally {
      wait.dispose();
    }
  }

  /**
   * Leaves: resolves once every member has begun to leave (ours deleted on the way); rejects with
   * RecipeError TIMEOUT, ABORTED or SESSION_LOST (our node deleted), ILLEGAL_STATE if not in.
   */
  async leave(options: WaitOptions = {}): Promise<void> {
    if (!this.#in) {
      throw new RecipeError("ILLEGAL_STATE", `not a member of the barrier ${this.#path}`, { path: this.#path });
    }
    const wait = startGuardedWait(this.#zk, options, `leaving the barrier ${this.#path}`, this.#path);
    try {
      await this.#leaveSteps(wait);
      // Curator's last step: the round is over, so `ready` goes (a later round starts afresh).
      await wait.race(deleteLockNode(this.#zk, `${this.#path}/${READY_NODE}`));
    } catch (error) {
      await this.#withdraw();
      throw error;
    } finally {
      wait.dispose();
    }
  }

  /** Deletes our member node if we may have one, without waiting for anyone. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#withdraw();
  }

  async #leaveSteps(wait: GuardedWait): Promise<void> {
    let oursShouldExist = true;
    for (;;) {
      const step = leaveStep(await wait.race(this.#children()), this.#ourName, oursShouldExist);
      if (step.kind === "missing") {
        throw new RecipeError("SESSION_LOST", `our barrier node ${this.ourPath} is gone (its session ended)`, {
          path: this.#path,
        });
      }
      if (step.kind === "done") {
        if (step.deleteOurs) await wait.race(deleteLockNode(this.#zk, this.ourPath));
        this.#in = false;
        return;
      }
      const { watcher, fired } = nextEvent();
      const there = (await wait.race(this.#zk.exists(`${this.#path}/${step.node}`, { watch: watcher }))) !== null;
      if (step.deleteOurs) {
        await wait.race(deleteLockNode(this.#zk, this.ourPath));
        oursShouldExist = false;
        this.#in = false;
      }
      if (there) await wait.race(fired);
    }
  }

  async #createOurNode(): Promise<void> {
    try {
      await this.#zk.create(this.ourPath, EMPTY, { mode: "ephemeral" });
    } catch (error) {
      if (!isZooKeeperError(error, "NoNode")) throw error;
      await this.#zk.mkdirp(this.#path);
      await this.#zk.create(this.ourPath, EMPTY, { mode: "ephemeral" });
    }
  }

  async #children(): Promise<string[]> {
    try {
      return (await this.#zk.getChildren(this.#path)).children;
    } catch (error) {
      if (isZooKeeperError(error, "NoNode")) return [];
      throw error;
    }
  }

  async #withdraw(): Promise<void> {
    if (!this.#in) return;
    this.#in = false;
    await this.#creating?.catch(() => {});
    this.#creating = undefined;
    await deleteLockNode(this.#zk, this.ourPath).catch(() => {});
  }
}
