/**
 * A readable JSON codec for development and non-Storm users: UTF-8 JSON with object keys in
 * sorted order (byte-stable output), byte arrays as `{ "$base64": "…" }`.
 */
import { Buffer } from "node:buffer";
import { CorruptRecordError } from "../record-errors.ts";
import type { RecordKind, RecordTypes } from "../records.ts";
import { type Codec, checkRecord, parseRecord } from "./codec.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function toJsonValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = toJsonValue(v);
    }
    return out;
  }
  return value;
}

function fromJsonValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonValue);
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    const only = entries.length === 1 ? entries[0] : undefined;
    if (only !== undefined && only[0] === "$base64" && typeof only[1] === "string") {
      return new Uint8Array(Buffer.from(only[1], "base64"));
    }
    // A null-prototype object: keys such as "__proto__" stay plain data.
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of entries) out[k] = fromJsonValue(v);
    return { ...out };
  }
  return value;
}

/** The JSON codec. */
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
      throw new CorruptRecordError(kind, path, `not UTF-8 JSON (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
    }
    return parseRecord(kind, data, path);
  },
};
