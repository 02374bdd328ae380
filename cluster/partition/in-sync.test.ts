import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryType } from '../../raft';
import { DEFAULT_IN_SYNC, type ReplicaFacts, judgeReplica } from './in-sync';
import { LeaderSession } from './leader-session';
import { followerPosition, OffsetTrail } from './offset-trail';
import { PartitionState } from './partition-state';
import { produceOf, TestLog } from './test-log';

const cfg = { lagTimeMaxMs: 10_000, lagMaxRecords: 500 };
const follower = (over: Partial<ReplicaFacts>): ReplicaFacts => ({
  node: 2,
  isLeader: false,
  isLearner: false,
  heardMsAgo: 100,
  lagRecords: 0,
  snapshotting: false,
  ...over,
});

describe('the in-sync rule', () => {
  it('the leader itself is in sync, whatever else is said of it', () => {
    expect(judgeReplica(follower({ isLeader: true, heardMsAgo: undefined, lagRecords: 10_000 }), cfg)).toMatchObject({ state: 'leader', inSync: true });
  });

  it('a follower heard from recently and caught up is in sync', () => {
    expect(judgeReplica(follower({ heardMsAgo: 0, lagRecords: 0 }), cfg)).toMatchObject({ state: 'in-sync', inSync: true });
  });

  it('lag by time: heard from exactly replica.lag.time.max.ms ago is in sync, a millisecond later it is offline', () => {
    expect(judgeReplica(follower({ heardMsAgo: 10_000 }), cfg)).toMatchObject({ state: 'in-sync', inSync: true });
    const out = judgeReplica(follower({ heardMsAgo: 10_001 }), cfg);
    expect(out).toMatchObject({ state: 'offline', inSync: false });
    expect(out.why).toBe('not heard from for 10.0 s (replica.lag.time.max.ms=10000)');
  });

  it('lag by records: exactly replica.lag.max.records behind is in sync, one more is lagging', () => {
    expect(judgeReplica(follower({ lagRecords: 500 }), cfg)).toMatchObject({ state: 'in-sync', inSync: true });
    const out = judgeReplica(follower({ lagRecords: 501 }), cfg);
    expect(out).toMatchObject({ state: 'lagging', inSync: false });
    expect(out.why).toBe('501 records behind (replica.lag.max.records=500)');
  });

  it('combined: both conditions must hold, and silence is reported before lag', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 1000 }), (heard, lag) => {
        const v = judgeReplica(follower({ heardMsAgo: heard, lagRecords: lag }), cfg);
        expect(v.inSync).toBe(heard <= cfg.lagTimeMaxMs && lag <= cfg.lagMaxRecords);
        expect(v.state).toBe(heard > cfg.lagTimeMaxMs ? 'offline' : lag > cfg.lagMaxRecords ? 'lagging' : 'in-sync');
      }),
    );
  });

  it('a follower never heard from since the leader was elected is offline, even with no lag', () => {
    expect(judgeReplica(follower({ heardMsAgo: undefined, lagRecords: 0 }), cfg)).toEqual({
      state: 'offline',
      inSync: false,
      why: 'not heard from since this leader was elected',
    });
  });

  it('a learner, a fenced replica and one being sent a snapshot are never in sync', () => {
    expect(judgeReplica(follower({ isLearner: true }), cfg)).toMatchObject({ state: 'learner', inSync: false });
    expect(judgeReplica(follower({ fenced: 'crc mismatch' }), cfg)).toMatchObject({ state: 'fenced', inSync: false, why: 'fenced on its node: crc mismatch' });
    expect(judgeReplica(follower({ snapshotting: true }), cfg)).toMatchObject({ state: 'recovering', inSync: false });
    // Silence wins over a snapshot in progress: the leader cannot tell the transfer is going on.
    expect(judgeReplica(follower({ snapshotting: true, heardMsAgo: 60_000 }), cfg).state).toBe('offline');
  });

  it('the defaults are Kafka\'s lag time and a records limit that tolerates bursts', () => {
    expect(DEFAULT_IN_SYNC).toEqual({ lagTimeMaxMs: 30_000, lagMaxRecords: 100_000 });
  });
});

/**
 * A partition built batch by batch, applied in calls of random size (as a host's Ready cycles
 * apply several entries at once), with the trail recording after each call, and beside it the true
 * (next offset, bytes) after every Raft index.
 */
function build(batches: readonly number[], applyEvery: readonly number[], trailCapacity: number) {
  const log = new TestLog();
  log.append(EntryType.Normal, new Uint8Array(0)); // the leader's no-op
  const state = new PartitionState({ topic: 't', partition: 0 }, { options: { indexIntervalEntries: 4, indexIntervalBytes: 1 << 20 } });
  const trail = new OffsetTrail(trailCapacity);
  log.commitUpTo(1);
  log.applyCommitted(state); // a leader proposes once its no-op is applied
  const session = new LeaderSession(state, log.term);
  for (const [k, n] of batches.entries()) {
    const o = session.produce(produceOf(Array.from({ length: n }, (_, j) => ({ key: null, value: new Uint8Array(10 + ((k + j) % 7)), headers: [], timestamp: 1 }))), log.propose);
    if (o.kind !== 'appended') throw new Error(`produce was ${o.kind}`);
  }
  const truth: Array<{ nextOffset: number; totalBytes: number }> = [{ nextOffset: 0, totalBytes: 0 }];
  const replay = new PartitionState({ topic: 't', partition: 0 }, { options: state.options });
  for (let i = 1; i <= log.lastIndex; i++) {
    replay.apply([log.entry(i)]);
    truth.push({ nextOffset: replay.nextOffset, totalBytes: replay.totalBytes });
  }
  log.commitUpTo(log.lastIndex);
  let step = 0;
  while (state.appliedIndex < log.lastIndex) {
    const upTo = Math.min(log.lastIndex, state.appliedIndex + applyEvery[step++ % applyEvery.length]);
    log.applyCommitted(state, upTo);
    trail.record({ raftIndex: state.appliedIndex, nextOffset: state.nextOffset, totalBytes: state.totalBytes });
  }
  return { log, state, trail, truth };
}

describe('a follower\'s position from its match index', () => {
  it('is exact at apply points in the trail, never overstates the offset, and never understates the lag', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 16 }),
        (batches, applyEvery, capacity) => {
          const { log, state, trail, truth } = build(batches, applyEvery, capacity);
          const marks = new Set<number>();
          for (let i = 0; i <= log.lastIndex; i++) if (trail.floor(i)?.raftIndex === i) marks.add(i);
          for (let match = 0; match <= log.lastIndex; match++) {
            const p = followerPosition(state, trail, match);
            const t = truth[match];
            expect(p.offset).toBeLessThanOrEqual(t.nextOffset);
            expect(p.lagRecords).toBe(state.nextOffset - p.offset);
            expect(p.lagRecords).toBeGreaterThanOrEqual(state.nextOffset - t.nextOffset);
            expect(p.lagBytes).toBeGreaterThanOrEqual(state.totalBytes - t.totalBytes);
            if (marks.has(match) || match >= state.appliedIndex) {
              expect(p).toMatchObject({ offset: t.nextOffset, lagRecords: state.nextOffset - t.nextOffset, lagBytes: state.totalBytes - t.totalBytes, exact: true });
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a follower that has everything applied is 0 behind; one with nothing is the whole log behind', () => {
    const { state, trail } = build([5, 5, 5], [1], 64);
    expect(followerPosition(state, trail, state.appliedIndex)).toEqual({ offset: 15, lagRecords: 0, lagBytes: 0, exact: true });
    expect(followerPosition(state, trail, state.appliedIndex + 3).lagRecords).toBe(0);
    expect(followerPosition(state, trail, 0)).toEqual({ offset: 0, lagRecords: 15, lagBytes: state.totalBytes, exact: true });
    // Past the trail (capacity 1: only the last apply), the sparse index bounds it.
    const short = build([5, 5, 5, 5, 5, 5, 5, 5, 5, 5], [1], 1);
    const p = followerPosition(short.state, short.trail, 7);
    expect(p.exact).toBe(false);
    expect(p.offset).toBeLessThanOrEqual(short.truth[7].nextOffset);
  });

  it('the trail keeps the newest marks, ignores an index that does not move forward, and forgets on clear', () => {
    const t = new OffsetTrail(3);
    for (const i of [2, 4, 6, 8]) t.record({ raftIndex: i, nextOffset: i * 10, totalBytes: i * 100 });
    t.record({ raftIndex: 8, nextOffset: 999, totalBytes: 999 });
    expect(t.floor(3)).toBeUndefined(); // 2 fell out of the ring
    expect(t.floor(5)).toEqual({ raftIndex: 4, nextOffset: 40, totalBytes: 400 });
    expect(t.floor(100)).toEqual({ raftIndex: 8, nextOffset: 80, totalBytes: 800 });
    t.clear();
    expect(t.latest()).toBeUndefined();
  });
});
