/**
 * `stormkeeper server [--port N] [--host H] [...]`: runs the embedded server until SIGINT/SIGTERM.
 * Argument parsing is a pure function; {@link serverCommand} does the I/O.
 */
import process from "node:process";
import { type ServerOptions, startServer } from "./server.ts";

/** Parsed arguments of the `server` command: where to listen and the server's options. */
export interface ServerCommandArgs {
  readonly port: number;
  readonly host: string;
  readonly options: ServerOptions;
}

const USAGE =
  "usage: stormkeeper server [--port N] [--host H] [--tick-time MS] [--min-session-timeout MS] [--max-session-timeout MS] [--extended-types]";

/** Numeric flags and the option each sets. */
const numericFlags: Readonly<Record<string, "port" | "tickTime" | "minSessionTimeout" | "maxSessionTimeout">> = {
  "--port": "port",
  "--tick-time": "tickTime",
  "--min-session-timeout": "minSessionTimeout",
  "--max-session-timeout": "maxSessionTimeout",
};

/** The command's arguments, or the one sentence that says what is wrong with them. */
export function parseServerArgs(argv: readonly string[]): ServerCommandArgs | { readonly error: string } {
  let host = "127.0.0.1";
  const numbers: { port: number; tickTime?: number; minSessionTimeout?: number; maxSessionTimeout?: number } = {
    port: 2181,
  };
  let extendedTypes = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? "";
    if (flag === "--extended-types") {
      extendedTypes = true;
      continue;
    }
    const option = Object.hasOwn(numericFlags, flag) ? numericFlags[flag] : undefined;
    if (flag !== "--host" && option === undefined) {
      return { error: `unknown argument ${JSON.stringify(flag)}; ${USAGE}` };
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) return { error: `${flag} needs a value` };
    if (option === undefined) {
      host = value;
      continue;
    }
    const n = Number(value);
    const limit = option === "port" ? 65535 : 2 ** 31 - 1;
    if (!/^\d+$/.test(value) || n > limit || (option !== "port" && n === 0)) {
      return {
        error: `${flag} must be a whole number from ${option === "port" ? 0 : 1} to ${limit}, got ${
          JSON.stringify(value)
        }`,
      };
    }
    numbers[option] = n;
  }
  const { port, ...timeouts } = numbers;
  return { port, host, options: { ...timeouts, extendedTypes } };
}

/**
 * Runs `stormkeeper server` with `argv` (the words after `server`): prints the address once it
 * accepts connections and resolves with exit code 0 after SIGINT/SIGTERM, or 2 for bad
 * arguments, 1 when it cannot listen.
 */
export async function serverCommand(argv: readonly string[]): Promise<number> {
  const args = parseServerArgs(argv);
  if ("error" in args) {
    process.stderr.write(`stormkeeper server: ${args.error}\n`);
    return 2;
  }
  let server;
  try {
    server = await startServer({ ...args.options, port: args.port, host: args.host });
  } catch (error) {
    process.stderr.write(
      `stormkeeper server: cannot listen on ${args.host}:${args.port}: ${
        error instanceof Error ? error.message : String(error)
      }\n`,
    );
    return 1;
  }
  process.stdout.write(
    `stormkeeper server listening on ${server.connectString} (embedded, for tests and development)\n`,
  );
  const running = server;
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await running.close();
  return 0;
}
