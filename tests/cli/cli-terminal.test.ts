/**
 * The CLI in a real terminal (tmux on a private socket): tables sized to the window, `watch`
 * printing one timestamped line per change while the test changes the cluster, and both
 * following the window when it is resized while they run.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, afterEach, before, describe, test } from "node:test";
import { type Proxy, startProxy } from "../support/proxy.ts";
import { sharedConnectString, until } from "../support/zookeeper.ts";
import { cliCommand, type SeededRoot, seededRoot, vectorBytes, withSeededRoot } from "./support.ts";

const socket = `stormkeeper-cli-${randomBytes(4).toString("hex")}`;
const tmux = (...args: string[]): string =>
  execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const screen = (name: string) => tmux("capture-pane", "-p", "-t", `=${name}:`);
const STAMP = /^\d\d:\d\d:\d\d /;

/** Windows opened by the running test; closed after it, passed or failed. */
const opened = new Set<string>();

/**
 * Starts `stormkeeper args…` in a new detached window of the given size; the shell reports its
 * exit status (it traps Ctrl-C, which reaches the whole foreground group, so it outlives it).
 */
function open(name: string, width: number, args: readonly string[]): void {
  opened.add(name);
  const command = `trap : INT; ${[...cliCommand(), ...args].map(quote).join(" ")}; echo "exit status $?"; sleep 60`;
  tmux(
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    String(width),
    "-y",
    "30",
    `env -u NO_COLOR -u NODE_TEST_CONTEXT -u NODE_OPTIONS ZK_CONNECT=${quote(sharedConnectString())} sh -c ${
      quote(command)
    }`,
  );
}

/** Closes a window if it is still there (a failed test may leave it, or not). */
const close = (name: string) => {
  try {
    tmux("kill-session", "-t", `=${name}`);
  } catch {
    // already gone
  }
};

/** Waits (bounded) until the window shows `pattern`; returns the screen. */
async function shows(name: string, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  let text = "";
  await until(() => pattern.test(text = screen(name)), timeoutMs, `${pattern} on screen`);
  return text;
}

/** The lines a watch printed after its "watching" line, timestamps and all. */
const changeLines = (text: string): string[] => {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const start = lines.findIndex((l) => / watching /.test(l));
  return lines.slice(start + 1).filter((l) => !/^exit status/.test(l));
};

describe("stormkeeper in a terminal", () => {
  let box: SeededRoot;
  before(async () => {
    box = await seededRoot("cli-tty");
    // Keeps the private server up between test windows (it exits with its last session).
    tmux("new-session", "-d", "-s", "sk-keep", "sleep 600");
  });
  after(async () => {
    try {
      tmux("kill-server");
    } finally {
      await box.dispose();
    }
  });
  afterEach(() => {
    for (const name of opened) close(name);
    opened.clear();
  });

  test("the topologies table fits a narrow window (cells cut, no wrapping) and uses a wide one whole", async () => {
    open("sk-narrow", 70, ["topologies", "--root", box.root]);
    const narrow = await shows("sk-narrow", /exit status 0/);
    const rows = narrow.split("\n").filter((l) => /^(ID|wc-1|bad)/.test(l));
    assert.equal(rows.length, 3, narrow);
    for (const row of rows) assert.ok(row.length <= 70, `"${row}" fits 70 columns`);
    assert.match(narrow, /…/, "a narrow window cuts cells");

    open("sk-wide", 220, ["topologies", "--root", box.root]);
    const wide = await shows("sk-wide", /exit status 0/);
    assert.doesNotMatch(wide, /…/);
    assert.match(wide, /^wc-1\s+wordcount\s+ACTIVE\s+2\s+200\s+alice\s+-\s+-\s+yes/m);
  });

  test("a table command resized while it waits for ZooKeeper prints for the new width", async () => {
    const [, port] = sharedConnectString().split(":");
    const proxy: Proxy = await startProxy(Number(port));
    try {
      // Everything through the proxy is held, so the command is still waiting when the window shrinks.
      // (12 s: room for a slow start on a loaded machine; the assertion below says if it was not enough.)
      const heldUntil = Date.now() + 12_000;
      proxy.stall(12_000);
      open("sk-resize", 220, ["topologies", "--zk", proxy.connectString, "--root", box.root, "--timeout", "30"]);
      await until(() => proxy.openConnections() > 0, 12_000, "the command connected to the proxy");
      tmux("resize-window", "-t", "=sk-resize:", "-x", "64");
      assert.ok(Date.now() < heldUntil, "resized while the command was still waiting for ZooKeeper");
      const text = await shows("sk-resize", /exit status 0/, 40_000);
      const rows = text.split("\n").filter((l) => /^(ID|wc-1|bad)/.test(l));
      assert.equal(rows.length, 3, text);
      for (const row of rows) assert.ok(row.length <= 64, `"${row}" fits the new 64 columns`);
      assert.match(rows[0] ?? "", /^ID\s+NAME/);
      assert.match(text, /…/, "cut to the new width, not laid out for 220");
    } finally {
      await proxy.close();
    }
  });

  test("watch prints one timestamped line per change, follows a resize, and stops at Ctrl-C", () =>
    withSeededRoot("cli-watch-tty", async (live) => {
      open("sk-watch", 160, ["watch", "--root", live.root]);
      await shows("sk-watch", / watching .*\(Ctrl-C to stop\)/);
      const at = (path: string) => `${live.root}${path}`;
      // Each change, written with Storm's own bytes, and the one line watch must print for it.
      const changes: [string, () => Promise<unknown>, RegExp][] = [
        [
          "topology added",
          () => live.zk.create(at("/storms/new-1"), vectorBytes("StormBase with only required fields")),
          /^topology new-1 added \(wordcount, ACTIVE\)$/,
        ],
        [
          "status change",
          () => live.zk.setData(at("/storms/new-1"), vectorBytes("StormBase being killed")),
          /^topology new-1 status ACTIVE → KILLED$/,
        ],
        [
          "assignment change",
          () => live.zk.setData(at("/assignments/wc-1"), vectorBytes("Assignment with the system executor [-1,-1]")),
          /^topology wc-1 assignment changed: \+s:6700 -sup-1:6700 /,
        ],
        [
          "supervisor joins",
          () => live.zk.create(at("/supervisors/sup-9"), vectorBytes("SupervisorInfo with every field")),
          /^supervisor sup-9 joined \(host-1\)$/,
        ],
        ["supervisor leaves", () => live.zk.delete(at("/supervisors/sup-9")), /^supervisor sup-9 left$/],
        [
          "new error",
          () => live.zk.create(at("/errors/wc-1/count/e0000000002"), vectorBytes("ErrorInfo without host and port")),
          /^topology wc-1 count: new error on \?:\?:$/,
        ],
        ["topology removed", () => live.zk.delete(at("/storms/new-1")), /^topology new-1 removed$/],
      ];
      for (const [index, [what, change]] of changes.entries()) {
        await change();
        // The next change waits for this one's line, so each is reported on its own.
        await until(() => changeLines(screen("sk-watch")).length >= index + 1, 20_000, `a line for "${what}"`).catch(
          (error) => {
            throw new Error(
              `${error instanceof Error ? error.message : String(error)}; the screen:\n${screen("sk-watch")}`,
            );
          },
        );
      }
      const lines = changeLines(screen("sk-watch"));
      assert.equal(lines.length, changes.length, `one line per change:\n${lines.join("\n")}`);
      for (const [i, [what, , pattern]] of changes.entries()) {
        assert.match(lines[i] ?? "", STAMP, `"${what}" is timestamped`);
        assert.match((lines[i] ?? "").replace(STAMP, ""), pattern, `${what}:\n${lines.join("\n")}`);
      }

      // Narrowed while it runs: the next line is cut to the new width instead of wrapping.
      tmux("resize-window", "-t", "=sk-watch:", "-x", "40");
      await until(() => screen("sk-watch").split("\n").every((l) => l.length <= 40), 10_000, "the pane is 40 wide");
      await live.zk.create(
        at("/supervisors/sup-with-a-rather-long-identifier"),
        vectorBytes("SupervisorInfo with every field"),
      );
      const narrow = await shows("sk-watch", /supervisor sup-with/);
      const line = narrow.split("\n").find((l) => /supervisor sup-with/.test(l)) ?? "";
      assert.match(line, STAMP);
      assert.match(line, /…$/, `cut, not wrapped: "${line}"`);
      assert.doesNotMatch(narrow, /identifier joined/, "no wrapped remainder");

      tmux("send-keys", "-t", "=sk-watch:", "C-c");
      await shows("sk-watch", /exit status 0/);
    }));

  test("doctor --fix at a terminal lists, asks, and deletes only after a typed yes", () =>
    withSeededRoot("cli-fix-tty", async (sick) => {
      const { removable } = sick;
      open("sk-no", 160, ["doctor", "--fix", "--root", sick.root]);
      await shows("sk-no", /Delete them\? \[y\/N\]/);
      tmux("send-keys", "-t", "=sk-no:", "n", "Enter");
      const refused = await shows("sk-no", /exit status 1/);
      assert.match(refused, /nothing deleted/);
      for (const path of removable) assert.notEqual(await sick.zk.exists(path), null, `${path} kept after a no`);

      open("sk-yes", 160, ["doctor", "--fix", "--root", sick.root]);
      const asked = await shows("sk-yes", /Delete them\? \[y\/N\]/);
      for (const path of removable) assert.match(asked, new RegExp(`^  ${path}$`, "m"), `${path} listed before asking`);
      tmux("send-keys", "-t", "=sk-yes:", "y", "Enter");
      assert.match(await shows("sk-yes", /exit status 1/), /deleted 5 path\(s\)/);
      for (const path of removable) assert.equal(await sick.zk.exists(path), null, `${path} deleted after a yes`);
    }));
});
