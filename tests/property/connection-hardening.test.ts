import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { createClient, type TransportFactory, ZooKeeperError } from "../../mod.ts";
import { JuteWriter } from "../../src/jute/writer.ts";
import { writeConnectResponse } from "../../src/jute/records.ts";
import { deferred } from "../support/zookeeper.ts";

/** A valid ConnectResponse frame: the session is established, then the stream turns hostile. */
function handshake(): Uint8Array {
  const w = new JuteWriter();
  const mark = w.beginFrame();
  writeConnectResponse(w, {
    protocolVersion: 0,
    timeOut: 10_000,
    sessionId: 1n,
    passwd: new Uint8Array(16),
    readOnly: false,
  });
  w.endFrame(mark);
  return w.take().slice();
}

function frame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setInt32(0, body.length);
  out.set(body, 4);
  return out;
}

// Hostile server streams go through the client's real connection code via the transport
// interface: whatever arrives, requests settle with a typed error or a value and nothing throws.
describe("the connection under hostile byte streams", () => {
  const chunk = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.uint8Array({ minLength: 12, maxLength: 40 }).map(frame),
    fc.tuple(
      fc.integer(),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.integer(),
      fc.uint8Array({ maxLength: 30 }),
    ).map(([xid, zxid, err, rest]) => {
      const body = new Uint8Array(16 + rest.length);
      const v = new DataView(body.buffer);
      v.setInt32(0, xid);
      v.setBigInt64(4, zxid);
      v.setInt32(12, err);
      body.set(rest, 16);
      return frame(body);
    }),
    fc.constant(new Uint8Array([0x7f, 0xff, 0xff, 0xff])),
  );

  test("random, truncated, oversized and mismatched frames never escape as exceptions or hangs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(chunk, { maxLength: 8 }), async (chunks) => {
        let first = true;
        const transport: TransportFactory = (_endpoint, handlers) => {
          let open = true;
          const close = (error?: Error) => {
            if (!open) return;
            open = false;
            queueMicrotask(() => handlers.onClose(error));
          };
          if (!first) {
            close(new Error("refused"));
            return { write() {}, close };
          }
          first = false;
          queueMicrotask(() => handlers.onConnect());
          let answered = false;
          return {
            write() {
              if (answered) return;
              answered = true;
              queueMicrotask(() => {
                handlers.onData(handshake());
                setTimeout(() => {
                  for (const c of chunks) if (open) handlers.onData(c);
                  close(new Error("server went away"));
                }, 5);
              });
            },
            close,
          };
        };
        const zk = createClient("127.0.0.1:1", { transport, maxFrameSize: 4096 });
        // A hang fails the run (with its counterexample) instead of stalling the suite.
        const hang = deferred<void>(5_000, "every request to settle and the client to close");
        await Promise.race([
          hang.promise,
          (async () => {
            const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => zk.getData("/a")));
            for (const o of outcomes) {
              if (o.status === "rejected") assert.ok(o.reason instanceof ZooKeeperError, String(o.reason));
            }
            await zk.close();
          })(),
        ]);
        hang.resolve();
      }),
      { numRuns: 150 },
    );
  });
});
