/**
 * One socket carrying a session: the handshake, xid assignment and the pending FIFO, pings and
 * the read timeout (protocol reference §3–§4). It knows nothing of hosts, reconnects or the
 * public API; the session drives it and hears back through {@link ConnectionEvents}.
 */
import { JuteReader } from "../jute/reader.ts";
import { JuteWriter } from "../jute/writer.ts";
import {
  type ConnectRequest,
  type ConnectResponse,
  readConnectResponse,
  readWatcherEvent,
  type ReplyHeader,
  type WatcherEventRecord,
  writeAuthPacket,
  writeConnectRequest,
  writeRequestHeader,
} from "../jute/records.ts";
import { ErrorCode, errorCodeName, ZooKeeperError } from "../protocol/errors.ts";
import { OpCode, WRITE_OPS, Xid } from "../protocol/opcodes.ts";
import type { Endpoint, Transport, TransportFactory } from "../transport/transport.ts";
import { FrameError, FrameReader } from "./frames.ts";
import { Queue } from "./queue.ts";
import type { Request } from "./request.ts";

/** What a connection reports to its session. */
export interface ConnectionEvents {
  /** The server answered the ConnectRequest. */
  onHandshake(response: ConnectResponse): void;
  onNotification(header: ReplyHeader, event: WatcherEventRecord): void;
  /** Reply to an auth packet (xid -4); auth replies are matched among themselves, in order. */
  onAuthReply(err: number): void;
  /** A matched reply with a zxid (for `lastZxidSeen`). */
  onZxid(zxid: bigint): void;
  /** A chunk of frames was processed (replies may have made room for queued requests). */
  onReplies(): void;
  /** The connection is gone; called once. Pending requests have been handed to the session. */
  onClose(reason: Error, unanswered: Request[]): void;
}

/** Where and how a {@link Connection} connects. */
export interface ConnectionOptions {
  readonly endpoint: Endpoint;
  readonly transport: TransportFactory;
  readonly maxFrameSize: number;
  /** Bound on TCP connect + handshake. */
  readonly connectTimeout: number;
}

/**
 * How much larger than `maxFrameSize` a reply may be. The server accepts a request of up to
 * jute.maxbuffer and answers reads of what it stored with ~100 bytes of framing on top (reply
 * header, length, Stat), so with a symmetric limit a node written at the limit could never be
 * read back (Java's client has that trap).
 */
export const REPLY_SLACK = 1024;

/** Xids run 1 … 2^31-1 and wrap back to 1 (§4.3). */
const MAX_XID = 0x7fffffff;

/** Writes an auth packet frame (header and AuthPacket) and returns its payload length. */
function writeAuthFrame(w: JuteWriter, scheme: string, auth: Uint8Array): number {
  const at = w.beginFrame();
  writeRequestHeader(w, Xid.auth, OpCode.auth);
  writeAuthPacket(w, scheme, auth);
  return w.endFrame(at);
}

/**
 * The payload length of the auth packet for these credentials. Auth packets are replayed on
 * every connection, so one over the frame limit must be refused before it is stored: the server
 * drops any connection that carries it (§16), and the session would reconnect forever.
 */
export function authFrameLength(scheme: string, auth: Uint8Array): number {
  return writeAuthFrame(new JuteWriter(), scheme, auth);
}

/** One socket carrying the session; see the module comment. */
export class Connection {
  private readonly transport: Transport;
  private readonly frames: FrameReader;
  private readonly writer = new JuteWriter();
  private readonly pending = new Queue<Request>();
  private handshaken = false;
  private closed = false;
  private flushScheduled = false;
  private nextXid = 1;
  private lastSend = Date.now();
  private lastReceive = Date.now();
  /** When bytes last arrived; 0 until any do. A bare TCP accept proves nothing about the session. */
  private lastData = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly flush = () => {
    this.flushScheduled = false;
    if (this.closed || this.writer.pending === 0) return;
    this.lastSend = Date.now();
    this.transport.write(this.writer.take());
  };

  constructor(
    private readonly options: ConnectionOptions,
    connectRequest: ConnectRequest,
    private readonly events: ConnectionEvents,
  ) {
    this.frames = new FrameReader(options.maxFrameSize + REPLY_SLACK);
    this.connectTimer = setTimeout(
      () =>
        this.close(new Error(`no handshake with ${describe(options.endpoint)} within ${options.connectTimeout} ms`)),
      options.connectTimeout,
    );
    this.transport = options.transport(options.endpoint, {
      onConnect: () => {
        // Nothing but the ConnectRequest goes out until the server has answered it (§1.2).
        const at = this.writer.beginFrame();
        writeConnectRequest(this.writer, connectRequest);
        this.writer.endFrame(at);
        this.flush();
      },
      onData: (chunk) => this.receive(chunk),
      onClose: (error) =>
        this.close(error ?? new Error(`connection to ${describe(options.endpoint)} closed by the server`)),
    });
  }

  /** Number of requests written and not yet answered. */
  get inFlight(): number {
    return this.pending.length;
  }

  /** When bytes last arrived from the server (0 if never), for client-side expiry. */
  get lastReceiveTime(): number {
    return this.lastData;
  }

  /**
   * Starts the liveness timers once the session is established: a ping after `pingAfter` ms
   * without sending, and a disconnect after `readTimeout` ms without receiving (§3.4).
   */
  startTimers(readTimeout: number, pingAfter: number): void {
    this.lastReceive = Date.now();
    const tick = Math.max(10, Math.min(pingAfter, readTimeout) / 4);
    this.timer = setInterval(() => {
      const now = Date.now();
      if (now - this.lastReceive >= readTimeout) {
        this.close(new Error(`no reply from ${describe(this.options.endpoint)} for ${now - this.lastReceive} ms`));
      } else if (now - this.lastSend >= pingAfter) {
        this.writeHeaderOnly(Xid.ping, OpCode.ping);
        this.flush();
      }
    }, tick);
  }

  /**
   * Writes a request (assigning its xid) and queues it for its reply. Bytes go out once per
   * tick, so requests issued together share one socket write.
   */
  send(request: Request): void {
    if (this.closed) {
      request.fail(new ZooKeeperError(ErrorCode.ConnectionLoss, { op: request.op, path: request.path }));
      return;
    }
    const w = this.writer;
    const at = w.beginFrame();
    const xid = this.nextXid;
    writeRequestHeader(w, xid, request.opcode);
    try {
      request.encode?.(w);
    } catch (cause) {
      w.rewind(at);
      request.fail(
        new ZooKeeperError(ErrorCode.MarshallingError, {
          op: request.op,
          path: request.path,
          cause,
          message: String(cause),
        }),
      );
      return;
    }
    const length = w.endFrame(at);
    if (length > this.options.maxFrameSize) {
      w.rewind(at);
      request.fail(
        new ZooKeeperError(ErrorCode.BadArguments, {
          op: request.op,
          path: request.path,
          message:
            `the request is ${length} bytes, over the ${this.options.maxFrameSize}-byte frame limit (jute.maxbuffer)`,
        }),
      );
      return;
    }
    this.nextXid = xid === MAX_XID ? 1 : xid + 1;
    request.xid = xid;
    this.pending.push(request);
    this.scheduleFlush();
  }

  /**
   * Ends the session (§15.6): closeSession goes behind everything already written, and the
   * socket closes once it is answered or after `timeout` ms.
   */
  sendCloseSession(timeout: number): void {
    const timer = setTimeout(() => this.close(new Error("no closeSession reply in time")), timeout);
    this.send({
      op: "closeSession",
      opcode: OpCode.closeSession,
      path: undefined,
      encode: undefined,
      xid: 0,
      complete: () => {
        clearTimeout(timer);
        this.close(new Error("session closed"));
      },
      fail: () => clearTimeout(timer),
    });
  }

  /** Sends an auth packet (xid -4, outside the FIFO; §11.4); see {@link authFrameLength}. */
  sendAuth(scheme: string, auth: Uint8Array): void {
    if (this.closed) return;
    writeAuthFrame(this.writer, scheme, auth);
    this.scheduleFlush();
  }

  private writeHeaderOnly(xid: number, opcode: number): void {
    const at = this.writer.beginFrame();
    writeRequestHeader(this.writer, xid, opcode);
    this.writer.endFrame(at);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(this.flush);
  }

  private receive(chunk: Uint8Array): void {
    if (this.closed) return;
    this.lastReceive = this.lastData = Date.now();
    try {
      this.frames.push(chunk, (frame) => {
        if (this.handshaken) this.handleReply(frame);
        else this.handleHandshake(frame);
        return !this.closed;
      });
    } catch (error) {
      if (error instanceof FrameError) this.refuseOversizedReply(error);
      this.close(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.handshaken && !this.closed) this.events.onReplies();
  }

  /**
   * A reply over the frame limit fails its request with MarshallingError, which names the limit
   * and is not retryable: reported as ConnectionLoss, a retry loop would only fetch the same
   * reply and drop the connection again (§16).
   */
  private refuseOversizedReply(error: FrameError): void {
    const head = this.pending.peek();
    if (!this.handshaken || error.xid === undefined || head === undefined || head.xid !== error.xid) return;
    this.pending.shift();
    head.fail(
      new ZooKeeperError(ErrorCode.MarshallingError, {
        op: head.op,
        path: head.path,
        message: `the reply is ${error.length} bytes, over the ${
          this.options.maxFrameSize + REPLY_SLACK
        }-byte reply limit (maxFrameSize + ${REPLY_SLACK}); raise maxFrameSize to read it`,
      }),
    );
  }

  private handleHandshake(frame: Uint8Array): void {
    if (frame.length === 16) {
      // A server refusing the session answers with a bare ReplyHeader carrying the error (a
      // read-only server asked for a global session says NotReadOnly).
      const err = new JuteReader(frame, 12).int();
      throw new Error(`${describe(this.options.endpoint)} refused the session: ${errorCodeName(err)} (${err})`);
    }
    const response = readConnectResponse(new JuteReader(frame));
    this.handshaken = true;
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.events.onHandshake(response);
  }

  private handleReply(frame: Uint8Array): void {
    const r = new JuteReader(frame);
    const xid = r.int();
    const zxid = r.long();
    const err = r.int();
    if (xid === Xid.notification) {
      this.events.onNotification({ xid, zxid, err }, readWatcherEvent(r));
      return;
    }
    if (xid === Xid.ping) return;
    if (xid === Xid.auth) {
      this.events.onAuthReply(err);
      return;
    }
    const request = this.pending.shift();
    if (request === undefined || request.xid !== xid) {
      // Replies come back in request order; anything else means the stream is corrupt (§4.3).
      if (request !== undefined) {
        request.fail(
          new ZooKeeperError(ErrorCode.ConnectionLoss, {
            op: request.op,
            path: request.path,
            outcomeUnknown: WRITE_OPS.has(request.op),
          }),
        );
      }
      throw new Error(`reply xid ${xid} does not match the oldest pending request (${request?.xid ?? "none"})`);
    }
    if (zxid > 0n) this.events.onZxid(zxid);
    try {
      request.complete(err, r);
    } catch (cause) {
      request.fail(
        new ZooKeeperError(ErrorCode.MarshallingError, {
          op: request.op,
          path: request.path,
          cause,
          message: `malformed reply from the server: ${cause instanceof Error ? cause.message : String(cause)}`,
        }),
      );
      throw cause;
    }
  }

  /** Closes the socket; unanswered requests go back to the session through `onClose`. */
  close(reason: Error = new Error("connection closed by the client")): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.connectTimer);
    this.transport.close();
    this.events.onClose(reason, this.pending.drain());
  }
}

function describe(e: Endpoint): string {
  return e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
