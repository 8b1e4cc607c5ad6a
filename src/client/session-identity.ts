/**
 * What identifies the session across its connections (protocol reference §3.1, §3.7): the id
 * and password the server granted, the timeout it negotiated, and whether the session came from
 * a read-only server. Such a session is not offered again: a read/write server issues a new one.
 */
import type { ConnectRequest, ConnectResponse } from "../jute/records.ts";

/** What the client reads of the identity. */
export interface IdentityView {
  /** The session id (0 before the first handshake or after an expiry). */
  readonly id: bigint;
  /** A copy of the 16-byte session password. */
  readonly password: Uint8Array;
  /** The negotiated session timeout in ms (0 before the first handshake). */
  readonly negotiatedTimeout: number;
}

/** The session's identity; see the module comment. */
export class SessionIdentity implements IdentityView {
  #id = 0n;
  #password: Uint8Array = new Uint8Array(16);
  #fromReadOnly = false;
  /** The session timeout the server granted (0 before the first handshake). */
  #negotiatedTimeout = 0;

  constructor(resume: { readonly sessionId: bigint; readonly password: Uint8Array } | undefined) {
    if (resume) {
      this.#id = resume.sessionId;
      this.#password = resume.password;
    }
  }

  /** The session id (0 before the first handshake or after an expiry). */
  get id(): bigint {
    return this.#id;
  }

  /** A copy of the 16-byte session password. */
  get password(): Uint8Array {
    return this.#password.slice();
  }

  /** The negotiated session timeout in ms (0 before the first handshake). */
  get negotiatedTimeout(): number {
    return this.#negotiatedTimeout;
  }

  /** The handshake of a connection attempt: it resumes the session when there is one to resume. */
  request(lastZxidSeen: bigint, timeOut: number, readOnly: boolean): ConnectRequest {
    const resumable = this.#id !== 0n && !this.#fromReadOnly;
    return {
      protocolVersion: 0,
      lastZxidSeen,
      timeOut,
      sessionId: resumable ? this.#id : 0n,
      passwd: resumable ? this.#password : new Uint8Array(16),
      readOnly,
    };
  }

  /** Takes what a handshake granted (`timeOut > 0`). */
  accept(response: ConnectResponse): void {
    const sameSession = this.#id === response.sessionId;
    this.#id = response.sessionId;
    this.#password = response.passwd;
    this.#fromReadOnly = response.readOnly && (!sameSession || this.#fromReadOnly);
    this.#negotiatedTimeout = response.timeOut;
  }

  /** The session expired: the next handshake asks for a new one. */
  forget(): void {
    this.#id = 0n;
    this.#password = new Uint8Array(16);
    this.#fromReadOnly = false;
  }
}
