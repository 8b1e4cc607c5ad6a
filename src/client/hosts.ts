/**
 * The hosts of a client: parsing the connect string, shuffling, and the rotation that picks the
 * server of each connection attempt (protocol reference §15.1, §15.2).
 */
import { badArguments } from "../protocol/errors.ts";
import { pathProblem } from "../protocol/paths.ts";
import type { Endpoint } from "../transport/transport.ts";

/** A parsed connect string: hosts in the given order and the chroot (`""` for none). */
export interface ConnectString {
  readonly hosts: readonly Endpoint[];
  readonly chroot: string;
}

const DEFAULT_PORT = 2181;

/**
 * Parses `host[:port][,host[:port]…][/chroot]` (protocol reference §15.1): the chroot starts at
 * the first `/`; IPv6 literals are bracketed (`[::1]:2181`); a missing port is 2181; empty
 * entries are ignored.
 */
export function parseConnectString(input: string): ConnectString {
  if (typeof input !== "string" || input.trim() === "") throw badArguments("the connect string is empty");
  const slash = input.indexOf("/");
  const hostPart = slash < 0 ? input : input.slice(0, slash);
  let chroot = slash < 0 ? "" : input.slice(slash);
  if (chroot !== "") {
    const problem = pathProblem(chroot);
    if (problem !== undefined) {
      throw badArguments(`invalid chroot ${JSON.stringify(chroot)} in the connect string: ${problem}`);
    }
    if (chroot === "/") chroot = "";
  }
  const hosts: Endpoint[] = [];
  for (const raw of hostPart.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    hosts.push(parseHost(entry));
  }
  if (hosts.length === 0) throw badArguments(`no host in the connect string ${JSON.stringify(input)}`);
  return { hosts, chroot };
}

function parseHost(entry: string): Endpoint {
  let host: string;
  let portText: string;
  if (entry.startsWith("[")) {
    const close = entry.indexOf("]");
    if (close < 0) throw badArguments(`unterminated IPv6 literal in ${JSON.stringify(entry)}`);
    host = entry.slice(1, close);
    const rest = entry.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":")) {
      throw badArguments(`unexpected text after ${JSON.stringify(entry.slice(0, close + 1))}`);
    }
    portText = rest.slice(1);
  } else {
    const colon = entry.lastIndexOf(":");
    host = colon < 0 ? entry : entry.slice(0, colon);
    portText = colon < 0 ? "" : entry.slice(colon + 1);
  }
  if (host === "") throw badArguments(`missing host name in ${JSON.stringify(entry)}`);
  const port = portText === "" ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw badArguments(`invalid port in ${JSON.stringify(entry)}`);
  }
  return { host, port };
}

/** A shuffled copy (Fisher–Yates), so clients of one ensemble spread over its servers. */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const sameEndpoint = (a: Endpoint) => (b: Endpoint) => a.host === b.host && a.port === b.port;

/** Where `endpoint` is in `hosts` (-1 when it is not). */
export function indexOfEndpoint(hosts: readonly Endpoint[], endpoint: Endpoint): number {
  return hosts.findIndex(sameEndpoint(endpoint));
}

/**
 * Java's load-balancing rule for a replaced host list whose servers include the current one:
 * only a list that grew moves the client, with probability 1 - old size / new size, to a random
 * added server, so the clients of a grown ensemble spread evenly over it. The index in `hosts`
 * to move to, or undefined to stay.
 */
export function rebalanceTarget(
  previous: readonly Endpoint[],
  hosts: readonly Endpoint[],
  random: () => number,
): number | undefined {
  const added = hosts.flatMap((h, i) => (previous.some(sameEndpoint(h)) ? [] : [i]));
  if (hosts.length <= previous.length || added.length === 0 || random() >= 1 - previous.length / hosts.length) {
    return undefined;
  }
  return added[Math.floor(random() * added.length)];
}

/** A move a replaced host list asks of the session: to `hosts[to]`, for `reason`. */
export interface HostMove {
  readonly to: number;
  readonly reason: string;
  /** The session's server is not in the new list (as opposed to a rebalancing move). */
  readonly leaving: boolean;
}

/**
 * Gives `rotation` a new host list (Java's `updateServerList`) and says whether the session
 * moves: off a server left out of the list, to the new first host; or, with `rebalance` while
 * connected, onto an added server by {@link rebalanceTarget}'s rule. `carrying` is as for
 * {@link HostRotation.replace}; undefined means stay.
 */
export function replaceHosts(
  rotation: HostRotation,
  hosts: readonly Endpoint[],
  carrying: Endpoint | undefined,
  connected: boolean,
  rebalance: boolean,
  random: () => number,
): HostMove | undefined {
  const { at, previous } = rotation.replace(hosts, carrying, connected);
  if (carrying === undefined) return undefined;
  if (at < 0) return { to: 0, reason: "the server is no longer in the host list", leaving: true };
  const to = rebalance && connected ? rebalanceTarget(previous, hosts, random) : undefined;
  return to === undefined
    ? undefined
    : { to, reason: "rebalancing onto a server added to the host list", leaving: false };
}

/** Where the next connection attempt goes, and how it is paced. */
export interface Attempt {
  /** A whole cycle of hosts failed since the last connection (the pause grows, §15.2). */
  readonly fullCycle: boolean;
  /** The attempt goes out at once: the client's very first one, or the first after a move. */
  readonly immediate: boolean;
}

/**
 * The session's walk over its host list (protocol reference §15.2): pure bookkeeping, no I/O or
 * timers. Attempts go round the list in order from wherever the last connection was; a cycle is
 * full when the walk is back at the host of the last connection (or, with none since the list
 * was set, back at its first host) without a connection in between.
 *
 * Invariants: `index` is -1 before the first attempt and a valid index of `hosts` after it;
 * `lastConnected` is -1 or a valid index of `hosts`.
 */
export class HostRotation {
  #hosts: readonly Endpoint[];
  #index = -1;
  #lastConnected = -1;
  #attempts = 0;
  #everAttempted = false;

  constructor(hosts: readonly Endpoint[]) {
    this.#hosts = hosts;
  }

  /** The host list attempts go through (the same array until {@link replace}). */
  get hosts(): readonly Endpoint[] {
    return this.#hosts;
  }

  /** The index of the host of the current (or last) attempt; -1 before the first. */
  get index(): number {
    return this.#index;
  }

  /** The host of the current attempt, looked up now (the list may have been replaced since). */
  get current(): Endpoint {
    return this.#hosts[this.#index] as Endpoint;
  }

  /** Steps to the next host and says how the attempt on it is paced. */
  advance(): Attempt {
    const previous = this.#index;
    this.#index = (this.#index + 1) % this.#hosts.length;
    const fullCycle = this.#attempts > 0 &&
      (this.#index === this.#lastConnected || (this.#lastConnected < 0 && this.#index === 0 && previous >= 0));
    const immediate = !this.#everAttempted;
    this.#everAttempted = true;
    this.#attempts++;
    return { fullCycle, immediate };
  }

  /** The current attempt reached a session: cycles count from here again. */
  connected(): void {
    this.#lastConnected = this.#index;
    this.#attempts = 0;
  }

  /** Makes `hosts[index]` the next attempt, without the reconnect pause. */
  moveTo(index: number): void {
    // advance() steps by one before the attempt.
    this.#index = (index - 1 + this.#hosts.length) % this.#hosts.length;
    this.#everAttempted = false;
  }

  /**
   * Takes a new host list. `carrying` is the server of the current connection or attempt
   * (undefined when waiting out a pause: the next attempt then goes to the new first host).
   * Returns where `carrying` is in the new list (-1 when it is not, and nothing moved yet: the
   * caller moves off it) and the list it replaced.
   */
  replace(
    hosts: readonly Endpoint[],
    carrying: Endpoint | undefined,
    connected: boolean,
  ): { at: number; previous: readonly Endpoint[] } {
    const previous = this.#hosts;
    this.#hosts = hosts;
    this.#lastConnected = -1;
    if (carrying === undefined) {
      this.#index = 0;
      return { at: -1, previous };
    }
    const at = indexOfEndpoint(hosts, carrying);
    if (at >= 0) {
      this.#index = at;
      if (connected) this.#lastConnected = at;
    }
    return { at, previous };
  }
}
