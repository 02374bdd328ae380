import { describe, expect, it } from 'vitest';
import { applyAll, registerNodes } from './arbitraries';
import { drainMoves } from './drain';
import { MetadataState } from './metadata-state';

describe('draining a node', () => {
  it('replaces it in place in every partition it holds, by the eligible node with the fewest replicas, spreading as it goes', () => {
    const state = new MetadataState();
    registerNodes(state, 5);
    applyAll(state, [{ type: 'createTopic', name: 't', partitions: 6, replicationFactor: 3, config: {} }]);
    const held = state.livePartitions().filter((p) => p.replicas.includes(2));
    const moves = drainMoves(state, 2, [1, 2, 3, 4, 5]);
    expect(moves.map((m) => m.partition)).toEqual(held.map((p) => p.partition));
    for (const m of moves) {
      expect(m.to).not.toContain(2);
      expect(new Set(m.to).size).toBe(m.to.length);
      // Only node 2's slot changes: the preferred-leader order is kept.
      m.from.forEach((r, i) => {
        if (r !== 2) expect(m.to[i]).toBe(r);
      });
    }
    // Replica counts after the moves differ by at most one over the remaining nodes.
    const counts = new Map<number, number>([1, 3, 4, 5].map((n) => [n, 0]));
    const moved = new Map(moves.map((m) => [m.partition, m.to]));
    for (const p of state.livePartitions()) for (const r of moved.get(p.partition) ?? p.replicas) counts.set(r, (counts.get(r) ?? 0) + 1);
    expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1);
  });

  it('only to eligible (live) nodes, and refuses naming the partition when none can take it', () => {
    const state = new MetadataState();
    registerNodes(state, 3);
    applyAll(state, [{ type: 'createTopic', name: 't', partitions: 1, replicationFactor: 3, config: {} }]);
    expect(() => drainMoves(state, 3, [1, 2, 3])).toThrow(/cannot drain node 3: topic "t" partition 0 has replicas \[.*\] and no other live registered node can take one/);
    registerNodes(state, 4);
    expect(() => drainMoves(state, 3, [1, 2, 3])).toThrow(/NOT_ENOUGH_REPLICAS|no other live registered node/);
    expect(drainMoves(state, 3, [1, 2, 3, 4])[0].to).toContain(4);
    expect(() => drainMoves(state, 9, [1, 2, 3, 4])).toThrow(/node 9 is not registered/);
  });
});
