import type { NodeId } from '../../raft';
import { MetadataError } from './errors';
import type { MetadataState } from './metadata-state';

/** One partition's move: its replicas now and the target that leaves the drained node out. */
export interface PartitionMove {
  readonly topic: string;
  readonly partition: number;
  readonly from: readonly NodeId[];
  readonly to: readonly NodeId[];
}

/**
 * The moves that take every replica off `node`: in each partition that holds one, the drained node
 * is replaced in place (so the preferred-leader order is kept) by the eligible node holding the
 * fewest replicas, counting the moves planned so far; ties go to the lowest id. `eligible` are the
 * nodes that may take replicas (registered and alive, as the caller sees them). Throws
 * MetadataError NOT_ENOUGH_REPLICAS naming the first partition with nowhere to go.
 */
export function drainMoves(state: MetadataState, node: NodeId, eligible: readonly NodeId[]): PartitionMove[] {
  if (!state.node(node)) throw new MetadataError('UNKNOWN_NODE', `node ${node} is not registered (registered: ${state.nodeIds().join(', ') || 'none'})`);
  const load = new Map<NodeId, number>(eligible.filter((n) => n !== node).map((n) => [n, 0]));
  for (const p of state.livePartitions()) for (const r of p.replicas) if (load.has(r)) load.set(r, (load.get(r) ?? 0) + 1);
  const moves: PartitionMove[] = [];
  for (const p of state.livePartitions()) {
    if (!p.replicas.includes(node)) continue;
    const candidates = [...load].filter(([n]) => !p.replicas.includes(n)).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    if (candidates.length === 0) {
      throw new MetadataError(
        'NOT_ENOUGH_REPLICAS',
        `cannot drain node ${node}: topic "${p.topic}" partition ${p.partition} has replicas [${p.replicas.join(', ')}] and no other live registered node can take one ` +
          `(eligible: ${[...load.keys()].join(', ') || 'none'}); start another node first`,
        p.topic,
      );
    }
    const [to] = candidates[0];
    load.set(to, (load.get(to) ?? 0) + 1);
    moves.push({ topic: p.topic, partition: p.partition, from: p.replicas, to: p.replicas.map((r) => (r === node ? to : r)) });
  }
  return moves;
}
