/**
 * The requests waiting in the client for a connection to carry them, and the capacity the
 * client allows (`maxInFlight`). Policy: a request goes out at once only when a connection
 * carries the session, nothing waits before it and fewer than `maxInFlight` are unanswered;
 * otherwise it waits, in arrival order, at most `waitForConnection` ms counted from the later of
 * its arrival and the last disconnect, then fails with `ConnectionLoss`.
 */
import { ErrorCode, ZooKeeperError } from "../protocol/errors.ts";
import { Queue } from "./queue.ts";
import type { Request } from "./request.ts";
import { waitCheckPeriod } from "./timeouts.ts";

/** Where waiting requests go: the connection that carries the session. */
export interface Carrier {
  readonly inFlight: number;
  send(request: Request): void;
}

/** What the queue needs from the session. */
export interface WaitingHooks {
  /** The connection carrying the session now, or null while none does. */
  carrier(): Carrier | null;
  /** When the last connection carrying the session was lost (ms since the epoch). */
  disconnectedAt(): number;
  /** True once the session ended: nobody waits for capacity any more. */
  ended(): boolean;
}

interface Waiting {
  readonly request: Request;
  readonly since: number;
}

/** The waiting queue and the capacity waiters of one session; see the module comment. */
export class WaitingQueue {
  readonly #queued = new Queue<Waiting>();
  #capacityWaiters: (() => void)[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly limits: { readonly maxInFlight: number; readonly waitForConnection: number },
    private readonly hooks: WaitingHooks,
    private readonly now: () => number = Date.now,
  ) {}

  /** Requests waiting in the client. */
  get length(): number {
    return this.#queued.length;
  }

  /** Requests written and unanswered plus those waiting in the client. */
  get load(): number {
    return this.#queued.length + (this.hooks.carrier()?.inFlight ?? 0);
  }

  /** Sends `request` now if the policy allows it, otherwise queues it. */
  submit(request: Request): void {
    const carrier = this.hooks.carrier();
    if (carrier !== null && this.#queued.length === 0 && carrier.inFlight < this.limits.maxInFlight) {
      carrier.send(request);
      return;
    }
    this.#queued.push({ request, since: this.now() });
    this.arm();
  }

  /** Sends waiting requests while the carrier has room (dropping abandoned ones), then releases capacity. */
  drain(): void {
    const carrier = this.hooks.carrier();
    if (carrier === null) return;
    const max = this.limits.maxInFlight;
    while (this.#queued.length > 0 && carrier.inFlight < max) {
      const next = this.#queued.shift();
      if (next !== undefined && next.request.abandoned !== true) carrier.send(next.request);
    }
    if (this.#queued.length === 0) this.stop();
    this.releaseCapacity();
  }

  /** Writes every waiting request, not abandoned, to `carrier` whatever its load (before a close). */
  flushTo(carrier: Carrier): void {
    for (const q of this.#queued.drain()) if (q.request.abandoned !== true) carrier.send(q.request);
  }

  /** Fails and forgets every waiting request. */
  failAll(error: (request: Request) => ZooKeeperError): void {
    for (const q of this.#queued.drain()) q.request.fail(error(q.request));
  }

  /**
   * Resolves once fewer than `maxInFlight` requests are outstanding (at once when that is
   * already so, or the session ended).
   */
  waitForCapacity(): Promise<void> {
    if (this.load < this.limits.maxInFlight || this.hooks.ended()) return Promise.resolve();
    return new Promise((resolve) => this.#capacityWaiters.push(resolve));
  }

  /** Resolves the capacity waiters when there is room again or the session ended. */
  releaseCapacity(): void {
    if (this.#capacityWaiters.length === 0) return;
    if (this.load >= this.limits.maxInFlight && !this.hooks.ended()) return;
    const waiters = this.#capacityWaiters;
    this.#capacityWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Checks the waiting requests' age periodically while any wait. */
  arm(): void {
    if (this.#timer !== undefined || this.#queued.length === 0) return;
    this.#timer = setInterval(() => this.expire(), waitCheckPeriod(this.limits.waitForConnection));
  }

  /** Stops the periodic check. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Fails the requests that waited longer than `waitForConnection` while no connection carried them. */
  expire(): void {
    if (this.hooks.carrier() !== null) return;
    const now = this.now();
    const limit = this.limits.waitForConnection;
    for (let head = this.#queued.peek(); head !== undefined; head = this.#queued.peek()) {
      if (now - Math.max(head.since, this.hooks.disconnectedAt()) < limit) break;
      this.#queued.shift();
      head.request.fail(
        new ZooKeeperError(ErrorCode.ConnectionLoss, {
          op: head.request.op,
          path: head.request.path,
          message: `no connection to the ensemble within ${limit} ms`,
        }),
      );
    }
    if (this.#queued.length === 0) this.stop();
  }
}
