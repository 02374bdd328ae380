import type { PartitionDescription, ReplicaStatus } from '../client';
import type { Cell } from './format';

/** `REPLICA_STATE_IN_SYNC` -> `in-sync`. */
export function replicaState(s: ReplicaStatus): string {
  return s.state.replace(/^REPLICA_STATE_/, '').toLowerCase().replace(/_/g, '-');
}

/** 1536 -> "1.5 KiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** Time since the leader heard from a replica: "-" for the leader itself, "never" when not since its election or unknown. */
export function formatHeard(s: ReplicaStatus): string {
  if (s.state === 'REPLICA_STATE_LEADER') return '-';
  if (s.lastHeardMs < 0) return 'never';
  return `${(s.lastHeardMs / 1000).toFixed(1)}s ago`;
}

/** Leader known and fewer replicas in sync than assigned (Kafka's under-replicated partitions). */
export function isUnderReplicated(p: PartitionDescription): boolean {
  return p.leader !== 0 && p.inSyncReplicas.length < p.replicas.length;
}

/** The replicas of a partition that are not in sync, e.g. "node 3 offline (lag 120 records, last heard 12.3s ago)". */
export function outOfSyncText(p: PartitionDescription): string {
  return p.replicaStatus
    .filter((s) => !p.inSyncReplicas.includes(s.node))
    .map((s) => `node ${s.node} ${replicaState(s)} (lag ${s.lagRecords} records, last heard ${formatHeard(s)})`)
    .join('; ');
}

export const REPLICA_HEADERS = ['partition', 'replica', 'state', 'lag', 'lag bytes', 'last heard', 'log end'] as const;

/** One row per replica of each partition, for `topic describe`. */
export function replicaRows(partitions: readonly PartitionDescription[]): Cell[][] {
  return partitions.flatMap((p) =>
    p.replicaStatus.map((s) => {
      const measured = s.state !== 'REPLICA_STATE_UNKNOWN' && p.leader !== 0;
      return [p.partition, s.node, replicaState(s), measured ? s.lagRecords : '-', measured ? formatBytes(s.lagBytes) : '-', formatHeard(s), measured ? s.logEndOffset : '-'];
    }),
  );
}

/** Per node: partitions it leads, follows in sync, and is out of sync on (where a leader measured it). */
export function nodeLoad(nodeId: number, partitions: readonly PartitionDescription[]): { leads: number; inSync: number; outOfSync: number } {
  let leads = 0;
  let inSync = 0;
  let outOfSync = 0;
  for (const p of partitions) {
    if (p.leader === nodeId) leads++;
    else if (p.leader !== 0 && p.replicas.includes(nodeId)) {
      if (p.inSyncReplicas.includes(nodeId)) inSync++;
      else outOfSync++;
    }
  }
  return { leads, inSync, outOfSync };
}

export const COMPACTION_HEADERS = ['partition', 'cleaner on', 'passes', 'cleaned below', 'dirty', 'reclaimed', 'records removed', 'tombstones removed', 'last pass'] as const;

/** One row per partition whose leader reported its log cleaner (a compacted topic), for `topic describe`. */
export function compactionRows(partitions: readonly PartitionDescription[], now: number): Cell[][] {
  return partitions.flatMap((p) => {
    const c = p.compaction;
    if (!c) return [];
    const last = c.lastPassMs < 0 ? 'never' : `${(Math.max(0, now - c.lastPassMs) / 1000).toFixed(1)}s ago`;
    return [[p.partition, `node ${c.node}`, c.passes, c.cleanedThroughOffset, `${(c.dirtyRatio * 100).toFixed(0)}%`, formatBytes(c.bytesReclaimed), c.recordsRemoved, c.tombstonesRemoved, last]];
  });
}
