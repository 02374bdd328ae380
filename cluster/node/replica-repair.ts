import { CorruptionError } from '../../log-store';
import { PartitionError } from '../partition';
import { CONTROLLER_GROUP } from '../metadata';
import type { MetadataProposals } from './metadata-proposals';
import type { GroupFailure } from './multi-raft';
import type { NodeCore } from './node-core';
import { toRpcError } from './rpc-errors';

/** Data this node holds is damaged (a checksum mismatch, an unreadable batch): restarting from it cannot help. */
export function isDamage(e: Error): boolean {
  return e instanceof CorruptionError || (e instanceof PartitionError && e.code === 'CORRUPT_BATCH');
}

/**
 * Repairs a partition replica whose data on this node is damaged, without an operator: once the
 * group has failed for good on a damaged read or apply (restarts from its own log failed too),
 * this node asks the metadata to resync it (resyncReplica). Its copy is then dropped (the replica
 * set stops running a group it must be readmitted to), the group's leader removes its seat and
 * readmits it as a learner, and it is rebuilt from the leader's snapshot and log, as after a lost
 * disk. Asked again at each housekeeping round until the metadata shows it.
 */
export class ReplicaRepair {
  private readonly wanted = new Map<number, string>();
  private readonly inFlight = new Set<number>();

  constructor(
    private readonly core: NodeCore,
    private readonly proposals: MetadataProposals,
  ) {}

  /** A group failed on this node (MultiRaft's onGroupFailed). */
  failed(f: GroupFailure): void {
    if (f.group === CONTROLLER_GROUP || !f.final || !isDamage(f.error)) return;
    this.core.log(`node ${this.core.self}: ${this.core.groupName(f.group)}: its data here is damaged; asking for it to be resynced from the other replicas`);
    this.wanted.set(f.group, f.error.message);
    this.round();
  }

  /** Propose what is still wanted; forget what the metadata shows done (or the group gone). */
  round(): void {
    const { core } = this;
    for (const g of [...this.wanted.keys()]) {
      const p = core.controller.state.partitionByGroup(g);
      if (!p || p.deleted || p.resyncing.includes(core.self) || (!p.replicas.includes(core.self) && !p.removing.includes(core.self))) {
        this.wanted.delete(g);
        continue;
      }
      if (this.inFlight.has(g)) continue;
      this.inFlight.add(g);
      this.proposals
        .propose({ type: 'resyncReplica', groupId: g, nodeId: core.self }, 3000)
        .catch((e) => {
          const r = toRpcError(e);
          if (r.code !== 'NO_LEADER' && r.code !== 'TIMEOUT' && r.code !== 'NOT_LEADER') core.log(`node ${core.self}: ${core.groupName(g)}: asking for a resync failed: ${r.message}`);
        })
        .finally(() => this.inFlight.delete(g));
    }
  }
}
