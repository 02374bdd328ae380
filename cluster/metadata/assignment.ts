import type { NodeId } from '../../raft';

/** How many replicas, and how many preferred leaderships (first replicas), a node holds. */
export interface NodeLoad {
  readonly node: NodeId;
  readonly replicas: number;
  readonly leaders: number;
}

/**
 * Chooses the replicas of each partition of a new topic; replicas[0] is the preferred leader.
 *
 * Load-aware round robin. Each partition goes to the nodes holding the fewest replicas, and is
 * led by the one of them holding the fewest leaderships; ties are broken in node order rotated by
 * `rotation` (the server passes the topic id), so that on an idle cluster topics start on
 * different nodes as in Kafka, and followers follow the leader in that rotated order.
 *
 * Guarantee: starting from an empty cluster (or any state where it holds), on a fixed set of nodes
 * and with no deletions or reassignments in between, the replica counts of the nodes stay within
 * 1 of each other, and so do their leader counts, whatever sequence of partition counts and
 * replication factors comes. Balancing either count alone is easy; both at once needs care in
 * the ties, because the leader must be one of the replicas. The invariant that makes it always
 * possible: **a node with fewer replicas never has more leaderships than a node with more
 * replicas**. From any state with both counts within 1 and this invariant, the rule below keeps
 * all three (checked exhaustively for up to 8 nodes and every replication factor in
 * assignment.test.ts):
 *   1. Replicas: take the nodes with fewer replicas than the k-th least loaded ("forced") and
 *      fill up from the tier at that count.
 *   2. Leader: among forced and tier, a node with the fewest leaderships, preferring the tier
 *      (the nodes with more replicas, per the invariant).
 *   3. The rest of the tier's places go to its nodes with the most leaderships (so that the
 *      nodes left behind with fewer replicas are not the ones with more leaderships).
 * Outside that (new nodes, deleted topics, reassignments) the rule still never widens the
 * spread of replica counts beyond max(spread, 1) and fills the emptiest nodes first.
 */
export function assignReplicas(
  loads: readonly NodeLoad[],
  partitions: number,
  replicationFactor: number,
  rotation: number,
): NodeId[][] {
  const n = loads.length;
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1 || replicationFactor > n) {
    throw new RangeError(`assignReplicas: replication factor ${replicationFactor} is not in 1..${n} (the number of nodes)`);
  }
  const replicas = loads.map((l) => l.replicas);
  const leaders = loads.map((l) => l.leaders);
  const start = ((rotation % n) + n) % n;
  const rank = (i: number) => (i - start + n) % n;
  const all = loads.map((_, i) => i);
  const out: NodeId[][] = [];
  for (let p = 0; p < partitions; p++) {
    const byReplicas = [...all].sort((a, b) => replicas[a] - replicas[b] || leaders[b] - leaders[a] || rank(a) - rank(b));
    const threshold = replicas[byReplicas[replicationFactor - 1]];
    const forced = all.filter((i) => replicas[i] < threshold);
    const tier = all.filter((i) => replicas[i] === threshold);
    const inTier = (i: number) => (replicas[i] === threshold ? 0 : 1);
    const leader = [...forced, ...tier].sort((a, b) => leaders[a] - leaders[b] || inTier(a) - inTier(b) || rank(a) - rank(b))[0];
    const fromTier = replicationFactor - forced.length - (inTier(leader) === 0 ? 1 : 0);
    const chosen = tier
      .filter((i) => i !== leader)
      .sort((a, b) => leaders[b] - leaders[a] || rank(a) - rank(b))
      .slice(0, fromTier);
    const followers = [...forced.filter((i) => i !== leader), ...chosen].sort((a, b) => (rank(a) - rank(leader) + n) % n - (rank(b) - rank(leader) + n) % n);
    const set = [leader, ...followers];
    for (const i of set) replicas[i]++;
    leaders[leader]++;
    out.push(set.map((i) => loads[i].node));
  }
  return out;
}
