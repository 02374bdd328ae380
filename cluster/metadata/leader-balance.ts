import { NONE, type NodeId } from '../../raft';

/**
 * The first replica, or with `alive` given, the first live replica (NONE if none is alive): each
 * leader hands its partitions to this one (cluster/node/leadership-balancer.ts).
 */
export function preferredLeader(replicas: readonly NodeId[], alive?: ReadonlySet<NodeId>): NodeId {
  if (alive === undefined) return replicas.length > 0 ? replicas[0] : NONE;
  return replicas.find((r) => alive.has(r)) ?? NONE;
}

/** A partition as one node sees it, for planLeadershipMoves. */
export interface LeadershipView {
  readonly group: number;
  /** replicas[0] is the preferred leader. */
  readonly replicas: readonly NodeId[];
  /** Its leader as this node knows it; NONE if it knows none. */
  readonly leader: NodeId;
  /** Of a partition this node leads: its replicas in sync (this node included). */
  readonly inSync?: readonly NodeId[];
}

/**
 * Where the partitions `self` leads should go, by group (those to keep are absent). Two rules:
 *
 *   1. Preferred leader: a partition whose first replica is another node, in sync, goes back to
 *      it (a node that returns gets its leaderships back, restoring the assignment's spread).
 *   2. Spread: a partition whose preferred leader is not in sync (down, or behind) stays with
 *      whichever replica won its election, which may pile leaderships on one node (all of a dead
 *      node's partitions on the next replica, say). While `self` leads more than its fair share,
 *      ceil(partitions / live nodes hosting them), it hands such a partition to the in-sync
 *      replica leading fewest, provided that one is below the fair share and leads at least two
 *      fewer than `self` (ties: replica order).
 *
 * No flapping: rule 2 moves a leadership only from a node leading at least two more than the
 * receiver, so after the move the receiver leads at most as many as the giver did and never
 * qualifies to move it back; it never moves a partition rule 1 would move (rule 1 wants the
 * preferred leader, which rule 2 only considers when that one is not in sync, and then it is not
 * a candidate). The counts are of the partitions in `view` (the caller's own: see
 * cluster/node/leadership-balancer.ts), updated as moves are planned, so one round does not
 * overshoot. Pure: the same view gives the same plan.
 */
export function planLeadershipMoves(self: NodeId, view: readonly LeadershipView[], alive: ReadonlySet<NodeId>): Map<number, NodeId> {
  const leads = new Map<NodeId, number>();
  const hosts = new Set<NodeId>();
  for (const p of view) {
    if (p.leader !== NONE) leads.set(p.leader, (leads.get(p.leader) ?? 0) + 1);
    for (const r of p.replicas) if (alive.has(r)) hosts.add(r);
  }
  const count = (n: NodeId) => leads.get(n) ?? 0;
  const move = (to: NodeId) => {
    leads.set(self, count(self) - 1);
    leads.set(to, count(to) + 1);
  };
  const fair = hosts.size === 0 ? Infinity : Math.ceil(view.length / hosts.size);
  const moves = new Map<number, NodeId>();
  for (const p of [...view].sort((a, b) => a.group - b.group)) {
    if (p.leader !== self || p.replicas.length === 0) continue;
    const inSync = new Set(p.inSync ?? []);
    const preferred = p.replicas[0];
    if (preferred === self) continue;
    if (inSync.has(preferred)) {
      moves.set(p.group, preferred);
      move(preferred);
      continue;
    }
    if (count(self) <= fair) continue;
    let best: NodeId = NONE;
    for (const r of p.replicas) {
      if (r === self || !inSync.has(r) || !alive.has(r)) continue;
      if (count(r) >= fair || count(r) > count(self) - 2) continue;
      if (best === NONE || count(r) < count(best)) best = r;
    }
    if (best !== NONE) {
      moves.set(p.group, best);
      move(best);
    }
  }
  return moves;
}
