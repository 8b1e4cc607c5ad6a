/**
 * `stormkeeper/server`: an embedded ZooKeeper-compatible server for tests and development. Not
 * for production: no quorum, no durability, no TLS or SASL.
 * @module
 */
export {
  type EnsembleHandle,
  type ServerHandle,
  type ServerOptions,
  startEnsemble,
  startServer,
} from "./server/server.ts";
