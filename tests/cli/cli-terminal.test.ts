/**
 * The CLI in a real terminal (tmux on a private socket): tables sized to the window whatever
 * of the window size.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { type Sandbox, sandbox, sharedConnectString, until } from "../support/zookeeper.ts";
import { cliCommand, seedCluster } from "./support.ts";

const socket = `stormkeeper-cli-${randomBytes(4).toString("hex")}`;
const tmux = (...args: string[]): string => execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const screen = (name: string) => tmux("capture-pane", "-p", "-t", `=${name}:`);

/** Starts `stormkeeper args…` in a new detached window of the given size; the shell reports its exit status. */
function open(name: string, width: number, args: readonly string[]): void {
  const command = `${[...cliCommand(), ...args].map(quote).join(" ")}; echo "exit status $?"; sleep 60`;
  tmux("new-session", "-d", "-s", name, "-x", String(width), "-y", "30", `env -u NO_COLOR -u NODE_TEST_CONTEXT -u NODE_OPTIONS ZK_CONNECT=${quote(sharedConnectString())} sh -c ${quote(command)}`);
}

/** Waits (bounded) until the window shows `pattern`; returns the screen. */
async function shows(name: string, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  let text = "";
  await until(() => pattern.test((text = screen(name))), timeoutMs, `${pattern} on screen`);
  return text;
}

describe("stormkeeper in a terminal", () => {
  let box: Sandbox;
  before(async () => {
    box = await sandbox("cli-tty");
    await seedCluster(box.zk, box.root);
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

  test("the topologies table fits a narrow window (cells cut, no wrapping) and uses a wide one whole", async () => {
    open("sk-narrow", 70, ["topologies", "--root", box.root]);
    const narrow = await shows("sk-narrow", /exit status 0/);
    const rows = narrow.split("\n").filter((l) => /^(ID|wc-1|bad)/.test(l));
    assert.equal(rows.length, 3, narrow);
    for (const row of rows) assert.ok(row.length <= 70, `"${row}" fits 70 columns`);
    assert.match(narrow, /…/, "a narrow window cuts cells");
    tmux("kill-session", "-t", "sk-narrow");

    open("sk-wide", 220, ["topologies", "--root", box.root]);
    const wide = await shows("sk-wide", /exit status 0/);
    assert.doesNotMatch(wide, /…/);
    assert.match(wide, /^wc-1\s+wordcount\s+ACTIVE\s+2\s+200\s+alice\s+-\s+-\s+yes/m);
    tmux("kill-session", "-t", "sk-wide");
  });
});
