/**
 * stormkeeper: a pure TypeScript ZooKeeper client and an Apache Storm cluster-state layer, for
 * Node, Deno and Bun.
 * @module
 */
export * from "./src/zookeeper.ts";
export * from "./src/storm.ts";
