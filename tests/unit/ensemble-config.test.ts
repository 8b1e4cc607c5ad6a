import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  ensembleHosts,
  formatMemberLine,
  parseEnsembleConfig,
  parseMemberLine,
} from "../../src/protocol/ensemble-config.ts";
import { ZooKeeperError } from "../../src/protocol/errors.ts";

const isBadArguments = (e: unknown) => e instanceof ZooKeeperError && e.code === "BadArguments";

describe("ensemble configuration text (/zookeeper/config)", () => {
  test("a 3.5+ dynamic configuration parses into members and a hex version", () => {
    const config = parseEnsembleConfig(
      "server.1=10.0.0.1:2888:3888:participant;10.0.0.1:2181\n" +
        "server.2=10.0.0.2:2888:3888:observer;2182\n" +
        "server.3=[fe80::1]:2888:3888|10.0.0.3:2889:3889:participant;[::1]:2183\n" +
        "version=10000000a",
    );
    assert.equal(config.version, 0x10000000an);
    assert.deepEqual(config.other, []);
    assert.deepEqual(config.members, [
      {
        id: 1,
        peers: [{ host: "10.0.0.1", quorumPort: 2888, electionPort: 3888 }],
        role: "participant",
        client: { host: "10.0.0.1", port: 2181 },
      },
      {
        id: 2,
        peers: [{ host: "10.0.0.2", quorumPort: 2888, electionPort: 3888 }],
        role: "observer",
        client: { host: "0.0.0.0", port: 2182 },
      },
      {
        id: 3,
        peers: [{ host: "fe80::1", quorumPort: 2888, electionPort: 3888 }, {
          host: "10.0.0.3",
          quorumPort: 2889,
          electionPort: 3889,
        }],
        role: "participant",
        client: { host: "::1", port: 2183 },
      },
    ]);
  });

  test("a standalone server's empty configuration has no members and no version", () => {
    assert.deepEqual(parseEnsembleConfig(""), { members: [], version: undefined, other: [] });
  });

  test("a member without a role is a participant; one without a client address has none", () => {
    assert.deepEqual(parseMemberLine("server.7=h:1:2"), {
      id: 7,
      peers: [{ host: "h", quorumPort: 1, electionPort: 2 }],
      role: "participant",
      client: undefined,
    });
  });

  test("hierarchical-quorum lines are kept as they are", () => {
    const config = parseEnsembleConfig("server.1=h:1:2;3\ngroup.1=1:2\nweight.1=1\nversion=0");
    assert.deepEqual(config.other, ["group.1=1:2", "weight.1=1"]);
    assert.equal(config.version, 0n);
  });

  test("wildcard client hosts become the member's peer host; members without a client address are left out", () => {
    const config = parseEnsembleConfig(
      "server.1=a.example:1:2;0.0.0.0:2181\nserver.2=b.example:1:2;2182\nserver.3=c.example:1:2\nserver.4=d.example:1:2;[::]:2184",
    );
    assert.deepEqual(ensembleHosts(config), [
      { host: "a.example", port: 2181 },
      { host: "b.example", port: 2182 },
      { host: "d.example", port: 2184 },
    ]);
  });

  test("formatting writes ZooKeeper's own form, the role after the last address", () => {
    const line = "server.3=[fe80::1]:2888:3888|10.0.0.3:2889:3889:observer;[::1]:2183";
    const member = parseMemberLine(line);
    assert.ok(typeof member !== "string");
    assert.equal(formatMemberLine(member), line);
  });

  for (
    const [line, why] of [
      ["server.x=h:1:2", /expected server/],
      ["srv.1=h:1:2", /expected server/],
      ["server.1", /expected server/],
      ["server.1=h:1", /host:quorumPort:electionPort/],
      ["server.1=h:1:2:3:4", /host:quorumPort:electionPort/],
      ["server.1=h:1:70000", /invalid port/],
      ["server.1=h:1:2:leader", /unknown role/],
      ["server.1=h:1:2:observer|g:1:2:participant", /conflicting roles/],
      ["server.1=h:1:2;3;4", /more than one/],
      ["server.1=h:1:2;a:b:3", /\[host:\]port/],
      ["server.1=h:1:2;port", /invalid client port/],
      ["server.1=[::1:1:2", /unterminated IPv6/],
      ["server.1=:1:2", /missing host/],
      ["server.99999999999999999999=h:1:2", /out of range/],
    ] as const
  ) {
    test(`refuses ${JSON.stringify(line)}`, () => {
      const result = parseMemberLine(line);
      assert.equal(typeof result, "string");
      assert.match(result as string, why);
      assert.throws(() => parseEnsembleConfig(line), isBadArguments);
    });
  }

  test("a bad version line or a repeated member is refused, not half-read", () => {
    assert.throws(
      () => parseEnsembleConfig("server.1=h:1:2\nversion=xyz"),
      (e) => isBadArguments(e) && /version/.test(String(e)),
    );
    assert.throws(
      () => parseEnsembleConfig("server.1=h:1:2\nserver.1=g:1:2"),
      (e) => isBadArguments(e) && /twice/.test(String(e)),
    );
  });
});
