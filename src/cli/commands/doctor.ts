/**
 * `stormkeeper doctor [--fix [--yes]]`: lists what is wrong (doctor.ts), exit 0 healthy, 1
 * problems, 2 could not look. `--fix` deletes the orphans and undecodable records it listed,
 * after a yes on stdin unless `--yes`.
 */
import process from "node:process";
import { createInterface } from "node:readline";
import { CliError } from "../cli-error.ts";
import { type Command, type Output, stormCommand } from "../command.ts";
import { diagnose, pathsToRemove } from "../doctor.ts";
import { paint, table } from "../format.ts";
import { readSnapshot } from "../snapshot.ts";

/** Asks on stdin; anything but y/yes (or end of input) is a no. */
async function confirm(out: Output, question: string): Promise<boolean> {
  const lines = createInterface({ input: process.stdin });
  process.stdout.write(`${question} [y/N] `);
  try {
    for await (const line of lines) return /^y(es)?$/i.test(line.trim());
    return false;
  } finally {
    lines.close();
    out.print("");
  }
}

/** `stormkeeper doctor`. */
export const doctorCommand: Command = stormCommand({
  usage: "doctor [--fix [--yes]] [options]",
  summary:
    "Finds what is wrong in the Storm state: bases without assignments and the reverse, entries of topologies that no longer exist, records that do not decode, stale worker heartbeats, assignments naming gone supervisors. Exit 0 healthy, 1 problems found, 2 could not look.",
  flags: [
    { name: "fix", help: "delete the orphaned entries and undecodable records listed (asks first)" },
    { name: "yes", help: "with --fix: do not ask" },
  ],
  // Asking needs someone to answer: without a terminal, deleting must be asked for with --yes.
  check: (args) => {
    if (args.flags.fix === true && args.flags.yes !== true && process.stdin.isTTY !== true) {
      throw new CliError(
        "--fix asks before deleting and stdin is not a terminal: add --yes to delete what doctor lists without asking",
      );
    }
  },
  body: async ({ storm, settings, out, args, nowSecs }) => {
    const findings = diagnose(await readSnapshot(storm, nowSecs()), settings.taskTimeoutSecs);
    const removable = pathsToRemove(findings);
    const full = (path: string) => (settings.root === "/" ? path : `${settings.root}${path}`);
    if (args.common.json) {
      out.json({
        healthy: findings.length === 0,
        findings: findings.map((f) => ({ ...f, path: full(f.path) })),
        removable: removable.map(full),
      });
    } else if (findings.length === 0) {
      out.print(paint(out.style, "green", `healthy: no problems under ${settings.root}`));
    } else {
      out.print(
        table(
          out.style,
          ["PROBLEM", "FIXABLE", "DETAIL"],
          findings.map((f) => [f.kind, f.removable ? "yes" : "no", f.message]),
        ),
      );
    }
    if (args.flags.fix === true && removable.length > 0) {
      out.warn(`--fix would delete ${removable.length} path(s):\n${removable.map((p) => `  ${full(p)}`).join("\n")}`);
      if (args.flags.yes !== true && !(await confirm(out, "Delete them?"))) {
        out.warn("nothing deleted");
        return 1;
      }
      for (const path of removable) await storm.state.deleteNode(path);
      out.warn(`deleted ${removable.length} path(s)`);
    }
    return findings.length === 0 ? 0 : 1;
  },
});
