/**
 * The session table: ids, passwords, negotiated timeouts and deadlines by the server's clock,
 * as ZooKeeper's `SessionTracker` keeps them. Pure bookkeeping: closing a session (a
 * transaction) is the engine's job; this module only says which sessions are due.
 */
import { randomBytes } from "node:crypto";

/** One live session. */
export interface SessionRecord {
  readonly id: bigint;
  readonly password: Uint8Array;
  timeout: number;
  /** Server clock (ms) after which the session expires unless touched. */
  deadline: number;
}

/** Session timeout bounds: ZooKeeper's defaults are 2 and 20 ticks. */
export interface TimeoutBounds {
  readonly min: number;
  readonly max: number;
}

/** The timeout a client gets: its request clamped to the server's bounds. */
export function negotiateTimeout(requested: number, bounds: TimeoutBounds): number {
  return Math.min(Math.max(requested, bounds.min), bounds.max);
}

/** Whether two passwords are the same bytes. */
function samePassword(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Sessions by id; ids start from the clock like ZooKeeper's (`(ms << 24) >>> 8` for server 0). */
export class SessionTable {
  readonly sessions = new Map<bigint, SessionRecord>();
  #nextId: bigint;

  constructor(now: number) {
    this.#nextId = BigInt.asUintN(56, BigInt(now) << 24n) >> 8n;
  }

  /** A new session with a random 16-byte password. */
  open(timeout: number, now: number): SessionRecord {
    const session: SessionRecord = {
      id: this.#nextId++,
      password: new Uint8Array(randomBytes(16)),
      timeout,
      deadline: now + timeout,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The session `id` if it lives and `password` is its password (a resume), else undefined. */
  resume(id: bigint, password: Uint8Array): SessionRecord | undefined {
    const session = this.sessions.get(id);
    return session !== undefined && samePassword(session.password, password) ? session : undefined;
  }

  /** Any traffic of the session pushes its deadline back by a full timeout. */
  touch(id: bigint, now: number): void {
    const session = this.sessions.get(id);
    if (session !== undefined) session.deadline = now + session.timeout;
  }

  /** Sessions whose deadline has passed. */
  due(now: number): SessionRecord[] {
    return [...this.sessions.values()].filter((s) => s.deadline <= now);
  }

  /** Forgets a session (after its closeSession transaction). */
  remove(id: bigint): void {
    this.sessions.delete(id);
  }
}
