import { describe, expect, it } from 'vitest';
import type { NodeId, ProgressView } from '../../raft';
import { type MembershipView, nextMembershipStep } from './membership-plan';

function pr(id: NodeId, inSync = true, match = 100, isLearner = false): ProgressView {
  return { id, isLearner, match, next: match + 1, state: 'replicate', ticksSinceContact: 0, heardFrom: true, inSync, inflightMessages: 0, inflightBytes: 0 };
}

function view(over: Partial<MembershipView>): MembershipView {
  return {
    self: 1,
    conf: { voters: [1, 2, 3], learners: [] },
    targetVoters: [1, 2, 3],
    targetLearners: [],
    resyncing: [],
    removing: [],
    progress: [pr(1), pr(2), pr(3)],
    commit: 100,
    ...over,
  };
}

describe('the next membership step of a group leader', () => {
  it('a settled group needs nothing', () => {
    expect(nextMembershipStep(view({}))).toBeUndefined();
  });

  it('a member that lost its data is removed while it votes, added back as a learner, then recorded readmitted', () => {
    expect(nextMembershipStep(view({ resyncing: [3] }))).toMatchObject({ kind: 'conf', change: { type: 'removeNode', node: 3 } });
    expect(nextMembershipStep(view({ resyncing: [3], conf: { voters: [1, 2], learners: [] } }))).toMatchObject({ kind: 'conf', change: { type: 'addLearner', node: 3 } });
    expect(nextMembershipStep(view({ resyncing: [3], conf: { voters: [1, 2], learners: [3] } }))).toEqual({ kind: 'readmitted', node: 3 });
  });

  it('while a member resyncs it is never promoted, however in sync its old progress looks', () => {
    const step = nextMembershipStep(view({ resyncing: [3], conf: { voters: [1, 2], learners: [3] }, progress: [pr(1), pr(2), pr(3, true, 100, true)] }));
    expect(step).toEqual({ kind: 'readmitted', node: 3 });
  });

  it('a readmitted learner is promoted only once it answered and holds the log to near the commit index', () => {
    const conf = { voters: [1, 2], learners: [3] };
    const commit = 5000;
    // A new member's progress looks in sync to Raft before it ever answered: not enough.
    const unheard = { ...pr(3, true, 0, true), heardFrom: false, state: 'probe' as const };
    expect(nextMembershipStep(view({ conf, commit, progress: [pr(1), pr(2), unheard] }))).toBeUndefined();
    expect(nextMembershipStep(view({ conf, commit, progress: [pr(1), pr(2), pr(3, true, 4000, true)] }))).toBeUndefined();
    expect(nextMembershipStep(view({ conf, commit, progress: [pr(1), pr(2), pr(3, true, 4950, true)] }))).toMatchObject({ change: { type: 'addVoter', node: 3 } });
  });

  it('a reassignment {1,2,3} -> {2,3,4}: learner, voter, then the old member removed (the leader hands off first), then the metadata told', () => {
    const target = { targetVoters: [2, 3, 4], removing: [1] };
    expect(nextMembershipStep(view({ ...target }))).toMatchObject({ change: { type: 'addLearner', node: 4 } });
    // Nothing is removed while the new member cannot vote yet.
    expect(nextMembershipStep(view({ ...target, commit: 1000, conf: { voters: [1, 2, 3], learners: [4] }, progress: [pr(1), pr(2), pr(3), pr(4, false, 3, true)] }))).toBeUndefined();
    expect(nextMembershipStep(view({ ...target, conf: { voters: [1, 2, 3], learners: [4] }, progress: [pr(1), pr(2), pr(3), pr(4, true, 100, true)] }))).toMatchObject({
      change: { type: 'addVoter', node: 4 },
    });
    const all = { voters: [1, 2, 3, 4], learners: [] };
    // Node 1 leads: it hands leadership to the caught-up wanted voter with the most log.
    expect(nextMembershipStep(view({ ...target, conf: all, progress: [pr(1), pr(2, true, 90), pr(3, true, 100), pr(4, false, 100)] }))).toEqual({ kind: 'transfer', to: 3 });
    // Node 2 leads: it removes node 1.
    expect(nextMembershipStep(view({ ...target, self: 2, conf: all, progress: [pr(1), pr(2), pr(3), pr(4)] }))).toMatchObject({ change: { type: 'removeNode', node: 1 } });
    expect(nextMembershipStep(view({ ...target, self: 2, conf: { voters: [2, 3, 4], learners: [] }, progress: [pr(2), pr(3), pr(4)] }))).toEqual({ kind: 'removed', node: 1 });
  });

  it('the metadata group keeps its learners as learners', () => {
    const conf = { voters: [1, 2, 3], learners: [4, 5] };
    expect(nextMembershipStep(view({ conf, targetLearners: [4, 5], progress: [pr(1), pr(2), pr(3), pr(4, true, 100, true), pr(5, true, 100, true)] }))).toBeUndefined();
  });
});
