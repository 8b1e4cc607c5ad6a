/**
 * A readable JSON codec for development and non-Storm users: UTF-8 JSON with object keys in sorted
 * order, so equal records give equal bytes.
 *
 * Byte arrays (only `PrivateWorkerKey.key`) are written as `{ "$base64": "…" }`, and the doubles
 * JSON has no number for as `{ "$double": "NaN" | "Infinity" | "-Infinity" }`. So that no map key
 * can be mistaken for a marker, an object key starting with `$` is written with one more `$` in
 * front (`"$base64"` → `"$$base64"`) and read back without it. No record holds a `bigint` (see
 * records.ts), so every other number is a plain JSON number.
 */
import { Buffer } from "node:buffer";
import { CorruptRecordError } from "../record-errors.ts";
import type { RecordKind, RecordTypes } from "../records.ts";
import { checkRecord, type Codec, parseRecord } from "./codec.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const BYTES_MARKER = "$base64";
const DOUBLE_MARKER = "$double";
const NON_FINITE: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function toJsonValue(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    return { [BYTES_MARKER]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  }
  if (typeof value === "number" && !Number.isFinite(value)) return { [DOUBLE_MARKER]: String(value) };
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      // Own data properties only: "__proto__" stays a key instead of replacing the prototype.
      if (v !== undefined) {
        Object.defineProperty(out, key.startsWith("$") ? `$${key}` : key, { value: toJsonValue(v), enumerable: true });
      }
    }
    return out;
  }
  return value;
}

// Records nest a few levels (heartbeat stats: 7); a deeper value is hostile, and recursing into
// it would end in a stack overflow at a depth that differs by runtime.
const MAX_DEPTH = 64;

function fromJsonValue(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new TypeError(`nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((item) => fromJsonValue(item, depth + 1));
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    const [only] = entries;
    if (entries.length === 1 && only !== undefined && only[0] === BYTES_MARKER) {
      if (typeof only[1] !== "string" || !BASE64.test(only[1])) {
        throw new TypeError(`${BYTES_MARKER} does not hold base64 text`);
      }
      return new Uint8Array(Buffer.from(only[1], "base64"));
    }
    if (entries.length === 1 && only !== undefined && only[0] === DOUBLE_MARKER) {
      const number = typeof only[1] === "string" && Object.hasOwn(NON_FINITE, only[1])
        ? NON_FINITE[only[1]]
        : undefined;
      if (number === undefined) {
        throw new TypeError(`${DOUBLE_MARKER} holds ${JSON.stringify(only[1])}, not NaN, Infinity or -Infinity`);
      }
      return number;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      Object.defineProperty(out, k.startsWith("$$") ? k.slice(1) : k, {
        value: fromJsonValue(v, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** The JSON codec: readable, deterministic, validated by the record schemas on both ways. */
export const jsonCodec: Codec = {
  name: "json",
  encode<K extends RecordKind>(kind: K, record: RecordTypes[K]): Uint8Array {
    return encoder.encode(JSON.stringify(toJsonValue(checkRecord(kind, record))));
  },
  decode<K extends RecordKind>(kind: K, bytes: Uint8Array, path?: string): RecordTypes[K] {
    let data: unknown;
    try {
      data = fromJsonValue(JSON.parse(decoder.decode(bytes)));
    } catch (cause) {
      throw new CorruptRecordError(
        kind,
        path,
        `not stormkeeper JSON (${cause instanceof Error ? cause.message : String(cause)})`,
        { cause },
      );
    }
    return parseRecord(kind, data, path);
  },
};
