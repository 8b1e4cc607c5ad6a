/**
 * Storm's own storage format: thrift binary records, gzip-framed by default (what every Storm
 * 2.x release reads and what 2.8.x writes). Reading accepts gzip, zstd and plain thrift.
 */
import { CorruptRecordError, InvalidRecordError } from "../record-errors.ts";
import type { RecordKind, RecordTypes } from "../records.ts";
import { type Codec, checkRecord, parseRecord } from "./codec.ts";
import { type Compression, DEFAULT_MAX_DECOMPRESSED, unwrap, wrap } from "./framing.ts";
import { stormThriftTables } from "./storm-thrift.ts";
import { decodeStruct, encodeStruct } from "./thrift-protocol.ts";

/** Options of {@link thriftCodec}. */
export interface ThriftCodecOptions {
  /** How written records are framed. Default `"gzip"`. */
  readonly compression?: Compression;
  /** Largest decompressed record accepted on read. Default 100 MiB, Storm's own cap. */
  readonly maxDecompressedBytes?: number;
}

/**
 * A codec that reads and writes exactly what Storm's daemons do.
 *
 * @example
 * ```ts
 * const storm = await createStormClusterState({ servers: ["zk1"], codec: thriftCodec({ compression: "zstd" }) });
 * ```
 */
export function thriftCodec(options: ThriftCodecOptions = {}): Codec {
  const compression = options.compression ?? "gzip";
  const max = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED;
  return {
    name: `thrift-${compression}`,
    encode<K extends RecordKind>(kind: K, record: RecordTypes[K]): Uint8Array {
      const checked = checkRecord(kind, record);
      try {
        return wrap(encodeStruct(stormThriftTables[kind], checked), compression);
      } catch (cause) {
        throw new InvalidRecordError(kind, cause instanceof Error ? cause.message : String(cause), { cause });
      }
    },
    decode<K extends RecordKind>(kind: K, bytes: Uint8Array, path?: string): RecordTypes[K] {
      let value: unknown;
      try {
        value = decodeStruct(stormThriftTables[kind], unwrap(bytes, max));
      } catch (cause) {
        throw new CorruptRecordError(kind, path, cause instanceof Error ? cause.message : String(cause), { cause });
      }
      return parseRecord(kind, value, path);
    },
  };
}

/** Plain thrift, no framing: the bytes Java's `TSerializer` produces. */
export const plainThriftCodec: Codec = thriftCodec({ compression: "none" });
