import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ZooKeeperClient, connect } from "../../mod.ts";
import { liveHeapBytes } from "../support/memory.ts";
import { sharedConnectString, uniqueRoot } from "../support/zookeeper.ts";

describe("backpressure", () => {
  let zk: ZooKeeperClient;
  let path: string;

  before(async () => {
    zk = await connect(sharedConnectString(), { maxInFlight: 500 });
    path = uniqueRoot("bp");
    await zk.create(path, new Uint8Array(16));
  });
  after(async () => {
    await zk.delete(path);
    await zk.close();
  });

  test("memory stays flat while 1,000,000 getData calls are issued in a loop paced by waitForCapacity", async () => {
    const total = 1_000_000;
    let done = 0;
    let failed = 0;
    let outstanding = 0;
    let maxOutstanding = 0;
    const heap: number[] = [];
    for (let i = 0; i < total; i++) {
      await zk.waitForCapacity();
      outstanding++;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      zk.getData(path).then(
        () => {
          done++;
          outstanding--;
        },
        () => {
          failed++;
          outstanding--;
        },
      );
      if (i % 100_000 === 0) heap.push(liveHeapBytes());
    }
    while (outstanding > 0) await zk.waitForCapacity().then(() => zk.sync(path));
    heap.push(liveHeapBytes());
    assert.equal(done, total);
    assert.equal(failed, 0);
    assert.ok(maxOutstanding <= 501, `at most maxInFlight requests outstanding (saw ${maxOutstanding})`);
    // Flat: live memory after a million requests is within 16 MiB of where it was after the
    // first 100,000 (a leak of even 20 bytes per request would exceed that).
    const growth = Math.max(...heap) - (heap[1] ?? heap[0] ?? 0);
    console.log(`backpressure: ${total} getData, heap samples MiB ${heap.map((h) => (h / 2 ** 20).toFixed(1)).join(" ")}`);
    assert.ok(growth < 16 * 2 ** 20, `heap grew by ${(growth / 2 ** 20).toFixed(1)} MiB`);
  });
});
