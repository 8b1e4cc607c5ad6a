#!/usr/bin/env node
// The shebang survives the build (esbuild keeps an entry's hashbang): dist/cli.js is the bin.
/**
 * The `stormkeeper` command. Only `server` for now; the other subcommands come with the CLI.
 * @module
 */
import process from "node:process";
import { serverCommand } from "../server/command.ts";

/** Runs the command named by `argv[0]` with the rest; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "server") return serverCommand(rest);
  process.stderr.write(`stormkeeper: unknown command ${JSON.stringify(command ?? "")}; usage: stormkeeper server [--port N] [--host H]\n`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
