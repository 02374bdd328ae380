import * as grpc from '@grpc/grpc-js';
import { META } from '../../proto/load';
import { Consumer } from './consumer';
import { errorFromStatus } from './errors';
import { GroupCalls, listGroups, fromWire, type TopicPartition, tpKey } from './group-calls';
import type { Router } from './router';

export interface GroupListing {
  groupId: string;
  state: string;
  members: number;
  strategy: string;
}

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  /** The member that holds it, '' if none. */
  memberId: string;
  /** The committed offset, -1 if none. */
  committed: number;
  metadata: string;
  logEndOffset: number;
  /** logEndOffset - committed (the whole log end when nothing is committed). */
  lag: number;
}

export interface GroupDetails {
  groupId: string;
  state: string;
  generation: number;
  strategy: string;
  coordinator: number;
  members: { memberId: string; groupInstanceId: string; clientId: string; topics: string[]; assignment: TopicPartition[]; lastHeartbeatAgeMs: number }[];
  partitions: GroupPartitionLag[];
}

/** Where reset-offsets moves a group's offsets of a topic. */
export type ResetTarget = 'earliest' | 'latest' | { offset: number } | { timestamp: number | Date };

/** Consumer group administration: list, describe (with lag), reset offsets, delete. */
export class GroupAdmin {
  private readonly reader: Consumer;

  constructor(private readonly router: Router) {
    this.reader = new Consumer(router);
  }

  async list(): Promise<GroupListing[]> {
    return (await listGroups(this.router)).map((g) => ({ ...g }));
  }

  /** Members, assignment, and per partition: committed offset, log end and lag. */
  async describe(groupId: string): Promise<GroupDetails> {
    const d = await new GroupCalls(this.router, groupId).describe();
    const holder = new Map<string, string>();
    for (const m of d.members) for (const tp of fromWire(m.assignment)) holder.set(tpKey(tp), m.memberId);
    const committed = new Map(d.offsets.map((o) => [tpKey(o), o]));
    const keys = new Map<string, TopicPartition>();
    for (const o of d.offsets) keys.set(tpKey(o), { topic: o.topic, partition: o.partition });
    for (const m of d.members) for (const tp of fromWire(m.assignment)) keys.set(tpKey(tp), tp);
    const partitions = await Promise.all(
      [...keys.values()].map(async (tp): Promise<GroupPartitionLag> => {
        const c = committed.get(tpKey(tp));
        const end = await this.reader.listOffsets({ ...tp, spec: 'latest' });
        return { ...tp, memberId: holder.get(tpKey(tp)) ?? '', committed: c?.offset ?? -1, metadata: c?.metadata ?? '', logEndOffset: end, lag: Math.max(0, end - (c?.offset ?? 0)) };
      }),
    );
    partitions.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    return {
      groupId: d.groupId,
      state: d.state,
      generation: d.generation,
      strategy: d.strategy,
      coordinator: d.coordinator,
      members: d.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, topics: m.topics, assignment: fromWire(m.assignment), lastHeartbeatAgeMs: m.lastHeartbeatAgeMs })),
      partitions,
    };
  }

  /** The group's committed offsets (all, or of some partitions). */
  async committedOffsets(groupId: string, partitions: TopicPartition[] = []): Promise<{ topic: string; partition: number; offset: number; metadata: string }[]> {
    return (await new GroupCalls(this.router, groupId).fetchOffsets(partitions)).map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata }));
  }

  /**
   * Moves the group's committed offsets of every partition of `topic` (or of `partitions`). The
   * group must have no live members (GROUP_NOT_EMPTY otherwise). Answers the new offsets.
   */
  async resetOffsets(groupId: string, topic: string, to: ResetTarget, partitions?: number[]): Promise<{ partition: number; offset: number }[]> {
    const all = await this.reader.partitionsFor(topic);
    const chosen = partitions ?? all;
    for (const p of chosen) {
      if (!all.includes(p)) {
        throw errorFromStatus(grpc.status.NOT_FOUND, `topic ${topic} has no partition ${p} (it has ${all.length})`, { [META.error]: 'UNKNOWN_PARTITION' }, { topic, partition: p });
      }
    }
    const offsets = await Promise.all(
      chosen.map(async (partition) => {
        let offset: number;
        if (to === 'earliest' || to === 'latest') offset = await this.reader.listOffsets({ topic, partition, spec: to });
        else if ('offset' in to) {
          if (!Number.isSafeInteger(to.offset) || to.offset < 0) {
            throw errorFromStatus(grpc.status.INVALID_ARGUMENT, `offset must be an integer >= 0 (got ${to.offset})`, { [META.error]: 'INVALID_REQUEST' }, { topic, partition });
          }
          offset = to.offset;
        } else offset = await this.reader.listOffsets({ topic, partition, spec: { timestamp: to.timestamp } });
        return { partition, offset };
      }),
    );
    await new GroupCalls(this.router, groupId).commit('', -1, offsets.map((o) => ({ topic, ...o })));
    return offsets;
  }

  /** Deletes an empty group and its committed offsets. */
  async delete(groupId: string): Promise<void> {
    await new GroupCalls(this.router, groupId).delete();
  }
}
