import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect as connectSocket } from "node:net";
import fc from "fast-check";
import { connect } from "../../mod.ts";
import { JuteDecodeError, JuteReader } from "../../src/jute/reader.ts";
import { type Id, readConnectRequest } from "../../src/jute/records.ts";
import { JuteWriter } from "../../src/jute/writer.ts";
import { OpCode, Xid } from "../../src/protocol/opcodes.ts";
import { type ServerHandle, startServer } from "../../src/server.ts";
import { Engine, type Peer } from "../../src/server/engine.ts";
import { concat, handshake, int32 } from "../support/raw-wire.ts";

// The server's request decoding, fed random bytes and mutations of a valid request of every
// opcode: directly (the engine's `handle`, which decodes and runs one request frame) and over a
// socket. Whatever the bytes, the outcome is an answer or a close: nothing throws, nothing hangs.

const ACL = (w: JuteWriter) => w.int(1).int(31).string("world").string("anyone");
const path = "/fuzz";

/** A valid body (after the request header) for each opcode a client may send. */
const bodies: Record<string, [number, (w: JuteWriter) => void]> = {
  create: [OpCode.create, (w) => {
    w.string(`${path}/a`).buffer(new Uint8Array([1, 2]));
    ACL(w);
    w.int(0);
  }],
  create2: [OpCode.create2, (w) => {
    w.string(`${path}/b`).buffer(null);
    ACL(w);
    w.int(2);
  }],
  createContainer: [OpCode.createContainer, (w) => {
    w.string(`${path}/c`).buffer(new Uint8Array(0));
    ACL(w);
    w.int(4);
  }],
  createTTL: [OpCode.createTTL, (w) => {
    w.string(`${path}/t`).buffer(new Uint8Array(0));
    ACL(w);
    w.int(5).long(60_000n);
  }],
  delete: [OpCode.delete, (w) => w.string(path).int(-1)],
  deleteContainer: [OpCode.deleteContainer, (w) => w.string(path)],
  exists: [OpCode.exists, (w) => w.string(path).bool(true)],
  getData: [OpCode.getData, (w) => w.string(path).bool(true)],
  setData: [OpCode.setData, (w) => w.string(path).buffer(new Uint8Array([3])).int(0)],
  getACL: [OpCode.getACL, (w) => w.string(path)],
  setACL: [OpCode.setACL, (w) => {
    w.string(path);
    ACL(w);
    w.int(-1);
  }],
  getChildren: [OpCode.getChildren, (w) => w.string(path).bool(true)],
  getChildren2: [OpCode.getChildren2, (w) => w.string(path).bool(false)],
  sync: [OpCode.sync, (w) => w.string(path)],
  check: [OpCode.check, (w) => w.string(path).int(0)],
  multi: [OpCode.multi, (w) => {
    w.int(OpCode.create).bool(false).int(-1).string(`${path}/m`).buffer(new Uint8Array(0));
    ACL(w);
    w.int(0);
    w.int(OpCode.check).bool(false).int(-1).string(path).int(0);
    w.int(OpCode.delete).bool(false).int(-1).string(`${path}/m`).int(-1);
    w.int(-1).bool(true).int(-1);
  }],
  multiRead: [OpCode.multiRead, (w) => {
    w.int(OpCode.getData).bool(false).int(-1).string(path).bool(false);
    w.int(OpCode.getChildren).bool(false).int(-1).string("/").bool(false);
    w.int(-1).bool(true).int(-1);
  }],
  reconfig: [OpCode.reconfig, (w) => w.string(null).string(null).string("server.1=127.0.0.1:1:2").long(-1n)],
  checkWatches: [OpCode.checkWatches, (w) => w.string(path).int(1)],
  removeWatches: [OpCode.removeWatches, (w) => w.string(path).int(3)],
  auth: [OpCode.auth, (w) => w.int(0).string("digest").buffer(new TextEncoder().encode("user:secret"))],
  setWatches: [
    OpCode.setWatches,
    (w) => w.long(0n).stringVector([path]).stringVector([`${path}/x`]).stringVector(["/"]),
  ],
  setWatches2: [
    OpCode.setWatches2,
    (w) => w.long(0n).stringVector([path]).stringVector([]).stringVector([]).stringVector(["/"]).stringVector([path]),
  ],
  sasl: [OpCode.sasl, (w) => w.buffer(new Uint8Array([1, 2, 3]))],
  getEphemerals: [OpCode.getEphemerals, (w) => w.string("/")],
  getAllChildrenNumber: [OpCode.getAllChildrenNumber, (w) => w.string(path)],
  addWatch: [OpCode.addWatch, (w) => w.string(path).int(1)],
  whoAmI: [OpCode.whoAmI, () => {}],
  ping: [OpCode.ping, () => {}],
  closeSession: [OpCode.closeSession, () => {}],
};

/** A request frame's body: its header, then what `body` writes (the length prefix is not included). */
function requestBody(xid: number, opcode: number, body: (w: JuteWriter) => void): Uint8Array {
  const w = new JuteWriter(256);
  w.int(xid).int(opcode);
  body(w);
  return w.take().slice();
}

/** A valid request of the opcode `name`. */
function validRequest(name: string, xid: number): Uint8Array {
  const [opcode, body] = bodies[name] as [number, (w: JuteWriter) => void];
  return requestBody(opcode === OpCode.auth ? Xid.auth : xid, opcode, body);
}

const extremes = [0, -1, -2, 1, 0x7fffffff, -0x80000000, 0x10000, 1 << 20];

/** A mutation of a byte string: flip bits, overwrite an int with an extreme value, insert, cut. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant("int" as const), at: fc.nat(), value: fc.constantFrom(...extremes) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
  switch (m.kind) {
    case "flip": {
      const out = bytes.slice();
      if (at < out.length) out[at] = (out[at] as number) ^ m.bits;
      return out;
    }
    case "int": {
      const out = bytes.slice();
      if (at + 4 <= out.length) new DataView(out.buffer).setInt32(at, m.value);
      return out;
    }
    case "insert":
      return concat(bytes.subarray(0, at), m.bytes, bytes.subarray(at));
    case "truncate":
      return bytes.slice(0, at);
  }
}

/** A request frame body: a valid one of some opcode under some mutations, or random bytes. */
const hostileRequest = fc.oneof(
  fc.tuple(
    fc.constantFrom(...Object.keys(bodies)),
    fc.integer({ min: 1, max: 1000 }),
    fc.array(mutation, { minLength: 1, maxLength: 4 }),
  )
    .map(([name, xid, ms]) => ms.reduce(mutate, validRequest(name, xid))),
  fc.uint8Array({ maxLength: 64 }),
  fc.tuple(fc.integer(), fc.constantFrom(...Object.values(OpCode)), fc.uint8Array({ maxLength: 48 })).map((
    [xid, op, rest],
  ) => concat(int32(xid), int32(op), rest)),
);

/** A peer that records what the engine sends it. */
class RecordingPeer implements Peer {
  sessionId = 0n;
  readonly ids: Id[] = [{ scheme: "ip", id: "127.0.0.1" }];
  readonly remoteIp = "127.0.0.1";
  readonly frames: Uint8Array[] = [];
  closed = false;
  send(frame: Uint8Array): void {
    this.frames.push(frame.slice());
  }
  close(): void {
    this.closed = true;
  }
}

/** Gives `peer` a new session on `engine`. */
function openSession(engine: Engine, peer: RecordingPeer): void {
  const answer = engine.connect(peer, readConnectRequest(new JuteReader(handshake().subarray(4))));
  assert.ok(answer?.valid);
  peer.sessionId = answer.response.sessionId;
}

/** A fresh engine with a session and the node the valid requests name. */
function engineWithSession(): { engine: Engine; peer: RecordingPeer } {
  const engine = new Engine({ bounds: { min: 1000, max: 60_000 }, extendedTypes: true, superDigest: undefined });
  const peer = new RecordingPeer();
  openSession(engine, peer);
  assert.equal(
    engine.handle(
      peer,
      requestBody(1, OpCode.create, (w) => {
        w.string(path).buffer(new Uint8Array(0));
        ACL(w);
        w.int(0);
      }),
    ),
    true,
  );
  peer.frames.length = 0;
  return { engine, peer };
}

/** Every frame the server sends: a length prefix that matches, then a whole reply header. */
function assertWellFormed(frames: readonly Uint8Array[]): { xid: number; err: number }[] {
  return frames.map((f) => {
    const r = new JuteReader(f);
    assert.equal(r.int(), f.length - 4);
    assert.ok(f.length >= 20, `a ${f.length}-byte frame cannot hold a reply header`);
    const xid = r.int();
    r.long();
    return { xid, err: r.int() };
  });
}

describe("the server's request decoder, fuzzed", () => {
  test("valid requests of every opcode are answered (the fuzz starts from real requests)", () => {
    for (const name of Object.keys(bodies)) {
      const { engine, peer } = engineWithSession();
      const open = engine.handle(peer, validRequest(name, 7));
      const replies = assertWellFormed(peer.frames);
      // A top-level check that passes gets no reply, as from ZooKeeper 3.8 (see Engine.handle).
      assert.equal(replies.length > 0, name !== "check", name);
      // closeSession ends the connection once answered; everything else serves on.
      assert.equal(open, name !== "closeSession", name);
    }
  });

  test("mutated and random request frames get well-formed answers or a close, never a throw, and the engine serves on", () => {
    fc.assert(
      fc.property(fc.array(hostileRequest, { minLength: 1, maxLength: 6 }), (requests) => {
        const { engine, peer } = engineWithSession();
        for (const request of requests) {
          const xid = request.length >= 4 ? new DataView(request.buffer, request.byteOffset).getInt32(0) : undefined;
          const before = peer.frames.length;
          const open = engine.handle(peer, request);
          const replies = assertWellFormed(peer.frames.slice(before));
          // Each reply answers this request's xid, a ping, an auth, or is a watch notification.
          for (const r of replies) {
            assert.ok(
              [xid, Xid.notification, Xid.ping, Xid.auth].includes(r.xid),
              `reply xid ${r.xid} to a request of xid ${xid}`,
            );
          }
          if (!open) break;
        }
        // Whatever came before, another session is served normally.
        const other = new RecordingPeer();
        openSession(engine, other);
        assert.equal(
          engine.handle(other, requestBody(99, OpCode.getChildren2, (w) => w.string("/").bool(false))),
          true,
        );
        assert.deepEqual(assertWellFormed(other.frames), [{ xid: 99, err: 0 }]);
      }),
      { numRuns: 400 },
    );
  });

  test("a mutated handshake decodes or fails with JuteDecodeError, nothing else", () => {
    const valid = handshake().subarray(4);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => ms.reduce(mutate, valid)),
          fc.uint8Array({ maxLength: 64 }),
        ),
        (bytes) => {
          try {
            const request = readConnectRequest(new JuteReader(bytes));
            // A decoded password comes from the frame: its length is bounded by the frame's.
            assert.ok(request.passwd.length <= bytes.length);
          } catch (error) {
            assert.ok(error instanceof JuteDecodeError, String(error));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("the server's request decoder, fuzzed over a socket", () => {
  let server: ServerHandle;
  before(async () => {
    server = await startServer({ extendedTypes: true, maxFrameSize: 4096 });
    const zk = await connect(server.connectString);
    await zk.create(path);
    await zk.close();
  });
  after(() => server.close());

  const FINAL_XID = 0x7eadbeef;

  /**
   * Sends a handshake, the hostile requests (framed, then cut into arbitrary chunks) and a final
   * getData; resolves "answered" when that getData's reply comes back, "closed" when the server
   * closes first. A server that did neither would fail the test by its timeout.
   */
  function play(requests: readonly Uint8Array[], cuts: readonly number[]): Promise<"answered" | "closed"> {
    const final = requestBody(FINAL_XID, OpCode.getData, (w) => w.string(path).bool(false));
    const stream = concat(...[...requests, final].map((r) => concat(int32(r.length), r)));
    return new Promise((resolve, reject) => {
      const socket = connectSocket(server.port, "127.0.0.1");
      let received: Uint8Array = new Uint8Array(0);
      let handshaken = false;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error("neither the final reply nor a close within 10 s"));
      }, 10_000);
      const done = (how: "answered" | "closed") => {
        clearTimeout(timer);
        socket.destroy();
        resolve(how);
      };
      const writeInChunks = () => {
        let at = 0;
        for (const cut of [...cuts].map((c) => c % (stream.length + 1)).sort((a, b) => a - b)) {
          if (cut > at) socket.write(stream.subarray(at, cut));
          at = Math.max(at, cut);
        }
        socket.write(stream.subarray(at));
      };
      socket.on("data", (chunk: Uint8Array) => {
        received = concat(received, chunk);
        while (received.length >= 4) {
          const n = new DataView(received.buffer, received.byteOffset).getInt32(0);
          if (received.length < 4 + n) break;
          const xid = n >= 4 ? new DataView(received.buffer, received.byteOffset).getInt32(4) : undefined;
          received = received.slice(4 + n);
          if (!handshaken) {
            handshaken = true;
            writeInChunks();
          } else if (xid === FINAL_XID) {
            done("answered");
            return;
          }
        }
      });
      socket.on("close", () => done("closed"));
      socket.on("error", () => {});
      socket.once("connect", () => socket.write(handshake()));
    });
  }

  test("hostile requests in arbitrary chunks: the server answers through to a final request or closes, and a client beside them is served", async () => {
    // The hostile requests may change anything under /fuzz (a valid delete removes it): the
    // bystander checks a node of its own that no fuzzed path names.
    const bystander = await connect(server.connectString);
    const own = `/bystander-${Date.now().toString(36)}`;
    await bystander.create(own, new Uint8Array([1]), { mode: "ephemeral" });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(hostileRequest, { minLength: 1, maxLength: 4 }),
          fc.array(fc.nat(), { maxLength: 5 }),
          async (requests, cuts) => {
            const outcome = await play(requests, cuts);
            assert.ok(outcome === "answered" || outcome === "closed");
            assert.deepEqual((await bystander.getData(own)).data, new Uint8Array([1]));
          },
        ),
        { numRuns: 150 },
      );
    } finally {
      await bystander.close();
    }
  });
});
