/**
 * The Storm 2.x additions: credentials, backpressure, blobstore, log configs, profiler requests and worker-token keys.
 * Part of the StormClusterState (storm-cluster-state.ts), over its shared context.
 */
import { mapBounded } from "./fan-out.ts";
import * as paths from "./paths.ts";
import { compareNodeInfo, type ProfileRequest, type WorkerTokenServiceType } from "./records.ts";
import type { StormClusterState } from "./storm-cluster-state.ts";
import type { StormContext } from "./storm-context.ts";

/** The Storm 2.x methods of a StormClusterState. */
export type StormTwoState = Pick<
  StormClusterState,
  | "setCredentials"
  | "credentials"
  | "setupBackpressure"
  | "removeBackpressure"
  | "removeWorkerBackpressure"
  | "topologyBackpressure"
  | "backpressureTopologies"
  | "setupBlob"
  | "activeKeys"
  | "blobstore"
  | "blobstoreInfo"
  | "removeBlobstoreKey"
  | "removeKeyVersion"
  | "setTopologyLogConfig"
  | "topologyLogConfig"
  | "setWorkerProfileRequest"
  | "getTopologyProfileRequests"
  | "getWorkerProfileRequests"
  | "deleteTopologyProfileRequests"
  | "getPrivateWorkerKey"
  | "addPrivateWorkerKey"
  | "getNextPrivateWorkerKeyVersion"
  | "removeExpiredPrivateWorkerKeys"
  | "removeAllPrivateWorkerKeys"
  | "idsOfTopologiesWithPrivateWorkerKeys"
>;

const TOKEN_TYPES: readonly WorkerTokenServiceType[] = ["NIMBUS", "DRPC", "SUPERVISOR"];

/** A profile request's node path, with the first port of its set as Storm takes it; a set without one names no worker. */
function profileRequestPath(stormId: string, { nodeInfo, action }: ProfileRequest): string {
  const port = nodeInfo.port[0];
  if (port === undefined) {
    throw new RangeError(
      `the profile request's NodeInfo for ${JSON.stringify(nodeInfo.node)} has no port, so it names no worker`,
    );
  }
  return paths.profilerConfigPath(stormId, nodeInfo.node, port, action);
}

/** Those methods over `ctx`. */
export function stormTwoState(ctx: StormContext): StormTwoState {
  const { state, encode, read, arm, childrenOrEmpty, logged, setTopologyRecord, setupTopologyDirectory } = ctx;
  const profileRequests = async (stormId: string) => {
    const root = paths.profilerConfigRoot(stormId);
    const requests = await mapBounded(
      await childrenOrEmpty(root),
      (child) => read("ProfileRequest", `${root}/${child}`),
    );
    return requests.filter((r): r is ProfileRequest => r !== null);
  };
  const self: StormTwoState = {
    setCredentials: async (id, credentials, auth) =>
      setTopologyRecord("Credentials", credentials, paths.credentialsPath(id), auth),
    credentials: async (id, callback) =>
      read("Credentials", paths.credentialsPath(id), arm({ kind: "credentials", id }, callback)),
    setupBackpressure: async (id, auth) =>
      setupTopologyDirectory(paths.Roots.backpressure, paths.backpressureStormRoot(id), auth),
    removeBackpressure: async (id) =>
      logged(`removeBackpressure ${id}`, state.deleteNode(paths.backpressureStormRoot(id))),
    async removeWorkerBackpressure(id, node, port) {
      const path = paths.backpressurePath(id, node, port);
      if (await state.nodeExists(path)) await state.deleteNode(path);
    },
    async topologyBackpressure(id, timeoutMs, callback) {
      const root = paths.backpressureStormRoot(id);
      if (!(await state.nodeExists(root))) return false;
      let newest = 0;
      const children = await state.getChildren(root, arm({ kind: "backpressure", id }, callback));
      for (const data of await mapBounded(children, (child) => state.getData(`${root}/${child}`))) {
        // Each worker's node holds the time it signalled, as an 8-byte big-endian long (ms).
        if (data !== null && data.length >= 8) {
          newest = Math.max(newest, Number(new DataView(data.buffer, data.byteOffset, 8).getBigInt64(0)));
        }
      }
      return Date.now() - newest < timeoutMs;
    },
    backpressureTopologies: async () => childrenOrEmpty(paths.Roots.backpressure),
    async setupBlob(key, nimbusHostPort, version) {
      const path = paths.blobstorePath(key);
      await state.mkdirs(path);
      for (const child of await childrenOrEmpty(path)) {
        if (child.startsWith(nimbusHostPort)) await state.deleteNode(`${path}/${child}`);
      }
      await state.setEphemeralNode(paths.blobstoreVersionPath(key, nimbusHostPort, version), new Uint8Array(0));
    },
    activeKeys: async () => state.getChildren(paths.Roots.blobstore),
    async blobstore(callback) {
      await state.sync(paths.Roots.blobstore);
      return state.getChildren(paths.Roots.blobstore, arm({ kind: "blobstore" }, callback));
    },
    async blobstoreInfo(key) {
      const path = key === "" ? paths.Roots.blobstore : paths.blobstorePath(key);
      await state.sync(path);
      return state.getChildren(path);
    },
    removeBlobstoreKey: async (key) => state.deleteNode(paths.blobstorePath(key)),
    removeKeyVersion: async (key) => state.deleteNode(paths.blobstoreMaxKeySequenceNumberPath(key)),
    setTopologyLogConfig: async (id, config, auth) =>
      setTopologyRecord("LogConfig", config, paths.logConfigPath(id), auth, paths.Roots.logConfigs),
    topologyLogConfig: async (id, callback) =>
      read("LogConfig", paths.logConfigPath(id), arm({ kind: "logConfig", id }, callback)),
    async setWorkerProfileRequest(id, request) {
      await state.setData(profileRequestPath(id, request), encode("ProfileRequest", request));
    },
    getTopologyProfileRequests: profileRequests,
    async getWorkerProfileRequests(id, nodeInfo) {
      // Thrift struct equality: same node and the same port set, in any order.
      return (await profileRequests(id)).filter((r) => compareNodeInfo(r.nodeInfo, nodeInfo) === 0);
    },
    async deleteTopologyProfileRequests(id, request) {
      await state.deleteNode(profileRequestPath(id, request));
    },
    async getPrivateWorkerKey(type, id, version) {
      const path = paths.secretKeysPath(type, id, version);
      const found = await read("PrivateWorkerKey", path);
      if (found !== null) return found;
      await state.sync(path);
      return read("PrivateWorkerKey", path);
    },
    async addPrivateWorkerKey(type, id, version, key, acl) {
      const path = paths.secretKeysPath(type, id, version);
      const bytes = encode("PrivateWorkerKey", key);
      await state.mkdirs(paths.Roots.secretKeys);
      await state.setData(path, bytes, acl);
    },
    async getNextPrivateWorkerKeyVersion(type, id) {
      const versions = (await childrenOrEmpty(paths.secretKeysPath(type, id))).map(Number).filter(Number.isFinite);
      return versions.length === 0 ? 0 : Math.max(...versions);
    },
    async removeExpiredPrivateWorkerKeys(id) {
      const now = Date.now();
      for (const type of TOKEN_TYPES) {
        const root = paths.secretKeysPath(type, id);
        for (const version of await childrenOrEmpty(root)) {
          const path = `${root}/${version}`;
          const key = await read("PrivateWorkerKey", path);
          if (key !== null && key.expirationTimeMillis < now) await state.deleteNode(path);
        }
      }
    },
    async removeAllPrivateWorkerKeys(id) {
      for (const type of TOKEN_TYPES) await state.deleteNode(paths.secretKeysPath(type, id));
    },
    async idsOfTopologiesWithPrivateWorkerKeys() {
      const ids = new Set<string>();
      for (const type of TOKEN_TYPES) for (const id of await childrenOrEmpty(paths.secretKeysPath(type))) ids.add(id);
      return ids;
    },
  };
  return self;
}
