import { connect as netConnect } from "node:net";
import { socketTransport } from "./socket.ts";
import type { TransportFactory } from "./transport.ts";

/**
 * TCP through `node:net`, which Node, Deno and Bun all provide. Nagle is off (requests are
 * latency-bound and already coalesced per tick by the caller).
 */
export const tcpTransport: TransportFactory = (endpoint, handlers) => {
  const socket = netConnect({ host: endpoint.host, port: endpoint.port, noDelay: true });
  socket.on("connect", () => socket.setNoDelay(true));
  return socketTransport(socket, "connect", handlers);
};
