/**
 * Topologies: their assignments and storm bases.
 * Part of the StormClusterState (storm-cluster-state.ts), over its shared context.
 */
import { ErrorCode, ZooKeeperError } from "../zookeeper.ts";
import { mapBounded } from "./fan-out.ts";
import * as paths from "./paths.ts";
import { mergeStormBase } from "./update-storm.ts";
import type { StormClusterState } from "./storm-cluster-state.ts";
import { present, type StormContext } from "./storm-context.ts";

/** The topology methods of a StormClusterState. */
export type TopologyState = Pick<
  StormClusterState,
  | "assignments"
  | "assignmentInfo"
  | "assignmentInfoWithVersion"
  | "assignmentVersion"
  | "activeStorms"
  | "stormBase"
  | "activateStorm"
  | "updateStorm"
  | "removeStormBase"
  | "setAssignment"
  | "removeStorm"
  | "topologyBases"
  | "getTopoId"
>;

/** Those methods over `ctx`. */
export function topologyState(ctx: StormContext): TopologyState {
  const { state, codec, encode, read, arm, setTopologyRecord } = ctx;
  const self: TopologyState = {
    assignments: async (callback) => state.getChildren(paths.Roots.assignments, arm({ kind: "assignments" }, callback)),
    assignmentInfo: async (id, callback) =>
      read("Assignment", paths.assignmentPath(id), arm({ kind: "assignmentInfo", id }, callback)),
    async assignmentInfoWithVersion(id, callback) {
      const path = paths.assignmentPath(id);
      const got = await state.getDataWithVersion(path, arm({ kind: "assignmentInfoWithVersion", id }, callback));
      return got === null
        ? null
        : Object.freeze({ data: codec.decode("Assignment", got.data, path), version: got.version });
    },
    assignmentVersion: async (id, callback) =>
      state.getVersion(paths.assignmentPath(id), arm({ kind: "assignmentVersion", id }, callback)),
    activeStorms: async () => state.getChildren(paths.Roots.storms),
    stormBase: async (id, callback) => read("StormBase", paths.stormPath(id), arm({ kind: "stormBase", id }, callback)),
    activateStorm: async (id, base, auth) =>
      setTopologyRecord("StormBase", base, paths.stormPath(id), auth, paths.Roots.storms),
    async updateStorm(id, patch) {
      const path = paths.stormPath(id);
      const base = await read("StormBase", path);
      if (base === null) {
        throw new ZooKeeperError(ErrorCode.NoNode, {
          op: "getData",
          path,
          message: `topology ${id} has no storm base to update`,
        });
      }
      const bytes = encode("StormBase", mergeStormBase(base, patch));
      await state.setData(path, bytes);
      return codec.decode("StormBase", bytes, path);
    },
    removeStormBase: async (id) => state.deleteNode(paths.stormPath(id)),
    setAssignment: async (id, assignment, auth) =>
      setTopologyRecord("Assignment", assignment, paths.assignmentPath(id), auth, paths.Roots.assignments),
    async removeStorm(id) {
      await state.deleteNode(paths.assignmentPath(id));
      await state.deleteNode(paths.credentialsPath(id));
      await state.deleteNode(paths.logConfigPath(id));
      await state.deleteNode(paths.profilerConfigRoot(id));
      await self.removeStormBase(id);
    },
    async topologyBases() {
      const ids = await self.activeStorms();
      return present(ids, await mapBounded(ids, (id) => self.stormBase(id)));
    },
    async getTopoId(name) {
      for (const [id, base] of Object.entries(await self.topologyBases())) if (base.name === name) return id;
      return null;
    },
  };
  return self;
}
