/**
 * Raw byte exchanges with a ZooKeeper server over `node:net`, for comparing how the real server
 * and the embedded one answer bad input: the same bytes go to both, and what comes back — the
 * frames and whether the server closed the connection — is summarised in a comparable form.
 */
import { connect as connectSocket } from "node:net";
import { concatBytes } from "../../src/jute/bytes.ts";
import { JuteReader } from "../../src/jute/reader.ts";
import { writeConnectRequest } from "../../src/jute/records.ts";
import { JuteWriter } from "../../src/jute/writer.ts";

/** What a server did with some bytes, within the time allowed. */
export interface Outcome {
  /** Each complete frame received: a handshake answer as `connect timeout=<t>`, a reply as `xid=<x> err=<e>`. */
  readonly frames: readonly string[];
  /** Whether the server closed the connection (end or reset) before the wait ran out. */
  readonly closed: boolean;
  /** Milliseconds from the first write to the close (undefined when still open). */
  readonly closedAfterMs: number | undefined;
}

/**
 * One step of an exchange: bytes to write, a pause to let the server act on them, or a wait
 * until `frames` frames in all have come back (or the server closed, or `withinMs` passed).
 */
export type Step = Uint8Array | { readonly pauseMs: number } | { readonly frames: number; readonly withinMs: number };

/** Writes one length-prefixed frame. */
export function frame(write: (w: JuteWriter) => void): Uint8Array {
  const w = new JuteWriter(256);
  const mark = w.beginFrame();
  write(w);
  w.endFrame(mark);
  return w.take().slice();
}

/** A ConnectRequest frame for a new session asking for `timeOut` ms. */
export function handshake(timeOut = 10_000): Uint8Array {
  return frame((w) =>
    writeConnectRequest(w, {
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeOut,
      sessionId: 0n,
      passwd: new Uint8Array(16),
      readOnly: false,
    })
  );
}

/** Joins byte strings. */
export const concat = (...parts: readonly Uint8Array[]): Uint8Array => concatBytes(parts);

/** A four-byte big-endian int (a length prefix). */
export function int32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, n);
  return out;
}

/**
 * The first frame of a connection is a handshake answer, later ones replies: summarised as
 * their negotiated timeout or their header, the fields both servers must agree on.
 */
function describe(body: Uint8Array, first: boolean): string {
  const r = new JuteReader(body);
  try {
    if (first) {
      r.int();
      return `connect timeout=${r.int()}`;
    }
    return `xid=${r.int()} err=${(r.long(), r.int())}`;
  } catch {
    return `undecodable ${body.length} bytes`;
  }
}

/**
 * Connects to `port` on loopback, plays `steps`, then waits up to `waitMs` for the server to
 * close. Resolves with what happened; never rejects on the server's behaviour.
 */
export function exchange(port: number, steps: readonly Step[], waitMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket(port, "127.0.0.1");
    const frames: string[] = [];
    let buffered: Uint8Array = new Uint8Array(0);
    let startedAt = 0;
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ frames, closed, closedAfterMs: closed ? Date.now() - startedAt : undefined });
      progressed();
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The pending wait step's check, run on every frame and on the close.
    let progressed = () => {};
    socket.on("data", (chunk: Uint8Array) => {
      buffered = concat(buffered, chunk);
      while (buffered.length >= 4) {
        const n = new DataView(buffered.buffer, buffered.byteOffset).getInt32(0);
        if (n < 0 || buffered.length < 4 + n) break;
        frames.push(describe(buffered.subarray(4, 4 + n), frames.length === 0));
        buffered = buffered.slice(4 + n);
      }
      progressed();
    });
    socket.once("error", reject);
    socket.once("connect", async () => {
      startedAt = Date.now();
      socket.off("error", reject);
      // A reset (the server dropping a connection with unread input) counts as a close.
      socket.on("error", () => finish(true));
      socket.on("close", () => finish(true));
      for (const step of steps) {
        if (settled) return;
        if (step instanceof Uint8Array) socket.write(step);
        else if ("pauseMs" in step) await new Promise((r) => setTimeout(r, step.pauseMs));
        else await framesReceived(step.frames, step.withinMs);
      }
      if (!settled) timer = setTimeout(() => finish(false), waitMs);
    });
    const framesReceived = (count: number, withinMs: number) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(deadline);
          progressed = () => {};
          resolve();
        };
        const deadline = setTimeout(done, withinMs);
        progressed = () => {
          if (settled || frames.length >= count) done();
        };
        progressed();
      });
  });
}
