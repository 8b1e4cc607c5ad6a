/**
 * What changed between two {@link ClusterSnapshot}s, as the one-line descriptions `watch`
 * prints: topologies added/removed, status changes, assignments moving, workers starting or
 * dying, supervisors joining/leaving, new errors. Pure, so `watch` itself only reads and prints.
 */
import type { ClusterSnapshot, TopologySnapshot } from "./snapshot.ts";
import { firstLine } from "./format.ts";

const slotsOf = (t: TopologySnapshot | undefined): Set<string> =>
  new Set(Object.values(t?.assignment?.executorNodePort ?? {}).map((n) => `${n.node}:${n.port[0] ?? 0}`));
const workersOf = (t: TopologySnapshot | undefined): Set<string> =>
  new Set((t?.workers ?? []).map((w) => `${w.node}:${w.port}`));
const exists = (t: TopologySnapshot | undefined): t is TopologySnapshot =>
  t !== undefined && (t.presence.storms || t.presence.assignments);
const minus = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();

/** The changes from `before` to `after`, in a stable order (topologies by id, then supervisors). */
export function describeChanges(before: ClusterSnapshot, after: ClusterSnapshot): string[] {
  const lines: string[] = [];
  const old = new Map(before.topologies.map((t) => [t.id, t]));
  const now = new Map(after.topologies.map((t) => [t.id, t]));
  for (const id of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const a = old.get(id);
    const b = now.get(id);
    if (!exists(a) && exists(b)) {
      lines.push(`topology ${id} added${b.base ? ` (${b.base.name}, ${b.base.status})` : ""}`);
    }
    if (exists(a) && !exists(b)) {
      lines.push(`topology ${id} removed`);
      continue;
    }
    if (!exists(b)) continue;
    if (exists(a) && a.base && b.base && a.base.status !== b.base.status) {
      lines.push(`topology ${id} status ${a.base.status} → ${b.base.status}`);
    }
    const [slotsA, slotsB] = [slotsOf(a), slotsOf(b)];
    const [gained, lost] = [minus(slotsB, slotsA), minus(slotsA, slotsB)];
    // A topology new in `after` had no assignment before it (null, as a snapshot says "none").
    const previous = a?.assignment ?? null;
    if (previous && !b.assignment) lines.push(`topology ${id} lost its assignment`);
    else if (!previous && b.assignment) lines.push(`topology ${id} assigned to ${[...slotsB].sort().join(" ")}`);
    else if (gained.length || lost.length || JSON.stringify(previous) !== JSON.stringify(b.assignment)) {
      lines.push(
        `topology ${id} assignment changed${gained.length ? `: +${gained.join(" +")}` : ""}${
          lost.length ? ` -${lost.join(" -")}` : ""
        }`,
      );
    }
    for (const w of minus(workersOf(b), workersOf(a))) lines.push(`topology ${id} worker ${w} started heartbeating`);
    for (const w of minus(workersOf(a), workersOf(b))) lines.push(`topology ${id} worker ${w} heartbeat gone`);
    for (const [component, errors] of Object.entries(b.errors)) {
      const seen = new Set((a?.errors[component] ?? []).map((e) => `${e.errorTimeSecs}|${e.error}`));
      const fresh = errors.filter((e) => !seen.has(`${e.errorTimeSecs}|${e.error}`));
      const newest = fresh[0];
      if (newest) {
        lines.push(
          `topology ${id} ${component}: ${fresh.length === 1 ? "new error" : `${fresh.length} new errors`} on ${
            newest.host ?? "?"
          }:${newest.port ?? "?"}: ${firstLine(newest.error)}`,
        );
      }
    }
  }
  for (const id of Object.keys(after.supervisors).filter((s) => !(s in before.supervisors)).sort()) {
    lines.push(`supervisor ${id} joined (${after.supervisors[id]?.hostname ?? "?"})`);
  }
  for (const id of Object.keys(before.supervisors).filter((s) => !(s in after.supervisors)).sort()) {
    lines.push(`supervisor ${id} left`);
  }
  return lines;
}
