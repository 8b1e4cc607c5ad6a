// Builds dist/ (`npm run build`) when dist/cli.js, the `stormkeeper` bin, is missing or older than
// any source it is built from, so the CLI tests run the command users get. A lock directory keeps
// concurrent callers (test runtimes, parallel test files) from building at once: the others wait,
// bounded, and then see a fresh dist. Usage: node scripts/ensure-dist.mjs
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(repo, "dist", "cli.js");
const lock = join(repo, ".dist-build.lock");
const WAIT_MS = 240_000;
const STALE_LOCK_MS = 300_000;

/** The newest modification time among the inputs of the build. */
function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) { for (const name of readdirSync(path)) visit(join(path, name)); }
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const input of ["src", "mod.ts", "package.json", "tsup.config.ts"]) visit(join(repo, input));
  return newest;
}

const builtAt = () => {
  try {
    return statSync(bin).mtimeMs;
  } catch {
    return 0;
  }
};
const fresh = () => builtAt() >= newestSource();

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function acquire() {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      return true;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
    // A builder that died leaves its lock behind; past any build's length it is taken over.
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
    } catch {}
    if (fresh()) return false;
    if (Date.now() > deadline) throw new Error(`waited ${WAIT_MS} ms for another build of dist/ (${lock})`);
    sleep(250);
  }
}

if (!fresh() && acquire()) {
  try {
    if (!fresh()) {
      execFileSync("npm", ["run", "--silent", "build"], {
        cwd: repo,
        stdio: ["ignore", "ignore", "inherit"],
        timeout: WAIT_MS,
      });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
if (!fresh()) throw new Error("dist/cli.js is still older than the sources after building");
