import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NONE, type NodeId } from '../../raft';
import { type LeadershipView, planLeadershipMoves, preferredLeader } from './leader-balance';

/** Partitions 1..n as the assignment makes them on 3 nodes: preferred leaders 1, 2, 3, 1, ...; followers in rotated order. */
function assigned(n: number): NodeId[][] {
  return Array.from({ length: n }, (_, i) => {
    const first = (i % 3) + 1;
    return [first, (first % 3) + 1, ((first + 1) % 3) + 1];
  });
}

/** The view of a node: `leaders[i]` leads partition i; the leader's in-sync set is the live replicas. */
function view(replicas: NodeId[][], leaders: NodeId[], alive: ReadonlySet<NodeId>): LeadershipView[] {
  return replicas.map((r, i) => ({ group: i + 1, replicas: r, leader: leaders[i], inSync: r.filter((n) => alive.has(n)) }));
}

/** Runs rounds in which every live node applies its plan, until no node moves anything; returns the leaders and the number of rounds. */
function settle(replicas: NodeId[][], start: NodeId[], alive: ReadonlySet<NodeId>, maxRounds = 50): { leaders: NodeId[]; rounds: number } {
  const leaders = [...start];
  for (let round = 0; round < maxRounds; round++) {
    let moved = false;
    for (const self of [...alive].sort()) {
      for (const [group, to] of planLeadershipMoves(self, view(replicas, leaders, alive), alive)) {
        leaders[group - 1] = to;
        moved = true;
      }
    }
    if (!moved) return { leaders, rounds: round };
  }
  throw new Error(`leadership still moving after ${maxRounds} rounds: ${leaders.join(',')}`);
}

const countOf = (leaders: NodeId[], n: NodeId) => leaders.filter((l) => l === n).length;

describe('leadership balancing', () => {
  it('the preferred leader is the first replica, or the first live one', () => {
    expect(preferredLeader([3, 1, 2])).toBe(3);
    expect(preferredLeader([3, 1, 2], new Set([1, 2]))).toBe(1);
    expect(preferredLeader([3, 1, 2], new Set([4]))).toBe(NONE);
  });

  it('a partition goes back to its preferred leader once that one is in sync', () => {
    const alive = new Set([1, 2, 3]);
    const replicas = assigned(3);
    // Node 2 leads partition 1 (preferred 1) after node 1 was away.
    expect(planLeadershipMoves(2, view(replicas, [2, 2, 3], alive), alive)).toEqual(new Map([[1, 1]]));
    // Not while node 1 is out of sync.
    const partial = view(replicas, [2, 2, 3], alive).map((p) => (p.group === 1 ? { ...p, inSync: [2, 3] } : p));
    expect(planLeadershipMoves(2, partial, alive)).toEqual(new Map());
  });

  it('with the preferred leader down, a node leading more than its share hands leaderships to a live replica leading fewer: 3 nodes, 6 partitions, one down -> 3 and 3', () => {
    const alive = new Set([2, 3]);
    const replicas = assigned(6);
    // Node 1 died: its partitions (1 and 4, replicas [1, 2, 3]) went to node 2, the first live replica.
    const start = [2, 2, 3, 2, 2, 3];
    expect(countOf(start, 2)).toBe(4);
    const plan = planLeadershipMoves(2, view(replicas, start, alive), alive);
    // One move is enough, and it is a partition node 1 prefers (rule 1 keeps node 2's own).
    expect(plan).toEqual(new Map([[1, 3]]));
    const { leaders } = settle(replicas, start, alive);
    expect([countOf(leaders, 2), countOf(leaders, 3)]).toEqual([3, 3]);
  });

  it('a node never hands away a partition it is the preferred leader of, and never to a replica out of sync', () => {
    const alive = new Set([1, 2, 3]);
    const replicas: NodeId[][] = [[1, 2, 3], [1, 2, 3], [1, 2, 3]];
    expect(planLeadershipMoves(1, view(replicas, [1, 1, 1], alive), alive)).toEqual(new Map());
    const lonely: NodeId[][] = [[3, 2, 1], [3, 2, 1], [3, 2, 1], [3, 2, 1]];
    const down = new Set([1, 2]);
    // Node 3 is down; node 1 leads all four; node 2 is alive but out of sync for them.
    const v = lonely.map((r, i) => ({ group: i + 1, replicas: r, leader: 1, inSync: [1] }));
    expect(planLeadershipMoves(1, v, down)).toEqual(new Map());
  });

  it('from any leaders on any replicas, rounds settle (no flapping): live preferred leaders lead, and no node above its share has a partition left to hand over', () => {
    const nodes = [1, 2, 3, 4];
    fc.assert(
      fc.property(
        fc.array(fc.shuffledSubarray(nodes, { minLength: 2, maxLength: 3 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        (replicas, deadNode, picks) => {
          const alive = new Set(nodes.filter((n) => n !== deadNode));
          // Partitions with no live replica have no leader; the others start on any live replica.
          const start = replicas.map((r, i) => {
            const live = r.filter((n) => alive.has(n));
            return live.length === 0 ? NONE : live[picks[i] % live.length];
          });
          const { leaders } = settle(replicas, start, alive);
          // Every partition whose preferred leader is live is led by it.
          replicas.forEach((r, i) => {
            if (alive.has(r[0])) expect(leaders[i]).toBe(r[0]);
          });
          // A node above its share has no partition it could hand over: every candidate is at
          // its share already, or within one of it.
          const hosts = new Set(replicas.flat().filter((n) => alive.has(n)));
          const fair = Math.ceil(replicas.length / hosts.size);
          replicas.forEach((r, i) => {
            const self = leaders[i];
            if (self === NONE || r[0] === self || alive.has(r[0]) || countOf(leaders, self) <= fair) return;
            for (const other of r) {
              if (other === self || !alive.has(other)) continue;
              expect(countOf(leaders, other) >= fair || countOf(leaders, other) > countOf(leaders, self) - 2).toBe(true);
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
