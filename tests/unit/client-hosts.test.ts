import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { HostRotation, parseConnectString, rebalanceTarget, replaceHosts } from "../../src/client/hosts.ts";
import type { Endpoint } from "../../src/transport/transport.ts";

const hosts = (...ports: number[]): Endpoint[] => ports.map((port) => ({ host: "127.0.0.1", port }));

/** Advances and returns the port attempted with its pacing. */
function attempt(rotation: HostRotation): { port: number; fullCycle: boolean; immediate: boolean } {
  const pacing = rotation.advance();
  return { port: rotation.current.port, ...pacing };
}

describe("the connect string", () => {
  test("hosts keep their order, the port defaults to 2181 and the chroot starts at the first /", () => {
    assert.deepEqual(parseConnectString("a:1, b ,[::1]:3/app/x"), {
      hosts: [{ host: "a", port: 1 }, { host: "b", port: 2181 }, { host: "::1", port: 3 }],
      chroot: "/app/x",
    });
    assert.equal(parseConnectString("a/").chroot, "");
  });

  test("bad entries are typed errors naming the entry", () => {
    for (const bad of ["", "  ", ",", "a:0", "a:65536", "[::1", "[::1]x", ":2181", "a/b/"]) {
      assert.throws(() => parseConnectString(bad), { code: "BadArguments" }, bad);
    }
  });
});

describe("host rotation", () => {
  test("the first attempt goes out at once, every later one after a pause", () => {
    const rotation = new HostRotation(hosts(1, 2, 3));
    assert.equal(rotation.index, -1);
    assert.deepEqual(attempt(rotation), { port: 1, fullCycle: false, immediate: true });
    assert.deepEqual(attempt(rotation), { port: 2, fullCycle: false, immediate: false });
    assert.deepEqual(attempt(rotation), { port: 3, fullCycle: false, immediate: false });
  });

  test("without a connection, the cycle is full when the walk is back at the first host", () => {
    const rotation = new HostRotation(hosts(1, 2, 3));
    const cycles = Array.from({ length: 7 }, () => attempt(rotation)).map((a) => `${a.port}${a.fullCycle ? "!" : ""}`);
    assert.deepEqual(cycles, ["1", "2", "3", "1!", "2", "3", "1!"]);
  });

  test("after a connection, the cycle is full back at the host of that connection", () => {
    const rotation = new HostRotation(hosts(1, 2, 3));
    attempt(rotation);
    attempt(rotation);
    rotation.connected(); // on port 2
    const walk = Array.from({ length: 4 }, () => attempt(rotation)).map((a) => `${a.port}${a.fullCycle ? "!" : ""}`);
    assert.deepEqual(walk, ["3", "1", "2!", "3"]);
  });

  test("a single host is a full cycle on every retry", () => {
    const rotation = new HostRotation(hosts(7));
    assert.deepEqual(attempt(rotation), { port: 7, fullCycle: false, immediate: true });
    assert.deepEqual(attempt(rotation), { port: 7, fullCycle: true, immediate: false });
  });

  test("moving to a host makes it the next attempt, without the pause", () => {
    const rotation = new HostRotation(hosts(1, 2, 3));
    attempt(rotation);
    rotation.connected();
    rotation.moveTo(2);
    assert.deepEqual(attempt(rotation), { port: 3, fullCycle: false, immediate: true });
    assert.equal(attempt(rotation).immediate, false);
    rotation.moveTo(0);
    assert.equal(attempt(rotation).port, 1);
  });

  test("a replaced list keeps the connected host's place, and forgets the last connection otherwise", () => {
    const rotation = new HostRotation(hosts(1, 2));
    attempt(rotation);
    attempt(rotation);
    rotation.connected();
    const before = rotation.hosts;
    const { at, previous } = rotation.replace(hosts(9, 2, 8), { host: "127.0.0.1", port: 2 }, true);
    assert.equal(at, 1);
    assert.equal(previous, before);
    assert.equal(rotation.current.port, 2);
    // Connected there, so the cycle is full when the walk is back at port 2.
    assert.deepEqual([attempt(rotation), attempt(rotation), attempt(rotation)].map((a) => a.fullCycle), [
      false,
      false,
      true,
    ]);
  });

  test("a replaced list without the current host says so and leaves the move to the caller", () => {
    const rotation = new HostRotation(hosts(1, 2));
    attempt(rotation);
    assert.equal(rotation.replace(hosts(5, 6), { host: "127.0.0.1", port: 1 }, true).at, -1);
    rotation.moveTo(0);
    const next = attempt(rotation);
    assert.equal(next.port, 5);
    assert.equal(next.immediate, true);
  });

  test("a list replaced during a pause sends the pending attempt to its first host", () => {
    const rotation = new HostRotation(hosts(1, 2, 3));
    attempt(rotation);
    attempt(rotation);
    assert.equal(rotation.replace(hosts(4, 5), undefined, false).at, -1);
    assert.equal(rotation.current.port, 4);
    assert.equal(attempt(rotation).port, 5);
  });

  test("any walk stays on the list, and a full cycle comes within one length plus one of attempts", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.array(fc.nat(20), { maxLength: 20 }), (n, moves) => {
      const rotation = new HostRotation(hosts(...Array.from({ length: n }, (_, i) => i + 1)));
      for (const m of moves) {
        if (m % 3 === 0) rotation.moveTo(m % n);
        else if (m % 3 === 1) rotation.connected();
        attempt(rotation);
        assert.ok(rotation.index >= 0 && rotation.index < n);
      }
      let steps = 0;
      while (!rotation.advance().fullCycle) assert.ok(++steps <= n + 1);
    }));
  });
});

describe("rebalancing a grown list", () => {
  test("only a grown list moves a client, and only to an added server", () => {
    assert.equal(rebalanceTarget(hosts(1, 2), hosts(1, 2), () => 0), undefined);
    assert.equal(rebalanceTarget(hosts(1, 2, 3), hosts(1, 2), () => 0), undefined);
    // Probability 1 - 2/4 = 0.5 to move: 0.4 moves, 0.6 stays.
    assert.equal(rebalanceTarget(hosts(1, 2), hosts(1, 2, 3, 4), () => 0.6), undefined);
    const target = rebalanceTarget(hosts(1, 2), hosts(1, 2, 3, 4), () => 0.4);
    assert.ok(target === 2 || target === 3);
  });
});

describe("replacing the host list", () => {
  const connectedTo = (port: number, list: Endpoint[]) => {
    const rotation = new HostRotation(list);
    while (rotation.advance() && rotation.current.port !== port);
    rotation.connected();
    return rotation;
  };

  test("a server left out of the list moves the session to the new first host", () => {
    const rotation = connectedTo(2, hosts(1, 2));
    const move = replaceHosts(rotation, hosts(7, 8), { host: "127.0.0.1", port: 2 }, true, false, () => 0);
    assert.deepEqual(move, { to: 0, reason: "the server is no longer in the host list", leaving: true });
  });

  test("a kept server stays unless rebalancing picks an added one, and only while connected", () => {
    const at2 = { host: "127.0.0.1", port: 2 };
    assert.equal(replaceHosts(connectedTo(2, hosts(1, 2)), hosts(1, 2, 3, 4), at2, true, false, () => 0), undefined);
    assert.equal(replaceHosts(connectedTo(2, hosts(1, 2)), hosts(1, 2, 3, 4), at2, false, true, () => 0), undefined);
    const move = replaceHosts(connectedTo(2, hosts(1, 2)), hosts(1, 2, 3, 4), at2, true, true, () => 0);
    assert.equal(move?.leaving, false);
    assert.ok(move?.to === 2 || move?.to === 3);
  });

  test("during a reconnect pause nothing moves: the pending attempt goes to the new first host", () => {
    const rotation = connectedTo(2, hosts(1, 2));
    rotation.advance(); // the attempt the pause ends in, whose host is looked up when it ends
    assert.equal(replaceHosts(rotation, hosts(5, 6), undefined, false, true, () => 0), undefined);
    assert.equal(rotation.current.port, 5);
  });
});
