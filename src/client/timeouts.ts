/**
 * Every interval the client derives from the session timeout, as pure functions (protocol
 * reference §3.4, §15.2). `sessionTimeout` is the negotiated timeout once a handshake has
 * answered, the requested one before ({@link effectiveSessionTimeout}).
 */

/** The timeout the session runs by: the server's grant once there is one (non-zero), else the request. */
export function effectiveSessionTimeout(negotiated: number, requested: number): number {
  return negotiated || requested;
}

/**
 * Bound on one connection attempt (TCP connect + handshake) when none is configured: an even
 * share of the session timeout per host, so one cycle over the hosts fits in it, but at least 1 s.
 */
export function connectTimeout(sessionTimeout: number, hostCount: number): number {
  return Math.max(1000, Math.floor(sessionTimeout / hostCount));
}

/** Silence after which a connection counts as dead: 2/3 of the negotiated timeout, as in the Java client. */
export function readTimeout(negotiatedSessionTimeout: number): number {
  return Math.floor((negotiatedSessionTimeout * 2) / 3);
}

/**
 * How long the connection may stay send-idle before it pings, for a read timeout (§3.4), as
 * the Java client decides: at half the read timeout while that is at most 1 s; above, 1 s
 * earlier but never before 1 s of idleness (so short timeouts do not ping in a tight loop);
 * and at least every 10 s.
 */
export function pingInterval(readTimeout: number): number {
  const half = Math.floor(readTimeout / 2);
  return Math.min(10_000, half <= 1000 ? half : Math.max(half - 1000, 1000));
}

/**
 * Client-side expiry (ZOOKEEPER-4508): after this long without contact the server has certainly
 * expired the session, so reconnecting to it is pointless.
 */
export function clientSideExpiry(sessionTimeout: number): number {
  return (sessionTimeout * 4) / 3;
}

/** Curator's simulated expiry: suspended for a whole session timeout is LOST. */
export function simulatedLostAfter(sessionTimeout: number): number {
  return sessionTimeout;
}

/**
 * How long a request waits for a connection, and {@link connect} for the first session, when
 * the options do not say: one requested session timeout.
 */
export function defaultConnectionWait(requestedSessionTimeout: number): number {
  return requestedSessionTimeout;
}

/** How often waiting requests are checked against `waitForConnection`: a tenth of it, within 10 ms … 1 s. */
export function waitCheckPeriod(waitForConnection: number): number {
  return Math.max(10, Math.min(1000, waitForConnection / 10));
}
