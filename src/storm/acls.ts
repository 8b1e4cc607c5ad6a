/**
 * The ACLs Storm gives a topology's nodes (`ClusterUtils.mkTopoReadOnlyAcls` and
 * `mkTopoReadWriteAcls`, storm-research §7): with topology authentication configured, the
 * creator (nimbus) may do everything and the topology's own digest identity may read, or do
 * everything; without it there is no topology ACL and the node gets the state's default. Pure.
 */
import type { ACL } from "../jute/records.ts";
import { CREATOR_ALL_ACL, digestId, Perms } from "../protocol/acl.ts";

/**
 * A topology's own ZooKeeper credentials: Storm's `storm.zookeeper.topology.auth.scheme` and
 * `storm.zookeeper.topology.auth.payload` (`user:password`; Storm's submitter generates one).
 */
export interface TopologyAuth {
  readonly scheme: string;
  readonly payload: string;
}

function topologyAcls(auth: TopologyAuth | undefined, perms: number): readonly ACL[] | undefined {
  // Storm looks only at whether a scheme is set, and always grants by digest of the payload.
  if (auth === undefined || auth.scheme === "") return undefined;
  const colon = auth.payload.indexOf(":");
  if (colon < 0) throw new RangeError("a topology auth payload is user:password, and this one has no ':'");
  const id = digestId(auth.payload.slice(0, colon), auth.payload.slice(colon + 1));
  return Object.freeze([...CREATOR_ALL_ACL, { perms, id: { scheme: "digest", id } }]);
}

/**
 * Storm's `mkTopoReadOnlyAcls`: creator-all plus READ for the topology's digest, or undefined
 * without topology auth. Storm puts it on nimbus-owned topology records: assignment, storm base,
 * credentials, log config.
 */
export const topologyReadOnlyAcls = (auth?: TopologyAuth): readonly ACL[] | undefined => topologyAcls(auth, Perms.READ);

/**
 * Storm's `mkTopoReadWriteAcls`: creator-all plus ALL for the topology's digest, or undefined
 * without topology auth. Storm puts it on the directories the topology's workers write into:
 * `/workerbeats/<id>`, `/errors/<id>`, `/backpressure/<id>`.
 */
export const topologyReadWriteAcls = (auth?: TopologyAuth): readonly ACL[] | undefined => topologyAcls(auth, Perms.ALL);
