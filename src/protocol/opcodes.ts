/** ZooKeeper request opcodes (`ZooDefs.OpCode`, protocol reference §5). */
export const OpCode = {
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  getACL: 6,
  setACL: 7,
  getChildren: 8,
  sync: 9,
  ping: 11,
  getChildren2: 12,
  check: 13,
  multi: 14,
  create2: 15,
  reconfig: 16,
  checkWatches: 17,
  removeWatches: 18,
  createContainer: 19,
  deleteContainer: 20,
  createTTL: 21,
  multiRead: 22,
  auth: 100,
  setWatches: 101,
  sasl: 102,
  getEphemerals: 103,
  getAllChildrenNumber: 104,
  setWatches2: 105,
  addWatch: 106,
  whoAmI: 107,
  closeSession: -11,
  error: -1,
} as const;

/** The name of an operation, as carried by errors (`"getData"`, `"multi"`, …). */
export type OpName = keyof typeof OpCode;

/** Operations that change the tree or the ensemble: a lost reply leaves their outcome unknown. */
export const WRITE_OPS: ReadonlySet<OpName> = new Set<OpName>([
  "create",
  "create2",
  "createContainer",
  "createTTL",
  "delete",
  "deleteContainer",
  "setData",
  "setACL",
  "multi",
  "reconfig",
]);

/** Special xids (§4.2): never taken from the counter. */
export const Xid = {
  notification: -1,
  ping: -2,
  auth: -4,
} as const;
