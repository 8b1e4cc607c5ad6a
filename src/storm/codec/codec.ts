import type { z } from "zod";
import { CorruptRecordError, InvalidRecordError } from "../record-errors.ts";
import { deepFreeze, type RecordKind, recordSchemas, type RecordTypes } from "../records.ts";

/**
 * How records become node data and back; `kind` names the record type, and the record's type
 * follows from it. `decode` returns a validated, deep-frozen record or throws
 * {@link CorruptRecordError} (never a partly valid record); `encode` throws
 * {@link InvalidRecordError} for a record that does not fit its schema.
 */
export interface Codec {
  /** For logs and errors, e.g. `"json"`, `"thrift-gzip"`. */
  readonly name: string;
  encode<K extends RecordKind>(kind: K, record: RecordTypes[K]): Uint8Array;
  /** `path`, the node the bytes came from, only goes into the error. */
  decode<K extends RecordKind>(kind: K, bytes: Uint8Array, path?: string): RecordTypes[K];
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

/** Validates a record before encoding; returns the parsed value (defaults filled in). */
export function checkRecord<K extends RecordKind>(kind: K, record: unknown): RecordTypes[K] {
  const parsed = recordSchemas[kind].safeParse(record);
  if (!parsed.success) throw new InvalidRecordError(kind, issues(parsed.error), { cause: parsed.error });
  return parsed.data;
}

/** Parses decoded data against the kind's schema and freezes it. */
export function parseRecord<K extends RecordKind>(kind: K, data: unknown, path: string | undefined): RecordTypes[K] {
  const parsed = recordSchemas[kind].safeParse(data);
  if (!parsed.success) throw new CorruptRecordError(kind, path, issues(parsed.error), { cause: parsed.error });
  return deepFreeze(parsed.data);
}
