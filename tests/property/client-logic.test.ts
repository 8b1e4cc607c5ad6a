import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { pingInterval } from "../../src/client/timeouts.ts";
import { FrameError, FrameReader } from "../../src/client/frames.ts";
import { indexOfEndpoint, parseConnectString, rebalanceTarget, shuffled } from "../../src/client/hosts.ts";
import type { Endpoint } from "../../src/transport/transport.ts";
import { Queue } from "../../src/client/queue.ts";
import {
  isTerminal,
  type SessionInput,
  type SessionStatus,
  type StateEvent,
  transition,
} from "../../src/client/session-state.ts";
import { batchWatchLists, WatchRegistry } from "../../src/client/watch-tables.ts";
import { writeRequestHeader, writeSetWatches } from "../../src/jute/records.ts";
import type { Watcher } from "../../src/protocol/events.ts";
import { OpCode } from "../../src/protocol/opcodes.ts";
import { ZooKeeperError } from "../../src/protocol/errors.ts";
import { makeChroot, pathProblem, validatePath } from "../../src/protocol/paths.ts";
import { createWire } from "../../src/protocol/create-mode.ts";
import { written } from "../support/bytes.ts";

const isBadArguments = (e: unknown) => e instanceof ZooKeeperError && e.code === "BadArguments";

describe("FrameReader", () => {
  const frames = fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 12 });

  function stream(parts: Uint8Array[]): Uint8Array {
    const out: number[] = [];
    for (const p of parts) {
      out.push((p.length >>> 24) & 255, (p.length >>> 16) & 255, (p.length >>> 8) & 255, p.length & 255, ...p);
    }
    return new Uint8Array(out);
  }

  test("any split of a stream into chunks yields the same frames in order", () => {
    fc.assert(fc.property(frames, fc.array(fc.nat(), { maxLength: 20 }), (parts, cuts) => {
      const bytes = stream(parts);
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const reader = new FrameReader(1000);
      const got: Uint8Array[] = [];
      let start = 0;
      for (const end of [...points, bytes.length]) {
        reader.push(bytes.subarray(start, end), (f) => {
          got.push(f.slice());
          return true;
        });
        start = end;
      }
      assert.deepEqual(got, parts);
    }));
  });

  test("one-byte chunks work too", () => {
    const parts = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array([9])];
    const bytes = stream(parts);
    const reader = new FrameReader(10);
    const got: Uint8Array[] = [];
    for (const b of bytes) reader.push(new Uint8Array([b]), (f) => (got.push(f.slice()), true));
    assert.deepEqual(got, parts);
  });

  test("lengths outside 0..max throw FrameError; returning false stops delivery", () => {
    assert.throws(() => new FrameReader(10).push(new Uint8Array([0, 0, 0, 11]), () => true), FrameError);
    assert.throws(() => new FrameReader(10).push(new Uint8Array([0xff, 0xff, 0xff, 0xff]), () => true), FrameError);
    // An oversized frame whose first int came with its length carries it: the reply's xid.
    assert.throws(
      () => new FrameReader(10).push(new Uint8Array([0, 0, 0, 11, 0, 0, 0, 7]), () => true),
      (e: unknown) => e instanceof FrameError && e.length === 11 && e.xid === 7,
    );
    assert.throws(
      () => new FrameReader(10).push(new Uint8Array([0, 0, 0, 11, 0]), () => true),
      (e: unknown) => e instanceof FrameError && e.xid === undefined,
    );
    const got: number[] = [];
    new FrameReader(10).push(stream([new Uint8Array([1]), new Uint8Array([2])]), (f) => (got.push(f[0] ?? -1), false));
    assert.deepEqual(got, [1]);
  });
});

describe("paths and chroot", () => {
  test("the examples of §14 are classified as the reference says", () => {
    for (const p of ["/", "/a", "/a/b.c", "/...", "/.hidden", "/a..", "/ünïcödé", "/a b"]) {
      assert.equal(pathProblem(p), undefined, p);
    }
    for (
      const p of [
        "",
        "a/b",
        "/a/",
        "/a//b",
        "/a/./b",
        "/a/..",
        "/.",
        "/a\u0000b",
        "/a\tb",
        "/\u0085",
        "/😀",
        "/\ue000",
        "/\ufff0",
      ]
    ) {
      assert.notEqual(pathProblem(p), undefined, JSON.stringify(p));
    }
  });

  test("a trailing / is allowed only for sequential creates", () => {
    assert.throws(() => validatePath("/queue/", "create"), isBadArguments);
    assert.equal(validatePath("/queue/", "create", true), "/queue/");
  });

  test("chroot prepend then strip gives back the client path; outside paths pass through", () => {
    const valid = fc.array(fc.stringMatching(/^[a-z0-9._-]{1,8}$/).filter((c) => c !== "." && c !== ".."), {
      maxLength: 4,
    }).map((cs) => "/" + cs.join("/"));
    fc.assert(fc.property(valid, valid.filter((p) => p !== "/"), (p, chroot) => {
      const c = makeChroot(chroot);
      assert.equal(c.toClient(c.toServer(p)), p);
    }));
    const app = makeChroot("/app");
    assert.equal(app.toServer("/"), "/app");
    assert.equal(app.toClient("/app"), "/");
    assert.equal(app.toClient("/apple"), "/apple");
    assert.equal(app.toClient("/zookeeper/config"), "/zookeeper/config");
    assert.equal(makeChroot("/").toServer("/x"), "/x");
  });
});

describe("connect strings", () => {
  test("hosts, default ports, IPv6 and chroot parse as §15.1 says", () => {
    assert.deepEqual(parseConnectString("a:1, b ,c:,[::1]:2182,[fe80::1]/app/x"), {
      hosts: [
        { host: "a", port: 1 },
        { host: "b", port: 2181 },
        { host: "c", port: 2181 },
        { host: "::1", port: 2182 },
        { host: "fe80::1", port: 2181 },
      ],
      chroot: "/app/x",
    });
    assert.equal(parseConnectString("h/").chroot, "");
    for (const bad of ["", " , ", "h:99999", "h:x", "h/a//b", "[::1", "[::1]x"]) {
      assert.throws(() => parseConnectString(bad), isBadArguments, bad);
    }
  });

  test("shuffled is a permutation", () => {
    fc.assert(fc.property(fc.array(fc.integer()), (xs) => {
      assert.deepEqual([...shuffled(xs)].sort((a, b) => a - b), [...xs].sort((a, b) => a - b));
    }));
  });
});

describe("create modes", () => {
  test("each mode maps to its opcode and flags (§10.1)", () => {
    assert.deepEqual(createWire("persistent", undefined), { opcode: 15, flags: 0, sequential: false, ttl: undefined });
    assert.deepEqual(createWire("ephemeral-sequential", undefined), {
      opcode: 15,
      flags: 3,
      sequential: true,
      ttl: undefined,
    });
    assert.deepEqual(createWire("container", undefined), { opcode: 19, flags: 4, sequential: false, ttl: undefined });
    assert.deepEqual(createWire("persistent-ttl", 1), { opcode: 21, flags: 5, sequential: false, ttl: 1n });
    assert.deepEqual(createWire("persistent-sequential-ttl", 2n ** 40n - 1n), {
      opcode: 21,
      flags: 6,
      sequential: true,
      ttl: 2n ** 40n - 1n,
    });
    for (
      const [mode, ttl] of [
        ["persistent-ttl", 0],
        ["persistent-ttl", 2n ** 40n],
        ["persistent-ttl", 1.5],
        ["persistent-ttl", undefined],
        ["ephemeral", 5],
        ["nope", undefined],
      ] as const
    ) {
      assert.throws(() => createWire(mode, ttl), isBadArguments, `${mode} ${String(ttl)}`);
    }
  });
});

describe("watch registry (§9.5)", () => {
  const w = (name: string): Watcher => Object.assign(() => {}, { label: name });

  test("each event type consults and consumes the tables the reference lists", () => {
    const reg = new WatchRegistry();
    const [data, exist, child, persistent, recursive] = ["data", "exist", "child", "persistent", "recursive"].map(w);
    const fill = () => {
      reg.add("data", "/a/b", data as Watcher);
      reg.add("exist", "/a/b", exist as Watcher);
      reg.add("child", "/a/b", child as Watcher);
      reg.add("persistent", "/a/b", persistent as Watcher);
      reg.add("persistentRecursive", "/a", recursive as Watcher);
    };
    fill();
    assert.deepEqual(reg.trigger("NodeDataChanged", "/a/b"), new Set([data, exist, persistent, recursive]));
    assert.deepEqual(
      reg.trigger("NodeDataChanged", "/a/b"),
      new Set([persistent, recursive]),
      "one-shots are consumed",
    );
    assert.deepEqual(
      reg.trigger("NodeChildrenChanged", "/a/b"),
      new Set([child, persistent]),
      "recursive watches get no child events",
    );
    reg.clear();
    fill();
    assert.deepEqual(reg.trigger("NodeDeleted", "/a/b"), new Set([data, exist, child, persistent, recursive]));
    assert.deepEqual(reg.lists(), {
      data: [],
      exist: [],
      child: [],
      persistent: ["/a/b"],
      persistentRecursive: ["/a"],
    });
  });

  test("a watcher in several tables is returned once; removal reports what stays watched", () => {
    const reg = new WatchRegistry();
    const one = w("one");
    const two = w("two");
    reg.add("data", "/p", one);
    reg.add("child", "/p", one);
    reg.add("data", "/p", two);
    assert.equal(reg.trigger("NodeDeleted", "/p").size, 2);
    reg.add("data", "/p", one);
    reg.add("data", "/p", two);
    const { removed, stillWatched } = reg.remove("data", "/p", one);
    assert.deepEqual([...removed.keys()], [one]);
    assert.equal(stillWatched, true);
    assert.equal(reg.has("data", "/p", one), false);
    assert.equal(reg.remove("any", "/p").stillWatched, false);
    assert.deepEqual(reg.lists(), { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] });
  });

  test("removing a one-shot watch keeps the server watch a persistent watch on the path shares", () => {
    const reg = new WatchRegistry();
    const [oneShot, persistent, recursive] = ["oneShot", "persistent", "recursive"].map(w) as Watcher[];
    reg.add("persistent", "/p", persistent as Watcher);
    reg.add("persistentRecursive", "/r", recursive as Watcher);
    for (
      const [kind, type, path] of [["data", "data", "/p"], ["child", "children", "/p"], ["exist", "data", "/p"], [
        "data",
        "data",
        "/r",
      ]] as const
    ) {
      reg.add(kind, path, oneShot as Watcher);
      const { removed, stillWatched } = reg.remove(type, path);
      assert.deepEqual([...removed.keys()], [oneShot], `${type} on ${path}`);
      assert.equal(stillWatched, true, `${type} on ${path}`);
    }
    reg.add("child", "/r", oneShot as Watcher);
    assert.equal(reg.remove("children", "/r").stillWatched, false, "a recursive watch has no child-table entry");
    reg.add("data", "/r/below", oneShot as Watcher);
    assert.equal(
      reg.remove("data", "/r/below").stillWatched,
      false,
      "an ancestor's recursive watch is keyed by the ancestor",
    );
  });

  test("SetWatches batches keep every path, in table order, each frame within the frame limit", () => {
    const paths = fc.array(fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }).map((p) => `/${p}`), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(
        paths,
        paths,
        paths,
        paths,
        paths,
        fc.integer({ min: 80, max: 400 }),
        (data, exist, child, persistent, persistentRecursive, maxFrameSize) => {
          const lists = { data, exist, child, persistent, persistentRecursive };
          const batches = batchWatchLists(lists, maxFrameSize);
          for (const kind of ["data", "exist", "child", "persistent", "persistentRecursive"] as const) {
            assert.deepEqual(batches.flatMap((b) => b.lists[kind]), lists[kind]);
          }
          for (const b of batches) {
            // The payload exactly as the session sends it: header, then SetWatches2 (the larger form).
            const payload = written((w) => {
              writeRequestHeader(w, 1, OpCode.setWatches2);
              writeSetWatches(w, 0n, b.lists, true);
            });
            const count = b.lists.data.length + b.lists.exist.length + b.lists.child.length +
              b.lists.persistent.length + b.lists.persistentRecursive.length;
            // Only a single path too long for any frame may stand alone in an oversized one.
            if (count > 1) assert.ok(payload.length <= maxFrameSize, `${payload.length} > ${maxFrameSize}`);
            assert.equal(b.persistent, b.lists.persistent.length + b.lists.persistentRecursive.length > 0);
          }
        },
      ),
    );
  });

  test("with the default frame limit a batch holds about 128 KiB of paths, as in Java", () => {
    const data = Array.from({ length: 5000 }, (_, i) => `/watched/node-${String(i).padStart(20, "0")}`);
    const batches = batchWatchLists({ data, exist: [], child: [], persistent: [], persistentRecursive: [] }, 1_048_575);
    assert.equal(batches.length, 2);
    const first = batches[0]?.lists.data ?? [];
    const bytes = first.reduce((n, p) => n + 4 + p.length, 0);
    assert.ok(bytes <= 128 * 1024 && bytes > 127 * 1024, `${bytes} bytes in the first batch`);
  });
});

describe("session state machine", () => {
  const start: SessionStatus = { state: "connecting", everConnected: false };
  const run = (inputs: SessionInput[]) => {
    let status = start;
    const events: StateEvent[] = [];
    for (const input of inputs) {
      const next = transition(status, input);
      status = next.status;
      if (next.event) events.push(next.event);
    }
    return { status, events };
  };

  test("the first handshake is 'connected', later ones 'reconnected'; a loss is reported once", () => {
    const { status, events } = run([{ type: "start" }, { type: "handshake", readOnly: false }, { type: "lost" }, {
      type: "lost",
    }, { type: "handshake", readOnly: false }]);
    assert.deepEqual(events, ["connecting", "connected", "disconnected", "reconnected"]);
    assert.equal(status.state, "connected");
  });

  test("read-only servers, closing, expiry and auth failure", () => {
    assert.deepEqual(run([{ type: "handshake", readOnly: true }]).events, ["readOnly"]);
    assert.deepEqual(run([{ type: "handshake", readOnly: false }, { type: "close" }, { type: "lost" }]), {
      status: { state: "closed", everConnected: true },
      events: ["connected", "closed"],
    });
    assert.deepEqual(run([{ type: "close" }]).events, ["closed"], "close while connecting ends at once");
    assert.deepEqual(run([{ type: "handshake", readOnly: false }, { type: "lost" }, { type: "expired" }]).events, [
      "connected",
      "disconnected",
      "expired",
    ]);
    assert.deepEqual(run([{ type: "authFailed" }]).status.state, "authFailed");
  });

  test("terminal states absorb every input; 'disconnected' never repeats without a handshake between", () => {
    const input = fc.oneof(
      fc.constant<SessionInput>({ type: "start" }),
      fc.boolean().map<SessionInput>((readOnly) => ({ type: "handshake", readOnly })),
      fc.constantFrom<SessionInput>({ type: "lost" }, { type: "expired" }, { type: "authFailed" }, { type: "close" }, {
        type: "closed",
      }),
    );
    fc.assert(fc.property(fc.array(input, { maxLength: 30 }), (inputs) => {
      let status = start;
      let lastWasDisconnect = false;
      for (const i of inputs) {
        const next = transition(status, i);
        if (isTerminal(status.state)) {
          assert.deepEqual(next.status, status);
          assert.equal(next.event, undefined);
        }
        if (next.event === "disconnected") {
          assert.equal(lastWasDisconnect, false);
          lastWasDisconnect = true;
        } else if (next.event !== undefined && next.event !== "connecting") lastWasDisconnect = false;
        status = next.status;
      }
    }));
  });
});

describe("ping cadence (§3.4)", () => {
  test("pings follow the Java client: half the read timeout, 1 s earlier above 1 s, never below 1 s there, at most 10 s apart", () => {
    // [negotiated session timeout, idle-send ms before a ping]
    for (
      const [timeout, expected] of [
        [2_000, 666],
        [3_000, 1_000],
        [3_003, 1_000],
        [3_300, 1_000],
        [4_000, 1_000],
        [6_000, 1_000],
        [9_000, 2_000],
        [30_000, 9_000],
        [40_000, 10_000],
        [60_000, 10_000],
      ]
    ) {
      assert.equal(pingInterval(Math.floor((timeout * 2) / 3)), expected, `session timeout ${timeout}`);
    }
  });
});

describe("Queue", () => {
  test("behaves like an array FIFO under any sequence of operations", () => {
    const op = fc.oneof(
      fc.integer().map((v) => ({ op: "push" as const, v })),
      fc.constant({ op: "shift" as const }),
      fc.constant({ op: "drain" as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const q = new Queue<number>();
        let model: number[] = [];
        for (const o of ops) {
          if (o.op === "push") {
            q.push(o.v);
            model.push(o.v);
          } else if (o.op === "shift") assert.equal(q.shift(), model.shift());
          else {
            assert.deepEqual(q.drain(), model);
            model = [];
          }
          assert.equal(q.length, model.length);
          assert.equal(q.peek(), model[0]);
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe("rebalancing a replaced host list (Java's rule)", () => {
  const endpoint = fc.record({
    host: fc.constantFrom("a", "b", "c", "d", "e", "f"),
    port: fc.integer({ min: 1, max: 4 }),
  });
  const list = fc.uniqueArray(endpoint, { selector: (h) => `${h.host}:${h.port}`, minLength: 1, maxLength: 8 });

  test("a client moves only when the list grew, with probability 1 - old/new, and only to an added server", () => {
    fc.assert(
      fc.property(
        list,
        list,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (previous, hosts, r1, r2) => {
          const draws = [r1, r2];
          const target = rebalanceTarget(previous, hosts, () => draws.shift() ?? 0);
          const added = hosts.filter((h) => indexOfEndpoint(previous, h) < 0);
          const moves = hosts.length > previous.length && added.length > 0 && r1 < 1 - previous.length / hosts.length;
          assert.equal(target !== undefined, moves);
          if (target !== undefined) {
            assert.ok(
              indexOfEndpoint(previous, hosts[target] as Endpoint) < 0,
              "an added server",
            );
          }
        },
      ),
    );
  });

  test("from one server to three, two clients in three move", () => {
    const one = [{ host: "a", port: 1 }];
    const three = [...one, { host: "b", port: 1 }, { host: "c", port: 1 }];
    assert.equal(rebalanceTarget(one, three, () => 0.66), 2, "added[floor(0.66 × 2)]");
    assert.equal(rebalanceTarget(one, three, () => 0.67), undefined);
    assert.equal(
      rebalanceTarget(three, [three[0] as Endpoint, { host: "d", port: 1 }, three[2] as Endpoint], () => 0),
      undefined,
      "same size: nobody moves",
    );
  });
});
