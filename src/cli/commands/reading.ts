/**
 * The commands that read and show: topologies, topology, supervisors, errors, nimbuses, leader.
 * Each is a snapshot read and a view from views.ts, printed as a table or `--json`.
 */
import { Buffer } from "node:buffer";
import { stormPaths } from "../../../mod.ts";
import { CliError } from "../cli-error.ts";
import { type Command, stormCommand } from "../command.ts";
import { fields } from "../format.ts";
import { readSnapshot } from "../snapshot.ts";
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

/** `stormkeeper topologies`. */
export const topologiesCommand: Command = stormCommand({
  usage: "topologies [options]",
  summary:
    "One row per topology: id, name, status, workers, executors, owner, launch time, uptime, assignment, newest heartbeat, errors.",
  body: async ({ storm, out, nowSecs, args }) => {
    const rows = topologyRows(await readSnapshot(storm, nowSecs()));
    if (args.common.json) out.json(rows);
    else out.print(topologiesText(out.style, rows));
    return 0;
  },
});

/** `stormkeeper topology <id>`. */
export const topologyCommand: Command = stormCommand({
  usage: "topology <id> [options]",
  summary:
    "One topology: its storm base, assignment (executors → node:port, worker resources), worker heartbeats, components with their latest errors, backpressure and credential names.",
  positionals: { min: 1, max: 1 },
  body: async ({ storm, out, nowSecs, args }) => {
    const id = args.positionals[0] ?? "";
    const snapshot = await readSnapshot(storm, nowSecs());
    const view = topologyView(snapshot, id);
    if (view === null) throw new CliError(`there is no topology ${JSON.stringify(id)} (see stormkeeper topologies)`);
    if (args.common.json) out.json(view);
    else out.print(topologyText(out.style, view, snapshot.takenAtSecs));
    return 0;
  },
});

/** `stormkeeper supervisors`. */
export const supervisorsCommand: Command = stormCommand({
  usage: "supervisors [options]",
  summary: "One row per supervisor: id, host, uptime, used/total ports, resources, version.",
  body: async ({ storm, out, nowSecs, args }) => {
    const rows = supervisorRows(await readSnapshot(storm, nowSecs()));
    if (args.common.json) out.json(rows);
    else out.print(supervisorsText(out.style, rows));
    return 0;
  },
});

/** `stormkeeper errors <id> [component]`. */
export const errorsCommand: Command = stormCommand({
  usage: "errors <id> [component] [options]",
  summary: "A topology's reported errors, newest first, with host:port and time.",
  positionals: { min: 1, max: 2 },
  body: async ({ storm, out, nowSecs, args }) => {
    const [id = "", component] = args.positionals;
    const snapshot = await readSnapshot(storm, nowSecs());
    if (!snapshot.topologies.some((t) => t.id === id)) {
      throw new CliError(`there is no topology ${JSON.stringify(id)} (see stormkeeper topologies)`);
    }
    const rows = errorRows(snapshot, id, component);
    if (args.common.json) out.json(rows);
    else out.print(errorsText(out.style, rows, snapshot.takenAtSecs));
    return 0;
  },
});

/** `stormkeeper nimbuses`. */
export const nimbusesCommand: Command = stormCommand({
  usage: "nimbuses [options]",
  summary: "The registered nimbus hosts: host:port, leader or not, start time, version.",
  body: async ({ storm, out, nowSecs, args }) => {
    const snapshot = await readSnapshot(storm, nowSecs());
    if (args.common.json) out.json(snapshot.nimbuses);
    else out.print(nimbusesText(out.style, snapshot));
    return 0;
  },
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
