/**
 * `stormkeeper demo`: seeds a small, realistic Storm cluster under its own root, shows it with
 * `topologies`, `topology` and `supervisors`, then watches while a worker dies and a topology is
 * rebalanced. The ZooKeeper is `--zk`/`ZK_CONNECT`, or the one `startZooKeeper` provides (the
 * embedded server, wired in by main.ts when available).
 */
import { CliError } from "../cli-error.ts";
import { type Command, type Output, runGuarded } from "../command.ts";
import { closeStorm, type ConnectionSettings, openClient, openStorm } from "../connection.ts";
import { DEMO_TOPOLOGY, playIncidents, seedDemoCluster } from "../demo-cluster.ts";
import { readSnapshot } from "../snapshot.ts";
import { supervisorRows, supervisorsText, topologiesText, topologyRows, topologyText, topologyView } from "../views.ts";
import { followCluster, positiveSeconds } from "./watch.ts";

/** A ZooKeeper the demo may start when none is named: its address and how to stop it. */
export interface DemoZooKeeper {
  readonly connectString: string;
  close(): Promise<void>;
}

const DEMO_ROOT = "/stormkeeper-demo";

/** The demo with an optional way to start a ZooKeeper when neither `--zk` nor `ZK_CONNECT` names one. */
export function createDemoCommand(startZooKeeper?: () => Promise<DemoZooKeeper>): Command {
  const spec = {
    usage: "demo [--seconds N] [--keep] [options]",
    summary:
      `Seeds a small Storm cluster (three supervisors, two topologies, heartbeats, errors) under ${DEMO_ROOT} (or --root), prints topologies, topology and supervisors, then watches while a worker dies and a topology is rebalanced.`,
    flags: [
      { name: "seconds", takesValue: true, help: "how long the watch runs (default 4)" },
      { name: "keep", help: "leave the seeded state in ZooKeeper afterwards" },
    ],
  };
  return {
    summary: "Seeds a small Storm cluster and shows every view of it, then watches incidents happen.",
    run: (argv) =>
      runGuarded(argv, spec, async (args, resolved, out) => {
        const seconds = positiveSeconds(args.flags.seconds) ?? 4;
        // The demo deletes its root before and after: never let a typo point it at a real cluster's.
        if (args.common.root !== undefined && !/demo[^/]*$/.test(args.common.root)) {
          throw new CliError(
            `demo deletes its --root, so it must end in a name containing "demo" (got ${
              JSON.stringify(args.common.root)
            })`,
          );
        }
        const embedded =
          startZooKeeper !== undefined && args.common.zk === undefined && args.common.stormYaml === undefined
            ? await startZooKeeper()
            : null;
        try {
          const settings: ConnectionSettings = {
            ...resolved,
            zk: embedded?.connectString ?? resolved.zk,
            root: args.common.root ?? DEMO_ROOT,
          };
          await wipe(settings);
          return await play(settings, out, seconds, args.flags.keep === true);
        } finally {
          await embedded?.close();
        }
      }),
  };
}

/** Deletes the demo root left by an earlier run, so every run starts from the same state. */
async function wipe(settings: ConnectionSettings): Promise<void> {
  const zk = await openClient(settings);
  try {
    if ((await zk.exists(settings.root)) !== null) await zk.deleteRecursive(settings.root);
  } finally {
    await zk.close();
  }
}

async function play(settings: ConnectionSettings, out: Output, seconds: number, keep: boolean): Promise<number> {
  const nowSecs = () => Math.floor(Date.now() / 1000);
  const storm = await openStorm(settings, { create: true });
  try {
    await seedDemoCluster(storm, nowSecs());
    const snapshot = await readSnapshot(storm, nowSecs());
    const view = topologyView(snapshot, DEMO_TOPOLOGY);
    out.print(`$ stormkeeper topologies\n${topologiesText(out.style, topologyRows(snapshot))}\n`);
    if (view !== null) {
      out.print(`$ stormkeeper topology ${DEMO_TOPOLOGY}\n${topologyText(out.style, view, snapshot.takenAtSecs)}\n`);
    }
    out.print(`$ stormkeeper supervisors\n${supervisorsText(out.style, supervisorRows(snapshot))}\n`);
    out.print(`$ stormkeeper watch   (a worker dies, a topology is rebalanced)`);
    // The incidents are spread over the watch, leaving its last quarter to show the settled state.
    const step = (seconds * 1000) / 4;
    const pause = () => new Promise<void>((resolve) => setTimeout(resolve, step));
    const incidents = playIncidents(storm, nowSecs, pause);
    const code = await followCluster({ storm, out, nowSecs, settings }, incidents.then(pause));
    await incidents;
    return code;
  } finally {
    await closeStorm(storm);
    if (!keep) await wipe(settings);
  }
}
