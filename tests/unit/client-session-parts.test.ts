import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  type ConnectionState,
  curatorReport,
  endedError,
  type StateEvent,
  unansweredError,
} from "../../src/client/session-state.ts";
import { SessionIdentity } from "../../src/client/session-identity.ts";

describe("Curator's reports", () => {
  /** Runs events through curatorReport from a fresh session, collecting what is reported. */
  function reports(events: StateEvent[]): (ConnectionState | undefined)[] {
    let lost = false;
    return events.map((event) => {
      const next = curatorReport(event, lost);
      lost = next.lost;
      return next.report;
    });
  }

  test("LOST is told once per suspension, and again only after a connection", () => {
    assert.deepEqual(reports(["connecting", "connected", "disconnected", "expired", "expired"]), [
      undefined,
      "CONNECTED",
      "SUSPENDED",
      "LOST",
      undefined,
    ]);
    assert.deepEqual(reports(["expired", "newSession", "disconnected", "expired"]), [
      "LOST",
      "RECONNECTED",
      "SUSPENDED",
      "LOST",
    ]);
  });

  test("a suspension keeps what was told; a connection clears it", () => {
    assert.deepEqual(curatorReport("disconnected", true), { report: "SUSPENDED", lost: true });
    assert.deepEqual(curatorReport("readOnly", true), { report: "READ_ONLY", lost: false });
    assert.deepEqual(curatorReport("closed", true), { report: undefined, lost: true });
  });
});

describe("the error of an ended session", () => {
  test("names why the session ended, and whether a write's outcome is unknown", () => {
    const request = { op: "setData", path: "/a" } as const;
    assert.equal(endedError("authFailed", request).code, "AuthFailed");
    assert.equal(endedError("expired", request, true).code, "SessionExpired");
    assert.equal(endedError("expired", request, true).outcomeUnknown, true);
    const closed = endedError("closed", undefined);
    assert.equal(closed.code, "SessionExpired");
    assert.match(closed.message, /closed/);
  });
});

describe("the session's identity", () => {
  const granted = (sessionId: bigint, readOnly = false) => ({
    protocolVersion: 0,
    timeOut: 4000,
    sessionId,
    passwd: new Uint8Array(16).fill(7),
    readOnly,
  });

  test("an attempt resumes the granted session, with its password", () => {
    const identity = new SessionIdentity(undefined);
    assert.equal(identity.request(0n, 30_000, false).sessionId, 0n);
    identity.accept(granted(5n));
    const request = identity.request(9n, 30_000, true);
    assert.deepEqual([request.sessionId, request.passwd[0], request.lastZxidSeen, request.readOnly], [5n, 7, 9n, true]);
    assert.equal(identity.negotiatedTimeout, 4000);
  });

  test("a session from a read-only server is not offered again, until a read/write server grants it", () => {
    const identity = new SessionIdentity(undefined);
    identity.accept(granted(5n, true));
    assert.equal(identity.request(0n, 30_000, true).sessionId, 0n);
    identity.accept(granted(6n, false));
    assert.equal(identity.request(0n, 30_000, true).sessionId, 6n);
  });

  test("a resumed session is offered at once; an expired one is forgotten", () => {
    const identity = new SessionIdentity({ sessionId: 3n, password: new Uint8Array(16).fill(1) });
    assert.equal(identity.request(0n, 30_000, false).sessionId, 3n);
    const copy = identity.password;
    copy[0] = 99;
    assert.equal(identity.password[0], 1);
    identity.forget();
    assert.equal(identity.id, 0n);
    assert.equal(identity.request(0n, 30_000, false).sessionId, 0n);
  });
});

describe("requests unanswered when their connection ends", () => {
  const reason = new Error("socket closed");

  test("fail with ConnectionLoss while the session lives; a write's outcome is unknown, a read's known", () => {
    const write = unansweredError("connected", { op: "setData", path: "/a" }, reason);
    assert.deepEqual([write.code, write.outcomeUnknown, write.path, write.cause], [
      "ConnectionLoss",
      true,
      "/a",
      reason,
    ]);
    const read = unansweredError("connecting", { op: "getData", path: "/a" }, reason);
    assert.deepEqual([read.code, read.outcomeUnknown === true], ["ConnectionLoss", false]);
  });

  test("fail with the ended session's error once it is terminal", () => {
    assert.equal(unansweredError("expired", { op: "create", path: "/a" }, reason).code, "SessionExpired");
    const failed = unansweredError("authFailed", { op: "delete", path: "/a" }, reason);
    assert.deepEqual([failed.code, failed.outcomeUnknown], ["AuthFailed", true]);
  });
});
