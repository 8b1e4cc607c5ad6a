import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Socket, connect as connectSocket } from "node:net";
import { connect } from "../../mod.ts";
import { JuteReader } from "../../src/jute/reader.ts";
import { readConnectResponse, readReplyHeader, readWatcherEvent, writeConnectRequest, writePathWatchRequest, writeRequestHeader, writeSetDataRequest } from "../../src/jute/records.ts";
import { JuteWriter } from "../../src/jute/writer.ts";
import { OpCode } from "../../src/protocol/opcodes.ts";
import { type ServerHandle, startServer } from "../../src/server.ts";
import { deferred } from "../support/zookeeper.ts";

/** A raw connection: frames out, frames in (length prefix stripped), and its close. */
interface Raw {
  send(bytes: Uint8Array): void;
  frame(): Promise<Uint8Array>;
  closed: Promise<void>;
  socket: Socket;
}

function raw(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket(port, "127.0.0.1");
    let buffered = new Uint8Array(0);
    const waiting: ((f: Uint8Array) => void)[] = [];
    const ready: Uint8Array[] = [];
    const closed = deferred<void>(10_000, "connection closed");
    socket.on("data", (chunk: Uint8Array) => {
      const next = new Uint8Array(buffered.length + chunk.length);
      next.set(buffered);
      next.set(chunk, buffered.length);
      buffered = next;
      while (buffered.length >= 4) {
        const n = new DataView(buffered.buffer, buffered.byteOffset).getInt32(0);
        if (buffered.length < 4 + n) break;
        const f = buffered.slice(4, 4 + n);
        buffered = buffered.slice(4 + n);
        const taker = waiting.shift();
        if (taker) taker(f);
        else ready.push(f);
      }
    });
    socket.on("close", () => closed.resolve());
    socket.on("error", () => {});
    socket.once("connect", () => resolve({
      socket,
      send: (bytes) => socket.write(bytes),
      frame: () => {
        const f = ready.shift();
        if (f) return Promise.resolve(f);
        const d = deferred<Uint8Array>(5_000, "a frame");
        waiting.push(d.resolve);
        return d.promise;
      },
      closed: closed.promise,
    }));
    socket.once("error", reject);
  });
}

function frame(write: (w: JuteWriter) => void): Uint8Array {
  const w = new JuteWriter(256);
  const mark = w.beginFrame();
  write(w);
  w.endFrame(mark);
  return w.take();
}

async function session(port: number): Promise<Raw> {
  const c = await raw(port);
  c.send(frame((w) => writeConnectRequest(w, { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 10_000, sessionId: 0n, passwd: new Uint8Array(16), readOnly: false })));
  const response = readConnectResponse(new JuteReader(await c.frame()));
  assert.ok(response.sessionId !== 0n);
  return c;
}

describe("embedded server: the wire", () => {
  let server: ServerHandle;

  before(async () => {
    server = await startServer({ maxFrameSize: 4096 });
  });
  after(() => server.close());

  test("a watch event reaches its connection before the reply of the write that fired it", async () => {
    const c = await session(server.port);
    c.send(frame((w) => { writeRequestHeader(w, 1, OpCode.create); w.string("/w").buffer(new Uint8Array(0)).int(1).int(31).string("world").string("anyone").int(0); }));
    assert.equal(readReplyHeader(new JuteReader(await c.frame())).err, 0);
    c.send(frame((w) => { writeRequestHeader(w, 2, OpCode.getData); writePathWatchRequest(w, "/w", true); }));
    await c.frame();
    c.send(frame((w) => { writeRequestHeader(w, 3, OpCode.setData); writeSetDataRequest(w, "/w", new Uint8Array([1]), -1); }));
    const first = new JuteReader(await c.frame());
    assert.equal(readReplyHeader(first).xid, -1);
    assert.deepEqual(readWatcherEvent(first), { type: 3, state: 3, path: "/w" });
    assert.equal(readReplyHeader(new JuteReader(await c.frame())).xid, 3);
    c.socket.destroy();
  });

  test("a truncated body is answered MarshallingError and the connection stays; pings are answered with the ping xid", async () => {
    const c = await session(server.port);
    c.send(frame((w) => { writeRequestHeader(w, 8, OpCode.getData); w.int(100); }));
    assert.equal(readReplyHeader(new JuteReader(await c.frame())).err, -5);
    c.send(frame((w) => writeRequestHeader(w, 9, OpCode.ping)));
    assert.equal(readReplyHeader(new JuteReader(await c.frame())).xid, -2);
    c.socket.destroy();
  });

  test("an unknown opcode is answered Unimplemented (zxid -1), then the connection closes", async () => {
    const c = await session(server.port);
    c.send(frame((w) => writeRequestHeader(w, 7, 999)));
    assert.deepEqual(readReplyHeader(new JuteReader(await c.frame())), { xid: 7, zxid: -1n, err: -6 });
    await c.closed;
  });

  test("a frame above maxFrameSize, a negative length or a garbage handshake closes that connection; others are served", async () => {
    const bystander = await connect(server.connectString);
    try {
      const big = await session(server.port);
      big.send(frame((w) => { writeRequestHeader(w, 1, OpCode.setData); writeSetDataRequest(w, "/x", new Uint8Array(5000), -1); }));
      await big.closed;
      const negative = await raw(server.port);
      negative.send(new Uint8Array([0xff, 0xff, 0xff, 0xf0]));
      await negative.closed;
      const garbage = await raw(server.port);
      garbage.send(frame((w) => w.int(1)));
      await garbage.closed;
      for (let i = 0; i < 200; i++) (await raw(server.port)).socket.destroy();
      assert.ok((await bystander.getChildren("/")).children.includes("zookeeper"));
    } finally {
      await bystander.close();
    }
  });

  test("four-letter words: ruok, srvr, mntr and dump answer in ZooKeeper's layout", async () => {
    const ask = async (word: string) => {
      const c = await raw(server.port);
      let text = "";
      c.socket.on("data", (chunk: Uint8Array) => { text += new TextDecoder().decode(chunk); });
      c.socket.write(word);
      await c.closed;
      return text;
    };
    assert.equal(await ask("ruok"), "imok");
    assert.match(await ask("srvr"), /^Zookeeper version: .*\nMode: standalone\n/ms);
    assert.match(await ask("mntr"), /zk_server_state\tstandalone/);
    assert.match(await ask("dump"), /^SessionTracker dump:/);
  });
});
