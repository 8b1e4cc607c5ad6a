/** `updateStorm`'s merge of a patch into the stored StormBase (Storm 2.x, storm-research §1.11). */
import type { DebugOptions, StormBase } from "./records.ts";

/** The fields of a StormBase an update may carry. */
export type StormBasePatch = Partial<StormBase>;

const blank = (s: string | undefined) => s === undefined || s.trim() === "";

/**
 * Merges `patch` over `base` with Storm 2.x's rules: componentExecutors and componentDebug are
 * merged per key (the patch's entries win; a debug entry's samplingpct adds up, as Storm does);
 * name, owner, principal and topologyVersion keep the stored value when the patch's is blank;
 * status and topologyActionOptions when the patch has none; numWorkers and launchTimeSecs when
 * the patch's is 0 or absent. prevStatus is taken from the patch only, as in Storm.
 */
export function mergeStormBase(base: StormBase, patch: StormBasePatch): StormBase {
  const executors = { ...(base.componentExecutors ?? {}), ...(patch.componentExecutors ?? {}) };
  const debug: Record<string, DebugOptions> = { ...(base.componentDebug ?? {}) };
  for (const [component, next] of Object.entries(patch.componentDebug ?? {})) {
    const old = base.componentDebug?.[component];
    const enable = next.enable ?? old?.enable;
    const samplingpct = (old?.samplingpct ?? 0) + (next.samplingpct ?? 0);
    debug[component] = { ...(enable === undefined ? {} : { enable }), samplingpct };
  }
  const merged: StormBase = {
    name: blank(patch.name) ? base.name : (patch.name as string),
    status: patch.status ?? base.status,
    numWorkers: patch.numWorkers ? patch.numWorkers : base.numWorkers,
    ...(Object.keys(executors).length > 0 ? { componentExecutors: executors } : {}),
    ...optional("launchTimeSecs", patch.launchTimeSecs ? patch.launchTimeSecs : base.launchTimeSecs),
    ...optional("owner", blank(patch.owner) ? base.owner : patch.owner),
    ...optional("topologyActionOptions", patch.topologyActionOptions ?? base.topologyActionOptions),
    ...optional("prevStatus", patch.prevStatus),
    ...(Object.keys(debug).length > 0 ? { componentDebug: debug } : {}),
    ...optional("principal", blank(patch.principal) ? base.principal : patch.principal),
    ...optional("topologyVersion", blank(patch.topologyVersion) ? base.topologyVersion : patch.topologyVersion),
  };
  return merged;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
