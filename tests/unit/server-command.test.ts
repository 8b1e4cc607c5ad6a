import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseServerArgs } from "../../src/server/command.ts";
import { negotiateTimeout } from "../../src/server/sessions.ts";
import { ipMatches, permitted } from "../../src/server/acl-policy.ts";

describe("embedded server: pure policies", () => {
  test("stormkeeper server arguments: defaults, flags, and one sentence for what is wrong", () => {
    assert.deepEqual(parseServerArgs([]), { port: 2181, host: "127.0.0.1", options: { extendedTypes: false } });
    assert.deepEqual(parseServerArgs(["--port", "0", "--host", "::1", "--extended-types"]), {
      port: 0,
      host: "::1",
      options: { extendedTypes: true },
    });
    assert.match((parseServerArgs(["--port", "x"]) as { error: string }).error, /--port must be a whole number/);
    assert.match((parseServerArgs(["--port"]) as { error: string }).error, /--port needs a value/);
    assert.match((parseServerArgs(["--bogus"]) as { error: string }).error, /unknown argument "--bogus"/);
  });

  test("timeouts are clamped to the bounds; ip ACLs match by prefix; an empty ACL grants all", () => {
    const bounds = { min: 4000, max: 40_000 };
    assert.deepEqual([1, 10_000, 1e9].map((t) => negotiateTimeout(t, bounds)), [4000, 10_000, 40_000]);
    assert.equal(ipMatches("10.1.0.0/16", "10.1.2.3"), true);
    assert.equal(ipMatches("10.1.0.0/16", "10.2.2.3"), false);
    assert.equal(permitted([], 1, []), true);
    assert.equal(permitted([{ perms: 1, id: { scheme: "world", id: "anyone" } }], 2, []), false);
  });
});
