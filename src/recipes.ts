/**
 * `stormkeeper/recipes`: Apache Curator's recipes, named as Curator names them and
 * wire-compatible with Curator 5.x on the same nodes, so stormkeeper and Java processes contend
 * on one path correctly.
 * @module
 */
export * from "./recipes/coordination.ts";
export * from "./recipes/counters.ts";
export {
  type CacheClient,
  type CacheEventType,
  type CacheState,
  type ChildData,
  CuratorCache,
  type CuratorCacheListener,
  type CuratorCacheOption,
  type CuratorCacheOptions,
} from "./recipes/curator-cache.ts";
export { RecipeError, type RecipeErrorCode } from "./recipes/errors.ts";
