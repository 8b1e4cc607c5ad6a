/**
 * Reads a subtree into a map of {@link ChildData}, every request pipelined: each node's data and
 * children are asked for together, and all nodes of one level are in flight at once, so loading
 * N nodes costs about one round trip per level, not 2N.
 * @module
 */
import type { Stat } from "../jute/records.ts";
import type { ChildData } from "./cache-model.ts";
import { isZooKeeperError } from "./protected-create.ts";

/** The reads a tree load makes. */
export interface TreeReadClient {
  getData(path: string): Promise<{ data: Uint8Array; stat: Stat }>;
  getChildren(path: string): Promise<{ children: string[] }>;
}

/** `getData`, with a node that does not exist (or went meanwhile) as undefined. */
export async function readNode(zk: Pick<TreeReadClient, "getData">, path: string): Promise<ChildData | undefined> {
  try {
    const { data, stat } = await zk.getData(path);
    return { path, data, stat };
  } catch (error) {
    if (isZooKeeperError(error, "NoNode")) return undefined;
    throw error;
  }
}

async function readChildren(zk: TreeReadClient, path: string): Promise<string[]> {
  try {
    return (await zk.getChildren(path)).children;
  } catch (error) {
    if (isZooKeeperError(error, "NoNode")) return [];
    throw error;
  }
}

/**
 * The nodes at and below `root` (only `root` itself unless `recursive`). A node that vanishes
 * while the tree is read is left out; one created meanwhile may be missed — the caller's watch,
 * set before the read, reports both.
 */
export async function readTree(zk: TreeReadClient, root: string, recursive: boolean): Promise<Map<string, ChildData>> {
  const nodes = new Map<string, ChildData>();
  const visit = async (path: string): Promise<void> => {
    const [node, children] = await Promise.all([
      readNode(zk, path),
      recursive ? readChildren(zk, path) : Promise.resolve([]),
    ]);
    if (node === undefined) return;
    nodes.set(path, node);
    const prefix = path === "/" ? "/" : `${path}/`;
    await Promise.all(children.map((child) => visit(prefix + child)));
  };
  await visit(root);
  return nodes;
}
