import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  clientSideExpiry,
  connectTimeout,
  defaultConnectionWait,
  effectiveSessionTimeout,
  pingInterval,
  readTimeout,
  simulatedLostAfter,
  waitCheckPeriod,
} from "../../src/client/timeouts.ts";

const timeout = fc.integer({ min: 1, max: 3_600_000 });

describe("timeouts derived from the session timeout", () => {
  test("the negotiated timeout governs once granted, the requested one before", () => {
    assert.equal(effectiveSessionTimeout(0, 30_000), 30_000);
    assert.equal(effectiveSessionTimeout(4_000, 30_000), 4_000);
  });

  test("a connection attempt gets an even share of the session timeout per host, at least 1 s", () => {
    assert.equal(connectTimeout(30_000, 3), 10_000);
    assert.equal(connectTimeout(10_000, 3), 3_333);
    assert.equal(connectTimeout(2_000, 5), 1_000);
    fc.assert(fc.property(timeout, fc.integer({ min: 1, max: 50 }), (t, hosts) => {
      const share = connectTimeout(t, hosts);
      assert.ok(share >= 1000 && Number.isInteger(share));
      if (share > 1000) assert.ok(share * hosts <= t);
    }));
  });

  test("the read timeout is 2/3 of the negotiated timeout, and a ping goes out well before it", () => {
    assert.equal(readTimeout(30_000), 20_000);
    assert.equal(readTimeout(4_000), 2_666);
    fc.assert(fc.property(fc.integer({ min: 3, max: 3_600_000 }), (t) => {
      const read = readTimeout(t);
      const ping = pingInterval(read);
      assert.ok(ping > 0 && ping < read && ping <= 10_000);
    }));
  });

  test("client-side expiry is 4/3 of the timeout; LOST and the connection waits are one timeout", () => {
    assert.equal(clientSideExpiry(30_000), 40_000);
    assert.equal(simulatedLostAfter(30_000), 30_000);
    assert.equal(defaultConnectionWait(30_000), 30_000);
    fc.assert(fc.property(timeout, (t) => {
      assert.ok(clientSideExpiry(t) > simulatedLostAfter(t));
    }));
  });

  test("waiting requests are checked every tenth of the wait, within 10 ms and 1 s", () => {
    assert.equal(waitCheckPeriod(30_000), 1000);
    assert.equal(waitCheckPeriod(2_000), 200);
    assert.equal(waitCheckPeriod(50), 10);
    fc.assert(fc.property(timeout, (w) => {
      const period = waitCheckPeriod(w);
      assert.ok(period >= 10 && period <= 1000);
    }));
  });
});
