/**
 * The narrow slice of {@link ZooKeeperClient} that the election and lock recipes use, so a recipe
 * depends on operations, not on the whole client (and a test can see what it touches).
 * @module
 */
import type { ConnectionState } from "../client/session-state.ts";
import type { Watcher } from "../protocol/events.ts";
import type { ProtectedCreateClient } from "./protected-create.ts";

/** What an election or lock recipe calls on its client; a {@link ZooKeeperClient} has it all. */
export interface RecipeClient extends ProtectedCreateClient {
  getChildren(path: string, options?: { readonly watch?: Watcher }): Promise<{ children: string[] }>;
  getData(path: string): Promise<{ data: Uint8Array }>;
  exists(path: string, options?: { readonly watch?: Watcher }): Promise<unknown>;
  delete(path: string): Promise<void>;
  /** Curator's connection states drive each recipe's policy on SUSPENDED and LOST. */
  on(type: "connectionState", listener: (state: ConnectionState) => void): () => void;
}
