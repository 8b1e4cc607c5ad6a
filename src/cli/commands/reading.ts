/**
 * The commands that read and show: topologies, topology, supervisors, errors, nimbuses, leader.
 * Each is a snapshot read and a view from views.ts, printed as a table or `--json`.
 */
import { Buffer } from "node:buffer";
import { stormPaths } from "../../../mod.ts";
import { CliError } from "../cli-error.ts";
import { type Command, stormCommand, type StormCommandSpec } from "../command.ts";
import { fields, type Style } from "../format.ts";
import { type ClusterSnapshot, readSnapshot } from "../snapshot.ts";
import {
  errorRows,
  errorsText,
  nimbusesText,
  supervisorRows,
  supervisorsText,
  topologiesText,
  topologyRows,
  topologyText,
  topologyView,
} from "../views.ts";

/** How a snapshot command is declared: its spec, the view it builds and how that view reads as text. */
interface SnapshotCommandSpec<V> extends Omit<StormCommandSpec, "body"> {
  /** The view of the snapshot for these positionals; refuses them with a {@link CliError}. */
  view(snapshot: ClusterSnapshot, positionals: readonly string[]): V;
  text(style: Style, view: V, snapshot: ClusterSnapshot): string;
}

/** A command that reads one snapshot and shows one view of it: as JSON with `--json`, else as text. */
function snapshotCommand<V>(spec: SnapshotCommandSpec<V>): Command {
  const { view, text, ...command } = spec;
  return stormCommand({
    ...command,
    body: async ({ storm, out, nowSecs, args }) => {
      const snapshot = await readSnapshot(storm, nowSecs());
      const shown = view(snapshot, args.positionals);
      if (args.common.json) out.json(shown);
      else out.print(text(out.style, shown, snapshot));
      return 0;
    },
  });
}

const noTopology = (id: string) =>
  new CliError(`there is no topology ${JSON.stringify(id)} (see stormkeeper topologies)`);

/** `stormkeeper topologies`. */
export const topologiesCommand: Command = snapshotCommand({
  usage: "topologies [options]",
  summary:
    "One row per topology: id, name, status, workers, executors, owner, launch time, uptime, assignment, newest heartbeat, errors.",
  view: topologyRows,
  text: topologiesText,
});

/** `stormkeeper topology <id>`. */
export const topologyCommand: Command = snapshotCommand({
  usage: "topology <id> [options]",
  summary:
    "One topology: its storm base, assignment (executors → node:port, worker resources), worker heartbeats, components with their latest errors, backpressure and credential names.",
  positionals: { min: 1, max: 1 },
  view: (snapshot, [id = ""]) => {
    const view = topologyView(snapshot, id);
    if (view === null) throw noTopology(id);
    return view;
  },
  text: (style, view, snapshot) => topologyText(style, view, snapshot.takenAtSecs),
});

/** `stormkeeper supervisors`. */
export const supervisorsCommand: Command = snapshotCommand({
  usage: "supervisors [options]",
  summary: "One row per supervisor: id, host, uptime, used/total ports, resources, version.",
  view: supervisorRows,
  text: supervisorsText,
});

/** `stormkeeper errors <id> [component]`. */
export const errorsCommand: Command = snapshotCommand({
  usage: "errors <id> [component] [options]",
  summary: "A topology's reported errors, newest first, with host:port and time.",
  positionals: { min: 1, max: 2 },
  view: (snapshot, [id = "", component]) => {
    if (!snapshot.topologies.some((t) => t.id === id)) throw noTopology(id);
    return errorRows(snapshot, id, component);
  },
  text: (style, rows, snapshot) => errorsText(style, rows, snapshot.takenAtSecs),
});

/** `stormkeeper nimbuses`. */
export const nimbusesCommand: Command = snapshotCommand({
  usage: "nimbuses [options]",
  summary: "The registered nimbus hosts: host:port, leader or not, start time, version.",
  view: (snapshot) => snapshot.nimbuses,
  text: (style, _nimbuses, snapshot) => nimbusesText(style, snapshot),
});

/** The JSON of `leader --json`. */
interface LeaderView {
  /** The elected nimbus (`host:port`): from the `/leader-lock` latch, else the summary that says it leads; null if neither. */
  readonly leader: string | null;
  /** Where `leader` was read: the latch, the nimbus summaries, or nowhere. */
  readonly leaderSource: "leader-lock" | "nimbus-summaries" | null;
  /** `/leader-info` as stored: Java-serialized `NimbusInfo`, base64; null without the node. */
  readonly leaderInfoBase64: string | null;
  /** The text strings inside that serialized object (the host name among them). */
  readonly leaderInfoStrings: readonly string[];
}

/** The printable runs of four or more characters in Java-serialized bytes (class and host names). */
function printableStrings(bytes: Uint8Array): string[] {
  return new TextDecoder("latin1").decode(bytes).match(/[\x20-\x7e]{4,}/g) ?? [];
}

/** `stormkeeper leader`. */
export const leaderCommand: Command = stormCommand({
  usage: "leader [options]",
  summary:
    `The leading nimbus: from its election latch (/leader-lock), else the nimbus summaries; and the raw ${stormPaths.Roots.leaderInfo} node (Java-serialized; its strings are shown).`,
  body: async ({ storm, out, nowSecs, args }) => {
    // The latch is what nimbus itself elects by; summaries are only a report of it.
    const elected = await storm.leader();
    const leading = elected ?? (await readSnapshot(storm, nowSecs())).nimbuses.find((n) => n.isLeader);
    const raw = await storm.getLeader();
    const view: LeaderView = {
      leader: leading ? `${leading.host}:${leading.port}` : null,
      leaderSource: elected ? "leader-lock" : leading ? "nimbus-summaries" : null,
      leaderInfoBase64: raw === null ? null : Buffer.from(raw).toString("base64"),
      leaderInfoStrings: raw === null ? [] : printableStrings(raw),
    };
    if (args.common.json) out.json(view);
    else {out.print(
        fields([["leader", view.leader === null ? "none registered" : `${view.leader} (from ${view.leaderSource})`], [
          "leader-info",
          raw === null ? "absent" : `${raw.length} bytes: ${view.leaderInfoStrings.join(" ") || "(no text)"}`,
        ]]),
      );}
    return view.leader === null && raw === null ? 1 : 0;
  },
});
