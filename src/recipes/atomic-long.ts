/**
 * Curator's `DistributedAtomicLong`: a Java `long` kept as 8 big-endian bytes in one node's data,
 * updated optimistically — read the value and its version, write the new value at that version,
 * and on a lost race (BadVersion, or a create beaten by another) try again as the retry policy
 * allows. Optionally, when the optimistic tries are used up, the update is *promoted to a lock*:
 * taken again under an {@link InterProcessMutex} at another path (Curator's `PromotedToLock`).
 * The node is created on the first update; a missing or empty node reads as 0.
 * @module
 */
import { backoffSleep, type RetryPolicy } from "../client/retry.ts";
import { addLong, decodeLong, encodeLong } from "./counter-bytes.ts";
import { RecipeError } from "./errors.ts";
import { sleep } from "./guarded-wait.ts";
import { InterProcessMutex } from "./inter-process-mutex.ts";
import { isZooKeeperError } from "./protected-create.ts";
import { createUnlessExists } from "./shared-value.ts";
import type { ValueClient } from "./value-client.ts";

/** How an operation went (Curator's `AtomicStats`). */
export interface AtomicStats {
  /** Optimistic attempts made. */
  readonly optimisticTries: number;
  /** Attempts made under the promoted lock (0 when not promoted). */
  readonly promotedLockTries: number;
  readonly optimisticTimeMs: number;
  readonly promotedTimeMs: number;
}

/**
 * An operation's result (Curator's `AtomicValue`): whether it succeeded, the value it read last
 * and the value it wrote. When it did not succeed, `postValue` equals `preValue` (nothing written).
 */
export interface AtomicValue<T> {
  readonly succeeded: boolean;
  readonly preValue: T;
  readonly postValue: T;
  readonly stats: AtomicStats;
}

/** Curator's `PromotedToLock`: where the lock is, how long to wait for it, how often to try under it. */
export interface PromotedToLock {
  /** The mutex's path (every participant must use the same one). */
  readonly path: string;
  /** Longest wait for the lock in ms; on timeout the operation does not succeed. Default: no limit. */
  readonly timeout?: number;
  /**
   * Retries under the lock. Default none (one attempt), as Curator's default `RetryNTimes(0, 0)`;
   * sleeps not given are {@link DEFAULT_ATOMIC_RETRY}'s.
   */
  readonly retry?: RetryPolicy;
}

/** Options of {@link DistributedAtomicLong}. */
export interface DistributedAtomicLongOptions {
  /** Retries after a lost race; fields not given take {@link DEFAULT_ATOMIC_RETRY}'s. */
  readonly retry?: RetryPolicy;
  /** Take the update under a lock once the optimistic retries are used up. */
  readonly promotedToLock?: PromotedToLock;
}

/** Optimistic retries by default: 10, sleeping 10 ms × random(1…2^(n+1)), at most 1 s each. */
export const DEFAULT_ATOMIC_RETRY: RetryPolicy = { maxRetries: 10, baseSleepMs: 10, maxSleepMs: 1_000 };

/** Options of each operation. */
export interface AtomicOptions {
  /** Ends retry sleeps and the wait for the promoted lock with RecipeError ABORTED. */
  readonly signal?: AbortSignal;
}

type Tries = { optimisticTries: number; promotedLockTries: number };
type Attempt = { readonly succeeded: boolean; readonly preValue: bigint; readonly postValue: bigint };

/**
 * A distributed 64-bit counter, wire-compatible with Curator's `DistributedAtomicLong` (values are
 * bigint; arithmetic wraps at 64 bits as Java's does). An operation that did not succeed (its
 * retries used up) changed nothing: check `succeeded`. A ZooKeeper error other than a lost race
 * (e.g. ConnectionLoss, after which a write's outcome is unknown) is thrown, not retried.
 *
 * @example
 * ```ts
 * const hits = new DistributedAtomicLong(zk, "/counters/hits", { retry: { maxRetries: 50 } });
 * const result = await hits.increment();
 * if (result.succeeded) console.log(result.preValue, "→", result.postValue);
 * ```
 */
export class DistributedAtomicLong {
  readonly #zk: ValueClient;
  readonly #path: string;
  readonly #retry: RetryPolicy;
  readonly #promoted: PromotedToLock | undefined;
  readonly #mutex: InterProcessMutex | undefined;

  constructor(zk: ValueClient, path: string, options: DistributedAtomicLongOptions = {}) {
    this.#zk = zk;
    this.#path = path;
    this.#retry = { ...DEFAULT_ATOMIC_RETRY, ...options.retry };
    this.#promoted = options.promotedToLock;
    this.#mutex = this.#promoted === undefined ? undefined : new InterProcessMutex(zk, this.#promoted.path);
  }

  /** The counter node's path. */
  get path(): string {
    return this.#path;
  }

  /** The current value (0 if the node does not exist); always succeeds. */
  async get(): Promise<AtomicValue<bigint>> {
    const { value } = await this.#read();
    return result(
      { succeeded: true, preValue: value, postValue: value },
      { optimisticTries: 0, promotedLockTries: 0 },
      0,
      0,
    );
  }

  /** Adds 1. */
  increment(options?: AtomicOptions): Promise<AtomicValue<bigint>> {
    return this.add(1n, options);
  }

  /** Subtracts 1. */
  decrement(options?: AtomicOptions): Promise<AtomicValue<bigint>> {
    return this.add(-1n, options);
  }

  /** Adds `delta` (wrapping at 64 bits). */
  async add(delta: bigint, options?: AtomicOptions): Promise<AtomicValue<bigint>> {
    encodeLong(delta);
    return await this.#update((previous) => addLong(previous, delta), options);
  }

  /** Subtracts `delta` (wrapping at 64 bits). */
  async subtract(delta: bigint, options?: AtomicOptions): Promise<AtomicValue<bigint>> {
    encodeLong(delta);
    return await this.#update((previous) => addLong(previous, -delta), options);
  }

  /** Sets `value` whatever the counter holds, with the same retries as an update. */
  async trySet(value: bigint, options?: AtomicOptions): Promise<AtomicValue<bigint>> {
    encodeLong(value);
    return await this.#update(() => value, options);
  }

  /**
   * Sets `value` only if the counter holds `expected` now; one attempt, no retry. A counter node
   * that does not exist yet holds nothing: the operation does not succeed (as Curator's).
   */
  async compareAndSet(expected: bigint, value: bigint): Promise<AtomicValue<bigint>> {
    const bytes = encodeLong(value);
    const current = await this.#read();
    let succeeded = false;
    if (current.version !== undefined && current.value === expected && current.empty === false) {
      succeeded = await this.#write(bytes, current.version);
    }
    return result(
      { succeeded, preValue: current.value, postValue: succeeded ? value : current.value },
      { optimisticTries: 1, promotedLockTries: 0 },
      0,
      0,
    );
  }

  /** Writes `value` unconditionally, creating the node if needed. */
  async forceSet(value: bigint): Promise<void> {
    const bytes = encodeLong(value);
    try {
      await this.#zk.setData(this.#path, bytes);
    } catch (error) {
      if (!isZooKeeperError(error, "NoNode")) throw error;
      if (!(await createUnlessExists(this.#zk, this.#path, bytes))) await this.#zk.setData(this.#path, bytes);
    }
  }

  /** Creates the counter with `value` unless it exists; returns whether it created it. */
  initialize(value: bigint): Promise<boolean> {
    return createUnlessExists(this.#zk, this.#path, encodeLong(value));
  }

  /** Curator's `trySet(MakeValue)`: optimistic tries, then (if configured) tries under the lock. */
  async #update(make: (previous: bigint) => bigint, options: AtomicOptions = {}): Promise<AtomicValue<bigint>> {
    const tries: Tries = { optimisticTries: 0, promotedLockTries: 0 };
    const started = Date.now();
    let attempt = await this.#tryRepeatedly(make, this.#retry, () => tries.optimisticTries++, options.signal);
    const optimisticTimeMs = Date.now() - started;
    if (attempt.succeeded || this.#mutex === undefined || this.#promoted === undefined) {
      return result(attempt, tries, optimisticTimeMs, 0);
    }
    const promotedStart = Date.now();
    try {
      const lease = await this.#mutex.acquire({ timeout: this.#promoted.timeout, signal: options.signal });
      try {
        attempt = await this.#tryRepeatedly(
          make,
          { ...DEFAULT_ATOMIC_RETRY, maxRetries: 0, ...this.#promoted.retry },
          () => tries.promotedLockTries++,
          options.signal,
        );
      } finally {
        await lease.release();
      }
    } catch (error) {
      // Like Curator's `acquire` returning false: the lock not had in time means not succeeded.
      if (!(error instanceof RecipeError && error.code === "TIMEOUT")) throw error;
    }
    return result(attempt, tries, optimisticTimeMs, Date.now() - promotedStart);
  }

  async #tryRepeatedly(
    make: (previous: bigint) => bigint,
    policy: RetryPolicy,
    count: () => void,
    signal: AbortSignal | undefined,
  ): Promise<Attempt> {
    for (let retry = 0;; retry++) {
      count();
      const attempt = await this.#tryOnce(make);
      if (attempt.succeeded || retry >= (policy.maxRetries ?? 0)) return attempt;
      await sleep(
        (policy.sleepMs ?? backoffSleep)(retry, policy),
        signal,
        `updating the counter ${this.#path}`,
        this.#path,
      );
    }
  }

  /** One read and conditional write (Curator's `tryOnce`): a lost race is a plain `succeeded: false`. */
  async #tryOnce(make: (previous: bigint) => bigint): Promise<Attempt> {
    const current = await this.#read();
    const next = make(current.value);
    const bytes = encodeLong(next);
    const succeeded = current.version === undefined
      ? await createUnlessExists(this.#zk, this.#path, bytes)
      : await this.#write(bytes, current.version);
    return { succeeded, preValue: current.value, postValue: succeeded ? next : current.value };
  }

  /** The value and version now; version undefined when the node does not exist (value 0). */
  async #read(): Promise<{ value: bigint; version: number | undefined; empty: boolean }> {
    try {
      const { data, stat } = await this.#zk.getData(this.#path);
      return { value: decodeLong(data, this.#path), version: stat.version, empty: data.length === 0 };
    } catch (error) {
      if (isZooKeeperError(error, "NoNode")) return { value: 0n, version: undefined, empty: true };
      throw error;
    }
  }

  /** Writes at `version`; false if another process wrote (or deleted the node) first. */
  async #write(bytes: Uint8Array, version: number): Promise<boolean> {
    try {
      await this.#zk.setData(this.#path, bytes, { version });
      return true;
    } catch (error) {
      if (isZooKeeperError(error, "BadVersion") || isZooKeeperError(error, "NoNode")) return false;
      throw error;
    }
  }
}

function result(attempt: Attempt, tries: Tries, optimisticTimeMs: number, promotedTimeMs: number): AtomicValue<bigint> {
  return { ...attempt, stats: { ...tries, optimisticTimeMs, promotedTimeMs } };
}
