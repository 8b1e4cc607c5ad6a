/**
 * Instrumentation through `node:diagnostics_channel`, which Node, Deno and Bun all provide, so
 * APM agents and tests subscribe by name without a dependency on this package. With nobody
 * subscribed the client builds no context and publishes nothing.
 *
 * - `tracing:stormkeeper:request:{start,end,asyncStart,asyncEnd,error}` — a TracingChannel around
 *   every request; the context is {@link RequestContext}, given `result` or `error` when it settles.
 * - `stormkeeper:state` — every session-state change ({@link StateMessage}).
 * - `stormkeeper:watches` — each {@link WatchReport}.
 */
import dc from "node:diagnostics_channel";
import type { OpName } from "../protocol/opcodes.ts";
import type { StateEvent } from "./session-state.ts";

/** What a request's tracing events carry. */
export interface RequestContext {
  readonly op: OpName;
  /** The client path, when the request has one. */
  readonly path: string | undefined;
  /** The session the request was issued on (0n before the first handshake). */
  readonly sessionId: bigint;
  /** Set by the channel when the request resolves. */
  result?: unknown;
  /** Set by the channel when the request rejects. */
  error?: unknown;
}

/** What `stormkeeper:state` publishes. */
export interface StateMessage {
  readonly state: StateEvent;
  readonly sessionId: bigint;
}

export const requestChannel = dc.tracingChannel<unknown, RequestContext>("stormkeeper:request");
export const stateChannel = dc.channel("stormkeeper:state");
export const watchesChannel = dc.channel("stormkeeper:watches");

/** Whether anything listens to the request channel (Bun's TracingChannel lacks `hasSubscribers`). */
export function tracingRequests(): boolean {
  const c = requestChannel;
  return c.start.hasSubscribers || c.end.hasSubscribers || c.asyncStart.hasSubscribers || c.asyncEnd.hasSubscribers ||
    c.error.hasSubscribers;
}

/** Runs `send` as a traced request on `stormkeeper:request` (call only when {@link tracingRequests}). */
export function traceRequest<T>(context: RequestContext, send: () => Promise<T>): Promise<T> {
  return requestChannel.tracePromise(send, context) as Promise<T>;
}
