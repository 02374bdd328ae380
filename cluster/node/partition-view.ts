import type { NodeId } from '../../raft';
import type { GroupState } from '../../proto/load';

/**
 * The best of what the answering node knows of one partition group: its own replica's state and
 * the GroupStatus answers of the other replicas it could ask. A replica that leads wins (the
 * highest term if two claim it: the older one is deposed and does not know yet); else the view
 * naming a leader in the highest term (a follower's belief, so the client can go there); else any
 * view (offsets, with leader 0). Undefined when nobody answered.
 */
export function bestGroupState(views: readonly GroupState[]): GroupState | undefined {
  let best: GroupState | undefined;
  const rank = (s: GroupState) => (s.isLeader ? 2 : s.leader !== 0 ? 1 : 0);
  for (const v of views) {
    if (!best || rank(v) > rank(best) || (rank(v) === rank(best) && v.term > best.term)) best = v;
  }
  return best;
}

/**
 * PartitionDescription.leaderUnreachable: no leader is known only because the answering node
 * cannot reach a quorum of the partition's replicas (itself counts if it holds one), so a leader
 * may well exist on the other side. With a quorum in reach and still no leader, the partition
 * really has none (an election is under way, or too many replicas are down).
 */
export function leaderUnreachable(leader: NodeId, replicas: readonly NodeId[], reachable: (id: NodeId) => boolean): boolean {
  if (leader !== 0 || replicas.length === 0) return false;
  const inReach = replicas.filter(reachable).length;
  return inReach < Math.floor(replicas.length / 2) + 1;
}
