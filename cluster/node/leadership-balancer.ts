import { preferredLeader } from '../metadata';
import type { NodeCore } from './node-core';
import { inSyncVoters, type PartitionReplica } from './partition-replica';

/**
 * Preferred-leader election, run by each leader for the partitions it leads: leadership goes to
 * the first replica in the assignment's order that is in sync (replicas[0] when it is back), so
 * leaders return to the spread the assignment made after a node restarts. A transfer needs the
 * target in sync at two checks in a row, so a flapping node does not bounce leadership.
 */
export class LeadershipBalancer {
  /** Partitions whose preferred leader was seen in sync last round (a transfer needs two in a row). */
  private candidates = new Set<number>();

  constructor(private readonly core: NodeCore) {}

  balance(replicas: ReadonlyMap<number, PartitionReplica>): void {
    const { core } = this;
    const next = new Set<number>();
    for (const [g, r] of replicas) {
      const st = core.multi.node(g)?.status();
      if (!st || st.role !== 'leader' || st.transferee) continue;
      const info = core.controller.state.partitionByGroup(g);
      if (!info) continue;
      const inSync = new Set(inSyncVoters(st));
      inSync.add(core.self);
      const target = preferredLeader(info.replicas, inSync);
      if (target === core.self || target === 0) continue;
      if (this.candidates.has(g)) {
        core.log(`node ${core.self}: handing ${r.what} to its preferred leader, node ${target}`);
        core.multi.withNode(g, (n) => n.transferLeadership(target));
      } else next.add(g);
    }
    this.candidates = next;
  }
}
