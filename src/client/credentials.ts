/**
 * The session's credentials (`addAuth`, protocol reference §11.5): kept for the session's
 * life, sent on the connection carrying it, and replayed first on every new connection. The
 * server answers auth packets in the order they were sent, each with xid -4; the first
 * answer to an `addAuth` settles its promise, and a rejection is terminal for the session.
 */
import { ErrorCode, ZooKeeperError } from "../protocol/errors.ts";
import { authFrameLength } from "./connection.ts";

/** Where auth packets go. */
export interface AuthCarrier {
  sendAuth(scheme: string, auth: Uint8Array): void;
}

interface StoredAuth {
  readonly scheme: string;
  readonly auth: Uint8Array;
  waiter?: { resolve(): void; reject(e: ZooKeeperError): void };
}

/** The credentials of one session; see the module comment. */
export class Credentials {
  readonly #stored: StoredAuth[] = [];
  /** The auth packets sent on the current connection and not yet answered, oldest first. */
  #unanswered: StoredAuth[] = [];

  constructor(private readonly maxFrameSize: number) {}

  /** Adds credentials, sent now on `carrier` when one carries the session; settles with the server's answer. */
  add(scheme: string, auth: Uint8Array, carrier: AuthCarrier | null): Promise<void> {
    const length = authFrameLength(scheme, auth);
    if (length > this.maxFrameSize) {
      return Promise.reject(
        new ZooKeeperError(ErrorCode.BadArguments, {
          op: "auth",
          message:
            `the auth packet is ${length} bytes, over the ${this.maxFrameSize}-byte frame limit (jute.maxbuffer)`,
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const stored: StoredAuth = { scheme, auth, waiter: { resolve, reject } };
      this.#stored.push(stored);
      if (carrier !== null) {
        this.#unanswered.push(stored);
        carrier.sendAuth(scheme, auth);
      }
    });
  }

  /** Sends every credential on a new connection (first in its priming, §3.5). */
  replay(carrier: AuthCarrier): void {
    this.#unanswered = [...this.#stored];
    for (const a of this.#stored) carrier.sendAuth(a.scheme, a.auth);
  }

  /** Takes the server's answer to the oldest unanswered packet; returns the error when it was rejected. */
  answer(err: number): ZooKeeperError | undefined {
    const entry = this.#unanswered.shift();
    if (err === 0) {
      entry?.waiter?.resolve();
      if (entry) entry.waiter = undefined;
      return undefined;
    }
    const error = new ZooKeeperError(err, {
      message: `authentication with scheme ${entry?.scheme ?? "?"} was rejected`,
    });
    entry?.waiter?.reject(error);
    if (entry) entry.waiter = undefined;
    return error;
  }

  /** The session ended: every unsettled `addAuth` fails with `error`, and the credentials go. */
  clear(error: () => ZooKeeperError): void {
    for (const a of this.#stored) a.waiter?.reject(error());
    this.#stored.length = 0;
  }
}
