/**
 * Counting what a client holds open: its sockets and the timers the library set. A leak check
 * cannot lean on `process.getActiveResourcesInfo`: Bun's returns an empty list, so a check built
 * on it passes there without looking. Sockets are counted through the transport the clients are
 * given; timers by wrapping the global timer functions, keeping only those set by code under
 * `src/` (tests run one at a time, so nothing else sees the wrapped functions).
 */
import { fileURLToPath } from "node:url";
import { tcpTransport, type TransportFactory } from "../../mod.ts";

export interface HandleTracker {
  /** TCP through {@link tcpTransport}, counting connections the client opened and not yet closed. */
  readonly transport: TransportFactory;
  /** Connections through {@link transport} whose `onClose` has not been called yet. */
  openSockets(): number;
  /** Where each timer the library set, and neither cleared nor ran, was created. */
  liveTimers(): string[];
  /** Puts the runtime's own timer functions back. */
  stop(): void;
}

const sourceDir = fileURLToPath(new URL("../../src/", import.meta.url));

/** The stack line of whoever called the wrapped timer function, if it is library code. */
function librarySite(stack: string | undefined): string | undefined {
  const lines = (stack ?? "").split("\n").filter((l) => /\bat\b|@/.test(l));
  // lines[0] is the wrapper below; lines[1] its caller.
  const caller = lines[1]?.trim();
  return caller !== undefined && caller.includes(sourceDir) ? caller : undefined;
}

/** Starts counting; call {@link HandleTracker.stop} in a `finally`. */
export function trackHandles(): HandleTracker {
  let sockets = 0;
  const timers = new Map<unknown, string>();
  const original = { setTimeout, setInterval, clearTimeout, clearInterval };
  const g = globalThis as unknown as Record<keyof typeof original, (...args: unknown[]) => unknown>;
  const wrap = (repeat: boolean) => (callback: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const site = librarySite(new Error().stack);
    const start = repeat ? original.setInterval : original.setTimeout;
    if (site === undefined) return (start as (...a: unknown[]) => unknown)(callback, ms, ...args);
    const handle: unknown = (start as (...a: unknown[]) => unknown)(
      (...a: unknown[]) => {
        if (!repeat) timers.delete(handle);
        callback(...a);
      },
      ms,
      ...args,
    );
    timers.set(handle, site);
    return handle;
  };
  const clear = (stop: (handle: never) => void) => (handle: unknown) => {
    timers.delete(handle);
    stop(handle as never);
  };
  g.setTimeout = wrap(false) as never;
  g.setInterval = wrap(true) as never;
  g.clearTimeout = clear(original.clearTimeout) as never;
  g.clearInterval = clear(original.clearInterval) as never;

  const transport: TransportFactory = (endpoint, handlers) => {
    sockets++;
    let open = true;
    return tcpTransport(endpoint, {
      onConnect: () => handlers.onConnect(),
      onData: (chunk) => handlers.onData(chunk),
      onClose: (error) => {
        if (open) sockets--;
        open = false;
        handlers.onClose(error);
      },
    });
  };
  return {
    transport,
    openSockets: () => sockets,
    liveTimers: () => [...timers.values()],
    stop() {
      Object.assign(globalThis, original);
    },
  };
}
