/** Why a recipe operation failed, beyond the ZooKeeper error that may lie underneath. */
export type RecipeErrorCode =
  /** The recipe was closed (or never started) when the call was made. */
  | "CLOSED"
  /** The session ended (expired or LOST): everything the recipe held is released. */
  | "SESSION_LOST"
  /** A wait ended by its timeout before the recipe got what it waited for. */
  | "TIMEOUT"
  /** A wait ended by its AbortSignal. */
  | "ABORTED"
  /** A node's data is not what the recipe writes (another program's node, or corruption). */
  | "CORRUPT_VALUE"
  /** A call that is not allowed in the recipe's current state (e.g. release without holding). */
  | "ILLEGAL_STATE";

/** A recipe failure with a code a caller can branch on; `cause` holds the underlying error. */
export class RecipeError extends Error {
  override readonly name = "RecipeError";
  readonly code: RecipeErrorCode;
  /** The recipe's path, where there is one. */
  readonly path: string | undefined;

  constructor(code: RecipeErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
  }
}
