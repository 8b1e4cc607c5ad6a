import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ErrorCode, ZooKeeperError } from "../../src/protocol/errors.ts";
import type { Request } from "../../src/client/request.ts";
import { type Carrier, WaitingQueue } from "../../src/client/waiting.ts";

/** A request that records how it ended. */
function request(name: string, ended: string[]): Request {
  return {
    op: "getData",
    opcode: 4,
    path: `/${name}`,
    encode: undefined,
    xid: 0,
    complete: () => ended.push(`${name} answered`),
    fail: (error: ZooKeeperError) => ended.push(`${name} ${error.code}`),
  };
}

/** A connection that answers nothing until told to: `inFlight` is what it was sent. */
class FakeCarrier implements Carrier {
  readonly sent: string[] = [];
  get inFlight(): number {
    return this.sent.length - this.answered;
  }
  answered = 0;
  send(r: Request): void {
    this.sent.push(r.path ?? "");
  }
}

/** A queue over a fake session whose connection, clock and end the test sets. */
function setup(maxInFlight = 2, waitForConnection = 1000) {
  const world = { carrier: null as FakeCarrier | null, now: 10_000, disconnectedAt: 0, ended: false };
  const queue = new WaitingQueue(
    { maxInFlight, waitForConnection },
    { carrier: () => world.carrier, disconnectedAt: () => world.disconnectedAt, ended: () => world.ended },
    () => world.now,
  );
  return { world, queue };
}

describe("the waiting queue", () => {
  test("with a connection and room, a request goes out at once; otherwise it waits", () => {
    const { world, queue } = setup(2);
    const ended: string[] = [];
    world.carrier = new FakeCarrier();
    queue.submit(request("a", ended));
    queue.submit(request("b", ended));
    queue.submit(request("c", ended));
    assert.deepEqual(world.carrier.sent, ["/a", "/b"]);
    assert.equal(queue.length, 1);
    assert.equal(queue.load, 3);
    queue.stop();
  });

  test("nothing overtakes a waiting request, and a drain sends in arrival order up to the limit", () => {
    const { world, queue } = setup(2);
    const ended: string[] = [];
    for (const name of ["a", "b", "c"]) queue.submit(request(name, ended));
    assert.equal(queue.length, 3);
    const carrier = (world.carrier = new FakeCarrier());
    queue.submit(request("d", ended)); // a connection is there, but others wait before it
    assert.deepEqual(carrier.sent, []);
    queue.drain();
    assert.deepEqual(carrier.sent, ["/a", "/b"]);
    carrier.answered = 2;
    queue.drain();
    assert.deepEqual(carrier.sent, ["/a", "/b", "/c", "/d"]);
    assert.equal(queue.length, 0);
    assert.deepEqual(ended, []);
  });

  test("abandoned requests are dropped instead of sent", () => {
    const { world, queue } = setup(5);
    const ended: string[] = [];
    const a = request("a", ended);
    queue.submit(a);
    queue.submit(request("b", ended));
    a.abandoned = true;
    world.carrier = new FakeCarrier();
    queue.drain();
    assert.deepEqual(world.carrier.sent, ["/b"]);
  });

  test("a request waits at most waitForConnection, counted from the later of its arrival and the disconnect", () => {
    const { world, queue } = setup(2, 1000);
    const ended: string[] = [];
    world.disconnectedAt = 9_000;
    queue.submit(request("early", ended)); // at 10 000
    world.now = 10_500;
    queue.submit(request("late", ended));
    world.now = 10_999;
    queue.expire();
    assert.deepEqual(ended, []);
    world.now = 11_000;
    queue.expire();
    assert.deepEqual(ended, ["early ConnectionLoss"]);
    // A later disconnect restarts the wait of what still waits.
    world.disconnectedAt = 11_200;
    world.now = 12_100;
    queue.expire();
    assert.deepEqual(ended, ["early ConnectionLoss"]);
    world.now = 12_200;
    queue.expire();
    assert.deepEqual(ended, ["early ConnectionLoss", "late ConnectionLoss"]);
    assert.equal(queue.length, 0);
  });

  test("nothing expires while a connection carries the session", () => {
    const { world, queue } = setup(1, 10);
    const ended: string[] = [];
    world.carrier = new FakeCarrier();
    queue.submit(request("a", ended));
    queue.submit(request("b", ended)); // waits for room, not for a connection
    world.now += 60_000;
    queue.expire();
    assert.deepEqual(ended, []);
    assert.equal(queue.length, 1);
    queue.stop();
  });

  test("failAll fails every waiting request with its own error, and flushTo writes them whatever the load", () => {
    const { queue } = setup(1);
    const ended: string[] = [];
    queue.submit(request("a", ended));
    queue.submit(request("b", ended));
    queue.failAll((r) =>
      new ZooKeeperError(r.path === "/a" ? ErrorCode.SessionExpired : ErrorCode.AuthFailed, { path: r.path })
    );
    assert.deepEqual(ended, ["a SessionExpired", "b AuthFailed"]);
    queue.submit(request("c", ended));
    queue.submit(request("d", ended));
    const carrier = new FakeCarrier();
    queue.flushTo(carrier);
    assert.deepEqual(carrier.sent, ["/c", "/d"]);
    assert.equal(queue.length, 0);
    queue.stop();
  });

  test("capacity waiters resolve once the load is under maxInFlight, or the session ended", async () => {
    const { world, queue } = setup(2);
    const ended: string[] = [];
    const carrier = (world.carrier = new FakeCarrier());
    await queue.waitForCapacity(); // at once: nothing outstanding
    queue.submit(request("a", ended));
    queue.submit(request("b", ended));
    let released = 0;
    const waiting = queue.waitForCapacity().then(() => released++);
    queue.releaseCapacity();
    await Promise.resolve();
    assert.equal(released, 0);
    carrier.answered = 1;
    queue.drain();
    await waiting;
    assert.equal(released, 1);

    carrier.answered = 0;
    queue.submit(request("c", ended));
    const last = queue.waitForCapacity();
    world.ended = true;
    queue.releaseCapacity();
    await last;
    queue.stop();
  });
});
