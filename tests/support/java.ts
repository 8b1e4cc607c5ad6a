/**
 * Java programs as test peers: a `.java` file under tests/ compiled once with `javac` against
 * Debian's jars (Apache Curator 5.4, the ZooKeeper 3.8 client) and run as a child process that
 * speaks a line protocol — one command per stdin line, one answer per stdout line. Used for
 * interop tests against code nobody here wrote. Builds are cached by the source's hash under
 * `.zk/java/`; a child is stopped by its own PID, and every child still running at exit is killed.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Curator 5.4 with the ZooKeeper 3.8 client and what they load (Debian's jar names, unversioned). */
export const CURATOR_CLASSPATH: readonly string[] = [
  "curator-recipes",
  "curator-framework",
  "curator-client",
  "zookeeper",
  "zookeeper-jute",
  "guava",
  "slf4j-api",
  "slf4j-nop",
  "netty-handler",
  "netty-transport",
  "netty-common",
  "netty-buffer",
  "netty-codec",
  "netty-resolver",
  "netty-transport-native-unix-common",
  "netty-transport-native-epoll",
  "commons-io",
].map((name) => `/usr/share/java/${name}.jar`).filter((jar) => existsSync(jar));

/** A compiled program: its class directory and the main class name (the file's base name). */
export interface JavaProgram {
  readonly classpath: string;
  readonly mainClass: string;
}

/**
 * Compiles `source` (a path relative to the repository, e.g. `tests/support/java/Peer.java`) once,
 * with the classes it uses from the `.java` files beside it (javac's source path). The build is
 * keyed by all of those files, so a change to a shared helper rebuilds its users.
 */
export function compileJava(source: string, classpath: readonly string[] = CURATOR_CLASSPATH): JavaProgram {
  const file = join(repo, source);
  const folder = dirname(file);
  const hash = createHash("sha256");
  for (const name of readdirSync(folder).filter((n) => n.endsWith(".java")).sort()) {
    hash.update(name).update(readFileSync(join(folder, name)));
  }
  const key = hash.update(basename(file)).update(classpath.join(":")).digest("hex").slice(0, 16);
  const classes = join(repo, ".zk", "java", key);
  const mainClass = basename(file, ".java");
  if (!existsSync(join(classes, `${mainClass}.class`))) {
    mkdirSync(classes, { recursive: true });
    execFileSync("javac", ["-nowarn", "-d", classes, "-cp", classpath.join(":"), "-sourcepath", folder, file], {
      stdio: "pipe",
    });
  }
  return { classpath: [classes, ...classpath].join(":"), mainClass };
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A running Java peer: `send` writes one command line; `next` waits for the next answer line. */
export interface JavaPeer {
  readonly pid: number;
  send(line: string): void;
  /** The next stdout line; rejects after `timeoutMs` or when the process exits first (with its stderr). */
  next(timeoutMs?: number): Promise<string>;
  /** `send` then `next`. */
  ask(line: string, timeoutMs?: number): Promise<string>;
  /** Waits for a line matching `pattern`, skipping the lines before it. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Kills the process (SIGKILL: a crashed peer, its session left to expire) and waits for it to exit. */
  kill(): Promise<void>;
  /** Closes stdin (the program's cue to close its recipes and exit) and waits; kills after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Starts `program` with `args`; JVM flags keep start-up short (C1 only, small heap). */
export function startJava(program: JavaProgram, args: readonly string[]): JavaPeer {
  const child = spawn("java", [
    "-Xmx128m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-cp",
    program.classpath,
    program.mainClass,
    ...args,
  ], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  running.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const c of running) c.kill("SIGKILL");
    });
  }
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let stderr = "";
  let buffered = "";
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      running.delete(child);
      resolve();
      for (const w of waiters.splice(0)) w();
    })
  );
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    let i: number;
    while ((i = buffered.indexOf("\n")) >= 0) {
      lines.push(buffered.slice(0, i).replace(/\r$/, ""));
      buffered = buffered.slice(i + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  child.stdin!.on("error", () => {}); // writing to a peer that died is reported by next()

  const next = (timeoutMs = 30_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`java ${program.mainClass}: no line within ${timeoutMs} ms; stderr: ${stderr}`)),
        timeoutMs,
      );
      const check = (): void => {
        if (lines.length > 0) {
          clearTimeout(timer);
          resolve(lines.shift()!);
          return;
        }
        if (exited) {
          clearTimeout(timer);
          reject(new Error(`java ${program.mainClass} exited (${child.exitCode}); stderr: ${stderr}`));
          return;
        }
        waiters.push(check);
      };
      check();
    });
  const peer: JavaPeer = {
    pid: child.pid!,
    send: (line) => {
      child.stdin!.write(`${line}\n`);
    },
    next,
    ask: (line, timeoutMs) => {
      peer.send(line);
      return next(timeoutMs);
    },
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = await next(Math.max(1, deadline - Date.now()));
        if (pattern.test(line)) return line;
      }
    },
    async kill() {
      if (!exited) child.kill("SIGKILL");
      await exit;
    },
    async stop(timeoutMs = 15_000) {
      if (exited) return;
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exit;
      clearTimeout(timer);
    },
  };
  return peer;
}
