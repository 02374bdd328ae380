/**
 * A fake Flotilla cluster for the client's and CLI's tests: real gRPC servers (on 127.0.0.1, port
 * 0) implementing flotilla.proto over one shared in-memory state, with the server-side rules the
 * client depends on (leader-only partition calls answering NOT_LEADER with a hint, idempotent
 * sequence checks with duplicate detection per partition and epoch, conditional appends) and hooks
 * to inject faults. No Raft here: every partition is a plain array owned by whichever broker is
 * named its leader.
 *
 * The fault model of one produce attempt, as a real broker can end it (the hook picks one):
 *   stored and answered          (no fault)
 *   stored and not answered      (call cluster.produce() in the hook, then 'drop')
 *   stored, then the stream broke (cluster.produce(), then 'break-stream')
 *   stored and answered an error (cluster.produce(), then { error }: with outcome 'unknown' as the
 *                                 real server marks it, or with no outcome key at all)
 *   not stored, answered an error ({ error }, or a real refusal: not leader, no leader)
 *   not stored, not answered     ('drop') / stream broke ('break-stream')
 * Every error the fake itself answers carries flotilla-outcome as the real server's does.
 */
import * as grpc from '@grpc/grpc-js';
import {
  type CompactionProgress,
  type ErrorCode,
  type GrpcStatusOf,
  type ErrorStatus,
  type FetchResponse,
  type FlotillaHandlers,
  loadFlotillaProto,
  META,
  OUTCOME,
  type PartitionDescription,
  type ProduceRequest,
  type ProduceResponse,
  type ReplicaStatus,
  type TopicDescription,
} from '../../proto/load';
import { decodeRecordBatch, encodeRecordBatch, unstampedCrc } from '../records';

/** A record as the fake stores it. */
export interface FakeRecord {
  offset: number;
  key: Buffer | null;
  /** null: a tombstone. */
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
  timestampMs: number;
}

/** What a produce request carries, read from its record batch (the fields the real leader reads). */
export interface DecodedProduce {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  records: Array<{ key: Buffer | null; value: Buffer | null; headers: Array<{ key: string; value: Buffer | null }>; timestamp: number }>;
  /** The batch's CRC without the leader's stamps: equal for a faithful retry. */
  checksum: number;
}

const view = (u: Uint8Array | null): Buffer | null => (u === null ? null : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

/** Decode a produce request's batch (CRC checked): throws RecordBatchError for bytes the real leader would refuse. */
export function decodeProduce(req: ProduceRequest): DecodedProduce {
  const { header, records } = decodeRecordBatch(req.recordBatch);
  return {
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    records: records.map((r) => ({ key: view(r.key), value: view(r.value), headers: r.headers.map((h) => ({ key: h.key, value: view(h.value) })), timestamp: r.timestamp })),
    checksum: unstampedCrc(req.recordBatch),
  };
}

/** Records as one stored batch, the way a real leader answers a fetch (baseOffset stamped). */
function fetchResponse(records: readonly FakeRecord[], highWatermark: number): FetchResponse {
  if (records.length === 0) return { recordBatches: Buffer.alloc(0), highWatermark, logStartOffset: 0 };
  const batch = encodeRecordBatch(
    records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestampMs })),
    { baseOffset: records[0].offset },
  );
  return { recordBatches: batch, highWatermark, logStartOffset: 0 };
}

export interface FakePartition {
  log: FakeRecord[];
  /** Node id of the broker that leads it (0 = none). */
  leader: number;
  producers: Map<number, { epoch: number; nextSequence: number; recent: Array<{ base: number; count: number; offset: number; content: string }> }>;
  subscribers: Set<() => void>;
  /** Open Subscribe streams, ended with NOT_LEADER by moveLeader(). */
  streams: Set<grpc.ServerWritableStream<unknown, FetchResponse>>;
  /** What DescribeTopic says of each replica; unset: the leader and every other replica in sync, no lag. */
  replicaStatus?: ReplicaStatus[];
  /** What DescribeTopic says of its leader's log cleaner (unset: none, as on a topic that does not compact). */
  compaction?: CompactionProgress;
}

export interface FakeTopic {
  id: number;
  config: Record<string, string>;
  replicationFactor: number;
  partitions: FakePartition[];
}

/** What a produce fault hook may do with a request: fail it, swallow it, or break its stream. */
export type ProduceFault = { error: ErrorStatus } | 'drop' | 'break-stream' | undefined;

export interface ProduceCall {
  broker: number;
  request: ProduceRequest;
  /** The request's batch, decoded (producer fields and records). */
  readonly batch: DecodedProduce;
}

function produceCall(broker: number, request: ProduceRequest): ProduceCall {
  let decoded: DecodedProduce | undefined;
  return {
    broker,
    request,
    get batch() {
      return (decoded ??= decodeProduce(request));
    },
  };
}

/** Failure as the real server sends it: a status, a message, and flotilla-* metadata. */
export function failure<C extends ErrorCode>(status: GrpcStatusOf<C>, code: C, message: string, extra: Record<string, string> = {}): ErrorStatus {
  return { status, message, metadata: { [META.error]: code, ...extra } };
}

/** A produce refusal: nothing was proposed (flotilla-outcome: not-written). */
function refusal<C extends ErrorCode>(status: GrpcStatusOf<C>, code: C, message: string, extra: Record<string, string> = {}): ErrorStatus {
  return failure(status, code, message, { [META.outcome]: OUTCOME.notWritten, ...extra });
}

function toServiceError(e: ErrorStatus): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(e.metadata)) metadata.set(k, v);
  return { code: e.status, details: e.message, metadata };
}

export class FakeCluster {
  readonly topics = new Map<string, FakeTopic>();
  readonly brokers: FakeBroker[] = [];
  /** Every produce request any broker received, unary or streamed, in arrival order. */
  readonly produceCalls: ProduceCall[] = [];
  /** Consulted for each produce request before it is handled. */
  produceFault: (call: ProduceCall) => ProduceFault = () => undefined;
  /** Subscribe streams are broken (UNAVAILABLE) after pushing this many records in total, once. */
  breakSubscriptionAfter: number | undefined;
  /** How many records each Subscribe push may carry at most. */
  subscribeBatch = 3;
  /** A Subscribe starts this many records before the offset asked for (a server repeating itself). */
  subscribeOverlap = 0;
  /** DescribeTopic calls answered, by any broker. */
  describeCalls = 0;
  /**
   * Whether a retry is recognised as a duplicate only if its records are those stored (the real
   * server's rule). false models a server that matches sequence ranges alone, to check that the
   * producer never relies on the server to catch a sequence it reused.
   */
  verifyDuplicates = true;
  private nextProducerId = 1;
  private readonly named = new Map<string, { id: number; epoch: number }>();
  private nextTopicId = 1;

  /** Starts `count` brokers with node ids 1..count. */
  static async start(count: number): Promise<FakeCluster> {
    const cluster = new FakeCluster();
    for (let id = 1; id <= count; id++) cluster.brokers.push(await FakeBroker.start(cluster, id));
    return cluster;
  }

  get addresses(): string[] {
    return this.brokers.map((b) => b.address);
  }

  broker(id: number): FakeBroker {
    const b = this.brokers.find((x) => x.id === id);
    if (!b) throw new Error(`no fake broker ${id}`);
    return b;
  }

  createTopic(name: string, partitions: number, leader = 1): FakeTopic {
    const topic: FakeTopic = {
      id: this.nextTopicId++,
      config: {},
      replicationFactor: Math.min(3, this.brokers.length),
      partitions: Array.from({ length: partitions }, () => ({
        log: [],
        leader,
        producers: new Map(),
        subscribers: new Set(),
        streams: new Set(),
      })),
    };
    this.topics.set(name, topic);
    return topic;
  }

  /** Grows a topic to `total` partitions, the new ones led by `leader`. */
  addPartitions(name: string, total: number, leader = 1): void {
    const t = this.topics.get(name)!;
    while (t.partitions.length < total) t.partitions.push({ log: [], leader, producers: new Map(), subscribers: new Set(), streams: new Set() });
  }

  /** Appends records directly (as if produced by someone else) and wakes subscribers. */
  appendValues(topic: string, partition: number, values: string[]): void {
    const p = this.topics.get(topic)!.partitions[partition];
    for (const v of values) p.log.push({ offset: p.log.length, key: null, value: Buffer.from(v), headers: [], timestampMs: Date.now() });
    for (const wake of p.subscribers) wake();
  }

  /** Moves a partition's leadership; its open Subscribe streams end with NOT_LEADER and a hint. */
  moveLeader(topic: string, partition: number, to: number): void {
    const p = this.topics.get(topic)!.partitions[partition];
    const from = p.leader;
    p.leader = to;
    for (const call of p.streams) {
      p.streams.delete(call);
      call.emit('error', toServiceError(this.notLeader(from, topic, partition, p)!));
    }
    p.subscribers.clear();
  }

  describe(name: string): TopicDescription {
    const t = this.topics.get(name)!;
    return {
      name,
      id: t.id,
      config: t.config,
      replicationFactor: t.replicationFactor,
      partitions: t.partitions.map((p, i): PartitionDescription => {
        const replicas = this.brokers.map((b) => b.id).slice(0, t.replicationFactor);
        const replicaStatus =
          p.replicaStatus ??
          replicas.map((node): ReplicaStatus => ({
            node,
            state: node === p.leader ? 'REPLICA_STATE_LEADER' : 'REPLICA_STATE_IN_SYNC',
            lagRecords: 0,
            lagBytes: 0,
            lastHeardMs: 0,
            logEndOffset: p.log.length,
            reason: '',
          }));
        return {
          partition: i,
          groupId: t.id * 1000 + i,
          leader: p.leader,
          leaderAddress: p.leader ? this.broker(p.leader).address : '',
          compaction: p.compaction ?? null,
          removingReplicas: [],
          resyncingReplicas: [],
          replicas,
          inSyncReplicas: replicaStatus.filter((r) => r.state === 'REPLICA_STATE_LEADER' || r.state === 'REPLICA_STATE_IN_SYNC').map((r) => r.node),
          logStartOffset: 0,
          logEndOffset: p.log.length,
          highWatermark: p.log.length,
          leaderEpoch: 1,
          leaderUnreachable: false,
          fencedReplicas: replicaStatus.filter((r) => r.state === 'REPLICA_STATE_FENCED').map((r) => ({ node: r.node, reason: r.reason })),
          replicaStatus,
        };
      }),
    };
  }

  initProducer(name: string, current?: { id: number; epoch: number }): { producerId: number; producerEpoch: number } | ErrorStatus {
    if (!name) return { producerId: this.nextProducerId++, producerEpoch: 0 };
    const known = this.named.get(name);
    if (current && (known?.id !== current.id || known.epoch !== current.epoch)) {
      return failure(grpc.status.FAILED_PRECONDITION, 'FENCED', `producer "${name}" moved on from id ${current.id} epoch ${current.epoch}`);
    }
    const next = known ? { id: known.id, epoch: known.epoch + 1 } : { id: this.nextProducerId++, epoch: 0 };
    this.named.set(name, next);
    return { producerId: next.id, producerEpoch: next.epoch };
  }

  /** The server's produce rules: leadership, producer epoch and sequence, expected offset. */
  produce(broker: number, req: ProduceRequest): ProduceResponse | ErrorStatus {
    const topic = this.topics.get(req.topic);
    if (!topic) return refusal(grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', `unknown topic ${req.topic}`);
    const p = topic.partitions[req.partition];
    if (!p) return refusal(grpc.status.NOT_FOUND, 'UNKNOWN_PARTITION', `topic ${req.topic} has no partition ${req.partition}`);
    const notLeader = this.notLeader(broker, req.topic, req.partition, p);
    if (notLeader) return notLeader;
    let batch: DecodedProduce;
    try {
      batch = decodeProduce(req);
    } catch (e) {
      return refusal(grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', `topic ${req.topic} partition ${req.partition}: ${(e as Error).message}`);
    }
    const pid = batch.producerId;
    const seq = batch.baseSequence;
    const epoch = batch.producerEpoch;
    const count = batch.records.length;
    const content = String(batch.checksum);
    let state: ReturnType<FakePartition['producers']['get']>;
    let fresh = false;
    if (pid >= 0 && seq >= 0) {
      // Per partition, as the real server's producer table: a lower epoch is fenced, a higher one
      // starts afresh at sequence 0, an unknown producer must start at 0.
      state = p.producers.get(pid);
      if (state && epoch < state.epoch) {
        return refusal(grpc.status.FAILED_PRECONDITION, 'FENCED', `producer ${pid} epoch ${epoch} is fenced by epoch ${state.epoch}`);
      }
      if (!state || epoch > state.epoch) {
        if (seq !== 0) {
          return state
            ? refusal(grpc.status.FAILED_PRECONDITION, 'OUT_OF_ORDER_SEQUENCE', `producer ${pid} epoch ${epoch} must start at sequence 0, not ${seq}`, { [META.expectedSequence]: '0' })
            : refusal(grpc.status.FAILED_PRECONDITION, 'UNKNOWN_PRODUCER', `producer ${pid} is not known to topic ${req.topic} partition ${req.partition}`);
        }
        state = { epoch: epoch, nextSequence: 0, recent: [] };
        fresh = true;
      }
      if (seq < state.nextSequence) {
        const dup = state.recent.find((r) => r.base === seq && r.count === count);
        if (dup && (dup.content === content || !this.verifyDuplicates)) {
          return { baseOffset: dup.offset, lastOffset: dup.offset + dup.count - 1, logAppendTimeMs: -1, duplicate: true };
        }
        if (this.verifyDuplicates && state.recent.some((r) => seq < r.base + r.count && r.base < seq + count)) {
          return refusal(grpc.status.FAILED_PRECONDITION, 'SEQUENCE_CONFLICT', `producer ${pid} reused sequences ${seq}.. for other records`);
        }
      }
      if (seq !== state.nextSequence) {
        return refusal(
          grpc.status.FAILED_PRECONDITION,
          'OUT_OF_ORDER_SEQUENCE',
          `topic ${req.topic} partition ${req.partition}: producer ${pid} sent sequence ${seq}, expected ${state.nextSequence}`,
          { [META.expectedSequence]: String(state.nextSequence) },
        );
      }
    }
    const expected = req.expectedOffset ?? -1;
    if (expected >= 0 && expected !== p.log.length) {
      return refusal(
        grpc.status.FAILED_PRECONDITION,
        'OFFSET_MISMATCH',
        `topic ${req.topic} partition ${req.partition}: log ends at ${p.log.length}, not ${expected}`,
        { [META.logEndOffset]: String(p.log.length) },
      );
    }
    const base = p.log.length;
    for (const r of batch.records) {
      p.log.push({ offset: p.log.length, key: r.key, value: r.value, headers: r.headers, timestampMs: r.timestamp });
    }
    if (state) {
      if (fresh) p.producers.set(pid, state);
      state.nextSequence = seq + count;
      state.recent.push({ base: seq, count, offset: base, content });
      if (state.recent.length > 5) state.recent.shift();
    }
    for (const wake of p.subscribers) wake();
    return { baseOffset: base, lastOffset: p.log.length - 1, logAppendTimeMs: -1, duplicate: false };
  }

  notLeader(broker: number, topic: string, partition: number, p: FakePartition): ErrorStatus | undefined {
    if (p.leader === broker) return undefined;
    if (p.leader === 0) return refusal(grpc.status.UNAVAILABLE, 'NO_LEADER', `topic ${topic} partition ${partition} has no leader`);
    return refusal(
      grpc.status.FAILED_PRECONDITION,
      'NOT_LEADER',
      `node ${broker} is not the leader of topic ${topic} partition ${partition}; node ${p.leader} is`,
      { [META.leader]: String(p.leader), [META.leaderAddress]: this.broker(p.leader).address },
    );
  }

  partitionFor(broker: number, topic: string, partition: number): FakePartition | ErrorStatus {
    const t = this.topics.get(topic);
    if (!t) return failure(grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', `unknown topic ${topic}`);
    const p = t.partitions[partition];
    if (!p) return failure(grpc.status.NOT_FOUND, 'UNKNOWN_PARTITION', `topic ${topic} has no partition ${partition}`);
    return this.notLeader(broker, topic, partition, p) ?? p;
  }

  async stop(): Promise<void> {
    await Promise.all(this.brokers.map((b) => b.stop()));
  }
}

function isError(x: unknown): x is ErrorStatus {
  return typeof x === 'object' && x !== null && 'status' in x && 'metadata' in x;
}

export class FakeBroker {
  private constructor(
    readonly id: number,
    readonly address: string,
    private readonly server: grpc.Server,
  ) {}

  static async start(cluster: FakeCluster, id: number): Promise<FakeBroker> {
    const server = new grpc.Server();
    const handlers: FlotillaHandlers = {
      CreateTopic: (call, cb) => {
        const r = call.request;
        if (cluster.topics.has(r.name)) {
          cb(toServiceError(failure(grpc.status.ALREADY_EXISTS, 'TOPIC_EXISTS', `topic ${r.name} already exists`)));
          return;
        }
        if (!/^[A-Za-z0-9._-]{1,249}$/.test(r.name)) {
          cb(toServiceError(failure(grpc.status.INVALID_ARGUMENT, 'INVALID_TOPIC_NAME', `invalid topic name "${r.name}"`)));
          return;
        }
        const t = cluster.createTopic(r.name, r.partitions || 1);
        t.config = r.config;
        t.replicationFactor = r.replicationFactor || Math.min(3, cluster.brokers.length); // 0: the cluster's default
        cb(null, cluster.describe(r.name));
      },
      // Membership is not modelled by the fake: the client's producer and consumer never call it.
      ReassignPartition: (_call, cb) => cb(toServiceError(failure(grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', 'the test broker does not model membership'))),
      DrainNode: (_call, cb) => cb(toServiceError(failure(grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', 'the test broker does not model membership'))),
      RemoveNode: (_call, cb) => cb(toServiceError(failure(grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', 'the test broker does not model membership'))),
      CreatePartitions: (call, cb) => {
        const r = call.request;
        const t = cluster.topics.get(r.name);
        if (!t) {
          cb(toServiceError(failure(grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', `unknown topic ${r.name}`)));
          return;
        }
        if (r.partitions <= t.partitions.length) {
          cb(toServiceError(failure(grpc.status.INVALID_ARGUMENT, 'INVALID_CONFIG', `topic "${r.name}" currently has ${t.partitions.length} partitions, which is higher than the requested ${r.partitions}`)));
          return;
        }
        cluster.addPartitions(r.name, r.partitions);
        cb(null, cluster.describe(r.name));
      },
      DeleteTopic: (call, cb) => {
        if (!cluster.topics.delete(call.request.name)) {
          cb(toServiceError(failure(grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', `unknown topic ${call.request.name}`)));
        } else cb(null, {});
      },
      ListTopics: (_call, cb) => {
        cb(null, {
          topics: [...cluster.topics].map(([name, t]) => ({ name, id: t.id, partitions: t.partitions.length, replicationFactor: t.replicationFactor })),
        });
      },
      DescribeTopic: (call, cb) => {
        cluster.describeCalls++;
        if (!cluster.topics.has(call.request.name)) {
          cb(toServiceError(failure(grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', `unknown topic ${call.request.name}`)));
        } else cb(null, cluster.describe(call.request.name));
      },
      DescribeCluster: (_call, cb) => {
        cb(null, {
          clusterId: 'fake-cluster',
          controllerLeader: 1,
          nodes: cluster.brokers.map((b) => ({ id: b.id, address: b.address, alive: true })),
        });
      },
      InitProducer: (call, cb) => {
        const r = call.request;
        const answer = cluster.initProducer(r.producerName, r.currentProducerId ? { id: r.currentProducerId, epoch: r.currentProducerEpoch ?? 0 } : undefined);
        if (isError(answer)) cb(toServiceError(answer));
        else cb(null, answer);
      },
      Produce: (call, cb) => {
        const pc = produceCall(id, call.request);
        cluster.produceCalls.push(pc);
        const fault = cluster.produceFault(pc);
        if (fault === 'drop' || fault === 'break-stream') {
          cb({ code: grpc.status.UNAVAILABLE, details: 'injected fault' });
          return;
        }
        const r = fault ? fault.error : cluster.produce(id, call.request);
        if (isError(r)) cb(toServiceError(r));
        else cb(null, r);
      },
      ProduceStream: (call) => {
        call.on('data', (msg: { correlationId: number; request: ProduceRequest }) => {
          const pc = produceCall(id, msg.request);
          cluster.produceCalls.push(pc);
          const fault = cluster.produceFault(pc);
          if (fault === 'drop') return;
          if (fault === 'break-stream') {
            call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'injected stream break' });
            return;
          }
          const r = fault ? fault.error : cluster.produce(id, msg.request);
          call.write(isError(r) ? { correlationId: msg.correlationId, error: r } : { correlationId: msg.correlationId, response: r });
        });
        call.on('end', () => call.end());
        call.on('error', () => undefined);
      },
      Fetch: (call, cb) => {
        const r = call.request;
        const p = cluster.partitionFor(id, r.topic, r.partition);
        if (isError(p)) {
          cb(toServiceError(p));
          return;
        }
        if (r.offset > p.log.length) {
          cb(
            toServiceError(
              failure(grpc.status.OUT_OF_RANGE, 'OFFSET_OUT_OF_RANGE', `topic ${r.topic} partition ${r.partition}: offset ${r.offset} is past the log end ${p.log.length}`, {
                [META.logStartOffset]: '0',
                [META.logEndOffset]: String(p.log.length),
              }),
            ),
          );
          return;
        }
        cb(null, fetchResponse(p.log.slice(r.offset, r.offset + 100), p.log.length));
      },
      Subscribe: (call) => {
        const r = call.request;
        const p = cluster.partitionFor(id, r.topic, r.partition);
        if (isError(p)) {
          call.emit('error', toServiceError(p));
          return;
        }
        let next = Math.max(0, r.offset - cluster.subscribeOverlap);
        const push = () => {
          while (next < p.log.length && !call.cancelled) {
            let records = p.log.slice(next, next + cluster.subscribeBatch);
            const limit = cluster.breakSubscriptionAfter;
            if (limit !== undefined && records.length >= limit) {
              records = records.slice(0, limit);
              cluster.breakSubscriptionAfter = undefined;
              if (records.length > 0) call.write(fetchResponse(records, p.log.length));
              p.subscribers.delete(push);
              call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'injected subscription break' });
              return;
            }
            if (limit !== undefined) cluster.breakSubscriptionAfter = limit - records.length;
            call.write(fetchResponse(records, p.log.length));
            next += records.length;
          }
        };
        p.subscribers.add(push);
        p.streams.add(call);
        call.on('cancelled', () => {
          p.subscribers.delete(push);
          p.streams.delete(call);
        });
        push();
      },
      ListOffsets: (call, cb) => {
        const r = call.request;
        const p = cluster.partitionFor(id, r.topic, r.partition);
        if (isError(p)) cb(toServiceError(p));
        else if (r.spec === 'OFFSET_SPEC_EARLIEST') cb(null, { offset: 0 });
        else if (r.spec === 'OFFSET_SPEC_LATEST') cb(null, { offset: p.log.length });
        else cb(null, { offset: p.log.find((x) => x.timestampMs >= r.timestampMs)?.offset ?? p.log.length });
      },
      // The fake broker keeps no consumer groups (the real ones are tested against real nodes:
      // cluster/node/group-coordinator.test.ts, cluster/e2e/consumer-groups.test.ts).
      ...Object.fromEntries(
        (['FindCoordinator', 'JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'CommitOffsets', 'FetchOffsets', 'ListGroups', 'DescribeGroup', 'DeleteGroup'] as const).map((m) => [
          m,
          (_call: unknown, cb: (e: ReturnType<typeof toServiceError>) => void) =>
            cb(toServiceError(failure(grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', `the fake broker does not serve ${m} (no consumer groups)`))),
        ]),
      ) as Pick<FlotillaHandlers, 'FindCoordinator' | 'JoinGroup' | 'SyncGroup' | 'Heartbeat' | 'LeaveGroup' | 'CommitOffsets' | 'FetchOffsets' | 'ListGroups' | 'DescribeGroup' | 'DeleteGroup'>,
    };
    server.addService(loadFlotillaProto().Flotilla.service, handlers);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, port) => (e ? reject(e) : resolve(port))),
    );
    return new FakeBroker(id, `127.0.0.1:${port}`, server);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.tryShutdown(() => resolve());
      setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 200).unref();
    });
  }
}
