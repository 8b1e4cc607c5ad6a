import { connect as netConnect } from "node:net";
import type { Endpoint, Transport, TransportFactory, TransportHandlers } from "./transport.ts";

/**
 * TCP through `node:net`, which Node, Deno and Bun all provide. Nagle is off (requests are
 * latency-bound and already coalesced per tick by the caller).
 */
export const tcpTransport: TransportFactory = (endpoint: Endpoint, handlers: TransportHandlers): Transport => {
  const socket = netConnect({ host: endpoint.host, port: endpoint.port, noDelay: true });
  let closed = false;
  let failure: Error | undefined;
  socket.on("connect", () => {
    socket.setNoDelay(true);
    handlers.onConnect();
  });
  socket.on("data", (chunk: Uint8Array) => {
    if (!closed) handlers.onData(chunk);
  });
  socket.on("error", (err: Error) => {
    failure ??= err;
  });
  socket.on("close", () => {
    if (closed) return;
    closed = true;
    handlers.onClose(failure);
  });
  return {
    write(bytes) {
      if (!closed) socket.write(bytes);
    },
    close() {
      socket.destroy();
    },
  };
};
