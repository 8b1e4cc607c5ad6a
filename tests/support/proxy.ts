/**
 * A loopback TCP fault proxy in front of a real server. It forwards bytes both ways and, on
 * command, cuts connections, stalls, delays, splits what it forwards to the client into 1-byte
 * writes, black-holes a direction, or injects bytes towards the client.
 */
import { connect as netConnect, createServer, type Server, type Socket } from "node:net";

/** Which way bytes flow. */
export type Direction = "toServer" | "toClient";

export interface Proxy {
  readonly port: number;
  readonly connectString: string;
  /** Writes raw bytes to every client connection (e.g. a corrupt frame). */
  injectToClients(bytes: Uint8Array): void;
  /** Destroys every open connection (clients see the server go away). */
  cutAll(): void;
  /** Holds all forwarding for `ms`, then delivers what was held, in order. */
  stall(ms: number): void;
  /** Delays every chunk by `ms` (0 = no delay), keeping order. */
  delay(ms: number): void;
  /** Forwards server bytes to clients one byte per write. */
  splitFrames(on: boolean): void;
  /** Drops everything flowing in the given directions (connections stay open); [] heals. */
  blackhole(directions: readonly Direction[]): void;
  /** Chunks forwarded so far, by direction (for tests that want to see traffic). */
  readonly forwarded: Record<Direction, number>;
  /** Client connections open through the proxy right now. */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<Proxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let stallUntil = 0;
  let delayMs = 0;
  let split = false;
  let holes = new Set<Direction>();
  const forwarded: Record<Direction, number> = { toServer: 0, toClient: 0 };

  /** Per direction of one connection: a FIFO so stalls and delays keep byte order. */
  const pipe = (direction: Direction, to: Socket) => {
    let chain = Promise.resolve();
    return (chunk: Uint8Array) => {
      if (holes.has(direction)) return;
      chain = chain.then(async () => {
        const wait = Math.max(delayMs, stallUntil - Date.now());
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (to.destroyed) return;
        forwarded[direction]++;
        if (split && direction === "toClient") { for (const b of chunk) to.write(new Uint8Array([b])); }
        else to.write(chunk);
      });
    };
  };

  const server: Server = createServer((client) => {
    const upstream = netConnect({ host: "127.0.0.1", port: targetPort });
    const pair = { client, upstream };
    pairs.add(pair);
    client.on("data", pipe("toServer", upstream));
    upstream.on("data", pipe("toClient", client));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on("close", end);
      s.on("error", end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  const destroyAll = () => {
    for (const p of [...pairs]) {
      p.client.destroy();
      p.upstream.destroy();
    }
  };
  return {
    port: address.port,
    connectString: `127.0.0.1:${address.port}`,
    forwarded,
    openConnections: () => pairs.size,
    injectToClients(bytes) {
      for (const p of pairs) p.client.write(bytes);
    },
    cutAll: destroyAll,
    stall(ms) {
      stallUntil = Date.now() + ms;
    },
    delay(ms) {
      delayMs = ms;
    },
    splitFrames(on) {
      split = on;
    },
    blackhole(directions) {
      holes = new Set(directions);
    },
    close() {
      destroyAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
