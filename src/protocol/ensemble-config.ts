/**
 * The ensemble configuration ZooKeeper keeps in `/zookeeper/config` (protocol reference §7.12):
 * one `server.<id>=…` line per member and a `version=<hex>` line. Parsing and formatting are
 * pure, so `parse(format(member))` is property-tested, and the same parser validates what a
 * caller asks `reconfig` to add before anything is sent.
 */
import type { Endpoint } from "../transport/transport.ts";
import { badArguments } from "./errors.ts";

/** One address a member uses to talk to its peers: `host:quorumPort:electionPort`. */
export interface PeerAddress {
  readonly host: string;
  readonly quorumPort: number;
  readonly electionPort: number;
}

/** A member of the ensemble, as one `server.<id>=…` line describes it. */
export interface EnsembleMember {
  /** The member's `myid`. */
  readonly id: number;
  /** Its quorum/election addresses (several when the line joins them with `|`, 3.6+). */
  readonly peers: readonly PeerAddress[];
  readonly role: "participant" | "observer";
  /**
   * Where clients connect, when the line says (`;host:port` or `;port`). A bare port or a
   * wildcard host (`0.0.0.0`, `::`) means "every interface": see {@link ensembleHosts}.
   */
  readonly client: Endpoint | undefined;
}

/** The parsed configuration. */
export interface EnsembleConfig {
  readonly members: readonly EnsembleMember[];
  /**
   * The configuration's version, the zxid of the transaction that made it (`version=` is hex);
   * `reconfig`'s `fromConfig`. Undefined for a standalone server, whose configuration is empty.
   */
  readonly version: bigint | undefined;
  /** Lines that are neither members nor the version (hierarchical quorums' `group.`/`weight.`), as given. */
  readonly other: readonly string[];
}

/** Hierarchical quorums' lines (`group.<n>=…`, `weight.<id>=…`), kept as they are. */
export const HIERARCHY_LINE = /^(group|weight)\.\d+=/;

const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "0:0:0:0:0:0:0:0"]);

/** A member's line, or why `line` is not one. */
export function parseMemberLine(line: string): EnsembleMember | string {
  const eq = line.indexOf("=");
  const key = (eq < 0 ? line : line.slice(0, eq)).trim();
  const match = /^server\.(\d+)$/.exec(key);
  if (eq < 0 || match === null) return `expected server.<id>=<spec>, got ${JSON.stringify(line)}`;
  const id = Number(match[1]);
  if (!Number.isSafeInteger(id)) return `server id ${match[1]} is out of range`;
  const [serverPart, clientPart, ...extra] = line.slice(eq + 1).trim().split(";");
  if (extra.length > 0) return `more than one ";" in ${JSON.stringify(line)}`;
  const peers: PeerAddress[] = [];
  let role: EnsembleMember["role"] | undefined;
  for (const address of (serverPart ?? "").split("|")) {
    const parts = hostAndPorts(address.trim());
    if (typeof parts === "string") return `${parts} in ${JSON.stringify(line)}`;
    const [host, quorum, election, given] = parts;
    if (parts.length < 3 || parts.length > 4) {
      return `expected host:quorumPort:electionPort[:role], got ${JSON.stringify(address)}`;
    }
    const quorumPort = port(quorum);
    const electionPort = port(election);
    if (quorumPort === undefined || electionPort === undefined) return `invalid port in ${JSON.stringify(address)}`;
    if (given !== undefined) {
      const lower = given.toLowerCase();
      if (lower !== "participant" && lower !== "observer") {
        return `unknown role ${JSON.stringify(given)} in ${JSON.stringify(line)}`;
      }
      if (role !== undefined && role !== lower) return `conflicting roles in ${JSON.stringify(line)}`;
      role = lower;
    }
    peers.push({ host: host as string, quorumPort, electionPort });
  }
  let client: Endpoint | undefined;
  if (clientPart !== undefined) {
    const parts = hostAndPorts(clientPart.trim());
    if (typeof parts === "string") return `${parts} in ${JSON.stringify(line)}`;
    if (parts.length > 2) return `expected [host:]port after ";", got ${JSON.stringify(clientPart)}`;
    const clientPort = port(parts[parts.length - 1]);
    if (clientPort === undefined) return `invalid client port in ${JSON.stringify(line)}`;
    client = { host: parts.length === 2 ? (parts[0] as string) : "0.0.0.0", port: clientPort };
  }
  return { id, peers, role: role ?? "participant", client };
}

/** `host:a:b…` split at the colons, with a bracketed IPv6 host kept whole; or a problem. */
function hostAndPorts(text: string): string[] | string {
  if (text === "") return "empty address";
  if (!text.startsWith("[")) {
    const parts = text.split(":");
    return parts[0] === "" ? "missing host" : parts;
  }
  const close = text.indexOf("]");
  if (close < 0) return "unterminated IPv6 literal";
  const rest = text.slice(close + 1);
  if (rest !== "" && !rest.startsWith(":")) return "unexpected text after an IPv6 literal";
  return [text.slice(1, close), ...(rest === "" ? [] : rest.slice(1).split(":"))];
}

function port(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/**
 * Parses the text of `/zookeeper/config`. Throws a `BadArguments` `ZooKeeperError` naming the
 * first line it cannot read: a half-read configuration would hand a caller a wrong member list.
 */
export function parseEnsembleConfig(text: string): EnsembleConfig {
  const members: EnsembleMember[] = [];
  const other: string[] = [];
  let version: bigint | undefined;
  const seen = new Set<number>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("version=")) {
      const hex = line.slice("version=".length);
      if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw badArguments(`invalid configuration version ${JSON.stringify(hex)}`);
      version = BigInt(`0x${hex}`);
    } else if (line.startsWith("server.")) {
      const member = parseMemberLine(line);
      if (typeof member === "string") throw badArguments(member);
      if (seen.has(member.id)) throw badArguments(`server.${member.id} appears twice`);
      seen.add(member.id);
      members.push(member);
    } else if (HIERARCHY_LINE.test(line)) {
      other.push(line);
    } else {
      throw badArguments(`unexpected line ${JSON.stringify(line)} in the ensemble configuration`);
    }
  }
  return { members, version, other };
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** The `server.<id>=…` line of `member`, in ZooKeeper's own format (what `parseMemberLine` reads). */
export function formatMemberLine(member: EnsembleMember): string {
  const peers = member.peers.map((p) => `${formatHost(p.host)}:${p.quorumPort}:${p.electionPort}`).join("|");
  const client = member.client === undefined ? "" : `;${formatHost(member.client.host)}:${member.client.port}`;
  return `server.${member.id}=${peers}:${member.role}${client}`;
}

/**
 * The client addresses of the configuration's members, for `updateServerList` or a connect
 * string. A wildcard client host is replaced by the member's first peer host, the address the
 * ensemble knows it by (what Curator's ensemble tracker does); members without a client
 * address are left out.
 */
export function ensembleHosts(config: EnsembleConfig): Endpoint[] {
  const hosts: Endpoint[] = [];
  for (const m of config.members) {
    if (m.client === undefined) continue;
    const host = WILDCARD_HOSTS.has(m.client.host) ? (m.peers[0]?.host ?? m.client.host) : m.client.host;
    hosts.push({ host, port: m.client.port });
  }
  return hosts;
}
