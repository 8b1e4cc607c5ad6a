import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { jsonCodec } from "../../src/storm/codec/json.ts";
import { thriftCodec } from "../../src/storm/codec/thrift.ts";
import { CorruptRecordError, InvalidRecordError } from "../../src/storm/record-errors.ts";
import {
  type Assignment,
  AssignmentSchema,
  ClusterWorkerHeartbeatSchema,
  deepFreeze,
  executorKey,
  parseExecutorKey,
  type PrivateWorkerKey,
  type StormBase,
  StormBaseSchema,
  streamKey,
} from "../../src/storm/records.ts";
import { oneExecutorHeartbeat, wordcountBase as base } from "../support/storm-records.ts";

const utf8 = new TextEncoder();
const bytesOf = (value: unknown) => utf8.encode(JSON.stringify(value));
const corrupt = (kind: string, path?: string) => (e: unknown) =>
  e instanceof CorruptRecordError && e.kind === kind && e.path === path;
/** A heartbeat as plain data (schema or JSON input, unchecked): topology "t", executor [1,1] with `stats`. */
const rawHeartbeat = (stats: unknown) => ({
  stormId: "t",
  timeSecs: 1,
  uptimeSecs: 1,
  executorStats: { "[1,1]": stats },
});

describe("Storm records", () => {
  test("executor keys are one canonical string per range", () => {
    assert.equal(executorKey(1, 3), "[1,3]");
    assert.equal(executorKey(-0, -1), "[0,-1]");
    assert.deepEqual(parseExecutorKey("[-1,2147483647]"), [-1, 2147483647]);
    for (const bad of ["[01,3]", "[1, 3]", "[1,3", "[-0,1]", "[2147483648,1]", "[1.5,2]", "1,3", ""]) {
      assert.throws(() => parseExecutorKey(bad), TypeError, bad);
    }
    assert.throws(() => executorKey(1.5, 2), RangeError);
    assert.throws(() => executorKey(0, 2 ** 31), RangeError);
  });

  test("stream keys are canonical JSON pairs", () => {
    assert.equal(streamKey("split", "default"), '["split","default"]');
    const hb = (key: string): unknown =>
      rawHeartbeat({
        emitted: {},
        transferred: {},
        rate: 0,
        specific: {
          bolt: { acked: { "600": { [key]: 1 } }, failed: {}, processMsAvg: {}, executed: {}, executeMsAvg: {} },
        },
      });
    assert.ok(ClusterWorkerHeartbeatSchema.safeParse(hb('["split","default"]')).success);
    assert.ok(!ClusterWorkerHeartbeatSchema.safeParse(hb('[ "split","default"]')).success, "not canonical");
    assert.ok(!ClusterWorkerHeartbeatSchema.safeParse(hb('["split"]')).success);
  });

  test("stats counters are integers, averages any number", () => {
    const stats = (acked: number, completeMsAvg: number) =>
      rawHeartbeat({
        emitted: {},
        transferred: {},
        rate: 0.5,
        specific: {
          spout: {
            acked: { "600": { default: acked } },
            failed: {},
            completeMsAvg: { "600": { default: completeMsAvg } },
          },
        },
      });
    assert.ok(ClusterWorkerHeartbeatSchema.safeParse(stats(3, 1.25)).success);
    assert.ok(!ClusterWorkerHeartbeatSchema.safeParse(stats(1.5, 1)).success);
    assert.ok(
      !ClusterWorkerHeartbeatSchema.safeParse(stats(2 ** 53, 1)).success,
      "beyond 2^53 is refused, never rounded",
    );
  });

  test("an Assignment's map fields default to empty, port sets are sorted, worker resources ordered by NodeInfo", () => {
    const parsed = AssignmentSchema.parse({
      masterCodeDir: "/tmp",
      executorNodePort: { "[1,1]": { node: "s", port: [6701, 6700, 6701] } },
      workerResources: [{ nodeInfo: { node: "b", port: [1] }, resources: {} }, {
        nodeInfo: { node: "a", port: [2] },
        resources: { cpu: 1 },
      }],
    });
    assert.deepEqual(
      parsed,
      {
        masterCodeDir: "/tmp",
        nodeHost: {},
        executorNodePort: { "[1,1]": { node: "s", port: [6700, 6701] } },
        executorStartTimeSecs: {},
        workerResources: [{ nodeInfo: { node: "a", port: [2] }, resources: { cpu: 1 } }, {
          nodeInfo: { node: "b", port: [1] },
          resources: {},
        }],
        totalSharedOffHeap: {},
      } satisfies Assignment,
    );
  });

  test("topologyActionOptions is a union: exactly one member", () => {
    assert.ok(StormBaseSchema.safeParse({ ...base, topologyActionOptions: { killOptions: { waitSecs: 30 } } }).success);
    assert.ok(
      !StormBaseSchema.safeParse({ ...base, topologyActionOptions: { killOptions: {}, rebalanceOptions: {} } }).success,
    );
    assert.ok(!StormBaseSchema.safeParse({ ...base, topologyActionOptions: {} }).success);
  });

  test("deepFreeze reaches below objects that are already frozen", () => {
    const inner = { a: [1, { b: 2 }] };
    const outer = Object.freeze({ inner });
    deepFreeze(outer);
    assert.ok(Object.isFrozen(inner) && Object.isFrozen(inner.a) && Object.isFrozen(inner.a[1]));
  });
});

describe("the JSON codec", () => {
  test("output is sorted JSON, the same for any key order", () => {
    const bytes = jsonCodec.encode("StormBase", base);
    assert.equal(
      new TextDecoder().decode(bytes),
      '{"componentExecutors":{"split":4,"spout":2},"launchTimeSecs":1700000000,"name":"wordcount","numWorkers":2,"owner":"alice","status":"ACTIVE"}',
    );
    const reordered: StormBase = {
      owner: "alice",
      status: "ACTIVE",
      numWorkers: 2,
      name: "wordcount",
      launchTimeSecs: 1_700_000_000,
      componentExecutors: { split: 4, spout: 2 },
    };
    assert.deepEqual(jsonCodec.encode("StormBase", reordered), bytes);
  });

  test("bytes are base64 under a marker, and map keys that look like the marker survive", () => {
    const key: PrivateWorkerKey = {
      key: new Uint8Array([0, 1, 2, 255]),
      userName: "alice",
      expirationTimeMillis: 1_700_000_000_000,
    };
    assert.equal(
      new TextDecoder().decode(jsonCodec.encode("PrivateWorkerKey", key)),
      '{"expirationTimeMillis":1700000000000,"key":{"$base64":"AAEC/w=="},"userName":"alice"}',
    );
    assert.deepEqual(jsonCodec.decode("PrivateWorkerKey", jsonCodec.encode("PrivateWorkerKey", key)), key);
    const awkward: readonly Readonly<Record<string, string>>[] = [{ $base64: "AAEC" }, { $: "x", $$y: "z" }, {
      "": "empty",
      constructor: "c",
    }];
    for (const creds of awkward) {
      assert.deepEqual(jsonCodec.decode("Credentials", jsonCodec.encode("Credentials", { creds })), { creds });
    }
    assert.throws(
      () =>
        jsonCodec.decode(
          "PrivateWorkerKey",
          bytesOf({ key: { $base64: "not base64!" }, userName: "a", expirationTimeMillis: 1 }),
        ),
      corrupt("PrivateWorkerKey"),
    );
  });

  test("doubles JSON has no number for (NaN, ±Infinity) round-trip under a marker; a bad marker is corrupt", () => {
    // Storm computes an average over no samples as 0.0 / 0 and stores the NaN it gets.
    const hb = oneExecutorHeartbeat(executorKey(1, 1), {
      emitted: {},
      transferred: {},
      rate: Number.POSITIVE_INFINITY,
      specific: {
        spout: {
          acked: {},
          failed: {},
          completeMsAvg: { "600": { default: Number.NaN, other: Number.NEGATIVE_INFINITY } },
        },
      },
    });
    const json = new TextDecoder().decode(jsonCodec.encode("ClusterWorkerHeartbeat", hb));
    assert.match(json, /"rate":\{"\$double":"Infinity"\}/);
    assert.match(json, /"default":\{"\$double":"NaN"\}/);
    for (const codec of [jsonCodec, thriftCodec()]) {
      assert.deepEqual(
        codec.decode("ClusterWorkerHeartbeat", codec.encode("ClusterWorkerHeartbeat", hb)),
        hb,
        codec.name,
      );
    }
    const withRate = (rate: unknown) =>
      bytesOf(
        rawHeartbeat({
          emitted: {},
          transferred: {},
          rate,
          specific: { spout: { acked: {}, failed: {}, completeMsAvg: {} } },
        }),
      );
    assert.throws(
      () => jsonCodec.decode("ClusterWorkerHeartbeat", withRate({ $double: "nan" })),
      corrupt("ClusterWorkerHeartbeat"),
    );
    assert.throws(
      () => jsonCodec.decode("ClusterWorkerHeartbeat", withRate({ $double: 1 })),
      corrupt("ClusterWorkerHeartbeat"),
    );
    assert.throws(() => jsonCodec.decode("ClusterWorkerHeartbeat", withRate("1.5")), corrupt("ClusterWorkerHeartbeat"));
  });

  test("decoded records are deep-frozen", () => {
    const hb = oneExecutorHeartbeat(executorKey(1, 2), {
      emitted: { "600": { default: 4 } },
      transferred: {},
      rate: 1,
      specific: { spout: { acked: {}, failed: {}, completeMsAvg: {} } },
    });
    const decoded = jsonCodec.decode("ClusterWorkerHeartbeat", jsonCodec.encode("ClusterWorkerHeartbeat", hb));
    assert.ok(Object.isFrozen(decoded) && Object.isFrozen(decoded.executorStats));
    assert.ok(Object.isFrozen(decoded.executorStats["[1,2]"]?.emitted["600"]));
    assert.throws(() => {
      (decoded.executorStats as Record<string, unknown>)["[3,3]"] = null;
    }, TypeError);
  });

  test("corrupt bytes give a CorruptRecordError with kind, path, cause and a message naming the path", () => {
    const cases: readonly Uint8Array[] = [
      new Uint8Array([0xff, 0xfe, 0x00]),
      utf8.encode("{not json"),
      utf8.encode(""),
      bytesOf([1, 2]),
      bytesOf({ name: "wc", status: "RUNNING", numWorkers: 1 }),
      bytesOf({ name: "wc", status: "ACTIVE" }),
      bytesOf({ name: "wc", status: "ACTIVE", numWorkers: 2 ** 31 }),
      utf8.encode('{"name":"wc","status":"ACTIVE","numWorkers":1,"componentExecutors":{"__proto__":1}}'),
      new Uint8Array([0x1f, 0x8b, 0x08, 0x00]),
    ];
    for (const bytes of cases) {
      assert.throws(() => jsonCodec.decode("StormBase", bytes, "/storms/wc-1"), (e: unknown) => {
        assert.ok(corrupt("StormBase", "/storms/wc-1")(e));
        assert.ok(
          e instanceof Error && e.name === "CorruptRecordError" && e.message.includes("/storms/wc-1") &&
            e.cause !== undefined,
        );
        return true;
      });
    }
    assert.throws(
      () =>
        jsonCodec.decode(
          "Assignment",
          bytesOf({ masterCodeDir: "x", executorNodePort: { "[01,2]": { node: "a", port: [1] } } }),
        ),
      corrupt("Assignment"),
    );
  });

  test("a record that does not fit its schema is refused on encode, nothing is written", () => {
    assert.throws(() => jsonCodec.encode("StormBase", { ...base, status: "GONE" as "ACTIVE" }), InvalidRecordError);
    assert.throws(() => jsonCodec.encode("ErrorInfo", { error: "x", errorTimeSecs: 2 ** 40 }), InvalidRecordError);
    const proto: StormBase = JSON.parse(
      '{"name":"wc","status":"ACTIVE","numWorkers":1,"componentExecutors":{"__proto__":1}}',
    );
    assert.throws(
      () => jsonCodec.encode("StormBase", proto),
      InvalidRecordError,
      "a key that would vanish is refused, not dropped",
    );
    assert.throws(
      () =>
        jsonCodec.encode("Assignment", {
          masterCodeDir: "x",
          nodeHost: {},
          executorNodePort: {},
          executorStartTimeSecs: {},
          totalSharedOffHeap: {},
          workerResources: [{ nodeInfo: { node: "a", port: [1, 2] }, resources: {} }, {
            nodeInfo: { node: "a", port: [2, 1] },
            resources: {},
          }],
        }),
      InvalidRecordError,
      "one NodeInfo twice",
    );
  });
});
