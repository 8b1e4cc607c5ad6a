/**
 * The slice of {@link ZooKeeperClient} that the value recipes (shared values, atomic counters,
 * barriers) use on top of the lock recipes' {@link RecipeClient}: reads with a version and a
 * watch, and versioned writes.
 * @module
 */
import type { Watcher } from "../protocol/events.ts";
import type { RecipeClient } from "./recipe-client.ts";

/** What a value recipe calls on its client; a {@link ZooKeeperClient} has it all. */
export interface ValueClient extends RecipeClient {
  getData(
    path: string,
    options?: { readonly watch?: Watcher },
  ): Promise<{ data: Uint8Array; stat: { readonly version: number } }>;
  /** Writes `data` if the node's version is `version` (BadVersion otherwise; -1 or none: any). */
  setData(
    path: string,
    data: Uint8Array,
    options?: { readonly version?: number },
  ): Promise<{ readonly version: number }>;
}
