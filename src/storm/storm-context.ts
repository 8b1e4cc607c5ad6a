/**
 * What every topic of the Storm cluster state (topologies, worker heartbeats, errors, daemons,
 * the 2.x records) shares: the ClusterState, the codec, record reads and writes, watch callbacks.
 */
import type { ClusterState } from "../state/cluster-state.ts";
import { ZooKeeperError } from "../zookeeper.ts";
import { type TopologyAuth, topologyReadOnlyAcls, topologyReadWriteAcls } from "./acls.ts";
import type { CallbackSlot, CallbackSlots, StormCallback } from "./callbacks.ts";
import type { Codec } from "./codec/codec.ts";
import type { RecordKind, RecordTypes } from "./records.ts";

/** The shared part of a StormClusterState, handed to each topic's methods. */
export interface StormContext {
  readonly state: ClusterState;
  readonly codec: Codec;
  /** Errors with no caller to go to (see `StormClusterStateOptions.onError`). */
  readonly onError: (error: unknown) => void;
  encode<K extends RecordKind>(kind: K, record: RecordTypes[K]): Uint8Array;
  /** The record at `path`, or null when there is no node; with `watch`, leaves a watch. */
  read<K extends RecordKind>(kind: K, path: string, watch?: boolean): Promise<RecordTypes[K] | null>;
  /** Stores the callback (if any) before the watched read, as Storm does; true when there is one. */
  arm(slot: CallbackSlot, callback: StormCallback | undefined): boolean;
  /** The node's children, or none when it does not exist. */
  childrenOrEmpty(path: string, watch?: boolean): Promise<string[]>;
  /** Runs `work`, reporting a ZooKeeper failure to `onError` instead of rejecting, as Storm logs it. */
  logged(what: string, work: Promise<void>): Promise<void>;
  /**
   * Writes a nimbus-owned topology record with the topology's read-only ACL (Storm's TRO), after
   * its subtree where Storm creates that first.
   */
  setTopologyRecord<K extends RecordKind>(
    kind: K,
    record: RecordTypes[K],
    path: string,
    auth: TopologyAuth | undefined,
    subtree?: string,
  ): Promise<void>;
  /** Creates a directory the topology's workers write into, with its read-write ACL (Storm's TRW). */
  setupTopologyDirectory(subtree: string, directory: string, auth: TopologyAuth | undefined): Promise<void>;
}

export const isCode = (error: unknown, code: string): boolean => error instanceof ZooKeeperError && error.code === code;

/** The context of one StormClusterState, its callbacks kept in `slots`. */
export function stormContext(
  state: ClusterState,
  codec: Codec,
  onError: (error: unknown) => void,
  slots: CallbackSlots,
): StormContext {
  const encode = <K extends RecordKind>(kind: K, record: RecordTypes[K]) => codec.encode(kind, record);
  return {
    state,
    codec,
    onError,
    encode,
    async read(kind, path, watch = false) {
      const bytes = await state.getData(path, watch);
      return bytes === null ? null : codec.decode(kind, bytes, path);
    },
    arm(slot, callback) {
      if (callback === undefined) return false;
      slots.set(slot, callback);
      return true;
    },
    async childrenOrEmpty(path, watch = false) {
      try {
        return await state.getChildren(path, watch);
      } catch (error) {
        if (isCode(error, "NoNode")) return [];
        throw error;
      }
    },
    async logged(what, work) {
      try {
        await work;
      } catch (error) {
        if (!(error instanceof ZooKeeperError)) throw error;
        onError(new Error(`${what} failed: ${error.message}`, { cause: error }));
      }
    },
    async setTopologyRecord(kind, record, path, auth, subtree) {
      const bytes = encode(kind, record);
      if (subtree !== undefined) await state.mkdirs(subtree);
      await state.setData(path, bytes, topologyReadOnlyAcls(auth));
    },
    async setupTopologyDirectory(subtree, directory, auth) {
      await state.mkdirs(subtree);
      await state.mkdirs(directory, topologyReadWriteAcls(auth));
    },
  };
}

/** The records read for `ids`, keyed by id; a node that vanished meanwhile (null) is left out. */
export function present<R>(ids: readonly string[], records: readonly (R | null)[]): Record<string, R> {
  const out: Record<string, R> = {};
  for (const [i, id] of ids.entries()) {
    const record = records[i];
    if (record !== null && record !== undefined) out[id] = record;
  }
  return out;
}
