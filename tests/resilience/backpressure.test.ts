import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, tcpTransport, type TransportFactory, type ZooKeeperClient } from "../../mod.ts";
import { FrameReader } from "../../src/client/frames.ts";
import { liveHeapBytes } from "../support/memory.ts";
import { sharedConnectString, uniqueRoot } from "../support/zookeeper.ts";

/**
 * TCP that follows how many requests are on the wire: frames written with a positive xid, less
 * replies read with one (pings, auth and notifications use negative xids; the handshake's first
 * int is 0). The client writes whole frames.
 */
function wireCountingTransport(): { transport: TransportFactory; most: () => number } {
  let onWire = 0;
  let most = 0;
  const transport: TransportFactory = (endpoint, handlers) => {
    const replies = new FrameReader(2 ** 21);
    const inner = tcpTransport(endpoint, {
      onConnect: () => handlers.onConnect(),
      onData: (chunk) => {
        replies.push(chunk, (frame) => {
          if (new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getInt32(0) > 0) onWire--;
          return true;
        });
        handlers.onData(chunk);
      },
      onClose: (error) => handlers.onClose(error),
    });
    return {
      write(bytes) {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (let at = 0; at + 8 <= bytes.length; at += 4 + view.getInt32(at)) if (view.getInt32(at + 4) > 0) onWire++;
        most = Math.max(most, onWire);
        inner.write(bytes);
      },
      close: () => inner.close(),
    };
  };
  return { transport, most: () => most };
}

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

  test("at most maxInFlight requests are on the wire; the others wait in the client and complete in order", async () => {
    const wire = wireCountingTransport();
    const narrow = await connect(sharedConnectString(), { maxInFlight: 8, transport: wire.transport });
    try {
      const order: number[] = [];
      await Promise.all(Array.from({ length: 2_000 }, (_, i) => narrow.exists(path).then(() => order.push(i))));
      assert.equal(wire.most(), 8, "the pipeline fills up to maxInFlight and no further");
      assert.deepEqual(order, Array.from({ length: 2_000 }, (_, i) => i));
    } finally {
      await narrow.close();
    }
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
    console.log(
      `backpressure: ${total} getData, heap samples MiB ${heap.map((h) => (h / 2 ** 20).toFixed(1)).join(" ")}`,
    );
    assert.ok(growth < 16 * 2 ** 20, `heap grew by ${(growth / 2 ** 20).toFixed(1)} MiB`);
  });
});
