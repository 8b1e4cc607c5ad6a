/**
 * Helpers for the CLI tests: run `stormkeeper` as a child process of the runtime under test, and
 * seed a Storm root with records written by Storm's own format (the Python-Thrift golden vectors).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Buffer } from "node:buffer";
import type { ZooKeeperClient } from "../../mod.ts";
import { type Sandbox, sandbox, sharedConnectString } from "../support/zookeeper.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The built `stormkeeper` bin (package.json `bin`), the command users run. */
export const CLI_ENTRY: string = join(repo, "dist", "cli.js");

let built = false;
/** Builds dist/ once per process if it is missing or older than the sources (scripts/ensure-dist.mjs, locked). */
function ensureBuilt(): void {
  if (built) return;
  execFileSync("node", [join(repo, "scripts", "ensure-dist.mjs")], {
    cwd: repo,
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 300_000,
  });
  built = true;
}

/** How this runtime runs the built bin: `node dist/cli.js`, `deno run -A dist/cli.js`, `bun dist/cli.js`. */
export function cliCommand(): readonly string[] {
  ensureBuilt();
  if ("Deno" in globalThis) return [process.execPath, "run", "-A", "--quiet", CLI_ENTRY];
  return [process.execPath, CLI_ENTRY];
}

/** What a run printed and its exit status. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `stormkeeper args…` to completion (bounded by 30 s) with extra environment. */
export function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  input?: string,
): Promise<CliRun> {
  const [file = "", ...prefix] = cliCommand();
  return new Promise((resolve, reject) => {
    const child = execFile(file, [...prefix, ...args], {
      cwd: repo,
      env: { ...process.env, NO_COLOR: "1", COLUMNS: "200", ...env },
      timeout: 30_000,
    }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(error);
      else resolve({ code: error && typeof error.code === "number" ? error.code : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** A `stormkeeper` process left running (`watch`): what it printed so far, line by line. */
export interface RunningCli {
  readonly lines: string[];
  /** Waits (bounded) for a stdout line matching `pattern`; resolves to its index in {@link lines}. */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<number>;
  /** Sends SIGINT (Ctrl-C) and resolves to the exit status. */
  interrupt(): Promise<number>;
}

/** Starts `stormkeeper args…` in the background with stdout piped; stop it with `interrupt()`. */
export function startCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): RunningCli {
  const [file = "", ...prefix] = cliCommand();
  const child: ChildProcess = spawn(file, [...prefix, ...args], {
    cwd: repo,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  let partial = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  );
  return {
    lines,
    async waitFor(pattern, timeoutMs = 20_000, from = 0) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = lines.findIndex((l, i) => i >= from && pattern.test(l));
        if (index >= 0) return index;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(
            `no line matching ${pattern} within ${timeoutMs} ms; stdout:\n${lines.join("\n")}\nstderr:\n${stderr}`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async interrupt() {
      // process.kill, not child.kill: after child.kill Deno reports the signal, not the exit status.
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

interface Vector {
  readonly name: string;
  readonly thrift: string;
}
const vectors: readonly Vector[] = JSON.parse(
  readFileSync(join(repo, "tests", "fixtures", "storm-thrift", "vectors.json"), "utf8"),
);

/** The thrift bytes of the golden vector named `name`. */
export function vectorBytes(name: string): Uint8Array {
  const vector = vectors.find((v) => v.name === name);
  if (vector === undefined) throw new Error(`no golden vector named ${name}`);
  return new Uint8Array(Buffer.from(vector.thrift, "hex"));
}

/**
 * Seeds `root` as Storm would leave it, with problems: topology wc-1 (base, assignment naming
 * sup-1 and the unregistered sup-2, a stale worker heartbeat, an error), supervisor sup-1, nimbus
 * nimbus-1:6627; orphans of the gone topology gone-1 (heartbeats, errors, credentials, log
 * config) and a corrupt storm base bad-1. Returns the paths `doctor --fix` must remove.
 */
export async function seedCluster(zk: ZooKeeperClient, root: string): Promise<string[]> {
  const put = async (path: string, data: Uint8Array = new Uint8Array([7])) => {
    await zk.mkdirp(`${root}${path.slice(0, path.lastIndexOf("/"))}`);
    await zk.create(`${root}${path}`, data);
  };
  for (
    const dir of [
      "/storms",
      "/assignments",
      "/supervisors",
      "/workerbeats",
      "/errors",
      "/nimbuses",
      "/logconfigs",
      "/backpressure",
      "/credentials",
    ]
  ) {
    await zk.mkdirp(`${root}${dir}`);
  }
  await put("/storms/wc-1", vectorBytes("StormBase with only required fields"));
  await put("/assignments/wc-1", vectorBytes("Assignment with 200 executors"));
  await put("/supervisors/sup-1", vectorBytes("SupervisorInfo with every field"));
  await put("/nimbuses/nimbus-1:6627", vectorBytes("NimbusSummary with tlsPort"));
  await put("/workerbeats/wc-1/sup-1-6700", vectorBytes("ClusterWorkerHeartbeat as Storm 2.8.8 writes it (i32 time)"));
  await put("/errors/wc-1/count/e0000000001", vectorBytes("ErrorInfo with unicode text"));
  await put("/errors/wc-1/count-last-error", vectorBytes("ErrorInfo with unicode text"));
  await put(
    "/storms/bad-1",
    vectorBytes("StormBase whose required status is a value this Storm does not know is refused"),
  );
  await put("/workerbeats/gone-1/sup-1-6701", vectorBytes("ClusterWorkerHeartbeat of a just-started worker"));
  await put("/errors/gone-1/split/e0000000001", vectorBytes("ErrorInfo without host and port"));
  await put("/credentials/gone-1", vectorBytes("Credentials"));
  await put("/logconfigs/gone-1", vectorBytes("LogConfig"));
  return ["/credentials/gone-1", "/errors/gone-1", "/logconfigs/gone-1", "/storms/bad-1", "/workerbeats/gone-1"].map((
    p,
  ) => `${root}${p}`);
}

/** A fresh root on the shared server, seeded by {@link seedCluster}, and how to point the CLI at it. */
export interface SeededRoot extends Sandbox {
  /** The paths `doctor --fix` must remove (what {@link seedCluster} returned). */
  readonly removable: string[];
  /** `--zk` (the shared server) and `--root` (this root). */
  readonly flags: string[];
}

/** A {@link sandbox} seeded by {@link seedCluster}; `dispose` removes it again. */
export async function seededRoot(label: string): Promise<SeededRoot> {
  const box = await sandbox(label);
  try {
    const removable = await seedCluster(box.zk, box.root);
    return { ...box, removable, flags: ["--zk", sharedConnectString(), "--root", box.root] };
  } catch (error) {
    await box.dispose();
    throw error;
  }
}

/** Runs `body` on a {@link seededRoot} of its own, removed afterwards even if `body` fails. */
export async function withSeededRoot(label: string, body: (root: SeededRoot) => Promise<void>): Promise<void> {
  const root = await seededRoot(label);
  try {
    await body(root);
  } finally {
    await root.dispose();
  }
}
