import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NONE, type NodeId } from '../../raft';
import { applyAll, registerNodes } from './arbitraries';
import { type LeadershipTransfer, planLeadershipTransfers, preferredLeader } from './leader-balance';
import { MetadataState } from './metadata-state';
import type { PartitionInfo } from './types';

interface Scenario {
  partitions: PartitionInfo[];
  leaders: Map<number, NodeId>;
  alive: Set<NodeId>;
  nodes: number;
}

/** A cluster with random topics, some nodes down, and leaders as failures may have left them (some unknown). */
const scenarioArb: fc.Arbitrary<Scenario> = fc
  .integer({ min: 1, max: 7 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      topics: fc.array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: n })), { minLength: 1, maxLength: 8 }),
      down: fc.subarray(Array.from({ length: n }, (_, i) => i + 1)),
      leaderPicks: fc.array(fc.nat(), { minLength: 100, maxLength: 100 }),
    }),
  )
  .map(({ n, topics, down, leaderPicks }) => {
    const state = new MetadataState();
    registerNodes(state, n);
    topics.forEach(([partitions, replicationFactor], i) =>
      applyAll(state, [{ type: 'createTopic', name: `t${i}`, partitions, replicationFactor, config: {} }]),
    );
    const partitions = state.livePartitions();
    const leaders = new Map<number, NodeId>();
    partitions.forEach((p, i) => {
      const pick = leaderPicks[i % leaderPicks.length];
      // One in five has no known leader; the others are led by any replica (dead ones included: stale news).
      if (pick % 5 !== 0) leaders.set(p.groupId, p.replicas[pick % p.replicas.length]);
    });
    return { partitions, leaders, alive: new Set(Array.from({ length: n }, (_, i) => i + 1).filter((id) => !down.includes(id))), nodes: n };
  });

function applyTransfers(leaders: ReadonlyMap<number, NodeId>, transfers: readonly LeadershipTransfer[]): Map<number, NodeId> {
  const next = new Map(leaders);
  for (const t of transfers) next.set(t.groupId, t.to);
  return next;
}

/** Leaderships per live node, over partitions whose leader is known and alive. */
function leaderCounts(s: Scenario, leaders: ReadonlyMap<number, NodeId>): Map<NodeId, number> {
  const counts = new Map<NodeId, number>([...s.alive].map((n) => [n, 0]));
  for (const p of s.partitions) {
    const l = leaders.get(p.groupId) ?? NONE;
    if (s.alive.has(l)) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  return counts;
}

describe('leadership balancing', () => {
  it('every transfer is asked of the current live leader and goes to a live replica of the same partition', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const byGroup = new Map(s.partitions.map((p) => [p.groupId, p]));
        for (const t of planLeadershipTransfers(s.partitions, s.leaders, s.alive)) {
          expect(t.from).toBe(s.leaders.get(t.groupId));
          expect(s.alive.has(t.from)).toBe(true);
          expect(s.alive.has(t.to)).toBe(true);
          expect(byGroup.get(t.groupId)!.replicas).toContain(t.to);
          expect(t.to).not.toBe(t.from);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('one round converges: after the suggested transfers, nothing more is suggested', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const after = applyTransfers(s.leaders, planLeadershipTransfers(s.partitions, s.leaders, s.alive));
        expect(planLeadershipTransfers(s.partitions, after, s.alive)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('after balancing, a partition whose preferred leader is alive is led by it, and no other could move to a live replica with 2 fewer leaderships', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const after = applyTransfers(s.leaders, planLeadershipTransfers(s.partitions, s.leaders, s.alive));
        const counts = leaderCounts(s, after);
        for (const p of s.partitions) {
          const leader = after.get(p.groupId) ?? NONE;
          if (!s.alive.has(leader)) continue; // electing: not balanced this round
          if (s.alive.has(p.replicas[0])) {
            expect(leader).toBe(p.replicas[0]);
          } else if (p.replicas.includes(leader)) {
            for (const r of p.replicas.filter((x) => s.alive.has(x))) expect(counts.get(r)! + 1).toBeGreaterThanOrEqual(counts.get(leader)!);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('once every node is back and every partition has a leader, one round restores leader counts within 1 of each other', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const all = new Set(Array.from({ length: s.nodes }, (_, i) => i + 1));
        const led = new Map(s.partitions.map((p) => [p.groupId, s.leaders.get(p.groupId) ?? p.replicas[p.replicas.length - 1]]));
        const after = applyTransfers(led, planLeadershipTransfers(s.partitions, led, all));
        const counts = [...leaderCounts({ ...s, alive: all }, after).values()];
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('a node that returns after an outage gets its preferred leaderships back', () => {
    const state = new MetadataState();
    registerNodes(state, 3);
    applyAll(state, [{ type: 'createTopic', name: 'orders', partitions: 6, replicationFactor: 3, config: {} }]);
    const partitions = state.livePartitions();
    // Node 2 was down: its partitions elected the next live replica.
    const withoutTwo = new Set([1, 3]);
    const leaders = new Map(partitions.map((p) => [p.groupId, preferredLeader(p.replicas, withoutTwo)]));
    expect([...leaders.values()]).not.toContain(2);
    const transfers = planLeadershipTransfers(partitions, leaders, new Set([1, 2, 3]));
    expect(transfers.map((t) => t.to)).toEqual(partitions.filter((p) => p.replicas[0] === 2).map(() => 2));
    expect(transfers).toHaveLength(2);
  });

  it('the preferred leader is the first replica, or the first live one', () => {
    expect(preferredLeader([3, 1, 2])).toBe(3);
    expect(preferredLeader([3, 1, 2], new Set([1, 2]))).toBe(1);
    expect(preferredLeader([3, 1, 2], new Set([4]))).toBe(NONE);
  });
});
