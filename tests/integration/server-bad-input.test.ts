import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect as connectSocket, type Socket } from "node:net";
import { connect, type WatchedEvent, type ZooKeeperClient } from "../../mod.ts";
import { writePathWatchRequest, writeRequestHeader } from "../../src/jute/records.ts";
import { JuteWriter } from "../../src/jute/writer.ts";
import { OpCode, Xid } from "../../src/protocol/opcodes.ts";
import { type ServerHandle, startServer } from "../../src/server.ts";
import { concat, exchange, frame, handshake, int32, type Outcome, type Step } from "../support/raw-wire.ts";
import { sharedConnectString, uniqueRoot, until } from "../support/zookeeper.ts";

// Every case goes, byte for byte, to the run's ZooKeeper (the real one, except in the embedded
// run) and to an embedded server configured as scripts/zookeeper.sh configures the real one;
// both must answer as recorded here, which is what ZooKeeper 3.8 does.

const MAX_BUFFER = 1_048_575; // jute.maxbuffer's default
const CONNECTED = "connect timeout=10000";
const pause: Step = { pauseMs: 100 };

function request(xid: number, opcode: number, body: (w: JuteWriter) => void = () => {}): Uint8Array {
  return frame((w) => {
    writeRequestHeader(w, xid, opcode);
    body(w);
  });
}

const getData = (xid: number, path = "/") => request(xid, OpCode.getData, (w) => writePathWatchRequest(w, path, false));

/**
 * A handshake, then its answer before the rest is sent. The real server reads a connection before
 * it writes to it, and closing on a bad request it sends nothing it had queued, so a bad request
 * that arrives before the answer went out takes the answer with it. The session's creation is a
 * logged transaction, which on a loaded machine can take longer than any fixed pause.
 */
const session = (...rest: Step[]): Step[] => [handshake(), { frames: 1, withinMs: 10_000 }, ...rest];

interface Case {
  readonly name: string;
  readonly steps: readonly Step[];
  readonly frames: readonly string[];
  readonly closed: boolean;
}

/** A request whose record does not decode: answered MarshallingError (-5), and the connection serves the next request. */
const undecodable = (name: string, xid: number, opcode: number, body: (w: JuteWriter) => void): Case => ({
  name,
  steps: session(request(xid, opcode, body), getData(7)),
  frames: [CONNECTED, `xid=${xid} err=-5`, "xid=7 err=0"],
  closed: false,
});

const cases: Case[] = [
  // Framing before the handshake.
  { name: "a negative length prefix", steps: [int32(-16)], frames: [], closed: true },
  { name: "a length prefix one above jute.maxbuffer", steps: [int32(MAX_BUFFER + 1)], frames: [], closed: true },
  { name: "a length prefix of 2^31-1", steps: [int32(0x7fffffff)], frames: [], closed: true },
  {
    name: "a length prefix of exactly jute.maxbuffer (the server waits for the body)",
    steps: [int32(MAX_BUFFER)],
    frames: [],
    closed: false,
  },
  { name: "a zero-length first frame", steps: [int32(0)], frames: [], closed: true },
  { name: "a request before the handshake", steps: [getData(1)], frames: [], closed: true },
  { name: "a handshake frame holding one int", steps: [frame((w) => w.int(1))], frames: [], closed: true },
  {
    name: "a handshake cut after the session id",
    steps: [frame((w) => w.int(0).long(0n).int(10_000).long(0n))],
    frames: [],
    closed: true,
  },
  {
    name: "a handshake whose password length is 2^31-1",
    steps: [frame((w) => w.int(0).long(0n).int(10_000).long(0n).int(0x7fffffff))],
    frames: [],
    closed: true,
  },
  {
    name: "a handshake without the readOnly byte (an old client)",
    steps: [frame((w) => w.int(0).long(0n).int(10_000).long(0n).buffer(new Uint8Array(16)))],
    frames: [CONNECTED],
    closed: false,
  },
  {
    name: "a handshake asking for a 2^31-1 ms timeout (granted maxSessionTimeout)",
    steps: [handshake(0x7fffffff)],
    frames: ["connect timeout=60000"],
    closed: false,
  },
  {
    name: "a handshake asking for a negative timeout (granted minSessionTimeout)",
    steps: [handshake(-5)],
    frames: ["connect timeout=1000"],
    closed: false,
  },
  {
    name: "a handshake from a client that saw a later zxid",
    steps: [frame((w) => w.int(0).long(1n << 40n).int(10_000).long(0n).buffer(new Uint8Array(16)).bool(false))],
    frames: [],
    closed: true,
  },
  {
    name: "a handshake resuming an unknown session",
    steps: [frame((w) => w.int(0).long(0n).int(10_000).long(12_345n).buffer(new Uint8Array(16)).bool(false))],
    frames: ["connect timeout=0"],
    closed: true,
  },
  // Framing after the handshake.
  { name: "a negative length after the handshake", steps: session(int32(-1)), frames: [CONNECTED], closed: true },
  {
    name: "a length above jute.maxbuffer after the handshake",
    steps: session(int32(MAX_BUFFER + 1)),
    frames: [CONNECTED],
    closed: true,
  },
  { name: "a zero-length request", steps: session(int32(0), getData(5)), frames: [CONNECTED], closed: true },
  {
    name: "a request shorter than its header",
    steps: session(int32(3), new Uint8Array([1, 2, 3]), getData(5)),
    frames: [CONNECTED],
    closed: true,
  },
  {
    name: "a second handshake (read as a request with opcode 0)",
    steps: session(handshake()),
    frames: [CONNECTED, "xid=0 err=-6"],
    closed: true,
  },
  {
    name: "garbage bytes after the handshake",
    steps: session(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4])),
    frames: [CONNECTED],
    closed: true,
  },
  {
    name: "garbage after a valid request",
    steps: session(getData(5), pause, new Uint8Array([0, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])),
    frames: [CONNECTED, "xid=5 err=0", "xid=16909060 err=-6"],
    closed: true,
  },
  {
    name: "bytes left over inside a request frame (ignored)",
    steps: session(
      request(6, OpCode.getData, (w) => {
        writePathWatchRequest(w, "/", false);
        w.int(99).int(99);
      }),
      getData(7),
    ),
    frames: [CONNECTED, "xid=6 err=0", "xid=7 err=0"],
    closed: false,
  },
  // Opcodes.
  // ZooKeeper closes after answering Unimplemented, but a request already behind it in the stream
  // may or may not be answered first (it closes from its request pipeline): nothing follows here.
  { name: "an unknown opcode", steps: session(request(6, 999)), frames: [CONNECTED, "xid=6 err=-6"], closed: true },
  { name: "a negative opcode", steps: session(request(6, -50)), frames: [CONNECTED, "xid=6 err=-6"], closed: true },
  {
    name: "a SASL token to a server without SASL (a null-token answer)",
    steps: session(request(6, OpCode.sasl, (w) => w.buffer(new Uint8Array([1, 2, 3]))), getData(7)),
    frames: [CONNECTED, "xid=6 err=0", "xid=7 err=0"],
    closed: false,
  },
  {
    name: "a SASL request without its token",
    steps: session(request(6, OpCode.sasl)),
    frames: [CONNECTED],
    closed: true,
  },
  {
    name: "an AuthPacket cut short (closed unanswered)",
    steps: session(request(Xid.auth, OpCode.auth, (w) => w.int(0))),
    frames: [CONNECTED],
    closed: true,
  },
  {
    name: "an addAuth of an unknown scheme",
    steps: session(request(Xid.auth, OpCode.auth, (w) => w.int(0).string("nope").buffer(new Uint8Array([1])))),
    frames: [CONNECTED, "xid=-4 err=-115"],
    closed: true,
  },
  {
    name: "a digest addAuth of bytes without a colon (accepted)",
    steps: session(
      request(Xid.auth, OpCode.auth, (w) => w.int(0).string("digest").buffer(new Uint8Array([1, 2]))),
      getData(7),
    ),
    frames: [CONNECTED, "xid=-4 err=0", "xid=7 err=0"],
    closed: false,
  },
  {
    name: "closeSession (answered, then closed)",
    steps: session(request(9, OpCode.closeSession)),
    frames: [CONNECTED, "xid=9 err=0"],
    closed: true,
  },
  {
    name: "a ping with a body (answered with the ping xid)",
    steps: session(request(9, OpCode.ping, (w) => w.int(5))),
    frames: [CONNECTED, "xid=-2 err=0"],
    closed: false,
  },
  // Records that do not decode: MarshallingError, and the connection serves on.
  undecodable("a getData path length of 2^31-1", 6, OpCode.getData, (w) => w.int(0x7fffffff)),
  undecodable("a create path length of 2^31-1", 6, OpCode.create, (w) => w.int(0x7fffffff)),
  undecodable("a create ACL count of 2^31-1", 6, OpCode.create, (w) => w.string("/x").int(0).int(0x7fffffff)),
  undecodable("a negative path length", 6, OpCode.getData, (w) => w.int(-5)),
  undecodable("a null path", 6, OpCode.getData, (w) => w.int(-1).bool(false)),
  undecodable("a create cut after its path", 6, OpCode.create, (w) => w.string("/cut")),
  undecodable("a multi cut after its first header field", 6, OpCode.multi, (w) => w.int(1)),
  undecodable("a setWatches whose list count outruns the frame", -8, OpCode.setWatches, (w) => w.long(0n).int(5)),
];

// Paths a client library would refuse, sent raw. Reads look them up as given (NoNode, and ""
// is the root); writes validate them (BadArguments), except that delete only wants a slash.
const malformedPaths = ["", "abc", "/zookeeper/", "/a//b", "/.", "/\u0001", "/\ufffd"];
const readOfEach = (opcode: number, body: (w: JuteWriter, path: string) => void) =>
  session(...malformedPaths.map((p, i) => request(i + 1, opcode, (w) => body(w, p))));
const answers = (...errs: number[]) => [CONNECTED, ...errs.map((err, i) => `xid=${i + 1} err=${err}`)];
const restricted = `/bad-input-no-delete-${Date.now().toString(36)}`;

cases.push(
  {
    name: "getData of malformed paths",
    steps: readOfEach(OpCode.getData, (w, p) => writePathWatchRequest(w, p, true)),
    frames: answers(0, -101, -101, -101, -101, -101, -101),
    closed: false,
  },
  {
    name: "exists of malformed paths",
    steps: readOfEach(OpCode.exists, (w, p) => writePathWatchRequest(w, p, true)),
    frames: answers(0, -101, -101, -101, -101, -101, -101),
    closed: false,
  },
  {
    name: "getChildren2 of malformed paths",
    steps: readOfEach(OpCode.getChildren2, (w, p) => writePathWatchRequest(w, p, false)),
    frames: answers(0, -101, -101, -101, -101, -101, -101),
    closed: false,
  },
  {
    name: "getACL of malformed paths",
    steps: readOfEach(OpCode.getACL, (w, p) => w.string(p)),
    frames: answers(0, -101, -101, -101, -101, -101, -101),
    closed: false,
  },
  {
    name: "getAllChildrenNumber of malformed paths",
    steps: readOfEach(OpCode.getAllChildrenNumber, (w, p) => w.string(p)),
    frames: answers(0, -101, -101, -101, -101, -101, -101),
    closed: false,
  },
  {
    name: "sync of malformed paths",
    steps: readOfEach(OpCode.sync, (w, p) => w.string(p)),
    frames: answers(0, 0, 0, 0, 0, 0, 0),
    closed: false,
  },
  {
    name: "addWatch of malformed paths",
    steps: readOfEach(OpCode.addWatch, (w, p) => w.string(p).int(0)),
    frames: answers(0, 0, 0, 0, 0, 0, 0),
    closed: false,
  },
  {
    name: "setData of malformed paths",
    steps: readOfEach(OpCode.setData, (w, p) => w.string(p).buffer(new Uint8Array(1)).int(-1)),
    frames: answers(-8, -8, -8, -8, -8, -8, -8),
    closed: false,
  },
  {
    name: "delete of malformed paths",
    steps: readOfEach(OpCode.delete, (w, p) => w.string(p).int(-1)),
    frames: answers(-8, -8, -101, -101, -101, -101, -101),
    closed: false,
  },
  {
    name: "delete under a parent without DELETE permission: NoAuth before NoNode",
    steps: session(
      request(
        1,
        OpCode.create,
        (w) => w.string(restricted).buffer(null).int(1).int(1 | 4).string("world").string("anyone").int(0),
      ),
      request(2, OpCode.delete, (w) => w.string(`${restricted}/missing`).int(-1)),
      request(3, OpCode.delete, (w) => w.string(restricted).int(-1)),
    ),
    frames: answers(0, -102, 0),
    closed: false,
  },
);

/** A session that must come through the abuse untouched: an ephemeral node and a watch on it. */
interface Bystander {
  readonly zk: ZooKeeperClient;
  readonly path: string;
  readonly events: WatchedEvent[];
}

async function bystander(connectString: string): Promise<Bystander> {
  const zk = await connect(connectString);
  const path = uniqueRoot("bad-input-bystander");
  const events: WatchedEvent[] = [];
  await zk.create(path, new Uint8Array([1]), { mode: "ephemeral" });
  await zk.getData(path, { watch: (e) => events.push(e) });
  return { zk, path, events };
}

/** Checks the bystander's session, node and watch survived: the watch fires on its own change. */
async function checkBystander(b: Bystander): Promise<void> {
  assert.deepEqual((await b.zk.getData(b.path)).data, new Uint8Array([1]));
  assert.deepEqual(b.events, []);
  await b.zk.setData(b.path, new Uint8Array([2]));
  await until(() => b.events.length > 0, 10_000, "the bystander's watch");
  assert.deepEqual(b.events, [{ type: "NodeDataChanged", state: "SyncConnected", path: b.path }]);
}

/** The comparable part of an outcome: what was answered and whether the server closed. */
const seen = (o: Outcome) => ({ frames: o.frames, closed: o.closed });

/** Opens `total` connections in batches of `batch`, each dropped once connected; every tenth first sends half a frame. */
async function churn(port: number, total: number, batch: number): Promise<void> {
  for (let done = 0; done < total; done += batch) {
    await Promise.all(
      Array.from(
        { length: Math.min(batch, total - done) },
        (_, i) => exchange(port, (done + i) % 10 === 0 ? [int32(44), new Uint8Array(4)] : [], 0),
      ),
    );
  }
}

/** A four-letter word's answer. */
function fourLetter(port: number, word: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = "";
    const s = connectSocket(port, "127.0.0.1", () => s.write(word));
    s.on("data", (chunk: Uint8Array) => {
      out += new TextDecoder().decode(chunk);
    });
    s.on("close", () => resolve(out));
    s.on("error", reject);
  });
}

/** The `Connections:` count of the `stat` four-letter word. */
async function connectionCount(port: number): Promise<number> {
  const text = await fourLetter(port, "stat");
  const match = /^Connections: (\d+)$/m.exec(text);
  assert.ok(match, `no connection count in ${JSON.stringify(text)}`);
  return Number(match[1]);
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("bad input: the embedded server answers or closes as ZooKeeper does, and serves everyone else", () => {
  let embedded: ServerHandle;
  /** Each server and how many connections the churn test opens (the Java server is slower at it). */
  const ports: { name: string; port: number; connectString: string; churn: number }[] = [];

  before(async () => {
    // As scripts/zookeeper.sh configures the real server.
    embedded = await startServer({ minSessionTimeout: 1000, maxSessionTimeout: 60_000, extendedTypes: true });
    const shared = sharedConnectString();
    ports.push({
      name: "the run's ZooKeeper",
      port: Number(shared.split(":").pop()),
      connectString: shared,
      churn: 1000,
    });
    ports.push({
      name: "the embedded server",
      port: embedded.port,
      connectString: embedded.connectString,
      churn: 10_000,
    });
  });
  after(() => embedded.close());

  test("malformed, truncated and oversized frames, unknown opcodes and bad records, with a live client beside them", async () => {
    for (const { name, port, connectString } of ports) {
      const b = await bystander(connectString);
      try {
        // The cases run at once; the bystander keeps working meanwhile.
        let bystanderOps = 0;
        let abusing = true;
        const busy = (async () => {
          while (abusing) {
            await b.zk.exists("/zookeeper");
            bystanderOps++;
          }
        })();
        const outcomes = await Promise.all(cases.map((c) => exchange(port, c.steps, c.closed ? 10_000 : 1000)));
        abusing = false;
        await busy;
        for (const [i, c] of cases.entries()) {
          assert.deepEqual(seen(outcomes[i] as Outcome), { frames: c.frames, closed: c.closed }, `${name}: ${c.name}`);
        }
        assert.ok(bystanderOps > 0);
        await checkBystander(b);
      } finally {
        await b.zk.close();
      }
    }
  });

  test("a connection that sends nothing, or half a frame, is closed after the handshake timeout (ZooKeeper: 10 s, rounded up to its 10 s expiry buckets)", async () => {
    const outcomes = await Promise.all(
      ports.flatMap((
        { port },
      ) => [exchange(port, [], 30_000), exchange(port, [int32(44), new Uint8Array(10)], 30_000)]),
    );
    for (const o of outcomes) {
      assert.equal(o.closed, true);
      assert.deepEqual(o.frames, []);
      assert.ok((o.closedAfterMs ?? 0) >= 9_000, `closed after ${o.closedAfterMs} ms`);
    }
  });

  test("a session that stops mid-frame is expired by its timeout and its connection closed", async () => {
    const outcomes = await Promise.all(
      ports.map(({ port }) => exchange(port, [handshake(1000), pause, int32(100), new Uint8Array(10)], 15_000)),
    );
    for (const o of outcomes) assert.deepEqual(seen(o), { frames: ["connect timeout=1000"], closed: true });
  });

  test("10,000 connections opened and dropped (1,000 on the real server): the server serves on, and a session from before keeps its ephemeral node and watch", async () => {
    for (const { name, port, connectString, churn: total } of ports) {
      const b = await bystander(connectString);
      try {
        const before = await connectionCount(port);
        // A connection counts from its accept, before any handshake.
        const silent = await new Promise<Socket>((resolve) => {
          const s = connectSocket(port, "127.0.0.1", () => resolve(s));
        });
        await eventually(
          async () => (await connectionCount(port)) > before,
          10_000,
          "the silent connection to be counted",
        );
        silent.destroy();
        const t0 = Date.now();
        await churn(port, total, 250);
        console.log(`# ${name}: ${total} connections opened and dropped in ${Date.now() - t0} ms`);
        await checkBystander(b);
        // Every dropped connection is forgotten: the count returns to what it was.
        await eventually(
          async () => (await connectionCount(port)) <= before,
          20_000,
          "the dropped connections to be gone",
        );
      } finally {
        await b.zk.close();
      }
    }
  });

  test("a client that sends requests but reads no replies: the embedded server stops running its requests until it reads, then answers every one in order", async () => {
    const zk = await connect(embedded.connectString);
    const path = uniqueRoot("unread-replies");
    await zk.create(path, new Uint8Array(512 * 1024).fill(7));
    const received = async () => Number(/^Received: (\d+)$/m.exec(await fourLetter(embedded.port, "srvr"))?.[1]);
    const socket = connectSocket(embedded.port, "127.0.0.1");
    try {
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      const replies: number[] = [];
      let buffered: Uint8Array = new Uint8Array(0);
      let handshaken = false;
      const onData = (chunk: Uint8Array) => {
        buffered = concat(buffered, chunk);
        while (buffered.length >= 4) {
          const n = new DataView(buffered.buffer, buffered.byteOffset).getInt32(0);
          if (buffered.length < 4 + n) break;
          if (handshaken) replies.push(new DataView(buffered.buffer, buffered.byteOffset).getInt32(4));
          handshaken = true;
          buffered = buffered.slice(4 + n);
        }
      };
      socket.on("data", onData);
      socket.write(handshake());
      await until(() => handshaken, 10_000, "the handshake");
      socket.pause();
      const before = await received();
      const n = 300; // 150 MB of replies, were they all queued
      for (let xid = 1; xid <= n; xid++) socket.write(getData(xid, path));
      await new Promise((r) => setTimeout(r, 1000));
      const run = (await received()) - before - 1; // the srvr connection is not a request
      assert.ok(run < n / 3, `${run} of ${n} requests were run with their replies unread`);
      socket.resume();
      await until(() => replies.length === n, 60_000, "every reply");
      assert.deepEqual(replies, Array.from({ length: n }, (_, i) => i + 1));
    } finally {
      socket.destroy();
      await zk.delete(path);
      await zk.close();
    }
  });
});
