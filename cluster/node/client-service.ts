import * as grpc from '@grpc/grpc-js';
import type { NodeId } from '../../raft';
import type {
  ClusterDescription,
  FetchResponse,
  FlotillaHandlers,
  ProduceRequest,
  ProduceResponse,
  ProduceStreamRequest,
  ProduceStreamResponse,
  TopicDescription,
} from '../../proto/load';
import { type Command, drainMoves, type MetadataState, type TopicInfo } from '../metadata';
import { ADMIN_TIMEOUT_MS, answerBy } from './deadlines';
import type { GroupCoordinator } from './group-coordinator';
import type { PartitionReplica, ProduceCall } from './partition-replica';
import { invalidRequest, refusedBeforeProposing, RpcError, toProduceErrorStatus, toProduceServiceError, toServiceError } from './rpc-errors';

/** A partition replica as the client API uses it. */
export type ServedReplica = Pick<PartitionReplica, 'produce' | 'fetch' | 'listOffset'>;

/** What the client API needs of the node to serve partitions. */
export interface PartitionAccess {
  readonly id: NodeId;
  /** The node is stopping: long-lived calls (Subscribe) end. */
  readonly stopping: boolean;
  /** The replica of a live partition hosted here; throws the error a client should get. */
  replicaFor(topic: string, partition: number): ServedReplica;
}

/** What the client API needs of the node for topics, producer ids and the cluster: the metadata group. */
export interface MetadataAccess {
  /** Waits for nodes of a starting cluster that have not registered yet, until a little before `callDeadline`. */
  createTopic(command: Extract<Command, { type: 'createTopic' }>, callDeadline: number): Promise<void>;
  /** Commits a change and resolves once this node has applied it. */
  proposeMetadata(command: Command, timeoutMs: number): Promise<{ producerId: number; producerEpoch: number }>;
  /** This node's metadata as applied so far: it has every change this node made (read-your-writes). */
  appliedMetadata(): MetadataState;
  /** The metadata, at least as new as the cluster's committed metadata when the call came (linearizable). */
  readMetadata(callDeadline: number): Promise<MetadataState>;
  describeTopic(topic: TopicInfo): Promise<TopicDescription>;
  describeCluster(state: MetadataState): ClusterDescription;
  /** Whether a node was heard from lately (drain moves replicas only to live nodes). */
  alive(id: NodeId): boolean;
}

const DEFAULT_DEADLINE_MS = 30_000;
const MAX_WAIT_MS = 60_000;
/** How long CreateTopic waits for the new partitions to elect leaders before answering anyway. */
const CREATE_WAIT_MS = 5_000;

function deadlineOf(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>): number {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : Number(d);
  return Number.isFinite(ms) ? ms : Date.now() + DEFAULT_DEADLINE_MS;
}

/** A unary handler from an async function: its value answers, its error becomes the status. */
function unary<Req, Res>(fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    fn(call.request, call).then(
      (res) => callback(null, res),
      (e) => callback(toServiceError(e)),
    );
  };
}

/** -1 or absent means "none" for the optional int64 fields of ProduceRequest. */
function optional(n: number | undefined): number | undefined {
  return n === undefined || n === null || n === -1 ? undefined : n;
}

function produceCall(req: ProduceRequest, deadline: number): ProduceCall {
  if (req.acks !== 'ACKS_ALL' && req.acks !== 'ACKS_LEADER') throw invalidRequest(`acks ${String(req.acks)} is not ACKS_ALL or ACKS_LEADER`);
  if (!Buffer.isBuffer(req.recordBatch) || req.recordBatch.length === 0) {
    throw invalidRequest('the produce request has no record_batch; send one RecordBatch v2 (proto/record-batch.md)');
  }
  return { batch: req.recordBatch, acks: req.acks, expectedOffset: optional(req.expectedOffset), deadline };
}

function checkPartitionArg(topic: string, partition: number): void {
  if (typeof topic !== 'string' || topic === '') throw invalidRequest('the request names no topic');
  if (!Number.isInteger(partition) || partition < 0) {
    throw invalidRequest(`topic "${topic}": partition ${partition} is not a partition number; the client picks the partition (by key hash or round-robin) before sending`);
  }
}

/** The Flotilla client API (proto/flotilla.proto) served by one node. */
export function flotillaService(node: PartitionAccess, metadata: MetadataAccess, groups: GroupCoordinator): FlotillaHandlers {
  /** Never throws: the promise fails with an error that says the batch's outcome (see produceFailure). */
  const produce = (req: ProduceRequest | null | undefined, deadline: number): Promise<ProduceResponse> => {
    let replica: ServedReplica;
    let pc: ProduceCall;
    try {
      if (!req) throw invalidRequest('a ProduceStream message without a request');
      checkPartitionArg(req.topic, req.partition);
      replica = node.replicaFor(req.topic, req.partition);
      pc = produceCall(req, deadline);
    } catch (e) {
      return Promise.reject(refusedBeforeProposing(e));
    }
    return replica.produce(pc);
  };

  /** Admin writes give up early enough for their own error, not the client's deadline, to answer. */
  const adminTimeout = (deadline: number) => Math.max(1, answerBy(deadline, ADMIN_TIMEOUT_MS) - Date.now());

  /**
   * The description of a topic just created or grown, once its partitions have leaders or after
   * CREATE_WAIT_MS. Applied here (read-your-writes): the state already has the change.
   */
  const describeOnceLed = async (name: string, deadline: number): Promise<TopicDescription> => {
    const until = answerBy(deadline, CREATE_WAIT_MS);
    for (;;) {
      const d = await metadata.describeTopic(metadata.appliedMetadata().describeTopic(name));
      if (d.partitions.every((p) => p.leader !== 0) || Date.now() >= until) return d;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  return {
    CreateTopic: unary(async (req, call) => {
      const config = { ...req.config };
      const deadline = deadlineOf(call);
      // Waits for nodes of the peer list that have not registered yet (a cluster that is starting).
      await metadata.createTopic({ type: 'createTopic', name: req.name, partitions: req.partitions, replicationFactor: req.replicationFactor, config }, deadline);
      return describeOnceLed(req.name, deadline);
    }),

    CreatePartitions: unary(async (req, call) => {
      if (typeof req.name !== 'string' || req.name === '') throw invalidRequest('CreatePartitions names no topic');
      const deadline = deadlineOf(call);
      // The metadata state refuses a count not above the current one (naming it), an unknown topic,
      // and a replication factor the registered nodes can no longer meet.
      await metadata.proposeMetadata({ type: 'addPartitions', name: req.name, partitions: req.partitions }, adminTimeout(deadline));
      return describeOnceLed(req.name, deadline);
    }),

    DeleteTopic: unary(async (req, call) => {
      await metadata.proposeMetadata({ type: 'deleteTopic', name: req.name }, adminTimeout(deadlineOf(call)));
      return {};
    }),

    ReassignPartition: unary(async (req, call): Promise<TopicDescription> => {
      checkPartitionArg(req.topic, req.partition);
      await metadata.proposeMetadata({ type: 'setPartitionReplicas', topic: req.topic, partition: req.partition, replicas: [...req.replicas] }, adminTimeout(deadlineOf(call)));
      return metadata.describeTopic(metadata.appliedMetadata().describeTopic(req.topic));
    }),

    DrainNode: unary(async (req, call) => {
      const deadline = deadlineOf(call);
      const state = await metadata.readMetadata(deadline);
      const moves = drainMoves(state, req.node, state.nodeIds().filter((n) => metadata.alive(n)));
      for (const m of moves) {
        await metadata.proposeMetadata({ type: 'setPartitionReplicas', topic: m.topic, partition: m.partition, replicas: [...m.to] }, adminTimeout(deadline));
      }
      return { moves: moves.map((m) => ({ topic: m.topic, partition: m.partition, from: [...m.from], to: [...m.to] })) };
    }),

    RemoveNode: unary(async (req, call) => {
      await metadata.proposeMetadata({ type: 'unregisterNode', nodeId: req.node }, adminTimeout(deadlineOf(call)));
      return {};
    }),

    // Metadata reads are linearizable (MetadataReads): never older than the cluster's committed
    // metadata when the call arrived; UNAVAILABLE NO_LEADER when this node cannot make sure of that.
    ListTopics: unary(async (_req, call) => {
      const state = await metadata.readMetadata(deadlineOf(call));
      return { topics: state.listTopics().map((t) => ({ name: t.name, id: t.id, partitions: t.partitions, replicationFactor: t.replicationFactor })) };
    }),

    DescribeTopic: unary(async (req, call): Promise<TopicDescription> => {
      const state = await metadata.readMetadata(deadlineOf(call));
      return metadata.describeTopic(state.describeTopic(req.name));
    }),

    DescribeCluster: unary(async (_req, call): Promise<ClusterDescription> => {
      const state = await metadata.readMetadata(deadlineOf(call));
      return metadata.describeCluster(state);
    }),

    InitProducer: unary(async (req, call) => {
      const current = req.currentProducerId ? { producerId: req.currentProducerId, producerEpoch: req.currentProducerEpoch ?? 0 } : undefined;
      const r = await metadata.proposeMetadata({ type: 'initProducer', producerName: req.producerName, current }, adminTimeout(deadlineOf(call)));
      return { producerId: r.producerId, producerEpoch: r.producerEpoch };
    }),

    Produce: (call, callback) => {
      produce(call.request, deadlineOf(call)).then(
        (res) => callback(null, res),
        (e) => callback(toProduceServiceError(e)),
      );
    },

    ProduceStream: (call) => {
      let inflight = 0;
      let ended = false;
      const finish = () => {
        if (ended && inflight === 0) call.end();
      };
      call.on('data', (msg: ProduceStreamRequest) => {
        inflight++;
        const correlationId = msg.correlationId;
        // Synchronous up to the proposal: requests of one partition enter the log in stream order.
        produce(msg.request, Date.now() + DEFAULT_DEADLINE_MS).then(
          (response) => call.write({ correlationId, response } satisfies ProduceStreamResponse),
          (e) => call.write({ correlationId, error: toProduceErrorStatus(e) } satisfies ProduceStreamResponse),
        ).finally(() => {
          inflight--;
          finish();
        });
      });
      call.on('end', () => {
        ended = true;
        finish();
      });
      call.on('error', () => undefined);
    },

    Fetch: unary(async (req, call) => {
      checkPartitionArg(req.topic, req.partition);
      const replica = node.replicaFor(req.topic, req.partition);
      return replica.fetch(req.offset, req.maxBytes, Math.min(req.maxWaitMs, MAX_WAIT_MS), req.minBytes, () => call.cancelled);
    }),

    Subscribe: (call) => {
      const req = call.request;
      let cancelled = false;
      call.on('cancelled', () => {
        cancelled = true;
      });
      void (async () => {
        checkPartitionArg(req.topic, req.partition);
        const replica = node.replicaFor(req.topic, req.partition);
        let offset = req.offset;
        while (!cancelled && !node.stopping) {
          const batch = await replica.fetch(offset, req.maxBytes, 1000, 0, () => cancelled);
          if (batch.recordBatches.length === 0 || cancelled) continue;
          offset = batch.nextOffset;
          if (!call.write(batch)) {
            // A cancelled call never drains: stop waiting on whichever comes first.
            await new Promise<void>((r) => {
              const done = () => {
                call.off('drain', done);
                call.off('cancelled', done);
                call.off('close', done);
                r();
              };
              call.on('drain', done);
              call.on('cancelled', done);
              call.on('close', done);
            });
          }
        }
        if (!cancelled) throw new RpcError(grpc.status.UNAVAILABLE, 'SHUTTING_DOWN', `node ${node.id} is shutting down; resubscribe from offset ${offset} elsewhere`);
      })().catch((e) => {
        if (!cancelled) call.emit('error', toServiceError(e));
      });
    },

    ListOffsets: unary(async (req, call) => {
      checkPartitionArg(req.topic, req.partition);
      const replica = node.replicaFor(req.topic, req.partition);
      switch (req.spec) {
        case 'OFFSET_SPEC_EARLIEST':
          return { offset: await replica.listOffset('earliest', deadlineOf(call)) };
        case 'OFFSET_SPEC_LATEST':
          return { offset: await replica.listOffset('latest', deadlineOf(call)) };
        case 'OFFSET_SPEC_TIMESTAMP':
          return { offset: await replica.listOffset({ timestamp: req.timestampMs }, deadlineOf(call)) };
        default:
          throw invalidRequest(`unknown offset spec ${String(req.spec)}`);
      }
    }),

    // ---- consumer groups (group-coordinator.ts) ----
    FindCoordinator: unary((req, call) => groups.findCoordinator(req.groupId, deadlineOf(call))),
    JoinGroup: unary((req) => groups.joinGroup(req)),
    SyncGroup: unary(async (req) => ({ assignment: await groups.syncGroup(req.groupId, req.memberId, req.generation) })),
    Heartbeat: unary((req) => groups.heartbeat(req.groupId, req.memberId, req.generation)),
    LeaveGroup: unary(async (req) => {
      await groups.leaveGroup(req.groupId, req.memberId);
      return {};
    }),
    CommitOffsets: unary(async (req) => {
      await groups.commitOffsets(req);
      return {};
    }),
    FetchOffsets: unary(async (req) => ({ offsets: await groups.fetchOffsets(req) })),
    ListGroups: unary(async (req) => ({ groups: await groups.listGroups(req.partition) })),
    DescribeGroup: unary((req) => groups.describeGroup(req.groupId)),
    DeleteGroup: unary(async (req) => {
      await groups.deleteGroup(req.groupId);
      return {};
    }),
  };
}
