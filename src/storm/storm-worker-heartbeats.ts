/**
 * Worker heartbeats, and the executor beats nimbus reads from them.
 * Part of the StormClusterState (storm-cluster-state.ts), over its shared context.
 */
import { mapBounded } from "./fan-out.ts";
import { executorsBySlot, mergeSlotBeats } from "./heartbeats.ts";
import * as paths from "./paths.ts";
import type { ClusterWorkerHeartbeat } from "./records.ts";
import type { StormClusterState } from "./storm-cluster-state.ts";
import type { StormContext } from "./storm-context.ts";

/** The worker-heartbeat methods of a StormClusterState. */
export type WorkerHeartbeatState = Pick<
  StormClusterState,
  | "getWorkerHeartbeat"
  | "executorBeats"
  | "setupHeartbeats"
  | "teardownHeartbeats"
  | "heartbeatStorms"
  | "workerHeartbeat"
  | "removeWorkerHeartbeat"
>;

/** Those methods over `ctx`. */
export function workerHeartbeatState(ctx: StormContext): WorkerHeartbeatState {
  const { state, encode, read, logged, setupTopologyDirectory } = ctx;
  const self: WorkerHeartbeatState = {
    getWorkerHeartbeat: async (id, node, port) => read("ClusterWorkerHeartbeat", paths.workerbeatPath(id, node, port)),
    async executorBeats(id, executorNodePort) {
      const bySlot = executorsBySlot(executorNodePort);
      const heartbeats = new Map<string, ClusterWorkerHeartbeat | null>();
      await mapBounded([...bySlot], async ([key, { slot }]) => {
        heartbeats.set(key, await self.getWorkerHeartbeat(id, slot.node, slot.port));
      });
      return mergeSlotBeats(bySlot, heartbeats);
    },
    setupHeartbeats: async (id, auth) =>
      setupTopologyDirectory(paths.Roots.workerbeats, paths.workerbeatStormRoot(id), auth),
    teardownHeartbeats: async (id) =>
      logged(`teardownHeartbeats ${id}`, state.deleteNode(paths.workerbeatStormRoot(id))),
    heartbeatStorms: async () => state.getChildren(paths.Roots.workerbeats),
    workerHeartbeat: async (id, node, port, info) =>
      state.setData(paths.workerbeatPath(id, node, port), encode("ClusterWorkerHeartbeat", info)),
    removeWorkerHeartbeat: async (id, node, port) => state.deleteNode(paths.workerbeatPath(id, node, port)),
  };
  return self;
}
