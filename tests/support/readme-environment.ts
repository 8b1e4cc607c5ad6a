/**
 * What a README example runs with: the shared server under Storm's settings, and for a block
 * marked `tls` or `sasl` a server of that kind, started for the first block that asks for it and
 * kept for the blocks after it.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Block } from "./readme.ts";
import { SASL_USERS, sharedConnectString, startSaslServer, startTlsServer } from "./zookeeper.ts";

export interface ReadmeEnvironment {
  /** Sets the environment variables `block` reads (see {@link Block.server}). */
  prepare(block: Block): void;
  /** Stops the servers it started and removes the CA file it wrote. */
  destroy(): void;
}

/** An environment writing its files to `scratch`, with Storm's root at `stormRoot`. */
export function readmeEnvironment(scratch: string, stormRoot: string): ReadmeEnvironment {
  const tlsServer = startedOnFirstUse(() => startTlsServer());
  const saslServer = startedOnFirstUse(() => startSaslServer());
  const caFile = join(scratch, `readme-ca-${process.pid}.pem`);
  return {
    prepare(block) {
      const connectString = sharedConnectString();
      const [host, port] = connectString.split(":");
      process.env.ZK_CONNECT = connectString;
      // The interop example takes Storm's settings: servers, port and root.
      process.env.ZK_HOSTS = host;
      process.env.ZK_PORT = port;
      process.env.STORM_ROOT = stormRoot;
      if (block.server === "sasl") {
        process.env.ZK_SASL_CONNECT = saslServer.get().connectString;
        process.env.ZK_SASL_PASSWORD = SASL_USERS.alice;
      }
      if (block.server === "tls") {
        const tls = tlsServer.get();
        writeFileSync(caFile, tls.ca);
        process.env.ZK_TLS_CONNECT = tls.tlsConnectString;
        process.env.ZK_TLS_CA = caFile;
      }
    },
    destroy() {
      tlsServer.destroy();
      saslServer.destroy();
      rmSync(caFile, { force: true });
    },
  };
}

/** A server started by the first `get()`; `destroy()` stops it if it was started. */
function startedOnFirstUse<S extends { destroy(): void }>(start: () => S): { get(): S; destroy(): void } {
  let server: S | undefined;
  return {
    get: () => (server ??= start()),
    destroy: () => server?.destroy(),
  };
}
