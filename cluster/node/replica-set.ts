import * as grpc from '@grpc/grpc-js';
import type { ConfState } from '../../raft';
import type { GroupState } from '../../proto/load';
import { compacts, CONTROLLER_GROUP, deletes, type PartitionInfo, resolveTopicConfig } from '../metadata';
import { DEFAULT_CLEANER_OPTIONS, OffsetMap } from '../partition';
import { realClock } from './host-clock';
import type { NodeCore } from './node-core';
import { PartitionReplica } from './partition-replica';
import { type MeasuredReplica, measureReplicas, toGroupReplica, type WatchedPartition } from './replica-status';
import { RpcError, shuttingDown } from './rpc-errors';

/**
 * The partition replicas this node hosts, kept as the metadata assigns them: after every apply of
 * the metadata log, `reconcile()` starts a group for each partition assigned here (or still being
 * moved off it), and drops the groups of deleted topics, of replicas moved away once their leader
 * removed them, and of replicas that must be resynced (until readmitted), in memory and on disk.
 */
export class ReplicaSet {
  private readonly replicas = new Map<number, PartitionReplica>();
  /** Groups whose data is being deleted from the store. */
  private readonly dropping = new Set<number>();
  /** The offset map every compacted replica's cleaner uses, one pass at a time (retention-work.ts): allocated with the first. */
  private sharedMap: OffsetMap | undefined;

  private get cleanerMap(): OffsetMap {
    this.sharedMap ??= new OffsetMap(DEFAULT_CLEANER_OPTIONS.mapBytes);
    return this.sharedMap;
  }

  /** `caughtUp`: whether this node's metadata has been as new as the cluster's since it started (see partitionInfo). */
  constructor(
    private readonly core: NodeCore,
    private readonly caughtUp: () => boolean,
  ) {}

  /** Start the partition groups assigned to this node that it does not run yet; drop the ones it lost. */
  reconcile(): void {
    const { core } = this;
    if (core.stopping) return;
    const state = core.controller.state;
    const desired = new Map<number, PartitionInfo>();
    for (const p of state.groupsToRun(core.self)) desired.set(p.groupId, p);
    // A group still being dropped (its copy is going) starts again only once it is gone: a
    // readmitted replica must start empty, never from the copy it was told to drop.
    for (const [g, p] of desired) if (!this.replicas.has(g) && !this.dropping.has(g)) this.add(p);
    for (const g of [...this.replicas.keys()]) {
      if (desired.has(g)) continue;
      const r = this.replicas.get(g)!;
      this.replicas.delete(g);
      const moved = state.partitionByGroup(g);
      const why = !moved || moved.deleted ? 'was deleted' : moved.resyncing.includes(core.self) ? 'is being resynced on this node' : 'moved off this node';
      r.close(() => new RpcError(grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', `${r.what} ${why}`));
      this.dropping.add(g);
      void core.multi
        .removeGroup(g, true)
        .catch((e) => core.log(`node ${core.self}: dropping group ${g}: ${String(e)}`))
        .finally(() => {
          this.dropping.delete(g);
          this.reconcile();
        });
    }
    // Groups left on disk by a topic deleted (or a replica moved away) while this node was down.
    // A group the metadata does not know yet is kept: the metadata log may still be replaying.
    for (const g of core.store.groupIds()) {
      if (g === CONTROLLER_GROUP || this.replicas.has(g) || this.dropping.has(g)) continue;
      const info = state.partitionByGroup(g);
      if (!info || (!info.deleted && desired.has(g))) continue;
      this.dropping.add(g);
      void core.store
        .dropGroup(g)
        .catch((e) => core.log(`node ${core.self}: dropping group ${g}: ${String(e)}`))
        .finally(() => this.dropping.delete(g));
    }
  }

  private add(p: PartitionInfo): void {
    const { core } = this;
    const topic = core.controller.state.topicById(p.topicId);
    if (!topic) return;
    const cfg = resolveTopicConfig(topic.config);
    // A stored group keeps its own membership (its snapshot's, then its log's changes).
    const stored = core.store.group(p.groupId);
    const conf = stored ? stored.initialState().conf : this.initialConf(p, topic.createdIndex);
    const replica = new PartitionReplica(
      {
        topic: p.topic,
        partition: p.partition,
        groupId: p.groupId,
        stateOptions: { segmentBytes: cfg.segmentBytes, segmentMs: cfg.segmentMs },
        limits: { maxMessageBytes: cfg.maxMessageBytes, requireKeys: compacts(cfg.cleanupPolicy) },
        timestampType: cfg.timestampType,
        minInsyncReplicas: cfg.minInsyncReplicas,
        // cleanup.policy=compact alone: retention removes nothing (only the cleaner does).
        retention: deletes(cfg.cleanupPolicy) ? { retentionMs: cfg.retentionMs, retentionBytes: cfg.retentionBytes } : {},
        inSync: { lagTimeMaxMs: cfg.replicaLagTimeMaxMs, lagMaxRecords: cfg.replicaLagMaxRecords },
        compaction: compacts(cfg.cleanupPolicy) ? cfg.compaction : undefined,
        compactOnly: !deletes(cfg.cleanupPolicy),
      },
      {
        withNode: (g, fn) => core.multi.withNode(g, fn),
        status: (g) => core.multi.node(g)?.status(),
        readEntries: (g, lo, hi, max) => {
          const s = core.store.group(g);
          if (!s) return Promise.reject(new RpcError(grpc.status.NOT_FOUND, 'UNKNOWN_PARTITION', `group ${g} is no longer on node ${core.self}`));
          return s.readEntries(lo, hi, max);
        },
        hint: (id) => core.hint(id),
        now: () => Date.now(),
        self: core.self,
        after: (ms, fn) => realClock.after(ms, fn),
        fail: (g, e) => core.multi.failGroup(g, e),
        cleanerMap: compacts(cfg.cleanupPolicy) ? this.cleanerMap : undefined,
      },
      conf,
    );
    const fresh = stored === undefined;
    this.replicas.set(p.groupId, replica);
    core.multi.addGroup(p.groupId, conf, replica);
    // The preferred leader of a new partition campaigns once the others have had a moment to
    // create the group too: leaders start out spread as the assignment spreads replicas[0].
    if (conf.voters.length === 0) return; // a member that joins later waits for the leader
    if (p.replicas.length === 1 && p.replicas[0] === core.self) {
      core.multi.withNode(p.groupId, (n) => n.campaign()); // a single replica need not wait out an election timeout
    } else if (fresh && p.replicas[0] === core.self) {
      setTimeout(() => {
        if (!core.stopping) core.multi.tryWithNode(p.groupId, (n) => n.campaign());
      }, core.tuning.tickMs * 2).unref();
    }
  }

  /**
   * The membership a group starts with when this node has no data for it (a stored group keeps
   * its own). The first members of a partition all start with its replicas as voters. A node that
   * joins a group later (a reassignment, a readmission after lost data), or may have been a
   * member before it lost its data, starts with none: it votes for nothing and counts for nothing
   * until the leader's log (or snapshot) tells it the membership.
   */
  private initialConf(p: PartitionInfo, topicCreatedIndex: number): ConfState {
    const { core } = this;
    const first = !p.reconfigured && p.replicas.includes(core.self);
    const me = core.controller.state.node(core.self);
    const sinceDataLoss = !core.identity.joinedEmpty || (me !== undefined && topicCreatedIndex > me.registeredIndex);
    return first && sinceDataLoss ? { voters: [...p.replicas], learners: [] } : { voters: [], learners: [] };
  }

  get(groupId: number): PartitionReplica | undefined {
    return this.replicas.get(groupId);
  }

  has(groupId: number): boolean {
    return this.replicas.has(groupId);
  }

  /** Every replica hosted here, by group id (housekeeping walks them). */
  all(): ReadonlyMap<number, PartitionReplica> {
    return this.replicas;
  }

  /** This node's view of one of its groups, as GroupStatus and DescribeTopic report it; as leader, with every replica measured. */
  localState(groupId: number): GroupState | undefined {
    const r = this.replicas.get(groupId);
    if (!r) return undefined;
    const s = r.describe();
    const measured = s.isLeader ? this.measure(groupId, s) : undefined;
    if (!measured) return s;
    return {
      ...s,
      inSync: measured.filter((m) => m.inSync).map((m) => m.node).sort((a, b) => a - b),
      replicas: measured.map(toGroupReplica),
    };
  }

  /** The replicas of a group this node leads, as the in-sync rule sees them (replica-status.ts). */
  private measure(groupId: number, described: GroupState): MeasuredReplica[] | undefined {
    const r = this.replicas.get(groupId);
    const status = this.core.multi.node(groupId)?.status();
    if (!r || !status || r.fenced) return undefined;
    return measureReplicas({
      status,
      state: r.state,
      trail: r.trail,
      logEndOffset: described.logEndOffset,
      config: r.config.inSync,
      tickMs: this.core.tuning.tickMs,
      order: this.core.controller.state.partitionByGroup(groupId)?.replicas ?? [],
    });
  }

  /** Every replica hosted here, for the housekeeping round that logs in-sync changes. */
  watched(): Map<number, WatchedPartition> {
    const out = new Map<number, WatchedPartition>();
    for (const [g, r] of this.replicas) {
      out.set(g, {
        what: r.what,
        measure: () => {
          if (this.core.multi.node(g)?.status().role !== 'leader') return undefined;
          const s = r.describe();
          const replicas = s.isLeader ? this.measure(g, s) : undefined;
          return replicas && { term: s.term, replicas };
        },
      });
    }
    return out;
  }

  /** The replica of a live partition hosted here, or the error a client should get. */
  replicaFor(topic: string, partition: number): PartitionReplica {
    const { core } = this;
    if (core.stopping) throw shuttingDown(core.self);
    const info = this.partitionInfo(topic, partition);
    const r = this.replicas.get(info.groupId);
    if (!r) {
      // No guess at the leader: the client refreshes its metadata (DescribeTopic asks the replicas).
      throw new RpcError(
        grpc.status.FAILED_PRECONDITION,
        'NOT_LEADER',
        `node ${core.self} holds no replica of topic "${topic}" partition ${partition} (its replicas are nodes ${info.replicas.join(', ')}); ask DescribeTopic for its leader`,
      );
    }
    return r;
  }

  /**
   * A partition of a live topic, or the error a client should get. Until this node has caught up
   * with the cluster's metadata since it started, a topic it does not know may well exist: that
   * is the retriable NO_LEADER, not UNKNOWN_TOPIC.
   */
  private partitionInfo(topic: string, partition: number): PartitionInfo {
    const { core } = this;
    const t = core.controller.state.topic(topic);
    if (!t && !this.caughtUp()) {
      throw new RpcError(
        grpc.status.UNAVAILABLE,
        'NO_LEADER',
        `node ${core.self} has not caught up with the cluster's metadata since it started, so it cannot tell yet where topic "${topic}" is; retry shortly, or ask another node`,
      );
    }
    if (!t) throw new RpcError(grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', `unknown topic "${topic}": no live topic has this name`);
    if (!Number.isInteger(partition) || partition < 0 || partition >= t.partitions.length) {
      throw new RpcError(grpc.status.NOT_FOUND, 'UNKNOWN_PARTITION', `topic "${topic}" has partitions 0..${t.partitions.length - 1}; there is no partition ${partition}`);
    }
    return t.partitions[partition];
  }

  /** The node stops: whatever waits on a replica fails; writes already proposed may still commit elsewhere, so their outcome is unknown. */
  closeAll(): void {
    const { core } = this;
    for (const r of this.replicas.values()) r.close(() => shuttingDown(core.self), () => r.unknownOutcome(`node ${core.self} stopped`));
  }
}
