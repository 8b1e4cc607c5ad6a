import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { topologyReadOnlyAcls, topologyReadWriteAcls } from "../../src/storm/acls.ts";

const creatorAll = { perms: 31, id: { scheme: "auth", id: "" } };

describe("topology ACLs (Storm's mkTopoReadOnlyAcls / mkTopoReadWriteAcls)", () => {
  test("without a topology auth scheme there is no topology ACL (the node gets the state's default)", () => {
    assert.equal(topologyReadOnlyAcls(), undefined);
    assert.equal(topologyReadWriteAcls(undefined), undefined);
    assert.equal(
      topologyReadOnlyAcls({ scheme: "", payload: "topo:pw" }),
      undefined,
      "Storm checks only for a non-empty scheme",
    );
  });

  test("with one: creator-all, then the topology's digest with READ or ALL", () => {
    // ZooKeeper's documented example: super:test digests to super:D/InIHSb7yEEbrWz8b9l71RjZJU=.
    const auth = { scheme: "digest", payload: "super:test" };
    const digest = { scheme: "digest", id: "super:D/InIHSb7yEEbrWz8b9l71RjZJU=" };
    assert.deepEqual(topologyReadOnlyAcls(auth), [creatorAll, { perms: 1, id: digest }]);
    assert.deepEqual(topologyReadWriteAcls(auth), [creatorAll, { perms: 31, id: digest }]);
  });

  test("the user is what precedes the first ':', and the whole payload is hashed", () => {
    // Storm's generated payloads are "<long>:<long>"; Java's generateDigest splits at the first ':'.
    const [, entry] = topologyReadOnlyAcls({ scheme: "digest", payload: "-123:456:789" }) ?? [];
    assert.equal(entry?.id.id, `-123:${createHash("sha1").update("-123:456:789").digest("base64")}`);
  });

  test("a payload that is not user:password is refused", () => {
    assert.throws(() => topologyReadWriteAcls({ scheme: "digest", payload: "no-colon" }), RangeError);
  });
});
