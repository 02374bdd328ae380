import { type NodeId, ProposalDroppedError } from '../../raft';
import { CONTROLLER_GROUP } from '../metadata';
import type { MetadataProposals } from './metadata-proposals';
import { type MembershipStep, type MembershipView, nextMembershipStep } from './membership-plan';
import type { NodeCore } from './node-core';
import { toRpcError } from './rpc-errors';

/** Voters of the metadata group: the first (lowest-id) nodes; the others follow its log as learners. */
export const CONTROLLER_VOTERS = 3;

/**
 * The metadata group's seats: voters and learners, from the peer list less the nodes removed from
 * the cluster (a removed voter's seat goes to the next node, so the metadata group does not
 * depend on the first nodes forever).
 */
export function controllerSeats(peerIds: Iterable<NodeId>, retired: readonly NodeId[] = []): { voters: NodeId[]; learners: NodeId[] } {
  const ids = [...peerIds].filter((id) => !retired.includes(id)).sort((a, b) => a - b);
  return { voters: ids.slice(0, CONTROLLER_VOTERS), learners: ids.slice(CONTROLLER_VOTERS) };
}

/**
 * Moves the membership of every group this node leads toward what the metadata wants, one step
 * per group and housekeeping round (membership-plan.ts decides the step): reassignments, the
 * readmission of replicas that lost their data, and the metadata group's own seats. Steps are
 * retried each round until the state shows them done, so a leader change or a lost proposal
 * only delays them.
 */
export class MembershipDriver {
  /** Metadata proposals in flight, by group and step, so a round does not repeat one. */
  private readonly pending = new Set<string>();
  /** The last step logged per group, so a waiting step is logged once. */
  private readonly logged = new Map<number, string>();

  constructor(
    private readonly core: NodeCore,
    private readonly proposals: MetadataProposals,
  ) {}

  round(groups: Iterable<number>): void {
    const { core } = this;
    if (core.stopping) return;
    const state = core.controller.state;
    for (const g of [CONTROLLER_GROUP, ...groups]) {
      const status = core.multi.node(g)?.status();
      if (!status || status.role !== 'leader' || !status.progress) continue;
      let view: MembershipView;
      if (g === CONTROLLER_GROUP) {
        const seats = controllerSeats(core.peers.keys(), state.retiredNodes());
        view = { self: core.self, conf: status.conf, targetVoters: seats.voters, targetLearners: seats.learners, resyncing: state.controllerResyncing(), removing: [], progress: status.progress, commit: status.commit };
      } else {
        const p = state.partitionByGroup(g);
        if (!p || p.deleted) continue;
        view = { self: core.self, conf: status.conf, targetVoters: p.replicas, targetLearners: [], resyncing: p.resyncing, removing: p.removing, progress: status.progress, commit: status.commit };
      }
      const step = nextMembershipStep(view);
      if (step) this.take(g, step);
    }
  }

  private take(group: number, step: MembershipStep): void {
    const { core } = this;
    const text = describeStep(step);
    if (this.logged.get(group) !== text) {
      this.logged.set(group, text);
      core.log(`node ${core.self}: ${core.groupName(group)}: ${text}`);
    }
    switch (step.kind) {
      case 'conf':
        core.multi.tryWithNode(group, (n) => {
          try {
            n.proposeConfChange(step.change);
          } catch (e) {
            if (!(e instanceof ProposalDroppedError)) throw e; // another change is still being applied: next round
          }
        });
        return;
      case 'transfer':
        core.multi.tryWithNode(group, (n) => n.transferLeadership(step.to));
        return;
      case 'readmitted':
      case 'removed': {
        const key = `${group}:${step.kind}:${step.node}`;
        if (this.pending.has(key)) return;
        this.pending.add(key);
        const type = step.kind === 'readmitted' ? 'replicaReadmitted' : 'replicaRemoved';
        this.proposals
          .propose({ type, groupId: group, nodeId: step.node }, 3000)
          .catch((e) => {
            const r = toRpcError(e);
            if (r.code !== 'NO_LEADER' && r.code !== 'TIMEOUT' && r.code !== 'NOT_LEADER') core.log(`node ${core.self}: ${core.groupName(group)}: recording ${type} of node ${step.node} failed: ${r.message}`);
          })
          .finally(() => this.pending.delete(key));
      }
    }
  }
}

function describeStep(step: MembershipStep): string {
  switch (step.kind) {
    case 'conf':
      return step.why;
    case 'transfer':
      return `this node leaves the group: handing leadership to node ${step.to} first`;
    case 'readmitted':
      return `node ${step.node} is a learner again: recording it readmitted (it now resyncs from this leader)`;
    case 'removed':
      return `node ${step.node} is out of the group: recording it removed (it drops its copy)`;
  }
}
