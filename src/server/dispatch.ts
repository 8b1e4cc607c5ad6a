/**
 * Runs one decoded request by its opcode: reads the request body, calls the operation's handler
 * and returns the writer of its reply body (undefined for an empty one). Throws TreeError,
 * RequestFailure or a decode error, which the engine answers with an error header.
 */
import type { JuteReader } from "../jute/reader.ts";
import { writeACLList, writeStat } from "../jute/records.ts";
import type { JuteWriter } from "../jute/writer.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { OpCode } from "../protocol/opcodes.ts";
import type { Txn } from "./data-tree.ts";
import { runMulti, runMultiRead } from "./multi-ops.ts";
import { type OpContext, readable, RequestFailure, required } from "./op-context.ts";
import { ephemeralsOf, existsNode, getNodeAcl, getNodeChildren, getNodeData, identitiesOf } from "./read-ops.ts";
import {
  readCreateRequest,
  readPath,
  readPathInt,
  readPathWatch,
  readSetAcl,
  readSetData,
  readSetWatches,
} from "./requests.ts";
import { addWatch, matchWatches, setWatches } from "./watch-ops.ts";
import { checkNode, createNode, deleteNode, setNodeAcl, setNodeData } from "./write-ops.ts";

/** Opcodes that are transactions: each gets a zxid, whether it succeeds or fails. */
export const writeOps: ReadonlySet<number> = new Set([
  OpCode.create,
  OpCode.create2,
  OpCode.createContainer,
  OpCode.createTTL,
  OpCode.delete,
  OpCode.deleteContainer,
  OpCode.setData,
  OpCode.setACL,
  OpCode.check,
  OpCode.multi,
  OpCode.reconfig,
]);

/** See the module comment. `txn` is set for the {@link writeOps}. */
export function runOperation(
  ctx: OpContext,
  opcode: number,
  r: JuteReader,
  txn: Txn | undefined,
): ((w: JuteWriter) => void) | undefined {
  switch (opcode) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL: {
      const path = createNode(ctx, opcode, readCreateRequest(r, opcode === OpCode.createTTL), required(txn));
      const stat = ctx.tree.get(path).stat;
      return opcode === OpCode.create ? (w) => w.string(path) : (w) => {
        w.string(path);
        writeStat(w, stat);
      };
    }
    case OpCode.delete:
    case OpCode.deleteContainer: {
      const { path, value } = readPathInt(r);
      deleteNode(ctx, path, opcode === OpCode.deleteContainer ? -1 : value, required(txn));
      return undefined;
    }
    case OpCode.setData: {
      const stat = setNodeData(ctx, readSetData(r), required(txn));
      return (w) => writeStat(w, stat);
    }
    case OpCode.check: {
      const { path, value } = readPathInt(r);
      checkNode(ctx, path, value);
      return undefined;
    }
    case OpCode.setACL: {
      const { path, acl, version } = readSetAcl(r);
      const stat = setNodeAcl(ctx, path, acl, version);
      return (w) => writeStat(w, stat);
    }
    case OpCode.multi:
      return runMulti(ctx, r, required(txn));
    case OpCode.multiRead:
      return runMultiRead(ctx, r);
    case OpCode.exists: {
      const { path, watch } = readPathWatch(r);
      const stat = existsNode(ctx, path, watch);
      return (w) => writeStat(w, stat);
    }
    case OpCode.getData: {
      const { path, watch } = readPathWatch(r);
      const { data, stat } = getNodeData(ctx, path, watch);
      return (w) => {
        w.buffer(data);
        writeStat(w, stat);
      };
    }
    case OpCode.getChildren:
    case OpCode.getChildren2: {
      const { path, watch } = readPathWatch(r);
      const { encodedChildren, stat } = getNodeChildren(ctx, path, watch);
      return opcode === OpCode.getChildren ? (w) => w.raw(encodedChildren) : (w) => {
        w.raw(encodedChildren);
        writeStat(w, stat);
      };
    }
    case OpCode.getACL: {
      const { acl, stat } = getNodeAcl(ctx, readPath(r));
      return (w) => {
        writeACLList(w, acl);
        writeStat(w, stat);
      };
    }
    case OpCode.sync: {
      // Echoed unvalidated, as ZooKeeper does.
      const path = readPath(r);
      return (w) => w.string(path);
    }
    case OpCode.getEphemerals: {
      const paths = ephemeralsOf(ctx, r.requiredString("prefix"));
      return (w) => w.stringVector(paths);
    }
    case OpCode.getAllChildrenNumber: {
      const count = ctx.tree.descendantCount(readable(readPath(r)));
      return (w) => w.int(count);
    }
    case OpCode.whoAmI: {
      const ids = identitiesOf(ctx);
      return (w) => {
        w.int(ids.length);
        for (const id of ids) w.string(id.scheme).string(id.user);
      };
    }
    case OpCode.setWatches:
    case OpCode.setWatches2:
      setWatches(ctx, readSetWatches(r, opcode === OpCode.setWatches2));
      return undefined;
    case OpCode.addWatch: {
      const { path, value } = readPathInt(r);
      addWatch(ctx, path, value);
      // ZooKeeper answers addWatch with an ErrorResponse record (its err 0), which clients read.
      return (w) => w.int(0);
    }
    case OpCode.checkWatches:
    case OpCode.removeWatches: {
      const { path, value } = readPathInt(r);
      matchWatches(ctx, path, value, opcode === OpCode.removeWatches);
      return undefined;
    }
    case OpCode.reconfig:
      // A standalone ZooKeeper has reconfigEnabled=false: the request is a failed transaction.
      throw new RequestFailure(ErrorCode.ReconfigDisabled);
    default:
      throw new RequestFailure(ErrorCode.Unimplemented);
  }
}
