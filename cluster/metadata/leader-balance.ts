import { NONE, type NodeId } from '../../raft';

/** What leadership balancing needs of a partition (PartitionInfo has these fields). */
export interface ReplicaPlacement {
  readonly groupId: number;
  /** replicas[0] is the preferred leader. */
  readonly replicas: readonly NodeId[];
}

/** Ask `from`, the group's current leader, to hand leadership to `to` (RaftNode.transferLeadership). */
export interface LeadershipTransfer {
  readonly groupId: number;
  readonly from: NodeId;
  readonly to: NodeId;
}

/** The first replica, or with `alive` given, the first live replica (NONE if none is alive). */
export function preferredLeader(replicas: readonly NodeId[], alive?: ReadonlySet<NodeId>): NodeId {
  if (alive === undefined) return replicas.length > 0 ? replicas[0] : NONE;
  return replicas.find((r) => alive.has(r)) ?? NONE;
}

/**
 * Which leaderships to move so that leadership is spread over the live nodes again, as Kafka's
 * preferred-leader election: after a node comes back, it leads its partitions again.
 *
 *   - A partition whose preferred leader is alive should be led by it. The assignment spreads
 *     preferred leaders evenly, so once every node is back this restores the even spread.
 *   - A partition whose preferred leader is down keeps its current leader if that is a replica,
 *     unless a live replica has at least 2 fewer leaderships: then it moves there (repeated until
 *     no such move is left, so leadership is spread over the survivors too).
 *   - Only partitions whose current leader is known and alive take part (a transfer must be asked
 *     of the leader; a partition without one is electing and is looked at next time).
 *
 * Applying the transfers returned and calling again with the new leaders returns none: one
 * round converges. Deterministic: partitions are visited in group id order.
 */
export function planLeadershipTransfers(
  partitions: readonly ReplicaPlacement[],
  leaders: ReadonlyMap<number, NodeId>,
  alive: ReadonlySet<NodeId>,
): LeadershipTransfer[] {
  interface Slot {
    readonly groupId: number;
    readonly current: NodeId;
    readonly candidates: readonly NodeId[];
    readonly pinned: boolean;
    target: NodeId;
  }
  const slots: Slot[] = [];
  const load = new Map<NodeId, number>();
  const add = (node: NodeId, d: number) => load.set(node, (load.get(node) ?? 0) + d);
  for (const p of [...partitions].sort((a, b) => a.groupId - b.groupId)) {
    const current = leaders.get(p.groupId) ?? NONE;
    const candidates = p.replicas.filter((r) => alive.has(r));
    if (current === NONE || !alive.has(current) || candidates.length === 0) continue;
    const pinned = alive.has(p.replicas[0]);
    const target = pinned ? p.replicas[0] : candidates.includes(current) ? current : candidates[0];
    slots.push({ groupId: p.groupId, current, candidates, pinned, target });
    add(target, 1);
  }

  // Each move lowers the sum of squared loads, so this ends.
  for (let moved = true; moved; ) {
    moved = false;
    for (const s of slots) {
      if (s.pinned) continue;
      let best = s.target;
      for (const c of s.candidates) if ((load.get(c) ?? 0) < (load.get(best) ?? 0)) best = c;
      if ((load.get(best) ?? 0) + 1 < (load.get(s.target) ?? 0)) {
        add(s.target, -1);
        add(best, 1);
        s.target = best;
        moved = true;
      }
    }
  }
  return slots.filter((s) => s.target !== s.current).map((s) => ({ groupId: s.groupId, from: s.current, to: s.target }));
}
