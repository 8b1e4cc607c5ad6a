/**
 * Which Storm record a node holds, by its path under the Storm root (storm-cluster-state §3):
 * pure, for `zk get` and `dump`, which decode records and show other bytes raw.
 */
import type { RecordKind } from "../../mod.ts";

// Relative paths, by segment count: the subtree decides the record kind.
const BY_SUBTREE: readonly (readonly [RegExp, RecordKind])[] = [
  [/^\/storms\/[^/]+$/, "StormBase"],
  [/^\/assignments\/[^/]+$/, "Assignment"],
  [/^\/supervisors\/[^/]+$/, "SupervisorInfo"],
  [/^\/workerbeats\/[^/]+\/[^/]+$/, "ClusterWorkerHeartbeat"],
  [/^\/errors\/[^/]+\/[^/]+-last-error$/, "ErrorInfo"],
  [/^\/errors\/[^/]+\/[^/]+\/[^/]+$/, "ErrorInfo"],
  [/^\/nimbuses\/[^/]+$/, "NimbusSummary"],
  [/^\/credentials\/[^/]+$/, "Credentials"],
  [/^\/logconfigs\/[^/]+$/, "LogConfig"],
  [/^\/profilerconfigs\/[^/]+\/[^/]+$/, "ProfileRequest"],
  [/^\/secretkeys\/[^/]+\/[^/]+\/[^/]+$/, "PrivateWorkerKey"],
];

/** The record kind stored at `relativePath` (relative to the Storm root), or null for other nodes. */
export function recordKindAt(relativePath: string): RecordKind | null {
  return BY_SUBTREE.find(([pattern]) => pattern.test(relativePath))?.[1] ?? null;
}

/** `absolutePath` relative to `root`, or null when it is not at or under the root. */
export function relativeTo(root: string, absolutePath: string): string | null {
  if (root === "/") return absolutePath;
  if (absolutePath === root) return "/";
  return absolutePath.startsWith(`${root}/`) ? absolutePath.slice(root.length) : null;
}
