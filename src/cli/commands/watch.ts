/**
 * `stormkeeper watch`: prints one timestamped line per change until Ctrl-C (or `--seconds`).
 * Every watch event, and every reconnection, leads to a fresh snapshot compared with the last
 * one (watch-diff.ts), so changes made while the connection was down are reported too.
 */
import process from "node:process";
import { type StormClusterState, ZooKeeperError } from "../../../mod.ts";
import { CliError } from "../cli-error.ts";
import { type Command, type Output, stormCommand, type StormContext } from "../command.ts";
import { paint, truncate } from "../format.ts";
import { type ClusterSnapshot, readSnapshot } from "../snapshot.ts";
import { describeChanges } from "../watch-diff.ts";

const clock = (d: Date) => d.toISOString().slice(11, 19);

/**
 * Prints one change as one line, stamped with the time: on a terminal cut to the window's width
 * as it is now, so a line stays one line after a resize; in a pipe whole, for logs.
 */
function printStamped(out: Output, text: string): void {
  const stamp = clock(new Date());
  const body = out.terminal ? truncate(text, out.style.width - stamp.length - 1) : text;
  out.print(`${paint(out.style, "dim", stamp)} ${body}`);
}

/** Leaves a one-shot watch on every node whose change `watch` reports. */
async function arm(storm: StormClusterState, snapshot: ClusterSnapshot): Promise<void> {
  const state = storm.state;
  const tolerant = async (work: Promise<unknown>) => {
    try {
      await work;
    } catch (error) {
      // A node deleted between the snapshot and its watch: its parent's watch reports that.
      if (!(error instanceof ZooKeeperError && error.code === "NoNode")) throw error;
    }
  };
  const dirs = ["/storms", "/assignments", "/supervisors", "/workerbeats", "/errors"];
  const work: Promise<unknown>[] = dirs.map((d) => tolerant(state.getChildren(d, true)));
  for (const t of snapshot.topologies) {
    if (t.presence.storms) work.push(state.getData(`/storms/${t.id}`, true));
    if (t.presence.assignments) work.push(state.getData(`/assignments/${t.id}`, true));
    if (t.presence.workerbeats) work.push(tolerant(state.getChildren(`/workerbeats/${t.id}`, true)));
    if (t.presence.errors) {
      work.push(tolerant(state.getChildren(`/errors/${t.id}`, true)));
      for (const name of await state.getChildren(`/errors/${t.id}`).catch(() => [])) {
        if (!name.endsWith("-last-error")) work.push(tolerant(state.getChildren(`/errors/${t.id}/${name}`, true)));
      }
    }
  }
  await Promise.all(work);
}

/**
 * Re-reads on demand, one read at a time: a request during a read marks the state dirty and
 * the loop reads once more, so a burst of events costs two reads, not one per event.
 */
function follower(
  storm: StormClusterState,
  out: Output,
  first: ClusterSnapshot,
  nowSecs: () => number,
  onFailure: (error: unknown) => void,
) {
  let last = first;
  let reading = false;
  let dirty = false;
  const run = async () => {
    reading = true;
    try {
      while (dirty) {
        dirty = false;
        const next = await readSnapshot(storm, nowSecs());
        await arm(storm, next);
        for (const line of describeChanges(last, next)) printStamped(out, line);
        last = next;
      }
    } catch (error) {
      onFailure(error);
    } finally {
      reading = false;
    }
  };
  return () => {
    dirty = true;
    if (!reading) void run();
  };
}

/**
 * Prints the cluster's changes until Ctrl-C or `stop` settles; resolves to the exit status (0,
 * or 2 when a re-read failed). Shared by `watch` and `demo`.
 */
export async function followCluster(
  context: Pick<StormContext, "storm" | "out" | "nowSecs" | "settings">,
  stop: Promise<unknown>,
): Promise<number> {
  const { storm, out, nowSecs, settings } = context;
  const first = await readSnapshot(storm, nowSecs());
  await arm(storm, first);
  printStamped(
    out,
    `watching ${settings.zk}${settings.root}: ${first.topologies.length} topologies, ${
      Object.keys(first.supervisors).length
    } supervisors (Ctrl-C to stop)`,
  );
  return await new Promise<number>((resolve) => {
    let disconnectedAt: number | null = null;
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      process.off("SIGINT", interrupt);
      storm.state.unregister(registration);
      stopStates();
      resolve(code);
    };
    const interrupt = () => finish(0);
    const refresh = follower(storm, out, first, nowSecs, (error) => {
      out.warn(`stormkeeper: watch stopped: ${error instanceof Error ? error.message : String(error)}`);
      finish(2);
    });
    const registration = storm.state.register(() => refresh());
    const stopStates = storm.state.onConnectionState((event) => {
      if (event === "disconnected") disconnectedAt ??= Date.now();
      if (event === "reconnected" || event === "newSession") {
        const gap = disconnectedAt === null ? 0 : (Date.now() - disconnectedAt) / 1000;
        disconnectedAt = null;
        printStamped(
          out,
          `${event === "newSession" ? "new session" : "reconnected"} after ${gap.toFixed(1)} s: re-reading`,
        );
        refresh();
      }
    });
    process.on("SIGINT", interrupt);
    stop.then(() => finish(0), () => finish(2));
  });
}

/** `stormkeeper watch`. */
export const watchCommand: Command = stormCommand({
  usage: "watch [--seconds N] [options]",
  summary:
    "Follows the cluster live, one timestamped line per change (topologies added/removed, status, assignments, workers, supervisors, new errors), until Ctrl-C; re-reads after a reconnection.",
  flags: [{ name: "seconds", takesValue: true, help: "stop after this many seconds instead of at Ctrl-C" }],
  check: (args) => void positiveSeconds(args.flags.seconds),
  body: async (context) => {
    const seconds = positiveSeconds(context.args.flags.seconds);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = seconds === undefined
      ? new Promise<void>(() => {})
      : new Promise<void>((resolve) => (timer = setTimeout(resolve, seconds * 1000)));
    try {
      return await followCluster(context, stop);
    } finally {
      clearTimeout(timer);
    }
  },
});

/** `--seconds` as a number, undefined when not given; anything but a positive number is a {@link CliError}. */
export function positiveSeconds(text: string | boolean | undefined): number | undefined {
  if (typeof text !== "string") return undefined;
  const seconds = Number(text);
  if (!(Number.isFinite(seconds) && seconds > 0)) {
    throw new CliError(`--seconds must be a positive number, got ${JSON.stringify(text)}`);
  }
  return seconds;
}
