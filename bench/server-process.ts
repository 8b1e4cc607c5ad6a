/**
 * The embedded server in its own process, as `stormkeeper server` runs it, so that a benchmark
 * of it does not share the client's thread; and the CPU time of a server process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface ServerProcess {
  readonly connectString: string;
  readonly pid: number;
  /** Sends SIGTERM to the process (by its PID) and waits for it to exit. */
  stop(): Promise<void>;
}

const main = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));

/** Starts `stormkeeper server` on a free loopback port, configured as scripts/zookeeper.sh configures the real one. */
export async function startServerProcess(): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [
    "--import",
    "tsx",
    main,
    "server",
    "--port",
    "0",
    "--min-session-timeout",
    "1000",
    "--max-session-timeout",
    "60000",
  ], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const connectString = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the embedded server did not start within 30 s: ${out}`)), 30_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the embedded server exited (${code}) before listening: ${out}`));
    });
  });
  const pid = child.pid as number;
  return {
    connectString,
    pid,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** CPU microseconds (user + system) a process has used, from Linux's /proc; undefined elsewhere. */
export function processCpuMicros(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return (ticks * 1e6) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

// sysconf(_SC_CLK_TCK): 100 on every Linux architecture Node runs on.
const CLOCK_TICKS = 100;
