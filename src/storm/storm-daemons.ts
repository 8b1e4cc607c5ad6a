/**
 * The daemons: supervisors' heartbeats and the nimbuses, their summaries and their leader.
 * Part of the StormClusterState (storm-cluster-state.ts), over its shared context.
 */
import { mapBounded } from "./fan-out.ts";
import { joinNimbusElection, readNimbusLeader } from "./nimbus-leader.ts";
import * as paths from "./paths.ts";
import type { NimbusSummary } from "./records.ts";
import type { StormClusterState } from "./storm-cluster-state.ts";
import { present, type StormContext } from "./storm-context.ts";

/** The daemon methods of a StormClusterState. */
export type DaemonState = Pick<
  StormClusterState,
  | "supervisors"
  | "supervisorInfo"
  | "supervisorHeartbeat"
  | "allSupervisorInfo"
  | "nimbuses"
  | "addNimbusHost"
  | "getLeader"
  | "leader"
  | "nimbusElection"
>;

/** Those methods over `ctx`; `nimbusRegistrations`: each nimbus registered, with the function that stops re-registering it on reconnection. */
export function daemonState(ctx: StormContext, nimbusRegistrations: Map<string, () => void>): DaemonState {
  const { state, onError, encode, read, arm, childrenOrEmpty } = ctx;
  const self: DaemonState = {
    supervisors: async (callback) => state.getChildren(paths.Roots.supervisors, arm({ kind: "supervisors" }, callback)),
    supervisorInfo: async (id) => read("SupervisorInfo", paths.supervisorPath(id)),
    supervisorHeartbeat: async (id, info) =>
      state.setEphemeralNode(paths.supervisorPath(id), encode("SupervisorInfo", info)),
    async allSupervisorInfo(callback) {
      const ids = await self.supervisors(callback);
      return present(ids, await mapBounded(ids, (id) => self.supervisorInfo(id)));
    },
    async nimbuses() {
      const summaries = await mapBounded(
        await childrenOrEmpty(paths.Roots.nimbuses),
        (child) => read("NimbusSummary", paths.nimbusPath(child)),
      );
      return summaries.filter((s): s is NimbusSummary => s !== null);
    },
    async addNimbusHost(nimbusId, summary) {
      const path = paths.nimbusPath(nimbusId);
      const bytes = encode("NimbusSummary", summary);
      await state.deleteNode(path);
      nimbusRegistrations.get(nimbusId)?.();
      nimbusRegistrations.set(
        nimbusId,
        state.onConnectionState((event) => {
          // Storm re-registers on Curator's RECONNECTED, which is also what a new session after
          // expiry reports: the old session's ephemeral node is gone then.
          if (event !== "reconnected" && event !== "newSession") return;
          state.deleteNode(path).then(() => state.setEphemeralNode(path, bytes)).catch(onError);
        }),
      );
      await state.setEphemeralNode(path, bytes);
    },
    getLeader: async (callback) => state.getData(paths.Roots.leaderInfo, arm({ kind: "leader" }, callback)),
    leader: () => readNimbusLeader(state.client),
    nimbusElection: (id) => joinNimbusElection(state.client, id),
  };
  return self;
}
