/**
 * Thrift's binary protocol (what Java's `TSerializer` writes), driven by declarative struct
 * tables instead of generated code. Each table is compiled once, on first use, into a tree of
 * specialised encode/decode closures, so a record costs one pass over its values: the encoder
 * checks every value's type and range as it writes, the decoder checks as it reads and builds the
 * value already frozen. `encodeStruct` and `decodeStruct` are pure functions of table and value.
 *
 * Unknown fields are skipped on read, as Thrift does; lengths and counts are checked against the
 * bytes present, and nesting is bounded, so hostile input fails with {@link ThriftDecodeError} and
 * never allocates more than the input's size. Storm stores bare structs, never an RPC message, so
 * the protocol's strict/non-strict message header does not arise here.
 *
 * The tables' types live in thrift-types.ts, the byte level in thrift-bytes.ts, the two compilers
 * in thrift-encode.ts and thrift-decode.ts; this module is their public face.
 */
export {
  type ThriftCollection,
  ThriftDecodeError,
  ThriftEncodeError,
  type ThriftEnum,
  type ThriftField,
  type ThriftMap,
  type ThriftScalar,
  type ThriftStruct,
  type ThriftType,
  TType,
} from "./thrift-types.ts";
export { encodeStruct } from "./thrift-encode.ts";
export { decodeStruct } from "./thrift-decode.ts";
