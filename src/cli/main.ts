/**
 * The `stormkeeper` command: dispatches the first argument to a subcommand of {@link COMMANDS}
 * and exits with its status (0 fine, 1 problems found, 2 could not look or bad arguments).
 * Runs as `npx stormkeeper`, `deno run -A npm:stormkeeper` and `bunx stormkeeper`.
 * @module
 */
import process from "node:process";
import type { Command } from "./command.ts";
import { createDemoCommand } from "./commands/demo.ts";
import { doctorCommand } from "./commands/doctor.ts";
import { dumpCommand } from "./commands/dump.ts";
import {
  errorsCommand,
  leaderCommand,
  nimbusesCommand,
  supervisorsCommand,
  topologiesCommand,
  topologyCommand,
} from "./commands/reading.ts";
import { watchCommand } from "./commands/watch.ts";
import { zkCommand } from "./commands/zk.ts";
import { serverCommand } from "../server/command.ts";
import { startServer } from "../server/server.ts";

/** Every subcommand by name; adding one is one line here. */
const COMMANDS: Readonly<Record<string, Command>> = {
  topologies: topologiesCommand,
  topology: topologyCommand,
  supervisors: supervisorsCommand,
  errors: errorsCommand,
  nimbuses: nimbusesCommand,
  leader: leaderCommand,
  dump: dumpCommand,
  doctor: doctorCommand,
  watch: watchCommand,
  zk: zkCommand,
  demo: createDemoCommand(() => startServer({ port: 0 })),
  server: { summary: "Runs the embedded ZooKeeper-compatible test server until SIGINT/SIGTERM.", run: serverCommand },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    "usage: stormkeeper <command> [options]   (stormkeeper <command> --help for its options)",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ].join("\n");
}

/** Runs the command line and resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write("stormkeeper: no command given: run stormkeeper --help for the list of commands\n");
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(
      `stormkeeper: unknown command ${JSON.stringify(name)}; commands are ${Object.keys(COMMANDS).join(", ")}\n`,
    );
    return 2;
  }
  return await command.run(rest);
}

// process.exit would cut off piped stdout; exitCode lets it drain first.
process.exitCode = await main(process.argv.slice(2));
