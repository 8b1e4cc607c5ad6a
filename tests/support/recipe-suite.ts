/**
 * The setting of a recipe test file: a sandbox root on the shared server and a pool of extra
 * clients (one per simulated process, 6 s sessions), all closed after the file's tests.
 */
import { after, before } from "node:test";
import { connect, type ZooKeeperClient } from "../../src/zookeeper.ts";
import { RecipeError } from "../../src/recipes.ts";
import { type Sandbox, sandbox, sharedConnectString } from "./zookeeper.ts";

/** Registers the file's before/after hooks; `box()` is valid inside tests. */
export function recipeSuite(label: string): { box(): Sandbox; client(): Promise<ZooKeeperClient> } {
  let box: Sandbox | undefined;
  const clients: ZooKeeperClient[] = [];
  before(async () => {
    box = await sandbox(label);
  });
  after(async () => {
    for (const zk of clients) await zk.close().catch(() => {});
    await box?.dispose();
  });
  return {
    box: () => box!,
    async client() {
      const zk = await connect(sharedConnectString(), { sessionTimeout: 6_000 });
      clients.push(zk);
      return zk;
    },
  };
}

/** A predicate for assert.rejects/throws: a RecipeError with `code`. */
export const recipeError = (code: RecipeError["code"]) => (e: unknown): boolean =>
  e instanceof RecipeError && e.code === code;
