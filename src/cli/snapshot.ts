/**
 * One read of everything the commands show: every topology id found under any of Storm's
 * per-topology subtrees, with its records, the supervisors and nimbuses, and each record that
 * did not decode (path and reason) instead of failing the whole read.
 */
import {
  type Assignment,
  type ClusterWorkerHeartbeat,
  CorruptRecordError,
  type ErrorInfo,
  type NimbusSummary,
  type RecordKind,
  type RecordTypes,
  type StormBase,
  type StormClusterState,
  stormPaths,
  type SupervisorInfo,
  urlDecode,
  ZooKeeperError,
} from "../../mod.ts";

/** A node whose bytes are not the record its path calls for. */
export interface UnreadableRecord {
  /** Relative to the Storm root. */
  readonly path: string;
  readonly kind: RecordKind;
  readonly reason: string;
}

/** One `/workerbeats/<id>/<node>-<port>` entry; `heartbeat` null when it did not decode or is empty. */
export interface WorkerBeat {
  readonly node: string;
  readonly port: number;
  readonly heartbeat: ClusterWorkerHeartbeat | null;
}

/** The subtrees that hold something for a topology id (what `doctor` compares). */
export interface Presence {
  readonly storms: boolean;
  readonly assignments: boolean;
  readonly workerbeats: boolean;
  readonly errors: boolean;
  readonly backpressure: boolean;
  readonly credentials: boolean;
  readonly logconfigs: boolean;
}

/** What the state holds for one topology id. */
export interface TopologySnapshot {
  readonly id: string;
  readonly presence: Presence;
  readonly base: StormBase | null;
  readonly assignment: Assignment | null;
  readonly workers: readonly WorkerBeat[];
  /** Component id → its errors, newest first. */
  readonly errors: Readonly<Record<string, readonly ErrorInfo[]>>;
  /** Workers that reported backpressure (`/backpressure/<id>` children). */
  readonly backpressureWorkers: readonly string[];
  /** The credential names (never their values), or null without a credentials record. */
  readonly credentialKeys: readonly string[] | null;
}

/** The whole cluster as read at `takenAtSecs`. */
export interface ClusterSnapshot {
  readonly takenAtSecs: number;
  readonly topologies: readonly TopologySnapshot[];
  readonly supervisors: Readonly<Record<string, SupervisorInfo | null>>;
  readonly nimbuses: readonly NimbusSummary[];
  readonly unreadable: readonly UnreadableRecord[];
}

const PER_TOPOLOGY = [
  "storms",
  "assignments",
  "workerbeats",
  "errors",
  "backpressure",
  "credentials",
  "logconfigs",
] as const;

/** Reads the snapshot; ZooKeeper failures reject it, undecodable records are listed instead. */
export async function readSnapshot(storm: StormClusterState, nowSecs: number): Promise<ClusterSnapshot> {
  const state = storm.state;
  const unreadable: UnreadableRecord[] = [];
  const children = async (path: string): Promise<string[]> => {
    try {
      return (await state.getChildren(path)).sort();
    } catch (error) {
      if (error instanceof ZooKeeperError && error.code === "NoNode") return [];
      throw error;
    }
  };
  const record = async <K extends RecordKind>(kind: K, path: string): Promise<RecordTypes[K] | null> => {
    const bytes = await state.getData(path);
    if (bytes === null) return null;
    try {
      return storm.codec.decode(kind, bytes, path);
    } catch (error) {
      if (!(error instanceof CorruptRecordError)) throw error;
      unreadable.push({ path, kind, reason: error.message.replace(/^corrupt \w+ record at \S+: /, "") });
      return null;
    }
  };

  const listed = Object.fromEntries(
    await Promise.all(PER_TOPOLOGY.map(async (sub) => [sub, new Set(await children(`/${sub}`))] as const)),
  ) as Record<(typeof PER_TOPOLOGY)[number], Set<string>>;
  const ids = [...new Set(PER_TOPOLOGY.flatMap((sub) => [...listed[sub]]))].sort();

  const topologies = await Promise.all(ids.map(async (id): Promise<TopologySnapshot> => {
    const presence: Presence = {
      storms: listed.storms.has(id),
      assignments: listed.assignments.has(id),
      workerbeats: listed.workerbeats.has(id),
      errors: listed.errors.has(id),
      backpressure: listed.backpressure.has(id),
      credentials: listed.credentials.has(id),
      logconfigs: listed.logconfigs.has(id),
    };
    const [base, assignment, workers, errors, backpressureWorkers, credentials] = await Promise.all([
      presence.storms ? record("StormBase", stormPaths.stormPath(id)) : null,
      presence.assignments ? record("Assignment", stormPaths.assignmentPath(id)) : null,
      presence.workerbeats ? readWorkers(id) : [],
      presence.errors ? readErrors(id) : {},
      presence.backpressure ? children(stormPaths.backpressureStormRoot(id)) : [],
      presence.credentials ? record("Credentials", stormPaths.credentialsPath(id)) : null,
    ]);
    if (presence.logconfigs) await record("LogConfig", stormPaths.logConfigPath(id));
    return {
      id,
      presence,
      base,
      assignment,
      workers,
      errors,
      backpressureWorkers,
      credentialKeys: credentials === null ? null : Object.keys(credentials.creds).sort(),
    };
  }));

  async function readWorkers(id: string): Promise<WorkerBeat[]> {
    const root = stormPaths.workerbeatStormRoot(id);
    return await Promise.all((await children(root)).map(async (name) => {
      const dash = name.lastIndexOf("-");
      const heartbeat = await record("ClusterWorkerHeartbeat", `${root}/${name}`);
      return {
        node: dash > 0 ? name.slice(0, dash) : name,
        port: dash > 0 ? Number(name.slice(dash + 1)) : Number.NaN,
        heartbeat,
      };
    }));
  }

  async function readErrors(id: string): Promise<Record<string, ErrorInfo[]>> {
    const root = stormPaths.errorStormRoot(id);
    const out: Record<string, ErrorInfo[]> = {};
    for (const name of await children(root)) {
      if (name.endsWith("-last-error")) {
        await record("ErrorInfo", `${root}/${name}`);
        continue;
      }
      const dir = `${root}/${name}`;
      const found: ErrorInfo[] = [];
      for (const entry of await children(dir)) {
        const info = await record("ErrorInfo", `${dir}/${entry}`);
        if (info !== null) found.push(info);
      }
      out[safeDecode(name)] = found.sort((a, b) => b.errorTimeSecs - a.errorTimeSecs);
    }
    return out;
  }

  const supervisorIds = await children("/supervisors");
  const supervisors = Object.fromEntries(
    await Promise.all(
      supervisorIds.map(async (id) => [id, await record("SupervisorInfo", stormPaths.supervisorPath(id))] as const),
    ),
  );
  const nimbuses: NimbusSummary[] = [];
  for (const id of await children("/nimbuses")) {
    const summary = await record("NimbusSummary", stormPaths.nimbusPath(id));
    if (summary !== null) nimbuses.push(summary);
  }
  unreadable.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { takenAtSecs: nowSecs, topologies, supervisors, nimbuses, unreadable };
}

/** A component directory name decoded; a name that is not valid form encoding is shown as it is. */
function safeDecode(name: string): string {
  try {
    return urlDecode(name);
  } catch {
    return name;
  }
}
