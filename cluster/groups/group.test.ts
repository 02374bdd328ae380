import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsumerGroup, type JoinRequest, type JoinResult } from './group';
import { decodeGroupLogRecord, encodeGroupLogRecord, type GroupLogRecord, replayGroups } from './log-records';
import { GroupError, STRATEGIES, type Strategy, tpKey } from './types';

function newGroup(partitions = 6) {
  let n = 0;
  return new ConsumerGroup('g', (t) => (t === 't' ? partitions : 0), (c) => `${c}-${++n}`);
}

function req(over: Partial<JoinRequest> = {}): JoinRequest {
  return { memberId: '', instanceId: '', clientId: 'c', sessionTimeoutMs: 1000, rebalanceTimeoutMs: 2000, topics: ['t'], strategy: 'range', owned: [], ...over };
}

/** A first join: MEMBER_ID_REQUIRED with an id, then the join with it. */
function enter(g: ConsumerGroup, r: JoinRequest, now: number): { memberId: string; result?: JoinResult } {
  try {
    return g.join(r, now);
  } catch (e) {
    if (!(e instanceof GroupError) || e.code !== 'MEMBER_ID_REQUIRED') throw e;
    return g.join({ ...r, memberId: e.memberId! }, now);
  }
}

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof GroupError) return e.code;
    throw e;
  }
  return undefined;
}

describe('ConsumerGroup', () => {
  it('the first member completes a generation at once and gets every partition', () => {
    const g = newGroup();
    const { memberId } = enter(g, req(), 0);
    const ev = g.takeEvents();
    expect(ev.completed).toEqual({ generation: 1, members: [memberId] });
    expect(ev.dirty).toBe(true);
    expect(g.sync(memberId, 1, 0).map((p) => p.partition)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a second member starts a rebalance; the first learns it from its heartbeat, rejoins, and they share', () => {
    const g = newGroup();
    const a = enter(g, req(), 0).memberId;
    g.takeEvents();
    const b = enter(g, req(), 10).memberId;
    expect(g.takeEvents().completed).toBeUndefined();
    expect(g.heartbeat(a, 1, 20)).toEqual({ rebalanceInProgress: true });
    expect(code(() => g.sync(a, 1, 20))).toBe('REBALANCE_IN_PROGRESS');
    // A commit of the current generation is still taken while the members rejoin.
    expect(code(() => g.checkCommit(a, 1, 20))).toBeUndefined();
    g.join(req({ memberId: a }), 30);
    expect(g.takeEvents().completed).toEqual({ generation: 2, members: [a, b].sort() });
    expect(g.sync(a, 2, 40).length + g.sync(b, 2, 40).length).toBe(6);
    // The old generation's commits are refused now (zombie fencing).
    expect(code(() => g.checkCommit(a, 1, 50))).toBe('ILLEGAL_GENERATION');
    expect(code(() => g.heartbeat(a, 1, 50))).toBe('ILLEGAL_GENERATION');
  });

  it('a member that misses its session is removed, its commits refused, and the others get its partitions', () => {
    const g = newGroup();
    const a = enter(g, req(), 0).memberId;
    const b = enter(g, req(), 0).memberId;
    g.join(req({ memberId: a }), 0);
    g.takeEvents();
    g.heartbeat(a, 2, 900);
    g.tick(1001);
    const ev = g.takeEvents();
    expect(ev.removed.map((r) => r.memberId)).toEqual([b]);
    expect(g.phase).toBe('preparing-rebalance');
    expect(code(() => g.checkCommit(b, 2, 1001))).toBe('UNKNOWN_MEMBER_ID');
    g.join(req({ memberId: a }), 1100);
    expect(g.takeEvents().completed?.generation).toBe(3);
    expect(g.sync(a, 3, 1100)).toHaveLength(6);
  });

  it('a member that does not rejoin within the rebalance timeout is removed when it ends', () => {
    const g = newGroup();
    const a = enter(g, req(), 0).memberId;
    const b = enter(g, req(), 0).memberId;
    g.join(req({ memberId: a }), 0);
    g.takeEvents();
    const c = enter(g, req(), 100).memberId;
    g.heartbeat(a, 2, 150);
    g.join(req({ memberId: a }), 200);
    g.heartbeat(b, 2, 900); // heartbeats but never rejoins
    g.heartbeat(b, 2, 1800);
    g.tick(2099);
    expect(g.takeEvents().completed).toBeUndefined();
    g.tick(2101);
    const ev = g.takeEvents();
    expect(ev.completed?.members).toEqual([a, c].sort());
    expect(ev.removed.map((r) => r.memberId)).toEqual([b]);
  });

  it('an admin commit (no member, generation -1) needs an empty group', () => {
    const g = newGroup();
    expect(code(() => g.checkCommit('', -1, 0))).toBeUndefined();
    const a = enter(g, req(), 0).memberId;
    expect(code(() => g.checkCommit('', -1, 0))).toBe('GROUP_NOT_EMPTY');
    g.leave(a, 1);
    expect(g.phase).toBe('empty');
    expect(code(() => g.checkCommit('', -1, 2))).toBeUndefined();
  });

  it('static membership: an instance that comes back in time gets its assignment without a rebalance; its old id is fenced', () => {
    const g = newGroup();
    const a = enter(g, req({ instanceId: 'i-a' }), 0).memberId;
    const b = enter(g, req({ instanceId: 'i-b' }), 0).memberId;
    g.join(req({ memberId: a, instanceId: 'i-a' }), 0);
    g.takeEvents();
    const before = g.sync(b, 2, 0);
    const again = enter(g, req({ instanceId: 'i-b' }), 500);
    expect(again.result?.generation).toBe(2);
    expect(g.phase).toBe('stable');
    expect(g.sync(again.memberId, 2, 500)).toEqual(before);
    expect(code(() => g.heartbeat(b, 2, 600))).toBe('FENCED_INSTANCE_ID');
    expect(g.takeEvents().dirty).toBe(true);
  });

  it('cooperative-sticky: a joining member gets moved partitions only after their owner revoked them and rejoined', () => {
    const g = newGroup();
    const coop = (over: Partial<JoinRequest>) => req({ strategy: 'cooperative-sticky', ...over });
    const a = enter(g, coop({}), 0).memberId;
    g.takeEvents();
    const owned = g.sync(a, 1, 0);
    expect(owned).toHaveLength(6);
    const b = enter(g, coop({}), 10).memberId;
    g.join(coop({ memberId: a, owned }), 20);
    expect(g.takeEvents().completed?.generation).toBe(2);
    const a2 = g.sync(a, 2, 20);
    expect(a2).toHaveLength(3);
    expect(g.sync(b, 2, 20)).toHaveLength(0); // not yet: a still holds them
    // a revokes the three and rejoins; the next generation gives them to b.
    g.join(coop({ memberId: a, owned: a2 }), 30);
    g.heartbeat(b, 2, 31);
    g.join(coop({ memberId: b }), 32);
    expect(g.takeEvents().completed?.generation).toBe(3);
    expect(g.sync(a, 3, 40)).toEqual(a2);
    expect(g.sync(b, 3, 40)).toHaveLength(3);
  });

  it('partitions added to a subscribed topic start a rebalance that assigns them', () => {
    let partitions = 4;
    let n = 0;
    const g = new ConsumerGroup('g', (t) => (t === 't' ? partitions : 0), (c) => `${c}-${++n}`);
    const a = enter(g, req(), 0).memberId;
    g.takeEvents();
    expect(g.sync(a, 1, 0)).toHaveLength(4);
    g.tick(10);
    expect(g.phase).toBe('stable');
    partitions = 6;
    g.tick(20);
    expect(g.heartbeat(a, 1, 20)).toEqual({ rebalanceInProgress: true });
    g.join(req({ memberId: a }), 30);
    expect(g.takeEvents().completed?.generation).toBe(2);
    expect(g.sync(a, 2, 30)).toHaveLength(6);
  });

  it('a first join gets a member id to join with: retried, it leaves no member behind', () => {
    const g = newGroup();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      try {
        g.join(req(), 0);
      } catch (e) {
        expect((e as GroupError).code).toBe('MEMBER_ID_REQUIRED');
        ids.push((e as GroupError).memberId!);
      }
    }
    expect(g.members.size).toBe(0);
    expect(g.join(req({ memberId: ids[1] }), 10).memberId).toBe(ids[1]);
    expect([...g.members.keys()]).toEqual([ids[1]]);
    // An id never used expires with the session timeout.
    g.tick(2000);
    expect(code(() => g.join(req({ memberId: ids[0] }), 2000))).toBe('UNKNOWN_MEMBER_ID');
  });

  it('members must agree on the strategy', () => {
    const g = newGroup();
    enter(g, req(), 0);
    expect(code(() => enter(g, req({ strategy: 'roundrobin' }), 0))).toBe('INVALID_REQUEST');
  });

  it('property: after any sequence of joins, leaves, heartbeats and ticks, a stable generation assigns each partition to at most one member (exactly one unless cooperative)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('join' as const), who: fc.nat(5) }),
      fc.record({ kind: fc.constant('rejoin' as const), who: fc.nat(5) }),
      fc.record({ kind: fc.constant('leave' as const), who: fc.nat(5) }),
      fc.record({ kind: fc.constant('heartbeat' as const), who: fc.nat(5) }),
      fc.record({ kind: fc.constant('tick' as const), by: fc.integer({ min: 1, max: 1500 }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom<Strategy>(...STRATEGIES), fc.array(op, { maxLength: 60 }), (strategy, ops) => {
        const g = newGroup(7);
        let now = 0;
        const ids: string[] = [];
        for (const o of ops) {
          try {
            if (o.kind === 'tick') g.tick((now += o.by));
            else if (o.kind === 'join') ids.push(enter(g, req({ strategy }), now).memberId);
            else {
              const id = ids[o.who % Math.max(1, ids.length)];
              if (id === undefined) continue;
              if (o.kind === 'leave') g.leave(id, now);
              else if (o.kind === 'heartbeat') g.heartbeat(id, g.generation, now);
              else {
                const m = g.members.get(id);
                g.join(req({ strategy, memberId: id, owned: m?.assignment ?? [] }), now);
              }
            }
          } catch (e) {
            if (!(e instanceof GroupError)) throw e;
          }
          g.takeEvents();
          if (g.phase === 'stable') {
            const all = [...g.members.values()].flatMap((m) => m.assignment.map(tpKey));
            expect(new Set(all).size).toBe(all.length);
            if (strategy !== 'cooperative-sticky') expect(all.length).toBe(7);
          }
          if (g.phase === 'empty') expect(g.members.size).toBe(0);
        }
      }),
    );
  });

  it('replaying its records rebuilds a group: members, generation, assignment and offsets; tombstones delete', () => {
    const g = newGroup();
    const a = enter(g, req({ instanceId: 'i' }), 0).memberId;
    g.takeEvents();
    const records: GroupLogRecord[] = [
      { kind: 'group', groupId: 'g', value: g.toRecord() },
      { kind: 'offset', groupId: 'g', topic: 't', partition: 2, value: { offset: 17, metadata: 'm', commitTimestampMs: 5 } },
      { kind: 'offset', groupId: 'g', topic: 't', partition: 3, value: { offset: 4, metadata: '', commitTimestampMs: 5 } },
      { kind: 'offset', groupId: 'g', topic: 't', partition: 3, value: null },
      { kind: 'offset', groupId: 'gone', topic: 't', partition: 0, value: { offset: 1, metadata: '', commitTimestampMs: 1 } },
      { kind: 'group', groupId: 'gone', value: null },
    ];
    const wire = records.map(encodeGroupLogRecord).map((r) => decodeGroupLogRecord(r.key, r.value)!);
    expect(wire).toEqual(records);
    const groups = replayGroups(wire, (t) => (t === 't' ? 6 : 0), () => 'x', 100);
    expect([...groups.keys()]).toEqual(['g']);
    const back = groups.get('g')!;
    expect(back.generation).toBe(1);
    expect(back.phase).toBe('stable');
    expect(back.sync(a, 1, 100)).toHaveLength(6);
    expect([...back.offsets.values()]).toEqual([{ topic: 't', partition: 2, offset: 17, metadata: 'm', commitTimestampMs: 5 }]);
    expect(decodeGroupLogRecord(Buffer.from('not json'), null)).toBeUndefined();
  });
});
