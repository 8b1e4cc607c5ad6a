import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type EnsembleMember,
  formatMemberLine,
  parseEnsembleConfig,
  parseMemberLine,
} from "../../src/protocol/ensemble-config.ts";
import { ZooKeeperError } from "../../src/protocol/errors.ts";

const port = fc.integer({ min: 1, max: 65535 });
const host = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.domain(),
);
const member: fc.Arbitrary<EnsembleMember> = fc.record({
  id: fc.nat(),
  peers: fc.array(fc.record({ host, quorumPort: port, electionPort: port }), { minLength: 1, maxLength: 3 }),
  role: fc.constantFrom("participant" as const, "observer" as const),
  client: fc.option(fc.record({ host, port }), { nil: undefined }),
});

describe("ensemble configuration properties", () => {
  test("every member survives formatting and parsing unchanged", () => {
    fc.assert(fc.property(member, (m) => assert.deepEqual(parseMemberLine(formatMemberLine(m)), structuredClone(m))), {
      numRuns: 500,
    });
  });

  test("a configuration of distinct members and a version parses back to the same", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(member, { selector: (m) => m.id, maxLength: 7 }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        (members, version) => {
          const text = [...members.map(formatMemberLine), `version=${version.toString(16)}`].join("\n");
          assert.deepEqual(parseEnsembleConfig(text), { members: structuredClone(members), version, other: [] });
        },
      ),
      { numRuns: 300 },
    );
  });

  test("any text parses to a configuration or a typed BadArguments error, never anything else", () => {
    const noise = fc.oneof(
      fc.string(),
      fc.array(fc.constantFrom("server.", "1", "=", ":", ";", "|", "[", "]", "\n", "version=", "h", "observer", "ab"), {
        maxLength: 30,
      }).map((xs) => xs.join("")),
    );
    fc.assert(
      fc.property(noise, (text) => {
        try {
          parseEnsembleConfig(text);
        } catch (error) {
          assert.ok(error instanceof ZooKeeperError && error.code === "BadArguments", String(error));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
