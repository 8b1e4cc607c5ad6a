/**
 * What `doctor` finds wrong in a {@link ClusterSnapshot}: a pure function, so every rule is
 * tested without a server. A finding with `removable` set names a path `--fix` deletes (orphans
 * and undecodable records); the others need an operator, not a delete.
 */
import { stormPaths } from "../../mod.ts";
import type { ClusterSnapshot } from "./snapshot.ts";

/** The kinds of problem doctor reports. */
export type FindingKind =
  | "base-without-assignment"
  | "assignment-without-base"
  | "orphaned-entry"
  | "unreadable-record"
  | "stale-heartbeat"
  | "gone-supervisor";

/** One problem: what, where (relative to the Storm root) and whether `--fix` deletes `path`. */
export interface Finding {
  readonly kind: FindingKind;
  readonly path: string;
  readonly message: string;
  readonly removable: boolean;
}

// Orphans under these subtrees are whole directories or records of one topology id.
const ORPHAN_PATHS = {
  workerbeats: stormPaths.workerbeatStormRoot,
  errors: stormPaths.errorStormRoot,
  backpressure: stormPaths.backpressureStormRoot,
  credentials: stormPaths.credentialsPath,
  logconfigs: stormPaths.logConfigPath,
} as const;

/** Every finding in the snapshot, in a stable order (by topology, then kind). */
export function diagnose(snapshot: ClusterSnapshot, taskTimeoutSecs: number): Finding[] {
  const findings: Finding[] = [];
  const unreadable = new Set(snapshot.unreadable.map((u) => u.path));
  for (const t of snapshot.topologies) {
    const exists = t.presence.storms || t.presence.assignments;
    if (t.presence.storms && !t.presence.assignments) {
      findings.push({
        kind: "base-without-assignment",
        path: stormPaths.stormPath(t.id),
        message: `topology ${t.id} has a storm base but no assignment (not scheduled, or nimbus lost it)`,
        removable: false,
      });
    }
    if (t.presence.assignments && !t.presence.storms) {
      findings.push({
        kind: "assignment-without-base",
        path: stormPaths.assignmentPath(t.id),
        message: `topology ${t.id} has an assignment but no storm base (killed topology left behind)`,
        removable: true,
      });
    }
    if (!exists || (t.presence.assignments && !t.presence.storms)) {
      for (const [sub, pathOf] of Object.entries(ORPHAN_PATHS)) {
        if (!t.presence[sub as keyof typeof ORPHAN_PATHS]) continue;
        findings.push({
          kind: "orphaned-entry",
          path: pathOf(t.id),
          message: `${sub} entry of topology ${t.id}, which has no storm base`,
          removable: true,
        });
      }
    }
    if (!t.presence.storms) continue;
    for (const w of t.workers) {
      const path = stormPaths.workerbeatPath(t.id, w.node, Number.isNaN(w.port) ? 0 : w.port);
      if (w.heartbeat === null || unreadable.has(path)) continue;
      const age = snapshot.takenAtSecs - w.heartbeat.timeSecs;
      if (age > taskTimeoutSecs) {
        findings.push({
          kind: "stale-heartbeat",
          path,
          message: `worker ${w.node}:${w.port} of ${t.id} last beat ${age} s ago (task timeout ${taskTimeoutSecs} s)`,
          removable: false,
        });
      }
    }
    const gone = new Set(
      Object.values(t.assignment?.executorNodePort ?? {}).map((n) => n.node).filter((node) =>
        !(node in snapshot.supervisors)
      ),
    );
    for (const node of [...gone].sort()) {
      findings.push({
        kind: "gone-supervisor",
        path: stormPaths.assignmentPath(t.id),
        message: `assignment of ${t.id} places executors on supervisor ${node}, which is not registered`,
        removable: false,
      });
    }
  }
  for (const u of snapshot.unreadable) {
    findings.push({
      kind: "unreadable-record",
      path: u.path,
      message: `${u.path} is not a valid ${u.kind}: ${u.reason}`,
      removable: true,
    });
  }
  return findings;
}

/**
 * The paths `--fix` deletes: the removable findings', without paths below another one (deleting
 * the parent removes them), in order.
 */
export function pathsToRemove(findings: readonly Finding[]): string[] {
  const paths = [...new Set(findings.filter((f) => f.removable).map((f) => f.path))].sort();
  return paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(`${q}/`)));
}
