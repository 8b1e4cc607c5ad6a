/**
 * The building blocks of the record schemas (records.ts): thrift's integer and double ranges,
 * string-keyed maps, and the canonical string keys that stand for executor ranges and stream ids
 * in maps thrift keys by lists or structs.
 */
import { z } from "zod";

export const i32 = z.number().int().min(-2147483648).max(2147483647);
// zod 4's int() already means "safe integer"; the bounds say so explicitly.
export const i64 = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
// A thrift double is any IEEE-754 value: Java writes NaN (Storm's latency averages divide 0 by 0
// when nothing was sampled) and infinities, and a reader must take them rather than call the
// whole heartbeat corrupt. zod's number() refuses both, so this is a plain type check.
export const double = z.custom<number>((value) => typeof value === "number", "expected a number");
// JavaScript objects cannot hold an own "__proto__" key through plain assignment, so such a key
// would silently vanish in parsing: refuse it instead.
const noProtoKey = (value: unknown, ctx: z.RefinementCtx) => {
  if (typeof value === "object" && value !== null && Object.hasOwn(value, "__proto__")) {
    ctx.addIssue({ code: "custom", message: 'the map key "__proto__" is not supported' });
  }
  return value;
};
export const stringMap = <T extends z.ZodType>(value: T) => z.preprocess(noProtoKey, z.record(z.string(), value));

/** Key of an executor `[taskStart, taskEnd]` in executor-keyed maps: `"[1,3]"`. */
export type ExecutorKey = string;

const isI32 = (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647;
const EXECUTOR_KEY = /^\[(0|-?[1-9]\d{0,9}),(0|-?[1-9]\d{0,9})\]$/;

/** The map key for the executor covering tasks `taskStart..taskEnd`; throws a RangeError unless both are i32. */
export function executorKey(taskStart: number, taskEnd: number): ExecutorKey {
  if (!isI32(taskStart) || !isI32(taskEnd)) {
    throw new RangeError(`executor task ids are 32-bit integers, got [${taskStart},${taskEnd}]`);
  }
  // `${-0}` is "0", so the key stays canonical.
  return `[${taskStart},${taskEnd}]`;
}

/** The task range of a canonical executor key; throws a TypeError on any other string. */
export function parseExecutorKey(key: ExecutorKey): readonly [number, number] {
  const m = EXECUTOR_KEY.exec(key);
  const range = m === null ? undefined : ([Number(m[1]), Number(m[2])] as const);
  if (range === undefined || !isI32(range[0]) || !isI32(range[1])) {
    throw new TypeError(`not an executor key: ${JSON.stringify(key)}`);
  }
  return range;
}

/** Whether `parse` takes `key` without throwing. */
const parses = (parse: (key: string) => unknown) => (key: string): boolean => {
  try {
    parse(key);
    return true;
  } catch {
    return false;
  }
};

export const executorKeySchema = z.string().refine(
  parses(parseExecutorKey),
  "executor keys look like [start,end]: i32 task ids, no leading zeros",
);

/** Key of a stream `(componentId, streamId)` in stream-keyed maps. */
export type StreamKey = string;

/** The map key for a global stream id: canonical JSON `["component","stream"]`. */
export function streamKey(componentId: string, streamId: string): StreamKey {
  return JSON.stringify([componentId, streamId]);
}

/** The `[componentId, streamId]` of a canonical stream key; throws a TypeError on any other string. */
export function parseStreamKey(key: StreamKey): readonly [string, string] {
  let v: unknown;
  try {
    v = JSON.parse(key);
  } catch {
    v = undefined;
  }
  if (
    !Array.isArray(v) || v.length !== 2 || typeof v[0] !== "string" || typeof v[1] !== "string" ||
    JSON.stringify(v) !== key
  ) {
    throw new TypeError(`not a stream key: ${JSON.stringify(key)}`);
  }
  return [v[0], v[1]];
}

export const streamKeySchema = z.string().refine(
  parses(parseStreamKey),
  'stream keys are the canonical JSON ["componentId","streamId"]',
);
