/**
 * Opening the Storm state a command reads: the connection settings from flags, environment and
 * storm.yaml (in that order of precedence), and a session that first checks the root holds
 * Storm state, so a wrong `--root` is an error rather than a silently created empty tree.
 */
import { readFileSync } from "node:fs";
import {
  type ClusterState,
  connect,
  type ConnectOptions,
  createStormClusterState,
  type StormClusterState,
  wrapClusterState,
  type ZooKeeperClient,
} from "../../mod.ts";
import { CliError, type Target } from "./cli-error.ts";
import type { CommonOptions } from "./options.ts";
import { parseStormYaml, type StormYamlSettings } from "./storm-yaml.ts";

/** Where and how to connect, every default applied. */
export interface ConnectionSettings extends Target {
  readonly auth: { readonly scheme: string; readonly payload: string } | undefined;
  /** `nimbus.task.timeout.secs` from storm.yaml, else Storm's default 30. */
  readonly taskTimeoutSecs: number;
}

const DEFAULT_TASK_TIMEOUT_SECS = 30;

/** Merges flags over storm.yaml over defaults (pure; `yaml` is the parsed file, if any). */
export function resolveSettings(common: CommonOptions, yaml: StormYamlSettings): ConnectionSettings {
  const fromYaml = yaml.servers?.length ? yaml.servers.map((s) => `${s}:${yaml.port ?? 2181}`).join(",") : undefined;
  return {
    zk: common.zk ?? fromYaml ?? "127.0.0.1:2181",
    root: common.root ?? yaml.root ?? "/storm",
    auth: common.auth ?? yaml.auth,
    timeoutMs: common.timeoutMs,
    taskTimeoutSecs: yaml.taskTimeoutSecs ?? DEFAULT_TASK_TIMEOUT_SECS,
  };
}

/** Reads `--storm-yaml` (none: no settings); a missing or unreadable file is a {@link CliError}. */
export function readStormYaml(file: string | undefined): StormYamlSettings {
  if (file === undefined) return {};
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read --storm-yaml ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseStormYaml(text, file);
}

/** The subtrees whose presence says a root holds Storm state. */
const STORM_MARKERS = ["storms", "assignments", "supervisors"];

/** Client options for the settings; `renew` (for `watch`) replaces an expired session. */
function sessionOptions(settings: ConnectionSettings, renew: boolean): ConnectOptions {
  return {
    initialConnectTimeout: settings.timeoutMs,
    sessionTimeout: Math.max(4000, Math.min(settings.timeoutMs, 30_000)),
    renewSessionOnExpiry: renew,
    ...(settings.auth ? { auth: [{ scheme: settings.auth.scheme, auth: settings.auth.payload }] } : {}),
  };
}

/** A session on ZooKeeper, rooted nowhere, for the raw `zk` commands and the root check. */
export async function openClient(settings: ConnectionSettings): Promise<ZooKeeperClient> {
  return await connect(settings.zk, sessionOptions(settings, false));
}

/**
 * Opens the Storm state (close it with {@link closeStorm}) at the settings' root after checking the root exists and holds at least
 * one of Storm's subtrees (`--root` pointing elsewhere is the usual mistake). With `create`, a
 * missing root is made instead (for `demo`, which seeds a fresh cluster).
 */
export async function openStorm(
  settings: ConnectionSettings,
  options: { readonly create?: boolean } = {},
): Promise<StormClusterState> {
  const bare = await openClient(settings);
  let owned = false;
  try {
    if (!options.create) {
      if ((await bare.exists(settings.root)) === null) {
        throw new CliError(`there is no ${settings.root} on ZooKeeper ${settings.zk}: is --root right?`);
      }
      const children = (await bare.getChildren(settings.root)).children;
      if (!STORM_MARKERS.some((m) => children.includes(m))) {
        throw new CliError(
          `${settings.root} on ZooKeeper ${settings.zk} holds no Storm state (no storms, assignments or supervisors): is --root right?`,
        );
      }
    } else {
      await bare.mkdirp(settings.root);
    }
    // Renewed on expiry: `watch` outlives sessions and re-reads after the gap.
    const rooted = await connect(`${settings.zk}${settings.root}`, sessionOptions(settings, true));
    owned = true;
    await bare.close();
    const state = wrapClusterState(rooted, { ownsClient: true });
    // Events the Storm layer does not route (watch's own raw watches) are expected here.
    return await createStormClusterState({ state: options.create ? state : inspectOnly(state), onError: () => {} });
  } finally {
    if (!owned) await bare.close();
  }
}

/**
 * The state for commands that look: Storm's constructor creates its missing roots (as
 * ClusterUtils does), which an inspection must not do, so `mkdirs` leaves the tree alone. The
 * only writes left are the deletes `doctor --fix` and `zk rm` are asked for.
 */
function inspectOnly(state: ClusterState): ClusterState {
  return { ...state, mkdirs: async () => {} };
}

/** Closes what {@link openStorm} opened (the Storm layer leaves a state it was given open). */
export async function closeStorm(storm: StormClusterState): Promise<void> {
  await storm.disconnect();
  await storm.state.close();
}
