/**
 * The shape of a subcommand and the runner the Storm commands share: parse flags, show help,
 * connect, run, close, and turn any failure into one sentence with exit status 2.
 */
import process from "node:process";
import type { StormClusterState } from "../../mod.ts";
import { CliError, explain } from "./cli-error.ts";
import { closeStorm, type ConnectionSettings, openStorm, readStormYaml, resolveSettings } from "./connection.ts";
import { type Style, wantsColour } from "./format.ts";
import { type FlagSpec, helpText, parseCommandArgs, type ParsedArgs } from "./options.ts";

/** A subcommand: `run` takes the arguments after its name and resolves to the exit status. */
export interface Command {
  readonly summary: string;
  run(argv: readonly string[]): Promise<number> | number;
}

/** Where a command writes and how its human output is styled. */
export interface Output {
  /** Read at each use: on a terminal `style.width` follows the window as it is resized. */
  readonly style: Style;
  /** Whether stdout is a terminal (a log line longer than the window is cut there, never in a pipe). */
  readonly terminal: boolean;
  /** Writes `text` and a newline to stdout. */
  print(text: string): void;
  /** Writes `text` and a newline to stderr. */
  warn(text: string): void;
  /** Prints a value as indented JSON. */
  json(value: unknown): void;
}

/** The process's own output: colour and width from the terminal and `NO_COLOR`. */
export function processOutput(): Output {
  const tty = process.stdout.isTTY === true;
  const colour = wantsColour(tty, process.env);
  return {
    style: {
      get width() {
        return tty ? process.stdout.columns || 80 : Number(process.env.COLUMNS) || 120;
      },
      colour,
    },
    terminal: tty,
    print: (text) => void process.stdout.write(`${text}\n`),
    warn: (text) => void process.stderr.write(`${text}\n`),
    json: (value) => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}

/** What a Storm command's body gets. */
export interface StormContext {
  readonly storm: StormClusterState;
  readonly settings: ConnectionSettings;
  readonly args: ParsedArgs;
  readonly out: Output;
  /** Seconds since the epoch, now. */
  readonly nowSecs: () => number;
}

/** How a Storm command is declared. */
export interface StormCommandSpec {
  readonly usage: string;
  readonly summary: string;
  readonly flags?: readonly FlagSpec[];
  /** Positional arguments: at least `min`, at most `max`. */
  readonly positionals?: { readonly min: number; readonly max: number };
  /** Rejects a bad combination of arguments (a {@link CliError}) before anything connects. */
  readonly check?: (args: ParsedArgs) => void;
  /** Create the root instead of requiring Storm state there (`demo`). */
  readonly createRoot?: boolean;
  body(context: StormContext): Promise<number>;
}

/** Parses, connects and runs a command body; used by every command that reads Storm state. */
export function stormCommand(spec: StormCommandSpec): Command {
  return {
    summary: spec.summary,
    run: (argv) =>
      runGuarded(argv, spec, async (args, settings, out) => {
        const storm = await openStorm(settings, { create: spec.createRoot === true });
        try {
          return await spec.body({ storm, settings, args, out, nowSecs: () => Math.floor(Date.now() / 1000) });
        } finally {
          await closeStorm(storm);
        }
      }),
  };
}

/**
 * Parses argv against the spec, prints help for `--help`, checks the positional count, resolves
 * the connection settings and runs `work`; a failure prints one sentence (and the stack with
 * `--verbose`) and yields its exit status.
 */
export async function runGuarded(
  argv: readonly string[],
  spec: Pick<StormCommandSpec, "usage" | "summary" | "flags" | "positionals" | "check">,
  work: (args: ParsedArgs, settings: ConnectionSettings, out: Output) => Promise<number>,
): Promise<number> {
  const out = processOutput();
  let verbose = argv.includes("--verbose");
  let target = { zk: "?", root: "/storm", timeoutMs: 0 };
  try {
    const args = parseCommandArgs(argv, spec.flags ?? [], process.env);
    verbose = args.common.verbose;
    if (args.common.help) {
      out.print(helpText(spec.usage, spec.summary, spec.flags ?? []));
      return 0;
    }
    const { min, max } = spec.positionals ?? { min: 0, max: 0 };
    if (args.positionals.length < min || args.positionals.length > max) {
      throw new CliError(`bad arguments: usage is stormkeeper ${spec.usage} (see --help)`);
    }
    spec.check?.(args);
    const settings = resolveSettings(args.common, readStormYaml(args.common.stormYaml));
    target = settings;
    return await work(args, settings, out);
  } catch (error) {
    const failure = explain(error, target);
    out.warn(`stormkeeper: ${failure.message}`);
    if (verbose) out.warn(error instanceof Error && error.stack ? error.stack : String(error));
    return failure.exitCode;
  }
}
