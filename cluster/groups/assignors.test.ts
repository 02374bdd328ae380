import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assign, type AssignorMember } from './assignors';
import { STRATEGIES, type TopicPartition, tpKey } from './types';

const topicNames = ['a', 'b', 'c'];

const scenario = fc.record({
  counts: fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 })),
  members: fc.uniqueArray(
    fc.record({ memberId: fc.string({ minLength: 1, maxLength: 4 }), topics: fc.subarray(topicNames, { minLength: 1 }), owned: fc.array(fc.record({ topic: fc.constantFrom(...topicNames), partition: fc.nat(14) }), { maxLength: 8 }) }),
    { minLength: 1, maxLength: 7, selector: (m) => m.memberId },
  ),
});

const countsOf = (c: readonly number[]) => (t: string) => c[topicNames.indexOf(t)] ?? 0;

describe('assignors', () => {
  for (const strategy of STRATEGIES) {
    it(`${strategy}: every partition of a subscribed topic goes to exactly one member subscribed to it`, () => {
      fc.assert(
        fc.property(scenario, ({ counts, members }) => {
          const out = assign(strategy, members, countsOf(counts));
          expect([...out.keys()].sort()).toEqual(members.map((m) => m.memberId).sort());
          const seen = new Map<string, string>();
          for (const [id, tps] of out) {
            const m = members.find((x) => x.memberId === id)!;
            for (const tp of tps) {
              expect(m.topics).toContain(tp.topic);
              expect(tp.partition).toBeLessThan(countsOf(counts)(tp.topic));
              expect(seen.has(tpKey(tp))).toBe(false);
              seen.set(tpKey(tp), id);
            }
          }
          const subscribed = new Set(members.flatMap((m) => m.topics));
          const expected = [...subscribed].reduce((n, t) => n + countsOf(counts)(t), 0);
          expect(seen.size).toBe(expected);
        }),
      );
    });

    it(`${strategy}: members with the same subscription get shares within one of each other`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 9 }), (n, k) => {
          const members = Array.from({ length: k }, (_, i) => ({ memberId: `m${i}`, topics: ['a'], owned: [] }));
          const sizes = [...assign(strategy, members, (t) => (t === 'a' ? n : 0)).values()].map((l) => l.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        }),
      );
    });
  }

  it('range gives contiguous ranges, the first members one more', () => {
    const members = ['x', 'y', 'z'].map((memberId) => ({ memberId, topics: ['a'], owned: [] }));
    const out = assign('range', members, () => 7);
    expect(out.get('x')!.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(out.get('y')!.map((p) => p.partition)).toEqual([3, 4]);
    expect(out.get('z')!.map((p) => p.partition)).toEqual([5, 6]);
  });

  it('static members are ordered by instance id, so a restarted instance (new member id) gets the same partitions', () => {
    const a = assign('range', [{ memberId: 'zz', instanceId: 'i1', topics: ['a'], owned: [] }, { memberId: 'aa', instanceId: 'i2', topics: ['a'], owned: [] }], () => 4);
    expect(a.get('zz')!.map((p) => p.partition)).toEqual([0, 1]);
  });

  it('cooperative-sticky moves only what it must: a member keeps what it owned up to its fair share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), (n, k, leaving, joining) => {
        // A balanced assignment of k members, then `leaving` of them go and `joining` new ones come.
        const before = assign('cooperative-sticky', Array.from({ length: k }, (_, i) => ({ memberId: `m${i}`, topics: ['a'], owned: [] })), () => n);
        const stay = Array.from({ length: Math.max(0, k - leaving) }, (_, i) => `m${i}`);
        const members: AssignorMember[] = [
          ...stay.map((id) => ({ memberId: id, topics: ['a'], owned: before.get(id)! })),
          ...Array.from({ length: joining }, (_, i) => ({ memberId: `new${i}`, topics: ['a'], owned: [] as TopicPartition[] })),
        ];
        if (members.length === 0) return;
        const after = assign('cooperative-sticky', members, () => n);
        const floor = Math.floor(n / members.length);
        const ceil = Math.ceil(n / members.length);
        for (const id of stay) {
          const owned = new Set(before.get(id)!.map(tpKey));
          const kept = after.get(id)!.filter((tp) => owned.has(tpKey(tp))).length;
          // It keeps all it had if that is within its share, else at least a floor share of it.
          expect(kept).toBeGreaterThanOrEqual(Math.min(owned.size, floor));
          if (owned.size <= ceil && after.get(id)!.length >= owned.size) expect(kept).toBe(owned.size);
        }
        // The number of partitions taken from staying members is the least that balancing needs:
        // the (P mod M) members that own the most may keep a ceil share, every other one a floor share.
        const moved = stay.reduce((s, id) => s + before.get(id)!.filter((tp) => !after.get(id)!.some((x) => tpKey(x) === tpKey(tp))).length, 0);
        const owned = stay.map((id) => before.get(id)!.length).sort((a, b) => b - a);
        const extra = n % members.length;
        const least = owned.reduce((s, o, i) => s + Math.max(0, o - (i < extra ? ceil : floor)), 0);
        expect(moved).toBe(least);
      }),
    );
  });
});
