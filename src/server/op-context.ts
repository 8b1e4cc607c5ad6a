/**
 * What every operation handler of the engine works with: the requesting connection (its
 * session and identities), the shared tree and watches, and where the events a change fires go
 * (the engine sends them before the reply). Also the failures a handler throws.
 */
import type { Id } from "../jute/records.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { pathProblem } from "../protocol/paths.ts";
import { type DataTree, TreeError, type Txn } from "./data-tree.ts";
import type { TimeoutBounds } from "./sessions.ts";
import type { Delivery, WatchManager } from "./watch-manager.ts";

/** A client connection as the engine sees it: its session, identities and a way to talk to it. */
export interface Peer {
  /** 0n until the handshake is done. */
  readonly sessionId: bigint;
  /** The connection's authInfo (`ip` first, then one id per successful addAuth). */
  readonly ids: Id[];
  readonly remoteIp: string;
  /** Queues one frame (length prefix included) for the socket. */
  send(frame: Uint8Array): void;
  /** Closes the connection once queued frames are written. */
  close(): void;
}

/** Engine settings (see `ServerOptions`). */
export interface EngineOptions {
  readonly bounds: TimeoutBounds;
  readonly extendedTypes: boolean;
  readonly superDigest: string | undefined;
}

/** One request being served. */
export interface OpContext {
  readonly tree: DataTree;
  readonly watches: WatchManager<Peer>;
  readonly options: EngineOptions;
  readonly peer: Peer;
  /**
   * Takes the events of one change as a trigger of the watch tables (which also uses up one-shot
   * watches): run at once for a lone request, and for a multi only once it has succeeded, so a
   * rolled-back multi leaves every watch armed. The engine sends the events before the reply.
   */
  readonly fire: (trigger: () => readonly Delivery<Peer>[]) => void;
}

/** Why the engine answers a request with a bare error header. */
export class RequestFailure extends Error {
  constructor(readonly errno: number) {
    super(`error ${errno}`);
  }
}

/** The error code a failed op answers with; anything but a tree/request error is a decode failure. */
export function errnoOf(error: unknown): number {
  return error instanceof TreeError || error instanceof RequestFailure ? error.errno : ErrorCode.MarshallingError;
}

/**
 * The node a read names: reads do not validate their path (a malformed one is just NoNode), and
 * "" is the root, as in ZooKeeper's DataTree.
 */
export function readable(path: string): string {
  return path === "" ? "/" : path;
}

/** Throws BadArguments for an invalid path (ZooKeeper validates every path it is sent). */
export function checkPath(path: string): void {
  if (pathProblem(path) !== undefined) throw new RequestFailure(ErrorCode.BadArguments);
}

/** The transaction of a write request (the engine opens one for every write opcode). */
export function required(txn: Txn | undefined): Txn {
  if (txn === undefined) throw new RequestFailure(ErrorCode.SystemError);
  return txn;
}
