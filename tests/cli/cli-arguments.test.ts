/**
 * Bad command lines, table-driven, against the built bin: each is refused with one sentence on
 * stderr and exit status 2, prints nothing on stdout, shows no stack trace (unless --verbose) and
 * changes nothing in ZooKeeper; nor do the commands that only read (Storm's missing roots stay missing).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ZooKeeperClient } from "../../mod.ts";
import { runCli, type SeededRoot, seededRoot } from "./support.ts";

interface BadCase {
  readonly name: string;
  /** The command line; the connection flags to the seeded root go after its first word unless `bare`. */
  readonly args: readonly string[];
  readonly stderr: RegExp;
  readonly bare?: boolean;
  readonly env?: Readonly<Record<string, string>>;
}

const dir = mkdtempSync(join(tmpdir(), "stormkeeper-args-"));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const malformedYaml = file("malformed.yaml", "storm.zookeeper.servers: [a\n  b: :\n");
const mistypedYaml = file("mistyped.yaml", 'storm.zookeeper.port: "two thousand"\n');

const CASES: readonly BadCase[] = [
  { name: "no command", args: [], bare: true, stderr: /^stormkeeper: no command given: run stormkeeper --help/ },
  {
    name: "unknown command",
    args: ["frobnicate"],
    stderr: /^stormkeeper: unknown command "frobnicate"; commands are topologies, /,
  },
  {
    name: "unknown flag",
    args: ["topologies", "--bogus"],
    stderr: /^stormkeeper: bad arguments: unknown option --bogus \(see --help\)$/,
  },
  {
    name: "flag value missing",
    args: ["topologies", "--timeout"],
    stderr: /^stormkeeper: bad arguments: --timeout needs a value/,
  },
  {
    name: "value given to a switch",
    args: ["topologies", "--json=3"],
    stderr: /^stormkeeper: bad arguments: --json takes no value/,
  },
  {
    name: "missing argument",
    args: ["topology"],
    stderr: /^stormkeeper: bad arguments: usage is stormkeeper topology <id>/,
  },
  {
    name: "missing argument (errors)",
    args: ["errors"],
    stderr: /^stormkeeper: bad arguments: usage is stormkeeper errors <id> \[component\]/,
  },
  {
    name: "extra argument",
    args: ["topologies", "wc-1"],
    stderr: /^stormkeeper: bad arguments: usage is stormkeeper topologies/,
  },
  {
    name: "bad --zk port",
    args: ["topologies", "--zk", "127.0.0.1:99999"],
    stderr: /^stormkeeper: --zk must be host:port\[,host:port…\], got "127\.0\.0\.1:99999": invalid port/,
  },
  { name: "empty --zk", args: ["topologies", "--zk", ""], stderr: /^stormkeeper: --zk must be host:port.*empty/ },
  {
    name: "--zk with a path",
    args: ["topologies", "--zk", "127.0.0.1:2181/storm"],
    stderr: /^stormkeeper: --zk must be host:port.* without a path.*--root/,
  },
  {
    name: "bad ZK_CONNECT",
    args: ["supervisors"],
    bare: true,
    env: { ZK_CONNECT: "127.0.0.1:port" },
    stderr: /^stormkeeper: ZK_CONNECT must be host:port/,
  },
  {
    name: "zero --timeout",
    args: ["topologies", "--timeout", "0"],
    stderr: /^stormkeeper: --timeout must be a positive number of seconds, got "0"$/,
  },
  {
    name: "non-numeric --timeout",
    args: ["topologies", "--timeout", "soon"],
    stderr: /^stormkeeper: --timeout must be a positive number of seconds, got "soon"$/,
  },
  {
    name: "--auth without a scheme",
    args: ["topologies", "--auth", "ops-secret"],
    stderr: /^stormkeeper: --auth must be scheme:payload such as digest:user:password, got "ops-secret"$/,
  },
  {
    name: "--auth without a payload",
    args: ["topologies", "--auth", "digest:"],
    stderr: /^stormkeeper: --auth must be scheme:payload/,
  },
  {
    name: "relative --root",
    args: ["topologies", "--root", "storm"],
    stderr: /^stormkeeper: --root must be an absolute path such as \/storm, got "storm"/,
  },
  {
    name: "--root ending in /",
    args: ["topologies", "--root", "/storm/"],
    stderr: /^stormkeeper: --root must be an absolute path.*must not end with \//,
  },
  {
    name: "missing --storm-yaml",
    args: ["topologies", "--storm-yaml", join(dir, "absent.yaml")],
    stderr: /^stormkeeper: cannot read --storm-yaml .*absent\.yaml: ENOENT/,
  },
  {
    name: "--storm-yaml a directory",
    args: ["topologies", "--storm-yaml", dir],
    stderr: /^stormkeeper: cannot read --storm-yaml .*: EISDIR/,
  },
  {
    name: "malformed storm.yaml",
    args: ["topologies", "--storm-yaml", malformedYaml],
    stderr: /^stormkeeper: .*malformed\.yaml is not valid YAML: /,
  },
  {
    name: "mistyped storm.yaml",
    args: ["topologies", "--storm-yaml", mistypedYaml],
    stderr: /^stormkeeper: .*mistyped\.yaml: storm\.zookeeper\.port must be a port number$/,
  },
  {
    name: "zk: relative path",
    args: ["zk", "get", "storms"],
    stderr: /^stormkeeper: bad arguments: PATH must be an absolute ZooKeeper path .*got "storms"/,
  },
  {
    name: "zk: empty path component",
    args: ["zk", "rm", "/storm//storms"],
    stderr: /^stormkeeper: bad arguments: PATH must be .*empty path component/,
  },
  {
    name: "zk: unknown action",
    args: ["zk", "cat", "/storm"],
    stderr: /^stormkeeper: bad arguments: zk takes one of ls, get, stat, tree, rm, got "cat"$/,
  },
  {
    name: "zk: missing path",
    args: ["zk", "ls"],
    stderr: /^stormkeeper: bad arguments: usage is stormkeeper zk ls\|get\|stat\|tree\|rm PATH/,
  },
  {
    name: "doctor --fix without a terminal or --yes",
    args: ["doctor", "--fix"],
    stderr: /^stormkeeper: --fix asks before deleting and stdin is not a terminal: add --yes/,
  },
  {
    name: "negative --seconds",
    args: ["watch", "--seconds", "-1"],
    stderr: /^stormkeeper: bad arguments: --seconds needs a value \(write --seconds=VALUE/,
  },
  {
    name: "non-numeric --seconds",
    args: ["watch", "--seconds=later"],
    stderr: /^stormkeeper: --seconds must be a positive number, got "later"$/,
  },
  {
    name: "server: unknown flag",
    args: ["server", "--bogus"],
    bare: true,
    stderr: /^stormkeeper server: unknown argument "--bogus"; usage: stormkeeper server /,
  },
  {
    name: "server: bad port",
    args: ["server", "--port", "http"],
    bare: true,
    stderr: /^stormkeeper server: --port must be a whole number from 0 to 65535, got "http"$/,
  },
  { name: "demo on a real root", args: ["demo", "--root", "/storm"], stderr: /^stormkeeper: demo deletes its --root/ },
];

/** Every path under `root` with its data version: what "nothing written" compares. */
async function contents(zk: ZooKeeperClient, root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (path: string) => {
    const { data, stat } = await zk.getData(path);
    out.push(`${path} v${stat.version} ${data.length}`);
    for (const child of (await zk.getChildren(path)).children.sort()) await visit(`${path}/${child}`);
  };
  await visit(root);
  return out;
}

describe("bad command lines: one sentence, exit 2, nothing written", () => {
  let box: SeededRoot;
  let flags: string[];
  let original: string[];
  before(async () => {
    box = await seededRoot("cli-args");
    flags = box.flags;
    original = await contents(box.zk, box.root);
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await box.dispose();
  });

  for (const c of CASES) {
    test(c.name, async () => {
      const [command = "", ...rest] = c.args;
      const run = await runCli(c.bare ? c.args : [command, ...flags, ...rest], c.env);
      assert.equal(run.code, 2, `exit status of ${c.args.join(" ")}: ${run.stderr}`);
      assert.equal(run.stdout, "", "nothing on stdout");
      assert.match(run.stderr, /^stormkeeper( server)?: [^\n]+\n$/, "one line on stderr");
      assert.match(run.stderr.trimEnd(), c.stderr);
      assert.doesNotMatch(run.stderr, /\bat .*:\d+:\d+/, "no stack trace");
    });
  }

  test("--verbose adds the stack trace, and the sentence still comes first", async () => {
    const run = await runCli(["topologies", ...flags, "--timeout", "0", "--verbose"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^stormkeeper: --timeout must be a positive number of seconds, got "0"\n/);
    assert.match(run.stderr, /\n\s+at .*:\d+:\d+/);
  });

  test("none of them, nor the commands that only look, changed the seeded root", async () => {
    for (
      const look of [
        ["topologies"],
        ["topology", "wc-1"],
        ["supervisors"],
        ["errors", "wc-1"],
        ["nimbuses"],
        ["leader"],
        ["dump"],
        ["doctor"],
        ["watch", "--seconds", "0.5"],
      ]
    ) {
      const [command = "", ...rest] = look;
      const run = await runCli([command, ...flags, ...rest]);
      // doctor finds the seeded problems, and leader finds no leader there: both exit 1.
      assert.equal(run.code, command === "doctor" || command === "leader" ? 1 : 0, `${look.join(" ")}: ${run.stderr}`);
    }
    assert.deepEqual(await contents(box.zk, box.root), original);
  });
});
