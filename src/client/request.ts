import type { JuteReader } from "../jute/reader.ts";
import type { JuteWriter } from "../jute/writer.ts";
import type { OpName } from "../protocol/opcodes.ts";
import type { ZooKeeperError } from "../protocol/errors.ts";

/**
 * One request on its way to the server: how to encode it, and how to finish it when its reply
 * (or a failure) arrives. Built by the client API, carried by the session and the connection.
 */
export interface Request {
  readonly op: OpName;
  readonly opcode: number;
  /** Client path, for errors. */
  readonly path: string | undefined;
  /** Writes the request record after the header (absent for header-only requests). */
  readonly encode: ((w: JuteWriter) => void) | undefined;
  /**
   * Finishes the request from its reply: `reader` is positioned at the body (which is empty
   * when `err` is non-zero). Runs synchronously in frame order (watch registration happens
   * here). May throw a decode error, which the connection treats as a corrupt stream.
   */
  complete(err: number, reader: JuteReader): void;
  /** Fails the request without a reply (connection loss, expiry, close, timeout). */
  fail(error: ZooKeeperError): void;
  /** Xid on the wire, assigned when written. */
  xid: number;
  /**
   * Set when the caller gave up (its signal aborted): a request still queued is dropped instead
   * of sent, and a reply is consumed without effect.
   */
  abandoned?: boolean;
}

/** What every request accepts. */
export interface SignalOptions {
  /**
   * Abandons the request when aborted (e.g. `AbortSignal.timeout(500)`): the promise rejects at
   * once with `signal.reason`. A request still waiting in the client is never sent. One already
   * sent cannot be recalled: a write may still be applied, and a read leaves no watch in the
   * client (should the server have set one, its event reaches no one).
   */
  readonly signal?: AbortSignal;
}
