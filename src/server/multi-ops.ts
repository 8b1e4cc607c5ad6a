/**
 * multi (one transaction of creates, deletes, setDatas and checks, all or nothing) and
 * multiRead (getData/getChildren answered one by one): decoding their op lists and encoding
 * their per-op results as ZooKeeper gives them.
 */
import type { JuteReader } from "../jute/reader.ts";
import { type Stat, writeMultiHeader, writeStat } from "../jute/records.ts";
import type { JuteWriter } from "../jute/writer.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { OpCode } from "../protocol/opcodes.ts";
import type { Txn } from "./data-tree.ts";
import { errnoOf, type OpContext, type Peer, RequestFailure } from "./op-context.ts";
import { getNodeChildren, getNodeData } from "./read-ops.ts";
import {
  type CreateRequest,
  readCreateRequest,
  readPathInt,
  readPathWatch,
  readSetData,
  type SetDataRequest,
} from "./requests.ts";
import type { Delivery } from "./watch-manager.ts";
import { checkNode, createNode, deleteNode, setNodeData } from "./write-ops.ts";

/** Per-op result of a multi, before encoding. */
type MultiResult = { readonly type: number; readonly err: number; readonly path?: string; readonly stat?: Stat };

/** One decoded op of a multi. */
type MultiOp =
  | { readonly kind: "create"; readonly type: number; readonly request: CreateRequest }
  | { readonly kind: "delete" | "check"; readonly path: string; readonly version: number }
  | { readonly kind: "setData"; readonly request: SetDataRequest };

/**
 * A multi is one transaction: ops run in order on the tree; at the first failure the tree is
 * put back as it was and the results are Ok (0) for the ops before, the error for the failing
 * one and RuntimeInconsistency for those after — all as error results, as ZooKeeper gives them.
 * Watches are only triggered (events sent, one-shot watches used up) for a multi that succeeded.
 */
export function runMulti(ctx: OpContext, r: JuteReader, txn: Txn): (w: JuteWriter) => void {
  const ops = readMultiOps(r);
  const saved = ctx.tree.snapshot();
  const results: MultiResult[] = [];
  const triggers: (() => readonly Delivery<Peer>[])[] = [];
  const inner: OpContext = { ...ctx, fire: (trigger) => triggers.push(trigger) };
  let failedAt = -1;
  for (const [index, op] of ops.entries()) {
    try {
      results.push(runMultiOp(inner, op, txn));
    } catch (error) {
      failedAt = index;
      results.push({ type: OpCode.error, err: errnoOf(error) });
      break;
    }
  }
  let final: MultiResult[] = results;
  if (failedAt >= 0) {
    ctx.tree.restore(saved);
    const failure = results[failedAt]?.err ?? ErrorCode.SystemError;
    final = ops.map((_, i) => ({
      type: OpCode.error,
      err: i < failedAt ? 0 : i === failedAt ? failure : ErrorCode.RuntimeInconsistency,
    }));
  } else {
    for (const trigger of triggers) ctx.fire(trigger);
  }
  return (w) => writeMultiResults(w, final);
}

function runMultiOp(ctx: OpContext, op: MultiOp, txn: Txn): MultiResult {
  switch (op.kind) {
    case "create": {
      // As ZooKeeper 3.8 answers (probed): create and create2 with the path alone (as create),
      // createContainer and createTTL with the path and the new node's Stat (as create2).
      const path = createNode(ctx, op.type, op.request, txn);
      const plain = op.type === OpCode.create || op.type === OpCode.create2;
      return plain
        ? { type: OpCode.create, err: 0, path }
        : { type: OpCode.create2, err: 0, path, stat: ctx.tree.get(path).stat };
    }
    case "delete":
      deleteNode(ctx, op.path, op.version, txn);
      return { type: OpCode.delete, err: 0 };
    case "setData":
      return { type: OpCode.setData, err: 0, stat: setNodeData(ctx, op.request, txn) };
    case "check":
      checkNode(ctx, op.path, op.version);
      return { type: OpCode.check, err: 0 };
  }
}

/** multiRead: each getData/getChildren answered on its own; a failure is that op's error result. */
export function runMultiRead(ctx: OpContext, r: JuteReader): (w: JuteWriter) => void {
  const results: ((w: JuteWriter) => void)[] = [];
  for (;;) {
    const type = r.int();
    const done = r.bool();
    r.int();
    if (done) break;
    const { path, watch } = readPathWatch(r);
    // ZooKeeper reads the op but cannot run it: answered as a request it could not process.
    if (type !== OpCode.getData && type !== OpCode.getChildren) throw new RequestFailure(ErrorCode.MarshallingError);
    try {
      if (type === OpCode.getData) {
        const { data, stat } = getNodeData(ctx, path, watch);
        results.push((w) => {
          writeMultiHeader(w, { type, done: false, err: 0 });
          w.buffer(data);
          writeStat(w, stat);
        });
      } else {
        const { encodedChildren } = getNodeChildren(ctx, path, watch);
        results.push((w) => {
          writeMultiHeader(w, { type, done: false, err: 0 });
          w.raw(encodedChildren);
        });
      }
    } catch (error) {
      const err = errnoOf(error);
      results.push((w) => {
        writeMultiHeader(w, { type: OpCode.error, done: false, err });
        w.int(err);
      });
    }
  }
  return (w) => {
    for (const result of results) result(w);
    writeMultiHeader(w, { type: -1, done: true, err: -1 });
  };
}

/** Decodes every op of a multi up to its `done` header; an op type a multi cannot hold is MarshallingError. */
function readMultiOps(r: JuteReader): MultiOp[] {
  const ops: MultiOp[] = [];
  for (;;) {
    const type = r.int();
    const done = r.bool();
    r.int();
    if (done) return ops;
    switch (type) {
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createContainer:
      case OpCode.createTTL:
        ops.push({ kind: "create", type, request: readCreateRequest(r, type === OpCode.createTTL) });
        break;
      case OpCode.delete:
      case OpCode.check: {
        const { path, value } = readPathInt(r);
        ops.push({ kind: type === OpCode.delete ? "delete" : "check", path, version: value });
        break;
      }
      case OpCode.setData:
        ops.push({ kind: "setData", request: readSetData(r) });
        break;
      default:
        // ZooKeeper's MultiOperationRecord cannot decode another op type.
        throw new RequestFailure(ErrorCode.MarshallingError);
    }
  }
}

function writeMultiResults(w: JuteWriter, results: readonly MultiResult[]): void {
  for (const result of results) {
    writeMultiHeader(w, { type: result.type, done: false, err: result.err });
    if (result.type === OpCode.error) w.int(result.err);
    else if (result.path !== undefined) w.string(result.path);
    if (result.stat !== undefined) writeStat(w, result.stat);
  }
  writeMultiHeader(w, { type: -1, done: true, err: -1 });
}
