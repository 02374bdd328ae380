import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyAll, registerNodes } from './arbitraries';
import { assignReplicas, type NodeLoad } from './assignment';
import { MetadataState } from './metadata-state';

function spread(values: readonly number[]): number {
  return Math.max(...values) - Math.min(...values);
}

/** Both counts within 1, and no node with fewer replicas has more leaderships (the rule's invariant). */
function balanced(loads: readonly NodeLoad[]): boolean {
  if (spread(loads.map((l) => l.replicas)) > 1 || spread(loads.map((l) => l.leaders)) > 1) return false;
  return loads.every((a) => loads.every((b) => !(a.replicas < b.replicas && a.leaders > b.leaders)));
}

function addPartition(loads: readonly NodeLoad[], replicas: readonly number[]): NodeLoad[] {
  return loads.map((l) => ({
    node: l.node,
    replicas: l.replicas + (replicas.includes(l.node) ? 1 : 0),
    leaders: l.leaders + (replicas[0] === l.node ? 1 : 0),
  }));
}

/** Replica and first-replica counts per registered node over the live partitions. */
function counts(state: MetadataState): { replicas: number[]; leaders: number[] } {
  const ids = state.nodeIds();
  const replicas = ids.map(() => 0);
  const leaders = ids.map(() => 0);
  for (const p of state.livePartitions()) {
    for (const r of p.replicas) replicas[ids.indexOf(r)]++;
    leaders[ids.indexOf(p.replicas[0])]++;
  }
  return { replicas, leaders };
}

describe('replica assignment', () => {
  it('from every balanced state of up to 8 nodes, one more partition of any replication factor keeps it balanced (exhaustive)', () => {
    let checked = 0;
    for (let n = 1; n <= 8; n++) {
      // Every node is one of 4 classes: (replicas low/high) x (leaders low/high); states differ only
      // in how many nodes each class has, so enumerate class counts.
      const classCounts = (left: number, classes: number): number[][] =>
        classes === 1 ? [[left]] : Array.from({ length: left + 1 }, (_, k) => classCounts(left - k, classes - 1).map((rest) => [k, ...rest])).flat();
      for (const [c00, c01, c10, c11] of classCounts(n, 4)) {
        const kinds = [...Array(c00).fill([0, 0]), ...Array(c01).fill([0, 1]), ...Array(c10).fill([1, 0]), ...Array(c11).fill([1, 1])];
        const loads: NodeLoad[] = kinds.map(([r, l], i) => ({ node: i + 1, replicas: 7 + r, leaders: 3 + l }));
        if (!balanced(loads)) continue;
        for (let rf = 1; rf <= n; rf++) {
          for (const rotation of [0, 1, n - 1]) {
            const [replicas] = assignReplicas(loads, 1, rf, rotation);
            expect(new Set(replicas).size).toBe(rf);
            expect(balanced(addPartition(loads, replicas)), `loads ${JSON.stringify(loads)} rf ${rf} -> ${replicas}`).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('across random create sequences on a fixed set of nodes, replica counts and leader counts each stay within 1 and no partition has a node twice', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: n })), { minLength: 1, maxLength: 25 })),
        ),
        ([n, topics]) => {
          const state = new MetadataState();
          registerNodes(state, n);
          topics.forEach(([partitions, replicationFactor], i) => {
            const [r] = applyAll(state, [{ type: 'createTopic', name: `t${i}`, partitions, replicationFactor, config: {} }]);
            expect(r.ok).toBe(true);
            for (const p of state.topic(`t${i}`)!.partitions) {
              expect(p.replicas).toHaveLength(replicationFactor);
              expect(new Set(p.replicas).size).toBe(replicationFactor);
              for (const node of p.replicas) expect(state.node(node)).toBeDefined();
            }
            const { replicas, leaders } = counts(state);
            expect(spread(replicas)).toBeLessThanOrEqual(1);
            expect(spread(leaders)).toBeLessThanOrEqual(1);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on an idle cluster, single-partition topics start on different nodes until every node leads one', () => {
    const state = new MetadataState();
    registerNodes(state, 5);
    const leaders = [];
    for (let i = 0; i < 5; i++) {
      const [r] = applyAll(state, [{ type: 'createTopic', name: `t${i}`, partitions: 1, replicationFactor: 3, config: {} }]);
      expect(r.ok).toBe(true);
      leaders.push(state.topic(`t${i}`)!.partitions[0].replicas[0]);
    }
    expect(new Set(leaders).size).toBe(5);
  });

  it('from any loads, the spread of replica counts never grows beyond max(previous spread, 1)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })), { minLength: 1, maxLength: 10 }).chain((raw) =>
          fc.tuple(
            fc.constant(raw.map(([r, l], i): NodeLoad => ({ node: i + 1, replicas: r, leaders: Math.min(l, r) }))),
            fc.integer({ min: 1, max: raw.length }),
            fc.integer({ min: 1, max: 30 }),
            fc.nat(),
          ),
        ),
        ([loads, rf, partitions, rotation]) => {
          let current = loads;
          for (const replicas of assignReplicas(loads, partitions, rf, rotation)) {
            const next = addPartition(current, replicas);
            expect(spread(next.map((l) => l.replicas))).toBeLessThanOrEqual(Math.max(spread(current.map((l) => l.replicas)), 1));
            current = next;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a node registered later receives the new replicas until it catches up with the others', () => {
    const state = new MetadataState();
    registerNodes(state, 3);
    applyAll(state, [{ type: 'createTopic', name: 'old', partitions: 6, replicationFactor: 2, config: {} }]);
    applyAll(state, [{ type: 'registerNode', nodeId: 4, host: 'node4:9092', peerAddress: 'node4:9093' }]);
    const [r] = applyAll(state, [{ type: 'createTopic', name: 'new', partitions: 4, replicationFactor: 1, config: {} }]);
    expect(r.ok).toBe(true);
    expect(state.topic('new')!.partitions.map((p) => p.replicas[0])).toEqual([4, 4, 4, 4]);
    expect(counts(state).replicas).toEqual([4, 4, 4, 4]);
  });
});
