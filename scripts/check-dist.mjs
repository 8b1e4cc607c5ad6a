// Smoke test of the built npm package (dist/), imported by its own name as a user would: every
// entry loads, exposes the main API, and a record survives Storm's codec. Run after `npm run build`.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";

const root = await import("stormkeeper");
const zookeeper = await import("stormkeeper/zookeeper");
const storm = await import("stormkeeper/storm");
const server = await import("stormkeeper/server");
const recipes = await import("stormkeeper/recipes");

for (
  const name of [
    "connect",
    "createClient",
    "ZooKeeperClient",
    "ZooKeeperError",
    "tlsTransport",
    "retry",
    "WatchOverflowError",
  ]
) {
  assert.equal(typeof zookeeper[name], "function", `stormkeeper/zookeeper exports ${name}`);
  assert.equal(root[name], zookeeper[name], `stormkeeper re-exports ${name}`);
}
for (const name of ["createStormClusterState", "createClusterState", "thriftCodec", "stormBackoffSleep"]) {
  assert.equal(typeof storm[name], "function", `stormkeeper/storm exports ${name}`);
}
for (const name of ["startServer", "startEnsemble"]) {
  assert.equal(typeof server[name], "function", `stormkeeper/server exports ${name}`);
}
const codec = storm.thriftCodec();
const base = { name: "wordcount", status: "ACTIVE", numWorkers: 2, componentExecutors: { spout: 2 } };
assert.deepEqual(codec.decode("StormBase", codec.encode("StormBase", base)), base);
assert.equal(typeof recipes.RecipeError, "function", "stormkeeper/recipes exports RecipeError");
for (const file of ["mod.d.ts", "zookeeper.d.ts", "storm.d.ts", "server.d.ts", "recipes.d.ts"]) {
  assert.ok(existsSync(new URL(`../dist/${file}`, import.meta.url)), `dist/${file}`);
}
// The bin: a shebang'd bundle that answers --help without a ZooKeeper.
const { readFileSync } = await import("node:fs");
const { execFileSync } = await import("node:child_process");
const cli = new URL("../dist/cli.js", import.meta.url);
assert.ok(readFileSync(cli, "utf8").startsWith("#!/usr/bin/env node\n"), "dist/cli.js starts with a shebang");
assert.match(
  execFileSync(process.execPath, [cli.pathname, "--help"], { encoding: "utf8" }),
  /^usage: stormkeeper <command>/,
);
console.log("dist: every entry loads and works");

// The package as `npx stormkeeper` gets it: packed (what "files" ships), installed into an empty
// project with its dependencies, and its bin run by name, including the Java-free demo.
const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
const { tmpdir } = await import("node:os");
const { join } = await import("node:path");
const project = mkdtempSync(join(tmpdir(), "stormkeeper-pack-"));
try {
  const repo = new URL("..", import.meta.url).pathname;
  const tarball = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", project], {
    cwd: repo,
    encoding: "utf8",
  }).trim().split("\n").pop();
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "stormkeeper-pack-check", version: "1.0.0", private: true }),
  );
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--silent", `./${tarball}`], {
    cwd: project,
    stdio: "inherit",
    timeout: 180_000,
  });
  const npx = (...args) =>
    execFileSync("npx", ["--no-install", "stormkeeper", ...args], {
      cwd: project,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, ZK_CONNECT: "", NO_COLOR: "1" },
    });
  assert.match(npx("--help"), /^usage: stormkeeper <command>/);
  assert.match(npx("demo", "--seconds", "1"), /topology clicks-2-1733401000 status REBALANCING → ACTIVE/);
  // The same installed bin as `bunx stormkeeper` and under Deno (the repo's own bun and deno).
  const tool = (name) => join(repo, "node_modules", ".bin", name);
  const help = (file, args) => execFileSync(file, args, { cwd: project, encoding: "utf8", timeout: 60_000 });
  assert.match(help(tool("bun"), ["x", "stormkeeper", "--help"]), /^usage: stormkeeper <command>/);
  assert.match(
    help(tool("deno"), ["run", "-A", "--quiet", "node_modules/stormkeeper/dist/cli.js", "--help"]),
    /^usage: stormkeeper <command>/,
  );
} finally {
  rmSync(project, { recursive: true, force: true });
}
console.log("package: the packed tarball installs and its bin runs (npx: help and demo; bun x and deno: help)");
