/**
 * One client connection of the server: splits the byte stream into frames, runs the handshake,
 * then hands each request to the engine. Its states: `handshake` (the first frame must be a
 * ConnectRequest, or the first four bytes a four-letter word), `serving`, `closed`. As in
 * ZooKeeper, a frame whose length is negative or above `maxFrameSize` closes the connection, and
 * so does a handshake not done within `handshakeTimeout`.
 *
 * Memory per connection is bounded: unread input is at most one frame (`maxFrameSize`), and
 * while the socket's output waits to drain (a client that sends but does not read) no further
 * request is run, so replies cannot pile up without bound.
 */
import type { Socket } from "node:net";
import { JuteReader } from "../jute/reader.ts";
import { type Id, readConnectRequest, writeConnectResponse } from "../jute/records.ts";
import { JuteWriter } from "../jute/writer.ts";
import type { Engine, Peer } from "./engine.ts";
import { fourLetterWordAnswer, isFourLetterWord } from "./four-letter-words.ts";

/** The limits every connection of a listener keeps to. */
export interface ConnectionLimits {
  /** Largest frame body accepted (`jute.maxbuffer`). */
  readonly maxFrameSize: number;
  /** Ms a connection may take to send its ConnectRequest before it is closed. */
  readonly handshakeTimeout: number;
}

/** Settings a connection needs from its listener. */
export interface ConnectionContext extends ConnectionLimits {
  readonly engine: Engine;
  /** While true, frames are read but not answered (the stall fault). */
  stalled(): boolean;
}

type ConnectionState = "handshake" | "serving" | "closed";

/** See the module comment. */
export class ServerConnection implements Peer {
  sessionId = 0n;
  readonly ids: Id[];
  readonly remoteIp: string;
  #state: ConnectionState = "handshake";
  #pending: Uint8Array = new Uint8Array(0);
  /** Complete frames held back while the server is stalled. */
  readonly #held: Uint8Array[] = [];
  readonly connectedAt = Date.now();
  received = 0;
  sent = 0;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly socket: Socket, private readonly context: ConnectionContext) {
    this.remoteIp = (socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
    this.ids = [{ scheme: "ip", id: this.remoteIp }];
    socket.setNoDelay(true);
    context.engine.openConnections++;
    this.#handshakeTimer = setTimeout(() => this.destroy(), context.handshakeTimeout);
    this.#handshakeTimer.unref?.();
    socket.on("data", (chunk: Uint8Array) => this.#onData(chunk));
    socket.on("drain", () => this.#pump());
    socket.on("error", () => this.#closed());
    socket.on("close", () => this.#closed());
  }

  /** Whether the connection has ended (a getter: handlers may close it mid-loop). */
  get isClosed(): boolean {
    return this.#state === "closed";
  }

  /** Queues a frame; dropped once closed. */
  send(frame: Uint8Array): void {
    if (this.#state === "closed") return;
    this.sent++;
    this.socket.write(frame);
  }

  /** Ends the connection after what was queued. */
  close(): void {
    if (this.#state === "closed") return;
    this.socket.end();
    this.#closed();
  }

  /** Drops the connection at once (the dropConnections fault). */
  destroy(): void {
    this.socket.destroy();
    this.#closed();
  }

  #closed(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    clearTimeout(this.#handshakeTimer);
    this.#held.length = 0;
    this.#pending = new Uint8Array(0);
    this.context.engine.openConnections--;
    this.context.engine.disconnected(this);
  }

  #onData(chunk: Uint8Array): void {
    if (this.#state === "closed") return;
    let bytes = chunk;
    if (this.#pending.length > 0) {
      bytes = new Uint8Array(this.#pending.length + chunk.length);
      bytes.set(this.#pending);
      bytes.set(chunk, this.#pending.length);
    }
    this.#pending = bytes;
    if (this.#state === "handshake" && this.received === 0 && bytes.length >= 4 && isFourLetterWord(bytes)) {
      this.socket.end(fourLetterWordAnswer(String.fromCharCode(...bytes.subarray(0, 4)), this.context.engine));
      this.#closed();
      return;
    }
    this.#pump();
  }

  /**
   * Runs the complete frames of the pending input, in order, until the output must drain (the
   * socket is then paused, and `drain` pumps again) or only a partial frame is left.
   */
  #pump(): void {
    const bytes = this.#pending;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pos = 0;
    while (bytes.length - pos >= 4 && !this.socket.writableNeedDrain) {
      const length = view.getInt32(pos);
      if (length < 0 || length > this.context.maxFrameSize) {
        this.destroy();
        return;
      }
      if (bytes.length - pos - 4 < length) break;
      // A copy: the socket may reuse its chunk, and a held frame outlives it.
      const frame = bytes.slice(pos + 4, pos + 4 + length);
      pos += 4 + length;
      this.received++;
      this.#frame(frame);
      if (this.isClosed) return;
    }
    // A copy of the rest: the bytes may be the socket's own chunk.
    this.#pending = pos === bytes.length ? new Uint8Array(0) : bytes.slice(pos);
    // Reading stays paused until the output drains. isPaused() follows pause() and resume() at
    // once on Node, Deno and Bun alike (checked on Node 20, Deno 2.9, Bun 1.4).
    const mustDrain = this.socket.writableNeedDrain;
    if (mustDrain !== this.socket.isPaused()) {
      if (mustDrain) this.socket.pause();
      else this.socket.resume();
    }
  }

  /** Runs the frames held during a stall, in order. */
  release(): void {
    while (this.#held.length > 0 && this.#state !== "closed" && !this.context.stalled()) {
      const frame = this.#held.shift();
      if (frame !== undefined) this.#process(frame);
    }
  }

  #frame(frame: Uint8Array): void {
    if (this.context.stalled() || this.#held.length > 0) {
      this.#held.push(frame);
      return;
    }
    this.#process(frame);
  }

  #process(frame: Uint8Array): void {
    const engine = this.context.engine;
    if (this.#state === "handshake") {
      this.#handshake(frame);
      return;
    }
    engine.touch(this);
    if (!engine.handle(this, frame)) this.close();
  }

  #handshake(frame: Uint8Array): void {
    let answer;
    try {
      answer = this.context.engine.connect(this, readConnectRequest(new JuteReader(frame)));
    } catch {
      answer = undefined;
    }
    if (answer === undefined) {
      this.destroy();
      return;
    }
    const w = new JuteWriter(64);
    const mark = w.beginFrame();
    writeConnectResponse(w, answer.response);
    w.endFrame(mark);
    this.send(w.take());
    if (!answer.valid) {
      this.close();
      return;
    }
    this.sessionId = answer.response.sessionId;
    this.#state = "serving";
    clearTimeout(this.#handshakeTimer);
  }
}
