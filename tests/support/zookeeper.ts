/**
 * Test harness for a real ZooKeeper server (Debian's package), driven through
 * `scripts/zookeeper.sh`. Every server listens on 127.0.0.1 only and is stopped by the PID
 * the script recorded when it started it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { connect, type ConnectOptions, type StateEvent, type ZooKeeperClient } from "../../mod.ts";

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
  return launch("start", "stormkeeper-test-zk-").server;
}

/** A standalone server with a TLS client port, and the PEM files its throwaway CA issued. */
export interface TlsTestServer extends TestServer {
  /** `127.0.0.1:<secureClientPort>`. */
  readonly tlsConnectString: string;
  /** The CA that signed the server's certificate (for 127.0.0.1 and localhost). */
  readonly ca: string;
  /** A client certificate and key the server accepts as x509 identity `CN=stormkeeper-client`. */
  readonly clientCert: string;
  readonly clientKey: string;
}

/**
 * Starts a private server with a TLS port as well (`scripts/zookeeper.sh start-tls`); stopped at
 * exit. With `sasl`, it also offers SASL DIGEST-MD5 with the users of {@link startSaslServer}.
 */
export function startTlsServer(options: { readonly sasl?: boolean } = {}): TlsTestServer {
  const env: Record<string, string> = options.sasl ? { ZK_SASL: "1", ZK_SASL_USERS: saslUserList } : {};
  const { server, dir, ports } = launch("start-tls", "stormkeeper-test-zk-tls-", env);
  const pem = (name: string) => readFileSync(join(dir, "tls", name), "utf8");
  return Object.assign(server, {
    tlsConnectString: `127.0.0.1:${ports[1]}`,
    ca: pem("ca.pem"),
    clientCert: pem("client.pem"),
    clientKey: pem("client.key"),
  });
}

/**
 * The DIGEST-MD5 users (name → password) of every SASL test server: `super` is the server's
 * super user; carol's password is ISO 8859-1, dora's needs UTF-8.
 */
export const SASL_USERS = {
  super: "super-secret",
  alice: "alice-secret",
  carol: "pässwörd",
  dora: "пароль-δ",
} as const;
const saslUserList = Object.entries(SASL_USERS).map(([name, password]) => `${name}:${password}`).join(" ");

/**
 * Starts a private server offering SASL DIGEST-MD5 with {@link SASL_USERS}
 * (`scripts/zookeeper.sh start-sasl`); stopped at exit. With `requireSasl` the server refuses
 * clients that did not log in (`sessionRequireClientSASLAuth=true`).
 */
export function startSaslServer(options: { readonly requireSasl?: boolean } = {}): TestServer {
  const env = { ZK_SASL_USERS: saslUserList, ZK_SASL_REQUIRED: options.requireSasl ? "1" : "0" };
  return launch("start-sasl", "stormkeeper-test-zk-sasl-", env).server;
}

/**
 * Runs `scripts/zookeeper.sh <command> DIR` (with `env` added to the environment) and wraps the
 * server it started; restarts keep the ports.
 */
function launch(
  command: "start" | "start-tls" | "start-sasl",
  prefix: string,
  extraEnv: Readonly<Record<string, string>> = {},
): { server: TestServer; dir: string; ports: number[] } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const env = { ...process.env, ...extraEnv };
  const ports = execFileSync("bash", [script, command, dir], { encoding: "utf8", env }).trim().split(/\s+/).map(Number);
  const port = ports[0] as number;
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
      execFileSync("bash", [script, command, dir, String(port)], { env });
      running = true;
    },
    destroy() {
      server.stop();
      rmSync(dir, { recursive: true, force: true });
      started.delete(server);
    },
  };
  started.add(server);
  installExitHook();
  return { server, dir, ports };
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const stopAll = () => {
    for (const s of [...started]) s.destroy();
    for (const e of [...ensembles]) e.destroy();
  };
  process.on("exit", stopAll);
  // `deno test` never emits process "exit" (its runner ends the program itself), but it does
  // dispatch "unload": without it a server a skipped after() hook would stop (`--filter`) or one
  // left by a failed before() would outlive the run. destroy() forgets what it stopped, so a
  // runtime that has both events stops each server once.
  (globalThis as { addEventListener?: (type: string, listener: () => void) => void }).addEventListener?.(
    "unload",
    stopAll,
  );
}

/** True in the run against the embedded server (`ZK_TARGET=embedded`, see scripts/test.sh). */
export const embeddedTarget: boolean = process.env.ZK_TARGET === "embedded";

/**
 * Test options that skip a suite in the embedded-server run alone: for what only a real
 * ZooKeeper has (TLS, SASL, …) or what starts its own Java server anyway. `why` is listed in
 * the README.
 */
export function realServerOnly(why: string): { readonly skip?: string } {
  return embeddedTarget ? { skip: `needs a real ZooKeeper: ${why}` } : {};
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

/** A client of a test suite and the root node it works under. */
export interface Sandbox {
  readonly zk: ZooKeeperClient;
  readonly root: string;
  /** Deletes the root and everything below it, then closes the client (even if the delete fails). */
  dispose(): Promise<void>;
}

/** Connects to the shared server and creates a fresh root node (see {@link uniqueRoot}) for a suite. */
export async function sandbox(label: string, options: ConnectOptions = {}): Promise<Sandbox> {
  const zk = await connect(sharedConnectString(), options);
  const root = uniqueRoot(label);
  await zk.create(root);
  return {
    zk,
    root,
    async dispose() {
      try {
        await zk.deleteRecursive(root);
      } finally {
        await zk.close();
      }
    },
  };
}

/** A four-letter word's answer from the server on `port` on loopback (e.g. `wchp`: watched paths). */
export function fourLetterWord(port: number, word: "srvr" | "isro" | "wchp" | "wchc"): string {
  return execFileSync("bash", [script, word, String(port)], { encoding: "utf8" });
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

/**
 * Ends `victim`'s session on the server, as an operator killing it would: another client takes
 * the session over (the server drops the victim's connection) and closes it there; the victim
 * learns at its next handshake (§15.5) and reports `expired`. Should the victim reconnect within
 * the takeover's few milliseconds and take the session back, the takeover is repeated (at most
 * five times), so no test depends on where the victim's 0–999 ms reconnect pause falls.
 */
export async function endSession(victim: ZooKeeperClient, connectString = sharedConnectString()): Promise<void> {
  const session = { id: victim.sessionId, password: victim.sessionPassword };
  for (let attempt = 0; attempt < 5; attempt++) {
    let off = () => {};
    const learned = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5_000);
      off = victim.on("state", (event) => {
        if (event !== "expired") return;
        clearTimeout(timer);
        resolve(true);
      });
    });
    const thief = await connect(connectString, { session });
    await thief.close();
    const expired = await learned;
    off();
    if (expired) return;
  }
  throw new Error(`session 0x${session.id.toString(16)} could not be ended`);
}

/** A 3-member (or N) ensemble this process started; members are numbered from 1. */
export interface TestEnsemble {
  readonly ports: readonly number[];
  readonly connectString: string;
  stopMember(member: number): void;
  startMember(member: number): void;
  /** The member whose `srvr` says `Mode: <mode>`, or undefined. */
  memberInMode(mode: "leader" | "follower" | "read-only"): number | undefined;
  /** The member listening on `port`. */
  memberOnPort(port: number): number;
  destroy(): void;
}

/**
 * Starts an ensemble on loopback ports and waits until it has a leader (stopped at exit).
 * `extraConfig` lines go into every member's zoo.cfg.
 */
export function startEnsemble(size = 3, extraConfig: readonly string[] = []): TestEnsemble {
  const dir = mkdtempSync(join(tmpdir(), "stormkeeper-test-ensemble-"));
  const env = { ...process.env, ZK_EXTRA_CONFIG: extraConfig.join("\n") };
  const ports = execFileSync("bash", [script, "ensemble", dir, String(size)], { encoding: "utf8", env }).trim().split(
    /\s+/,
  ).map(Number);
  const running = new Set(ports.map((_, i) => i + 1));
  const ensemble: TestEnsemble = {
    ports,
    connectString: ports.map((p) => `127.0.0.1:${p}`).join(","),
    stopMember(member) {
      execFileSync("bash", [script, "member-stop", dir, String(member)]);
      running.delete(member);
    },
    startMember(member) {
      execFileSync("bash", [script, "member-start", dir, String(member)], { env });
      running.add(member);
    },
    memberInMode(mode) {
      for (const m of running) {
        const out = execFileSync("bash", [script, "srvr", String(ports[m - 1])], { encoding: "utf8" });
        if (out.includes(`Mode: ${mode}`)) return m;
      }
      return undefined;
    },
    memberOnPort(port) {
      return ports.indexOf(port) + 1;
    },
    destroy() {
      execFileSync("bash", [script, "ensemble-stop", dir]);
      rmSync(dir, { recursive: true, force: true });
      ensembles.delete(ensemble);
    },
  };
  ensembles.add(ensemble);
  installExitHook();
  return ensemble;
}

const ensembles = new Set<TestEnsemble>();
