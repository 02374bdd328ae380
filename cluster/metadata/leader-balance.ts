import { NONE, type NodeId } from '../../raft';

/**
 * The first replica, or with `alive` given, the first live replica (NONE if none is alive): each
 * leader hands its partitions to this one (cluster/node/leadership-balancer.ts).
 */
export function preferredLeader(replicas: readonly NodeId[], alive?: ReadonlySet<NodeId>): NodeId {
  if (alive === undefined) return replicas.length > 0 ? replicas[0] : NONE;
  return replicas.find((r) => alive.has(r)) ?? NONE;
}
