import type { CommittedOffset, FlotillaClient, GroupDescription, GroupSummary, JoinGroupRequest, JoinGroupResponse, TopicPartitions } from '../../proto/load';
import { OFFSETS_TOPIC, partitionForGroup } from '../groups';
import { unary } from './connections';
import type { Router } from './router';

/** A partition of a topic. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** An offset to commit: `offset` is the next one to consume (the last processed + 1). */
export interface OffsetToCommit extends TopicPartition {
  offset: number;
  metadata?: string;
}

/**
 * The calls to a group's coordinator: the leader of the group's partition of __consumer_offsets,
 * found through the router like any partition leader (a NOT_COORDINATOR answer carries the
 * leader hint, COORDINATOR_LOAD_IN_PROGRESS is retried with backoff).
 */
export class GroupCalls {
  private partitions: number | undefined;

  constructor(
    private readonly router: Router,
    readonly groupId: string,
  ) {}

  /** The coordinator partition; the first call asks FindCoordinator (which creates __consumer_offsets). */
  async partition(): Promise<number> {
    if (this.partitions === undefined) {
      const r = await this.router.callAny((client, _a, timeoutMs) => unary(client, 'findCoordinator', { groupId: this.groupId }, timeoutMs, {}));
      this.partitions = r.partitions;
    }
    return partitionForGroup(this.groupId, this.partitions);
  }

  private async call<T>(op: (client: FlotillaClient, timeoutMs: number) => Promise<T>, extraMs = 0, deadlineMs?: number): Promise<T> {
    const p = await this.partition();
    const deadline = deadlineMs !== undefined ? Date.now() + deadlineMs : this.router.deadline() + extraMs;
    return this.router.callPartition(OFFSETS_TOPIC, p, (client, _address, timeoutMs) => op(client, timeoutMs + extraMs), {}, { deadline });
  }

  join(req: Omit<JoinGroupRequest, 'groupId'>): Promise<JoinGroupResponse> {
    return this.call((c, t) => unary(c, 'joinGroup', { ...req, groupId: this.groupId }, t, {}), req.rebalanceTimeoutMs);
  }

  async sync(memberId: string, generation: number): Promise<TopicPartition[]> {
    const r = await this.call((c, t) => unary(c, 'syncGroup', { groupId: this.groupId, memberId, generation }, t, {}));
    return fromWire(r.assignment);
  }

  async heartbeat(memberId: string, generation: number, deadlineMs: number): Promise<boolean> {
    const r = await this.call((c, t) => unary(c, 'heartbeat', { groupId: this.groupId, memberId, generation }, t, {}), 0, deadlineMs);
    return r.rebalanceInProgress;
  }

  async leave(memberId: string): Promise<void> {
    await this.call((c, t) => unary(c, 'leaveGroup', { groupId: this.groupId, memberId }, t, {}));
  }

  async commit(memberId: string, generation: number, offsets: readonly OffsetToCommit[]): Promise<void> {
    const wire = offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata ?? '' }));
    await this.call((c, t) => unary(c, 'commitOffsets', { groupId: this.groupId, memberId, generation, offsets: wire }, t, {}));
  }

  async fetchOffsets(partitions: readonly TopicPartition[] = []): Promise<CommittedOffset[]> {
    const r = await this.call((c, t) => unary(c, 'fetchOffsets', { groupId: this.groupId, partitions: toWire(partitions) }, t, {}));
    return r.offsets;
  }

  describe(): Promise<GroupDescription> {
    return this.call((c, t) => unary(c, 'describeGroup', { groupId: this.groupId }, t, {}));
  }

  async delete(): Promise<void> {
    await this.call((c, t) => unary(c, 'deleteGroup', { groupId: this.groupId }, t, {}));
  }
}

/** Every group of the cluster: each __consumer_offsets partition's leader lists its own. */
export async function listGroups(router: Router): Promise<GroupSummary[]> {
  const r = await router.callAny((client, _a, timeoutMs) => unary(client, 'findCoordinator', { groupId: 'list' }, timeoutMs, {}));
  const lists = await Promise.all(
    Array.from({ length: r.partitions }, (_, partition) =>
      router.callPartition(OFFSETS_TOPIC, partition, (client, _address, timeoutMs) => unary(client, 'listGroups', { partition }, timeoutMs, {})),
    ),
  );
  return lists.flatMap((l) => l.groups).sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
}

export function fromWire(tps: readonly TopicPartitions[]): TopicPartition[] {
  return tps.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
}

export function toWire(tps: readonly TopicPartition[]): TopicPartitions[] {
  const by = new Map<string, number[]>();
  for (const tp of tps) {
    let list = by.get(tp.topic);
    if (!list) by.set(tp.topic, (list = []));
    list.push(tp.partition);
  }
  return [...by].map(([topic, partitions]) => ({ topic, partitions }));
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}
