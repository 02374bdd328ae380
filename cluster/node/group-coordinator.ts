import { randomUUID } from 'node:crypto';
import type { NodeId } from '../../raft';
import {
  META,
  type CommitOffsetsRequest,
  type CommittedOffset as WireCommittedOffset,
  type FetchOffsetsRequest,
  type FindCoordinatorResponse,
  type GroupDescription,
  type GroupSummary,
  type JoinGroupRequest,
  type JoinGroupResponse,
  type TopicDescription,
  type TopicPartitions,
} from '../../proto/load';
import {
  type CommittedOffset,
  compareTp,
  ConsumerGroup,
  DEFAULT_OFFSETS_PARTITIONS,
  decodeGroupLogRecord,
  encodeGroupLogRecord,
  GroupError,
  type GroupLogRecord,
  isStrategy,
  type JoinResult,
  OFFSETS_TOPIC,
  partitionForGroup,
  replayGroups,
  STRATEGIES,
  type TopicPartition,
  tpKey,
} from '../groups';
import type { Command, MetadataState, TopicInfo } from '../metadata';
import { encodeRecordBatch, readRecords, splitRecordBatches, validateRecordBatch } from '../records';
import type { PartitionReplica } from './partition-replica';
import { invalidRequest, leaderMeta, type LeaderHint, RpcError, rpcError } from './rpc-errors';

/** A replica of a __consumer_offsets partition as the coordinator uses it. */
export type CoordinatorReplica = Pick<PartitionReplica, 'produce' | 'fetch' | 'describe'>;

/** What the coordinator needs of its node. */
export interface CoordinatorHost {
  readonly id: NodeId;
  readonly stopping: boolean;
  /** The replica hosted here (throws NOT_LEADER / NO_LEADER naming the partition otherwise). */
  replicaFor(topic: string, partition: number): CoordinatorReplica;
  appliedMetadata(): MetadataState;
  createTopic(command: Extract<Command, { type: 'createTopic' }>, callDeadline: number): Promise<void>;
  describeTopic(topic: TopicInfo): Promise<TopicDescription>;
  hint(id: NodeId): LeaderHint;
}

export interface CoordinatorOptions {
  /** Partitions of __consumer_offsets when this node creates it (default 8). */
  offsetsPartitions?: number;
  /** How often members' sessions and rebalance deadlines are checked (default 100 ms). */
  tickMs?: number;
  /** How long a request waits for a load under way before answering COORDINATOR_LOAD_IN_PROGRESS. */
  loadWaitMs?: number;
}

const MIN_TIMEOUT_MS = 100;
const MAX_TIMEOUT_MS = 3_600_000;
const MAX_GROUP_ID = 249;
const WRITE_TIMEOUT_MS = 10_000;

/** The groups of one coordinator partition this node leads, loaded for one leadership term. */
interface Loaded {
  readonly partition: number;
  readonly term: number;
  ready: boolean;
  loading: Promise<void>;
  groups: Map<string, ConsumerGroup>;
  /** Joins waiting for a generation: group → member → answer. */
  readonly joins: Map<string, Map<string, { resolve: (r: JoinResult) => void; reject: (e: unknown) => void }>>;
  dropped: boolean;
}

/**
 * The group coordinator of one node: for every partition of __consumer_offsets this node leads,
 * the groups that hash to it (cluster/groups' ConsumerGroup), loaded from the partition when the
 * leadership is noticed (lazily, at the first request or tick) and written back to it: a group's
 * membership record each time a generation completes, each committed offset before the commit is
 * answered. The log is the truth: a write that fails drops the loaded state, and the next request
 * reloads it. Requests for a partition this node does not lead answer NOT_COORDINATOR (with the
 * leader hint), during a load COORDINATOR_LOAD_IN_PROGRESS.
 */
export class GroupCoordinator {
  private readonly loaded = new Map<number, Loaded>();
  private timer: NodeJS.Timeout | undefined;
  private creating: Promise<void> | undefined;
  private readonly offsetsPartitions: number;
  private readonly loadWaitMs: number;

  constructor(
    private readonly host: CoordinatorHost,
    private readonly options: CoordinatorOptions = {},
  ) {
    this.offsetsPartitions = options.offsetsPartitions ?? DEFAULT_OFFSETS_PARTITIONS;
    this.loadWaitMs = options.loadWaitMs ?? 2000;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 100);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const l of this.loaded.values()) this.drop(l, () => rpcError('SHUTTING_DOWN', `node ${this.host.id} is shutting down; find the coordinator again`));
  }

  // ---- the API ----------------------------------------------------------------------------------

  /** Where a group's coordinator is; creates __consumer_offsets (compacted) on first use. */
  async findCoordinator(groupId: string, deadline: number): Promise<FindCoordinatorResponse> {
    checkGroupId(groupId);
    const topic = await this.offsetsTopic(deadline);
    const partition = partitionForGroup(groupId, topic.partitions.length);
    const d = await this.host.describeTopic(topic);
    const p = d.partitions.find((x) => x.partition === partition);
    return { topic: OFFSETS_TOPIC, partition, partitions: topic.partitions.length, coordinator: p?.leader ?? 0, coordinatorAddress: p?.leaderAddress ?? '' };
  }

  async joinGroup(req: JoinGroupRequest): Promise<JoinGroupResponse> {
    checkGroupId(req.groupId);
    checkTimeout('session_timeout_ms', req.sessionTimeoutMs);
    checkTimeout('rebalance_timeout_ms', req.rebalanceTimeoutMs);
    if (!isStrategy(req.strategy)) throw invalidRequest(`group "${req.groupId}": strategy "${req.strategy}" is not one of ${STRATEGIES.join(', ')}`);
    if (req.topics.length === 0 || req.topics.some((t) => typeof t !== 'string' || t === '')) {
      throw invalidRequest(`group "${req.groupId}": a member must subscribe to at least one topic, by name`);
    }
    const metadata = this.host.appliedMetadata();
    for (const t of req.topics) {
      if (!metadata.topic(t)) throw rpcError('UNKNOWN_TOPIC', `group "${req.groupId}": the member subscribes to topic "${t}", which does not exist`);
    }
    const owned = fromWire(req.owned);
    const l = await this.coordinatorFor(req.groupId);
    const g = this.groupOf(l, req.groupId, true)!;
    const joined = this.guard(() =>
      g.join(
        {
          memberId: req.memberId,
          instanceId: req.groupInstanceId,
          clientId: req.clientId || 'consumer',
          sessionTimeoutMs: req.sessionTimeoutMs,
          rebalanceTimeoutMs: req.rebalanceTimeoutMs,
          topics: req.topics,
          strategy: req.strategy as JoinResult['strategy'],
          owned,
        },
        Date.now(),
      ),
    );
    const answer = joined.result
      ? Promise.resolve(joined.result)
      : new Promise<JoinResult>((resolve, reject) => {
          let waiting = l.joins.get(req.groupId);
          if (!waiting) l.joins.set(req.groupId, (waiting = new Map()));
          waiting.get(joined.memberId)?.reject(rpcError('REBALANCE_IN_PROGRESS', `group "${req.groupId}": member ${joined.memberId} joined again`));
          waiting.set(joined.memberId, { resolve, reject });
        });
    await this.settle(l, g);
    const r = await answer;
    return { memberId: r.memberId, generation: r.generation, strategy: r.strategy, members: [...r.members] };
  }

  async syncGroup(groupId: string, memberId: string, generation: number): Promise<TopicPartitions[]> {
    const { l, g } = await this.existing(groupId, memberId);
    const tps = this.guard(() => g.sync(memberId, generation, Date.now()));
    await this.settle(l, g);
    return toWire(tps);
  }

  async heartbeat(groupId: string, memberId: string, generation: number): Promise<{ rebalanceInProgress: boolean }> {
    const { l, g } = await this.existing(groupId, memberId);
    const r = this.guard(() => g.heartbeat(memberId, generation, Date.now()));
    await this.settle(l, g);
    return r;
  }

  async leaveGroup(groupId: string, memberId: string): Promise<void> {
    const { l, g } = await this.existing(groupId, memberId);
    this.guard(() => g.leave(memberId, Date.now()));
    await this.settle(l, g);
  }

  async commitOffsets(req: CommitOffsetsRequest): Promise<void> {
    checkGroupId(req.groupId);
    if (req.memberId === '' && req.generation !== -1) {
      throw invalidRequest(`group "${req.groupId}": a commit with no member_id is an admin commit and must have generation -1 (it has ${req.generation})`);
    }
    const metadata = this.host.appliedMetadata();
    const now = Date.now();
    const offsets: CommittedOffset[] = req.offsets.map((o) => {
      const t = metadata.topic(o.topic);
      if (!t) throw rpcError('UNKNOWN_TOPIC', `group "${req.groupId}": commit for topic "${o.topic}", which does not exist`);
      if (!Number.isInteger(o.partition) || o.partition >= t.partitions.length) {
        throw rpcError('UNKNOWN_PARTITION', `group "${req.groupId}": commit for topic "${o.topic}" partition ${o.partition}; it has ${t.partitions.length} partitions`);
      }
      if (!Number.isSafeInteger(o.offset) || o.offset < 0) throw invalidRequest(`group "${req.groupId}": offset ${o.offset} for topic "${o.topic}" partition ${o.partition} is not an offset`);
      return { topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata ?? '', commitTimestampMs: now };
    });
    if (offsets.length === 0) return;
    const l = await this.coordinatorFor(req.groupId);
    const g = this.groupOf(l, req.groupId, true)!;
    this.guard(() => g.checkCommit(req.memberId, req.generation, now));
    await this.write(
      l,
      offsets.map((o) => ({ kind: 'offset', groupId: req.groupId, topic: o.topic, partition: o.partition, value: { offset: o.offset, metadata: o.metadata, commitTimestampMs: o.commitTimestampMs } })),
    );
    g.commit(offsets);
  }

  async fetchOffsets(req: FetchOffsetsRequest): Promise<WireCommittedOffset[]> {
    checkGroupId(req.groupId);
    const l = await this.coordinatorFor(req.groupId);
    const g = this.groupOf(l, req.groupId, false);
    if (!g) return [];
    const wanted = req.partitions.length === 0 ? undefined : new Set(fromWire(req.partitions).map(tpKey));
    return [...g.offsets.values()]
      .filter((o) => !wanted || wanted.has(tpKey(o)))
      .sort(compareTp)
      .map((o) => ({ ...o }));
  }

  async listGroups(partition: number): Promise<GroupSummary[]> {
    const t = this.host.appliedMetadata().topic(OFFSETS_TOPIC);
    if (t && (!Number.isInteger(partition) || partition >= t.partitions.length)) {
      throw rpcError('UNKNOWN_PARTITION', `ListGroups: ${OFFSETS_TOPIC} has no partition ${partition} (it has ${t.partitions.length})`);
    }
    const l = await this.loadedPartition(partition, `partition ${partition} of ${OFFSETS_TOPIC}`);
    return [...l.groups.values()]
      .filter((g) => !g.isEmpty || g.generation > 0)
      .map((g) => ({ groupId: g.groupId, state: g.phase, members: g.members.size, strategy: g.strategy ?? '' }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    checkGroupId(groupId);
    const l = await this.coordinatorFor(groupId);
    const g = this.groupOf(l, groupId, false);
    if (!g) throw rpcError('UNKNOWN_GROUP', `group "${groupId}" does not exist (no members, no committed offsets)`);
    const now = Date.now();
    return {
      groupId,
      state: g.phase,
      generation: g.generation,
      strategy: g.strategy ?? '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.instanceId,
        clientId: m.clientId,
        topics: m.topics,
        assignment: toWire(m.assignment),
        lastHeartbeatAgeMs: Math.max(0, now - m.lastSeen),
      })),
      offsets: [...g.offsets.values()].sort(compareTp).map((o) => ({ ...o })),
      coordinator: this.host.id,
    };
  }

  async deleteGroup(groupId: string): Promise<void> {
    checkGroupId(groupId);
    const l = await this.coordinatorFor(groupId);
    const g = this.groupOf(l, groupId, false);
    if (!g) throw rpcError('UNKNOWN_GROUP', `group "${groupId}" does not exist (no members, no committed offsets)`);
    if (g.members.size > 0) throw rpcError('GROUP_NOT_EMPTY', `group "${groupId}" has ${g.members.size} live member(s); stop them before deleting it`);
    await this.write(l, [
      { kind: 'group', groupId, value: null },
      ...[...g.offsets.values()].map((o): GroupLogRecord => ({ kind: 'offset', groupId, topic: o.topic, partition: o.partition, value: null })),
    ]);
    l.groups.delete(groupId);
  }

  // ---- coordination -------------------------------------------------------------------------------

  private async offsetsTopic(deadline: number): Promise<TopicInfo> {
    let t = this.host.appliedMetadata().topic(OFFSETS_TOPIC);
    if (t) return t;
    this.creating ??= this.host
      .createTopic(
        { type: 'createTopic', name: OFFSETS_TOPIC, partitions: this.offsetsPartitions, replicationFactor: 0, config: { 'cleanup.policy': 'compact' } },
        deadline,
      )
      .catch((e: unknown) => {
        // Another node created it first: fine.
        if (!this.host.appliedMetadata().topic(OFFSETS_TOPIC)) throw e;
      })
      .finally(() => {
        this.creating = undefined;
      });
    await this.creating;
    t = this.host.appliedMetadata().topic(OFFSETS_TOPIC);
    if (!t) throw rpcError('NOT_COORDINATOR', `${OFFSETS_TOPIC} is being created; find the coordinator again shortly`);
    return t;
  }

  /** The loaded partition of a group's coordinator, if this node is it (else the error to answer). */
  private coordinatorFor(groupId: string): Promise<Loaded> {
    const t = this.host.appliedMetadata().topic(OFFSETS_TOPIC);
    if (!t) throw rpcError('NOT_COORDINATOR', `${OFFSETS_TOPIC} does not exist yet: call FindCoordinator first (it creates it)`);
    const partition = partitionForGroup(groupId, t.partitions.length);
    return this.loadedPartition(partition, `group "${groupId}" (${OFFSETS_TOPIC} partition ${partition})`);
  }

  private async loadedPartition(partition: number, what: string): Promise<Loaded> {
    if (this.host.stopping) throw rpcError('SHUTTING_DOWN', `node ${this.host.id} is shutting down; find the coordinator again`);
    let replica: CoordinatorReplica;
    try {
      replica = this.host.replicaFor(OFFSETS_TOPIC, partition);
    } catch (e) {
      const meta = e instanceof RpcError ? e.meta : {};
      throw rpcError('NOT_COORDINATOR', `node ${this.host.id} is not the coordinator of ${what}: ${e instanceof Error ? e.message : String(e)}`, meta);
    }
    const d = replica.describe();
    if (!d.isLeader) {
      const hint = this.host.hint(d.leader);
      throw rpcError(
        'NOT_COORDINATOR',
        `node ${this.host.id} is not the coordinator of ${what}: ${hint.id === 0 ? 'the partition has no leader right now' : `node ${hint.id} leads it`}; find the coordinator again`,
        leaderMeta(hint),
      );
    }
    let l = this.loaded.get(partition);
    if (l && l.term !== d.term) {
      this.drop(l, () => rpcError('NOT_COORDINATOR', `${what}: the coordinator's leadership changed; find the coordinator again`));
      l = undefined;
    }
    if (!l) l = this.startLoad(partition, d.term, replica);
    if (!l.ready) {
      const loaded = await Promise.race([l.loading.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), this.loadWaitMs).unref())]);
      if (!loaded || !l.ready) {
        throw rpcError('COORDINATOR_LOAD_IN_PROGRESS', `node ${this.host.id} is loading ${what} (it became the partition's leader in term ${l.term}); retry shortly`);
      }
    }
    return l;
  }

  private startLoad(partition: number, term: number, replica: CoordinatorReplica): Loaded {
    const l: Loaded = { partition, term, ready: false, loading: Promise.resolve(), groups: new Map(), joins: new Map(), dropped: false };
    this.loaded.set(partition, l);
    l.loading = (async () => {
      const records: GroupLogRecord[] = [];
      let offset = replica.describe().logStartOffset;
      const until = Date.now() + 60_000;
      for (;;) {
        if (l.dropped) return;
        let r;
        try {
          r = await replica.fetch(offset, 4 << 20, 0, 0);
        } catch (e) {
          // A new leader serves reads once it has applied its own term's first entry: wait for that.
          if (e instanceof RpcError && e.code === 'NO_LEADER' && Date.now() < until) {
            await new Promise((res) => setTimeout(res, 20));
            continue;
          }
          throw e;
        }
        for (const batch of splitRecordBatches(r.recordBatches)) {
          const header = validateRecordBatch(batch, { compacted: true });
          for (const rec of readRecords(batch, header, offset)) {
            const decoded = decodeGroupLogRecord(rec.key, rec.value);
            if (decoded) records.push(decoded);
          }
        }
        offset = r.nextOffset;
        if (offset >= r.highWatermark) break;
      }
      const d = replica.describe();
      if (l.dropped || !d.isLeader || d.term !== term) throw new Error('leadership changed during the load');
      l.groups = replayGroups(records, this.counts, newMemberId, Date.now());
      l.ready = true;
    })().catch(() => {
      this.drop(l, () => rpcError('NOT_COORDINATOR', `the load of ${OFFSETS_TOPIC} partition ${partition} failed; find the coordinator again`));
    });
    return l;
  }

  private readonly counts = (topic: string): number => this.host.appliedMetadata().topic(topic)?.partitions.length ?? 0;

  private drop(l: Loaded, error: () => unknown): void {
    l.dropped = true;
    if (this.loaded.get(l.partition) === l) this.loaded.delete(l.partition);
    for (const waiting of l.joins.values()) for (const w of waiting.values()) w.reject(error());
    l.joins.clear();
  }

  private groupOf(l: Loaded, groupId: string, create: boolean): ConsumerGroup | undefined {
    let g = l.groups.get(groupId);
    if (!g && create) {
      g = new ConsumerGroup(groupId, this.counts, newMemberId);
      l.groups.set(groupId, g);
    }
    return g;
  }

  private async existing(groupId: string, memberId: string): Promise<{ l: Loaded; g: ConsumerGroup }> {
    checkGroupId(groupId);
    if (typeof memberId !== 'string' || memberId === '') throw invalidRequest(`group "${groupId}": the request names no member_id (JoinGroup gives one)`);
    const l = await this.coordinatorFor(groupId);
    const g = this.groupOf(l, groupId, false);
    if (!g) throw rpcError('UNKNOWN_MEMBER_ID', `group "${groupId}" has no members; join it first`);
    return { l, g };
  }

  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof GroupError) throw rpcError(e.code, e.message, e.memberId ? { [META.memberId]: e.memberId } : {});
      throw e;
    }
  }

  /**
   * After a call or tick on a group: persist its membership if it changed, then answer the joins
   * of a completed generation and fail those of removed members.
   */
  private async settle(l: Loaded, g: ConsumerGroup): Promise<void> {
    const ev = g.takeEvents();
    const waiting = l.joins.get(g.groupId);
    for (const r of ev.removed) {
      const w = waiting?.get(r.memberId);
      if (!w) continue;
      waiting!.delete(r.memberId);
      w.reject(rpcError(r.fenced ? 'FENCED_INSTANCE_ID' : 'UNKNOWN_MEMBER_ID', `group "${g.groupId}": member ${r.memberId} was removed: ${r.why}`));
    }
    const results = ev.completed ? ev.completed.members.map((m) => g.joinResult(m)) : [];
    if (ev.dirty) {
      try {
        await this.write(l, [{ kind: 'group', groupId: g.groupId, value: g.toRecord() }]);
      } catch {
        return; // write() dropped the partition, failing every waiting join
      }
    }
    for (const r of results) {
      const w = waiting?.get(r.memberId);
      if (!w) continue;
      waiting!.delete(r.memberId);
      w.resolve(r);
    }
  }

  /** Appends records to the coordinator partition (acks=all); a failure drops the loaded state (the log is the truth). */
  private async write(l: Loaded, records: GroupLogRecord[]): Promise<void> {
    const now = Date.now();
    const batch = encodeRecordBatch(records.map((r) => ({ ...encodeGroupLogRecord(r), timestamp: now })));
    try {
      const replica = this.host.replicaFor(OFFSETS_TOPIC, l.partition);
      if (l.dropped) throw rpcError('NOT_COORDINATOR', `${OFFSETS_TOPIC} partition ${l.partition}: the coordinator's state was dropped; find the coordinator again`);
      await replica.produce({ batch, acks: 'ACKS_ALL', deadline: now + WRITE_TIMEOUT_MS });
    } catch (e) {
      this.drop(l, () => rpcError('NOT_COORDINATOR', `${OFFSETS_TOPIC} partition ${l.partition}: a write of the coordinator failed; find the coordinator again`));
      if (e instanceof RpcError && (e.code === 'NOT_LEADER' || e.code === 'NO_LEADER')) {
        throw rpcError('NOT_COORDINATOR', `the coordinator lost the leadership of ${OFFSETS_TOPIC} partition ${l.partition}: ${e.message}`, e.meta);
      }
      throw e;
    }
  }

  private tick(): void {
    if (this.host.stopping) return;
    const now = Date.now();
    for (const l of [...this.loaded.values()]) {
      if (!l.ready) continue;
      let leading = false;
      try {
        const d = this.host.replicaFor(OFFSETS_TOPIC, l.partition).describe();
        leading = d.isLeader && d.term === l.term;
      } catch {
        leading = false;
      }
      if (!leading) {
        this.drop(l, () => rpcError('NOT_COORDINATOR', `this node no longer leads ${OFFSETS_TOPIC} partition ${l.partition}; find the coordinator again`));
        continue;
      }
      for (const g of l.groups.values()) {
        g.tick(now);
        void this.settle(l, g);
      }
    }
  }
}

function newMemberId(clientId: string): string {
  return `${clientId}-${randomUUID()}`;
}

function checkGroupId(groupId: string): void {
  if (typeof groupId !== 'string' || groupId === '') throw invalidRequest('the request names no group (group_id is empty)');
  if (groupId.length > MAX_GROUP_ID) throw invalidRequest(`group id "${groupId.slice(0, 40)}..." is longer than ${MAX_GROUP_ID} characters`);
}

function checkTimeout(name: string, ms: number): void {
  if (!Number.isInteger(ms) || ms < MIN_TIMEOUT_MS || ms > MAX_TIMEOUT_MS) {
    throw invalidRequest(`${name} ${ms} is not between ${MIN_TIMEOUT_MS} and ${MAX_TIMEOUT_MS} ms`);
  }
}

function fromWire(tps: readonly TopicPartitions[]): TopicPartition[] {
  return tps.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
}

function toWire(tps: readonly TopicPartition[]): TopicPartitions[] {
  const by = new Map<string, number[]>();
  for (const tp of tps) {
    let list = by.get(tp.topic);
    if (!list) by.set(tp.topic, (list = []));
    list.push(tp.partition);
  }
  return [...by].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
}
