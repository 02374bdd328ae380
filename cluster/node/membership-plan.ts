import type { ConfChange, ConfState, NodeId, ProgressView } from '../../raft';

/** What a group's leader sees of its group and what the metadata wants of it. */
export interface MembershipView {
  readonly self: NodeId;
  /** The group's applied membership (Raft's). */
  readonly conf: ConfState;
  /** Members that must end as voters (a partition's replicas; the metadata group's voter seats). */
  readonly targetVoters: readonly NodeId[];
  /** Members that must end as learners (the metadata group's other nodes); none for a partition. */
  readonly targetLearners: readonly NodeId[];
  /** Members that lost their data: removed, then readmitted as learners. */
  readonly resyncing: readonly NodeId[];
  /** Former members being moved off (a partition's `removing`). */
  readonly removing: readonly NodeId[];
  /** The leader's view of every member (Raft status progress). */
  readonly progress: readonly ProgressView[];
  /** The leader's commit index. */
  readonly commit: number;
}

/** How far behind the leader's commit index a learner may be and still be promoted (entries). */
export const PROMOTION_LAG = 100;

/**
 * A learner is promoted once it has answered this leader, is being replicated to in the steady
 * state, and holds the log to within PROMOTION_LAG entries of the commit index: a voter that must
 * first fetch the whole log would leave the group one failure from a stall.
 */
function caughtUp(p: ProgressView | undefined, commit: number): boolean {
  return p !== undefined && p.heardFrom && p.state === 'replicate' && p.match + PROMOTION_LAG >= commit;
}

/** The next step toward the wanted membership, one at a time (Raft takes one change at a time). */
export type MembershipStep =
  | { readonly kind: 'conf'; readonly change: ConfChange; readonly why: string }
  /** The metadata should record `node` readmitted (it is a learner again, empty). */
  | { readonly kind: 'readmitted'; readonly node: NodeId }
  /** The metadata should record `node` out of the group (it may drop its data). */
  | { readonly kind: 'removed'; readonly node: NodeId }
  /** The leader itself must leave: hand leadership to a caught-up voter first. */
  | { readonly kind: 'transfer'; readonly to: NodeId };

/**
 * The next membership step a group's leader takes, or undefined when the group is as wanted.
 * In order:
 * 1. a member that lost its data is removed while it is still a voter (the change commits without
 *    it, so nothing it acknowledged before counts), then added as a learner, then recorded
 *    readmitted: only then does its node run the group again, empty;
 * 2. a wanted member that is missing is added as a learner (it catches up without voting);
 * 3. a learner that must be a voter is promoted once it is in sync;
 * 4. once every wanted voter votes, members no longer wanted are removed (the leader hands off
 *    leadership first if it is one of them), and the metadata is told.
 * Single-server changes keep any two successive majorities overlapping; the core refuses a change
 * while another is not yet applied.
 */
export function nextMembershipStep(v: MembershipView): MembershipStep | undefined {
  const voters = new Set(v.conf.voters);
  const learners = new Set(v.conf.learners);
  const member = (n: NodeId) => voters.has(n) || learners.has(n);
  const resyncing = new Set(v.resyncing);
  const progress = new Map(v.progress.map((p) => [p.id, p]));

  for (const n of v.resyncing) {
    if (n === v.self) continue; // never: a node that lost a group's data does not run it
    if (voters.has(n)) return { kind: 'conf', change: { type: 'removeNode', node: n }, why: `node ${n} lost its data: its old seat is removed` };
    if (learners.has(n)) return { kind: 'readmitted', node: n };
    return { kind: 'conf', change: { type: 'addLearner', node: n }, why: `node ${n} lost its data: it is readmitted as a learner` };
  }
  const wanted = [...v.targetVoters, ...v.targetLearners];
  for (const n of wanted) {
    if (!member(n) && !resyncing.has(n)) return { kind: 'conf', change: { type: 'addLearner', node: n }, why: `node ${n} joins as a learner` };
  }
  for (const n of v.targetVoters) {
    if (learners.has(n) && !resyncing.has(n) && caughtUp(progress.get(n), v.commit)) {
      return { kind: 'conf', change: { type: 'addVoter', node: n }, why: `node ${n} caught up: it becomes a voter` };
    }
  }
  const settledVoters = v.targetVoters.filter((n) => !resyncing.has(n)).every((n) => voters.has(n));
  if (settledVoters) {
    for (const n of [...v.conf.voters, ...v.conf.learners]) {
      if (wanted.includes(n) || resyncing.has(n)) continue;
      if (n !== v.self) return { kind: 'conf', change: { type: 'removeNode', node: n }, why: `node ${n} is no longer a replica: it is removed` };
      const to = bestSuccessor(v, voters, progress);
      if (to !== undefined) return { kind: 'transfer', to };
      return undefined; // no voter in sync to hand over to yet
    }
  }
  for (const n of v.removing) if (!member(n)) return { kind: 'removed', node: n };
  return undefined;
}

/** The wanted voter, other than the leader, that has the most of the log and is in sync. */
function bestSuccessor(v: MembershipView, voters: ReadonlySet<NodeId>, progress: ReadonlyMap<NodeId, ProgressView>): NodeId | undefined {
  let best: ProgressView | undefined;
  for (const n of v.targetVoters) {
    const p = progress.get(n);
    if (n === v.self || !voters.has(n) || !p?.inSync) continue;
    if (!best || p.match > best.match) best = p;
  }
  return best?.id;
}
