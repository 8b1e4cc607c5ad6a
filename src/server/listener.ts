/**
 * A TCP listener over `node:net` (so it runs unchanged on Node, Deno and Bun) that feeds its
 * connections to an engine. Several listeners may share one engine: an in-process ensemble.
 */
import { createServer, type Server, type Socket } from "node:net";
import { type ConnectionLimits, ServerConnection } from "./connection.ts";
import type { Engine } from "./engine.ts";

/** See the module comment. */
export class Listener {
  readonly connections = new Set<ServerConnection>();
  #server: Server | undefined;
  #stalled = false;
  port: number;

  constructor(readonly engine: Engine, readonly host: string, port: number, readonly limits: ConnectionLimits) {
    this.port = port;
  }

  /** Whether the listener is accepting connections. */
  get listening(): boolean {
    return this.#server !== undefined;
  }

  /** Starts listening (on the same port as before once a port was chosen). */
  async start(): Promise<void> {
    if (this.#server !== undefined) return;
    const server = createServer((socket: Socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, this.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address();
    if (address !== null && typeof address === "object") this.port = address.port;
    this.#server = server;
  }

  #accept(socket: Socket): void {
    const connection = new ServerConnection(socket, {
      ...this.limits,
      engine: this.engine,
      stalled: () => this.#stalled,
    });
    this.connections.add(connection);
    socket.on("close", () => this.connections.delete(connection));
  }

  /** Stops listening and drops every connection; the engine (tree, sessions) is untouched. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.dropConnections();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Drops every connection, or those of one session. */
  dropConnections(sessionId?: bigint): void {
    for (const c of [...this.connections]) {
      if (sessionId === undefined || c.sessionId === sessionId) {
        c.destroy();
        this.connections.delete(c);
      }
    }
  }

  /** Accept and read, but answer nothing (not even pings) until {@link resume}. */
  stall(): void {
    this.#stalled = true;
  }

  /** Answers everything held during a stall, in order, and serves again. */
  resume(): void {
    this.#stalled = false;
    for (const c of this.connections) c.release();
  }
}
