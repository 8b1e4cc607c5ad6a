/**
 * Command-line parsing (node:util parseArgs, on Node, Deno and Bun alike): the connection flags
 * every command takes, plus each command's own flags. Pure: argv and environment in, options out.
 */
import { parseArgs } from "node:util";
import { parseConnectString } from "../client/hosts.ts";
import { pathProblem } from "../protocol/paths.ts";
import { CliError } from "./cli-error.ts";

/** A flag of one command beyond the shared ones; boolean unless `takesValue`. */
export interface FlagSpec {
  readonly name: string;
  readonly takesValue?: boolean;
  /** A one-letter alias (`-h`). */
  readonly short?: string;
  readonly help: string;
}

/** The flags every command takes, resolved (defaults applied, storm.yaml not yet read). */
export interface CommonOptions {
  /** `--zk`, or `ZK_CONNECT`, or undefined (then storm.yaml or 127.0.0.1:2181). */
  readonly zk: string | undefined;
  readonly root: string | undefined;
  readonly auth: { readonly scheme: string; readonly payload: string } | undefined;
  readonly stormYaml: string | undefined;
  readonly json: boolean;
  readonly timeoutMs: number;
  readonly verbose: boolean;
  readonly help: boolean;
}

/** A parsed command line: the shared options, the command's own flags and its positionals. */
export interface ParsedArgs {
  readonly common: CommonOptions;
  readonly flags: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** The shared flags, for help texts. */
export const COMMON_FLAGS: readonly FlagSpec[] = [
  {
    name: "zk",
    takesValue: true,
    help: "ZooKeeper host:port[,host:port…] (default $ZK_CONNECT, storm.yaml, or 127.0.0.1:2181)",
  },
  {
    name: "root",
    takesValue: true,
    help: "Storm root in ZooKeeper (default storm.yaml's storm.zookeeper.root, or /storm)",
  },
  { name: "auth", takesValue: true, help: "credentials as scheme:payload, e.g. digest:storm:secret" },
  { name: "storm-yaml", takesValue: true, help: "read servers, port, root and auth from this storm.yaml" },
  { name: "json", help: "print JSON (shapes documented in the README) instead of tables" },
  { name: "timeout", takesValue: true, help: "seconds to wait for ZooKeeper (default 10)" },
  { name: "verbose", help: "print the stack trace of a failure" },
  { name: "help", short: "h", help: "show this help" },
];

const DEFAULT_TIMEOUT_SECS = 10;

/** `scheme:payload` from `--auth`; the payload may itself hold colons (`digest:user:password`). */
export function parseAuth(text: string): { readonly scheme: string; readonly payload: string } {
  const colon = text.indexOf(":");
  if (colon <= 0 || colon === text.length - 1) {
    throw new CliError(`--auth must be scheme:payload such as digest:user:password, got ${JSON.stringify(text)}`);
  }
  return { scheme: text.slice(0, colon), payload: text.slice(colon + 1) };
}

/**
 * parseArgs' complaint as one sentence naming the flag: its own messages run over several lines
 * and differ between runtimes; the error codes are Node's and shared by Deno and Bun.
 */
function argumentProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? "";
  switch ((error as { code?: unknown }).code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${flag}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return /does not take/.test(message)
        ? `${flag} takes no value`
        : `${flag} needs a value (write ${flag}=VALUE for one starting with -)`;
    default:
      return message.split("\n", 1)[0] ?? message;
  }
}

/** `--zk` (or ZK_CONNECT) checked before any connection: hosts with valid ports and no chroot (that is `--root`). */
function checkConnectString(zk: string, fromEnv: boolean): string {
  const source = fromEnv ? "ZK_CONNECT" : "--zk";
  let chroot: string;
  try {
    ({ chroot } = parseConnectString(zk));
  } catch (error) {
    const problem = error instanceof Error ? error.message.replace(/^BadArguments \(-8\): /, "") : String(error);
    throw new CliError(`${source} must be host:port[,host:port…], got ${JSON.stringify(zk)}: ${problem}`);
  }
  if (chroot !== "") {
    throw new CliError(
      `${source} must be host:port[,host:port…] without a path, got ${
        JSON.stringify(zk)
      }: give the Storm root with --root`,
    );
  }
  return zk;
}

/** Parses one command's argv (after the command name). Throws a {@link CliError} for bad flags. */
export function parseCommandArgs(
  argv: readonly string[],
  own: readonly FlagSpec[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const flag of [...COMMON_FLAGS, ...own]) {
    options[flag.name] = { type: flag.takesValue ? "string" : "boolean", ...(flag.short ? { short: flag.short } : {}) };
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true }));
  } catch (error) {
    throw new CliError(`bad arguments: ${argumentProblem(error)} (see --help)`);
  }
  const text = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === "string" ? v : undefined;
  };
  const flag = (name: string): boolean => values[name] === true;
  const timeoutText = text("timeout");
  const timeoutSecs = timeoutText === undefined ? DEFAULT_TIMEOUT_SECS : Number(timeoutText);
  if (!(Number.isFinite(timeoutSecs) && timeoutSecs > 0)) {
    throw new CliError(`--timeout must be a positive number of seconds, got ${JSON.stringify(timeoutText)}`);
  }
  const authText = text("auth");
  const zkText = text("zk");
  const zkEnv = env.ZK_CONNECT === "" ? undefined : env.ZK_CONNECT;
  const zk = zkText !== undefined
    ? checkConnectString(zkText, false)
    : zkEnv === undefined
    ? undefined
    : checkConnectString(zkEnv, true);
  const root = text("root");
  const rootProblem = root === undefined ? undefined : pathProblem(root);
  if (rootProblem !== undefined) {
    throw new CliError(`--root must be an absolute path such as /storm, got ${JSON.stringify(root)}: ${rootProblem}`);
  }
  const ownFlags: Record<string, string | boolean | undefined> = {};
  for (const spec of own) ownFlags[spec.name] = spec.takesValue ? text(spec.name) : flag(spec.name);
  return {
    common: {
      zk,
      root,
      auth: authText === undefined ? undefined : parseAuth(authText),
      stormYaml: text("storm-yaml"),
      json: flag("json"),
      timeoutMs: Math.round(timeoutSecs * 1000),
      verbose: flag("verbose"),
      help: flag("help"),
    },
    flags: ownFlags,
    positionals,
  };
}

/** The help text of one command: usage line, summary, its flags, then the shared ones. */
export function helpText(usage: string, summary: string, own: readonly FlagSpec[]): string {
  const line = (f: FlagSpec) => `  --${f.name}${f.takesValue ? " VALUE" : ""}`.padEnd(22) + f.help;
  return [
    `usage: stormkeeper ${usage}`,
    "",
    summary,
    ...(own.length ? ["", "options:", ...own.map(line)] : []),
    "",
    "connection and output:",
    ...COMMON_FLAGS.map(line),
  ].join("\n");
}
