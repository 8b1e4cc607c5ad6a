import type { Transport, TransportHandlers } from "./transport.ts";

/** The part of a `node:net` / `node:tls` socket a transport uses. */
export interface ByteSocket {
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "close" | "connect" | "secureConnect", listener: () => void): unknown;
  write(bytes: Uint8Array): unknown;
  destroy(): unknown;
}

/**
 * Binds a socket to a transport's handlers. `readyEvent` is the event after which bytes may flow
 * (`connect` for TCP, `secureConnect` once a TLS handshake is verified). The error that ends a
 * socket is handed to `onClose`, so the session can say why a connection failed.
 */
export function socketTransport(
  socket: ByteSocket,
  readyEvent: "connect" | "secureConnect",
  handlers: TransportHandlers,
): Transport {
  let closed = false;
  let failure: Error | undefined;
  socket.on(readyEvent, () => handlers.onConnect());
  socket.on("data", (chunk) => {
    if (!closed) handlers.onData(chunk);
  });
  socket.on("error", (error) => {
    failure ??= error;
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
}
