/**
 * A loopback TCP proxy in front of a real server, for fault injection: it forwards bytes both
 * ways and can cut every connection or inject bytes towards the client.
 */
import { type Server, type Socket, createServer, connect as netConnect } from "node:net";

export interface Proxy {
  readonly port: number;
  readonly connectString: string;
  /** Writes raw bytes to every client connection (e.g. a corrupt frame). */
  injectToClients(bytes: Uint8Array): void;
  /** Destroys every open connection (clients see the server go away). */
  cutAll(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<Proxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  const server: Server = createServer((client) => {
    const upstream = netConnect({ host: "127.0.0.1", port: targetPort });
    const pair = { client, upstream };
    pairs.add(pair);
    client.on("data", (d) => upstream.write(d));
    upstream.on("data", (d) => client.write(d));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end);
    upstream.on("close", end);
    client.on("error", end);
    upstream.on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  const port = address.port;
  return {
    port,
    connectString: `127.0.0.1:${port}`,
    injectToClients(bytes) {
      for (const p of pairs) p.client.write(bytes);
    },
    cutAll() {
      for (const p of [...pairs]) {
        p.client.destroy();
        p.upstream.destroy();
      }
    },
    close() {
      for (const p of [...pairs]) {
        p.client.destroy();
        p.upstream.destroy();
      }
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
