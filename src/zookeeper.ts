/**
 * stormkeeper's ZooKeeper client: `import { connect } from "stormkeeper/zookeeper"`.
 * @module
 */
export { ZooKeeperClient } from "./client/client.ts";
export { connect, createClient } from "./client/connect.ts";
export type { ConfigResult, ReconfigChange } from "./client/ensemble.ts";
export type { AddWatchMode, CreateOptions, VersionOptions, WatchOption, WatchOptions } from "./client/operations.ts";
export type { ConnectOptions } from "./client/options.ts";
export type { SignalOptions } from "./client/request.ts";
export { type OpFailure, type OpResult, ReadBatch, type ReadResult, Transaction } from "./client/multi.ts";
export { backoffSleep, isRetryable, retry, type RetryPolicy } from "./client/retry.ts";
export type { RequestContext, StateMessage } from "./client/diagnostics.ts";
export type { SaslOptions } from "./client/sasl.ts";
export type { Logger, LogSeverity } from "./client/logger.ts";
export type { WatchReport } from "./client/watches.ts";
export type { ClientState, ConnectionState, StateEvent } from "./client/session-state.ts";
export {
  type OverflowPolicy,
  WatchOverflowError,
  type WatchStream,
  type WatchStreamOptions,
} from "./client/watch-stream.ts";
export type { WatcherType } from "./client/watch-tables.ts";
export type { ACL, ClientInfo, Id, Stat, WatchLists } from "./jute/records.ts";
export { CREATOR_ALL_ACL, digestId, Ids, OPEN_ACL_UNSAFE, Perms, READ_ACL_UNSAFE } from "./protocol/acl.ts";
export { type CreateMode, MAX_TTL } from "./protocol/create-mode.ts";
export {
  type EnsembleConfig,
  ensembleHosts,
  type EnsembleMember,
  formatMemberLine,
  parseEnsembleConfig,
  parseMemberLine,
  type PeerAddress,
} from "./protocol/ensemble-config.ts";
export { ErrorCode, type ErrorCodeName, ZooKeeperError } from "./protocol/errors.ts";
export {
  EventType,
  type EventTypeName,
  KeeperState,
  type KeeperStateName,
  type WatchedEvent,
  type Watcher,
} from "./protocol/events.ts";
export type { OpName } from "./protocol/opcodes.ts";
export { pathProblem } from "./protocol/paths.ts";
export type { Endpoint, Transport, TransportFactory, TransportHandlers } from "./transport/transport.ts";
export { tcpTransport } from "./transport/tcp.ts";
export { type PemInput, type TlsOptions, tlsTransport } from "./transport/tls.ts";
