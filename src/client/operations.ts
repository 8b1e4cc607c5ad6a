/**
 * The table of operations (protocol reference §7): for each, its name and opcode, the checks of
 * its arguments (all before anything is sent), how its request is written and how a successful
 * reply is read. The client sends what these build; `multi` takes their names, opcodes, checks
 * and encodings for the operations it batches.
 */
import type { JuteReader } from "../jute/reader.ts";
import {
  type ACL,
  type ClientInfo,
  readACLList,
  readClientInfoList,
  readData,
  readPath,
  readStat,
  readStringList,
  type Stat,
  writeCreateRequest,
  writePathIntRequest,
  writePathRequest,
  writePathWatchRequest,
  writeReconfigRequest,
  writeSetACLRequest,
  writeSetDataRequest,
} from "../jute/records.ts";
import type { JuteWriter } from "../jute/writer.ts";
import { type CreateMode, createWire } from "../protocol/create-mode.ts";
import { badArguments, ErrorCode, ZooKeeperError } from "../protocol/errors.ts";
import type { Watcher } from "../protocol/events.ts";
import { OpCode, type OpName } from "../protocol/opcodes.ts";
import { type Chroot, createTarget, deleteTarget, validatePath } from "../protocol/paths.ts";
import { CONFIG_NODE, type ConfigResult, readConfigResult, type ReconfigChange, validReconfig } from "./ensemble.ts";
import type { SignalOptions } from "./request.ts";
import { validACL, validData, validVersion } from "./validate.ts";
import { type WatcherType, WatcherTypeCode, type WatchKind } from "./watch-tables.ts";

/** A read's watch: `true` for the default watcher, or a callback that fires once. */
export type WatchOption = boolean | Watcher;

/** Options of {@link ZooKeeperClient.create}. */
export interface CreateOptions extends SignalOptions {
  /** Default `"persistent"`. */
  readonly mode?: CreateMode;
  /** Default {@link OPEN_ACL_UNSAFE}. */
  readonly acl?: readonly ACL[];
  /** Time to live in ms, for the `*-ttl` modes only (the server needs `extendedTypesEnabled`). */
  readonly ttl?: number | bigint;
}

/** Options carrying an expected version (-1, the default, matches any version). */
export interface VersionOptions extends SignalOptions {
  readonly version?: number;
}

/** Options of reads that can leave a watch. */
export interface WatchOptions extends SignalOptions {
  readonly watch?: WatchOption;
}

/** Mode of {@link ZooKeeperClient.addWatch}. */
export type AddWatchMode = "persistent" | "persistent-recursive";

/**
 * One request, checked and ready to send: what it is, its client path (for errors), how to
 * write it and how to read a successful reply.
 */
export interface Operation<T> {
  readonly op: OpName;
  readonly opcode: number;
  readonly path: string | undefined;
  /** Writes the request record after the header (absent for header-only requests). */
  readonly encode: ((w: JuteWriter) => void) | undefined;
  /** Reads the reply body of a success (err 0). Runs synchronously in frame order. */
  readonly decode: (reader: JuteReader) => T;
  /**
   * The result of a reply with a non-zero code, or the error it throws. Absent: every non-zero
   * code is a {@link ZooKeeperError} for this operation and path ({@link replyError}).
   */
  readonly onError?: (err: number) => T;
}

/** The error of a non-zero reply code for `op` on `path`. */
export function replyError(err: number, op: OpName, path: string | undefined): ZooKeeperError {
  return new ZooKeeperError(err, { op, path });
}

/** What every operation needs from the client. */
export interface OperationContext {
  readonly chroot: Chroot;
  readonly maxFrameSize: number;
}

/** What the reads that can leave a watch need besides. */
export interface WatchContext extends OperationContext {
  /** The watcher a `watch` option stands for (undefined for none); throws on a bad option. */
  watcher(watch: WatchOption | undefined, op: OpName, path: string): Watcher | undefined;
  /** Registers `watcher`, when there is one, for a read that succeeded. */
  register(kind: WatchKind, serverPath: string, watcher: Watcher | undefined): void;
}

const nothing = (): void => {};

/**
 * A read of `path` that may leave a watch (exists, getData, getChildren2): the watch goes to
 * the `kind` table once the reply has been read.
 */
function watchedRead<T>(
  ctx: WatchContext,
  op: "exists" | "getData" | "getChildren2",
  path: string,
  watch: WatchOption | undefined,
  kind: WatchKind,
  read: (r: JuteReader) => T,
) {
  validatePath(path, op);
  const watcher = ctx.watcher(watch, op, path);
  const serverPath = ctx.chroot.toServer(path);
  const operation: Operation<T> = {
    op,
    opcode: OpCode[op],
    path,
    encode: (w) => writePathWatchRequest(w, serverPath, watcher !== undefined),
    decode: (r) => {
      const value = read(r);
      ctx.register(kind, serverPath, watcher);
      return value;
    },
  };
  return { operation, watcher, serverPath };
}

/** A request that is just the checked path of a node (getACL, sync, getAllChildrenNumber). */
function pathRequest<T>(
  ctx: OperationContext,
  op: "getACL" | "sync" | "getAllChildrenNumber",
  path: string,
  decode: (r: JuteReader) => T,
): Operation<T> {
  validatePath(path, op);
  const serverPath = ctx.chroot.toServer(path);
  return { op, opcode: OpCode[op], path, encode: (w) => writePathRequest(w, serverPath), decode };
}

/** A request naming a node and the version it must have, with an empty reply: delete, and check. */
function versionRequest(op: "delete" | "check", path: string, serverPath: string, version: number): Operation<void> {
  return { op, opcode: OpCode[op], path, encode: (w) => writePathIntRequest(w, serverPath, version), decode: nothing };
}

/**
 * A write that replaces what a node holds, if its version matches: setData and setACL. Checks the
 * path, then the payload (`validPayload` throws for a bad one), then the version; the reply is the
 * node's new Stat.
 */
function replaceRequest<P>(
  ctx: OperationContext,
  op: "setData" | "setACL",
  path: string,
  validPayload: () => P,
  version: number | undefined,
  write: (w: JuteWriter, serverPath: string, payload: P, version: number) => void,
): Operation<Stat> {
  validatePath(path, op);
  const payload = validPayload();
  const checkedVersion = validVersion(version, op, path);
  const serverPath = ctx.chroot.toServer(path);
  return {
    op,
    opcode: OpCode[op],
    path,
    encode: (w) => write(w, serverPath, payload, checkedVersion),
    decode: readStat,
  };
}

/** The operations, by name. Each builder checks its arguments in the order the client documents. */
export const operations = {
  create(
    ctx: OperationContext,
    path: string,
    data: Uint8Array | undefined,
    options: Omit<CreateOptions, "signal">,
  ): Operation<{ path: string; stat: Stat }> {
    const wire = createWire(options.mode ?? "persistent", options.ttl, path);
    validatePath(path, "create", wire.sequential);
    const bytes = validData(data, "create", path, ctx.maxFrameSize);
    const acl = validACL(options.acl, "create", path);
    const serverPath = createTarget(ctx.chroot, path, wire.sequential);
    return {
      op: "create",
      opcode: wire.opcode,
      path,
      encode: (w) => writeCreateRequest(w, serverPath, bytes, acl, wire.flags, wire.ttl),
      decode: (r) => ({ path: ctx.chroot.toClient(readPath(r)), stat: readStat(r) }),
    };
  },

  delete(ctx: OperationContext, path: string, options: Omit<VersionOptions, "signal">): Operation<void> {
    validatePath(path, "delete");
    const version = validVersion(options.version, "delete", path);
    return versionRequest("delete", path, deleteTarget(ctx.chroot, path), version);
  },

  /** A version assertion (only inside a transaction). */
  check(ctx: OperationContext, path: string, version: number): Operation<void> {
    validatePath(path, "check");
    validVersion(version, "check", path);
    return versionRequest("check", path, ctx.chroot.toServer(path), version);
  },

  /** The Stat, or null for a missing node; the watch is left either way (on the exist table then). */
  exists(ctx: WatchContext, path: string, options: Omit<WatchOptions, "signal">): Operation<Stat | null> {
    const { operation, watcher, serverPath } = watchedRead<Stat | null>(
      ctx,
      "exists",
      path,
      options.watch,
      "data",
      readStat,
    );
    return {
      ...operation,
      onError: (err) => {
        if (err !== ErrorCode.NoNode) throw replyError(err, "exists", path);
        ctx.register("exist", serverPath, watcher);
        return null;
      },
    };
  },

  getData(
    ctx: WatchContext,
    path: string,
    options: Omit<WatchOptions, "signal">,
  ): Operation<{ data: Uint8Array; stat: Stat }> {
    return watchedRead(ctx, "getData", path, options.watch, "data", (r) => ({ data: readData(r), stat: readStat(r) }))
      .operation;
  },

  setData(
    ctx: OperationContext,
    path: string,
    data: Uint8Array,
    options: Omit<VersionOptions, "signal">,
  ): Operation<Stat> {
    // Data is required (absent data is not "empty").
    const bytes = () => validData(data ?? null, "setData", path, ctx.maxFrameSize);
    return replaceRequest(ctx, "setData", path, bytes, options.version, writeSetDataRequest);
  },

  /** getData of the configuration node, outside every chroot (§7.12). */
  getConfig(ctx: WatchContext, options: Omit<WatchOptions, "signal">): Operation<ConfigResult> {
    const watcher = ctx.watcher(options.watch, "getData", CONFIG_NODE);
    return {
      op: "getData",
      opcode: OpCode.getData,
      path: CONFIG_NODE,
      encode: (w) => writePathWatchRequest(w, CONFIG_NODE, watcher !== undefined),
      decode: (r) => {
        const result = readConfigResult(r, "getData");
        ctx.register("data", CONFIG_NODE, watcher);
        return result;
      },
    };
  },

  reconfig(change: ReconfigChange): Operation<ConfigResult> {
    const { joining, leaving, members } = validReconfig(change);
    const fromConfig = change.fromConfig ?? -1n;
    if (typeof fromConfig !== "bigint") {
      throw badArguments("fromConfig must be a bigint (a configuration version)", "reconfig");
    }
    return {
      op: "reconfig",
      opcode: OpCode.reconfig,
      path: undefined,
      encode: (w) => writeReconfigRequest(w, joining, leaving, members, fromConfig),
      decode: (r) => readConfigResult(r, "reconfig"),
    };
  },

  getChildren2(
    ctx: WatchContext,
    path: string,
    options: Omit<WatchOptions, "signal">,
  ): Operation<{ children: string[]; stat: Stat }> {
    return watchedRead(
      ctx,
      "getChildren2",
      path,
      options.watch,
      "child",
      (r) => ({ children: readStringList(r, "child name"), stat: readStat(r) }),
    ).operation;
  },

  /** The children without a Stat and without a watch (only inside a multiRead). */
  getChildren(ctx: OperationContext, path: string): Operation<string[]> {
    validatePath(path, "getChildren");
    const serverPath = ctx.chroot.toServer(path);
    return {
      op: "getChildren",
      opcode: OpCode.getChildren,
      path,
      encode: (w) => writePathWatchRequest(w, serverPath, false),
      decode: (r) => readStringList(r, "child name"),
    };
  },

  getACL(ctx: OperationContext, path: string): Operation<{ acl: ACL[]; stat: Stat }> {
    return pathRequest(ctx, "getACL", path, (r) => ({ acl: readACLList(r), stat: readStat(r) }));
  },

  setACL(
    ctx: OperationContext,
    path: string,
    acl: readonly ACL[],
    options: Omit<VersionOptions, "signal">,
  ): Operation<Stat> {
    const list = () => validACL(acl, "setACL", path);
    return replaceRequest(ctx, "setACL", path, list, options.version, writeSetACLRequest);
  },

  sync(ctx: OperationContext, path: string): Operation<void> {
    return pathRequest(ctx, "sync", path, nothing);
  },

  /** `prefix` is a plain string prefix, joined as text: "/" under chroot "/app" is "/app/". */
  getEphemerals(ctx: OperationContext, prefix: string): Operation<string[]> {
    if (typeof prefix !== "string" || !prefix.startsWith("/")) {
      throw badArguments("prefix must start with /", "getEphemerals");
    }
    const chroot = ctx.chroot;
    const serverPrefix = chroot.prefix + prefix;
    return {
      op: "getEphemerals",
      opcode: OpCode.getEphemerals,
      path: prefix,
      encode: (w) => writePathRequest(w, serverPrefix),
      decode: (r) => readStringList(r, "ephemeral path").map((p) => chroot.toClient(p)),
    };
  },

  getAllChildrenNumber(ctx: OperationContext, path: string): Operation<number> {
    return pathRequest(ctx, "getAllChildrenNumber", path, (r) => r.int());
  },

  whoAmI(): Operation<ClientInfo[]> {
    return { op: "whoAmI", opcode: OpCode.whoAmI, path: undefined, encode: undefined, decode: readClientInfoList };
  },

  /**
   * A persistent watch on `serverPath` (checked by the caller). A missing node is no error: the
   * watch waits for it. `registered` runs on success.
   */
  addWatch(path: string, serverPath: string, mode: AddWatchMode, registered: () => void): Operation<void> {
    return {
      op: "addWatch",
      opcode: OpCode.addWatch,
      path,
      encode: (w) => writePathIntRequest(w, serverPath, mode === "persistent" ? 0 : 1),
      decode: registered,
      onError: (err) => {
        if (err !== ErrorCode.NoNode) throw replyError(err, "addWatch", path);
        registered();
      },
    };
  },

  /** Removes the server's watch of `type` on `serverPath` (checked by the caller). */
  removeWatches(path: string, serverPath: string, type: WatcherType): Operation<void> {
    return {
      op: "removeWatches",
      opcode: OpCode.removeWatches,
      path,
      encode: (w) => writePathIntRequest(w, serverPath, WatcherTypeCode[type]),
      decode: nothing,
    };
  },
} as const;
