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
    if (problem !== undefined) throw badArguments(`invalid chroot ${JSON.stringify(chroot)} in the connect string: ${problem}`);
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
    if (rest !== "" && !rest.startsWith(":")) throw badArguments(`unexpected text after ${JSON.stringify(entry.slice(0, close + 1))}`);
    portText = rest.slice(1);
  } else {
    const colon = entry.lastIndexOf(":");
    host = colon < 0 ? entry : entry.slice(0, colon);
    portText = colon < 0 ? "" : entry.slice(colon + 1);
  }
  if (host === "") throw badArguments(`missing host name in ${JSON.stringify(entry)}`);
  const port = portText === "" ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw badArguments(`invalid port in ${JSON.stringify(entry)}`);
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
export function rebalanceTarget(previous: readonly Endpoint[], hosts: readonly Endpoint[], random: () => number): number | undefined {
  const added = hosts.flatMap((h, i) => (previous.some(sameEndpoint(h)) ? [] : [i]));
  if (hosts.length <= previous.length || added.length === 0 || random() >= 1 - previous.length / hosts.length) return undefined;
  return added[Math.floor(random() * added.length)];
}

