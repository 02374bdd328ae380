import * as grpc from '@grpc/grpc-js';
import { META, OUTCOME, type ProduceRequest, type ProduceResponse } from '../../proto/load';
import { encodeRecordBatch, type RecordInput } from '../records';
import {
  ClosedError,
  errorFromStatus,
  FencedError,
  FlotillaError,
  InvalidRequestError,
  TimeoutError,
  toFlotillaError,
} from './errors';
import { partitionForKey } from './murmur2';
import { ProduceStreams } from './produce-streams';
import { type Bytes, type ProducerRecord, type RecordMetadata, recordSize, toRecordInput } from './records';
import { backoffMs } from './retry';
import type { Router } from './router';
import { unary } from './connections';

export interface ProducerOptions {
  /** 'all' (default): answered once a quorum has the batch. 'leader': once the leader's disk has it. */
  acks?: 'all' | 'leader';
  /** How long a batch waits for more records before it is sent (default 5 ms). */
  lingerMs?: number;
  /** A batch is sent as soon as it holds this many bytes (default 256 KiB). */
  batchBytes?: number;
  /** Batches in flight per partition (default 5). */
  maxInflight?: number;
  /**
   * Whether retries are deduplicated by the server (default true): the producer gets an id and
   * numbers its records per partition, so a retried batch is written once and in order.
   */
  idempotent?: boolean;
  /** Attempts per batch after the first (default: the client's retry.retries). */
  retries?: number;
  /**
   * How long a record may take from send() to its answer, retries included (default 120 s, as
   * Kafka's delivery.timeout.ms). Past it the record fails; its error says whether it may have
   * been written all the same (FlotillaError.outcomeUnknown).
   */
  deliveryTimeoutMs?: number;
  /**
   * A stable name for this producer (like Kafka's transactional.id): a new producer with the same
   * name fences this one, whose later sends fail with FencedError.
   */
  producerName?: string;
}

/** A conditional append: written only if the partition's log ends at `expectedOffset`. */
export interface AppendRequest {
  topic: string;
  partition: number;
  records: ReadonlyArray<{ key?: Bytes | null; value: Bytes; headers?: ProducerRecord['headers']; timestamp?: number | Date }>;
  expectedOffset: number;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
}

/** The server remembers this many recent batches per producer and partition to spot retries. */
const MAX_IDEMPOTENT_INFLIGHT = 5;

/** Epochs are int16 in the batch header (0..32767); past the last one a producer takes a fresh id. */
const MAX_PRODUCER_EPOCH = 0x7fff;

/** Kafka's default delivery.timeout.ms. */
const DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;

/**
 * The (producer id, epoch) a batch's sequence numbers belong to. Sequences are bound to one
 * batch's records for the life of an identity: a batch keeps its numbers across every retry, and
 * no other batch is ever given them. A partition moves to a fresh identity instead of renumbering.
 */
interface Identity {
  readonly producerId: number;
  readonly epoch: number;
}
interface Waiter {
  resolve: (metadata: RecordMetadata) => void;
  reject: (error: FlotillaError) => void;
}

interface Batch {
  readonly topic: string;
  readonly partition: number;
  readonly records: RecordInput[];
  /** The batch as last encoded, and the numbering it was encoded under (a retry under the same numbers sends these bytes again). */
  encoded?: { readonly records: RecordInput[]; readonly identity: Identity | undefined; readonly baseSequence: number; readonly bytes: Buffer };
  /** One per record (send), or none (append: `onAppend` instead). */
  readonly waiters: Waiter[];
  readonly onAppend?: { resolve: (r: AppendResult) => void; reject: (e: FlotillaError) => void };
  readonly expectedOffset: number;
  /**
   * Send order within a partition: taken when the batch joins its partition (a record batch when
   * it opens, an append when it leaves the metadata queue), so it is also sequence order.
   */
  order: number;
  bytes: number;
  /** Sequence of records[0] under `identity`; -1 until first sent by an idempotent producer. */
  baseSequence: number;
  /** The identity its sequences belong to (set with baseSequence). */
  identity?: Identity;
  attempts: number;
  /**
   * Whether some attempt may have reached a leader's log: it was sent and not answered with a
   * server's "not written" (flotilla-outcome). Once true, the batch's fate is unknown until an
   * answer of success, and it may only be retried under its own identity and sequences.
   */
  mayBeWritten: boolean;
  /** Past this time (ms since the epoch) the batch fails instead of being sent again. */
  readonly deadline: number;
  /** Answered with success in its current trip (it may still sit in the window). */
  acked: boolean;
  lastError?: FlotillaError;
}

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  open?: Batch;
  lingerTimer?: NodeJS.Timeout | NodeJS.Immediate;
  lingerImmediate: boolean;
  ready: Batch[];
  /**
   * The send window, in send order: batches awaiting an answer, and answered ones behind an
   * unanswered one. It slides only from the front, so within one round no batch is sent more
   * than maxInflight batches past the oldest unanswered one. Across rounds it is not a bound: a
   * batch retried alongside newer ones may fall out of the server's duplicate window (the last 5
   * batches) if its answer is lost again; the server then refuses it (never answers it with
   * other offsets) and it fails as outcome unknown.
   */
  inflight: Batch[];
  /** Batches that failed this round, waiting for the rest of the round to land. */
  failed: Batch[];
  /** After a failure: nothing more is sent until every in-flight batch has its answer. */
  recovering: boolean;
  refreshing: boolean;
  /** The identity new batches are numbered under (undefined until the producer has an id). */
  identity?: Identity;
  nextSequence: number;
  /**
   * A batch numbered under the current identity was given up: its sequences leave a gap, or are
   * taken by records whose fate is unknown, so nothing new may be numbered under it. Retries of
   * batches that may be in the log go on; then the partition moves to a fresh identity.
   */
  resetPending: boolean;
  /** Waiting for the fresh identity. */
  resetting: boolean;
  /**
   * The lowest sequence of a batch given up as certainly not written under the current identity:
   * the server can never take a later sequence of that identity, so no batch behind it is in the log.
   */
  gap?: number;
}

/** A record, or a conditional append, waiting for its topic's metadata (in send order). */
type Queued =
  | {
      kind: 'record';
      topic: string;
      record: ProducerRecord;
      wire: RecordInput;
      waiter: Waiter;
      /** Its partition was past the cached count and the topic's metadata was asked again for it. */
      refreshed?: boolean;
    }
  | { kind: 'append'; topic: string; batch: Batch };

/**
 * Batches records per partition (linger and size, as Kafka's producer does) and pipelines the
 * batches over one ProduceStream per broker. Idempotent by default: a batch keeps its sequence
 * numbers across retries, so the server writes it once; after any failure in a partition, nothing
 * more is sent there until every batch in flight has its answer, then the failed ones are resent
 * in their original order, so a partition's records are written in send order.
 *
 * Why an acknowledgement can be trusted (see docs/architecture.md, "The idempotent producer"):
 *   1. Under one identity (producer id, epoch) a sequence range is given to one batch only, and
 *      the server writes a partition's batches of one identity in sequence order with no gap.
 *   2. A batch's outcome is "not written" only if every attempt of it was answered "not written"
 *      by a server (or never sent); anything else (a timeout, a broken stream, any error without
 *      that mark) may have written it.
 *   3. A batch that is given up leaves its identity unusable in that partition: the partition
 *      finishes the retries of batches that may be in the log, then takes a fresh identity (a
 *      higher epoch, which also fences any stray attempt of the old one) and numbers what is left
 *      from 0. What is left is safe to renumber: never sent, or answered "not written", or behind
 *      such a batch in sequence order (so the server could never have taken it).
 * So a duplicate answer always names the same records, and a record is never written twice.
 */
export class Producer {
  private readonly acks: 'ACKS_ALL' | 'ACKS_LEADER';
  private readonly lingerMs: number;
  private readonly batchBytes: number;
  private readonly maxInflight: number;
  private readonly idempotent: boolean;
  private readonly retries: number;
  private readonly producerName: string;
  private readonly streams: ProduceStreams;
  private readonly partitions = new Map<string, PartitionState>();
  /** Records waiting for their topic's metadata, in send order. */
  private readonly queue: Queued[] = [];
  private readonly loadingTopics = new Set<string>();
  private readonly sticky = new Map<string, number>();
  private readonly deliveryTimeoutMs: number;
  /**
   * The latest identity the cluster gave this producer; each partition starts under it. A named
   * producer's epoch bump replaces it (and presents it: the cluster refuses the bump once a newer
   * instance holds the name).
   */
  private identity: Identity | undefined;
  /** A named producer's epoch bump under way, shared by the partitions that need it. */
  private bumping: Promise<Identity> | undefined;
  private initializing = false;
  private fatal: FlotillaError | undefined;
  private closed = false;
  private order = 0;
  private unsettled = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly router: Router,
    options: ProducerOptions = {},
    private readonly onClose: () => void = () => undefined,
  ) {
    this.acks = options.acks === 'leader' ? 'ACKS_LEADER' : 'ACKS_ALL';
    this.lingerMs = options.lingerMs ?? 5;
    this.batchBytes = options.batchBytes ?? 256 * 1024;
    this.maxInflight = options.maxInflight ?? 5;
    this.idempotent = options.idempotent ?? true;
    if (this.idempotent && this.maxInflight > MAX_IDEMPOTENT_INFLIGHT) {
      throw new RangeError(
        `an idempotent producer keeps at most ${MAX_IDEMPOTENT_INFLIGHT} batches in flight per partition (the server's duplicate window); got maxInflight ${this.maxInflight}`,
      );
    }
    this.retries = options.retries ?? router.retry.retries;
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    this.producerName = options.producerName ?? '';
    for (const [name, v] of [
      ['lingerMs', this.lingerMs],
      ['batchBytes', this.batchBytes],
      ['maxInflight', this.maxInflight],
      ['retries', this.retries],
      ['deliveryTimeoutMs', this.deliveryTimeoutMs],
    ] as const) {
      if (!Number.isSafeInteger(v) || v < (name === 'batchBytes' || name === 'maxInflight' || name === 'deliveryTimeoutMs' ? 1 : 0)) {
        throw new RangeError(`producer option ${name} must be a non-negative integer (got ${v})`);
      }
    }
    this.streams = new ProduceStreams(router, router.requestTimeoutMs);
  }

  /**
   * Sends one record. It joins the batch of its partition (chosen from `partition`, else the key's
   * murmur2 hash, else a sticky partition for key-less records) and resolves when that batch is
   * acknowledged, with the partition and offset it was written at.
   */
  send(record: ProducerRecord): Promise<RecordMetadata> {
    return new Promise<RecordMetadata>((resolve, reject) => {
      const refusal = this.refusal();
      if (refusal) {
        reject(refusal);
        return;
      }
      let wire: RecordInput;
      try {
        if (typeof record.topic !== 'string' || record.topic === '') throw new RangeError('a record needs a topic');
        wire = toRecordInput(record, Date.now());
      } catch (error) {
        reject(invalid(error instanceof Error ? error.message : String(error), record.topic));
        return;
      }
      this.unsettled++;
      const settle = () => this.settled();
      this.queue.push({
        kind: 'record',
        topic: record.topic,
        record,
        wire,
        waiter: {
          resolve: (m) => {
            settle();
            resolve(m);
          },
          reject: (e) => {
            settle();
            reject(e);
          },
        },
      });
      this.drainQueue();
    });
  }

  /** Sends many records; they are batched together and resolve in the order given. */
  sendBatch(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    return Promise.all(records.map((r) => this.send(r)));
  }

  /**
   * Appends `records` to one partition only if its log currently ends at `expectedOffset` (the
   * next offset to be written), for optimistic concurrency in event sourcing. Fails with
   * OffsetMismatchError (its `actualOffset` is the log end) if another write got there first.
   * Ordered after every record this producer sent to the partition before.
   */
  append(request: AppendRequest): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      const refusal = this.refusal();
      if (refusal) {
        reject(refusal);
        return;
      }
      if (!Number.isSafeInteger(request.expectedOffset) || request.expectedOffset < 0) {
        reject(invalid(`expectedOffset must be an offset >= 0 (got ${request.expectedOffset})`, request.topic));
        return;
      }
      if (request.records.length === 0) {
        reject(invalid('append needs at least one record', request.topic));
        return;
      }
      const now = Date.now();
      let records: RecordInput[];
      try {
        records = request.records.map((r) => toRecordInput(r, now));
      } catch (error) {
        reject(invalid(error instanceof Error ? error.message : String(error), request.topic));
        return;
      }
      this.unsettled++;
      const batch: Batch = {
        topic: request.topic,
        partition: request.partition,
        records,
        waiters: [],
        onAppend: {
          resolve: (r) => {
            this.settled();
            resolve(r);
          },
          reject: (e) => {
            this.settled();
            reject(e);
          },
        },
        expectedOffset: request.expectedOffset,
        order: -1, // set when it joins its partition, after what was sent there before it
        bytes: records.reduce((n, r) => n + recordSize(r), 0),
        baseSequence: -1,
        attempts: 0,
        mayBeWritten: false,
        deadline: now + this.deliveryTimeoutMs,
        acked: false,
      };
      this.queue.push({ kind: 'append', topic: request.topic, batch });
      this.drainQueue();
    });
  }

  /** Sends every batch now, without waiting for linger, and resolves once every record sent so far is settled. */
  async flush(): Promise<void> {
    if (this.unsettled === 0) return;
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    for (const ps of this.partitions.values()) this.closeOpen(ps);
    await idle;
  }

  /** Flushes, then closes the producer's streams. Later sends fail with ClosedError. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    this.streams.close();
    this.onClose();
  }

  // ---- record placement ----

  private refusal(): FlotillaError | undefined {
    if (this.closed) return new ClosedError('producer');
    if (this.router.closed) return new ClosedError('Flotilla client');
    return this.fatal;
  }

  /** Places queued records into partition batches, in send order, as topic metadata arrives. */
  private drainQueue(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0];
      const topic = head.topic;
      const description = this.router.cachedTopic(topic);
      if (!description) {
        this.loadTopic(topic);
        return;
      }
      if (head.kind === 'record' && Number.isInteger(head.record.partition) && head.record.partition! >= description.partitions.length && !head.refreshed) {
        // The topic may have grown since its metadata was cached: as Kafka's producer, ask again
        // before refusing. The record stays at the head of the queue, so send order is kept.
        head.refreshed = true;
        this.loadTopic(topic, true);
        return;
      }
      this.queue.shift();
      if (head.kind === 'append') {
        const ps = this.partitionState(topic, head.batch.partition);
        // Whatever was sent to this partition before goes first.
        this.closeOpen(ps);
        head.batch.order = this.order++;
        ps.ready.push(head.batch);
        this.pump(ps);
        continue;
      }
      const count = description.partitions.length;
      let partition = head.record.partition;
      if (partition === undefined) {
        if (head.wire.key !== null) partition = partitionForKey(head.wire.key, count);
        else partition = this.stickyPartition(topic, count);
      } else if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
        head.waiter.reject(
          errorFromStatus(
            grpc.status.NOT_FOUND,
            `topic ${topic} has no partition ${partition}: it has ${count} (0 to ${count - 1})`,
            { [META.error]: 'UNKNOWN_PARTITION' },
            { topic, partition },
          ),
        );
        continue;
      }
      this.addRecord(this.partitionState(topic, partition), head.wire, head.waiter);
    }
  }

  private loadTopic(topic: string, refresh = false): void {
    if (this.loadingTopics.has(topic)) return;
    this.loadingTopics.add(topic);
    this.router.topic(topic, refresh).then(
      () => {
        this.loadingTopics.delete(topic);
        this.drainQueue();
      },
      (error: unknown) => {
        this.loadingTopics.delete(topic);
        const e = toFlotillaError(error, { topic });
        // Fail the records of this topic that wait at the head; later topics keep their turn.
        for (let i = this.queue.length - 1; i >= 0; i--) {
          if (this.queue[i].topic === topic) rejectQueued(this.queue.splice(i, 1)[0], e);
        }
        this.drainQueue();
      },
    );
  }

  /** Key-less records stick to one partition until its batch is sent, then move on (Kafka's sticky partitioner). */
  private stickyPartition(topic: string, count: number): number {
    let p = this.sticky.get(topic);
    if (p === undefined || p >= count) {
      p = Math.floor(Math.random() * count);
      this.sticky.set(topic, p);
    }
    return p;
  }

  private partitionState(topic: string, partition: number): PartitionState {
    const key = `${topic}\u0000${partition}`;
    let ps = this.partitions.get(key);
    if (!ps) {
      ps = {
        topic,
        partition,
        lingerImmediate: false,
        ready: [],
        inflight: [],
        failed: [],
        recovering: false,
        refreshing: false,
        nextSequence: 0,
        resetPending: false,
        resetting: false,
      };
      this.partitions.set(key, ps);
    }
    return ps;
  }

  private addRecord(ps: PartitionState, wire: RecordInput, waiter: Waiter): void {
    const size = recordSize(wire);
    if (ps.open && ps.open.bytes + size > this.batchBytes) this.closeOpen(ps);
    if (!ps.open) {
      ps.open = {
        topic: ps.topic,
        partition: ps.partition,
        records: [],
        waiters: [],
        expectedOffset: -1,
        order: this.order++,
        bytes: 0,
        baseSequence: -1,
        attempts: 0,
        mayBeWritten: false,
        deadline: Date.now() + this.deliveryTimeoutMs,
        acked: false,
      };
      const linger = this.idleWaiters.length > 0 ? 0 : this.lingerMs;
      // setImmediate even for 0: records sent in the same turn of the event loop share a batch.
      ps.lingerImmediate = linger === 0;
      ps.lingerTimer = linger === 0 ? setImmediate(() => this.closeOpen(ps)) : setTimeout(() => this.closeOpen(ps), linger);
    }
    ps.open.records.push(wire);
    ps.open.waiters.push(waiter);
    ps.open.bytes += size;
    if (ps.open.bytes >= this.batchBytes) this.closeOpen(ps);
  }

  private closeOpen(ps: PartitionState): void {
    const batch = ps.open;
    if (!batch) return;
    ps.open = undefined;
    clearLinger(ps);
    if (batch.waiters.length > 0 && this.sticky.get(ps.topic) === ps.partition) this.sticky.delete(ps.topic);
    ps.ready.push(batch);
    this.pump(ps);
  }

  // ---- sending ----

  private pump(ps: PartitionState): void {
    if (this.fatal || ps.recovering || ps.refreshing || ps.resetting || ps.ready.length === 0) return;
    if (this.idempotent && ps.identity === undefined) {
      if (this.identity === undefined) {
        this.initProducer();
        return;
      }
      ps.identity = this.identity;
      ps.nextSequence = 0;
    }
    this.expire(ps);
    if (ps.ready.length === 0) return;
    const description = this.router.cachedTopic(ps.topic);
    if (!description) {
      this.refreshMetadata(ps);
      return;
    }
    const p = description.partitions.find((x) => x.partition === ps.partition);
    const address = p ? this.router.addressOf(p) : undefined;
    if (!address) {
      if (ps.resetPending && !this.isOldRetry(ps, ps.ready[0])) {
        if (ps.inflight.length === 0) this.startReset(ps);
        return;
      }
      // Known to have no leader (or no such partition): fail one batch, unsent, to drive the retry path.
      const error = p
        ? errorFromStatus(grpc.status.UNAVAILABLE, `topic ${ps.topic} partition ${ps.partition} has no leader yet`, { [META.error]: 'NO_LEADER' }, ps)
        : errorFromStatus(grpc.status.NOT_FOUND, `topic ${ps.topic} has no partition ${ps.partition}`, { [META.error]: 'UNKNOWN_PARTITION' }, ps);
      const batch = this.dispatchNext(ps);
      queueMicrotask(() => this.failed(ps, batch, error, false));
      return;
    }
    while (ps.inflight.length < this.maxInflight && ps.ready.length > 0) {
      // While a reset is pending only retries of batches that may be in the log go out (under
      // their own identity); everything else waits for the fresh identity.
      if (ps.resetPending && !this.isOldRetry(ps, ps.ready[0])) break;
      const batch = this.dispatchNext(ps);
      const timeoutMs = Math.max(1, Math.min(this.router.requestTimeoutMs, batch.deadline - Date.now()));
      this.streams.send(address, this.request(batch), timeoutMs).then(
        (response) => this.succeeded(ps, batch, response),
        (error: unknown) => this.failed(ps, batch, toFlotillaError(error, ps), true),
      );
    }
    if (ps.resetPending && ps.inflight.length === 0) this.startReset(ps);
  }

  /** A batch numbered under the partition's current identity that may already be in the log. */
  private isOldRetry(ps: PartitionState, batch: Batch | undefined): boolean {
    return batch !== undefined && batch.baseSequence >= 0 && batch.identity === ps.identity && mayBeInLog(ps, batch);
  }

  /** Fails the ready batches whose delivery timeout has passed. */
  private expire(ps: PartitionState): void {
    const now = Date.now();
    if (!ps.ready.some((b) => b.deadline <= now)) return;
    const expired = ps.ready.filter((b) => b.deadline <= now);
    ps.ready = ps.ready.filter((b) => b.deadline > now);
    for (const b of expired) {
      b.lastError = new TimeoutError(
        'TIMEOUT',
        grpc.status.DEADLINE_EXCEEDED,
        `${b.records.length} record(s) for topic ${ps.topic} partition ${ps.partition} were not acknowledged within the delivery timeout (${this.deliveryTimeoutMs} ms)` +
          (b.lastError ? `; the last attempt failed with ${b.lastError.code}: ${b.lastError.message}` : ''),
        ps,
      );
    }
    this.giveUp(ps, expired);
  }

  /** Moves the next ready batch in flight, numbering it on its first trip. */
  private dispatchNext(ps: PartitionState): Batch {
    const batch = ps.ready.shift()!;
    if (this.idempotent && batch.baseSequence < 0) {
      batch.identity = ps.identity;
      batch.baseSequence = ps.nextSequence;
      ps.nextSequence += batch.records.length;
    }
    if (this.idempotent && batch.identity !== ps.identity && batch.mayBeWritten) {
      throw new Error(`producer invariant: a batch that may be in the log is never sent under another identity (topic ${ps.topic} partition ${ps.partition})`);
    }
    batch.attempts++;
    batch.acked = false;
    ps.inflight.push(batch);
    return batch;
  }

  private request(batch: Batch): ProduceRequest {
    const e = batch.encoded;
    let bytes: Buffer;
    // Reused only for the same records under the same numbers: a split piece keeps its parent's
    // identity and first sequence but not its records.
    if (e && e.records === batch.records && e.identity === batch.identity && e.baseSequence === batch.baseSequence) bytes = e.bytes;
    else {
      const id = batch.identity;
      bytes = encodeRecordBatch(batch.records, id ? { producerId: id.producerId, producerEpoch: id.epoch, baseSequence: batch.baseSequence } : {});
      batch.encoded = { records: batch.records, identity: id, baseSequence: batch.baseSequence, bytes };
    }
    return { topic: batch.topic, partition: batch.partition, recordBatch: bytes, acks: this.acks, expectedOffset: batch.expectedOffset };
  }

  private refreshMetadata(ps: PartitionState): void {
    ps.refreshing = true;
    this.router.topic(ps.topic, true).then(
      () => {
        ps.refreshing = false;
        this.pump(ps);
      },
      (error: unknown) => {
        ps.refreshing = false;
        // The cluster did not answer through all of the router's retries: give up on what waits here.
        this.giveUp(ps, ps.ready.splice(0), toFlotillaError(error, ps));
        this.pump(ps);
      },
    );
  }

  private initProducer(): void {
    if (this.initializing) return;
    this.initializing = true;
    this.allocateIdentity().then(
      (identity) => {
        this.initializing = false;
        this.identity = identity;
        for (const ps of this.partitions.values()) this.pump(ps);
      },
      (error: unknown) => {
        this.initializing = false;
        const e = toFlotillaError(error);
        for (const ps of this.partitions.values()) if (ps.identity === undefined) this.giveUp(ps, ps.ready.splice(0), e);
      },
    );
  }

  /**
   * The identity a named producer's partition moves to from `old`: the latest one this instance
   * holds if that is already past `old` (another partition bumped it), else the next epoch from
   * the cluster, one bump for all the partitions that ask at once. Partitions may share an
   * epoch: each only needs one above its own old one, granted to this instance alone.
   */
  private nextNamedIdentity(old: Identity): Promise<Identity> {
    const latest = this.identity!;
    if (latest.producerId !== old.producerId || latest.epoch > old.epoch) return Promise.resolve(latest);
    this.bumping ??= this.allocateIdentity(latest)
      .then((identity) => (this.identity = identity))
      .finally(() => (this.bumping = undefined));
    return this.bumping;
  }

  /** A new identity from the cluster; `current`: the one a named producer holds (its bump is refused if the name moved on). */
  private async allocateIdentity(current?: Identity): Promise<Identity> {
    const request = { producerName: this.producerName, currentProducerId: current?.producerId ?? 0, currentProducerEpoch: current?.epoch ?? 0 };
    const r = await this.router.callAny((client) => unary(client, 'initProducer', request, this.router.requestTimeoutMs, {}));
    return { producerId: r.producerId, epoch: r.producerEpoch };
  }

  /**
   * Moves a partition to a fresh identity: a higher epoch of the same id for an anonymous producer
   * (nobody else uses its id), a new epoch from the cluster for a named one (epochs of a name are
   * handed out once, and only to the instance that holds the name's current one: a fenced
   * instance's bump is refused), a new id past the last epoch. The server then takes sequence 0 again and
   * fences any stray attempt of the old epoch.
   */
  private startReset(ps: PartitionState): void {
    const old = ps.identity!;
    ps.resetPending = false;
    ps.resetting = true;
    const next: Promise<Identity> =
      this.producerName === ''
        ? old.epoch < MAX_PRODUCER_EPOCH
          ? Promise.resolve({ producerId: old.producerId, epoch: old.epoch + 1 })
          : this.allocateIdentity()
        : this.nextNamedIdentity(old);
    next.then(
      (identity) => {
        ps.resetting = false;
        if (this.fatal) return;
        // Everything left is safe to number afresh (see the class comment, rule 3), which relies
        // on the ready batches being in sequence order.
        const numbered = ps.ready.filter((b) => b.baseSequence >= 0 && b.identity === old);
        if (numbered.some((b, i) => i > 0 && b.baseSequence <= numbered[i - 1].baseSequence)) {
          const bug = new FlotillaError('INTERNAL', grpc.status.INTERNAL, `producer bug: the batches waiting for topic ${ps.topic} partition ${ps.partition} are out of sequence order; they are failed rather than renumbered`, ps);
          for (const b of ps.ready.splice(0)) rejectBatch(b, finalError(bug, b, true));
        }
        for (const b of ps.ready) {
          b.baseSequence = -1;
          b.identity = undefined;
          b.mayBeWritten = false;
        }
        ps.identity = identity;
        ps.nextSequence = 0;
        ps.gap = undefined;
        this.pump(ps);
      },
      (error: unknown) => {
        ps.resetting = false;
        ps.resetPending = true;
        const e = toFlotillaError(error, ps);
        // The name moved on to a newer instance: this one is fenced everywhere, not just here.
        if (e instanceof FencedError) this.fence(e);
        else this.giveUp(ps, ps.ready.splice(0), e);
      },
    );
  }

  private succeeded(ps: PartitionState, batch: Batch, response: ProduceResponse): void {
    batch.acked = true;
    while (ps.inflight.length > 0 && ps.inflight[0].acked) ps.inflight.shift();
    if (batch.onAppend) {
      batch.onAppend.resolve({ baseOffset: response.baseOffset, lastOffset: response.lastOffset });
    } else {
      batch.waiters.forEach((w, i) => w.resolve({ topic: batch.topic, partition: batch.partition, offset: response.baseOffset + i }));
    }
    this.afterAnswer(ps);
  }

  /** `sent`: false when the attempt never left this process (no leader known). */
  private failed(ps: PartitionState, batch: Batch, error: FlotillaError, sent: boolean): void {
    remove(ps.inflight, batch);
    while (ps.inflight.length > 0 && ps.inflight[0].acked) ps.inflight.shift();
    if (sent && error.details[META.outcome] !== OUTCOME.notWritten) batch.mayBeWritten = true;
    batch.lastError = error;
    ps.failed.push(batch);
    ps.recovering = true;
    this.afterAnswer(ps);
  }

  private afterAnswer(ps: PartitionState): void {
    if (!ps.recovering) {
      this.pump(ps);
      return;
    }
    if (ps.inflight.some((b) => !b.acked)) return;
    ps.inflight.length = 0;
    this.recover(ps);
  }

  /**
   * Every batch of the round has its answer: decide, in sequence order, which failed batches to
   * resend and which to give up on, then resend them ahead of everything else.
   */
  private recover(ps: PartitionState): void {
    const failed = ps.failed.splice(0).sort(sendOrder);
    const fenced = failed.find((b) => b.lastError instanceof FencedError)?.lastError;
    if (fenced && !this.fatal) this.fence(fenced);
    if (this.fatal) {
      for (const b of failed) rejectBatch(b, finalError(this.fatal, b, mayBeInLog(ps, b)));
      return;
    }
    const retry: Batch[] = [];
    const give: Batch[] = [];
    let predecessorFailed = false;
    let cause: FlotillaError | undefined;
    let attempts = 0;
    const now = Date.now();
    for (const batch of failed) {
      const error = batch.lastError!;
      // One record too large must not take its batch-mates down with it: resend them one by one
      // (as Kafka splits a batch on MESSAGE_TOO_LARGE), so only the oversized record fails. Only
      // a batch that was never written may be split: the pieces reuse its sequences.
      if (error.code === 'RECORD_TOO_LARGE' && batch.records.length > 1 && !batch.onAppend && !mayBeInLog(ps, batch)) {
        retry.push(...splitBatch(batch));
        predecessorFailed = true;
        continue;
      }
      // A batch refused only because an earlier one is missing goes again once that one is in (a
      // partition that has none of this producer's batches yet says UNKNOWN_PRODUCER).
      const outOfTurn = (error.code === 'OUT_OF_ORDER_SEQUENCE' || error.code === 'UNKNOWN_PRODUCER') && predecessorFailed;
      // The partition forgot this producer: go on under a fresh epoch. A batch that may be in the
      // log cannot follow (the old identity would only get the same answer): it is given up.
      const forgotten = error.code === 'UNKNOWN_PRODUCER' && !outOfTurn && !mayBeInLog(ps, batch);
      if (error.code === 'UNKNOWN_PRODUCER' && !outOfTurn) ps.resetPending = true;
      const resendable = error.retriable || forgotten || outOfTurn;
      if (resendable && batch.attempts <= this.retries && batch.deadline > now) {
        retry.push(batch);
        attempts = Math.max(attempts, batch.attempts);
      } else {
        give.push(batch);
      }
      if (!outOfTurn && !forgotten && error.retriable) cause ??= error;
      predecessorFailed = true;
    }
    ps.ready.unshift(...retry);
    if (give.length > 0) this.giveUp(ps, give);
    // A NOT_LEADER hint naming another node is worth following at once; anything else backs off.
    const redirect = cause !== undefined && this.router.noteFailure(ps.topic, ps.partition, cause);
    const resume = () => {
      ps.recovering = false;
      this.pump(ps);
    };
    if (retry.length === 0 || redirect) {
      queueMicrotask(resume);
    } else {
      setTimeout(resume, backoffMs(attempts - 1, this.router.retry));
    }
  }

  /**
   * Fails batches that will not be sent again, each saying whether it may have been written. A
   * batch already numbered leaves its identity unusable in this partition (rule 3): the partition
   * takes a fresh one before numbering anything new.
   */
  private giveUp(ps: PartitionState, batches: Batch[], error?: FlotillaError): void {
    for (const batch of [...batches].sort(sendOrder)) {
      const unknown = mayBeInLog(ps, batch);
      rejectBatch(batch, finalError(error ?? batch.lastError!, batch, unknown));
      if (this.idempotent && batch.baseSequence >= 0 && batch.identity === ps.identity) {
        ps.resetPending = true;
        if (!unknown && (ps.gap === undefined || batch.baseSequence < ps.gap)) ps.gap = batch.baseSequence;
      }
    }
  }

  private fence(error: FlotillaError): void {
    this.fatal = error;
    for (const ps of this.partitions.values()) {
      const pending = [...ps.failed.splice(0), ...ps.ready.splice(0)];
      if (ps.open) pending.push(ps.open);
      ps.open = undefined;
      clearLinger(ps);
      for (const b of pending) rejectBatch(b, finalError(error, b, mayBeInLog(ps, b)));
    }
    for (const q of this.queue.splice(0)) rejectQueued(q, error);
  }

  private settled(): void {
    if (--this.unsettled > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/**
 * The error a failed batch's records get: the last failure, saying whether the records may have
 * been written all the same (a copy, since one failure can end several batches).
 */
function finalError(error: FlotillaError, batch: Batch, unknown: boolean): FlotillaError {
  const n = batch.records.length;
  return Object.assign(Object.create(Object.getPrototypeOf(error) as object) as FlotillaError, error, {
    message: unknown
      ? `${error.message}; the outcome of ${n} record(s) is unknown: an earlier attempt reached a broker and may have written them (never twice)`
      : error.message,
    stack: error.stack,
    outcomeUnknown: unknown,
  });
}

/** Sequence order for batches numbered under one identity, send order otherwise (they agree). */
function sendOrder(a: Batch, b: Batch): number {
  if (a.identity !== undefined && a.identity === b.identity && a.baseSequence >= 0 && b.baseSequence >= 0) return a.baseSequence - b.baseSequence;
  return a.order - b.order;
}

/** Whether a batch may be in the log: some attempt may have written it, and no certain gap is before it. */
function mayBeInLog(ps: PartitionState, batch: Batch): boolean {
  if (!batch.mayBeWritten) return false;
  const behindGap = ps.gap !== undefined && batch.identity === ps.identity && batch.baseSequence > ps.gap;
  return !behindGap;
}

/** A refused batch as one batch per record, same order and same sequence numbers (none was written). */
function splitBatch(batch: Batch): Batch[] {
  return batch.records.map((record, i) => ({
    ...batch,
    records: [record],
    encoded: undefined,
    waiters: [batch.waiters[i]],
    order: batch.order + i / batch.records.length,
    bytes: recordSize(record),
    baseSequence: batch.baseSequence < 0 ? -1 : batch.baseSequence + i,
    acked: false,
  }));
}

function rejectQueued(q: Queued, error: FlotillaError): void {
  if (q.kind === 'append') rejectBatch(q.batch, finalError(error, q.batch, false));
  else q.waiter.reject(error);
}

function rejectBatch(batch: Batch, error: FlotillaError): void {
  if (batch.onAppend) batch.onAppend.reject(error);
  else for (const w of batch.waiters) w.reject(error);
}

function clearLinger(ps: PartitionState): void {
  if (ps.lingerTimer === undefined) return;
  if (ps.lingerImmediate) clearImmediate(ps.lingerTimer as NodeJS.Immediate);
  else clearTimeout(ps.lingerTimer as NodeJS.Timeout);
  ps.lingerTimer = undefined;
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

function invalid(message: string, topic: string | undefined): InvalidRequestError {
  return new InvalidRequestError('INVALID_REQUEST', grpc.status.INVALID_ARGUMENT, message, { topic });
}
