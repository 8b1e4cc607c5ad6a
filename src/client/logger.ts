/** The client's logging hook: its type and the guard that keeps a broken hook from crashing the client. */

/** Log levels of the {@link Logger} hook. */
export type LogSeverity = "debug" | "info" | "warn" | "error";

/** An optional logging hook; the client never writes to the console itself. */
export type Logger = (level: LogSeverity, message: string, fields?: Readonly<Record<string, unknown>>) => void;

/**
 * The user's logging hook, made unable to throw: it is called from socket handlers and timers,
 * where an exception would escape the client and crash the process.
 */
export function quietLogger(logger: Logger | undefined): Logger {
  if (logger === undefined) return () => {};
  return (level, message, fields) => {
    try {
      logger(level, message, fields);
    } catch {
      // A broken logging hook loses the line, nothing else.
    }
  };
}
