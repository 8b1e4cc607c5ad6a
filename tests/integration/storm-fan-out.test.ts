import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  connect,
  CorruptRecordError,
  createStormClusterState,
  type ErrorInfo,
  newestFirst,
  type StormClusterState,
  stormPaths,
  thriftCodec,
  type ZooKeeperClient,
} from "../../mod.ts";
import { suiteUnderRoot } from "../support/fixtures.ts";
import { sharedConnectString, uniqueRoot } from "../support/zookeeper.ts";

// More children than the fan-out keeps in flight, so the bound is exercised.
const CHILDREN = 150;
const codec = thriftCodec();

describe("fan-out reads are pipelined and read what sequential reads read", () => {
  const root = uniqueRoot("storm-fanout");
  let storm: StormClusterState;
  let raw: ZooKeeperClient;
  const reported: unknown[] = [];
  const id = "fanout-1-1700000000";

  suiteUnderRoot(root, async () => {
    storm = await createStormClusterState({
      connectString: sharedConnectString(),
      root,
      onError: (e) => reported.push(e),
    });
    raw = await connect(`${sharedConnectString()}${root}`);
    return [storm, raw];
  });

  /** What a loop of one-at-a-time reads returns for a component's errors, and the paths it skips. */
  async function sequentialErrors(component: string): Promise<{ errors: ErrorInfo[]; corrupt: string[] }> {
    const path = stormPaths.errorPath(id, component);
    const { children } = await raw.getChildren(path);
    const found: ErrorInfo[] = [];
    const names: string[] = [];
    const corrupt: string[] = [];
    for (const child of children) {
      const { data } = await raw.getData(`${path}/${child}`);
      try {
        found.push(codec.decode("ErrorInfo", data, `${path}/${child}`));
        names.push(child);
      } catch (error) {
        assert.ok(error instanceof CorruptRecordError);
        corrupt.push(`${path}/${child}`);
      }
    }
    return { errors: newestFirst(found, names), corrupt };
  }

  test("errors(): the same errors in the same order, corrupt children skipped and reported in listing order", async () => {
    const component = "split";
    const path = stormPaths.errorPath(id, component);
    await storm.setupErrors(id);
    await raw.create(path);
    for (let i = 0; i < CHILDREN; i++) {
      const bytes = i % 37 === 5
        ? new Uint8Array([0xde, 0xad, i])
        : codec.encode("ErrorInfo", { error: `failure ${i}`, errorTimeSecs: 1_700_000_000 + (i % 7), port: i });
      await raw.create(`${path}/e`, bytes, { mode: "persistent-sequential" });
    }
    reported.length = 0;
    const errors = await storm.errors(id, component);
    const expected = await sequentialErrors(component);
    assert.equal(errors.length, CHILDREN - expected.corrupt.length);
    assert.deepEqual(errors, expected.errors);
    assert.deepEqual(reported.map((e) => (e instanceof CorruptRecordError ? e.path : String(e))), expected.corrupt);
  });

  test("errors() reported within the same second come back latest-reported first (by sequence number)", async () => {
    const component = "same-second";
    const path = stormPaths.errorPath(id, component);
    await raw.create(path);
    const report = (error: string, errorTimeSecs: number) =>
      raw.create(`${path}/e`, codec.encode("ErrorInfo", { error, errorTimeSecs }), { mode: "persistent-sequential" });
    for (const name of ["a", "b", "c"]) await report(name, 100);
    await report("older, reported later", 99);
    for (const name of ["d", "e"]) await report(name, 100);
    assert.deepEqual((await storm.errors(id, component)).map((e) => e.error), [
      "e",
      "d",
      "c",
      "b",
      "a",
      "older, reported later",
    ]);
  });

  test("allSupervisorInfo() and topologyBases() read every child, as one-at-a-time reads do", async () => {
    for (let i = 0; i < CHILDREN; i++) {
      await storm.supervisorHeartbeat(`sup-${i}`, {
        timeSecs: 1_700_000_000 + i,
        hostname: `host-${i}`,
        meta: [6700 + (i % 4)],
      });
    }
    for (let i = 0; i < 70; i++) {
      await storm.activateStorm(`topo-${i}-1700000000`, { name: `topo-${i}`, status: "ACTIVE", numWorkers: i + 1 });
    }
    const supervisors = await storm.allSupervisorInfo();
    assert.equal(Object.keys(supervisors).length, CHILDREN);
    for (const sup of await storm.supervisors()) assert.deepEqual(supervisors[sup], await storm.supervisorInfo(sup));
    const bases = await storm.topologyBases();
    assert.equal(Object.keys(bases).length, 70);
    for (const topo of await storm.activeStorms()) assert.deepEqual(bases[topo], await storm.stormBase(topo));
    assert.equal(await storm.getTopoId("topo-42"), "topo-42-1700000000");
  });

  test("a corrupt supervisor record fails allSupervisorInfo() with its path, as the sequential read did", async () => {
    await raw.create(stormPaths.supervisorPath("sup-bad"), new Uint8Array([1, 2, 3]));
    try {
      await assert.rejects(
        storm.allSupervisorInfo(),
        (e: unknown) => e instanceof CorruptRecordError && e.path === stormPaths.supervisorPath("sup-bad"),
      );
    } finally {
      await raw.delete(stormPaths.supervisorPath("sup-bad"));
    }
  });
});
