import type { NodeId } from '../../raft';
import { type LeadershipView, planLeadershipMoves } from '../metadata';
import type { NodeCore } from './node-core';
import { inSyncVoters, type PartitionReplica } from './partition-replica';

/**
 * Leadership balancing, run by each node for the partitions it leads (the decisions are
 * planLeadershipMoves in cluster/metadata/leader-balance.ts): a partition goes back to its
 * preferred leader (replicas[0]) once that one is in sync, so leaders return to the spread the
 * assignment made after a node restarts; and while a partition's preferred leader is not in
 * sync, a node leading more than its fair share hands some such partitions to in-sync replicas
 * on nodes leading fewer, so the leaderships of a dead node spread over the live ones instead of
 * piling on the next replica.
 *
 * The leader counts are this node's own view: every partition it hosts, led by whoever its Raft
 * group names (itself for those it leads; the leader its follower replica follows for the
 * others). No extra messages and no cluster-wide state: with a replica of every partition on
 * every node (replication factor = nodes) the view is the whole cluster; with fewer, a node
 * balances over the partitions it shares with the others, which is what it can hand over anyway
 * (a leadership only moves to a replica). Each leader decides only for itself, and the rule never
 * moves a leadership to a node that would then lead more than the giver (see
 * planLeadershipMoves): when the nodes see the same partitions (replication factor = nodes), two
 * nodes cannot trade partitions back and forth. With fewer replicas the views differ, and that
 * guarantee is only as good as the overlap (a known limit: a cluster-wide count would need the
 * describe fan-out every round). A transfer also needs the same target at two checks in a row, so
 * a flapping node does not bounce leadership.
 */
export class LeadershipBalancer {
  /** The target each partition led here was given last round (a transfer needs two in a row). */
  private candidates = new Map<number, NodeId>();

  constructor(private readonly core: NodeCore) {}

  balance(replicas: ReadonlyMap<number, PartitionReplica>): void {
    const { core } = this;
    const view: LeadershipView[] = [];
    const alive = new Set<NodeId>();
    const transferring = new Set<number>();
    for (const g of replicas.keys()) {
      const st = core.multi.node(g)?.status();
      const info = core.controller.state.partitionByGroup(g);
      if (!st || !info || info.deleted) continue;
      for (const r of info.replicas) if (core.alive(r)) alive.add(r);
      if (st.role === 'leader') {
        // A partition being handed over already counts for its new leader.
        if (st.transferee) transferring.add(g);
        const inSync = new Set(inSyncVoters(st));
        inSync.add(core.self);
        view.push({ group: g, replicas: info.replicas, leader: st.transferee || core.self, inSync: [...inSync] });
      } else {
        view.push({ group: g, replicas: info.replicas, leader: st.leader });
      }
    }
    const next = new Map<number, NodeId>();
    for (const [g, target] of planLeadershipMoves(core.self, view, alive)) {
      if (transferring.has(g)) continue;
      if (this.candidates.get(g) === target) {
        const p = replicas.get(g);
        const info = core.controller.state.partitionByGroup(g);
        const why = info && target === info.replicas[0] ? 'its preferred leader' : 'a node leading fewer partitions (its preferred leader is not in sync)';
        core.log(`node ${core.self}: handing ${p?.what ?? `group ${g}`} to ${why}, node ${target}`);
        core.multi.withNode(g, (n) => n.transferLeadership(target));
      } else next.set(g, target);
    }
    this.candidates = next;
  }
}
