import { isCooperative, type Strategy } from '../groups';
import { Consumer } from './consumer';
import { ClosedError, type FlotillaError, GroupMembershipError, OffsetOutOfRangeError, toFlotillaError } from './errors';
import { GroupCalls, type OffsetToCommit, type TopicPartition, tpKey } from './group-calls';
import type { ConsumedRecord } from './records';
import { sleep } from './retry';
import type { Router } from './router';

export interface GroupConsumerOptions {
  groupId: string;
  /** Static membership: a member that restarts with the same id within its session keeps its partitions, with no rebalance. */
  groupInstanceId?: string;
  /** The member is removed if the coordinator hears nothing from it for this long (default 10 s). */
  sessionTimeoutMs?: number;
  /** How long a rebalance waits for members to rejoin (default 30 s). */
  rebalanceTimeoutMs?: number;
  /** Default sessionTimeoutMs / 3. */
  heartbeatIntervalMs?: number;
  /** 'range', 'roundrobin' or 'cooperative-sticky' (default): every member of a group must use the same. */
  strategy?: Strategy;
  /** Commit processed offsets every autoCommitIntervalMs, and on revocation and close (default true). */
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  /** Where a partition with no committed offset (or one out of range) starts: 'earliest', 'latest' (default) or 'none' (fail). */
  autoOffsetReset?: 'earliest' | 'latest' | 'none';
  /** Upper bound of each fetch (default: the server's). */
  maxBytes?: number;
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: ConsumedRecord;
}

export interface EachBatchPayload {
  batch: { topic: string; partition: number; messages: ConsumedRecord[]; highWatermark: number };
  /** Marks records up to `offset` processed (by default the whole batch is, once eachBatch returns). */
  resolveOffset(offset: number): void;
  commitOffsetsIfNecessary(): Promise<void>;
  isRunning(): boolean;
  /** The partition was revoked or lost meanwhile: stop processing the batch. */
  isStale(): boolean;
}

export interface RunOptions {
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
}

export type RebalanceListener = (partitions: TopicPartition[]) => unknown;

interface PartitionRun {
  tp: TopicPartition;
  /** The next offset to fetch. */
  position: number;
  /** The next offset after the last processed record: what a commit writes. */
  processed: number;
  committed: number;
  stopped: boolean;
  /** Bumped by seek: a fetch answered for an older epoch is dropped. */
  epoch: number;
  done: Promise<void>;
}

/**
 * A member of a consumer group (KafkaJS-style): `subscribe`, then `run` with `eachMessage` or
 * `eachBatch`, or iterate `messages()`. The group's coordinator assigns it partitions; it reads
 * them from their committed offsets, and commits what it has processed.
 *
 * Delivery is at least once: an offset is committed only after eachMessage (or eachBatch) has
 * returned for its record, periodically (autoCommitIntervalMs), before a partition is given up
 * in a rebalance, and on close. A member that dies has processed records it has not committed
 * (at most autoCommitIntervalMs' worth, plus the one in progress): the member that takes its
 * partitions starts at the last committed offset and processes them again.
 */
export class GroupConsumer {
  private readonly calls: GroupCalls;
  private readonly reader: Consumer;
  private readonly o: Required<Omit<GroupConsumerOptions, 'groupInstanceId' | 'maxBytes'>> & Pick<GroupConsumerOptions, 'groupInstanceId' | 'maxBytes'>;
  private topics: string[] = [];
  private memberId = '';
  private generation = -1;
  private readonly runs = new Map<string, PartitionRun>();
  private readonly paused = new Set<string>();
  private handler: RunOptions | undefined;
  private running = false;
  private stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly listeners = { assigned: [] as RebalanceListener[], revoked: [] as RebalanceListener[], lost: [] as RebalanceListener[] };
  private crashListeners: ((e: unknown) => void)[] = [];
  /** Set when the heartbeat says the group is rebalancing, or a commit was fenced: rejoin. */
  private rejoinNeeded = false;

  constructor(
    private readonly router: Router,
    options: GroupConsumerOptions,
    private readonly clientId: string,
  ) {
    if (!options.groupId) throw new TypeError('consumer({ groupId }): groupId must be a non-empty string');
    const sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.o = {
      groupId: options.groupId,
      groupInstanceId: options.groupInstanceId,
      sessionTimeoutMs,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 30_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? Math.max(50, Math.floor(sessionTimeoutMs / 3)),
      strategy: options.strategy ?? 'cooperative-sticky',
      autoCommit: options.autoCommit ?? true,
      autoCommitIntervalMs: options.autoCommitIntervalMs ?? 5000,
      autoOffsetReset: options.autoOffsetReset ?? 'latest',
      maxBytes: options.maxBytes,
    };
    this.calls = new GroupCalls(router, options.groupId);
    this.reader = new Consumer(router);
  }

  get groupId(): string {
    return this.o.groupId;
  }

  subscribe(options: { topics: string[] }): void {
    if (this.running) throw new Error(`group ${this.o.groupId}: subscribe before run()`);
    if (options.topics.length === 0) throw new TypeError('subscribe({ topics }): name at least one topic');
    this.topics = [...new Set([...this.topics, ...options.topics])];
  }

  on(event: 'assigned' | 'revoked' | 'lost', listener: RebalanceListener): this;
  on(event: 'crash', listener: (error: unknown) => void): this;
  on(event: string, listener: (x: never) => unknown): this {
    if (event === 'crash') this.crashListeners.push(listener as (e: unknown) => void);
    else this.listeners[event as 'assigned' | 'revoked' | 'lost'].push(listener as RebalanceListener);
    return this;
  }

  /** The partitions this member holds now. */
  assignment(): TopicPartition[] {
    return [...this.runs.values()].map((r) => ({ ...r.tp }));
  }

  /** The member id and generation this member has now ('' and -1 before the first join). */
  membership(): { memberId: string; generation: number } {
    return { memberId: this.memberId, generation: this.generation };
  }

  /** Starts consuming; resolves once started (the loop runs until close()). */
  async run(handler: RunOptions): Promise<void> {
    if (!handler.eachMessage === !handler.eachBatch) throw new TypeError('run(): give exactly one of eachMessage and eachBatch');
    if (this.topics.length === 0) throw new Error(`group ${this.o.groupId}: subscribe({ topics }) before run()`);
    if (this.running) throw new Error(`group ${this.o.groupId}: already running`);
    this.handler = handler;
    this.running = true;
    this.loop = this.session().catch((e) => {
      if (!this.running) return;
      this.running = false;
      for (const l of this.crashListeners) l(e);
    });
  }

  /**
   * The records of the assigned partitions as an async iterator: a record counts as processed
   * (and may be committed) once the next one is asked for.
   */
  async *messages(): AsyncGenerator<ConsumedRecord, void, undefined> {
    const queue: { record: ConsumedRecord; done: () => void }[] = [];
    let wake: (() => void) | undefined;
    await this.run({
      eachMessage: ({ message }) =>
        new Promise<void>((done) => {
          queue.push({ record: message, done });
          wake?.();
        }),
    });
    let previous: (() => void) | undefined;
    try {
      while (this.running) {
        const next = queue.shift();
        if (!next) {
          previous?.();
          previous = undefined;
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 200);
          });
          continue;
        }
        previous?.();
        previous = next.done;
        yield next.record;
      }
    } finally {
      previous?.();
    }
  }

  pause(topics: { topic: string; partitions?: number[] }[]): void {
    for (const t of topics) for (const p of t.partitions ?? this.partitionsOf(t.topic)) this.paused.add(tpKey({ topic: t.topic, partition: p }));
  }

  resume(topics: { topic: string; partitions?: number[] }[]): void {
    for (const t of topics) for (const p of t.partitions ?? this.partitionsOf(t.topic)) this.paused.delete(tpKey({ topic: t.topic, partition: p }));
  }

  /** Reads the partition from `offset` next (it must be assigned to this member); committed with the next commit. */
  seek(tp: TopicPartition & { offset: number }): void {
    const r = this.runs.get(tpKey(tp));
    if (!r) throw new Error(`group ${this.o.groupId}: topic ${tp.topic} partition ${tp.partition} is not assigned to this member`);
    r.epoch++;
    r.position = tp.offset;
    r.processed = tp.offset;
  }

  /** Commits offsets now (by default: every assigned partition's processed offset). */
  async commitOffsets(offsets?: OffsetToCommit[]): Promise<void> {
    const list = offsets ?? [...this.runs.values()].filter((r) => r.processed !== r.committed).map((r) => ({ ...r.tp, offset: r.processed }));
    if (list.length === 0) return;
    await this.calls.commit(this.memberId, this.generation, list);
    for (const o of list) {
      const r = this.runs.get(tpKey(o));
      if (r) r.committed = Math.max(r.committed, o.offset);
    }
  }

  /** Stops consuming: commits what was processed, leaves the group (a static member does not: it keeps its partitions for its session). */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping.abort();
    await this.loop;
    await this.revoke([...this.runs.values()].map((r) => r.tp), true);
    if (this.memberId && !this.o.groupInstanceId) await this.calls.leave(this.memberId).catch(() => undefined);
  }

  // ---- the member's life --------------------------------------------------------------------------

  private partitionsOf(topic: string): number[] {
    return [...this.runs.values()].filter((r) => r.tp.topic === topic).map((r) => r.tp.partition);
  }

  private async session(): Promise<void> {
    let lastCommit = Date.now();
    while (this.running) {
      const cooperative = isCooperative(this.o.strategy);
      if (!cooperative) await this.revoke([...this.runs.values()].map((r) => r.tp), true);
      let joined;
      try {
        joined = await this.calls.join({
          memberId: this.memberId,
          groupInstanceId: this.o.groupInstanceId ?? '',
          clientId: this.clientId,
          sessionTimeoutMs: this.o.sessionTimeoutMs,
          rebalanceTimeoutMs: this.o.rebalanceTimeoutMs,
          topics: this.topics,
          strategy: this.o.strategy,
          owned: cooperative ? groupByTopic(this.assignment()) : [],
        });
      } catch (e) {
        if (!this.running) return;
        if (e instanceof GroupMembershipError && e.code === 'MEMBER_ID_REQUIRED' && e.memberId) {
          this.memberId = e.memberId;
          continue;
        }
        if (await this.membershipLost(e)) continue;
        throw e;
      }
      this.memberId = joined.memberId;
      this.generation = joined.generation;
      this.rejoinNeeded = false;
      let assignment: TopicPartition[];
      try {
        assignment = await this.calls.sync(this.memberId, this.generation);
      } catch (e) {
        if (!this.running) return;
        if ((await this.membershipLost(e)) || isRebalancing(e)) continue;
        throw e;
      }
      const next = new Set(assignment.map(tpKey));
      const revoked = [...this.runs.values()].filter((r) => !next.has(tpKey(r.tp))).map((r) => r.tp);
      const added = assignment.filter((tp) => !this.runs.has(tpKey(tp)));
      await this.revoke(revoked, true);
      await this.assign(added);
      // Cooperative: what was revoked goes to its new owner in the next generation.
      if (revoked.length > 0 && cooperative) continue;
      // Stable: heartbeat (and auto-commit) until a rebalance or the end.
      while (this.running && !this.rejoinNeeded) {
        try {
          await sleep(this.o.heartbeatIntervalMs, this.stopping.signal);
        } catch {
          return;
        }
        try {
          if (await this.calls.heartbeat(this.memberId, this.generation, this.o.sessionTimeoutMs)) this.rejoinNeeded = true;
        } catch (e) {
          if (!this.running) return;
          if (await this.membershipLost(e)) break;
          if (isRebalancing(e)) {
            this.rejoinNeeded = true;
            break;
          }
          const err = toFlotillaError(e);
          if (!err.retriable) throw err;
        }
        if (this.o.autoCommit && Date.now() - lastCommit >= this.o.autoCommitIntervalMs) {
          lastCommit = Date.now();
          await this.commitOffsets().catch(async (e) => {
            if ((await this.membershipLost(e)) || isRebalancing(e)) this.rejoinNeeded = true;
          });
        }
      }
    }
  }

  /** UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION: the partitions are lost (no commit possible); rejoin. FENCED_INSTANCE_ID is fatal. */
  private async membershipLost(e: unknown): Promise<boolean> {
    const code = (e as FlotillaError).code;
    if (code === 'FENCED_INSTANCE_ID') throw e;
    if (code !== 'UNKNOWN_MEMBER_ID' && code !== 'ILLEGAL_GENERATION') return false;
    if (code === 'UNKNOWN_MEMBER_ID') this.memberId = '';
    // The partitions may be someone else's already: stop reading them (the record in progress
    // finishes), commit nothing, and say so.
    const lost = [...this.runs.values()].map((r) => r.tp);
    await this.stopRuns(lost);
    for (const tp of lost) this.runs.delete(tpKey(tp));
    if (lost.length > 0) for (const l of this.listeners.lost) await l(lost.map((tp) => ({ ...tp })));
    return true;
  }

  private async stopRuns(tps: readonly TopicPartition[]): Promise<void> {
    const runs = tps.map((tp) => this.runs.get(tpKey(tp))).filter((r): r is PartitionRun => r !== undefined);
    for (const r of runs) r.stopped = true;
    await Promise.all(runs.map((r) => r.done));
  }

  /** Stops the partitions' readers (the record in progress finishes), commits their processed offsets, tells the listeners. */
  private async revoke(tps: readonly TopicPartition[], commit: boolean): Promise<void> {
    if (tps.length === 0) return;
    await this.stopRuns(tps);
    if (commit && this.o.autoCommit && this.memberId) {
      const offsets = tps
        .map((tp) => this.runs.get(tpKey(tp)))
        .filter((r): r is PartitionRun => r !== undefined && r.processed !== r.committed)
        .map((r) => ({ ...r.tp, offset: r.processed }));
      // A refused commit (fenced, or the group moved on) leaves the records to be processed again: at least once.
      if (offsets.length > 0) await this.calls.commit(this.memberId, this.generation, offsets).catch(() => undefined);
    }
    for (const tp of tps) this.runs.delete(tpKey(tp));
    for (const l of this.listeners.revoked) await l(tps.map((tp) => ({ ...tp })));
  }

  private async assign(tps: readonly TopicPartition[]): Promise<void> {
    if (tps.length === 0) return;
    const committed = new Map((await this.calls.fetchOffsets(tps)).map((c) => [tpKey(c), c.offset]));
    for (const tp of tps) {
      const start = committed.get(tpKey(tp)) ?? (await this.resetOffset(tp));
      const run: PartitionRun = { tp, position: start, processed: start, committed: committed.get(tpKey(tp)) ?? -1, stopped: false, epoch: 0, done: Promise.resolve() };
      this.runs.set(tpKey(tp), run);
      run.done = this.read(run);
    }
    for (const l of this.listeners.assigned) await l(tps.map((tp) => ({ ...tp })));
  }

  private async resetOffset(tp: TopicPartition): Promise<number> {
    if (this.o.autoOffsetReset === 'none') {
      throw new Error(`group ${this.o.groupId}: topic ${tp.topic} partition ${tp.partition} has no committed offset (or it is out of range) and autoOffsetReset is 'none'`);
    }
    return this.reader.listOffsets({ ...tp, spec: this.o.autoOffsetReset });
  }

  /** One partition's reader: fetch, hand each record over, mark it processed; until revoked. */
  private async read(run: PartitionRun): Promise<void> {
    const key = tpKey(run.tp);
    const live = () => !run.stopped && this.running;
    while (live()) {
      if (this.paused.has(key)) {
        await sleep(100);
        continue;
      }
      const epoch = run.epoch;
      let fetched;
      try {
        fetched = await this.reader.fetch({ ...run.tp, offset: run.position, maxWaitMs: 500, maxBytes: this.o.maxBytes });
      } catch (e) {
        if (!live()) return;
        if (e instanceof OffsetOutOfRangeError) {
          run.position = run.processed = await this.resetOffset(run.tp);
          continue;
        }
        if (e instanceof ClosedError) return;
        await sleep(500);
        continue;
      }
      if (epoch !== run.epoch || fetched.records.length === 0) continue;
      try {
        if (this.handler!.eachMessage) {
          for (const message of fetched.records) {
            if (!live() || epoch !== run.epoch) break;
            await this.handler!.eachMessage({ topic: run.tp.topic, partition: run.tp.partition, message });
            run.processed = message.offset + 1;
            run.position = message.offset + 1;
          }
        } else {
          let resolved = -1;
          await this.handler!.eachBatch!({
            batch: { topic: run.tp.topic, partition: run.tp.partition, messages: fetched.records, highWatermark: fetched.highWatermark },
            resolveOffset: (offset) => {
              resolved = Math.max(resolved, offset);
              run.processed = offset + 1;
            },
            commitOffsetsIfNecessary: () => this.commitOffsets(),
            isRunning: () => this.running,
            isStale: () => !live() || epoch !== run.epoch,
          });
          if (epoch === run.epoch) {
            const last = resolved >= 0 ? resolved : fetched.records[fetched.records.length - 1].offset;
            run.processed = last + 1;
            run.position = last + 1;
          }
        }
      } catch {
        // The handler failed: the record is handed over again (from the last processed offset) after a pause.
        if (epoch === run.epoch) run.position = run.processed;
        await sleep(1000);
      }
    }
  }
}

function isRebalancing(e: unknown): boolean {
  return (e as FlotillaError).code === 'REBALANCE_IN_PROGRESS';
}

function groupByTopic(tps: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const by = new Map<string, number[]>();
  for (const tp of tps) {
    let l = by.get(tp.topic);
    if (!l) by.set(tp.topic, (l = []));
    l.push(tp.partition);
  }
  return [...by].map(([topic, partitions]) => ({ topic, partitions }));
}
