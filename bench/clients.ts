/**
 * The two clients under test behind one promise interface: stormkeeper and the most used
 * JavaScript peer, node-zookeeper-client (callback API, CommonJS).
 */
import nzc from "node-zookeeper-client";
import { connect } from "../mod.ts";

export interface BenchClient {
  readonly name: string;
  getData(path: string): Promise<unknown>;
  create(path: string, data: Uint8Array): Promise<unknown>;
  delete(path: string): Promise<unknown>;
  getChildren(path: string): Promise<number>;
  /** Leaves a data watch on `path`, changes the data, and resolves when the watch fires. */
  watchRoundTrip(path: string, data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export async function stormkeeper(connectString: string): Promise<BenchClient> {
  const zk = await connect(connectString, { sessionTimeout: 30_000 });
  return {
    name: "stormkeeper",
    getData: (p) => zk.getData(p),
    create: (p, d) => zk.create(p, d),
    delete: (p) => zk.delete(p),
    getChildren: async (p) => (await zk.getChildren(p)).children.length,
    watchRoundTrip: (p, d) =>
      new Promise<void>((resolve, reject) => {
        zk.getData(p, { watch: () => resolve() }).then(() => zk.setData(p, d)).catch(reject);
      }),
    close: () => zk.close(),
  };
}

interface NzcClient {
  connect(): void;
  close(): void;
  once(event: string, listener: () => void): void;
  getData(path: string, watcher: ((event: unknown) => void) | undefined, cb: (err: Error | null) => void): void;
  setData(path: string, data: Buffer, version: number, cb: (err: Error | null) => void): void;
  create(path: string, data: Buffer, cb: (err: Error | null) => void): void;
  remove(path: string, version: number, cb: (err: Error | null) => void): void;
  getChildren(path: string, watcher: undefined, cb: (err: Error | null, children: string[]) => void): void;
}

export async function peer(connectString: string): Promise<BenchClient> {
  const client = nzc.createClient(connectString, { sessionTimeout: 30_000 }) as NzcClient;
  await new Promise<void>((resolve) => {
    client.once("connected", resolve);
    client.connect();
  });
  const call = <T>(f: (cb: (err: Error | null, value?: T) => void) => void) =>
    new Promise<T | undefined>((resolve, reject) => f((err, value) => (err ? reject(err) : resolve(value))));
  return {
    name: "node-zookeeper-client",
    getData: (p) => call((cb) => client.getData(p, undefined, cb)),
    create: (p, d) => call((cb) => client.create(p, Buffer.from(d), cb)),
    delete: (p) => call((cb) => client.remove(p, -1, cb)),
    getChildren: async (p) => (await call<string[]>((cb) => client.getChildren(p, undefined, cb)))?.length ?? 0,
    watchRoundTrip: (p, d) =>
      new Promise<void>((resolve, reject) => {
        client.getData(p, () => resolve(), (err) => {
          if (err) reject(err);
          else client.setData(p, Buffer.from(d), -1, (e) => e && reject(e));
        });
      }),
    close: async () => client.close(),
  };
}
