/**
 * Errors workers report, kept per component.
 * Part of the StormClusterState (storm-cluster-state.ts), over its shared context.
 */
import { errorsToPrune, newestFirst } from "./error-pruning.ts";
import { settleBounded } from "./fan-out.ts";
import * as paths from "./paths.ts";
import { CorruptRecordError } from "./record-errors.ts";
import type { ErrorInfo } from "./records.ts";
import type { StormClusterState } from "./storm-cluster-state.ts";
import type { StormContext } from "./storm-context.ts";

/** The error methods of a StormClusterState. */
export type ErrorState = Pick<
  StormClusterState,
  "reportError" | "errors" | "lastError" | "setupErrors" | "teardownTopologyErrors" | "errorTopologies"
>;

/** Those methods over `ctx`. */
export function errorState(ctx: StormContext): ErrorState {
  const { state, onError, encode, read, childrenOrEmpty, logged, setupTopologyDirectory } = ctx;
  const self: ErrorState = {
    async reportError(id, componentId, node, port, error) {
      const path = paths.errorPath(id, componentId);
      const text = typeof error === "string" ? error : (error.stack ?? `${error.name}: ${error.message}`);
      const bytes = encode("ErrorInfo", {
        error: text,
        errorTimeSecs: Math.floor(Date.now() / 1000),
        host: node,
        port,
      });
      await state.mkdirs(path);
      // Ephemeral since Storm 1.1: a reporter's errors go with its session.
      await state.createSequential(`${path}/e`, bytes, { mode: "ephemeral-sequential" });
      await state.setData(paths.lastErrorPath(id, componentId), bytes);
      // deleteNode is retried and takes a node another reporter pruned first as done (STORM-2674).
      await Promise.all(
        errorsToPrune(await childrenOrEmpty(path)).map((child) => state.deleteNode(`${path}/${child}`)),
      );
    },
    async errors(id, componentId) {
      const path = paths.errorPath(id, componentId);
      const children = await childrenOrEmpty(path);
      const found: ErrorInfo[] = [];
      const names: string[] = [];
      // Outcomes are handled in listing order, as the sequential reads were.
      for (
        const [i, outcome] of (await settleBounded(children, (child) => read("ErrorInfo", `${path}/${child}`)))
          .entries()
      ) {
        if (outcome.ok) {
          if (outcome.value !== null) {
            found.push(outcome.value);
            names.push(children[i] as string);
          }
          continue;
        }
        // Storm fails the whole read on bytes it cannot parse; skipping them (and saying so)
        // keeps the other errors visible. Any other failure is the read's.
        if (!(outcome.error instanceof CorruptRecordError)) throw outcome.error;
        onError(outcome.error);
      }
      return newestFirst(found, names);
    },
    lastError: async (id, componentId) => read("ErrorInfo", paths.lastErrorPath(id, componentId)),
    setupErrors: async (id, auth) => setupTopologyDirectory(paths.Roots.errors, paths.errorStormRoot(id), auth),
    teardownTopologyErrors: async (id) =>
      logged(`teardownTopologyErrors ${id}`, state.deleteNode(paths.errorStormRoot(id))),
    errorTopologies: async () => state.getChildren(paths.Roots.errors),
  };
  return self;
}
