import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ZooKeeperError } from "../../mod.ts";
import { digestMd5Conversation, parseDigestChallenge } from "../../src/protocol/sasl-digest-md5.ts";
import { enc } from "../support/fixtures.ts";

const credentials = { username: "alice", password: "secret", protocol: "zookeeper", serverName: "zk-sasl-md5" };
const valid = enc('realm="zk-sasl-md5",nonce="hW1kPq0mBFV+yx3u",charset=utf-8,algorithm=md5-sess,qop="auth"');

/** Runs `f`; passes when it returns, or throws a ZooKeeperError AuthFailed; anything else fails. */
function typedOutcome(f: () => unknown): void {
  try {
    f();
  } catch (error) {
    assert.ok(error instanceof ZooKeeperError && error.code === "AuthFailed", `not a typed error: ${String(error)}`);
  }
}

/** A valid challenge with bytes replaced, inserted or removed. */
const mutated = fc.array(
  fc.record({
    at: fc.nat({ max: valid.length }),
    kind: fc.constantFrom("replace", "insert", "delete"),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  { minLength: 1, maxLength: 6 },
).map((edits) => {
  const bytes = [...valid];
  for (const { at, kind, byte } of edits) {
    const i = Math.min(at, bytes.length);
    if (kind === "replace" && i < bytes.length) bytes[i] = byte;
    else if (kind === "insert") bytes.splice(i, 0, byte);
    else bytes.splice(i, 1);
  }
  return Uint8Array.from(bytes);
});

/** Directive-shaped text from the grammar's own pieces (quotes, escapes, commas, spaces). */
const directiveSoup = fc.array(
  fc.constantFrom(
    "realm",
    "nonce",
    "qop",
    "charset",
    "algorithm",
    "=",
    '"',
    "\\",
    ",",
    " ",
    "md5-sess",
    "utf-8",
    "auth",
    "x",
    "\u00e9",
  ),
  { maxLength: 40 },
).map((parts) => enc(parts.join("")));

describe("DIGEST-MD5 challenges from a hostile server", () => {
  test("arbitrary bytes parse to a challenge or fail with AuthFailed, never anything else", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), directiveSoup, mutated), (bytes) => {
        typedOutcome(() => parseDigestChallenge(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  test("whatever the server sends at any step, the conversation answers or fails with AuthFailed", () => {
    fc.assert(
      fc.property(
        fc.oneof(mutated, fc.constant(valid)),
        fc.oneof(fc.uint8Array({ maxLength: 80 }), directiveSoup),
        (challenge, final) => {
          const conversation = digestMd5Conversation(credentials, "cnonce");
          typedOutcome(() => {
            conversation.next(challenge);
            conversation.next(final);
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("a parsed challenge keeps quoted realms and nonces exactly, escapes undone", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "Z", "0", " ", ",", "=", '"', "\\", "é"), maxLength: 20 });
    fc.assert(fc.property(fc.array(text, { maxLength: 4 }), text.filter((n) => n !== ""), (realms, nonce) => {
      const quote = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;
      const challenge = [
        ...realms.map((r) => `realm=${quote(r)}`),
        `nonce=${quote(nonce)}`,
        "charset=utf-8",
        "algorithm=md5-sess",
      ].join(",");
      assert.deepEqual(parseDigestChallenge(enc(challenge)), { realms, nonce, qop: ["auth"], utf8: true });
    }));
  });
});
