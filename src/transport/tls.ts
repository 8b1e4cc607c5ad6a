import { Buffer } from "node:buffer";
import { connect as tlsConnect } from "node:tls";
import { socketTransport } from "./socket.ts";
import type { TransportFactory } from "./transport.ts";

/** PEM text or DER/PEM bytes. */
export type PemInput = string | Uint8Array;

/**
 * TLS settings for {@link tlsTransport} (a subset of `node:tls` connect options, the same on Node,
 * Deno and Bun). The server's certificate is verified against `ca` (or the runtime's trusted
 * roots) and its name against the host of the connect string, as ZooKeeper's Java client does
 * with `zookeeper.ssl.hostnameVerification`.
 */
export interface TlsOptions {
  /** Certificate authorities to trust instead of the runtime's defaults (a ZooKeeper trust store as PEM). */
  readonly ca?: PemInput | readonly PemInput[];
  /** Client certificate chain, for servers with `ssl.clientAuth=need` (the `x509` auth scheme). */
  readonly cert?: PemInput | readonly PemInput[];
  /** The client certificate's private key. */
  readonly key?: PemInput | readonly PemInput[];
  /** Passphrase of an encrypted `key`. */
  readonly passphrase?: string;
  /** Server name to send (SNI) and verify; default: the host of the connect string. */
  readonly servername?: string;
  /**
   * Verify the server's certificate (default true). Turning it off accepts any server: only for
   * throwaway test setups.
   */
  readonly rejectUnauthorized?: boolean;
  /** Lowest protocol version accepted; default the runtime's (TLS 1.2). */
  readonly minVersion?: "TLSv1.2" | "TLSv1.3";
}

/** `node:tls` takes strings or Buffers (one or a list). */
function material(
  value: PemInput | readonly PemInput[] | undefined,
): string | Buffer | (string | Buffer)[] | undefined {
  const one = (v: PemInput) => (typeof v === "string" ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  if (value === undefined) return undefined;
  return typeof value === "string" || value instanceof Uint8Array ? one(value) : value.map(one);
}

/**
 * TLS through `node:tls`: connects to a ZooKeeper `secureClientPort` (Netty server connection
 * factory). Bytes flow only after the handshake has verified the server.
 *
 * @example
 * ```ts
 * const zk = await connect("zk1.example:2281", { tls: { ca: await readFile("ca.pem", "utf8") } });
 * ```
 */
export function tlsTransport(options: TlsOptions = {}): TransportFactory {
  return (endpoint, handlers) => {
    const socket = tlsConnect({
      host: endpoint.host,
      port: endpoint.port,
      ca: material(options.ca),
      cert: material(options.cert),
      key: material(options.key),
      passphrase: options.passphrase,
      servername: options.servername,
      rejectUnauthorized: options.rejectUnauthorized ?? true,
      minVersion: options.minVersion,
    });
    socket.setNoDelay(true);
    return socketTransport(socket, "secureConnect", handlers);
  };
}
