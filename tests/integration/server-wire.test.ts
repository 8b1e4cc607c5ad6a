import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect as connectSocket, type Socket } from "node:net";
import { connect } from "../../mod.ts";
import { JuteReader } from "../../src/jute/reader.ts";
import {
  readConnectResponse,
  readReplyHeader,
  readWatcherEvent,
  writePathWatchRequest,
  writeRequestHeader,
  writeSetDataRequest,
} from "../../src/jute/records.ts";
import { JuteWriter } from "../../src/jute/writer.ts";
import { OpCode } from "../../src/protocol/opcodes.ts";
import { type ServerHandle, startServer } from "../../src/server.ts";
import { frame, handshake } from "../support/raw-wire.ts";
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
    socket.once("connect", () =>
      resolve({
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

async function session(port: number): Promise<Raw> {
  const c = await raw(port);
  c.send(handshake());
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
    c.send(frame((w) => {
      writeRequestHeader(w, 1, OpCode.create);
      w.string("/w").buffer(new Uint8Array(0)).int(1).int(31).string("world").string("anyone").int(0);
    }));
    assert.equal(readReplyHeader(new JuteReader(await c.frame())).err, 0);
    c.send(frame((w) => {
      writeRequestHeader(w, 2, OpCode.getData);
      writePathWatchRequest(w, "/w", true);
    }));
    await c.frame();
    c.send(frame((w) => {
      writeRequestHeader(w, 3, OpCode.setData);
      writeSetDataRequest(w, "/w", new Uint8Array([1]), -1);
    }));
    const first = new JuteReader(await c.frame());
    assert.equal(readReplyHeader(first).xid, -1);
    assert.deepEqual(readWatcherEvent(first), { type: 3, state: 3, path: "/w" });
    assert.equal(readReplyHeader(new JuteReader(await c.frame())).xid, 3);
    c.socket.destroy();
  });

  test("a truncated body is answered MarshallingError and the connection stays; pings are answered with the ping xid", async () => {
    const c = await session(server.port);
    c.send(frame((w) => {
      writeRequestHeader(w, 8, OpCode.getData);
      w.int(100);
    }));
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
      big.send(frame((w) => {
        writeRequestHeader(w, 1, OpCode.setData);
        writeSetDataRequest(w, "/x", new Uint8Array(5000), -1);
      }));
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
      c.socket.on("data", (chunk: Uint8Array) => {
        text += new TextDecoder().decode(chunk);
      });
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

/**
 * Replies the embedded server once gave differently from ZooKeeper 3.8 (each probed on the real
 * server with the same bytes): requests the stormkeeper client never sends as such, but other
 * clients (Curator, hand-written ones) may.
 */
describe("embedded server: replies as ZooKeeper 3.8 gives them", () => {
  let server: ServerHandle;
  let c: Raw;
  let xid = 100;

  const ask = async (opcode: number, body: (w: JuteWriter) => void): Promise<{ err: number; body: Uint8Array }> => {
    c.send(frame((w) => {
      writeRequestHeader(w, ++xid, opcode);
      body(w);
    }));
    let reply = await c.frame();
    // Events of the recursive watch the first test leaves on "/" come in between.
    while (readReplyHeader(new JuteReader(reply)).xid === -1) reply = await c.frame();
    const header = readReplyHeader(new JuteReader(reply));
    assert.equal(header.xid, xid);
    return { err: header.err, body: reply.slice(16) };
  };
  const openAcl = (w: JuteWriter) => w.int(1).int(31).string("world").string("anyone");
  const create = (opcode: number, path: string, flags: number, acl = openAcl, ttl?: bigint) =>
    ask(opcode, (w) => {
      w.string(path).buffer(new Uint8Array(0));
      acl(w);
      w.int(flags);
      if (ttl !== undefined) w.long(ttl);
    });

  before(async () => {
    server = await startServer({ extendedTypes: true });
    c = await session(server.port);
  });
  after(async () => {
    c.socket.destroy();
    await server.close();
  });

  test("addWatch answers an ErrorResponse (a 4-byte 0), which Curator reads; a bad mode is MarshallingError", async () => {
    assert.deepEqual(await ask(OpCode.addWatch, (w) => w.string("/").int(1)), { err: 0, body: new Uint8Array(4) });
    assert.equal((await ask(OpCode.addWatch, (w) => w.string("/").int(7))).err, -5);
  });

  test("reads, sync, addWatch and removeWatches take any path: NoNode, an echo, a watch, NoWatcher", async () => {
    for (const opcode of [OpCode.exists, OpCode.getData, OpCode.getChildren, OpCode.getChildren2]) {
      assert.equal((await ask(opcode, (w) => writePathWatchRequest(w, "bad", false))).err, -101);
    }
    assert.equal((await ask(OpCode.getACL, (w) => w.string("bad"))).err, -101);
    assert.equal((await ask(OpCode.getAllChildrenNumber, (w) => w.string("bad"))).err, -101);
    const sync = await ask(OpCode.sync, (w) => w.string("bad"));
    assert.deepEqual([sync.err, new JuteReader(sync.body).string()], [0, "bad"]);
    assert.equal((await ask(OpCode.addWatch, (w) => w.string("bad").int(0))).err, 0);
    assert.equal((await ask(OpCode.removeWatches, (w) => w.string("bad").int(3))).err, 0);
    assert.equal((await ask(OpCode.removeWatches, (w) => w.string("bad").int(3))).err, -121);
    // checkWatches walks the path's parents and fails on one without a leading slash; an unknown type fails to convert.
    assert.equal((await ask(OpCode.checkWatches, (w) => w.string("bad").int(3))).err, -5);
    assert.equal((await ask(OpCode.checkWatches, (w) => w.string("/").int(9))).err, -5);
    assert.equal((await ask(OpCode.removeWatches, (w) => w.string("/").int(9))).err, -5);
  });

  test("create checks in ZooKeeper's order: flags and TTL, the parent's name, the ACL, the parent, the full path", async () => {
    const authAcl = (w: JuteWriter) => w.int(1).int(31).string("auth").string("");
    assert.equal((await create(OpCode.create, "/no/such", 0, authAcl)).err, -114);
    assert.equal((await create(OpCode.create, "/no//x", 0)).err, -101);
    assert.equal((await create(OpCode.create, "/x/", 0)).err, -101);
    assert.equal((await create(OpCode.create, "//x", 0)).err, -8);
    assert.equal((await create(OpCode.create, "x", 0)).err, -8);
    assert.equal((await create(OpCode.create, "/zookeeper/", 0)).err, -8);
    assert.equal((await create(OpCode.create2, "/t", 5)).err, -8);
    assert.equal((await create(OpCode.createTTL, "/t", 0, openAcl, 100n)).err, -8);
    // The opcode makes the container: a plain create with the container flag makes a persistent node.
    assert.equal((await create(OpCode.create, "/plain", 4)).err, 0);
    assert.equal((await create(OpCode.createContainer, "/box", 1)).err, 0);
    assert.equal((await create(OpCode.createContainer, "/box5", 5)).err, -8);
    const client = await connect(server.connectString);
    try {
      assert.deepEqual(await client.getEphemerals("/"), []);
      await client.create("/box/child");
      await client.create("/plain/child");
      const gone = deferred<string>(10_000, "the emptied container reaped");
      await client.exists("/box", { watch: (e) => gone.resolve(e.type) });
      await client.delete("/box/child");
      await client.delete("/plain/child");
      assert.equal(await gone.promise, "NodeDeleted");
      assert.notEqual(await client.exists("/plain"), null);
    } finally {
      await client.close();
    }
  });

  test("setACL checks the new ACL before the node; delete checks the parent's DELETE permission before the node", async () => {
    assert.equal((await ask(OpCode.setACL, (w) => w.string("/nope").int(0).int(-1))).err, -114);
    assert.equal(
      (await create(OpCode.create, "/locked", 0, (w) => w.int(1).int(1).string("world").string("anyone"))).err,
      0,
    );
    assert.equal((await ask(OpCode.delete, (w) => w.string("/locked/nope").int(-1))).err, -102);
    // ZooKeeper's special paths are refused; anything else under /zookeeper is an ordinary node.
    assert.equal((await ask(OpCode.delete, (w) => w.string("/zookeeper/quota").int(-1))).err, -8);
    assert.equal((await create(OpCode.create, "/zookeeper/quota/q", 0)).err, 0);
    assert.equal((await ask(OpCode.delete, (w) => w.string("/zookeeper/quota/q").int(-1))).err, 0);
  });

  test("a multi holding a read, or a multiRead holding a write, is MarshallingError", async () => {
    assert.equal(
      (await ask(OpCode.multi, (w) => {
        w.int(OpCode.getData).bool(false).int(-1);
        writePathWatchRequest(w, "/", false);
        w.int(-1).bool(true).int(-1);
      })).err,
      -5,
    );
    assert.equal(
      (await ask(OpCode.multiRead, (w) => {
        w.int(OpCode.getData).bool(false).int(-1);
        writePathWatchRequest(w, "/nope", false);
        w.int(OpCode.setData).bool(false).int(-1);
        writeSetDataRequest(w, "/", new Uint8Array(0), -1);
        w.int(-1).bool(true).int(-1);
      })).err,
      -5,
    );
  });

  test("a top-level check that passes gets no reply (ZooKeeper cannot encode one); a failing one is answered; the connection serves on", async () => {
    c.send(frame((w) => {
      writeRequestHeader(w, 7_000, OpCode.check);
      w.string("/").int(-1);
    }));
    assert.equal((await ask(OpCode.check, (w) => w.string("/nope").int(-1))).err, -101);
    assert.equal((await ask(OpCode.check, (w) => w.string("/").int(5))).err, -103);
  });

  test("an addAuth reply echoes the request's xid", async () => {
    const other = await session(server.port);
    other.send(frame((w) => {
      writeRequestHeader(w, 9, OpCode.auth);
      w.int(0).string("bogus").buffer(new Uint8Array(1));
    }));
    assert.deepEqual(readReplyHeader(new JuteReader(await other.frame())), { xid: 9, zxid: 0n, err: -115 });
    await other.closed;
  });
});
