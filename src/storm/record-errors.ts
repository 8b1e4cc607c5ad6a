/**
 * Why a stored record could not be read: corrupt or foreign bytes, invalid JSON or thrift, or a
 * schema mismatch. Codecs throw it instead of returning a partly valid record; `cause` holds the
 * underlying error (a `ZodError`, a JSON `SyntaxError`, a thrift or framing error).
 */
export class CorruptRecordError extends Error {
  override readonly name = "CorruptRecordError";
  constructor(
    /** The record type that was expected, e.g. `"StormBase"`. */
    readonly kind: string,
    /** The ZooKeeper path (relative to the Storm root) the bytes came from, when known. */
    readonly path: string | undefined,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`corrupt ${kind} record${path === undefined ? "" : ` at ${path}`}: ${reason}`, options);
  }
}

/** A record handed to a codec that does not fit its schema; nothing was written. */
export class InvalidRecordError extends Error {
  override readonly name = "InvalidRecordError";
  constructor(readonly kind: string, reason: string, options?: { cause?: unknown }) {
    super(`invalid ${kind} record: ${reason}`, options);
  }
}
