import { type CommittedOffset, ConsumerGroup, type GroupRecord } from './group';
import type { PartitionCounts } from './assignors';
import { isStrategy } from './types';

/** The internal topic that holds every group's membership and committed offsets (compacted). */
export const OFFSETS_TOPIC = '__consumer_offsets';
/** Its partitions when a node creates it (each is a Raft group, so fewer than Kafka's 50). */
export const DEFAULT_OFFSETS_PARTITIONS = 8;

/** The coordinator partition of a group: Java's String.hashCode of the id, as Kafka, modulo the count. */
export function partitionForGroup(groupId: string, partitions: number): number {
  let h = 0;
  for (let i = 0; i < groupId.length; i++) h = (Math.imul(h, 31) + groupId.charCodeAt(i)) | 0;
  return Math.abs(h % partitions);
}

/**
 * One record of __consumer_offsets. The key says what it is about (a group's membership, or one
 * committed offset of a group); compaction keeps the latest value per key, and a null value (a
 * tombstone) deletes it. Keys and values are JSON (UTF-8): ["g", group] and ["o", group, topic,
 * partition].
 */
export type GroupLogRecord =
  | { readonly kind: 'group'; readonly groupId: string; readonly value: GroupRecord | null }
  | { readonly kind: 'offset'; readonly groupId: string; readonly topic: string; readonly partition: number; readonly value: Omit<CommittedOffset, 'topic' | 'partition'> | null };

export function encodeGroupLogRecord(r: GroupLogRecord): { key: Buffer; value: Buffer | null } {
  const key = r.kind === 'group' ? ['g', r.groupId] : ['o', r.groupId, r.topic, r.partition];
  return { key: Buffer.from(JSON.stringify(key)), value: r.value === null ? null : Buffer.from(JSON.stringify(r.value)) };
}

/** The record, or undefined for one this version does not know (skipped, so a newer writer does not break a load). */
export function decodeGroupLogRecord(key: Uint8Array | null, value: Uint8Array | null): GroupLogRecord | undefined {
  if (key === null) return undefined;
  let k: unknown;
  let v: unknown;
  try {
    k = JSON.parse(Buffer.from(key).toString('utf8'));
    v = value === null ? null : JSON.parse(Buffer.from(value).toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(k) || typeof k[1] !== 'string') return undefined;
  if (k[0] === 'g' && k.length === 2) {
    if (v !== null && !isGroupRecord(v)) return undefined;
    return { kind: 'group', groupId: k[1], value: v as GroupRecord | null };
  }
  if (k[0] === 'o' && k.length === 4 && typeof k[2] === 'string' && Number.isInteger(k[3])) {
    if (v !== null && (typeof v !== 'object' || !Number.isSafeInteger((v as { offset?: unknown }).offset))) return undefined;
    return { kind: 'offset', groupId: k[1], topic: k[2], partition: k[3] as number, value: v as Omit<CommittedOffset, 'topic' | 'partition'> | null };
  }
  return undefined;
}

function isGroupRecord(v: unknown): boolean {
  const r = v as GroupRecord;
  return typeof v === 'object' && v !== null && Number.isInteger(r.generation) && Array.isArray(r.members) && (r.strategy === '' || isStrategy(r.strategy));
}

/**
 * The groups of one coordinator partition, rebuilt by replaying its records in offset order
 * (what a new coordinator does before serving). Later records win, as after compaction.
 */
export function replayGroups(
  records: Iterable<GroupLogRecord>,
  counts: PartitionCounts,
  newMemberId: (clientId: string) => string,
  now: number,
): Map<string, ConsumerGroup> {
  const groups = new Map<string, ConsumerGroup>();
  const groupOf = (id: string) => {
    let g = groups.get(id);
    if (!g) {
      g = new ConsumerGroup(id, counts, newMemberId);
      groups.set(id, g);
    }
    return g;
  };
  for (const r of records) {
    if (r.kind === 'group') {
      if (r.value === null) {
        // The group was deleted: its offsets were tombstoned in the same batch, after this record.
        groups.delete(r.groupId);
        continue;
      }
      groupOf(r.groupId).restore(r.value, now);
    } else {
      const g = groupOf(r.groupId);
      const key = `${r.topic}\u0000${r.partition}`;
      if (r.value === null) g.offsets.delete(key);
      else g.offsets.set(key, { topic: r.topic, partition: r.partition, offset: r.value.offset, metadata: r.value.metadata ?? '', commitTimestampMs: r.value.commitTimestampMs ?? 0 });
    }
  }
  for (const [id, g] of groups) if (g.isEmpty && g.generation === 0) groups.delete(id);
  return groups;
}
