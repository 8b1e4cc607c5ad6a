/** The CLI's pure formatting and doctor rules. */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ago, duration, fitColumns, table, truncate, wantsColour } from "../../src/cli/format.ts";
import { pathsToRemove } from "../../src/cli/doctor.ts";
import { parseStormYaml } from "../../src/cli/storm-yaml.ts";
import { parseAuth } from "../../src/cli/options.ts";
import { describeChanges } from "../../src/cli/watch-diff.ts";

const plain = { width: 80, colour: false };

test("durations and relative times read as operators say them", () => {
  assert.equal(duration(12), "12 s");
  assert.equal(duration(300), "5 min");
  assert.equal(duration(3 * 3600 + 20 * 60), "3 h 20 min");
  assert.equal(duration(2 * 86_400 + 4 * 3600), "2 d 4 h");
  assert.equal(duration(-5), "0 s");
  assert.equal(ago(88, 100), "12 s ago");
  assert.equal(ago(110, 100), "in 10 s");
});

test("colour only on a TTY and never with NO_COLOR", () => {
  assert.equal(wantsColour(true, {}), true);
  assert.equal(wantsColour(false, {}), false);
  assert.equal(wantsColour(true, { NO_COLOR: "1" }), false);
  assert.equal(wantsColour(true, { NO_COLOR: "" }), true);
});

test("a table fits any width it can, never cutting a column below its header", () => {
  const cell = fc.string({ maxLength: 30 }).map((s) => s.replace(/[\x00-\x1f\x7f-\x9f]/g, ""));
  fc.assert(
    fc.property(
      fc.array(fc.tuple(cell, cell, cell), { maxLength: 8 }),
      fc.integer({ min: 4, max: 200 }),
      (rows, width) => {
        const header = ["ID", "NAME", "DETAIL"];
        const widths = fitColumns([header, ...rows], width);
        widths.forEach((w, c) => assert.ok(w === 0 ? c > 0 : w >= Math.min(4, [...(header[c] ?? "")].length)));
        const lines = table({ width, colour: false }, header, rows).split("\n");
        for (const line of lines) assert.ok([...line].length <= width, `${line.length} > ${width}`);
        assert.ok(lines.every((l) => l === l.trimEnd()));
      },
    ),
  );
});

test("a narrow table cuts the widest column with an ellipsis and keeps columns aligned", () => {
  const text = table({ ...plain, width: 30 }, ["ID", "ERROR"], [[
    "wc-1",
    "java.lang.RuntimeException: something long broke",
  ]]);
  const [head, row] = text.split("\n");
  assert.equal(row, "wc-1  java.lang.RuntimeExcept…");
  assert.equal(head?.indexOf("ERROR"), row?.indexOf("java"));
  assert.equal(truncate("abc", 2), "a…");
  assert.equal(
    table({ ...plain, width: 12 }, ["ID", "NAME", "STATUS"], [["wc-1", "wordcount", "ACTIVE"]]),
    "ID    NAME\nwc-1  wor…",
    "columns that cannot fit are hidden",
  );
});

test("--fix removes a directory once, not also the records below it", () => {
  const f = (path: string, removable = true) => ({ kind: "orphaned-entry" as const, path, message: "", removable });
  assert.deepEqual(pathsToRemove([f("/errors/x"), f("/errors/x/c/e1"), f("/storms/y", false), f("/storms/z")]), [
    "/errors/x",
    "/storms/z",
  ]);
});

test("storm.yaml settings are read with the yaml parser, and bad values named", () => {
  const yaml =
    'storm.zookeeper.servers: ["zk1", "zk2"]\nstorm.zookeeper.port: 2182\nstorm.zookeeper.root: /storm-prod\nstorm.zookeeper.auth.scheme: digest\nstorm.zookeeper.auth.payload: "storm:s3cret"\nnimbus.task.timeout.secs: 45\n';
  assert.deepEqual(parseStormYaml(yaml, "storm.yaml"), {
    servers: ["zk1", "zk2"],
    port: 2182,
    root: "/storm-prod",
    auth: { scheme: "digest", payload: "storm:s3cret" },
    taskTimeoutSecs: 45,
  });
  assert.throws(
    () => parseStormYaml("storm.zookeeper.port: nope\n", "s.yaml"),
    /s\.yaml: storm\.zookeeper\.port must be a port number/,
  );
  assert.throws(() => parseStormYaml("a: [\n", "s.yaml"), /s\.yaml is not valid YAML/);
  assert.deepEqual(parseAuth("digest:user:pa:ss"), { scheme: "digest", payload: "user:pa:ss" });
  assert.throws(() => parseAuth("digest"), /--auth must be scheme:payload/);
});

test("watch describes a topology that appears without an assignment as added, and nothing more", () => {
  const presence = {
    storms: true,
    assignments: false,
    workerbeats: false,
    errors: false,
    backpressure: false,
    credentials: false,
    logconfigs: false,
  };
  const topology = {
    id: "t-1",
    presence,
    base: { name: "wc", status: "ACTIVE" as const, numWorkers: 1, componentExecutors: {} },
    assignment: null,
    workers: [],
    errors: {},
    backpressureWorkers: [],
    credentialKeys: null,
  };
  const empty = { takenAtSecs: 0, topologies: [], supervisors: {}, nimbuses: [], unreadable: [] };
  assert.deepEqual(describeChanges(empty, { ...empty, topologies: [topology] }), ["topology t-1 added (wc, ACTIVE)"]);
  assert.deepEqual(describeChanges({ ...empty, topologies: [topology] }, { ...empty, topologies: [topology] }), []);
  assert.deepEqual(describeChanges({ ...empty, topologies: [topology] }, empty), ["topology t-1 removed"]);
});
