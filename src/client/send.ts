/**
 * One operation on its way: the request the session carries, the caller's signal, and the
 * promise the caller holds. The reply's code is checked once here: a decoder only ever sees a
 * success, and an operation's own `onError` decides what the other codes mean.
 */
import { badArguments, ZooKeeperError } from "../protocol/errors.ts";
import { type Operation, replyError } from "./operations.ts";
import type { Request } from "./request.ts";

/** True for an AbortSignal (from any realm: only its shape is checked). */
export function isAbortSignal(value: unknown): value is AbortSignal {
  return typeof value === "object" && value !== null && typeof (value as AbortSignal).addEventListener === "function" &&
    typeof (value as AbortSignal).aborted === "boolean";
}

/**
 * Hands `operation` to `submit` as a request and resolves with its decoded reply. An aborted
 * `signal` rejects at once with its reason; a reply after that is consumed without effect
 * except `onLateReply`, which undoes what the request left on the server. A bad signal throws.
 */
export function sendOperation<T>(
  submit: (request: Request) => void,
  operation: Operation<T>,
  signal: AbortSignal | undefined,
  onLateReply: ((err: number) => void) | undefined,
): Promise<T> {
  const { op, opcode, path, encode } = operation;
  if (signal !== undefined) {
    if (!isAbortSignal(signal)) throw badArguments("signal must be an AbortSignal", op, path);
    if (signal.aborted) return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    let release: (() => void) | undefined; // removes the abort listener, when there is one
    const request: Request = {
      op,
      opcode,
      path,
      encode,
      xid: 0,
      abandoned: false,
      complete(err, r) {
        // An abandoned read registers no watch: decoding is where watches are registered.
        // A request with lasting effects on the server gets to undo them (onLateReply).
        if (request.abandoned) {
          onLateReply?.(err);
          return;
        }
        release?.();
        let value: T;
        try {
          if (err === 0) value = operation.decode(r);
          else if (operation.onError !== undefined) value = operation.onError(err);
          else throw replyError(err, op, path);
        } catch (error) {
          if (error instanceof ZooKeeperError) {
            reject(error);
            return;
          }
          throw error;
        }
        resolve(value);
      },
      fail(error) {
        release?.();
        reject(error);
      },
    };
    if (signal !== undefined) {
      const abandon = () => {
        request.abandoned = true;
        reject(signal.reason);
      };
      signal.addEventListener("abort", abandon, { once: true });
      release = () => signal.removeEventListener("abort", abandon);
    }
    submit(request);
  });
}
