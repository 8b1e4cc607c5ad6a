/**
 * `stormkeeper dump`: every node under the Storm root as JSON, records decoded (by path, see
 * record-kinds.ts), other bytes as base64, undecodable records with the reason.
 */
import { Buffer } from "node:buffer";
import { CorruptRecordError, type StormClusterState } from "../../../mod.ts";
import { type Command, stormCommand } from "../command.ts";
import { recordKindAt } from "../record-kinds.ts";

/** One node of the dump: its path relative to the Storm root and what it holds. */
export type DumpEntry =
  | { readonly path: string; readonly kind: string; readonly record: unknown }
  | { readonly path: string; readonly kind: string; readonly corrupt: string; readonly base64: string }
  | { readonly path: string; readonly base64: string };

// JSON has no bytes: the one binary field (PrivateWorkerKey.key) is shown as base64.
const jsonSafe = (
  _key: string,
  value: unknown,
) => (value instanceof Uint8Array ? { base64: Buffer.from(value).toString("base64") } : value);

/** Every node under the root, depth first in name order (the root itself left out). */
export async function dumpState(storm: StormClusterState): Promise<DumpEntry[]> {
  const out: DumpEntry[] = [];
  const visit = async (path: string): Promise<void> => {
    const children = (await storm.state.getChildren(path === "" ? "/" : path)).sort();
    for (const name of children) {
      const child = `${path}/${name}`;
      const bytes = await storm.state.getData(child);
      if (bytes !== null) out.push(decodeEntry(storm, child, bytes));
      await visit(child);
    }
  };
  await visit("");
  return out;
}

function decodeEntry(storm: StormClusterState, path: string, bytes: Uint8Array): DumpEntry {
  const kind = recordKindAt(path);
  const base64 = Buffer.from(bytes).toString("base64");
  if (kind === null) return { path, base64 };
  try {
    return { path, kind, record: JSON.parse(JSON.stringify(storm.codec.decode(kind, bytes, path), jsonSafe)) };
  } catch (error) {
    if (!(error instanceof CorruptRecordError)) throw error;
    return { path, kind, corrupt: error.message, base64 };
  }
}

/** `stormkeeper dump`. */
export const dumpCommand: Command = stormCommand({
  usage: "dump [options]",
  summary:
    "The whole Storm state as JSON: [{ path, kind, record } | { path, kind, corrupt, base64 } | { path, base64 }], paths relative to the root.",
  body: async ({ storm, out }) => {
    out.json(await dumpState(storm));
    return 0;
  },
});
