/**
 * The client's side of ensemble membership (protocol reference §7.12): reading the
 * configuration getConfig and reconfig return, and checking what a caller asks reconfig and
 * updateServerList to do before anything is sent.
 */
import type { JuteReader } from "../jute/reader.ts";
import { readData, readStat, type Stat } from "../jute/records.ts";
import {
  type EnsembleConfig,
  type EnsembleMember,
  formatMemberLine,
  HIERARCHY_LINE,
  parseEnsembleConfig,
  parseMemberLine,
} from "../protocol/ensemble-config.ts";
import { badArguments, ErrorCode, ZooKeeperError } from "../protocol/errors.ts";
import type { OpName } from "../protocol/opcodes.ts";
import type { Endpoint } from "../transport/transport.ts";
import { parseConnectString } from "./hosts.ts";
import type { SignalOptions } from "./request.ts";

/** getConfig's node: outside every chroot (§7.12). */
export const CONFIG_NODE = "/zookeeper/config";

/**
 * What `ZooKeeperClient.reconfig` changes: members to add and to remove (incremental), or
 * the whole new member list (non-incremental), not both.
 */
export interface ReconfigChange extends SignalOptions {
  /** Members to add, or to change (same id): `server.<id>=…` lines or parsed members. */
  readonly joining?: readonly (string | EnsembleMember)[];
  /** Ids of the members to remove. */
  readonly leaving?: readonly number[];
  /** The complete new member list; may also hold hierarchical-quorum `group.`/`weight.` lines. */
  readonly members?: readonly (string | EnsembleMember)[];
  /** Apply only to this configuration version ({@link EnsembleConfig.version}); `BadVersion` otherwise. Default: any. */
  readonly fromConfig?: bigint;
}

/** The ensemble configuration read by getConfig or made by reconfig: parsed, as text, and the Stat of `/zookeeper/config`. */
export interface ConfigResult {
  readonly config: EnsembleConfig;
  readonly data: Uint8Array;
  readonly stat: Stat;
}

/** A GetDataResponse carrying the ensemble configuration; unreadable text is a `MarshallingError`. */
export function readConfigResult(reader: JuteReader, op: OpName): ConfigResult {
  const data = readData(reader);
  const stat = readStat(reader);
  let config: EnsembleConfig;
  try {
    config = parseEnsembleConfig(new TextDecoder("utf-8", { fatal: true }).decode(data));
  } catch (error) {
    throw new ZooKeeperError(ErrorCode.MarshallingError, {
      op,
      path: CONFIG_NODE,
      message: `unreadable ensemble configuration: ${error instanceof ZooKeeperError ? error.message : String(error)}`,
      cause: error,
    });
  }
  return { config, data, stat };
}

/** The three strings of a ReconfigRequest (null where unused), each member line checked first. */
export function validReconfig(
  change: ReconfigChange,
): { joining: string | null; leaving: string | null; members: string | null } {
  if (typeof change !== "object" || change === null) {
    throw badArguments("reconfig needs { joining, leaving } or { members }", "reconfig");
  }
  const lines = (
    entries: readonly (string | EnsembleMember)[] | undefined,
    what: string,
    others: boolean,
  ): string | null => {
    if (entries === undefined) return null;
    if (!Array.isArray(entries)) throw badArguments(`${what} must be an array`, "reconfig");
    return entries.map((entry) => {
      const line = typeof entry === "string" ? entry.trim() : formatMemberLine(entry);
      // A non-incremental list may carry hierarchical-quorum lines, which the server checks.
      if (others && HIERARCHY_LINE.test(line)) return line;
      const parsed = parseMemberLine(line);
      if (typeof parsed === "string") throw badArguments(`invalid ${what} entry: ${parsed}`, "reconfig");
      return line;
    }).join(",");
  };
  const joining = lines(change.joining, "joining", false);
  const members = lines(change.members, "members", true);
  let leaving: string | null = null;
  if (change.leaving !== undefined) {
    if (!Array.isArray(change.leaving) || !change.leaving.every((id) => Number.isSafeInteger(id) && id >= 0)) {
      throw badArguments("leaving must be an array of server ids", "reconfig");
    }
    leaving = change.leaving.join(",");
  }
  if (members !== null && (joining !== null || leaving !== null)) {
    throw badArguments("members (non-incremental) cannot be combined with joining or leaving", "reconfig");
  }
  if (!joining && !leaving && !members) throw badArguments("reconfig needs joining, leaving or members", "reconfig");
  return { joining: joining || null, leaving: leaving || null, members };
}

/** A non-empty host list from a connect string (without another chroot) or endpoints. */
export function validHosts(hosts: string | readonly Endpoint[], chroot: string): Endpoint[] {
  if (typeof hosts === "string") {
    const parsed = parseConnectString(hosts);
    if (parsed.chroot !== "" && parsed.chroot !== chroot) {
      throw badArguments(
        `updateServerList cannot change the chroot (${JSON.stringify(chroot || "/")} → ${
          JSON.stringify(parsed.chroot)
        })`,
      );
    }
    return [...parsed.hosts];
  }
  if (!Array.isArray(hosts) || hosts.length === 0) {
    throw badArguments("updateServerList needs a connect string or a non-empty list of endpoints");
  }
  return hosts.map((h: Endpoint) => {
    const ok = typeof h === "object" && h !== null && typeof h.host === "string" && h.host !== "" &&
      Number.isInteger(h.port) && h.port >= 1 && h.port <= 65535;
    if (!ok) throw badArguments(`invalid endpoint ${JSON.stringify(h)}: expected { host, port }`);
    return { host: h.host, port: h.port };
  });
}
