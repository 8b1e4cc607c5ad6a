import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { plainThriftCodec } from "../../src/storm/codec/thrift.ts";
import { InvalidRecordError } from "../../src/storm/record-errors.ts";
import { type RecordKind, recordSchemas } from "../../src/storm/records.ts";
import { stormArbitraries } from "../support/storm-arbitraries.ts";

// The thrift codec's compiled encoder and decoder check records without zod; these properties
// hold them to the zod schemas, which stay the definition of a valid record.
const kinds = Object.keys(stormArbitraries) as RecordKind[];
type Path = readonly (string | number)[];

/** Every object, array and leaf in a record, with its path (typed arrays are leaves). */
function paths(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value)) {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, Array.isArray(value) ? Number(k) : k]));
  }
  return out;
}

function assertDeepFrozen(value: unknown): void {
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return;
  assert.ok(Object.isFrozen(value));
  for (const v of Object.values(value)) assertDeepFrozen(v);
}

const mutations = ["wrong type", "out-of-range integer", "missing field", "extra key"] as const;
type Mutation = (typeof mutations)[number];

/** A copy of `record` with `how` applied at `path`, or undefined when it does not apply there. */
function mutate(record: unknown, path: Path, how: Mutation): unknown {
  const copy: unknown = structuredClone(record);
  if (path.length === 0 && how !== "extra key") return undefined;
  let parent: Record<string | number, unknown> = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path.at(-1);
  const target = last === undefined ? copy : parent[last];
  switch (how) {
    case "wrong type":
      if (last === undefined) return undefined;
      parent[last] = typeof target === "string" ? 1 : "not the right type";
      return copy;
    case "out-of-range integer":
      if (last === undefined || typeof target !== "number" || !Number.isInteger(target)) return undefined;
      parent[last] = target >= 0 ? 2 ** 53 : -(2 ** 31) - 1;
      return copy;
    case "missing field":
      if (last === undefined || Array.isArray(parent)) return undefined;
      delete parent[last];
      return copy;
    case "extra key":
      if (typeof target !== "object" || target === null || Array.isArray(target) || ArrayBuffer.isView(target)) {
        return undefined;
      }
      (target as Record<string, unknown>).zzExtra = true;
      return copy;
  }
}

const unionMembers = new Set(["bolt", "spout", "killOptions", "rebalanceOptions"]);

/** A rule only the thrift form has: Storm 2.8.8 reads a heartbeat's time as an i32. */
const thriftOnlyRefusal = (kind: RecordKind, path: Path) =>
  kind === "ClusterWorkerHeartbeat" && path.length === 1 && path[0] === "timeSecs";

describe("the compiled thrift codec agrees with the zod schemas", () => {
  test("every record the schema accepts encodes and decodes to the schema's parse of it, deeply frozen", () => {
    for (const kind of kinds) {
      fc.assert(
        fc.property(stormArbitraries[kind] as fc.Arbitrary<unknown>, (record) => {
          const decoded = plainThriftCodec.decode(kind, plainThriftCodec.encode(kind, record as never));
          assert.deepEqual(decoded, recordSchemas[kind].parse(record));
          assertDeepFrozen(decoded);
        }),
        { numRuns: 40 },
      );
    }
  });

  test("a mutation the schema refuses is refused before writing, with an InvalidRecordError naming the field; one it accepts reads back as the schema parses it", () => {
    const cases = fc.constantFrom(...kinds).chain((kind) =>
      fc.tuple(
        fc.constant(kind),
        stormArbitraries[kind] as fc.Arbitrary<unknown>,
        fc.nat(),
        fc.constantFrom(...mutations),
      )
    );
    let refusals = 0;
    fc.assert(
      fc.property(cases, ([kind, record, pick, how]) => {
        const all = paths(record);
        const path = all[pick % all.length] ?? [];
        const mutated = mutate(record, path, how);
        if (mutated === undefined) return;
        const schema = recordSchemas[kind].safeParse(mutated);
        let bytes: Uint8Array | undefined;
        try {
          bytes = plainThriftCodec.encode(kind, mutated as never);
        } catch (error) {
          assert.ok(error instanceof InvalidRecordError, String(error));
          assert.ok(
            !schema.success || thriftOnlyRefusal(kind, path),
            `refused what the schema accepts: ${error.message}`,
          );
          // zod names a union by its field, not what is wrong inside the member.
          const member = path.findIndex((k) => typeof k === "string" && unionMembers.has(k));
          const field = [...(member < 0 ? path : path.slice(0, member))].reverse().find((k) => typeof k === "string");
          if (how === "extra key" || field === undefined) return;
          assert.ok(error.message.includes(field), `${error.message} names ${field}`);
          refusals++;
          return;
        }
        assert.ok(schema.success, `accepted what the schema refuses (${how} at ${JSON.stringify(path)})`);
        assert.deepEqual(plainThriftCodec.decode(kind, bytes), schema.data);
      }),
      { numRuns: 1500 },
    );
    assert.ok(refusals > 100, `only ${refusals} refusals were exercised`);
  });
});
