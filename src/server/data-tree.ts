/**
 * The server's data tree: nodes with their Stat bookkeeping, as ZooKeeper's `DataTree` keeps it.
 * It knows nothing of sockets, sessions or watches: every change takes the zxid and time of its
 * transaction from the caller and returns what happened, so the rest of the server decides what
 * to tell whom. A change that fails throws {@link TreeError} and leaves the tree untouched.
 */
import type { ACL, Stat } from "../jute/records.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { joinPath, parentPath } from "../protocol/paths.ts";
import { ChildNames } from "./child-names.ts";

/** A failed tree operation with ZooKeeper's error code (e.g. `ErrorCode.NoNode`). */
export class TreeError extends Error {
  override readonly name = "TreeError";
  constructor(readonly errno: number, message: string) {
    super(message);
  }
}

/** `ephemeralOwner` of a container node (`EphemeralType.CONTAINER`: Long.MIN_VALUE). */
export const CONTAINER_OWNER = -0x8000000000000000n;
/** TTL nodes carry `0xFF` in the top byte of `ephemeralOwner` and the TTL below it. */
const TTL_MARK = 0xffn << 56n;

/** The stored owner of a TTL node with `ttl` ms (signed, as ZooKeeper keeps it). */
export function ttlOwner(ttl: bigint): bigint {
  return BigInt.asIntN(64, TTL_MARK | ttl);
}

/** The TTL of a TTL node's owner value, or undefined when the owner is not a TTL mark. */
export function ttlOf(owner: bigint): bigint | undefined {
  const unsigned = BigInt.asUintN(64, owner);
  return (unsigned & TTL_MARK) === TTL_MARK ? unsigned & ~TTL_MARK : undefined;
}

/** A mutable node of the tree; `stat` is rebuilt on change so handed-out Stats stay valid. */
export interface TreeNode {
  /**
   * `ephemeralOwner` as stored: a session id, {@link CONTAINER_OWNER}, a TTL mark or 0. The Stat
   * shows only a session owner; containers and TTL nodes report 0, as ZooKeeper's
   * `DataNode.copyStat` does.
   */
  readonly owner: bigint;
  data: Uint8Array;
  acl: readonly ACL[];
  stat: Stat;
  readonly children: ChildNames;
  /**
   * Children ever created here. ZooKeeper stores this as the cversion, reports
   * `2 * creates - numChildren` (creates plus deletes), and names sequential children by it.
   */
  creates: number;
}

const zeroStat: Stat = {
  czxid: 0n,
  mzxid: 0n,
  ctime: 0,
  mtime: 0,
  version: 0,
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  dataLength: 0,
  numChildren: 0,
  pzxid: 0n,
};

/** Transaction context of a change: its zxid and the server's clock when it was applied. */
export interface Txn {
  readonly zxid: bigint;
  readonly time: number;
}

/** The tree: `/`, `/zookeeper`, `/zookeeper/quota` and `/zookeeper/config` exist from the start. */
export class DataTree {
  readonly nodes = new Map<string, TreeNode>();
  /** Ephemeral paths by owner session, for getEphemerals and session close. */
  readonly ephemerals = new Map<bigint, Set<string>>();

  constructor(openAcl: readonly ACL[], configData: Uint8Array, readAcl: readonly ACL[]) {
    // The system nodes are linked in without a create, so (see TreeNode.creates) a fresh tree
    // reports root cversion -1 and /zookeeper cversion -2, as ZooKeeper does; /zookeeper/config
    // gets its ACL by a setACL at version -1, which ZooKeeper stores as the aversion.
    this.nodes.set("/", {
      owner: 0n,
      data: new Uint8Array(0),
      acl: openAcl,
      stat: zeroStat,
      children: new ChildNames(),
      creates: 0,
    });
    this.#link("/zookeeper", new Uint8Array(0), openAcl, 0);
    this.#link("/zookeeper/quota", new Uint8Array(0), openAcl, 0);
    this.#link("/zookeeper/config", configData, readAcl, -1);
  }

  #link(path: string, data: Uint8Array, acl: readonly ACL[], aversion: number): void {
    this.nodes.set(path, {
      owner: 0n,
      data,
      acl,
      stat: { ...zeroStat, aversion, dataLength: data.length },
      children: new ChildNames(),
      creates: 0,
    });
    const parent = this.nodes.get(parentPath(path));
    if (parent === undefined) return;
    parent.children.add(path.slice(path.lastIndexOf("/") + 1));
    parent.stat = childrenStat(parent, parent.stat.pzxid);
  }

  /** The node at `path`, or throws NoNode. */
  get(path: string): TreeNode {
    const node = this.nodes.get(path);
    if (node === undefined) throw new TreeError(ErrorCode.NoNode, `no node ${path}`);
    return node;
  }

  /**
   * The path a create would produce: sequential names take the parent's count of creates (its
   * stored cversion), 10 digits (a negative count keeps its sign, as Java's `%010d` does).
   */
  createdPath(path: string, parent: TreeNode, sequential: boolean): string {
    if (!sequential) return path;
    const count = parent.creates;
    const digits = Math.abs(count).toString().padStart(count < 0 ? 9 : 10, "0");
    return `${path}${count < 0 ? "-" : ""}${digits}`;
  }

  /** Why a create of `path` under its parent would fail, checked in ZooKeeper's order. */
  checkCreate(path: string): void {
    const parent = this.nodes.get(parentPath(path));
    if (parent === undefined) throw new TreeError(ErrorCode.NoNode, `no parent for ${path}`);
    if (this.nodes.has(path)) throw new TreeError(ErrorCode.NodeExists, `${path} exists`);
    if (isSessionOwner(parent.owner)) {
      throw new TreeError(ErrorCode.NoChildrenForEphemerals, `${parentPath(path)} is ephemeral`);
    }
  }

  /** Creates `path` (already resolved, see {@link createdPath}); returns its Stat. */
  create(path: string, data: Uint8Array, acl: readonly ACL[], owner: bigint, txn: Txn): Stat {
    this.checkCreate(path);
    const parent = this.get(parentPath(path));
    const stat: Stat = {
      czxid: txn.zxid,
      mzxid: txn.zxid,
      ctime: txn.time,
      mtime: txn.time,
      version: 0,
      cversion: 0,
      aversion: 0,
      ephemeralOwner: isSessionOwner(owner) ? owner : 0n,
      dataLength: data.length,
      numChildren: 0,
      pzxid: txn.zxid,
    };
    this.nodes.set(path, { owner, data, acl, stat, children: new ChildNames(), creates: 0 });
    parent.children.add(path.slice(path.lastIndexOf("/") + 1));
    parent.creates++;
    parent.stat = childrenStat(parent, txn.zxid);
    if (isSessionOwner(owner)) {
      let paths = this.ephemerals.get(owner);
      if (paths === undefined) this.ephemerals.set(owner, paths = new Set());
      paths.add(path);
    }
    return stat;
  }

  /** Why deleting `path` at `version` (-1: any) would fail. */
  checkDelete(path: string, version: number): void {
    if (isSystemNode(path)) {
      // ZooKeeper refuses to delete its own nodes with BadArguments.
      throw new TreeError(ErrorCode.BadArguments, `${path} is a system node`);
    }
    const node = this.get(path);
    if (version !== -1 && node.stat.version !== version) {
      throw new TreeError(ErrorCode.BadVersion, `version of ${path} is ${node.stat.version}`);
    }
    if (node.children.size > 0) throw new TreeError(ErrorCode.NotEmpty, `${path} has children`);
  }

  /** Deletes `path`. */
  delete(path: string, version: number, txn: Txn): void {
    this.checkDelete(path, version);
    const node = this.get(path);
    this.nodes.delete(path);
    const parent = this.get(parentPath(path));
    parent.children.delete(path.slice(path.lastIndexOf("/") + 1));
    parent.stat = childrenStat(parent, txn.zxid);
    const owner = node.owner;
    if (isSessionOwner(owner)) {
      const paths = this.ephemerals.get(owner);
      paths?.delete(path);
      if (paths?.size === 0) this.ephemerals.delete(owner);
    }
  }

  /** Why a setData at `version` would fail. */
  checkVersion(path: string, version: number): TreeNode {
    const node = this.get(path);
    if (version !== -1 && node.stat.version !== version) {
      throw new TreeError(ErrorCode.BadVersion, `version of ${path} is ${node.stat.version}`);
    }
    return node;
  }

  /** Replaces the data; returns the new Stat. */
  setData(path: string, data: Uint8Array, version: number, txn: Txn): Stat {
    const node = this.checkVersion(path, version);
    node.data = data;
    node.stat = {
      ...node.stat,
      mzxid: txn.zxid,
      mtime: txn.time,
      version: node.stat.version + 1,
      dataLength: data.length,
    };
    return node.stat;
  }

  /** Why a setACL at ACL `version` would fail. */
  checkAclVersion(path: string, version: number): TreeNode {
    const node = this.get(path);
    if (version !== -1 && node.stat.aversion !== version) {
      throw new TreeError(ErrorCode.BadVersion, `ACL version of ${path} is ${node.stat.aversion}`);
    }
    return node;
  }

  /** Replaces the ACL; returns the new Stat. */
  setAcl(path: string, acl: readonly ACL[], version: number): Stat {
    const node = this.checkAclVersion(path, version);
    node.acl = acl;
    node.stat = { ...node.stat, aversion: node.stat.aversion + 1 };
    return node.stat;
  }

  /** Number of all descendants of `path` (getAllChildrenNumber). */
  descendantCount(path: string): number {
    let count = 0;
    const stack = [path];
    for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
      for (const child of this.get(p).children) {
        count++;
        stack.push(joinPath(p, child));
      }
    }
    return count;
  }

  /** A deep snapshot, restored by {@link restore}: multi rolls back with it. */
  snapshot(): Map<string, TreeNode> {
    const copy = new Map<string, TreeNode>();
    for (const [path, node] of this.nodes) copy.set(path, { ...node, children: node.children.copy() });
    return copy;
  }

  /** Puts back a {@link snapshot} (the ephemeral index is rebuilt from it). */
  restore(saved: Map<string, TreeNode>): void {
    this.nodes.clear();
    this.ephemerals.clear();
    for (const [path, node] of saved) {
      this.nodes.set(path, node);
      const owner = node.owner;
      if (!isSessionOwner(owner)) continue;
      let paths = this.ephemerals.get(owner);
      if (paths === undefined) this.ephemerals.set(owner, paths = new Set());
      paths.add(path);
    }
  }
}

/** A node's Stat after its children changed at `pzxid` (cversion as ZooKeeper reports it). */
function childrenStat(node: TreeNode, pzxid: bigint): Stat {
  const numChildren = node.children.size;
  return { ...node.stat, cversion: 2 * node.creates - numChildren, numChildren, pzxid };
}

/** `/`, `/zookeeper` and its quota and config nodes: ZooKeeper's "special paths", never deleted. */
export function isSystemNode(path: string): boolean {
  return path === "/" || path === "/zookeeper" || path === "/zookeeper/quota" || path === "/zookeeper/config";
}

/** An owner that is a session (not 0, not a container or TTL mark). */
export function isSessionOwner(owner: bigint): boolean {
  return owner !== 0n && owner !== CONTAINER_OWNER && ttlOf(owner) === undefined;
}
