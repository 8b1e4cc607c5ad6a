/**
 * Test harness for a real ZooKeeper server (Debian's package), driven through
 * `scripts/zookeeper.sh`. Every server listens on 127.0.0.1 only and is stopped by the PID
 * the script recorded when it started it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import type { StateEvent, ZooKeeperClient } from "../../mod.ts";

const script = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "scripts", "zookeeper.sh");

/** A server this process started; `stop`/`start` keep its port and data (for restart tests). */
export interface TestServer {
  readonly port: number;
  readonly connectString: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

const started = new Set<TestServer>();
let exitHookInstalled = false;

/** Starts a private standalone server on a free loopback port (stopped at process exit). */
export function startServer(): TestServer {
  const dir = mkdtempSync(join(tmpdir(), "stormkeeper-test-zk-"));
  const port = Number(execFileSync("bash", [script, "start", dir], { encoding: "utf8" }).trim());
  let running = true;
  const server: TestServer = {
    port,
    connectString: `127.0.0.1:${port}`,
    stop() {
      if (!running) return;
      execFileSync("bash", [script, "stop", dir]);
      running = false;
    },
    start() {
      if (running) return;
      execFileSync("bash", [script, "start", dir, String(port)]);
      running = true;
    },
    destroy() {
      server.stop();
      rmSync(dir, { recursive: true, force: true });
      started.delete(server);
    },
  };
  started.add(server);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const s of [...started]) s.destroy();
    });
  }
  return server;
}

let shared: string | undefined;

/**
 * The connect string of the server shared by the whole run: `ZK_CONNECT` when the test command
 * started one, otherwise a private server started on first use.
 */
export function sharedConnectString(): string {
  shared ??= process.env.ZK_CONNECT || startServer().connectString;
  return shared;
}

/** A fresh, unique root path so tests never see each other's nodes. */
export function uniqueRoot(label = "t"): string {
  return `/${label}-${randomBytes(6).toString("hex")}`;
}

/** Resolves when `predicate` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A promise with its resolve function, for waiting on one event with a bounded timeout. */
export function deferred<T>(timeoutMs = 10_000, what = "event"): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    resolve = (v) => {
      clearTimeout(timer);
      res(v);
    };
  });
  return { promise, resolve };
}

/** Resolves on the client's next `state` event named `name` (subscribe before causing it). */
export function nextState(zk: ZooKeeperClient, name: StateEvent, timeoutMs = 20_000): Promise<void> {
  const d = deferred<void>(timeoutMs, `state ${name}`);
  const off = zk.on("state", (e) => {
    if (e === name) {
      off();
      d.resolve();
    }
  });
  return d.promise;
}
