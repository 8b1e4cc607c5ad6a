/**
 * Transactions (`multi`, opcode 14) and batched reads (`multiRead`, opcode 22); protocol
 * reference §12. Builders collect operations; `commit()` sends them as one request.
 */
import { JuteDecodeError, type JuteReader } from "../jute/reader.ts";
import {
  type ACL,
  type MultiHeader,
  readData,
  readMultiResults,
  readPath,
  readStat,
  readStringList,
  type Stat,
  writeMultiHeader,
} from "../jute/records.ts";
import type { CreateMode } from "../protocol/create-mode.ts";
import { badArguments, type ErrorCodeName, errorCodeName, ZooKeeperError } from "../protocol/errors.ts";
import { OpCode } from "../protocol/opcodes.ts";
import { type Operation, type OperationContext, operations, type WatchContext } from "./operations.ts";
import type { SignalOptions } from "./request.ts";

/** What a builder needs from the client. */
export interface MultiContext extends OperationContext {
  send<T>(operation: Operation<T>, signal?: AbortSignal): Promise<T>;
}

/** A context for reads inside a batch, where no watch can be set. */
function unwatched(ctx: OperationContext): WatchContext {
  return { chroot: ctx.chroot, maxFrameSize: ctx.maxFrameSize, watcher: () => undefined, register: () => {} };
}

/** The result of one operation of a committed transaction. */
export type OpResult =
  /** `stat` is present when the server returns it: servers up to 3.8 return only the path. */
  | { readonly type: "create"; readonly path: string; readonly stat?: Stat }
  | { readonly type: "delete" }
  | { readonly type: "setData"; readonly stat: Stat }
  | { readonly type: "check" };

/**
 * The outcome of each operation of a failed transaction (in `ZooKeeperError.results`): `Ok` for
 * operations that would have succeeded (rolled back), the error for the failing one, and
 * `RuntimeInconsistency` for those not attempted.
 */
export interface OpFailure {
  readonly type: "error";
  readonly code: ErrorCodeName;
  readonly errno: number;
  readonly path: string;
}

interface PendingOp {
  readonly type: number;
  readonly path: string;
  readonly write: Operation<unknown>["encode"];
}

const EMPTY = new Uint8Array(0);

abstract class Batch<Self> {
  protected readonly ops: PendingOp[] = [];
  private problem: ZooKeeperError | undefined;

  constructor(protected readonly ctx: MultiContext, private readonly op: "multi" | "multiRead") {}

  /** Records an operation; an invalid one is reported by `commit()` (nothing is sent). */
  protected add(path: string, build: () => Operation<unknown>): Self {
    if (this.problem === undefined) {
      try {
        const operation = build();
        this.ops.push({ type: operation.opcode, path, write: operation.encode });
      } catch (error) {
        this.problem = error instanceof ZooKeeperError
          ? new ZooKeeperError(error.errno, { op: this.op, path, opIndex: this.ops.length, message: error.message })
          : badArguments(String(error), this.op, path);
      }
    }
    return this as unknown as Self;
  }

  protected sendAll<R>(
    opcode: number,
    readResult: (r: JuteReader, h: MultiHeader, index: number) => R,
    signal: AbortSignal | undefined,
  ): Promise<R[]> {
    if (this.problem !== undefined) return Promise.reject(this.problem);
    if (this.ops.length === 0) return Promise.resolve([]);
    const ops = this.ops.slice();
    const firstPath = ops[0]?.path;
    return this.ctx.send({
      op: this.op,
      opcode,
      path: firstPath,
      encode: (w) => {
        for (const op of ops) {
          writeMultiHeader(w, { type: op.type, done: false, err: -1 });
          op.write?.(w);
        }
        writeMultiHeader(w, { type: -1, done: true, err: -1 });
      },
      decode: (r) => {
        let index = 0;
        const results = readMultiResults(r, (reader, h) => readResult(reader, h, index++));
        if (results.length !== ops.length) {
          throw new JuteDecodeError(`${this.op} reply has ${results.length} results for ${ops.length} operations`);
        }
        return results;
      },
    }, signal);
  }

  protected pathOf(index: number): string {
    return this.ops[index]?.path ?? "";
  }
}

/**
 * An atomic transaction: every operation applies, or none does.
 *
 * @example
 * ```ts
 * const results = await zk.multi().create("/a", bytes).check("/b", 3).setData("/c", bytes).commit();
 * ```
 */
export class Transaction extends Batch<Transaction> {
  constructor(ctx: MultiContext) {
    super(ctx, "multi");
  }

  /** Adds a create (any mode but the TTL ones need `ttl`, as in `ZooKeeperClient.create`). */
  create(
    path: string,
    data: Uint8Array = EMPTY,
    options: { readonly mode?: CreateMode; readonly acl?: readonly ACL[]; readonly ttl?: number | bigint } = {},
  ): Transaction {
    return this.add(path, () => operations.create(this.ctx, path, data, options));
  }

  /** Adds a delete (at `version` when given, -1 = any). */
  delete(path: string, version = -1): Transaction {
    return this.add(path, () => operations.delete(this.ctx, path, { version }));
  }

  /** Adds a setData (at `version` when given, -1 = any). */
  setData(path: string, data: Uint8Array, version = -1): Transaction {
    return this.add(path, () => operations.setData(this.ctx, path, data, { version }));
  }

  /** Adds a version assertion: the transaction fails unless the node is at `version`. */
  check(path: string, version: number): Transaction {
    return this.add(path, () => operations.check(this.ctx, path, version));
  }

  /**
   * Sends the transaction. Resolves with one result per operation; rejects with the first
   * failing operation's error, whose `opIndex` names that operation and whose `results` hold
   * every operation's {@link OpFailure}.
   */
  async commit(options: SignalOptions = {}): Promise<OpResult[]> {
    const outcomes = await this.sendAll<OpResult | OpFailure>(OpCode.multi, (r, h, index) => {
      const path = this.pathOf(index);
      switch (h.type) {
        case -1: {
          const errno = r.int();
          return { type: "error", code: errorCodeName(errno), errno, path };
        }
        case OpCode.create:
          return { type: "create", path: this.ctx.chroot.toClient(readPath(r)) };
        case OpCode.create2:
          return { type: "create", path: this.ctx.chroot.toClient(readPath(r)), stat: readStat(r) };
        case OpCode.delete:
          return { type: "delete" };
        case OpCode.setData:
          return { type: "setData", stat: readStat(r) };
        case OpCode.check:
          return { type: "check" };
        default:
          throw new JuteDecodeError(`unexpected result type ${h.type} in a multi reply`);
      }
    }, options.signal);
    const failed = outcomes.findIndex((o) => o.type === "error" && o.errno !== 0);
    if (failed >= 0) {
      const failure = outcomes[failed] as OpFailure;
      throw new ZooKeeperError(failure.errno, { op: "multi", path: failure.path, opIndex: failed, results: outcomes });
    }
    return outcomes as OpResult[];
  }
}

/** The result of one read of a {@link ReadBatch}: a value or that read's own error. */
export type ReadResult =
  | { readonly type: "getData"; readonly ok: true; readonly data: Uint8Array; readonly stat: Stat }
  | { readonly type: "getChildren"; readonly ok: true; readonly children: string[] }
  | { readonly type: "error"; readonly ok: false; readonly error: ZooKeeperError };

/**
 * Reads sent as one request (multiRead, 3.6+). Not atomic: each read succeeds or fails on its
 * own, and no watches can be set.
 */
export class ReadBatch extends Batch<ReadBatch> {
  constructor(ctx: MultiContext) {
    super(ctx, "multiRead");
  }

  getData(path: string): ReadBatch {
    return this.add(path, () => operations.getData(unwatched(this.ctx), path, {}));
  }

  getChildren(path: string): ReadBatch {
    return this.add(path, () => operations.getChildren(this.ctx, path));
  }

  /** Sends the reads; resolves with one {@link ReadResult} per read, in order. */
  commit(options: SignalOptions = {}): Promise<ReadResult[]> {
    return this.sendAll<ReadResult>(OpCode.multiRead, (r, h, index) => {
      switch (h.type) {
        case -1: {
          const errno = r.int();
          return {
            type: "error",
            ok: false,
            error: new ZooKeeperError(errno, { op: "multiRead", path: this.pathOf(index), opIndex: index }),
          };
        }
        case OpCode.getData:
          return { type: "getData", ok: true, data: readData(r), stat: readStat(r) };
        case OpCode.getChildren:
          return { type: "getChildren", ok: true, children: readStringList(r, "child name") };
        default:
          throw new JuteDecodeError(`unexpected result type ${h.type} in a multiRead reply`);
      }
    }, options.signal);
  }
}
