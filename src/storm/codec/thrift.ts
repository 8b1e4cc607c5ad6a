/**
 * Storm's own storage format: thrift binary records, gzip-framed by default (what every Storm
 * 2.x release reads and what 2.8.x writes). Reading accepts gzip, zstd and plain thrift.
 */
import { CorruptRecordError, InvalidRecordError } from "../record-errors.ts";
import type { RecordKind, RecordTypes } from "../records.ts";
import { checkRecord, type Codec } from "./codec.ts";
import { type Compression, COMPRESSIONS, DEFAULT_MAX_DECOMPRESSED, unwrap, wrap } from "./framing.ts";
import { stormThriftTables } from "./storm-thrift.ts";
import { decodeStruct, encodeStruct, ThriftEncodeError } from "./thrift-protocol.ts";

/** Options of {@link thriftCodec}. */
export interface ThriftCodecOptions {
  /** How written records are framed. Default `"gzip"`. */
  readonly compression?: Compression;
  /** Largest decompressed record accepted on read, a positive integer. Default 100 MiB, Storm's own cap. */
  readonly maxDecompressedBytes?: number;
}

/**
 * A codec that reads and writes exactly what Storm's daemons do. Options out of range throw a
 * `RangeError`.
 *
 * @example
 * ```ts
 * const storm = await createStormClusterState({ servers: ["zk1"], codec: thriftCodec({ compression: "zstd" }) });
 * ```
 */
export function thriftCodec(options: ThriftCodecOptions = {}): Codec {
  const compression = options.compression ?? "gzip";
  const max = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED;
  if (!(COMPRESSIONS as readonly string[]).includes(compression)) {
    throw new RangeError(`compression must be one of ${COMPRESSIONS.join(", ")}, not ${String(compression)}`);
  }
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new RangeError(`maxDecompressedBytes must be a positive integer, not ${String(max)}`);
  }
  return {
    name: `thrift-${compression}`,
    encode<K extends RecordKind>(kind: K, record: RecordTypes[K]): Uint8Array {
      let plain: Uint8Array;
      try {
        plain = encodeStruct(stormThriftTables[kind], record);
      } catch (cause) {
        if (!(cause instanceof ThriftEncodeError)) throw cause;
        // The schema words the refusal when it refuses too; a rule only thrift has (an i32 time,
        // a lone surrogate) is worded by the encoder.
        checkRecord(kind, record);
        throw new InvalidRecordError(kind, cause.message, { cause });
      }
      return wrap(plain, compression);
    },
    // The compiled decoder checks every rule of the kind's schema as it reads and builds the
    // record frozen (tests/property/storm-fast-path.test.ts holds it to the schema), so zod does
    // not run on this path.
    decode<K extends RecordKind>(kind: K, bytes: Uint8Array, path?: string): RecordTypes[K] {
      try {
        return decodeStruct(stormThriftTables[kind], unwrap(bytes, max)) as unknown as RecordTypes[K];
      } catch (cause) {
        throw new CorruptRecordError(kind, path, cause instanceof Error ? cause.message : String(cause), { cause });
      }
    },
  };
}

/** Plain thrift, no framing: the bytes Java's `TSerializer` produces. */
export const plainThriftCodec: Codec = thriftCodec({ compression: "none" });
