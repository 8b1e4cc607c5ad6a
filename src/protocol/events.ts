/** Watch event types (`Watcher.Event.EventType`, protocol reference §9.2). */
export const EventType = {
  None: -1,
  NodeCreated: 1,
  NodeDeleted: 2,
  NodeDataChanged: 3,
  NodeChildrenChanged: 4,
  DataWatchRemoved: 5,
  ChildWatchRemoved: 6,
  PersistentWatchRemoved: 7,
} as const;

/** An event type name: `"NodeCreated"`, `"NodeDeleted"`, … (`"None"` for session-state events). */
export type EventTypeName = keyof typeof EventType;

/** Keeper states carried by events (`Watcher.Event.KeeperState`, §9.2). */
export const KeeperState = {
  Disconnected: 0,
  SyncConnected: 3,
  AuthFailed: 4,
  ConnectedReadOnly: 5,
  SaslAuthenticated: 6,
  Expired: -112,
  Closed: 7,
} as const;

/** A keeper state name, e.g. `"SyncConnected"`. */
export type KeeperStateName = keyof typeof KeeperState;

const typeNames = new Map<number, EventTypeName>(
  Object.entries(EventType).map(([n, v]) => [v, n as EventTypeName]),
);
const stateNames = new Map<number, KeeperStateName>(
  Object.entries(KeeperState).map(([n, v]) => [v, n as KeeperStateName]),
);

/** The name of a wire event type, or undefined for a number the protocol does not define. */
export function eventTypeName(type: number): EventTypeName | undefined {
  return typeNames.get(type);
}

/** The name of a wire keeper state, or undefined for an unknown number. */
export function keeperStateName(state: number): KeeperStateName | undefined {
  return stateNames.get(state);
}

/**
 * What a watcher receives: a node event (`path` set) or a session-state change
 * (`type` `"None"`, `path` null).
 */
export interface WatchedEvent {
  readonly type: EventTypeName;
  readonly state: KeeperStateName;
  /** Client path (chroot stripped); null for session-state events. */
  readonly path: string | null;
}

/** A watch callback. */
export type Watcher = (event: WatchedEvent) => void;
