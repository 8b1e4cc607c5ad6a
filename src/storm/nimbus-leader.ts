/**
 * Storm's nimbus election: each nimbus runs Curator's `LeaderLatch` at `<storm root>/leader-lock`
 * with its `host:port` (`NimbusInfo.toHostPortString()`) as the participant id, so the leader
 * is the latch node that sorts first and its data names the host and port.
 * @module
 */
import type { ZooKeeperClient } from "../zookeeper.ts";
import { LeaderLatch, readParticipants } from "../recipes/leader-latch.ts";

/** Where Storm's nimbuses hold their election, relative to the Storm root. */
export const LEADER_LOCK_PATH = "/leader-lock";

/** A nimbus's address as its participant id names it. */
export interface NimbusAddress {
  readonly host: string;
  readonly port: number;
}

/** `host:port` → address; undefined when the id is not of that form (the last `:` splits it). */
export function parseNimbusId(id: string): NimbusAddress | undefined {
  const at = id.lastIndexOf(":");
  const host = id.slice(0, at);
  const portText = id.slice(at + 1);
  if (at <= 0 || !/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  return port <= 65_535 ? { host, port } : undefined;
}

/** The elected nimbus, read from the latch's first node; undefined with no (well-formed) leader. */
export async function readNimbusLeader(client: ZooKeeperClient): Promise<NimbusAddress | undefined> {
  const [leader] = await readParticipants(client, LEADER_LOCK_PATH, 1);
  return leader === undefined ? undefined : parseNimbusId(leader.id);
}

/** Joins the election as the nimbus `id` (`host:port`) would; the latch is started. */
export async function joinNimbusElection(client: ZooKeeperClient, id: string): Promise<LeaderLatch> {
  const latch = new LeaderLatch(client, LEADER_LOCK_PATH, id);
  await latch.start();
  return latch;
}
