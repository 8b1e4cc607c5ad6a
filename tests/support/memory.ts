/**
 * Live heap measurement for memory tests. `heapUsed` alone includes garbage the collector has
 * not reclaimed yet, and how lazily it collects differs by engine (JavaScriptCore under Bun
 * lets a steady request loop's garbage pile up for a long time), so samples are taken after a
 * full collection forced through each runtime's own hook.
 */
import v8 from "node:v8";
import vm from "node:vm";

type Collect = () => void;

function findCollector(): Collect {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
  if (bun !== undefined) return () => bun.gc(true);
  // V8 (Node, Deno): expose `gc` at run time; a fresh context picks the flag up.
  v8.setFlagsFromString("--expose-gc");
  const gc: unknown = vm.runInNewContext("gc");
  if (typeof gc !== "function") throw new Error("this runtime offers no way to force a garbage collection");
  return gc as Collect;
}

let collect: Collect | undefined;

/** Bytes of live JavaScript heap: `heapUsed` right after a forced full collection. */
export function liveHeapBytes(): number {
  collect ??= findCollector();
  collect();
  return process.memoryUsage().heapUsed;
}
