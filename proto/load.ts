/**
 * Loads Flotilla's gRPC APIs (flotilla.proto for clients, peer.proto between nodes) and describes
 * the decoded messages in TypeScript. Client and server both load through here, so they agree on
 * the loader options: camelCase fields, 64-bit integers as numbers (every offset, index, sequence
 * and timestamp stays below 2^53), enums as their names, defaults filled in, bytes as Buffer.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ERRORS, type ErrorCode, type StatusNameOf } from './errors';

export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

/**
 * Channel options for fast failover, shared by clients and nodes. grpc-js by default waits 1 s
 * before reconnecting and backs off to 120 s, which would keep a caller away from a restarted
 * node for minutes; keepalive pings notice a silently dead peer (a partition, no FIN) in seconds.
 */
export const FAILOVER_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.min_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
  'grpc.keepalive_time_ms': 5000,
  'grpc.keepalive_timeout_ms': 2000,
  'grpc.keepalive_permit_without_calls': 1,
};

export const FLOTILLA_PROTO_PATH = fileURLToPath(new URL('./flotilla.proto', import.meta.url));
export const PEER_PROTO_PATH = fileURLToPath(new URL('./peer.proto', import.meta.url));

export { ERRORS, type ErrorCode, META, OUTCOME, type Outcome } from './errors';

/**
 * The gRPC status of an error code, as a type: the member of grpc-js's `status` enum, so that a
 * status other than the table's does not compile where this type is asked for.
 */
export type GrpcStatusOf<C extends ErrorCode> = (typeof grpc.status)[StatusNameOf<C>];

/** The gRPC status every error with `code` is sent with (proto/errors.ts). */
export function grpcStatusOf<C extends ErrorCode>(code: C): GrpcStatusOf<C> {
  return grpc.status[ERRORS[code].status] as GrpcStatusOf<C>;
}

// ---- messages, as decoded with PROTO_LOADER_OPTIONS ----

export interface CreateTopicRequest {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}
export interface DeleteTopicRequest {
  name: string;
}
export type DeleteTopicResponse = Record<string, never>;
export type ListTopicsRequest = Record<string, never>;
export interface TopicSummary {
  name: string;
  id: number;
  partitions: number;
  replicationFactor: number;
}
export interface ListTopicsResponse {
  topics: TopicSummary[];
}
export interface DescribeTopicRequest {
  name: string;
}
export interface PartitionDescription {
  partition: number;
  groupId: number;
  /** 0 = no leader known. */
  leader: number;
  /** "" when unknown. */
  leaderAddress: string;
  replicas: number[];
  inSyncReplicas: number[];
  logStartOffset: number;
  /** The next offset to be written. */
  logEndOffset: number;
  highWatermark: number;
  leaderEpoch: number;
  /** leader = 0 only because the answering node cannot reach a quorum: ask another node. */
  leaderUnreachable: boolean;
  /** Replicas fenced on their node (apply or storage failed), as far as the answering node heard. */
  fencedReplicas: FencedReplica[];
}
export interface FencedReplica {
  node: number;
  reason: string;
}
export interface TopicDescription {
  name: string;
  id: number;
  config: Record<string, string>;
  replicationFactor: number;
  partitions: PartitionDescription[];
}
export type DescribeClusterRequest = Record<string, never>;
export interface NodeDescription {
  id: number;
  address: string;
  alive: boolean;
}
export interface ClusterDescription {
  clusterId: string;
  controllerLeader: number;
  nodes: NodeDescription[];
}
export interface InitProducerRequest {
  producerName: string;
  /** 0 = a new instance; else the id this instance holds, with currentProducerEpoch (see flotilla.proto). */
  currentProducerId?: number;
  currentProducerEpoch?: number;
}
export interface InitProducerResponse {
  producerId: number;
  producerEpoch: number;
}
export interface Header {
  key: string;
  value: Buffer;
}
export interface WireRecord {
  /** Absent = null key. */
  key?: Buffer;
  value: Buffer;
  headers: Header[];
  /** 0 = log append time. */
  timestampMs: number;
}
export type Acks = 'ACKS_ALL' | 'ACKS_LEADER';
export interface ProduceRequest {
  topic: string;
  partition: number;
  records: WireRecord[];
  acks: Acks;
  /** Absent or -1 = not idempotent. */
  producerId?: number;
  producerEpoch: number;
  /** Absent or -1 = none. */
  baseSequence?: number;
  /** Absent or -1 = unconditional. */
  expectedOffset?: number;
}
export interface ProduceResponse {
  baseOffset: number;
  lastOffset: number;
  logAppendTimeMs: number;
  duplicate: boolean;
}
export interface ProduceStreamRequest {
  correlationId: number;
  request: ProduceRequest;
}
export interface ErrorStatus {
  /** A gRPC status code. */
  status: number;
  message: string;
  /** The keys a unary call would send as trailing metadata (see META). */
  metadata: Record<string, string>;
}
export interface ProduceStreamResponse {
  correlationId: number;
  response?: ProduceResponse;
  error?: ErrorStatus;
  result?: 'response' | 'error';
}
export interface RecordWithOffset {
  offset: number;
  key?: Buffer;
  value: Buffer;
  headers: Header[];
  timestampMs: number;
}
export interface FetchRequest {
  topic: string;
  partition: number;
  offset: number;
  maxBytes: number;
  maxWaitMs: number;
  minBytes: number;
}
export interface FetchResponse {
  records: RecordWithOffset[];
  highWatermark: number;
  logStartOffset: number;
}
export interface SubscribeRequest {
  topic: string;
  partition: number;
  offset: number;
  maxBytes: number;
}
export type OffsetSpec = 'OFFSET_SPEC_EARLIEST' | 'OFFSET_SPEC_LATEST' | 'OFFSET_SPEC_TIMESTAMP';
export interface ListOffsetsRequest {
  topic: string;
  partition: number;
  spec: OffsetSpec;
  timestampMs: number;
}
export interface ListOffsetsResponse {
  offset: number;
}

// peer.proto
export interface RaftBatch {
  payload: Buffer;
}
export interface RaftAck {
  ok: boolean;
}
export interface SnapshotChunk {
  group: number;
  index: number;
  term: number;
  offset: number;
  data: Buffer;
  last: boolean;
  metadata: Buffer;
  from: number;
  to: number;
}
export interface SnapshotAck {
  ok: boolean;
  error: string;
}
export interface MetadataProposal {
  command: Buffer;
}
export interface MetadataProposalResult {
  index: number;
  errorCode: string;
  errorMessage: string;
  producerId: number;
  producerEpoch: number;
}
export interface GroupStatusRequest {
  groups: number[];
}
export interface GroupState {
  group: number;
  leader: number;
  term: number;
  isLeader: boolean;
  inSync: number[];
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  /** The node whose replica this is. */
  node: number;
  /** "" unless the replica is fenced on that node: why. */
  failure: string;
}
export interface GroupStatusResponse {
  groups: GroupState[];
}
export type MetadataReadIndexRequest = Record<string, never>;
export interface MetadataReadIndexResponse {
  index: number;
}

// ---- services ----

type Unary<Req, Res> = {
  (req: Req, callback: grpc.requestCallback<Res>): grpc.ClientUnaryCall;
  (req: Req, metadata: grpc.Metadata, callback: grpc.requestCallback<Res>): grpc.ClientUnaryCall;
  (
    req: Req,
    metadata: grpc.Metadata,
    options: Partial<grpc.CallOptions>,
    callback: grpc.requestCallback<Res>,
  ): grpc.ClientUnaryCall;
};

/** The generated client of the Flotilla service (proto-loader adds lowerCamel method names). */
export interface FlotillaClient extends grpc.Client {
  createTopic: Unary<CreateTopicRequest, TopicDescription>;
  deleteTopic: Unary<DeleteTopicRequest, DeleteTopicResponse>;
  listTopics: Unary<ListTopicsRequest, ListTopicsResponse>;
  describeTopic: Unary<DescribeTopicRequest, TopicDescription>;
  describeCluster: Unary<DescribeClusterRequest, ClusterDescription>;
  initProducer: Unary<InitProducerRequest, InitProducerResponse>;
  produce: Unary<ProduceRequest, ProduceResponse>;
  produceStream(
    metadata?: grpc.Metadata,
    options?: Partial<grpc.CallOptions>,
  ): grpc.ClientDuplexStream<ProduceStreamRequest, ProduceStreamResponse>;
  fetch: Unary<FetchRequest, FetchResponse>;
  subscribe(
    req: SubscribeRequest,
    metadata?: grpc.Metadata,
    options?: Partial<grpc.CallOptions>,
  ): grpc.ClientReadableStream<FetchResponse>;
  listOffsets: Unary<ListOffsetsRequest, ListOffsetsResponse>;
}

/** What a server implements for the Flotilla service (keys are the proto's method names). */
export interface FlotillaHandlers extends grpc.UntypedServiceImplementation {
  CreateTopic: grpc.handleUnaryCall<CreateTopicRequest, TopicDescription>;
  DeleteTopic: grpc.handleUnaryCall<DeleteTopicRequest, DeleteTopicResponse>;
  ListTopics: grpc.handleUnaryCall<ListTopicsRequest, ListTopicsResponse>;
  DescribeTopic: grpc.handleUnaryCall<DescribeTopicRequest, TopicDescription>;
  DescribeCluster: grpc.handleUnaryCall<DescribeClusterRequest, ClusterDescription>;
  InitProducer: grpc.handleUnaryCall<InitProducerRequest, InitProducerResponse>;
  Produce: grpc.handleUnaryCall<ProduceRequest, ProduceResponse>;
  ProduceStream: grpc.handleBidiStreamingCall<ProduceStreamRequest, ProduceStreamResponse>;
  Fetch: grpc.handleUnaryCall<FetchRequest, FetchResponse>;
  Subscribe: grpc.handleServerStreamingCall<SubscribeRequest, FetchResponse>;
  ListOffsets: grpc.handleUnaryCall<ListOffsetsRequest, ListOffsetsResponse>;
}

/** The generated client of the Peer service. */
export interface PeerClient extends grpc.Client {
  raft(metadata?: grpc.Metadata, options?: Partial<grpc.CallOptions>): grpc.ClientDuplexStream<RaftBatch, RaftAck>;
  sendSnapshot(callback: grpc.requestCallback<SnapshotAck>): grpc.ClientWritableStream<SnapshotChunk>;
  sendSnapshot(
    metadata: grpc.Metadata,
    options: Partial<grpc.CallOptions>,
    callback: grpc.requestCallback<SnapshotAck>,
  ): grpc.ClientWritableStream<SnapshotChunk>;
  proposeMetadata: Unary<MetadataProposal, MetadataProposalResult>;
  groupStatus: Unary<GroupStatusRequest, GroupStatusResponse>;
  metadataReadIndex: Unary<MetadataReadIndexRequest, MetadataReadIndexResponse>;
}

export interface PeerHandlers extends grpc.UntypedServiceImplementation {
  Raft: grpc.handleBidiStreamingCall<RaftBatch, RaftAck>;
  SendSnapshot: grpc.handleClientStreamingCall<SnapshotChunk, SnapshotAck>;
  ProposeMetadata: grpc.handleUnaryCall<MetadataProposal, MetadataProposalResult>;
  GroupStatus: grpc.handleUnaryCall<GroupStatusRequest, GroupStatusResponse>;
  MetadataReadIndex: grpc.handleUnaryCall<MetadataReadIndexRequest, MetadataReadIndexResponse>;
}

export interface ServiceConstructor<C extends grpc.Client> {
  new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions): C;
  service: grpc.ServiceDefinition;
}

export interface LoadedFlotilla {
  /** Client constructor; `.service` is the definition to pass to `server.addService`. */
  Flotilla: ServiceConstructor<FlotillaClient>;
}

export interface LoadedPeer {
  Peer: ServiceConstructor<PeerClient>;
}

let flotilla: LoadedFlotilla | undefined;
let peer: LoadedPeer | undefined;

function load(path: string, service: string): unknown {
  const definition = protoLoader.loadSync(path, PROTO_LOADER_OPTIONS);
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    flotilla: { v1: Record<string, unknown> };
  };
  const ctor = pkg.flotilla.v1[service];
  if (typeof ctor !== 'function') throw new Error(`${path} does not define service flotilla.v1.${service}`);
  return ctor;
}

/** The client API (flotilla.proto), loaded once per process. */
export function loadFlotillaProto(): LoadedFlotilla {
  flotilla ??= { Flotilla: load(FLOTILLA_PROTO_PATH, 'Flotilla') as ServiceConstructor<FlotillaClient> };
  return flotilla;
}

/** The node-to-node API (peer.proto), loaded once per process. */
export function loadPeerProto(): LoadedPeer {
  peer ??= { Peer: load(PEER_PROTO_PATH, 'Peer') as ServiceConstructor<PeerClient> };
  return peer;
}
