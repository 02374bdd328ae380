import type { NodeId } from '../../raft';
import type { ClusterDescription, FencedReplica, GroupState, PartitionDescription, TopicDescription } from '../../proto/load';
import { compacts, type MetadataState, type PartitionInfo, resolveTopicConfig, type TopicInfo } from '../metadata';
import type { NodeCore } from './node-core';
import { bestGroupState, leaderUnreachable } from './partition-view';
import type { ReplicaSet } from './replica-set';
import { inSyncOf, replicaStatusForClient } from './replica-status';

/** What the replicas of one partition say: the best view (partition-view.ts), and where it is fenced. */
export interface PartitionViews {
  best: GroupState;
  fenced: FencedReplica[];
}

/**
 * DescribeTopic and DescribeCluster: partitions as their leaders see them, asked of the other
 * nodes where this node does not lead (one GroupStatus call per node), and the nodes this node
 * hears from.
 */
export class DescribeFanOut {
  constructor(
    private readonly core: NodeCore,
    private readonly replicas: ReplicaSet,
  ) {}

  /**
   * Partition states as their leaders see them: local where this node leads, else asked of every
   * other replica this node hears from (one GroupStatus call per node), so a leader that any of
   * them knows is found even when this node holds no replica or one replica is down. Replicas it
   * does not hear from are not asked: they would only make the answer wait.
   */
  private async groupStates(partitions: readonly PartitionInfo[], timeoutMs = 1000): Promise<Map<number, PartitionViews>> {
    const { core } = this;
    const views = new Map<number, GroupState[]>();
    const ask = new Map<NodeId, number[]>();
    for (const p of partitions) {
      const local = this.replicas.localState(p.groupId);
      views.set(p.groupId, local ? [local] : []);
      if (local?.isLeader) continue;
      for (const r of p.replicas) {
        if (r === core.self || !core.alive(r)) continue;
        const list = ask.get(r) ?? [];
        list.push(p.groupId);
        ask.set(r, list);
      }
    }
    const deadline = Date.now() + timeoutMs;
    await Promise.all(
      [...ask].map(async ([node, groups]) => {
        const address = core.peers.get(node);
        if (!address) return;
        try {
          for (const s of await core.peerCalls.groupStatus(address, groups, deadline)) views.get(s.group)?.push(s);
        } catch {
          // That node is down or slow: describe with what the others said.
        }
      }),
    );
    const out = new Map<number, PartitionViews>();
    for (const [g, list] of views) {
      const best = bestGroupState(list);
      if (best) out.set(g, { best, fenced: list.filter((v) => v.failure !== '').map((v) => ({ node: v.node, reason: v.failure })) });
    }
    return out;
  }

  /**
   * A topic as this node can see it now. A partition whose leader nobody in reach knows has
   * leader 0, and leaderUnreachable = true when that is because this node cannot reach a quorum
   * of its replicas (a leader may exist on the other side; ask another node).
   */
  async describeTopic(topic: TopicInfo): Promise<TopicDescription> {
    const { core } = this;
    const states = await this.groupStates(topic.partitions);
    const cfg = resolveTopicConfig(topic.config);
    const config: Record<string, string> = {
      'retention.ms': String(cfg.retentionMs),
      'retention.bytes': String(cfg.retentionBytes),
      'max.message.bytes': String(cfg.maxMessageBytes),
      'cleanup.policy': cfg.cleanupPolicy,
      'min.insync.replicas': String(cfg.minInsyncReplicas),
      'replica.lag.time.max.ms': String(cfg.replicaLagTimeMaxMs),
      'replica.lag.max.records': String(cfg.replicaLagMaxRecords),
      'segment.bytes': String(cfg.segmentBytes),
      'segment.ms': String(cfg.segmentMs),
      'message.timestamp.type': cfg.timestampType === 'logAppend' ? 'LogAppendTime' : 'CreateTime',
    };
    if (compacts(cfg.cleanupPolicy)) {
      config['delete.retention.ms'] = String(cfg.compaction.deleteRetentionMs);
      config['min.compaction.lag.ms'] = String(cfg.compaction.minCompactionLagMs);
      config['max.compaction.lag.ms'] = String(cfg.compaction.maxCompactionLagMs);
      config['min.cleanable.dirty.ratio'] = String(cfg.compaction.minCleanableDirtyRatio);
    }
    const partitions: PartitionDescription[] = topic.partitions.map((p) => {
      const s = states.get(p.groupId)?.best;
      const leader = s?.leader ?? 0;
      const fenced = states.get(p.groupId)?.fenced ?? [];
      // A leader that measured its replicas (every node of this version does) defines the in-sync set.
      const measured = s?.isLeader && s.replicas.length > 0 ? s.replicas : undefined;
      const reachable = (r: NodeId) => (r === core.self ? this.replicas.has(p.groupId) : core.alive(r));
      // Former replicas still in the group (a reassignment) are shown after the wanted ones.
      const replicaStatus = replicaStatusForClient([...p.replicas, ...p.removing], measured, new Map(fenced.map((f) => [f.node, f.reason])), reachable);
      return {
        partition: p.partition,
        groupId: p.groupId,
        leader,
        leaderAddress: core.hint(leader).address,
        replicas: [...p.replicas],
        inSyncReplicas: measured ? inSyncOf(replicaStatus) : s?.isLeader ? s.inSync : [],
        logStartOffset: s?.logStartOffset ?? 0,
        logEndOffset: s?.logEndOffset ?? 0,
        highWatermark: s?.highWatermark ?? 0,
        leaderEpoch: s?.isLeader ? s.term : 0,
        leaderUnreachable: leaderUnreachable(leader, p.replicas, reachable),
        fencedReplicas: fenced,
        replicaStatus,
        removingReplicas: [...p.removing],
        resyncingReplicas: [...p.resyncing],
        compaction: s?.isLeader ? (s.compaction ?? null) : null,
      };
    });
    return { name: topic.name, id: topic.id, config, replicationFactor: topic.replicationFactor, partitions };
  }

  /** The cluster's nodes from `state`, with the metadata leader and which nodes this one hears from. */
  describeCluster(state: MetadataState): ClusterDescription {
    const { core } = this;
    return {
      clusterId: state.clusterId,
      controllerLeader: core.controllerLeader(),
      nodes: state.nodes().map((n) => ({ id: n.id, address: n.host, alive: core.alive(n.id) })),
    };
  }
}
