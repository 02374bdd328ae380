import type { PartitionDescription, TopicDescription } from '../../proto/load';

/**
 * Merging several brokers' answers to DescribeTopic into the one view a client routes by. One
 * node's "no leader" is not the truth: a node cut off from a partition's replicas answers leader
 * 0 (leaderUnreachable) while the others know the leader, and a node cut off from the cluster may
 * still name itself leader after the others elected a new one in a higher term.
 */

/** Whether a partition's description names a leader. */
export function namesLeader(p: PartitionDescription): boolean {
  return p.leader !== 0;
}

/**
 * Per partition, the most credible answer: one that names a leader beats one that does not; a
 * leader the client has not just failed to reach beats a suspect one; then the higher
 * leaderEpoch (a later Raft term) wins; ties go to the earlier answer. The topic's shape
 * (partitions, config) is the first answer's; answers about another incarnation of the topic
 * (another id: deleted and created again) are ignored.
 */
export function mergeDescriptions(
  answers: readonly TopicDescription[],
  suspectLeader: (p: PartitionDescription) => boolean = () => false,
): TopicDescription {
  if (answers.length === 0) throw new RangeError('mergeDescriptions needs at least one answer');
  const [first, ...others] = answers;
  const partitions = first.partitions.map((p) => {
    let best = p;
    for (const other of others) {
      if (other.id !== first.id) continue;
      const q = other.partitions.find((x) => x.partition === p.partition);
      if (q && rank(q, suspectLeader) > rank(best, suspectLeader)) best = q;
    }
    return { ...best };
  });
  return { ...first, partitions };
}

/** Ordered key of an answer's credibility: names a leader, leader not suspect, leader epoch. */
function rank(p: PartitionDescription, suspectLeader: (p: PartitionDescription) => boolean): number {
  if (!namesLeader(p)) return -1;
  // leaderEpoch is a Raft term: far below 2^52, so the flag fits above it exactly.
  return (suspectLeader(p) ? 0 : 2 ** 52) + p.leaderEpoch;
}

/** Partitions a client should not take one broker's word for: no leader, or a leader it could not reach. */
export function doubtful(description: TopicDescription, suspectLeader: (p: PartitionDescription) => boolean): PartitionDescription[] {
  return description.partitions.filter((p) => !namesLeader(p) || suspectLeader(p));
}
