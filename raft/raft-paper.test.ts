import { describe, expect, it } from 'vitest';
import { MemoryStorage } from './memory-storage';
import type { PlantedBug } from './planted-bugs';
import { RawNode } from './raw-node';
import { TestCluster, bytes } from './test-cluster';
import { EntryType, type Message, ProposalDroppedError } from './types';

/** The Raft paper, section by section, plus the dissertation's extensions (pre-vote, check-quorum). */

const isolate = (...ids: number[]) => (m: Message) => !ids.includes(m.from) && !ids.includes(m.to);

describe('§5.2 leader election', () => {
  it('elects exactly one leader from timeouts alone, thanks to randomised election timeouts', () => {
    const c = new TestCluster([1, 2, 3, 4, 5]);
    c.tickAll(40);
    const statuses = [...c.nodes.values()].map((n) => n.status());
    const leaders = statuses.filter((s) => s.role === 'leader');
    expect(leaders).toHaveLength(1);
    expect(new Set(statuses.map((s) => s.leader))).toEqual(new Set([leaders[0].id]));
  });

  it('a follower never votes twice in one term', () => {
    const c = new TestCluster([1, 2, 3]);
    const n2 = c.node(2);
    n2.step({ type: 'vote', from: 1, to: 2, term: 1, lastIndex: 0, lastTerm: 0, transfer: true });
    n2.step({ type: 'vote', from: 3, to: 2, term: 1, lastIndex: 0, lastTerm: 0, transfer: true });
    const rd = n2.ready();
    const answers = rd.messages.filter((m) => m.type === 'voteResponse');
    expect(answers.map((m) => [m.to, m.type === 'voteResponse' && m.reject])).toEqual([
      [1, false],
      [3, true],
    ]);
  });

  it('the vote is in the hard state of the same Ready as the vote answer (persist before send)', () => {
    const c = new TestCluster([1, 2, 3]);
    c.node(2).step({ type: 'vote', from: 1, to: 2, term: 1, lastIndex: 0, lastTerm: 0, transfer: true });
    const rd = c.node(2).ready();
    expect(rd.messages.some((m) => m.type === 'voteResponse' && !m.reject)).toBe(true);
    expect(rd.hardState).toMatchObject({ term: 1, vote: 1 });
    expect(rd.mustSync).toBe(true);
  });

  it('a node refuses to vote for a candidate whose log is less up to date (§5.4.1)', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    c.node(1).propose(bytes('x'));
    c.stabilize();
    const n3 = c.node(3);
    n3.step({ type: 'vote', from: 2, to: 3, term: 5, lastIndex: 1, lastTerm: 1, transfer: true });
    const answer = n3.ready().messages.find((m) => m.type === 'voteResponse');
    expect(answer).toMatchObject({ reject: true });
  });
});

describe('§9.6 pre-vote and check-quorum', () => {
  it('with pre-vote, a partitioned node does not raise its term, so it cannot disrupt the leader when it returns', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    const term = c.node(1).status().term;
    c.filter = isolate(3);
    c.tickAll(100);
    expect(c.node(3).status().term).toBe(term);
    c.filter = () => true;
    c.tickAll(5);
    expect(c.node(1).status()).toMatchObject({ role: 'leader', term });
  });

  it('without pre-vote the same partitioned node raises its term (the test above would fail)', () => {
    const c = new TestCluster([1, 2, 3], { preVote: false });
    c.elect(1);
    const term = c.node(1).status().term;
    c.filter = isolate(3);
    c.tickAll(100);
    expect(c.node(3).status().term).toBeGreaterThan(term);
  });

  it('with check-quorum, a leader cut off from the majority steps down within an election timeout', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    c.filter = isolate(1);
    c.tickAll(25);
    expect(c.node(1).status().role).not.toBe('leader');
  });

  it('without check-quorum the cut-off leader stays leader (the test above would fail)', () => {
    const c = new TestCluster([1, 2, 3], { checkQuorum: false });
    c.elect(1);
    c.filter = isolate(1);
    for (let i = 0; i < 25; i++) {
      c.tick(1);
      c.stabilize();
    }
    expect(c.node(1).status().role).toBe('leader');
  });
});

describe('§5.3 log replication', () => {
  it('a new leader appends an empty entry of its term and commits it', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    const s = c.node(1).status();
    const entries = c.storages.get(1)!.allEntries();
    expect(entries[entries.length - 1]).toMatchObject({ term: s.term, index: s.lastIndex, data: new Uint8Array(0) });
    expect(s.commit).toBe(s.lastIndex);
  });

  it('replicates proposals to every node, in order', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    for (let i = 0; i < 20; i++) c.node(1).propose(bytes(`v${i}`));
    c.stabilize();
    c.tickAll(2);
    const want = Array.from({ length: 20 }, (_, i) => `v${i}`);
    for (const id of [1, 2, 3]) expect(c.data(id)).toEqual(want);
  });

  it('batches: proposals made while a follower is probing go out together in one append', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    c.filter = isolate(3);
    for (let i = 0; i < 10; i++) c.node(1).propose(bytes(`v${i}`));
    c.stabilize();
    c.filter = () => true;
    c.delivered.length = 0;
    c.tickAll(3);
    const appendsTo3 = c.delivered.filter((m) => m.type === 'append' && m.to === 3 && m.entries.length > 0);
    expect(appendsTo3[0].type === 'append' && appendsTo3[0].entries.length).toBeGreaterThanOrEqual(10);
    expect(c.data(3)).toHaveLength(10);
  });

  it('pipelines: in replicate state the leader sends further appends before earlier ones are answered', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    const leader = c.node(1);
    for (let i = 0; i < 5; i++) leader.propose(bytes(`v${i}`));
    const rd = leader.ready();
    const to2 = rd.messages.filter((m) => m.type === 'append' && m.to === 2);
    expect(to2.length).toBe(5);
    expect(leader.status().progress!.find((p) => p.id === 2)).toMatchObject({ state: 'replicate', inflightMessages: 5 });
  });

  it('flow control: at most maxInflightMessages appends are in flight to one follower', () => {
    const c = new TestCluster([1, 2, 3], { maxInflightMessages: 3 });
    c.elect(1);
    const leader = c.node(1);
    for (let i = 0; i < 10; i++) leader.propose(bytes(`v${i}`));
    const to2 = leader.ready().messages.filter((m) => m.type === 'append' && m.to === 2);
    expect(to2.length).toBe(3);
    expect(leader.status().progress!.find((p) => p.id === 2)!.inflightMessages).toBe(3);
  });

  it('flow control: in-flight bytes are bounded by maxInflightBytes', () => {
    const c = new TestCluster([1, 2, 3], { maxInflightBytes: 2500, maxMessageBytes: 1000 });
    c.elect(1);
    const leader = c.node(1);
    for (let i = 0; i < 10; i++) leader.propose(new Uint8Array(1000));
    const to2 = leader.ready().messages.filter((m) => m.type === 'append' && m.to === 2);
    expect(to2.length).toBe(3); // the third crosses the limit, the fourth waits
  });

  it('probe: while the match point is unknown, only one append is in flight', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    c.filter = isolate(3);
    c.tickAll(1);
    // Make 3 reject once so its progress falls back to probe.
    c.node(1).reportUnreachable(3);
    for (let i = 0; i < 5; i++) c.node(1).propose(bytes(`v${i}`));
    const to3 = c.node(1).ready().messages.filter((m) => m.type === 'append' && m.to === 3);
    expect(to3.length).toBe(1);
    expect(c.node(1).status().progress!.find((p) => p.id === 3)!.state).toBe('probe');
  });

  it('fast back-tracking: a follower with a long conflicting suffix is repaired in a few round trips, not one per entry', () => {
    // Node 3 was leader in term 2 and appended 50 entries that never committed.
    const c = new TestCluster([1, 2, 3]);
    c.elect(3);
    c.filter = isolate(3);
    for (let i = 0; i < 50; i++) c.node(3).propose(bytes(`lost${i}`));
    c.stabilize();
    c.tickAll(40); // 1 and 2 elect one of themselves once 3's lease runs out
    const leader = c.leader()!;
    expect([1, 2]).toContain(leader);
    for (let i = 0; i < 5; i++) c.node(leader).propose(bytes(`kept${i}`));
    c.stabilize();
    c.filter = () => true;
    c.delivered.length = 0;
    c.tickAll(5);
    const rejects = c.delivered.filter((m) => m.type === 'appendResponse' && m.from === 3 && m.reject);
    expect(rejects.length).toBeLessThanOrEqual(2);
    expect(c.data(3)).toEqual(['kept0', 'kept1', 'kept2', 'kept3', 'kept4']);
  });
});

describe('§5.4.2 the commit rule', () => {
  /**
   * Figure 8: node 1 holds an entry of term 2 that no one else has, and becomes leader in term 3.
   * Appends are rewritten to carry only entries of earlier terms, so the term-2 entry reaches a
   * majority while the leader's own term-3 no-op does not.
   */
  const figure8 = (bugs?: ReadonlySet<PlantedBug>) => {
    const c = new TestCluster([], {}, [], bugs);
    const conf = { voters: [1, 2, 3], learners: [] };
    for (const id of [1, 2, 3]) {
      const storage = new MemoryStorage(conf);
      storage.append([{ term: 1, index: 1, type: EntryType.Normal, data: bytes('first') }]);
      if (id === 1) storage.append([{ term: 2, index: 2, type: EntryType.Normal, data: bytes('old') }]);
      storage.setHardState({ term: 2, vote: id === 1 ? 1 : 0, commit: 1 });
      c.add(id, conf, storage);
    }
    c.filter = (m) => (m.type === 'append' ? { ...m, entries: m.entries.filter((e) => e.term < 3) } : true);
    c.elect(1);
    c.tickAll(3);
    return c;
  };

  it('an entry of an earlier term is never committed by counting replicas, only with one of the current term', () => {
    const c = figure8();
    const leader = c.node(1).status();
    expect(leader).toMatchObject({ role: 'leader', term: 3 });
    expect(leader.progress!.find((p) => p.id === 2)!.match).toBe(2); // 'old' is on a majority...
    expect(leader.commit).toBe(1); // ...yet not committed
    c.filter = () => true;
    c.tickAll(3);
    expect(c.node(1).status().commit).toBe(3);
    expect(c.data(2)).toEqual(['first', 'old']);
  });

  it('with the commitOldTermByCounting bug planted, the same scenario commits the old entry early (the test above would fail)', () => {
    const c = figure8(new Set(['commitOldTermByCounting']));
    expect(c.node(1).status().commit).toBe(2);
  });
});

describe('in-sync replicas (progress the host reads)', () => {
  it('a follower is in sync while caught up and heard from; falls out when silent or lagging; returns when caught up', () => {
    const c = new TestCluster([1, 2, 3], { inSyncMaxLagEntries: 5, inSyncMaxTicks: 4 });
    c.elect(1);
    c.tickAll(2);
    const view = (id: number) => c.node(1).status().progress!.find((p) => p.id === id)!;
    expect(view(3).inSync).toBe(true);
    c.filter = isolate(3);
    c.tickAll(5);
    expect(view(3).inSync).toBe(false);
    expect(view(3).ticksSinceContact).toBeGreaterThan(4);
    c.filter = () => true;
    c.tickAll(2);
    expect(view(3).inSync).toBe(true);
    // Lagging by entries: drop appends to 3 but keep heartbeats flowing.
    c.filter = (m) => !(m.type === 'append' && m.to === 3);
    for (let i = 0; i < 10; i++) c.node(1).propose(bytes(`v${i}`));
    c.stabilize();
    c.tickAll(1);
    expect(view(3).ticksSinceContact).toBeLessThanOrEqual(1);
    expect(view(3).inSync).toBe(false);
    c.filter = () => true;
    c.tickAll(3);
    expect(view(3).inSync).toBe(true);
    expect(view(3).match).toBe(c.node(1).status().lastIndex);
  });

  it('a new leader says which followers it has heard from; for the others ticksSinceContact is its leadership\'s age', () => {
    const c = new TestCluster([1, 2, 3]);
    c.filter = isolate(3);
    c.elect(1);
    c.tickAll(3);
    const view = (id: number) => c.node(1).status().progress!.find((p) => p.id === id)!;
    expect(view(1).heardFrom).toBe(true);
    expect(view(2).heardFrom).toBe(true);
    expect(view(3)).toMatchObject({ heardFrom: false, match: 0, ticksSinceContact: 3 });
    c.filter = () => true;
    c.tickAll(2);
    expect(view(3).heardFrom).toBe(true);
    expect(view(3).ticksSinceContact).toBeLessThanOrEqual(1);
  });
});

describe('snapshots', () => {
  it('a follower behind the leader\'s compacted log is sent a snapshot, installs it, then catches up with entries', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    c.filter = isolate(3);
    for (let i = 0; i < 10; i++) c.node(1).propose(bytes(`v${i}`));
    c.stabilize();
    c.tickAll(1);
    const leaderStore = c.storages.get(1)!;
    const applied = c.node(1).status().applied;
    leaderStore.createSnapshot(applied, c.node(1).status().conf, bytes('state@' + applied));
    leaderStore.compact(applied);
    c.node(1).propose(bytes('after'));
    c.stabilize();
    c.filter = () => true;
    c.delivered.length = 0;
    c.tickAll(5);
    const snaps = c.delivered.filter((m) => m.type === 'snapshot' && m.to === 3);
    expect(snaps).toHaveLength(1);
    expect(c.storages.get(3)!.snapshot()).toMatchObject({ metadata: { index: applied } });
    expect(c.data(3)).toEqual(['after']);
    expect(c.node(3).status().commit).toBe(c.node(1).status().commit);
  });

  it('a lost snapshot is retried rather than stalling the follower forever', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    c.filter = isolate(3);
    for (let i = 0; i < 5; i++) c.node(1).propose(bytes(`v${i}`));
    c.stabilize();
    c.tickAll(1);
    const applied = c.node(1).status().applied;
    c.storages.get(1)!.createSnapshot(applied, c.node(1).status().conf, bytes('s'));
    c.storages.get(1)!.compact(applied);
    c.filter = (m) => m.type !== 'snapshot';
    c.tickAll(5);
    expect(c.node(1).status().progress!.find((p) => p.id === 3)!.state).toBe('snapshot');
    c.filter = () => true;
    c.tickAll(50);
    expect(c.node(3).status().commit).toBe(c.node(1).status().commit);
  });
});

describe('§3.10 leadership transfer', () => {
  it('brings a lagging target up to date, then it campaigns at once and wins', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    c.filter = isolate(3);
    for (let i = 0; i < 5; i++) c.node(1).propose(bytes(`v${i}`));
    c.stabilize();
    c.filter = () => true;
    const term = c.node(1).status().term;
    c.node(1).transferLeadership(3);
    expect(() => c.node(1).propose(bytes('during'))).toThrow(ProposalDroppedError);
    c.stabilize();
    expect(c.node(3).status()).toMatchObject({ role: 'leader', term: term + 1 });
    expect(c.data(3).slice(0, 5)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
  });

  it('a transfer that cannot finish within an election timeout is abandoned and proposals resume', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    c.filter = isolate(3);
    c.node(1).transferLeadership(3);
    for (let i = 0; i < 12; i++) {
      c.tick(1);
      c.stabilize();
    }
    expect(c.node(1).status().transferee).toBe(0);
    expect(() => c.node(1).propose(bytes('ok'))).not.toThrow();
  });
});

describe('§6.4 ReadIndex', () => {
  it('answers a read with the commit index only after a quorum confirms leadership', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    c.node(1).propose(bytes('a'));
    c.stabilize();
    const commit = c.node(1).status().commit;
    c.filter = () => false;
    c.node(1).readIndex(bytes('r1'));
    c.stabilize();
    expect(c.reads.get(1)).toHaveLength(0);
    c.filter = () => true;
    c.tickAll(1);
    expect(c.reads.get(1)!.map((r) => [r.index, new TextDecoder().decode(r.ctx)])).toEqual([[commit, 'r1']]);
  });

  it('a leader cut off from the majority never answers a read', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    c.filter = isolate(1);
    c.node(1).readIndex(bytes('r'));
    for (let i = 0; i < 30; i++) {
      c.tick(1);
      c.stabilize();
    }
    expect(c.reads.get(1)).toHaveLength(0);
  });

  it('a read on a follower is refused with the leader named', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    try {
      c.node(2).readIndex(bytes('r'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ProposalDroppedError);
      expect((e as ProposalDroppedError).leader).toBe(1);
    }
  });
});

describe('§4 membership changes with learners', () => {
  it('a learner receives the log but neither votes nor counts towards commit; promoted, it does both', () => {
    const c = new TestCluster([1, 2, 3], {}, [4]);
    c.elect(1);
    c.node(1).propose(bytes('a'));
    c.stabilize();
    c.tickAll(2);
    expect(c.data(4)).toEqual(['a']);
    expect(c.node(1).status().progress!.find((p) => p.id === 4)!.isLearner).toBe(true);
    // With 2 and 3 down, the learner alone cannot make a quorum.
    c.filter = isolate(2, 3);
    c.node(1).propose(bytes('b'));
    c.stabilize();
    expect(c.data(1)).toEqual(['a']);
    c.filter = () => true;
    c.tickAll(3);
    c.node(1).proposeConfChange({ type: 'addVoter', node: 4 });
    c.stabilize();
    c.tickAll(2);
    expect(c.node(1).status().conf.voters).toEqual([1, 2, 3, 4]);
    expect(c.node(4).status().conf.voters).toEqual([1, 2, 3, 4]);
  });

  it('refuses a second change while one is unapplied, and any change before the leader commits in its term', () => {
    const c = new TestCluster([1, 2, 3]);
    c.node(1).campaign();
    // Leader, but its no-op is not committed until the votes and appends are processed.
    c.processReadies();
    c.stabilize();
    c.filter = () => false;
    c.node(1).campaign(); // already leader: no-op
    const s = new TestCluster([1, 2, 3]);
    s.elect(1);
    s.filter = () => false;
    s.node(1).proposeConfChange({ type: 'addLearner', node: 4 });
    expect(() => s.node(1).proposeConfChange({ type: 'addLearner', node: 5 })).toThrow(/not applied yet/);
    // A fresh leader that has not committed in its term refuses too.
    const f = new TestCluster([1, 2, 3]);
    f.filter = (m) => m.type !== 'append';
    f.elect(1);
    expect(f.node(1).status().role).toBe('leader');
    expect(() => f.node(1).proposeConfChange({ type: 'addLearner', node: 4 })).toThrow(/has not committed an entry/);
  });

  it('a leader that removes itself steps down once the change applies, and the rest elect a new leader', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    c.node(1).proposeConfChange({ type: 'removeNode', node: 1 });
    c.stabilize();
    c.tickAll(1);
    expect(c.node(1).status().role).not.toBe('leader');
    c.nodes.delete(1);
    c.tickAll(40);
    expect(c.node(2).status().conf.voters).toEqual([2, 3]);
    expect([2, 3]).toContain(c.leader());
  });

  it('invalid changes are refused with a reason', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    expect(() => c.node(1).proposeConfChange({ type: 'removeNode', node: 9 })).toThrow(/not a member/);
    expect(() => c.node(1).proposeConfChange({ type: 'addVoter', node: 2 })).toThrow(/already a voter/);
  });
});

describe('scale: many groups in one process', () => {
  it('after advance, a group holds no log entries or messages in memory: memory is bounded by what is unapplied and in flight', () => {
    const groups = Array.from({ length: 1000 }, (_, g) => {
      const storage = new MemoryStorage({ voters: [1], learners: [] });
      return { storage, node: new RawNode({ id: 1, electionTicks: 10, heartbeatTicks: 1, storage, seed: g }) };
    });
    const drain = (g: (typeof groups)[number]) => {
      while (g.node.hasReady()) {
        const rd = g.node.ready();
        g.storage.append(rd.entries);
        if (rd.hardState) g.storage.setHardState(rd.hardState);
        g.node.advance(rd);
      }
    };
    for (const g of groups) {
      g.node.campaign();
      drain(g);
      for (let i = 0; i < 20; i++) g.node.propose(new Uint8Array(100));
      drain(g);
    }
    for (const g of groups) {
      const s = g.node.status();
      expect(s.role).toBe('leader');
      expect(s.applied).toBe(21);
      // The core's own copy of the log is empty once persisted; entries live in storage only.
      const raft = (g.node as unknown as { raft: { log: { unstableEntries(): unknown[] }; msgs: unknown[] } }).raft;
      expect(raft.log.unstableEntries()).toHaveLength(0);
      expect(raft.msgs).toHaveLength(0);
    }
  });

  it('conf change entries round-trip through the log and apply on every node', () => {
    const c = new TestCluster([1, 2, 3]);
    c.elect(1);
    c.node(1).proposeConfChange({ type: 'addLearner', node: 7 });
    c.stabilize();
    c.tickAll(1);
    const ccs = c.applied.get(2)!.filter((e) => e.type === EntryType.ConfChange);
    expect(ccs).toHaveLength(1);
    expect(c.node(2).status().conf.learners).toEqual([7]);
  });
});
