import * as grpc from '@grpc/grpc-js';
import { CompactedError, type Entry, type RaftNode, type ReadState, type Snapshot, type SoftState, type Status } from '../../raft';
import { type CompactionProgress, type FetchResponse, type GroupState, OUTCOME, type ProduceResponse } from '../../proto/load';
import {
  type CleanerProgress,
  type CompactionConfig,
  emptyPrefixCompactIndex,
  fetchBatches,
  type InSyncConfig,
  LeaderSession,
  listOffset,
  LogCleaner,
  type OffsetMap,
  OffsetTrail,
  PartitionState,
  type ProduceLimits,
  type ProduceOutcome,
  type PassResult,
  retentionCompactIndex,
  type RetentionConfig,
  type RewriteEntries,
  type StateOptions,
} from '../partition';
import { CorruptionError } from '../../log-store';
import type { TimestampType } from '../records';
import type { GroupFailure, GroupStateMachine } from './multi-raft';
import { hostBugsOf } from './planted-host-bugs';
import { IndexWaiters } from './index-waiters';
import { failedAfterProposing, type LeaderHint, leaderMeta, notLeader, refusedBeforeProposing, RpcError, toRpcError } from './rpc-errors';

/** What a replica needs of the node hosting it. */
export interface ReplicaHost {
  withNode<T>(group: number, fn: (node: RaftNode) => T): T;
  status(group: number): Status | undefined;
  readEntries(group: number, lo: number, hi: number, maxBytes: number): Promise<readonly Entry[]>;
  hint(nodeId: number): LeaderHint;
  now(): number;
  /** This node's id. */
  readonly self: number;
  /** Run `fn` after `ms` (the host's clock); returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
  /** Fence the group on this node (its data cannot be trusted: a read found it corrupted). */
  fail(group: number, error: Error): void;
  /** The offset map the node's cleaners share (one pass at a time); without it a compacted replica's cleaner has its own. */
  readonly cleanerMap?: OffsetMap;
}

export interface ReplicaConfig {
  readonly topic: string;
  readonly partition: number;
  readonly groupId: number;
  readonly stateOptions: Partial<StateOptions>;
  readonly limits: Partial<ProduceLimits>;
  /** The topic's message.timestamp.type: 'logAppend' stamps the leader's clock on every batch. */
  readonly timestampType: TimestampType;
  readonly minInsyncReplicas: number;
  readonly retention: RetentionConfig;
  /** replica.lag.time.max.ms and replica.lag.max.records (the defaults when absent). */
  readonly inSync?: InSyncConfig;
  /** The log cleaner's settings when the topic compacts (cleanup.policy compact or compact,delete); absent otherwise. */
  readonly compaction?: CompactionConfig;
  /**
   * cleanup.policy=compact alone: the log start moves only past offsets compaction left empty, so
   * a fetch below it loses nothing and reads from the log start (a consumer from offset 0 gets
   * every live key) instead of OFFSET_OUT_OF_RANGE.
   */
  readonly compactOnly?: boolean;
}

export type AcksMode = 'ACKS_ALL' | 'ACKS_LEADER';

export interface ProduceCall {
  /** One RecordBatch v2 as the producer sent it (its header names the producer id, epoch and sequence). */
  readonly batch: Uint8Array;
  readonly acks: AcksMode;
  readonly expectedOffset?: number;
  readonly deadline: number;
}

/** A fetch's answer, and where the next one starts (one past its last record; the offset asked when empty). */
export type FetchResult = FetchResponse & { readonly nextOffset: number };

/** The state at a Raft index where the log may be compacted (a segment boundary retention allows). */
export interface CompactionPoint {
  readonly index: number;
  readonly snapshot: Snapshot;
}

const DEFAULT_FETCH_BYTES = 1 << 20;

/**
 * One partition replica on this node: the partition state machine over its Raft group, plus the
 * leader's side of the API (produce with acks, fetch with long-poll, linearizable end offset).
 */
export class PartitionReplica implements GroupStateMachine {
  state: PartitionState;
  /** Recent apply points (Raft index -> offset), so that as leader it can tell followers' lag in records. */
  readonly trail = new OffsetTrail();
  private session: LeaderSession | undefined;
  private readonly committed = new IndexWaiters<void>();
  private readonly persistedWaiters = new IndexWaiters<void>();
  private readonly reads = new Map<string, { deadline: number; resolve: (index: number) => void; reject: (e: unknown) => void }>();
  private appliedReads: Array<{ index: number; deadline: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  private dataWaiters = new Set<() => void>();
  private readSeq = 0;
  /** Segment boundaries applied since the last compaction, oldest first. */
  private segments: Snapshot[] = [];
  private soft: SoftState = { leader: 0, role: 'follower' };
  /** Set while the host has the group fenced on this node (its apply or storage failed): nothing is served. */
  fenced: GroupFailure | undefined;
  /** Set when the group left this node (topic deleted) or the node is stopping: the error to answer. */
  private closedWith: (() => unknown) | undefined;
  /** The log cleaner of a compacted topic's replica (local: every replica cleans its own log). */
  readonly cleaner: LogCleaner | undefined;

  constructor(
    readonly config: ReplicaConfig,
    private readonly host: ReplicaHost,
    private readonly initialConf: { voters: readonly number[]; learners: readonly number[] },
  ) {
    this.state = new PartitionState(this.context, { options: config.stateOptions, conf: initialConf });
    this.cleaner = config.compaction ? new LogCleaner(this.context, undefined, host.cleanerMap) : undefined;
  }

  get context() {
    return { topic: this.config.topic, partition: this.config.partition };
  }

  get what(): string {
    return `topic "${this.config.topic}" partition ${this.config.partition}`;
  }

  // ---- GroupStateMachine ---------------------------------------------------------------------

  restore(snapshot: Snapshot): void {
    this.state = PartitionState.restore(this.context, snapshot, { options: this.config.stateOptions });
    this.trail.clear();
    this.session = undefined;
    this.segments = [];
    this.cleaner?.reset(); // the log was replaced: what was cleaned is not known any more
    // Entries this node proposed are inside the snapshot or gone: the snapshot cannot tell which.
    this.committed.failThrough(snapshot.metadata.index, () => this.unknownOutcome('a snapshot from the new leader replaced the log'));
    this.persistedWaiters.failThrough(snapshot.metadata.index, () => this.unknownOutcome('a snapshot from the new leader replaced the log'));
    this.wakeData();
  }

  apply(entries: readonly Entry[]): void {
    // A broken invariant throws: the host fences the group (failed() below) and never advances past it.
    const segments = this.state.apply(entries);
    this.trail.record({ raftIndex: this.state.appliedIndex, nextOffset: this.state.nextOffset, totalBytes: this.state.totalBytes });
    for (const s of segments) this.segments.push(s);
    for (const e of entries) this.committed.settle(e.index, e.term, undefined, () => this.overwritten());
    if (this.appliedReads.length > 0) {
      const applied = this.state.appliedIndex;
      const ready = this.appliedReads.filter((r) => r.index <= applied);
      this.appliedReads = this.appliedReads.filter((r) => r.index > applied);
      for (const r of ready) r.resolve();
    }
    this.wakeData();
  }

  /** The host fenced the group on this node: whatever waits may be committed elsewhere (outcome unknown). */
  failed(failure: GroupFailure): void {
    this.fenced = failure;
    this.session = undefined;
    const pending = () => this.unknownOutcome(`${this.what} failed on this node (${failure.error.message})`);
    this.committed.failAll(pending);
    this.persistedWaiters.failAll(pending);
    for (const r of this.reads.values()) r.reject(this.fencedError());
    this.reads.clear();
    for (const r of this.appliedReads) r.reject(this.fencedError());
    this.appliedReads = [];
    this.wakeData();
  }

  /** The host restarts the group from the store: back to the empty partition, restore() and apply() follow. */
  reset(): void {
    this.state = new PartitionState(this.context, { options: this.config.stateOptions, conf: this.initialConf });
    this.trail.clear();
    this.session = undefined;
    this.segments = [];
    this.soft = { leader: 0, role: 'follower' };
    this.fenced = undefined;
    this.cleaner?.reset();
  }

  private fencedError(): RpcError {
    const f = this.fenced;
    const until = f?.final ? 'it stays fenced on this node until the node restarts' : 'it is being restarted from its log';
    return new RpcError(
      grpc.status.FAILED_PRECONDITION,
      'NOT_LEADER',
      `the replica of ${this.what} on this node failed (${f?.error.message}) and is fenced: ${until}; the other replicas elect a leader without it, ask DescribeTopic`,
    );
  }

  persisted(entries: readonly Entry[]): void {
    // Another term's entry on this disk is no proof: only a committed (applied) one is final, and
    // ours may still be on a follower for a later leader to commit.
    for (const e of entries) this.persistedWaiters.settle(e.index, e.term, undefined, (term) => this.deposed(term, this.hint()));
  }

  readStates(states: readonly ReadState[]): void {
    for (const s of states) {
      const key = Buffer.from(s.ctx).toString('hex');
      const r = this.reads.get(key);
      if (!r) continue;
      this.reads.delete(key);
      r.resolve(s.index);
    }
  }

  roleChanged(soft: SoftState): void {
    this.soft = soft;
    if (soft.role !== 'leader') {
      this.session = undefined;
      // A ReadIndex a former leader started will never be confirmed: answer now, not at the deadline.
      for (const [key, r] of this.reads) {
        this.reads.delete(key);
        r.reject(notLeader(this.what, this.host.hint(soft.leader)));
      }
    }
    this.failWritesOfPastTerms(this.host.status(this.config.groupId));
    this.wakeData();
  }

  // ---- serving ---------------------------------------------------------------------------------

  private hint(): LeaderHint {
    return this.host.hint(this.soft.leader);
  }

  /** Proof the batch can never be committed: its index was applied (committed) with another term. */
  private overwritten(): RpcError {
    return new RpcError(
      grpc.status.FAILED_PRECONDITION,
      'NOT_LEADER',
      `${this.what}: leadership moved before the batch was committed and the new leader did not keep it; it was not written, retry on the new leader`,
      leaderMeta(this.hint()),
      OUTCOME.notWritten,
    );
  }

  /** The write may or may not be in the log: only an idempotent retry is safe (TIMEOUT in the table). */
  unknownOutcome(why: string): RpcError {
    return new RpcError(
      grpc.status.DEADLINE_EXCEEDED,
      'TIMEOUT',
      `${this.what}: ${why} before the batch was answered; its outcome is unknown (an idempotent retry is safe)`,
      {},
      OUTCOME.unknown,
    );
  }

  /** A write proposed in `term`, pending when this node stopped leading it. */
  private deposed(term: number, leader: LeaderHint): RpcError {
    const next = leader.id === 0 ? 'the new leader is not known here yet (ask DescribeTopic)' : `node ${leader.id}${leader.address ? ` (${leader.address})` : ''} leads it now`;
    return new RpcError(
      grpc.status.FAILED_PRECONDITION,
      'NOT_LEADER',
      `${this.what}: this node lost the leadership of term ${term} before the batch was acknowledged; ${next}. The new leader may still commit it: its outcome is unknown, and only an idempotent retry (same producer id, epoch and sequence) is safe`,
      leaderMeta(leader),
      OUTCOME.unknown,
    );
  }

  /**
   * Answer at once every write proposed in a term this node no longer leads (it stepped down, or
   * leads a later term now): whether the next leader keeps the entry, only its log will say, and
   * a client waiting for that would wait out its deadline instead of the election.
   */
  private failWritesOfPastTerms(st: Status | undefined): void {
    if (this.committed.size === 0 && this.persistedWaiters.size === 0) return;
    const leadingTerm = st?.role === 'leader' ? st.term : Infinity;
    const leader = this.host.hint(st?.leader ?? this.soft.leader);
    const error = (term: number) => this.deposed(term, leader);
    this.committed.failProposedBefore(leadingTerm, error);
    this.persistedWaiters.failProposedBefore(leadingTerm, error);
  }

  /** This node's status as the group's leader, or the NOT_LEADER / NO_LEADER error to answer. */
  private requireLeader(): Status {
    if (this.closedWith) throw this.closedWith();
    if (this.fenced) throw this.fencedError();
    const st = this.host.status(this.config.groupId);
    if (!st || st.role !== 'leader') throw notLeader(this.what, this.host.hint(st?.leader ?? 0));
    return st;
  }

  /**
   * requireLeader for reads: a new leader serves them only once it has applied an entry of its own
   * term (its no-op), and so everything committed before it. Until then its high watermark may be
   * below what the previous leader served, and a consumer positioned there would be told its
   * offset is out of range (found by the host simulator).
   */
  private requireReadyLeader(): Status {
    const st = this.requireLeader();
    if (this.state.appliedTerm !== st.term) {
      throw new RpcError(
        grpc.status.UNAVAILABLE,
        'NO_LEADER',
        `${this.what}: the leader of term ${st.term} is still applying its predecessors' entries (applied up to raft index ${this.state.appliedIndex}); retry shortly`,
      );
    }
    return st;
  }

  /**
   * Every error out of here says the batch's outcome: what propose() refuses is not-written, what
   * fails while the batch is pending is unknown unless proven overwritten.
   */
  async produce(call: ProduceCall): Promise<ProduceResponse> {
    const now = this.host.now();
    // Synchronous up to the proposal: a stream's requests of one partition enter the log in order.
    const outcome = this.propose(call, now);
    const { baseOffset, lastOffset } = outcome;
    // -1 for CreateTime, and for a duplicate (as Kafka): the records carry the first attempt's time, not this one's.
    const appendTime = this.config.timestampType === 'logAppend' ? now : -1;
    const answer = (duplicate: boolean): ProduceResponse => ({ baseOffset, lastOffset, logAppendTimeMs: duplicate ? -1 : appendTime, duplicate });
    switch (outcome.kind) {
      case 'duplicate':
        return answer(true);
      case 'appended':
      case 'pendingDuplicate': {
        // A pending duplicate's entry may already be on disk: its acks=leader answer is the commit.
        const leaderOnly = call.acks === 'ACKS_LEADER' || hostBugsOf(this.config).has('ackBeforeCommit');
        const w = leaderOnly && outcome.kind === 'appended' ? this.persistedWaiters : this.committed;
        try {
          await w.wait(outcome.index, outcome.term, call.deadline);
        } catch (e) {
          throw failedAfterProposing(e, this.what, this.hint());
        }
        return answer(outcome.kind === 'pendingDuplicate');
      }
      default: {
        const never: never = outcome;
        throw failedAfterProposing(new Error(`unknown produce outcome ${JSON.stringify(never)}`), this.what);
      }
    }
  }

  /** Validate and propose the batch; throws not-written refusals (unknown if Raft had taken it). */
  private propose(call: ProduceCall, now: number): Exclude<ProduceOutcome, { kind: 'rejected' }> {
    let proposed = false;
    try {
      const st = this.requireLeader();
      this.failWritesOfPastTerms(st);
      if (call.acks === 'ACKS_ALL' && this.config.minInsyncReplicas > 1) {
        const inSync = inSyncVoters(st).length;
        if (inSync < this.config.minInsyncReplicas) {
          throw new RpcError(
            grpc.status.UNAVAILABLE,
            'NOT_ENOUGH_REPLICAS',
            `${this.what}: ${inSync} replicas are in sync, min.insync.replicas is ${this.config.minInsyncReplicas}; acks=all produce refused until more catch up`,
          );
        }
      }
      if (!this.session || this.session.term !== st.term || this.session.state !== this.state) {
        this.session = new LeaderSession(this.state, st.term, this.config.limits);
      }
      // The one copy of the batch: the leader stamps it in place, and the request's bytes may be a
      // view of a larger network buffer that the log must not keep alive.
      const batch = Buffer.allocUnsafeSlow(call.batch.length);
      batch.set(call.batch);
      const group = this.config.groupId;
      const outcome = this.session.produce(
        { batch, expectedOffset: call.expectedOffset, appendTime: now, timestampType: this.config.timestampType },
        (data) => {
          const at = this.host.withNode(group, (n) => n.propose(data));
          proposed = true; // from here on the batch may be in the log
          return at;
        },
      );
      if (outcome.kind === 'rejected') throw outcome.error;
      return outcome;
    } catch (e) {
      throw proposed ? failedAfterProposing(e, this.what, this.hint()) : refusedBeforeProposing(e, this.what, this.hint());
    }
  }

  async fetch(from: number, maxBytes: number, maxWaitMs: number, minBytes: number, cancelled: () => boolean = () => false): Promise<FetchResult> {
    const deadline = this.host.now() + maxWaitMs;
    const budget = maxBytes > 0 ? maxBytes : DEFAULT_FETCH_BYTES;
    this.requireReadyLeader();
    // Below the log start of a compact-only topic only emptied entries were removed: nothing is lost.
    const offset = this.config.compactOnly ? Math.max(from, this.state.logStartOffset) : from;
    if (offset > this.state.nextOffset) {
      // Past this replica's end: it may be a deposed leader that has not noticed yet, behind what
      // the new leader served. Only a quorum's word (ReadIndex) tells "not written yet" from
      // "out of range"; a deposed leader fails it with NOT_LEADER (found by the host simulator).
      await this.readIndex(Math.max(deadline, this.host.now() + 1000));
    }
    for (;;) {
      this.requireReadyLeader();
      const r = await this.readFrom(offset, budget);
      const now = this.host.now();
      if ((r.batches.length > 0 && r.bytes >= minBytes) || now >= deadline || cancelled()) {
        const recordBatches = r.batches.length === 1 ? buf(r.batches[0]) : Buffer.concat(r.batches, r.bytes);
        return { recordBatches, highWatermark: this.state.highWatermark, logStartOffset: this.state.logStartOffset, nextOffset: r.nextOffset };
      }
      await this.waitForData(deadline - now);
    }
  }

  private async readFrom(offset: number, budget: number) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetchBatches(this.state, offset, budget, (lo, hi, max) => this.host.readEntries(this.config.groupId, lo, hi, max));
      } catch (e) {
        // Retention is compacting the log under the read: once that lands (compacted() wakes us)
        // the plan starts from the new log start, or answers OFFSET_OUT_OF_RANGE below it.
        if (e instanceof CompactedError && attempt < 20) {
          await this.waitForData(50);
          this.requireLeader();
          continue;
        }
        throw this.readFailed(e);
      }
    }
  }

  /** A read that failed; a corrupted entry fences the replica (never served), and the client goes elsewhere. */
  private readFailed(e: unknown): unknown {
    if (!(e instanceof CorruptionError)) return toRpcError(e, this.what, this.hint());
    this.host.fail(this.config.groupId, e);
    return this.fenced ? this.fencedError() : toRpcError(e, this.what, this.hint());
  }

  /** Resolves on the next applied batch or leadership change, or after `ms`. */
  waitForData(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        cancel();
        this.dataWaiters.delete(done);
        resolve();
      };
      const cancel = this.host.after(Math.max(0, ms), done);
      this.dataWaiters.add(done);
    });
  }

  private wakeData(): void {
    if (this.dataWaiters.size === 0) return;
    const waiters = this.dataWaiters;
    this.dataWaiters = new Set();
    for (const w of waiters) w();
  }

  async listOffset(spec: 'earliest' | 'latest' | { timestamp: number }, deadline: number): Promise<number> {
    if (spec === 'latest') this.requireLeader();
    else this.requireReadyLeader();
    if (spec === 'latest') {
      await this.readIndex(deadline);
      return this.state.nextOffset;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const found = await listOffset(this.state, spec, (lo, hi, max) => this.host.readEntries(this.config.groupId, lo, hi, max));
        return found ?? this.state.nextOffset;
      } catch (e) {
        if (e instanceof CompactedError && attempt < 20) {
          await this.waitForData(50); // as in readFrom: the compaction lands, then search again
          this.requireLeader();
          continue;
        }
        throw this.readFailed(e);
      }
    }
  }

  /** Linearizable: once a quorum confirms this node still leads, wait until it applied that far. */
  private async readIndex(deadline: number): Promise<void> {
    const ctx = Buffer.alloc(8);
    ctx.writeBigUInt64BE(BigInt(++this.readSeq));
    const key = ctx.toString('hex');
    const index = await new Promise<number>((resolve, reject) => {
      if (this.closedWith) {
        reject(this.closedWith());
        return;
      }
      this.reads.set(key, { deadline, resolve, reject });
      try {
        this.host.withNode(this.config.groupId, (n) => n.readIndex(ctx));
      } catch (e) {
        this.reads.delete(key);
        reject(toRpcError(e, this.what, this.hint()));
      }
    });
    if (this.state.appliedIndex >= index) return;
    if (this.closedWith) throw this.closedWith();
    await new Promise<void>((resolve, reject) => this.appliedReads.push({ index, deadline, resolve, reject }));
  }

  /** Fail requests whose deadline passed (outcome unknown for produce). */
  expire(now: number): void {
    const timeout = () =>
      new RpcError(grpc.status.DEADLINE_EXCEEDED, 'TIMEOUT', `${this.what}: not committed in time; the outcome is unknown (an idempotent retry is safe)`, {}, OUTCOME.unknown);
    this.committed.expire(now, timeout);
    this.persistedWaiters.expire(now, timeout);
    const readTimeout = () => new RpcError(grpc.status.UNAVAILABLE, 'NO_LEADER', `${this.what}: the leader could not confirm its leadership in time; retry`);
    for (const [k, r] of this.reads) {
      if (r.deadline <= now) {
        this.reads.delete(k);
        r.reject(readTimeout());
      }
    }
    const late = this.appliedReads.filter((r) => r.deadline <= now);
    if (late.length > 0) {
      this.appliedReads = this.appliedReads.filter((r) => r.deadline > now);
      for (const r of late) r.reject(readTimeout());
    }
  }

  /** The group is leaving this node (or the node is stopping): fail everything waiting. */
  close(error: () => unknown, pendingWrites: () => unknown = error): void {
    this.closedWith = error;
    // Proposed writes may be committed elsewhere (or were, before a deletion): outcome unknown.
    const pending = () => failedAfterProposing(pendingWrites(), this.what);
    this.committed.failAll(pending);
    this.persistedWaiters.failAll(pending);
    for (const r of this.reads.values()) r.reject(error());
    this.reads.clear();
    for (const r of this.appliedReads) r.reject(error());
    this.appliedReads = [];
    this.wakeData();
  }

  /**
   * Where the log may be compacted now, with the state snapshot to keep there: as far as retention
   * allows, or (a compacted topic) through the last segment boundary before which the cleaner
   * left no record (emptyPrefixCompactIndex), whichever is further.
   */
  compactionPoint(now: number): CompactionPoint | undefined {
    const retained = retentionCompactIndex(this.state, this.config.retention, now);
    const emptied = this.cleaner ? emptyPrefixCompactIndex(this.state, this.cleaner.progress().emptyThroughIndex) : undefined;
    const index = retained === undefined ? emptied : emptied === undefined ? retained : Math.max(retained, emptied);
    if (index === undefined) return undefined;
    const snapshot = this.segments.find((s) => s.metadata.index === index);
    if (!snapshot) return undefined;
    return { index, snapshot };
  }

  /** The host compacted the log through `index`. */
  compacted(index: number): void {
    this.segments = this.segments.filter((s) => s.metadata.index > index);
    // A snapshot installed meanwhile may already start the state past this point.
    if (this.state.index.pointAt(index + 1)) this.state.compactedThrough(index);
    this.wakeData();
  }

  /**
   * One pass of the log cleaner if its plan says so (a compacted topic's replica only; undefined if
   * none ran). `rewrite` stores rewritten entries (resolving once durable). Runs beside produce and
   * fetch: it reads applied entries of closed segments and rewrites them in place.
   */
  async clean(now: number, rewrite: RewriteEntries): Promise<PassResult | undefined> {
    const cleaner = this.cleaner;
    const compaction = this.config.compaction;
    if (!cleaner || !compaction || this.fenced || this.closedWith) return undefined;
    const state = this.state;
    const group = this.config.groupId;
    try {
      return await cleaner.clean(state, compaction, now, (lo, hi, max) => this.host.readEntries(group, lo, hi, max), rewrite, this.tombstoneFloor());
    } catch (e) {
      if (e instanceof CorruptionError) this.host.fail(group, e);
      // Retention or a snapshot took the log from under the pass: the next one starts over.
      if (e instanceof CompactedError || e instanceof CorruptionError) return undefined;
      throw e;
    } finally {
      // A snapshot installed (or a repair) during the pass: its counts describe a log that is gone.
      if (this.state !== state) cleaner.reset();
    }
  }

  /**
   * Tombstones at or above this offset stay, whatever their delete horizon. As leader: the first
   * offset some replica of the partition has not received (its match), so a lagging replica never
   * misses a tombstone that deletes a value it holds, and the key cannot come back there. As a
   * follower, which does not know the others' progress: 0, it keeps every tombstone (it removes
   * them once it leads).
   */
  private tombstoneFloor(): number {
    const st = this.host.status(this.config.groupId);
    if (st?.role !== 'leader' || !st.progress || st.progress.length === 0) return 0;
    const lacking = Math.min(...st.progress.map((p) => p.match)) + 1;
    let offset = this.state.index.first().baseOffset;
    for (const p of this.state.index.all()) {
      if (p.raftIndex > lacking) break;
      offset = p.baseOffset;
    }
    return offset;
  }

  /** The cleaner's progress on this replica (a compacted topic only). */
  cleanerProgress(): CleanerProgress | undefined {
    return this.cleaner?.progress();
  }

  /** The cleaner's progress as DescribeTopic reports it; null unless the topic compacts. */
  private compactionState(): CompactionProgress | null {
    const p = this.cleaner?.progress();
    if (!p) return null;
    return {
      node: this.host.self,
      passes: p.passes,
      cleanedThroughOffset: p.cleanedThroughOffset,
      bytesReclaimed: p.bytesReclaimed,
      recordsRemoved: p.recordsRemoved,
      tombstonesRemoved: p.tombstonesRemoved,
      dirtyRatio: p.dirtyRatio,
      cleanedThroughIndex: p.cleanedThroughIndex,
      emptyThroughIndex: p.emptyThroughIndex,
      lastPassMs: p.lastPassAt,
    };
  }

  /** What DescribeTopic reports of this partition, as this replica sees it. */
  describe(): GroupState {
    const st = this.host.status(this.config.groupId);
    const isLeader = st?.role === 'leader';
    const inSync = isLeader ? inSyncVoters(st) : [];
    const hw = this.state.highWatermark;
    const session = this.session;
    const f = this.fenced;
    return {
      group: this.config.groupId,
      node: this.host.self,
      failure: f ? `${f.error.message} (failure ${f.attempts}${f.final ? ', fenced until the node restarts' : ', being restarted'})` : '',
      leader: st?.leader ?? 0,
      term: st?.term ?? 0,
      isLeader,
      inSync,
      logStartOffset: this.state.logStartOffset,
      logEndOffset: isLeader && session && session.term === st.term && session.state === this.state ? Math.max(hw, session.nextOffset) : hw,
      highWatermark: hw,
      replicas: [], // measured by the node, which knows the replicas' order and its Raft timing (replica-status.ts)
      compaction: this.compactionState(),
    };
  }
}

/** The voters a leader sees in sync (itself included), by id. */
export function inSyncVoters(leader: Status): number[] {
  return (leader.progress ?? [])
    .filter((p) => !p.isLearner && p.inSync)
    .map((p) => p.id)
    .sort((a, b) => a - b);
}

function buf(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
