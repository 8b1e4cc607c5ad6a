/** A frame length outside `0..maxFrameSize`: the stream cannot be trusted any further. */
export class FrameError extends Error {
  override readonly name = "FrameError";

  /**
   * @param length the frame length the stream announced
   * @param xid the first int of an oversized frame when it arrived with its length: the xid
   *   of the reply the limit refused, so that request can be told why
   */
  constructor(message: string, readonly length: number, readonly xid?: number) {
    super(message);
  }
}

/**
 * Splits a byte stream into length-prefixed frames (protocol reference §1.2). A frame that lies
 * inside one chunk is handed out as a view of that chunk (no copy); a frame spread over chunks is
 * assembled once into a buffer of exactly its size, so large replies cost linear time.
 */
export class FrameReader {
  private readonly header = new Uint8Array(4);
  private headerHave = 0;
  private body: Uint8Array | null = null;
  private bodyHave = 0;

  constructor(private readonly maxFrameSize: number) {}

  /**
   * Feeds one chunk; calls `onFrame` for each complete frame, in order. Stops early when
   * `onFrame` returns false (the consumer closed the connection). Throws {@link FrameError}.
   */
  push(chunk: Uint8Array, onFrame: (frame: Uint8Array) => boolean): void {
    let off = 0;
    const n = chunk.length;
    while (off < n) {
      if (this.body !== null) {
        const take = Math.min(this.body.length - this.bodyHave, n - off);
        this.body.set(chunk.subarray(off, off + take), this.bodyHave);
        this.bodyHave += take;
        off += take;
        if (this.bodyHave < this.body.length) return;
        const frame = this.body;
        this.body = null;
        if (!onFrame(frame)) return;
        continue;
      }
      let length: number;
      if (this.headerHave === 0 && n - off >= 4) {
        length = (chunk[off] << 24) | (chunk[off + 1] << 16) | (chunk[off + 2] << 8) | chunk[off + 3];
        off += 4;
      } else {
        const take = Math.min(4 - this.headerHave, n - off);
        this.header.set(chunk.subarray(off, off + take), this.headerHave);
        this.headerHave += take;
        off += take;
        if (this.headerHave < 4) return;
        this.headerHave = 0;
        const h = this.header;
        length = (h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3];
      }
      if (length < 0 || length > this.maxFrameSize) {
        const xid = length >= 4 && n - off >= 4
          ? (chunk[off] << 24) | (chunk[off + 1] << 16) | (chunk[off + 2] << 8) | chunk[off + 3]
          : undefined;
        throw new FrameError(`frame length ${length} is outside 0..${this.maxFrameSize}`, length, xid);
      }
      if (n - off >= length) {
        const frame = chunk.subarray(off, off + length);
        off += length;
        if (!onFrame(frame)) return;
      } else {
        this.body = new Uint8Array(length);
        this.bodyHave = 0;
      }
    }
  }
}
