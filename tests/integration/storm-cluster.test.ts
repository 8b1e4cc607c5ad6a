import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  type ACL,
  type ClusterWorkerHeartbeat,
  connect,
  CorruptRecordError,
  createStormClusterState,
  CREATOR_ALL_ACL,
  digestId,
  executorKey,
  InvalidRecordError,
  jsonCodec,
  Perms,
  plainThriftCodec,
  type StormClusterState,
  stormPaths,
  type SupervisorInfo,
  thriftCodec,
  UnroutedEventError,
  type ZooKeeperClient,
  ZooKeeperError,
} from "../../mod.ts";
import { suiteUnderRoot } from "../support/fixtures.ts";
import { emptyAssignment } from "../support/storm-records.ts";
import { deferred, endSession, sharedConnectString, uniqueRoot } from "../support/zookeeper.ts";

/** A one-shot callback that counts its calls and can be awaited. */
function once(what: string) {
  let calls = 0;
  const fired = deferred<void>(10_000, what);
  return {
    callback: () => {
      calls++;
      fired.resolve();
    },
    fired: fired.promise,
    get calls() {
      return calls;
    },
  };
}

const supervisorInfo = (host: string): SupervisorInfo => ({
  timeSecs: Math.floor(Date.now() / 1000),
  hostname: host,
  usedPorts: [],
  meta: [6700, 6701],
  uptimeSecs: 1,
});
const spoutStats = (rate: number) => ({
  emitted: { ":all-time": { default: 10 } },
  transferred: {},
  specific: { spout: { acked: {}, failed: {}, completeMsAvg: {} } },
  rate,
});

describe("a small Storm cluster played against a real server", () => {
  const root = uniqueRoot("storm");
  let nimbus: StormClusterState;
  let observer: StormClusterState;
  const supervisors: StormClusterState[] = [];
  const observerErrors: unknown[] = [];
  let raw: ZooKeeperClient;
  const id = "wordcount-1-1700000000";

  suiteUnderRoot(root, async () => {
    const config = { connectString: sharedConnectString(), root };
    nimbus = await createStormClusterState(config);
    observer = await createStormClusterState({ ...config, onError: (e) => observerErrors.push(e) });
    for (let i = 0; i < 3; i++) supervisors.push(await createStormClusterState(config));
    raw = await connect(`${sharedConnectString()}${root}`);
    return [nimbus, observer, ...supervisors, raw];
  });

  test("start-up creates Storm's subtrees", async () => {
    for (const p of stormPaths.INITIAL_ROOTS) assert.ok(await raw.exists(p), p);
  });

  test("supervisors heart-beat ephemerally and the observer's supervisors callback fires once", async () => {
    const cb = once("supervisors callback");
    assert.deepEqual(await observer.supervisors(cb.callback), []);
    await Promise.all(supervisors.map((s, i) => s.supervisorHeartbeat(`sup-${i}`, supervisorInfo(`host-${i}`))));
    await cb.fired;
    await observer.state.sync("/");
    assert.equal(cb.calls, 1, "one-shot: later supervisor nodes do not fire it again");
    assert.deepEqual((await observer.supervisors()).sort(), ["sup-0", "sup-1", "sup-2"]);
    assert.equal((await observer.supervisorInfo("sup-1"))?.hostname, "host-1");
    assert.deepEqual(Object.keys(await observer.allSupervisorInfo()).sort(), ["sup-0", "sup-1", "sup-2"]);
    assert.equal(await observer.supervisorInfo("nope"), null);
  });

  test("nimbus activates a topology; the observer's storm-base callback fires and the base reads back frozen", async () => {
    const cb = once("storm-base callback");
    assert.equal(await observer.stormBase(id, cb.callback), null);
    await nimbus.activateStorm(id, {
      name: "wordcount",
      status: "ACTIVE",
      numWorkers: 2,
      componentExecutors: { spout: 2, count: 2 },
      launchTimeSecs: 1_700_000_000,
      owner: "alice",
    });
    await cb.fired;
    const base = await observer.stormBase(id);
    assert.equal(base?.status, "ACTIVE");
    assert.ok(Object.isFrozen(base) && Object.isFrozen(base?.componentExecutors));
    assert.deepEqual(await observer.activeStorms(), [id]);
    assert.equal(await observer.getTopoId("wordcount"), id);
    assert.equal(await observer.getTopoId("other"), null);
    assert.deepEqual(Object.keys(await observer.topologyBases()), [id]);
  });

  test("nimbus assigns executors; assignments and all three assignment-info callbacks fire once each", async () => {
    const list = once("assignments callback");
    const info = once("assignment-info callback");
    const version = once("assignment-version callback");
    const withVersion = once("assignment-info-with-version callback");
    assert.deepEqual(await observer.assignments(list.callback), []);
    assert.equal(await observer.assignmentInfo(id, info.callback), null);
    assert.equal(await observer.assignmentVersion(id, version.callback), null);
    assert.equal(await observer.assignmentInfoWithVersion(id, withVersion.callback), null);
    await nimbus.setAssignment(id, {
      masterCodeDir: "/nimbus/stormdist/" + id,
      nodeHost: { "sup-0": "host-0", "sup-1": "host-1" },
      executorNodePort: {
        [executorKey(1, 1)]: { node: "sup-0", port: [6700] },
        [executorKey(2, 2)]: { node: "sup-0", port: [6700] },
        [executorKey(3, 4)]: { node: "sup-1", port: [6700] },
      },
      executorStartTimeSecs: { [executorKey(1, 1)]: 1_700_000_001 },
      workerResources: [{ nodeInfo: { node: "sup-0", port: [6700] }, resources: { memOnHeap: 768, cpu: 50 } }],
      totalSharedOffHeap: {},
    });
    await Promise.all([list.fired, info.fired, version.fired, withVersion.fired]);
    const got = await observer.assignmentInfoWithVersion(id);
    assert.equal(got?.version, 0);
    assert.ok(Object.isFrozen(got) && Object.isFrozen(got?.data.executorNodePort));
    assert.equal(got?.data.executorNodePort[executorKey(3, 4)]?.node, "sup-1");
    assert.deepEqual(await observer.assignments(), [id]);
  });

  test("workers heart-beat; executor beats take each executor only from its own worker", async () => {
    await nimbus.setupHeartbeats(id);
    const beat = (time: number, executors: [number, number][]): ClusterWorkerHeartbeat => ({
      stormId: id,
      timeSecs: time,
      uptimeSecs: 30,
      executorStats: Object.fromEntries(executors.map(([a, b]) => [executorKey(a, b), spoutStats(time)])),
    });
    await supervisors[0]?.workerHeartbeat(id, "sup-0", 6700, beat(1000, [[1, 1], [2, 2]]));
    // A stale worker on another slot still claims executor [3,4] with a clock far ahead.
    await supervisors[2]?.workerHeartbeat(id, "sup-2", 6700, beat(9_999_999, [[3, 4]]));
    await supervisors[1]?.workerHeartbeat(id, "sup-1", 6700, beat(1001, []));
    const assignment = await observer.assignmentInfo(id);
    assert.ok(assignment);
    const beats = await observer.executorBeats(id, assignment.executorNodePort);
    assert.deepEqual(Object.keys(beats).sort(), [executorKey(1, 1), executorKey(2, 2)]);
    assert.equal(beats[executorKey(1, 1)]?.timeSecs, 1000);
    assert.ok(
      Object.isFrozen(beats) && Object.isFrozen(beats[executorKey(1, 1)]) &&
        Object.isFrozen(beats[executorKey(1, 1)]?.stats.emitted),
    );
    assert.equal((await observer.getWorkerHeartbeat(id, "sup-0", 6700))?.uptimeSecs, 30);
    assert.deepEqual(await observer.heartbeatStorms(), [id]);
    await supervisors[2]?.removeWorkerHeartbeat(id, "sup-2", 6700);
    assert.equal(await observer.getWorkerHeartbeat(id, "sup-2", 6700), null);
  });

  test("reported errors keep the newest 10 per component, newest first, with the last error", async () => {
    for (let i = 0; i < 12; i++) {
      await supervisors[0]?.reportError(id, "split/words", "host-0", 6700, new Error(`failure ${i}`));
    }
    await supervisors[1]?.reportError(id, "count", "host-1", 6700, "plain text error");
    const errors = await observer.errors(id, "split/words");
    assert.equal(errors.length, 10);
    assert.ok(errors.every((e, i) => i === 0 || (errors[i - 1]?.errorTimeSecs ?? 0) >= e.errorTimeSecs));
    const kids = await raw.getChildren(stormPaths.errorPath(id, "split/words"));
    assert.equal(kids.children.length, 10);
    assert.ok(
      !kids.children.includes("e0000000000") && !kids.children.includes("e0000000001"),
      "the two oldest were pruned",
    );
    assert.match((await observer.lastError(id, "split/words"))?.error ?? "", /failure 11/);
    assert.equal((await observer.lastError(id, "count"))?.error, "plain text error");
    assert.deepEqual(await observer.errors(id, "nothing"), []);
    assert.deepEqual(await observer.errorTopologies(), [id]);
  });

  test("reporters pruning the same component at once keep exactly the newest 10 and never fail on each other's deletes", async () => {
    const reporters = supervisors.slice(0, 3);
    await Promise.all(reporters.map(async (reporter, r) => {
      for (let i = 0; i < 8; i++) await reporter.reportError(id, "contended", `host-${r}`, 6700, `failure ${r}.${i}`);
    }));
    const kids = (await raw.getChildren(stormPaths.errorPath(id, "contended"))).children;
    assert.equal(kids.length, 10);
    const all = Array.from({ length: 24 }, (_, i) => `e${String(i).padStart(10, "0")}`);
    assert.deepEqual([...kids].sort(), all.slice(-10), "the 10 highest sequence numbers");
  });

  test("a rebalance merges executors into the stored base and fires the storm-base callback once", async () => {
    const cb = once("storm-base callback on rebalance");
    await observer.stormBase(id, cb.callback);
    const merged = await nimbus.updateStorm(id, {
      status: "REBALANCING",
      prevStatus: "ACTIVE",
      topologyActionOptions: { rebalanceOptions: { waitSecs: 5, numWorkers: 3 } },
      componentExecutors: { count: 4, split: 3 },
    });
    await cb.fired;
    assert.deepEqual(merged.componentExecutors, { spout: 2, count: 4, split: 3 });
    const base = await observer.stormBase(id);
    assert.equal(base?.status, "REBALANCING");
    assert.equal(base?.owner, "alice");
    assert.equal(cb.calls, 1);
  });

  test("killing the topology removes its base and assignment; callbacks see both", async () => {
    const baseCb = once("storm-base callback on kill");
    const infoCb = once("assignment-info callback on kill");
    const listCb = once("assignments callback on kill");
    await observer.stormBase(id, baseCb.callback);
    await observer.assignmentInfo(id, infoCb.callback);
    await observer.assignments(listCb.callback);
    await nimbus.updateStorm(id, { status: "KILLED", topologyActionOptions: { killOptions: { waitSecs: 0 } } });
    await baseCb.fired;
    await nimbus.removeStorm(id);
    await Promise.all([infoCb.fired, listCb.fired]);
    assert.equal(await observer.stormBase(id), null);
    assert.equal(await observer.assignmentInfo(id), null);
    assert.deepEqual(await observer.activeStorms(), []);
    await assert.rejects(
      nimbus.updateStorm(id, { status: "ACTIVE" }),
      (e: unknown) => e instanceof ZooKeeperError && e.code === "NoNode",
    );
    assert.equal(await observer.stormBase(id), null, "an update never re-creates a removed base");
    await nimbus.teardownHeartbeats(id);
    await nimbus.teardownTopologyErrors(id);
    assert.deepEqual(await observer.heartbeatStorms(), []);
    assert.deepEqual(await observer.errorTopologies(), []);
  });

  test("a supervisor's session ending removes its node and fires the supervisors callback", async () => {
    const cb = once("supervisors callback on exit");
    await observer.supervisors(cb.callback);
    const leaving = supervisors.pop();
    await leaving?.disconnect();
    await cb.fired;
    assert.deepEqual((await observer.supervisors()).sort(), ["sup-0", "sup-1"]);
  });

  test("an event under an unrouted subtree goes to onError, not to a crash", async () => {
    await raw.create("/workerbeats/probe", new Uint8Array(0));
    await observer.state.getData("/workerbeats/probe", true);
    await raw.setData("/workerbeats/probe", new Uint8Array([1]));
    await observer.state.sync("/");
    await observer.state.getData("/workerbeats/probe");
    const unrouted = observerErrors.find((e) => e instanceof UnroutedEventError);
    assert.ok(unrouted instanceof UnroutedEventError && unrouted.path === "/workerbeats/probe");
  });

  test("without an onError hook, an unrouted event is logged at error level", async () => {
    const logged = deferred<unknown>(10_000, "the logged UnroutedEventError");
    const logging = await createStormClusterState({
      state: observer.state,
      logger: (level, _message, fields) =>
        level === "error" && fields?.error instanceof UnroutedEventError && logged.resolve(fields.error),
    });
    try {
      await raw.create("/errors/probe", new Uint8Array(0));
      await observer.state.getData("/errors/probe", true);
      await raw.delete("/errors/probe");
      const error = await logged.promise;
      assert.ok(
        error instanceof UnroutedEventError && error.path === "/errors/probe" && error.eventType === "NodeDeleted",
      );
    } finally {
      await logging.disconnect();
    }
  });

  test("corrupt bytes in a record's node give CorruptRecordError with the path", async () => {
    await raw.create("/storms/broken", new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    await assert.rejects(
      observer.stormBase("broken"),
      (e: unknown) => e instanceof CorruptRecordError && e.path === "/storms/broken" && e.kind === "StormBase",
    );
    // Valid thrift for another struct does not pass as a StormBase.
    await raw.setData("/storms/broken", plainThriftCodec.encode("ErrorInfo", { error: "x", errorTimeSecs: 1 }));
    await assert.rejects(observer.stormBase("broken"), CorruptRecordError);
    await raw.delete("/storms/broken");
  });

  test("writing an invalid record gives a rejected promise (not a synchronous throw) with InvalidRecordError, and writes nothing", async () => {
    const pending = nimbus.activateStorm("invalid-1", { name: "x", status: "GONE" as "ACTIVE", numWorkers: 1 });
    assert.ok(pending instanceof Promise);
    await assert.rejects(pending, InvalidRecordError);
    await assert.rejects(
      nimbus.workerHeartbeat("invalid-1", "sup-0", 6700, {
        stormId: "invalid-1",
        executorStats: {},
        timeSecs: 1.5,
        uptimeSecs: 0,
      }),
      InvalidRecordError,
    );
    await assert.rejects(
      nimbus.reportError("invalid-1", "spout", "host-0", 2 ** 40, "port beyond an i32"),
      InvalidRecordError,
    );
    for (const path of ["/storms/invalid-1", "/workerbeats/invalid-1", "/errors/invalid-1"]) {
      assert.equal(await raw.exists(path), null, path);
    }
  });

  test("no method throws synchronously: each returns a promise, even for arguments it refuses", async () => {
    const probe = await createStormClusterState({ state: nimbus.state });
    const methods = Object.entries(probe).filter((e): e is [string, (...args: unknown[]) => unknown] =>
      typeof e[1] === "function" && e[0] !== "disconnect"
    );
    assert.ok(methods.length >= 58, `${methods.length} methods`);
    const outcomes = methods.map(([name, method]) => {
      const result = method.call(probe, "a/b", "a/b", 1.5, { bogus: true }, { bogus: true });
      assert.ok(result instanceof Promise, name);
      return result.then(() => "resolved", () => "rejected");
    });
    await Promise.all(outcomes);
    await probe.disconnect();
  });

  test('an id that is not one path segment is refused before any I/O, so removeStorm("") cannot delete every assignment', async () => {
    await nimbus.setAssignment("keep-1", emptyAssignment);
    await nimbus.activateStorm("keep-1", { name: "keep", status: "ACTIVE", numWorkers: 1 });
    for (const bad of ["", "/", "a/b", ".."]) {
      await assert.rejects(nimbus.removeStorm(bad), RangeError, JSON.stringify(bad));
    }
    await assert.rejects(nimbus.teardownHeartbeats(""), RangeError);
    await assert.rejects(nimbus.teardownTopologyErrors("/"), RangeError);
    await assert.rejects(observer.stormBase("keep-1/x"), RangeError);
    await assert.rejects(
      supervisors[0]?.supervisorHeartbeat("", supervisorInfo("host-x")) ?? Promise.resolve(),
      RangeError,
    );
    assert.deepEqual(await observer.assignments(), ["keep-1"]);
    assert.deepEqual(await observer.activeStorms(), ["keep-1"]);
    for (const root of stormPaths.INITIAL_ROOTS) assert.ok(await raw.exists(root), root);
    await nimbus.removeStorm("keep-1");
  });

  test("2.x records: credentials, log config, profiler requests, nimbuses, backpressure, blobstore, worker keys", async () => {
    const credCb = once("credentials callback");
    assert.equal(await observer.credentials(id, credCb.callback), null);
    await nimbus.setCredentials(id, { creds: { token: "abc" }, topoOwner: "alice" });
    await credCb.fired;
    assert.deepEqual(await observer.credentials(id), { creds: { token: "abc" }, topoOwner: "alice" });

    const logCb = once("log-config callback");
    await observer.topologyLogConfig(id, logCb.callback);
    await nimbus.setTopologyLogConfig(id, {
      namedLoggerLevel: { root: { action: "UPDATE", targetLogLevel: "DEBUG", resetLogLevelTimeoutSecs: 30 } },
    });
    await logCb.fired;
    assert.equal((await observer.topologyLogConfig(id))?.namedLoggerLevel?.root?.targetLogLevel, "DEBUG");

    const request = { nodeInfo: { node: "sup-0", port: [6700] }, action: "JSTACK_DUMP" as const, timeStamp: 1 };
    await nimbus.setWorkerProfileRequest(id, request);
    assert.deepEqual(await observer.getTopologyProfileRequests(id), [request]);
    assert.deepEqual(await observer.getWorkerProfileRequests(id, { node: "sup-0", port: [6700] }), [request]);
    assert.deepEqual(await observer.getWorkerProfileRequests(id, { node: "sup-1", port: [6700] }), []);
    await nimbus.deleteTopologyProfileRequests(id, request);
    assert.deepEqual(await observer.getTopologyProfileRequests(id), []);
    await assert.rejects(
      nimbus.setWorkerProfileRequest(id, { ...request, nodeInfo: { node: "sup-0", port: [] } }),
      RangeError,
      "no port names no worker",
    );
    assert.deepEqual(await observer.getTopologyProfileRequests(id), []);

    await nimbus.addNimbusHost("nimbus-1:6627", {
      host: "nimbus-1",
      port: 6627,
      uptimeSecs: 1,
      isLeader: false,
      version: "2.8.8",
    });
    assert.deepEqual((await observer.nimbuses()).map((n) => n.host), ["nimbus-1"]);
    assert.equal(await observer.getLeader(), null);

    await nimbus.setupBackpressure(id);
    assert.equal(await observer.topologyBackpressure(id, 30_000), false);
    const now = new Uint8Array(8);
    new DataView(now.buffer).setBigInt64(0, BigInt(Date.now()));
    await supervisors[0]?.state.setData(stormPaths.backpressurePath(id, "sup-0", 6700), now);
    assert.equal(await observer.topologyBackpressure(id, 30_000), true);
    assert.deepEqual(await observer.backpressureTopologies(), [id]);
    await supervisors[0]?.removeWorkerBackpressure(id, "sup-0", 6700);
    assert.equal(await observer.topologyBackpressure(id, 30_000), false);
    await nimbus.removeBackpressure(id);

    const blobCb = once("blobstore callback");
    await observer.blobstore(blobCb.callback);
    await nimbus.setupBlob("topo-jar", "nimbus-1:6627:0", 3);
    await blobCb.fired;
    assert.deepEqual(await observer.blobstoreInfo("topo-jar"), ["nimbus-1:6627:0-3"]);
    assert.deepEqual(await observer.activeKeys(), ["topo-jar"]);
    await nimbus.removeBlobstoreKey("topo-jar");

    const key = { key: new Uint8Array([1, 2, 3]), userName: "alice", expirationTimeMillis: Date.now() - 1 };
    await nimbus.addPrivateWorkerKey("NIMBUS", id, 0, key);
    assert.deepEqual((await observer.getPrivateWorkerKey("NIMBUS", id, 0))?.key, key.key);
    assert.equal(await observer.getNextPrivateWorkerKeyVersion("NIMBUS", id), 0);
    assert.deepEqual([...(await observer.idsOfTopologiesWithPrivateWorkerKeys())], [id]);
    await nimbus.removeExpiredPrivateWorkerKeys(id);
    assert.equal(await observer.getPrivateWorkerKey("NIMBUS", id, 0), null);
    await nimbus.removeAllPrivateWorkerKeys(id);
    assert.equal(nimbus.codec.name, "thrift-gzip", "Storm's own format is the default");
  });

  test("a registered nimbus comes back after its session expired and a new one began (Curator's RECONNECTED)", async () => {
    // No client option: a ClusterState from a config renews expired sessions, as Curator does.
    const host = await createStormClusterState({ connectString: sharedConnectString(), root, sessionTimeout: 4_000 });
    try {
      const path = stormPaths.nimbusPath("nimbus-2:6627");
      await host.addNimbusHost("nimbus-2:6627", {
        host: "nimbus-2",
        port: 6627,
        uptimeSecs: 1,
        isLeader: false,
        version: "2.8.8",
      });
      const oldSession = host.state.client.sessionId;
      const deleted = deferred<void>(20_000, "the old session's nimbus node deleted");
      assert.ok(await raw.exists(path, { watch: (e) => e.type === "NodeDeleted" && deleted.resolve() }));
      await endSession(host.state.client);
      await deleted.promise;
      const created = deferred<void>(20_000, "the nimbus node re-created by the new session");
      if (await raw.exists(path, { watch: (e) => e.type === "NodeCreated" && created.resolve() })) created.resolve();
      await created.promise;
      const owner = (await raw.exists(path))?.ephemeralOwner;
      assert.ok(owner !== undefined && owner !== oldSession && owner === host.state.client.sessionId);
      assert.deepEqual((await observer.nimbuses()).map((n) => n.host).sort(), ["nimbus-1", "nimbus-2"]);
    } finally {
      await host.disconnect();
    }
  });

  test("records written by Storm as plain thrift, gzip or zstd all read back; the JSON codec stays available", async () => {
    const base = { name: "framed", status: "INACTIVE" as const, numWorkers: 1 };
    for (const compression of ["none", "gzip", "zstd"] as const) {
      await raw.create(`/storms/framed-${compression}`, thriftCodec({ compression }).encode("StormBase", base));
      assert.deepEqual(await observer.stormBase(`framed-${compression}`), base, compression);
    }
    const gz = await raw.getData("/storms/framed-gzip");
    assert.deepEqual([...gz.data.subarray(0, 2)], [0x1f, 0x8b]);
    const readable = await createStormClusterState({ state: observer.state, codec: jsonCodec });
    await readable.activateStorm("json-topology", base);
    assert.equal(
      new TextDecoder().decode((await raw.getData("/storms/json-topology")).data),
      '{"name":"framed","numWorkers":1,"status":"INACTIVE"}',
    );
    await assert.rejects(readable.stormBase("framed-gzip"), CorruptRecordError);
    await readable.disconnect();
    assert.equal(observer.state.client.state, "connected", "disconnect leaves a shared ClusterState open");
  });
});

describe("topology ACLs with ZooKeeper authentication, as Storm sets them", () => {
  const digest = (user: string, perms: number): ACL => ({ perms, id: { scheme: "digest", id: digestId(user, "pw") } });
  const topologyAuth = { scheme: "digest", payload: "topo:pw" };
  const readOnly = [digest("nimbus", Perms.ALL), digest("topo", Perms.READ)];
  const readWrite = [digest("nimbus", Perms.ALL), digest("topo", Perms.ALL)];
  const id = "secured-1-1700000000";
  const base = { name: "secured", status: "ACTIVE" as const, numWorkers: 1 };
  const root = uniqueRoot("storm-acl");
  const asNimbus = { auth: [{ scheme: "digest", auth: "nimbus:pw" }] };
  let nimbus: StormClusterState;
  let worker: StormClusterState;
  let admin: ZooKeeperClient;
  let anonymous: ZooKeeperClient;
  const nimbusErrors: unknown[] = [];

  suiteUnderRoot(root, async () => {
    nimbus = await createStormClusterState({
      connectString: sharedConnectString(),
      root,
      auth: { scheme: "digest", payload: "nimbus:pw" },
      onError: (e) => nimbusErrors.push(e),
    });
    // A worker authenticates as its topology; its own nodes also grant everything to the
    // cluster identity, as Storm's worker default ACL adds storm.zookeeper.superACL.
    worker = await createStormClusterState({
      connectString: sharedConnectString(),
      root,
      auth: { scheme: "digest", payload: "topo:pw" },
      acl: [...CREATOR_ALL_ACL, digest("nimbus", Perms.ALL)],
    });
    admin = await connect(`${sharedConnectString()}${root}`, asNimbus);
    anonymous = await connect(`${sharedConnectString()}${root}`);
    return [nimbus, worker, admin, anonymous];
  }, asNimbus);

  const aclOf = async (path: string) => (await admin.getACL(path)).acl;
  const noAuth = (e: unknown) => e instanceof ZooKeeperError && e.code === "NoAuth";

  test("nimbus's topology records are read-only for the topology's digest; the subtrees stay nimbus's", async () => {
    await nimbus.activateStorm(id, base, topologyAuth);
    await nimbus.setAssignment(id, emptyAssignment, topologyAuth);
    await nimbus.setTopologyLogConfig(id, { namedLoggerLevel: {} }, topologyAuth);
    await nimbus.setCredentials(id, { creds: { token: "t" } }, topologyAuth);
    for (const path of [`/storms/${id}`, `/assignments/${id}`, `/logconfigs/${id}`, `/credentials/${id}`]) {
      assert.deepEqual(await aclOf(path), readOnly, path);
    }
    for (const path of ["/storms", "/assignments", "/logconfigs"]) {
      assert.deepEqual(await aclOf(path), [digest("nimbus", Perms.ALL)], path);
    }
    // Storm does not create /credentials first: set_data creates it with the record's own ACL.
    assert.deepEqual(await aclOf("/credentials"), readOnly);
  });

  test("the worker reads its topology's records but cannot change them; others cannot read them", async () => {
    assert.deepEqual(await worker.stormBase(id), base);
    assert.deepEqual((await worker.credentials(id))?.creds, { token: "t" });
    await assert.rejects(worker.activateStorm(id, { ...base, status: "KILLED" }), noAuth);
    await assert.rejects(anonymous.getData(`/storms/${id}`), noAuth);
  });

  test("the directories workers write into are read-write for the topology's digest, and the worker writes there", async () => {
    await nimbus.setupHeartbeats(id, topologyAuth);
    await nimbus.setupErrors(id, topologyAuth);
    await nimbus.setupBackpressure(id, topologyAuth);
    for (const path of [`/workerbeats/${id}`, `/errors/${id}`, `/backpressure/${id}`]) {
      assert.deepEqual(await aclOf(path), readWrite, path);
    }
    await worker.workerHeartbeat(id, "sup-0", 6700, { stormId: id, executorStats: {}, timeSecs: 1, uptimeSecs: 1 });
    await worker.reportError(id, "spout", "host-0", 6700, "worker failure");
    assert.equal((await nimbus.getWorkerHeartbeat(id, "sup-0", 6700))?.timeSecs, 1);
    assert.equal((await nimbus.lastError(id, "spout"))?.error, "worker failure");
    assert.deepEqual(await aclOf(`/workerbeats/${id}/sup-0-6700`), [
      digest("topo", Perms.ALL),
      digest("nimbus", Perms.ALL),
    ]);
  });

  test("errors() skips (and reports) an error node it cannot parse, but fails on one it may not read", async () => {
    const component = stormPaths.errorPath(id, "spout");
    await admin.create(`${component}/e9000000000`, new Uint8Array([0xde, 0xad]));
    const errors = await nimbus.errors(id, "spout");
    assert.deepEqual(errors.map((e) => e.error), ["worker failure"]);
    assert.ok(nimbusErrors.some((e) => e instanceof CorruptRecordError && e.path === `${component}/e9000000000`));
    await admin.create(`${component}/e9000000001`, new Uint8Array(0), { acl: [digest("someone-else", Perms.ALL)] });
    try {
      await assert.rejects(nimbus.errors(id, "spout"), noAuth);
    } finally {
      await admin.delete(`${component}/e9000000001`);
    }
  });

  test("without topology auth a record gets the state's default ACL", async () => {
    await nimbus.activateStorm("open-1", base);
    assert.deepEqual(await aclOf("/storms/open-1"), [digest("nimbus", Perms.ALL)]);
  });
});
