/**
 * The one error type the CLI shows its user: a single sentence, exit status 2 ("could not
 * look"). Anything else reaching the top is turned into one by {@link explain}.
 */
import { CorruptRecordError, ZooKeeperError } from "../../mod.ts";

/** A failure told to the operator as one sentence; `exitCode` is 2 unless stated. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(message: string, readonly exitCode = 2, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Where the CLI was looking, for the sentence explaining a failure. */
export interface Target {
  readonly zk: string;
  readonly root: string;
  readonly timeoutMs: number;
}

/** One sentence saying what went wrong and what to try, for any error a command let through. */
export function explain(error: unknown, target: Target): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof ZooKeeperError) {
    if (error.op === "connect" || error.code === "ConnectionLoss" || error.code === "OperationTimeout") {
      return new CliError(
        `could not reach ZooKeeper at ${target.zk} within ${target.timeoutMs} ms: check --zk (or ZK_CONNECT) and that the server is up`,
        2,
        { cause: error },
      );
    }
    if (error.code === "NoAuth") {
      return new CliError(
        `ZooKeeper refused access to ${
          error.path ?? target.root
        } (NoAuth): pass --auth digest:user:password or --storm-yaml with storm.zookeeper.auth.*`,
        2,
        { cause: error },
      );
    }
    if (error.code === "NoNode") {
      return new CliError(`there is no node ${error.path ?? "at that path"} on ZooKeeper ${target.zk}`, 2, {
        cause: error,
      });
    }
    if (error.code === "AuthFailed") {
      return new CliError(`ZooKeeper rejected the credentials given with --auth (AuthFailed)`, 2, { cause: error });
    }
    return new CliError(`ZooKeeper failed: ${error.message}`, 2, { cause: error });
  }
  if (error instanceof CorruptRecordError) {
    return new CliError(`${error.message} (run doctor to list every such record)`, 2, { cause: error });
  }
  if (error instanceof RangeError) return new CliError(`bad argument: ${error.message}`, 2, { cause: error });
  return new CliError(error instanceof Error ? error.message : String(error), 2, { cause: error });
}
