/**
 * While the session is on a read-only server, asks the other servers whether they serve writes
 * (the `isro` four-letter word over a short-lived connection), with intervals doubling from
 * 100 ms to 60 s, and moves to the first that answers `rw` (protocol reference §3.7).
 */
import type { Endpoint, TransportFactory } from "../transport/transport.ts";
import type { Logger } from "./logger.ts";

/** What the probe needs from the session. */
export interface ProbeHooks {
  readonly transport: TransportFactory;
  readonly log: Logger;
  /** The host list now, and the index of the server carrying the session in it. */
  hosts(): readonly Endpoint[];
  index(): number;
  /** True while the session is still on a read-only server. */
  readOnly(): boolean;
  /** Leaves the read-only server for `hosts()[index]`. */
  moveTo(index: number): void;
}

/** The probing of one session; see the module comment. */
export class ReadWriteProbe {
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Aborts of the probes in flight (a closed session must not keep sockets or timers). */
  readonly #probes = new Set<() => void>();

  constructor(private readonly hooks: ProbeHooks) {}

  /** (Re)starts probing after `delay` ms; with one host there is nothing to probe. */
  start(delay: number): void {
    clearTimeout(this.#timer);
    if (this.hooks.hosts().length < 2) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.hooks.readOnly()) return;
      const hosts = this.hooks.hosts();
      let pending = hosts.length - 1;
      let moved = false;
      for (let i = 1; i < hosts.length; i++) {
        const index = (this.hooks.index() + i) % hosts.length;
        this.#ask(hosts[index] as Endpoint, (answer) => {
          pending--;
          if (!moved && answer === "rw" && this.hooks.readOnly() && hosts === this.hooks.hosts()) {
            moved = true;
            this.hooks.log("info", "a read/write server is reachable; leaving the read-only one", {
              host: hosts[index]?.host,
              port: hosts[index]?.port,
            });
            this.hooks.moveTo(index);
          } else if (pending === 0 && !moved && this.hooks.readOnly()) {
            this.start(Math.min(delay * 2, 60_000));
          }
        });
      }
    }, delay);
  }

  /** Stops probing and aborts the probes in flight. */
  stop(): void {
    clearTimeout(this.#timer);
    for (const abort of [...this.#probes]) abort();
  }

  /** One `isro` over a short-lived connection; answers undefined on failure. */
  #ask(endpoint: Endpoint, done: (answer: string | undefined) => void): void {
    let text = "";
    let finished = false;
    const finish = (answer: string | undefined) => {
      if (finished) return;
      finished = true;
      this.#probes.delete(abort);
      clearTimeout(timer);
      transport.close();
      done(answer);
    };
    const abort = () => finish(undefined);
    this.#probes.add(abort);
    const timer = setTimeout(abort, 1000);
    const transport = this.hooks.transport(endpoint, {
      onConnect: () => transport.write(new TextEncoder().encode("isro")),
      onData: (chunk) => {
        text += new TextDecoder().decode(chunk);
      },
      onClose: () => finish(text.trim() || undefined),
    });
  }
}
