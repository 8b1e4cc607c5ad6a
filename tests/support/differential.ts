/**
 * Runs a script of operations from several sessions against one server and returns what the
 * clients saw, in a form that does not depend on the server's absolute numbers: zxids by order
 * of first appearance, ephemeral owners by session label, paths relative to the script's root,
 * times dropped. Two servers that behave alike give equal transcripts (see
 * tests/property/server-differential.test.ts).
 */
import {
  type ACL,
  connect,
  type CreateMode,
  CREATOR_ALL_ACL,
  OPEN_ACL_UNSAFE,
  Perms,
  type Stat,
  type WatchedEvent,
  type WatcherType,
  type ZooKeeperClient,
  ZooKeeperError,
} from "../../mod.ts";
import { uniqueRoot } from "./zookeeper.ts";
import { enc } from "./fixtures.ts";

/** A path relative to the root (`""` is the root), or `#n`: the n-th sequential node created so far (mod their count). */
type Target = string;

/**
 * ACLs a script uses: open; `restricted` (read and delete only, so creates and sets below it
 * fail NoAuth yet the script's root can still be removed); `creator` (CREATOR_ALL: InvalidACL
 * unless the session added an identity).
 */
export type AclChoice = "open" | "restricted" | "creator";
/** Digest users a session may authenticate as (the cleanup session adds them all). */
export const USERS = ["u1", "u2"] as const;
const restricted: ACL[] = [{ perms: Perms.READ | Perms.DELETE, id: { scheme: "world", id: "anyone" } }];
const acls: Record<AclChoice, readonly ACL[]> = { open: OPEN_ACL_UNSAFE, restricted, creator: CREATOR_ALL_ACL };

/** One op of a multi. */
export type MultiStep =
  | { readonly kind: "create"; readonly path: string; readonly mode: CreateMode }
  | { readonly kind: "delete" | "check"; readonly path: Target; readonly version: number }
  | { readonly kind: "setData"; readonly path: Target; readonly data: string; readonly version: number };

/** One step of a script; `s` is the session slot that runs it. */
export type Step =
  | {
    readonly op: "create";
    readonly s: number;
    readonly path: string;
    readonly mode: CreateMode;
    readonly data: string;
    readonly acl?: AclChoice;
  }
  | {
    readonly op: "setData";
    readonly s: number;
    readonly path: Target;
    readonly data: string;
    readonly version: number;
  }
  | { readonly op: "delete"; readonly s: number; readonly path: Target; readonly version: number }
  | {
    readonly op: "exists" | "getData" | "getChildren";
    readonly s: number;
    readonly path: Target;
    readonly watch: boolean;
  }
  | {
    readonly op: "addWatch";
    readonly s: number;
    readonly path: Target;
    readonly mode: "persistent" | "persistent-recursive";
  }
  | { readonly op: "multi"; readonly s: number; readonly steps: readonly MultiStep[] }
  | {
    readonly op: "setACL";
    readonly s: number;
    readonly path: Target;
    readonly acl: AclChoice;
    readonly version: number;
  }
  | { readonly op: "addAuth"; readonly s: number; readonly user: (typeof USERS)[number] }
  | { readonly op: "getACL" | "sync" | "getAllChildrenNumber"; readonly s: number; readonly path: Target }
  | { readonly op: "removeWatches"; readonly s: number; readonly path: Target; readonly type: WatcherType }
  | {
    readonly op: "multiRead";
    readonly s: number;
    readonly reads: readonly { readonly kind: "getData" | "getChildren"; readonly path: Target }[];
  }
  | { readonly op: "getEphemerals" | "close"; readonly s: number };

/**
 * How zxids are compared: `order` numbers them by first appearance (robust to other clients of
 * the server); `offset` keeps their distance from the root's czxid, which also shows how many
 * transactions each step took, but only holds on a server nobody else writes to.
 */
export type ZxidView = "order" | "offset";

/** What one step gave: its reply (or error) and, per session label, what that session saw meanwhile. */
export interface StepOutcome {
  readonly step: number;
  readonly reply: unknown;
  /** The stepping session's own log has `<reply>` where the reply arrived among its events. */
  readonly seen: Readonly<Record<string, readonly string[]>>;
}

const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const CONTAINER_OWNER = -0x8000000000000000n;

/** A client of one slot, labelled `s<k>` in the order sessions were opened in the run. */
interface Slot {
  client: ZooKeeperClient;
  label: string;
  log: string[];
  watcher: (event: WatchedEvent) => void;
}

/** Runs `script` with `sessions` slots under a fresh root on the server at `connectString`. */
export async function runScript(
  connectString: string,
  sessions: number,
  script: readonly Step[],
  ttl: number,
  zxidView: ZxidView = "order",
): Promise<StepOutcome[]> {
  const root = uniqueRoot("diff");
  const admin = await connect(connectString);
  const labels = new Map<bigint, string>();
  const zxids = new Map<bigint, number>();
  const sequential: string[] = [];
  const slots: Slot[] = [];
  let opened = 0;

  const rel = (path: string) => (path === root ? "" : path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path);
  const abs = (target: Target) => {
    if (target.startsWith("#")) {
      const picked = sequential.length === 0 ? "none" : sequential[Number(target.slice(1)) % sequential.length];
      return `${root}/${picked}`;
    }
    return target === "" ? root : `${root}/${target}`;
  };
  let base = 0n;
  const zxid = (z: bigint) => {
    if (zxidView === "offset") return Number(z - base);
    if (!zxids.has(z)) zxids.set(z, zxids.size);
    return zxids.get(z);
  };
  const owner = (
    o: bigint,
  ) => (o === 0n
    ? 0
    : o === CONTAINER_OWNER
    ? "container"
    : labels.get(o) ?? `other:${BigInt.asUintN(64, o).toString(16)}`);
  const stat = (s: Stat) => ({
    czxid: zxid(s.czxid),
    mzxid: zxid(s.mzxid),
    pzxid: zxid(s.pzxid),
    version: s.version,
    cversion: s.cversion,
    aversion: s.aversion,
    ephemeralOwner: owner(s.ephemeralOwner),
    dataLength: s.dataLength,
    numChildren: s.numChildren,
  });
  const openSlot = async (): Promise<Slot> => {
    const label = `s${opened++}`;
    const log: string[] = [];
    const client = await connect(connectString);
    labels.set(client.sessionId, label);
    return { client, label, log, watcher: (e) => log.push(`${e.type} ${rel(e.path ?? "?")}`) };
  };
  const failure = (error: unknown) => {
    if (!(error instanceof ZooKeeperError)) throw error;
    const results = error.results?.map((r) => (r as { code?: string }).code ?? "?");
    return results === undefined ? { error: error.code } : { error: error.code, opIndex: error.opIndex, results };
  };
  const created = (path: string, mode: CreateMode) => {
    if (mode.includes("sequential")) sequential.push(rel(path));
    return rel(path);
  };

  const run = async (slot: Slot, step: Step): Promise<unknown> => {
    const zk = slot.client;
    switch (step.op) {
      case "create": {
        const res = await zk.create(`${root}/${step.path}`, enc(step.data), {
          mode: step.mode,
          acl: acls[step.acl ?? "open"],
          ...(step.mode.endsWith("ttl") ? { ttl } : {}),
        });
        return { path: created(res.path, step.mode), stat: stat(res.stat) };
      }
      case "setData":
        return stat(await zk.setData(abs(step.path), enc(step.data), { version: step.version }));
      case "delete":
        await zk.delete(abs(step.path), { version: step.version });
        return "deleted";
      case "exists": {
        const s = await zk.exists(abs(step.path), { watch: step.watch && slot.watcher });
        return s === null ? null : stat(s);
      }
      case "getData": {
        const { data, stat: s } = await zk.getData(abs(step.path), { watch: step.watch && slot.watcher });
        return { data: dec(data), stat: stat(s) };
      }
      case "getChildren": {
        // ZooKeeper keeps children in a hash set: their order is no promise, so it is not compared.
        const { children, stat: s } = await zk.getChildren(abs(step.path), { watch: step.watch && slot.watcher });
        return { children: children.sort(), stat: stat(s) };
      }
      case "addWatch":
        await zk.addWatch(abs(step.path), slot.watcher, { mode: step.mode });
        return "watching";
      case "getEphemerals":
        return (await zk.getEphemerals(root)).map(rel).sort();
      case "close":
        return "closed";
      case "setACL":
        return stat(await zk.setACL(abs(step.path), acls[step.acl], { version: step.version }));
      case "addAuth":
        await zk.addAuth("digest", `${step.user}:secret`);
        return "authenticated";
      case "getACL": {
        const { acl, stat: s } = await zk.getACL(abs(step.path));
        return { acl, stat: stat(s) };
      }
      case "sync":
        await zk.sync(abs(step.path));
        return "synced";
      case "getAllChildrenNumber":
        return await zk.getAllChildrenNumber(abs(step.path));
      case "removeWatches":
        // The client answers NoWatcher itself for a watch it never set; the others it asks the server to remove.
        await zk.removeWatches(abs(step.path), step.type, { watcher: slot.watcher });
        return "removed";
      case "multiRead": {
        const batch = zk.multiRead();
        for (const r of step.reads) r.kind === "getData" ? batch.getData(abs(r.path)) : batch.getChildren(abs(r.path));
        return (await batch.commit()).map((r) => {
          if (r.type === "getData") return { data: dec(r.data), stat: stat(r.stat) };
          if (r.type === "getChildren") return { children: [...r.children].sort() };
          return { error: r.error.code };
        });
      }
      case "multi": {
        const tx = zk.multi();
        const modes: CreateMode[] = [];
        for (const m of step.steps) {
          if (m.kind === "create") {
            tx.create(`${root}/${m.path}`, enc(""), { mode: m.mode, ...(m.mode.endsWith("ttl") ? { ttl } : {}) });
            modes.push(m.mode);
          } else if (m.kind === "delete") tx.delete(abs(m.path), m.version);
          else if (m.kind === "check") tx.check(abs(m.path), m.version);
          else if (m.kind === "setData") tx.setData(abs(m.path), enc(m.data), m.version);
        }
        const results = await tx.commit();
        let c = 0;
        return results.map((r) => {
          if (r.type === "create") {
            return { create: created(r.path, modes[c++] ?? "persistent"), ...(r.stat ? { stat: stat(r.stat) } : {}) };
          }
          if (r.type === "setData") return { setData: stat(r.stat) };
          return r.type;
        });
      }
    }
  };

  try {
    await admin.create(root);
    base = (await admin.exists(root))?.czxid ?? -1n;
    zxid(base);
    for (let i = 0; i < sessions; i++) slots.push(await openSlot());
    const outcomes: StepOutcome[] = [];
    for (const [index, step] of script.entries()) {
      const present = [...slots];
      const slot = present[step.s] as Slot;
      const marks = present.map((s) => s.log.length);
      let reply: unknown;
      try {
        reply = await run(slot, step);
      } catch (error) {
        reply = failure(error);
      }
      slot.log.push("<reply>");
      if (step.op === "close") {
        await slot.client.close();
        slots[step.s] = await openSlot();
      }
      // Every session answers one more request: events a step fired for it come before that reply.
      for (const s of slots) await s.client.exists(root);
      const seen: Record<string, string[]> = {};
      present.forEach((s, i) => {
        const events = s.log.slice(marks[i]);
        // closeSession deletes the ephemerals in hash-set order: no order is promised among them.
        seen[s.label] = step.op === "close" && s !== slot ? events.sort() : events;
      });
      outcomes.push({ step: index, reply, seen });
    }
    return outcomes;
  } finally {
    for (const s of slots) await s.client.close().catch(() => {});
    for (const user of USERS) await admin.addAuth("digest", `${user}:secret`);
    await admin.deleteRecursive(root).catch(() => {});
    await admin.close();
  }
}
