/**
 * The setting of a recipe test file: a sandbox root on the shared server and a pool of extra
 * clients (one per simulated process, 6 s sessions), all closed after the file's tests.
 */
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { connect, type ConnectOptions, type ZooKeeperClient } from "../../src/zookeeper.ts";
import { RecipeError } from "../../src/recipes.ts";
import { compileJava, type JavaPeer, startJava } from "./java.ts";
import { type Sandbox, sandbox, sharedConnectString } from "./zookeeper.ts";

/** What a recipe test file reaches its setting through. */
export interface RecipeSuite {
  /** The file's sandbox; valid inside tests. */
  box(): Sandbox;
  /** A new client of `connectString` (the shared server's by default), closed after the file's tests. */
  client(connectString?: string, options?: ConnectOptions): Promise<ZooKeeperClient>;
}

/**
 * Registers the file's before/after hooks; `keep` is handed the sandbox once it is open, for
 * files that hold it in a variable of their own. A pool client's options are `clientDefaults`
 * with its own `options` over them. The clients are closed before the sandbox is removed, so
 * none of their ephemeral nodes can stand in the way.
 */
export function recipeSuite(
  label: string,
  keep: (box: Sandbox) => void = () => {},
  clientDefaults: ConnectOptions = { sessionTimeout: 6_000 },
): RecipeSuite {
  let box: Sandbox | undefined;
  const clients: ZooKeeperClient[] = [];
  before(async () => {
    box = await sandbox(label);
    keep(box);
  });
  after(async () => {
    for (const zk of clients) await zk.close().catch(() => {});
    await box?.dispose();
  });
  return {
    box: () => box!,
    async client(connectString = sharedConnectString(), options: ConnectOptions = {}) {
      const zk = await connect(connectString, { ...clientDefaults, ...options });
      clients.push(zk);
      return zk;
    },
  };
}

/** A Curator interop file's setting: its sandbox, a client of ours and a Java peer. */
export interface CuratorInterop {
  readonly box: Sandbox;
  /** Ours, with a 6 s session. */
  readonly zk: ZooKeeperClient;
  /** The peer's client is chrooted at the sandbox root: its paths are relative to it. */
  readonly java: JavaPeer;
  /** Stops the peer, closes our client, then removes the sandbox. */
  dispose(): Promise<void>;
}

/** Opens a sandbox and our client, and starts the Java peer `peerSource` (waiting up to 60 s for its "ready"). */
export async function curatorInterop(label: string, peerSource: string): Promise<CuratorInterop> {
  const box = await sandbox(label);
  const zk = await connect(sharedConnectString(), { sessionTimeout: 6_000 });
  const java = startJava(compileJava(peerSource), [`${sharedConnectString()}${box.root}`]);
  const setting = {
    box,
    zk,
    java,
    async dispose() {
      await java.stop();
      await zk.close();
      await box.dispose();
    },
  };
  try {
    assert.equal(await java.next(60_000), "ready");
  } catch (e) {
    await setting.dispose();
    throw e;
  }
  return setting;
}

/** A predicate for assert.rejects/throws: a RecipeError with `code`. */
export const recipeError = (code: RecipeError["code"]) => (e: unknown): boolean =>
  e instanceof RecipeError && e.code === code;
