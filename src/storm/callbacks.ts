/**
 * Watch-callback routing of the Storm layer (Storm 2.x `StormClusterStateImpl`'s router,
 * storm-research §2.4): an event path is tokenized and mapped to the callback slots it fires.
 * Callbacks are one-shot: a slot is cleared, then its callback runs.
 */
import { tokenizePath } from "./paths.ts";

/** Re-exported for callers that route events themselves. */
export { tokenizePath };

/** Slots holding a single callback. */
export type SingleSlotKind = "assignments" | "supervisors" | "blobstore" | "leader";

/** Slots holding one callback per topology id. */
export type TopologySlotKind =
  | "assignmentInfo"
  | "assignmentVersion"
  | "assignmentInfoWithVersion"
  | "stormBase"
  | "credentials"
  | "logConfig"
  | "backpressure";

/** Where a callback waits for its event. */
export type CallbackSlot =
  | { readonly kind: SingleSlotKind }
  | { readonly kind: TopologySlotKind; readonly id: string };

/** A one-shot callback; it learns nothing but that its data changed (re-read to see how). */
export type StormCallback = () => void;

const perTopology: Readonly<Record<string, TopologySlotKind>> = {
  storms: "stormBase",
  credentials: "credentials",
  logconfigs: "logConfig",
  backpressure: "backpressure",
};

/**
 * The slots an event on `path` fires, in Storm's order; `[]` for an empty path; `undefined` for
 * a path outside every routed subtree (Storm exits the process there; we report it).
 */
export function routeEvent(path: string): CallbackSlot[] | undefined {
  const [first, id] = tokenizePath(path);
  if (first === undefined) return [];
  switch (first) {
    case "assignments":
      return id === undefined ? [{ kind: "assignments" }] : [
        { kind: "assignmentInfo", id },
        { kind: "assignmentVersion", id },
        { kind: "assignmentInfoWithVersion", id },
      ];
    case "supervisors":
      return [{ kind: "supervisors" }];
    case "blobstore":
      return [{ kind: "blobstore" }];
    case "leader-info":
      return [{ kind: "leader" }];
  }
  const kind = Object.hasOwn(perTopology, first) ? perTopology[first] : undefined;
  if (kind === undefined || id === undefined) return undefined;
  return [{ kind, id }];
}

function slotKey(slot: CallbackSlot): string {
  return "id" in slot ? `${slot.kind}/${slot.id}` : slot.kind;
}

/** The callbacks waiting in their slots. */
export interface CallbackSlots {
  /** Stores `callback` in `slot`, replacing an earlier one (the last registration wins). */
  set(slot: CallbackSlot, callback: StormCallback): void;
  /** Removes and returns the callback of `slot`. */
  take(slot: CallbackSlot): StormCallback | undefined;
  /** Number of armed slots. */
  readonly size: number;
}

/** An empty set of slots. */
export function createCallbackSlots(): CallbackSlots {
  const slots = new Map<string, StormCallback>();
  return {
    set: (slot, callback) => void slots.set(slotKey(slot), callback),
    take(slot) {
      const key = slotKey(slot);
      const callback = slots.get(key);
      slots.delete(key);
      return callback;
    },
    get size() {
      return slots.size;
    },
  };
}

/** An event under a subtree no callback is routed for. */
export class UnroutedEventError extends Error {
  override readonly name = "UnroutedEventError";
  constructor(readonly path: string, readonly eventType: string) {
    super(`watch event ${eventType} on ${path} is outside every routed subtree (Storm would exit the process)`);
  }
}

/**
 * Fires (once) the callbacks an event reaches. Unroutable events go to `onError`; a callback
 * that throws goes to `onError` too and does not stop the others.
 */
export function dispatchEvent(
  slots: CallbackSlots,
  eventType: string,
  path: string,
  onError: (error: unknown) => void,
): void {
  const route = routeEvent(path);
  if (route === undefined) {
    onError(new UnroutedEventError(path, eventType));
    return;
  }
  for (const slot of route) {
    const callback = slots.take(slot);
    if (callback === undefined) continue;
    try {
      callback();
    } catch (error) {
      onError(error);
    }
  }
}
