/**
 * An election's participants as Curator reports them (`LeaderLatch` and `LeaderSelector` alike):
 * each contender's node holds its id as UTF-8, and the first node in election order leads.
 * @module
 */
import { isZooKeeperError } from "./protected-create.ts";
import type { RecipeClient } from "./recipe-client.ts";

/** An election participant: its id (the node's data) and whether it leads. */
export interface Participant {
  readonly id: string;
  readonly isLeader: boolean;
}

const decoder = new TextDecoder();

/**
 * The participants behind `nodes` (full paths, in election order), at most `limit`. A node that
 * vanishes while being read is skipped, and the first one still there is the leader.
 */
export async function participantsOf(
  zk: Pick<RecipeClient, "getData">,
  nodes: readonly string[],
  limit = Infinity,
): Promise<Participant[]> {
  const participants: Participant[] = [];
  for (const node of nodes) {
    if (participants.length >= limit) break;
    try {
      const { data } = await zk.getData(node);
      participants.push({ id: decoder.decode(data), isLeader: participants.length === 0 });
    } catch (error) {
      if (!isZooKeeperError(error, "NoNode")) throw error;
    }
  }
  return participants;
}
