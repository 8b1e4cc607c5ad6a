/**
 * `stormkeeper server [--port N] [--host H]`: runs the embedded server until SIGINT/SIGTERM.
 * Argument parsing is a pure function; {@link serverCommand} does the I/O.
 */
import process from "node:process";
import { startServer } from "./server.ts";

/** Parsed arguments of the `server` command. */
export interface ServerCommandArgs {
  readonly port: number;
  readonly host: string;
}

/** The command's arguments, or the one sentence that says what is wrong with them. */
export function parseServerArgs(argv: readonly string[]): ServerCommandArgs | { readonly error: string } {
  let port = 2181;
  let host = "127.0.0.1";
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag !== "--port" && flag !== "--host") return { error: `unknown argument ${JSON.stringify(flag)}; usage: stormkeeper server [--port N] [--host H]` };
    if (value === undefined || value.startsWith("--")) return { error: `${flag} needs a value` };
    i++;
    if (flag === "--host") {
      host = value;
      continue;
    }
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > 65535) return { error: `--port must be a number from 0 to 65535, got ${JSON.stringify(value)}` };
    port = n;
  }
  return { port, host };
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
    server = await startServer({ port: args.port, host: args.host });
  } catch (error) {
    process.stderr.write(`stormkeeper server: cannot listen on ${args.host}:${args.port}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  process.stdout.write(`stormkeeper server listening on ${server.connectString} (embedded, for tests and development)\n`);
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
