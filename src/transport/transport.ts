/**
 * The one place the client meets the runtime's sockets: it only moves bytes. Handshakes,
 * framing and timers live above it, so any byte stream (TCP, TLS, a test pipe) can carry a
 * session.
 */
export interface Transport {
  /** Queues bytes for sending. The transport may hold `bytes` until flushed: never mutate them. */
  write(bytes: Uint8Array): void;
  /** Closes the connection; `onClose` follows. Safe to call more than once. */
  close(): void;
}

/** Callbacks a transport reports to. Each connection calls `onClose` exactly once. */
export interface TransportHandlers {
  onConnect(): void;
  onData(chunk: Uint8Array): void;
  onClose(error?: Error): void;
}

/** Where to connect. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** Opens a connection to `endpoint` and reports to `handlers`. */
export type TransportFactory = (endpoint: Endpoint, handlers: TransportHandlers) => Transport;
