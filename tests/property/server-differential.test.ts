import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { type ServerHandle, startServer } from "../../src/server.ts";
import { sharedConnectString } from "../support/zookeeper.ts";
import { type AclChoice, runScript, type Step, USERS } from "../support/differential.ts";

/**
 * The embedded server against the real ZooKeeper (the truth): the same random script of
 * operations from three sessions runs on both, each under a fresh root, and what the clients
 * see — replies, error codes, Stat fields (times aside; zxids by order of first appearance;
 * ephemeral owners by session), watch events and their order relative to the replies — must be
 * the same. A counterexample shrinks to a minimal script; each one found is kept as a plain
 * regression test in tests/integration/server-differential-cases.test.ts.
 */

const SESSIONS = 3;
/** Paths that may hold nodes; containers only go on leaves (see {@link containerPaths}). */
const paths = ["a", "b", "a/x", "a/y", "b/z", "a/x/w"] as const;
/**
 * Nothing is ever created below these, so a container there never gets (and loses) a child: the
 * real server reaps such emptied containers on its own clock (every 60 s), which no script can
 * line up with.
 */
const containerPaths = ["a/y", "b/z", "a/x/w"] as const;
const sequentialPrefixes = ["s-", "a/s-", "a/x/s-"] as const;
/** Far beyond a run, so the real server's TTL reaper never takes a node mid-script. */
const TTL = 3_600_000;

const session = fc.integer({ min: 0, max: SESSIONS - 1 });
const data = fc.constantFrom("", "x", "hello");
const version = fc.constantFrom(-1, 0, 1, 2);
const acl = fc.constantFrom<AclChoice>("open", "restricted", "creator");
/** A fixed path, or (`#n`) the n-th sequential node the script created, whatever its suffix. */
const target = fc.oneof(fc.constantFrom<string>("", ...paths), fc.nat({ max: 3 }).map((n) => `#${n}`));

const create: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant("create" as const),
    s: session,
    path: fc.constantFrom(...paths),
    mode: fc.constantFrom("persistent", "ephemeral", "persistent-ttl"),
    data,
    acl,
  }, { requiredKeys: ["op", "s", "path", "mode", "data"] }),
  fc.record({
    op: fc.constant("create" as const),
    s: session,
    path: fc.constantFrom(...sequentialPrefixes),
    mode: fc.constantFrom("persistent-sequential", "ephemeral-sequential", "persistent-sequential-ttl"),
    data,
  }),
  fc.record({
    op: fc.constant("create" as const),
    s: session,
    path: fc.constantFrom(...containerPaths),
    mode: fc.constant("container"),
    data,
  }),
);

const multiStep = fc.oneof(
  fc.record({
    kind: fc.constant("create" as const),
    path: fc.constantFrom(...paths),
    mode: fc.constantFrom("persistent", "ephemeral", "persistent-ttl"),
  }),
  fc.record({
    kind: fc.constant("create" as const),
    path: fc.constantFrom(...sequentialPrefixes),
    mode: fc.constant("persistent-sequential"),
  }),
  fc.record({
    kind: fc.constant("create" as const),
    path: fc.constantFrom(...containerPaths),
    mode: fc.constant("container"),
  }),
  fc.record({ kind: fc.constant("delete" as const), path: target, version }),
  fc.record({ kind: fc.constant("setData" as const), path: target, data, version }),
  fc.record({ kind: fc.constant("check" as const), path: target, version }),
);

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: create, weight: 6 },
  { arbitrary: fc.record({ op: fc.constant("setData" as const), s: session, path: target, data, version }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("delete" as const), s: session, path: target, version }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constantFrom("exists" as const, "getData" as const, "getChildren" as const),
      s: session,
      path: target,
      watch: fc.boolean(),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      op: fc.constant("addWatch" as const),
      s: session,
      path: target,
      mode: fc.constantFrom("persistent", "persistent-recursive"),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      op: fc.constant("multi" as const),
      s: session,
      steps: fc.array(multiStep, { minLength: 1, maxLength: 4 }),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ op: fc.constant("getEphemerals" as const), s: session }), weight: 1 },
  {
    arbitrary: fc.record({ op: fc.constant("addAuth" as const), s: session, user: fc.constantFrom(...USERS) }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ op: fc.constant("setACL" as const), s: session, path: target, acl: acl, version }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      op: fc.constantFrom("getACL" as const, "sync" as const, "getAllChildrenNumber" as const),
      s: session,
      path: target,
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      op: fc.constant("removeWatches" as const),
      s: session,
      path: target,
      type: fc.constantFrom("children", "data", "any", "persistent", "persistentRecursive"),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      op: fc.constant("multiRead" as const),
      s: session,
      reads: fc.array(fc.record({ kind: fc.constantFrom("getData" as const, "getChildren" as const), path: target }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ op: fc.constant("close" as const), s: session }), weight: 1 },
);

describe("embedded server against the real ZooKeeper: random multi-session scripts", () => {
  let embedded: ServerHandle;

  before(async () => {
    // Configured as scripts/zookeeper.sh configures the real one; the reaper as rarely as its.
    embedded = await startServer({
      extendedTypes: true,
      minSessionTimeout: 1000,
      maxSessionTimeout: 60_000,
      reapInterval: 60_000,
    });
  });
  after(() => embedded.close());

  test("replies, errors, Stat fields and watch events match", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25, size: "max" }), async (script) => {
        const real = await runScript(sharedConnectString(), SESSIONS, script, TTL);
        const ours = await runScript(embedded.connectString, SESSIONS, script, TTL);
        assert.deepEqual(ours, real);
      }),
      // Bounded: every run opens sessions on both servers; shrinking stops after the time limit.
      { numRuns: 40, interruptAfterTimeLimit: 80_000, markInterruptAsFailure: false },
    );
  });
});
