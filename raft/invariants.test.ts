import { describe, expect, it } from 'vitest';
import { InvariantError } from './assert';
import { Inflights } from './inflights';
import { RaftLog } from './log';
import { MemoryStorage } from './memory-storage';
import { Progress } from './progress';
import type { RawNode } from './raw-node';
import { TestCluster, bytes } from './test-cluster';
import { type Entry, EntryType } from './types';

/**
 * Each family of inline invariants fires when its invariant is broken: the structures are driven
 * (or corrupted) into the state the assertion forbids, and must throw InvariantError naming it.
 */

const entry = (index: number, term: number): Entry => ({ index, term, type: EntryType.Normal, data: new Uint8Array(0) });

/** Node 1's log: entries 1..3 of term 1 in storage, 4..5 of term 2 unstable, committed 2, applied 1. */
function log(storage = new MemoryStorage({ voters: [1], learners: [] })): RaftLog {
  storage.append([entry(1, 1), entry(2, 1), entry(3, 1)]);
  const l = new RaftLog(storage, 2, 1, 1);
  l.append([entry(4, 2), entry(5, 2)]);
  return l;
}

describe('the log (raft/log.ts)', () => {
  it('a well-behaved log passes its checks', () => {
    const storage = new MemoryStorage({ voters: [1], learners: [] });
    const l = log(storage);
    l.commitTo(5);
    storage.append(l.unstableEntries());
    l.stableTo(5, 2);
    l.applying = 5;
    l.appliedTo(5);
    expect(() => l.checkInvariants(2)).not.toThrow();
    expect(l.lastIndex()).toBe(5);
  });

  it('a host that drops entries it said it persisted is caught: commit is then past the last index', () => {
    const l = log();
    l.commitTo(5);
    l.stableTo(5, 2); // but never written to storage
    expect(() => l.checkInvariants(2)).toThrow(/node 1 log \[1, 3\] committed 5 .*: commit is past the last index/);
  });

  it('nothing committed is ever overwritten', () => {
    expect(() => log().append([entry(2, 3)])).toThrow(InvariantError);
    expect(() => log().append([entry(2, 3)])).toThrow(/node 1 log .* committed 2 .*an append at 2 would overwrite committed entries/);
    expect(() => log().maybeAppend(1, 1, 2, [entry(2, 3)])).toThrow(/conflicts with a committed entry/);
  });

  it('an append never leaves a gap after the last index', () => {
    expect(() => log().append([entry(7, 2)])).toThrow(/an append at 7 would leave a gap after 5/);
  });

  it('appended entries have consecutive indexes and terms that never go back', () => {
    expect(() => log().append([entry(6, 2), entry(8, 2)])).toThrow(/appended entries out of order at 7: \[6@2, 8@2\]/);
    expect(() => log().append([entry(6, 2), entry(7, 1)])).toThrow(/out of order at 7/);
    expect(() => log().append([entry(6, 1)])).toThrow(/out of order at 6/); // index 5 is of term 2
  });

  it('commit never passes the last index', () => {
    expect(() => log().commitTo(6)).toThrow(/commit 6 is past the last index/);
  });

  it('commit never moves back: a snapshot at or below the commit index is not restored', () => {
    const snapshot = { metadata: { index: 2, term: 1, conf: { voters: [1], learners: [] } }, data: new Uint8Array(0) };
    expect(() => log().restore(snapshot)).toThrow(/a snapshot at 2 would move commit back/);
  });

  it('applied never moves back, nor past what was handed out to apply', () => {
    const l = log();
    l.applying = 2;
    expect(() => l.appliedTo(0)).toThrow(/applied up to 0, outside \[applied, applying\]/);
    expect(() => l.appliedTo(3)).toThrow(/applied up to 3, outside \[applied, applying\]/);
    l.appliedTo(2);
    expect(l.applied).toBe(2);
  });

  it('the host reports persisting real entries and snapshots only (index and term >= 1)', () => {
    expect(() => log().stableTo(0, 0)).toThrow(/persisted entries up to index 0 term 0/);
    expect(() => log().stableSnapTo(0)).toThrow(/installed a snapshot at index 0/);
  });

  it('checkInvariants: applied <= committed <= last index, and no entry of a later term than the node', () => {
    const l = log();
    l.committed = 6;
    expect(() => l.checkInvariants(2)).toThrow(/commit is past the last index/);
    const m = log();
    m.applied = 3;
    m.applying = 3;
    expect(() => m.checkInvariants(2)).toThrow(/entries handed out to apply are not committed/);
    expect(() => log().checkInvariants(1)).toThrow(/the last entry's term 2 is past the node's term 1/);
  });
});

describe('the in-flight window (raft/inflights.ts)', () => {
  it('indexes added strictly increase', () => {
    const w = new Inflights(4, 0, 2);
    w.add(5, 10);
    expect(() => w.add(5, 10)).toThrow(InvariantError);
    expect(() => w.add(4, 10)).toThrow(/inflights to 2: 1\/4 messages \(indexes 5\.\.5\), 10\/0 bytes: added index 4, not past the newest/);
  });

  it('never over capacity: nothing is added to a full window, by count or by bytes', () => {
    const byCount = new Inflights(2, 0);
    byCount.add(1, 1);
    byCount.add(2, 1);
    expect(() => byCount.add(3, 1)).toThrow(/add on a full window/);
    const byBytes = new Inflights(8, 100);
    byBytes.add(1, 60);
    byBytes.add(2, 60); // the message that crosses the limit is let through...
    expect(() => byBytes.add(3, 1)).toThrow(/add on a full window/); // ...and nothing after it
  });

  it('count and bytes never go negative, and bytes are 0 once the window is empty', () => {
    const w = new Inflights(4, 0);
    expect(() => w.add(1, -1)).toThrow(/added a message of -1 bytes/);
    const v = new Inflights(4, 0);
    v.add(1, 10);
    (v as unknown as { bytes_: number }).bytes_ = 5; // out of step with the message sizes
    expect(() => v.freeLE(1)).toThrow(/bytes out of step with the messages after freeing up to 1/);
  });
});

describe('follower progress (raft/progress.ts)', () => {
  const progress = (match: number, next: number) => new Progress(2, match, next, false, 4, 0);

  it('match stays below next: at creation and after an acknowledgement', () => {
    expect(() => progress(5, 5)).toThrow(/progress of 2 \(probe\): match 5 next 5; .*: match is not below next after created/);
    const p = progress(5, 6);
    p.next = 3; // corrupted
    expect(() => p.maybeUpdate(4)).toThrow(/match is not below next after an acknowledgement of 4/);
  });

  it('pipelining never moves next back', () => {
    const p = progress(3, 4);
    p.becomeReplicate();
    p.optimisticUpdate(6);
    expect(() => p.optimisticUpdate(5)).toThrow(/progress of 2 \(replicate\): match 3 next 7; .*: pipelining would move next back to 6/);
  });

  it('match never decreases: a stale acknowledgement leaves it, and nothing outside can write it', () => {
    const p = progress(0, 1);
    expect(p.maybeUpdate(5)).toBe(true);
    expect(p.maybeUpdate(3)).toBe(false);
    expect(p.match).toBe(5);
    p.becomeProbe();
    p.becomeReplicate();
    expect(p.match).toBe(5);
    // @ts-expect-error match is read-only outside Progress
    expect(() => (p.match = 1)).toThrow(TypeError);
  });
});

describe('role transitions (raft/raft.ts)', () => {
  /** The Raft state machine inside a RawNode, reached through a cast: the tests corrupt or drive it directly. */
  const raftOf = (node: RawNode): any => (node as any).raft;

  it('the term never goes back', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    expect(() => c.node(2).step({ type: 'heartbeat', from: 1, to: 2, term: 1, commit: 0, readRound: 0 })).not.toThrow();
    expect(() => raftOf(c.node(2)).becomeFollower(0, 1)).toThrow(/raft 2 \(term 1, follower, vote 1, leader 1, .*\): the term would go back to 0/);
  });

  it('a node votes at most once per term (the vote only changes from none)', () => {
    const c = new TestCluster([1, 2, 3], {}, [], new Set(['voteTwiceInTerm']));
    const n2 = c.node(2);
    n2.step({ type: 'vote', from: 1, to: 2, term: 1, lastIndex: 0, lastTerm: 0, transfer: true });
    expect(() => n2.step({ type: 'vote', from: 3, to: 2, term: 1, lastIndex: 0, lastTerm: 0, transfer: true })).toThrow(
      /raft 2 \(term 1, follower, vote 1, .*\): votes for 3, having voted for 1 in this term/,
    );
  });

  it('only a candidate with the votes of a majority of voters becomes leader', () => {
    const c = new TestCluster([1, 2, 3, 4, 5], { preVote: false }, [], new Set(['countVotesTwice']));
    const n1 = c.node(1);
    n1.campaign();
    const grant = { type: 'voteResponse' as const, from: 2, to: 1, term: 1, reject: false };
    n1.step(grant);
    expect(() => n1.step(grant)).toThrow(/raft 1 \(term 1, candidate, vote 1, .*\): becomes leader with 2 votes granted by voters/);
    const f = new TestCluster([1, 2, 3]);
    expect(() => raftOf(f.node(1)).becomeLeader()).toThrow(/raft 1 \(term 0, follower, .*\): only a candidate that voted for itself becomes leader/);
  });

  it('a leader only steps down to follower, never to (pre-)candidate', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    expect(() => raftOf(c.node(1)).becomeCandidate()).toThrow(/raft 1 \(term 1, leader, .*\): a leader only steps down to follower, never to candidate/);
    expect(() => raftOf(c.node(1)).becomePreCandidate()).toThrow(/never to pre-candidate/);
    expect(() => raftOf(c.node(1)).becomeFollower(1, 0)).not.toThrow();
  });

  it('only a voter campaigns', () => {
    const c = new TestCluster([1, 2, 3], {}, [4]);
    expect(() => raftOf(c.node(4)).becomeCandidate()).toThrow(/raft 4 .*learners \[4\].*: only a voter campaigns/);
    c.node(4).campaign(); // the public door refuses quietly
    expect(c.node(4).status().role).toBe('follower');
  });
});

describe('checkInvariants: the whole state of a node at once', () => {
  const raftOf = (node: RawNode): any => (node as any).raft;
  /** A leader (1) with followers 2 and 3 after some replication, and follower 3 cut off. */
  function cluster(): TestCluster {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    for (let i = 0; i < 3; i++) c.node(1).propose(bytes(`v${i}`));
    c.stabilize();
    c.filter = (m) => m.to !== 3 && m.from !== 3;
    for (let i = 0; i < 3; i++) c.node(1).propose(bytes(`w${i}`));
    c.stabilize();
    return c;
  }

  it('holds on every node of a healthy cluster, whatever the role (TestCluster checks it after every delivery too)', () => {
    const c = cluster();
    for (const id of [1, 2, 3]) expect(() => c.node(id).checkInvariants()).not.toThrow();
    c.node(2).campaign();
    expect(() => c.node(2).checkInvariants()).not.toThrow();
  });

  it('a leader leads itself', () => {
    const c = cluster();
    raftOf(c.node(1)).lead = 2;
    expect(() => c.node(1).checkInvariants()).toThrow(/raft 1 \(term 1, leader, vote 1, leader 2, .*\): a leader leads, and voted for, itself/);
  });

  it("the leader's own progress matches its last index", () => {
    const c = cluster();
    const self = raftOf(c.node(1)).prs.get(1);
    self.match_ = self.match - 1;
    expect(() => c.node(1).checkInvariants()).toThrow(/the leader's own progress does not match its last index; progress of 1/);
  });

  it("every follower's progress lies within the leader's log: match < next <= last index + 1", () => {
    const c = cluster();
    const last = c.node(1).status().lastIndex;
    const pr = raftOf(c.node(1)).prs.get(2);
    pr.match_ = last + 1;
    pr.next = last + 2;
    expect(() => c.node(1).checkInvariants()).toThrow(new RegExp(`follower 2 is not within the leader's log; progress of 2 \\(replicate\\): match ${last + 1} next ${last + 2}`));
  });

  it('the in-flight window agrees with the progress state', () => {
    const c = cluster();
    const r = raftOf(c.node(1));
    c.node(1).reportUnreachable(3);
    const probing = r.prs.get(3);
    expect(probing.state).toBe('probe');
    probing.inflights.add(probing.next, 1);
    expect(() => c.node(1).checkInvariants()).toThrow(/appends in flight outside replicate state; progress of 3 \(probe\)/);
    const d = cluster();
    const replicating = raftOf(d.node(1)).prs.get(2);
    expect(replicating.state).toBe('replicate');
    replicating.inflights.add(replicating.match, 1); // in flight, yet already acknowledged
    expect(() => d.node(1).checkInvariants()).toThrow(/in-flight window out of step; progress of 2 \(replicate\)/);
  });

  it('a follower follows another node, and has nothing in flight, no reads, no transfer', () => {
    const c = cluster();
    raftOf(c.node(2)).lead = 2;
    expect(() => c.node(2).checkInvariants()).toThrow(/raft 2 \(term 1, follower, vote 1, leader 2, .*\): a follower follows another node/);
    const d = cluster();
    raftOf(d.node(2)).leadTransferee = 3;
    expect(() => d.node(2).checkInvariants()).toThrow(/only a leader transfers leadership, serves reads or counts uncommitted bytes/);
  });

  it('a candidate voted for itself and knows no leader', () => {
    const c = cluster();
    c.node(3).campaign();
    raftOf(c.node(3)).vote = 1;
    expect(() => c.node(3).checkInvariants()).toThrow(/raft 3 \(term 2, candidate, vote 1, .*\): a candidate votes for itself/);
  });

  it('progress is tracked for exactly the members', () => {
    const c = cluster();
    raftOf(c.node(1)).prs.delete(3);
    expect(() => c.node(1).checkInvariants()).toThrow(/progress tracked for \[1,2\]/);
  });

  it("no entry is of a later term than the node's (the hard state's term bounds the log)", () => {
    const c = cluster();
    raftOf(c.node(2)).term = 0;
    expect(() => c.node(2).checkInvariants()).toThrow(/node 2 log .*: the last entry's term 1 is past the node's term 0/);
  });

  it('the log: commit never passes the last index', () => {
    const c = cluster();
    raftOf(c.node(3)).log.committed = 100;
    expect(() => c.node(3).checkInvariants()).toThrow(/node 3 log .* committed 100 .*: commit is past the last index/);
  });

  it('the hard state handed out to persist is never ahead of the node', () => {
    const c = cluster();
    (c.node(2) as any).prevHard = { term: 9, vote: 1, commit: 0 };
    expect(() => c.node(2).checkInvariants()).toThrow(/raft 2 .*: handed out hard state \{"term":9,"vote":1,"commit":0\}/);
  });
});
