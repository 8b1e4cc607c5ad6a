/**
 * What the integration and resilience tests share: text as bytes, error matchers, and the
 * suites' setup (a fresh root on the shared server with the clients that use it, removed again
 * after the suite).
 */
import { after, before } from "node:test";
import { connect, type ConnectOptions, type ZooKeeperClient, ZooKeeperError } from "../../mod.ts";
import { sharedConnectString, uniqueRoot } from "./zookeeper.ts";

export { type Sandbox, sandbox } from "./zookeeper.ts";

/** UTF-8 bytes of a string (node data in tests). */
export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A matcher for `assert.rejects`: a {@link ZooKeeperError} with `code` (and a message matching `message`, when given). */
export const isCode = (code: string, message?: RegExp) => (e: unknown): boolean =>
  e instanceof ZooKeeperError && e.code === code && (message === undefined || message.test(e.message));

/** Clients of the shared server and a fresh root the first one created. */
export interface SharedRoot {
  readonly clients: ZooKeeperClient[];
  readonly root: string;
  /** Deletes the root and everything below it (as the first client), then closes every client, even if the delete fails. */
  dispose(): Promise<void>;
}

/** Connects one client per `options` entry (in order) and creates a fresh root with the first. */
export async function sharedRoot(label: string, ...options: ConnectOptions[]): Promise<SharedRoot> {
  const root = uniqueRoot(label);
  const clients: ZooKeeperClient[] = [];
  for (const o of options) clients.push(await connect(sharedConnectString(), o));
  const first = clients[0] as ZooKeeperClient;
  await first.create(root);
  return {
    clients,
    root,
    async dispose() {
      try {
        await first.deleteRecursive(root);
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    },
  };
}

/** The enclosing suite's hooks for one resource: `before` opens it and hands it to `keep`, `after` closes it. */
function suiteResource<R>(
  open: () => R | Promise<R>,
  close: (resource: R) => unknown,
  keep: (resource: R) => void,
): void {
  let resource: R | undefined;
  before(async () => {
    resource = await open();
    keep(resource);
  });
  after(() => (resource === undefined ? undefined : close(resource)));
}

/**
 * Registers the enclosing suite's hooks for a fixture: `before` opens it and hands it to `keep`
 * (which assigns what the tests use), `after` disposes of it.
 */
export function suiteFixture<F extends { dispose(): Promise<void> }>(
  open: () => Promise<F>,
  keep: (fixture: F) => void,
): void {
  suiteResource(open, (fixture) => fixture.dispose(), keep);
}

/**
 * Registers the enclosing suite's hooks for a private server (or ensemble): `before` starts it
 * and hands it to `keep`, `after` destroys it.
 */
export function suiteServer<S extends { destroy(): void }>(start: () => S, keep: (server: S) => void): void {
  suiteResource(start, (server) => server.destroy(), keep);
}

/** What a suite opens under its root: a client or ClusterState (`close`), or a StormClusterState (`disconnect`). */
export type SuiteHandle = { close(): Promise<unknown> } | { disconnect(): Promise<unknown> };

/**
 * Registers the enclosing suite's hooks for what it opens under `root` on the shared server:
 * `before` runs `open`, which assigns what the tests use and returns all of it; `after` closes
 * that, then deletes `root` and everything below it as a client connected with `deleter` (an
 * identity the suite's ACLs let delete), closing that client even if the delete fails.
 */
export function suiteUnderRoot(
  root: string,
  open: () => Promise<readonly SuiteHandle[]>,
  deleter: ConnectOptions = {},
): void {
  suiteResource(open, async (handles) => {
    await Promise.all(handles.map((h) => ("close" in h ? h.close() : h.disconnect())));
    const zk = await connect(sharedConnectString(), deleter);
    try {
      await zk.deleteRecursive(root);
    } finally {
      await zk.close();
    }
  }, () => {});
}
