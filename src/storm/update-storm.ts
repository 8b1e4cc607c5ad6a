/**
 * `updateStorm`'s merge of a patch into the stored StormBase, as Storm 2.x does it
 * (`StormClusterStateImpl.updateStorm`, identical in 2.8.8 and HEAD; storm-research §1.11). Pure.
 */
import type { DebugOptions, StormBase } from "./records.ts";

/** The fields of a StormBase an update may carry (Storm's `newElems`). */
export type StormBasePatch = Partial<StormBase>;

// Java's Character.isWhitespace, which commons-lang's StringUtils.isBlank tests per UTF-16 unit:
// Unicode space separators except the no-break ones (U+00A0, U+2007, U+202F), plus \t \n \v \f \r
// and U+001C–U+001F. Not JavaScript's trim(), which also strips U+00A0 and U+FEFF.
const JAVA_BLANK = /^[\t\n\u000B\f\r\u001C-\u001F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]*$/;
const isBlank = (s: string | undefined): boolean => s === undefined || JAVA_BLANK.test(s);

/**
 * Merges `patch` over `base` with Storm 2.x's rules:
 * - `componentExecutors`: if the base has the map, the patch's entries plus the base's entries for
 *   components the patch does not name; otherwise the patch's map as it is.
 * - `componentDebug`: per component of either map, `enable` from the patch if it names the
 *   component (unset reads as false), else from the base; `samplingpct` is the base's **plus** the
 *   patch's (unset reads as 0) — Storm's additive quirk. Entries come out with both fields set.
 * - `name` and `owner` keep the base's value when the patch's is blank (Java's `isBlank`);
 *   `principal` and `topologyVersion` likewise, but only when the base has one.
 * - `status` and `topologyActionOptions` keep the base's when the patch has none, so neither can
 *   be cleared by an update.
 * - `numWorkers` and `launchTimeSecs` keep the base's when the patch's is 0 or absent; Storm then
 *   always writes `launchTimeSecs` (0 when neither had it).
 * - `prevStatus` is the patch's only: an update without one drops the stored value.
 *
 * Divergence: Storm throws a NullPointerException when the patch lacks either map (nimbus always
 * sends both, possibly empty) or the base lacks `componentDebug`; here a missing map counts as
 * empty, and a map absent from both stays absent.
 */
export function mergeStormBase(base: StormBase, patch: StormBasePatch): StormBase {
  const componentExecutors = base.componentExecutors === undefined
    ? patch.componentExecutors
    : { ...base.componentExecutors, ...patch.componentExecutors };
  const componentDebug = mergeDebug(base.componentDebug, patch.componentDebug);
  const keepBaseIfBlank = (
    next: string | undefined,
    old: string | undefined,
  ) => (isBlank(next) && old !== undefined ? old : next);
  const merged: StormBase = {
    name: isBlank(patch.name) ? base.name : (patch.name ?? base.name),
    status: patch.status ?? base.status,
    numWorkers: patch.numWorkers ? patch.numWorkers : base.numWorkers,
    launchTimeSecs: patch.launchTimeSecs ? patch.launchTimeSecs : (base.launchTimeSecs ?? 0),
    ...present("componentExecutors", componentExecutors),
    ...present("owner", isBlank(patch.owner) ? base.owner : patch.owner),
    ...present("topologyActionOptions", patch.topologyActionOptions ?? base.topologyActionOptions),
    ...present("prevStatus", patch.prevStatus),
    ...present("componentDebug", componentDebug),
    ...present("principal", keepBaseIfBlank(patch.principal, base.principal)),
    ...present("topologyVersion", keepBaseIfBlank(patch.topologyVersion, base.topologyVersion)),
  };
  return merged;
}

function mergeDebug(
  old: Readonly<Record<string, DebugOptions>> | undefined,
  next: Readonly<Record<string, DebugOptions>> | undefined,
): Readonly<Record<string, DebugOptions>> | undefined {
  const components = new Set([...Object.keys(old ?? {}), ...Object.keys(next ?? {})]);
  // Storm sets the merged map only when non-empty; otherwise the patch's own (empty) map stays.
  if (components.size === 0) return next ?? old;
  const entries: [string, DebugOptions][] = [];
  for (const component of components) {
    const before = old !== undefined && Object.hasOwn(old, component) ? old[component] : undefined;
    const after = next !== undefined && Object.hasOwn(next, component) ? next[component] : undefined;
    const enable = after !== undefined ? (after.enable ?? false) : (before?.enable ?? false);
    const samplingpct = (before?.samplingpct ?? 0) + (after?.samplingpct ?? 0);
    entries.push([component, { enable, samplingpct }]);
  }
  // fromEntries defines own properties, so a component named "__proto__" stays a plain key.
  return Object.fromEntries(entries);
}

function present<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
