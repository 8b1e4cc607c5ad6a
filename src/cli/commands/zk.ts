/**
 * `stormkeeper zk ls|get|stat|tree|rm PATH`: raw ZooKeeper, paths absolute. `get` decodes a
 * Storm record when the path (under `--root`) names one, and prints other bytes as text when
 * they are UTF-8, else as hex.
 */
import { Buffer } from "node:buffer";
import { pathProblem } from "../../protocol/paths.ts";
import { CorruptRecordError, jsonCodec, type Stat, thriftCodec, type ZooKeeperClient } from "../../../mod.ts";
import { CliError } from "../cli-error.ts";
import { type Command, runGuarded } from "../command.ts";
import { openClient } from "../connection.ts";
import { fields, isoTime } from "../format.ts";
import { recordKindAt, relativeTo } from "../record-kinds.ts";

const ACTIONS = ["ls", "get", "stat", "tree", "rm"] as const;
type Action = (typeof ACTIONS)[number];
const isAction = (v: string | undefined): v is Action => (ACTIONS as readonly string[]).includes(v ?? "");

/** A Stat as JSON-safe fields (zxids as decimal strings). */
function statView(stat: Stat): Record<string, string | number> {
  return {
    czxid: stat.czxid.toString(),
    mzxid: stat.mzxid.toString(),
    pzxid: stat.pzxid.toString(),
    ctime: isoTime(stat.ctime / 1000),
    mtime: isoTime(stat.mtime / 1000),
    version: stat.version,
    cversion: stat.cversion,
    aversion: stat.aversion,
    ephemeralOwner: `0x${stat.ephemeralOwner.toString(16)}`,
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
  };
}

/** Node data for people: a decoded record, UTF-8 text, or hex. */
function describeData(root: string, path: string, data: Uint8Array): { kind: string | null; value: unknown } {
  const relative = relativeTo(root, path);
  const kind = relative === null ? null : recordKindAt(relative);
  if (kind !== null) {
    try {
      return { kind, value: thriftCodec().decode(kind, data, path) };
    } catch (error) {
      if (!(error instanceof CorruptRecordError)) throw error;
      try {
        return { kind, value: jsonCodec.decode(kind, data, path) };
      } catch {
        return {
          kind: `corrupt ${kind}`,
          value: { error: error.message, base64: Buffer.from(data).toString("base64") },
        };
      }
    }
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(data);
  const printable = !text.includes("\uFFFD") && !/[\x00-\x08\x0e-\x1f]/.test(text);
  return { kind: null, value: printable ? text : Buffer.from(data).toString("hex") };
}

const jsonSafe = (
  _key: string,
  value: unknown,
) => (value instanceof Uint8Array ? { base64: Buffer.from(value).toString("base64") } : value);

async function tree(zk: ZooKeeperClient, path: string, depth: number, lines: string[]): Promise<void> {
  const { children } = await zk.getChildren(path);
  for (const name of children.sort()) {
    lines.push(`${"  ".repeat(depth)}${name}`);
    await tree(zk, path === "/" ? `/${name}` : `${path}/${name}`, depth + 1, lines);
  }
}

/** `stormkeeper zk`. */
export const zkCommand: Command = {
  summary: "Raw ZooKeeper: ls, get (Storm records decoded by path), stat, tree, rm PATH.",
  run: (argv) =>
    runGuarded(argv, {
      usage: "zk ls|get|stat|tree|rm PATH [options]",
      summary:
        "Raw ZooKeeper commands on an absolute PATH. get decodes Storm records by their path under --root and prints other bytes as text or hex; rm deletes the node and everything below it.",
      positionals: { min: 2, max: 2 },
    }, async (args, settings, out) => {
      const [action, path = ""] = args.positionals;
      if (!isAction(action)) {
        throw new CliError(`bad arguments: zk takes one of ${ACTIONS.join(", ")}, got ${JSON.stringify(action)}`);
      }
      const problem = pathProblem(path);
      if (problem !== undefined) {
        throw new CliError(
          `bad arguments: PATH must be an absolute ZooKeeper path such as /storm/storms, got ${
            JSON.stringify(path)
          }: ${problem}`,
        );
      }
      const zk = await openClient(settings);
      try {
        if (action === "ls") {
          const { children } = await zk.getChildren(path);
          if (args.common.json) out.json(children.sort());
          else out.print(children.sort().join("\n"));
        } else if (action === "tree") {
          const lines: string[] = [];
          await tree(zk, path, 0, lines);
          if (args.common.json) out.json(lines.map((l) => l.trim()));
          else out.print([path, ...lines.map((l) => `  ${l}`)].join("\n"));
        } else if (action === "stat") {
          const stat = await zk.exists(path);
          if (stat === null) throw new CliError(`there is no node ${path}`);
          if (args.common.json) out.json(statView(stat));
          else out.print(fields(Object.entries(statView(stat)).map(([k, v]) => [k, String(v)])));
        } else if (action === "get") {
          const { data } = await zk.getData(path);
          const { kind, value } = describeData(settings.root, path, data);
          if (args.common.json) out.json(JSON.parse(JSON.stringify({ path, kind, value }, jsonSafe)));
          else {out.print(
              typeof value === "string" ? value : `${kind ?? "data"}: ${JSON.stringify(value, jsonSafe, 2)}`,
            );}
        } else {
          await zk.deleteRecursive(path);
          out.print(`deleted ${path}`);
        }
        return 0;
      } finally {
        await zk.close();
      }
    }),
};
