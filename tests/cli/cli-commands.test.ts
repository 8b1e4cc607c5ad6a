/**
 * The stormkeeper command run as a process against the real ZooKeeper, on a root seeded with
 * Storm's own bytes (golden vectors), orphans and a corrupt record.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import process from "node:process";
import { describe, test } from "node:test";
import { connect, CREATOR_ALL_ACL } from "../../mod.ts";
import { suiteFixture } from "../support/fixtures.ts";
import { sharedConnectString } from "../support/zookeeper.ts";
import { runCli, type SeededRoot, seededRoot, withSeededRoot } from "./support.ts";

describe("stormkeeper against a seeded Storm root", () => {
  let box: SeededRoot;
  let removable: string[];
  let flags: string[];
  suiteFixture(() => seededRoot("cli"), (seeded) => ({ removable, flags } = box = seeded));

  test("topologies prints one aligned row per topology, the corrupt base as unknown", async () => {
    const run = await runCli(["topologies", ...flags]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    assert.match(lines[0] ?? "", /^ID\s+NAME\s+STATUS\s+WORKERS\s+EXECUTORS\s+OWNER/);
    const wc = lines.find((l) => l.startsWith("wc-1")) ?? "";
    assert.match(wc, /^wc-1\s+wordcount\s+ACTIVE\s+2\s+200\s+alice\s+/);
    assert.equal(lines[0]?.indexOf("NAME"), wc.indexOf("wordcount"), "columns align");
    assert.match(lines.find((l) => l.startsWith("bad-1")) ?? "", /^bad-1\s+-\s+-\s+/);
  });

  test("topologies --json has the documented shape", async () => {
    const run = await runCli(["topologies", "--json", ...flags]);
    assert.equal(run.code, 0, run.stderr);
    const rows = JSON.parse(run.stdout);
    const wc = rows.find((r: { id: string }) => r.id === "wc-1");
    assert.deepEqual(Object.keys(wc), [
      "id",
      "name",
      "status",
      "workers",
      "executors",
      "owner",
      "launchTimeSecs",
      "uptimeSecs",
      "assigned",
      "newestHeartbeatAgeSecs",
      "errorCount",
    ]);
    assert.equal(wc.assigned, true);
    assert.equal(wc.errorCount, 1);
    assert.ok(wc.newestHeartbeatAgeSecs > 3e7, "the vector's heartbeat is from 2023");
  });

  test("topology shows workers with host:port, resources and the latest error per component", async () => {
    const run = await runCli(["topology", "wc-1", ...flags]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^name:\s+wordcount$/m);
    assert.match(run.stdout, /^sup-1\s+host-1:6700\s+.*768 MB\s+50\s+/m);
    assert.match(run.stdout, /^count\s+1\s+.* ago: java\.lang\.RuntimeException: ünïcödé/m);
    const missing = await runCli(["topology", "nope", ...flags]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^stormkeeper: there is no topology "nope"/);
  });

  test("supervisors, errors and nimbuses read Storm's bytes", async () => {
    const supervisors = await runCli(["supervisors", ...flags]);
    assert.match(supervisors.stdout, /^sup-1\s+host-1\s+0 s\s+2\/3\s+cpu\.pcore\.percent=400\s+2\.8\.8$/m);
    const errors = JSON.parse((await runCli(["errors", "wc-1", "count", "--json", ...flags])).stdout);
    assert.deepEqual(
      errors.map((e: { host: string; port: number; timeSecs: number }) => [e.host, e.port, e.timeSecs]),
      [["host-1", 6700, 1700000002]],
    );
    const table = await runCli(["errors", "wc-1", ...flags]);
    assert.match(
      table.stdout,
      /^2023-11-14T22:13:22Z\s+\d+ d( \d+ h)? ago\s+count\s+host-1:6700\s+java\.lang\.RuntimeException/m,
    );
    const nimbuses = await runCli(["nimbuses", ...flags]);
    assert.match(nimbuses.stdout, /^nimbus-1:6627\s+no\s+2023-11-14T22:13:20Z/m);
  });

  test("dump decodes records by path and shows the corrupt one with its reason and bytes", async () => {
    const run = await runCli(["dump", ...flags]);
    assert.equal(run.code, 0, run.stderr);
    const entries: { path: string; kind?: string; record?: { name?: string }; corrupt?: string; base64?: string }[] =
      JSON.parse(run.stdout);
    assert.equal(entries.find((e) => e.path === "/storms/wc-1")?.record?.name, "wordcount");
    const bad = entries.find((e) => e.path === "/storms/bad-1");
    assert.match(bad?.corrupt ?? "", /status/);
    assert.ok((bad?.base64 ?? "").length > 0);
  });

  test("zk get decodes a Storm record by its path; zk ls lists children", async () => {
    const get = await runCli(["zk", "get", `${box.root}/supervisors/sup-1`, "--json", ...flags]);
    assert.equal(get.code, 0, get.stderr);
    assert.equal(JSON.parse(get.stdout).value.hostname, "host-1");
    const ls = await runCli(["zk", "ls", `${box.root}/storms`, ...flags]);
    assert.deepEqual(ls.stdout.trim().split("\n"), ["bad-1", "wc-1"]);
  });

  test("doctor lists every problem (exit 1), and --fix --yes removes exactly the removable paths", async () => {
    const run = await runCli(["doctor", "--json", ...flags]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.healthy, false);
    const kinds = new Set(report.findings.map((f: { kind: string }) => f.kind));
    for (
      const kind of [
        "base-without-assignment",
        "orphaned-entry",
        "unreadable-record",
        "stale-heartbeat",
        "gone-supervisor",
      ]
    ) assert.ok(kinds.has(kind), kind);
    assert.deepEqual(report.removable, removable);

    const before = new Set<string>(
      (await runCli(["dump", ...flags]).then((r) => JSON.parse(r.stdout))).map((e: { path: string }) =>
        `${box.root}${e.path}`
      ),
    );
    const fix = await runCli(["doctor", "--fix", "--yes", ...flags]);
    assert.equal(fix.code, 1, fix.stderr);
    assert.match(fix.stderr, /deleted 5 path\(s\)/);
    const afterPaths = new Set<string>(
      (await runCli(["dump", ...flags]).then((r) => JSON.parse(r.stdout))).map((e: { path: string }) =>
        `${box.root}${e.path}`
      ),
    );
    const gone = [...before].filter((p) => !afterPaths.has(p));
    assert.ok(
      gone.every((p) => removable.some((r) => p === r || p.startsWith(`${r}/`))),
      `only listed paths went: ${gone.join(" ")}`,
    );
    for (const r of removable) assert.equal(await box.zk.exists(r), null, r);
    const again = JSON.parse((await runCli(["doctor", "--json", ...flags])).stdout);
    assert.deepEqual(again.removable, []);
  });
});

describe("stormkeeper failures are one sentence and exit 2", () => {
  test("an unreachable ZooKeeper", async () => {
    const run = await runCli(["topologies", "--zk", "127.0.0.1:1", "--timeout", "1"]);
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      "stormkeeper: could not reach ZooKeeper at 127.0.0.1:1 within 1000 ms: check --zk (or ZK_CONNECT) and that the server is up\n",
    );
  });

  test("a root without Storm state, and bad arguments", async () => {
    const missing = await runCli(["supervisors", "--zk", sharedConnectString(), "--root", "/no-such-storm-root"]);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /^stormkeeper: there is no \/no-such-storm-root on ZooKeeper .*: is --root right\?\n$/,
    );
    const bad = await runCli(["topology"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^stormkeeper: bad arguments: usage is stormkeeper topology <id>/);
    const unknown = await runCli(["frobnicate"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
  });

  test("NoAuth names --auth, and --auth gets in", async () => {
    const owner = await connect(sharedConnectString(), { auth: [{ scheme: "digest", auth: "ops:secret" }] });
    const root = `/cli-auth-${Date.now()}`;
    try {
      await owner.create(root, new Uint8Array(), { acl: CREATOR_ALL_ACL });
      await owner.create(`${root}/storms`, new Uint8Array(), { acl: CREATOR_ALL_ACL });
      const denied = await runCli(["topologies", "--zk", sharedConnectString(), "--root", root]);
      assert.equal(denied.code, 2);
      assert.match(
        denied.stderr,
        /^stormkeeper: ZooKeeper refused access to .* \(NoAuth\): pass --auth digest:user:password/,
      );
      assert.doesNotMatch(denied.stderr, /\n\s+at /, "no stack trace without --verbose");
      const allowed = await runCli([
        "topologies",
        "--zk",
        sharedConnectString(),
        "--root",
        root,
        "--auth",
        "digest:ops:secret",
      ]);
      assert.equal(allowed.code, 0, allowed.stderr);
    } finally {
      await owner.deleteRecursive(root);
      await owner.close();
    }
  });

  test("--storm-yaml supplies servers, port and root", () =>
    withSeededRoot("cli-yaml", async (box) => {
      const dir = mkdtempSync(join(tmpdir(), "stormkeeper-yaml-"));
      try {
        const [host, port] = sharedConnectString().split(":");
        const file = join(dir, "storm.yaml");
        writeFileSync(
          file,
          `storm.zookeeper.servers:\n  - "${host}"\nstorm.zookeeper.port: ${port}\nstorm.zookeeper.root: "${box.root}"\n`,
        );
        const run = await runCli(["supervisors", "--json", "--storm-yaml", file], { ZK_CONNECT: "" });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(JSON.parse(run.stdout)[0].id, "sup-1");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }));
});

describe("stormkeeper demo", () => {
  test("seeds a cluster, prints its views and watches a worker die and a rebalance, leaving nothing behind", async () => {
    const root = `/cli-demo-${Date.now()}`;
    const run = await runCli(["demo", "--seconds", "1", "--zk", sharedConnectString(), "--root", root]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^wordcount-1-1733400000\s+wordcount\s+ACTIVE\s+2\s+10\s+alice/m);
    assert.match(run.stdout, /^sup-c9d4\s+storm-worker-3\s+/m);
    assert.match(run.stdout, /^\d\d:\d\d:\d\d topology wordcount-1-1733400000 worker sup-b7c2:6700 heartbeat gone$/m);
    assert.match(run.stdout, /^\d\d:\d\d:\d\d topology clicks-2-1733401000 status REBALANCING → ACTIVE$/m);
    const zk = await connect(sharedConnectString());
    try {
      assert.equal(await zk.exists(root), null);
    } finally {
      await zk.close();
    }
    const refused = await runCli(["demo", "--zk", sharedConnectString(), "--root", "/storm"]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /demo deletes its --root/);
  });

  test("runs without Java: no --zk, no ZK_CONNECT, no java on PATH, so on the embedded server", async () => {
    const path = (process.env.PATH ?? "").split(delimiter).filter((dir) =>
      dir !== "" && !existsSync(join(dir, "java"))
    );
    const run = await runCli(["demo", "--seconds", "1"], { PATH: path.join(delimiter), ZK_CONNECT: "", JAVA_HOME: "" });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\$ stormkeeper topologies\n/m);
    assert.match(
      run.stdout,
      /^\d\d:\d\d:\d\d watching 127\.0\.0\.1:\d+\/stormkeeper-demo: 2 topologies, 3 supervisors/m,
    );
    assert.match(run.stdout, /^\d\d:\d\d:\d\d topology clicks-2-1733401000 status REBALANCING → ACTIVE$/m);
  });
});
