import { describe, expect, it } from 'vitest';
import type { ProgressView, Status } from '../../raft';
import { OffsetTrail } from '../partition';
import { InSyncWatch, type LeaderView, type MeasuredReplica, measureReplicas, replicaStatusForClient, type WatchedPartition } from './replica-status';

const cfg = { lagTimeMaxMs: 2000, lagMaxRecords: 50 };

function progress(id: number, over: Partial<ProgressView> = {}): ProgressView {
  return { id, isLearner: false, match: 10, next: 11, state: 'replicate', ticksSinceContact: 1, heardFrom: true, inSync: true, inflightMessages: 0, inflightBytes: 0, ...over };
}

/** Leader 1 of term 3 at Raft index 10, offset 100 (applied), with the trail's apply points at 4 (offset 40) and 10. */
function leaderView(followers: ProgressView[], over: Partial<LeaderView> = {}): LeaderView {
  const trail = new OffsetTrail();
  trail.record({ raftIndex: 4, nextOffset: 40, totalBytes: 4000 });
  trail.record({ raftIndex: 10, nextOffset: 100, totalBytes: 10_000 });
  const status: Status = {
    id: 1,
    term: 3,
    vote: 1,
    commit: 10,
    applied: 10,
    lastIndex: 10,
    role: 'leader',
    leader: 1,
    conf: { voters: [1, 2, 3], learners: [] },
    progress: [progress(1, { ticksSinceContact: 0 }), ...followers],
    transferee: 0,
  };
  const index = { all: () => [{ raftIndex: 1, baseOffset: 0, maxTimestampBefore: -1, bytesBefore: 0, segmentStart: true }] };
  return { status, state: { appliedIndex: 10, nextOffset: 100, totalBytes: 10_000, index }, trail, logEndOffset: 100, config: cfg, tickMs: 100, order: [3, 1, 2], ...over };
}

describe('measuring replicas on the leader', () => {
  it('reports each replica in assignment order with its state, lag in records and bytes, last contact and log end', () => {
    const m = measureReplicas(leaderView([progress(2, { match: 4, ticksSinceContact: 2 }), progress(3, { match: 10, ticksSinceContact: 30 })]))!;
    expect(m.map((r) => [r.node, r.state, r.inSync, r.lagRecords, r.lagBytes, r.lastHeardMs, r.logEndOffset])).toEqual([
      [3, 'REPLICA_STATE_OFFLINE', false, 0, 0, 3000, 100],
      [1, 'REPLICA_STATE_LEADER', true, 0, 0, 0, 100],
      [2, 'REPLICA_STATE_LAGGING', false, 60, 6000, 200, 40],
    ]);
    expect(m[0].reason).toBe('not heard from for 3.0 s (replica.lag.time.max.ms=2000)');
  });

  it('a follower the new leader has not heard from is offline, awaited only within the lag time', () => {
    const young = measureReplicas(leaderView([progress(2, { match: 0, heardFrom: false, ticksSinceContact: 5 }), progress(3)]))!;
    expect(young.find((r) => r.node === 2)).toMatchObject({ state: 'REPLICA_STATE_OFFLINE', inSync: false, lastHeardMs: -1, awaitingFirstAnswer: true, lagRecords: 100 });
    const old = measureReplicas(leaderView([progress(2, { match: 0, heardFrom: false, ticksSinceContact: 21 }), progress(3)]))!;
    expect(old.find((r) => r.node === 2)).toMatchObject({ awaitingFirstAnswer: false, inSync: false });
  });

  it('a learner is never in sync; a follower being sent a snapshot is recovering', () => {
    const m = measureReplicas(leaderView([progress(2, { isLearner: true }), progress(3, { state: 'snapshot', match: 0 })]))!;
    expect(m.find((r) => r.node === 2)).toMatchObject({ state: 'REPLICA_STATE_LEARNER', inSync: false });
    expect(m.find((r) => r.node === 3)).toMatchObject({ state: 'REPLICA_STATE_RECOVERING', inSync: false });
  });

  it('nothing when this node does not lead', () => {
    const v = leaderView([]);
    expect(measureReplicas({ ...v, status: { ...v.status, role: 'follower', progress: undefined } })).toBeUndefined();
  });
});

describe('the client view of a partition\'s replicas', () => {
  it('takes the leader\'s measurements, marks fenced replicas, and without a leader says offline or unknown', () => {
    const measured = measureReplicas(leaderView([progress(2), progress(3)]))!;
    const withLeader = replicaStatusForClient([3, 1, 2], measured, new Map([[2, 'crc mismatch']]), () => true);
    expect(withLeader.map((r) => [r.node, r.state])).toEqual([
      [3, 'REPLICA_STATE_IN_SYNC'],
      [1, 'REPLICA_STATE_LEADER'],
      [2, 'REPLICA_STATE_FENCED'],
    ]);
    const noLeader = replicaStatusForClient([3, 1, 2], undefined, new Map(), (id) => id !== 2);
    expect(noLeader.map((r) => [r.node, r.state, r.lastHeardMs])).toEqual([
      [3, 'REPLICA_STATE_UNKNOWN', -1],
      [1, 'REPLICA_STATE_UNKNOWN', -1],
      [2, 'REPLICA_STATE_OFFLINE', -1],
    ]);
  });
});

describe('logging in-sync changes', () => {
  function watched(measure: () => { term: number; replicas: MeasuredReplica[] } | undefined): Map<number, WatchedPartition> {
    return new Map([[7, { what: 'topic "orders" partition 0', measure }]]);
  }

  it('logs a replica leaving and rejoining the in-sync set with its lag and why, once each', () => {
    const lines: string[] = [];
    const watch = new InSyncWatch(1, (l) => lines.push(l));
    let followers = [progress(2), progress(3)];
    const p = watched(() => ({ term: 3, replicas: measureReplicas(leaderView(followers))! }));
    watch.round(p);
    watch.round(p);
    expect(lines).toEqual([]);
    followers = [progress(2), progress(3, { ticksSinceContact: 25, match: 4 })];
    watch.round(p);
    watch.round(p);
    expect(lines).toEqual([
      'node 1: topic "orders" partition 0: replica 3 left the in-sync set: offline, lag 60 records (6000 bytes), last heard 2.5 s ago, log end offset 40; not heard from for 2.5 s (replica.lag.time.max.ms=2000)',
    ]);
    followers = [progress(2), progress(3)];
    watch.round(p);
    expect(lines[1]).toBe(
      'node 1: topic "orders" partition 0: replica 3 rejoined the in-sync set: in-sync, lag 0 records (0 bytes), last heard 0.1 s ago, log end offset 100; heard from 0.1 s ago, 0 records behind',
    );
    expect(lines).toHaveLength(2);
  });

  it('a new leadership waits for its followers\' first answers, then logs the ones out of sync', () => {
    const lines: string[] = [];
    const watch = new InSyncWatch(1, (l) => lines.push(l));
    let followers = [progress(2, { heardFrom: false, match: 0, ticksSinceContact: 1 }), progress(3, { heardFrom: false, match: 0, ticksSinceContact: 1 })];
    const p = watched(() => ({ term: 3, replicas: measureReplicas(leaderView(followers))! }));
    watch.round(p);
    expect(lines).toEqual([]);
    followers = [progress(2), progress(3, { heardFrom: false, match: 0, ticksSinceContact: 21 })];
    watch.round(p);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^node 1: topic "orders" partition 0: replica 3 is out of the in-sync set \(node 1 leads term 3\): offline, lag 100 records .* never heard from in this term/);
  });

  it('forgets a partition it stops leading, and says nothing for it meanwhile', () => {
    const lines: string[] = [];
    const watch = new InSyncWatch(1, (l) => lines.push(l));
    let leading = true;
    let followers = [progress(2), progress(3)];
    const p = watched(() => (leading ? { term: 3, replicas: measureReplicas(leaderView(followers))! } : undefined));
    watch.round(p);
    leading = false;
    followers = [progress(2), progress(3, { ticksSinceContact: 50 })];
    watch.round(p);
    expect(lines).toEqual([]);
  });
});
