/**
 * Connecting: {@link createClient} makes a client that starts connecting at once, and
 * {@link connect} also waits for its first session.
 */
import { ErrorCode, ZooKeeperError } from "../protocol/errors.ts";
import { ZooKeeperClient } from "./client.ts";
import { type ConnectOptions, initialConnectTimeout } from "./options.ts";
import { isAbortSignal } from "./send.ts";

/**
 * Creates a client that starts connecting at once; requests wait for the session
 * (see `waitForConnection`). Prefer {@link connect}, which also waits for the first session.
 */
export function createClient(connectString: string, options: ConnectOptions = {}): ZooKeeperClient {
  return new ZooKeeperClient(connectString, options);
}

/**
 * Connects to an ensemble and resolves once the session is established. Rejects (and closes the
 * client) with `ConnectionLoss` when no server answered within `initialConnectTimeout`, or with
 * `AuthFailed`/`SessionExpired` when the session could not be set up.
 *
 * @param connectString `host:port[,host:port…][/chroot]`
 */
export function connect(connectString: string, options: ConnectOptions = {}): Promise<ZooKeeperClient> {
  const signal = options.signal;
  if (signal !== undefined && !isAbortSignal(signal)) {
    return Promise.reject(
      new ZooKeeperError(ErrorCode.BadArguments, { op: "connect", message: "signal must be an AbortSignal" }),
    );
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  let client: ZooKeeperClient;
  try {
    client = createClient(connectString, options);
  } catch (error) {
    return Promise.reject(error);
  }
  const limit = initialConnectTimeout(options);
  return new Promise((resolve, reject) => {
    /** Resolves with the client, or closes it and rejects with `failure`. */
    const settle = (failure?: { readonly error: unknown }) => {
      clearTimeout(timer);
      off();
      signal?.removeEventListener("abort", abort);
      if (failure === undefined) {
        resolve(client);
        return;
      }
      client.close().finally(() => reject(failure.error));
    };
    const abort = () => settle({ error: signal?.reason });
    signal?.addEventListener("abort", abort, { once: true });
    const timer = setTimeout(() => {
      // Say why: "refused", "self-signed certificate", "no handshake within …" tell what to fix.
      const cause = client.lastConnectionError;
      const why = cause === undefined ? "" : ` (last attempt: ${cause.message})`;
      settle({
        error: new ZooKeeperError(ErrorCode.ConnectionLoss, {
          op: "connect",
          cause,
          message: `no ZooKeeper server at ${connectString} answered within ${limit} ms${why}`,
        }),
      });
    }, limit);
    const off = client.on("state", (event) => {
      if (event === "connected" || event === "readOnly") settle();
      else if (event === "authFailed") {
        settle({
          error: new ZooKeeperError(ErrorCode.AuthFailed, { op: "connect", cause: client.lastConnectionError }),
        });
      } else if (event === "expired" || event === "closed") {
        settle({ error: new ZooKeeperError(ErrorCode.SessionExpired, { op: "connect" }) });
      }
    });
  });
}
