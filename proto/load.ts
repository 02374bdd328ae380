/**
 * Loads Flotilla's gRPC APIs (flotilla.proto for clients, peer.proto between nodes) and names the
 * TypeScript types generated from them (proto/generated/). Client and server both load through
 * here, so they agree on the loader options: camelCase fields, 64-bit integers as numbers (every
 * offset, index, sequence and timestamp stays below 2^53), enums as their names, defaults filled
 * in, bytes as Buffer.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ERRORS, type ErrorCode, type StatusNameOf } from './errors';
import type { ProtoGrpcType as FlotillaPackage } from './generated/flotilla';
import type { ProtoGrpcType as PeerPackage } from './generated/peer';

/** The generated types assume these (proto/generate.ts passes them to the generator): `npm run proto:gen` after a change. */
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

// ---- messages and services ----
//
// The types are generated from the protos (proto/generated/, `npm run proto:gen`) with the
// options above. Each message has two: `X`, what a sender may pass (every field optional, 64-bit
// fields also as string or Long, bytes also as Uint8Array or string), and `X__Output`, what
// grpc-js hands a receiver with PROTO_LOADER_OPTIONS: every field present (defaults: true) except
// proto3 `optional` ones and oneof members (absent when unset), messages `| null` when unset,
// 64-bit integers as number, enums as their names, bytes as Buffer. The names below are the
// Output types: what our code reads, and, being stricter, also what it builds to send.

export type { Acks__Output as Acks } from './generated/flotilla/v1/Acks';
export type { ClusterDescription__Output as ClusterDescription } from './generated/flotilla/v1/ClusterDescription';
export type { CreatePartitionsRequest__Output as CreatePartitionsRequest } from './generated/flotilla/v1/CreatePartitionsRequest';
export type { CreateTopicRequest__Output as CreateTopicRequest } from './generated/flotilla/v1/CreateTopicRequest';
export type { DeleteTopicRequest__Output as DeleteTopicRequest } from './generated/flotilla/v1/DeleteTopicRequest';
export type { DeleteTopicResponse__Output as DeleteTopicResponse } from './generated/flotilla/v1/DeleteTopicResponse';
export type { DescribeClusterRequest__Output as DescribeClusterRequest } from './generated/flotilla/v1/DescribeClusterRequest';
export type { CompactionProgress__Output as CompactionProgress } from './generated/flotilla/v1/CompactionProgress';
export type { DescribeTopicRequest__Output as DescribeTopicRequest } from './generated/flotilla/v1/DescribeTopicRequest';
export type { ErrorStatus__Output as ErrorStatus } from './generated/flotilla/v1/ErrorStatus';
export type { FencedReplica__Output as FencedReplica } from './generated/flotilla/v1/FencedReplica';
export type { FetchRequest__Output as FetchRequest } from './generated/flotilla/v1/FetchRequest';
export type { FetchResponse__Output as FetchResponse } from './generated/flotilla/v1/FetchResponse';
export type { FlotillaClient, FlotillaDefinition, FlotillaHandlers } from './generated/flotilla/v1/Flotilla';
export type { GroupReplica__Output as GroupReplica } from './generated/flotilla/v1/GroupReplica';
export type { GroupState__Output as GroupState } from './generated/flotilla/v1/GroupState';
export type { GroupStatusRequest__Output as GroupStatusRequest } from './generated/flotilla/v1/GroupStatusRequest';
export type { GroupStatusResponse__Output as GroupStatusResponse } from './generated/flotilla/v1/GroupStatusResponse';
export type { MemberStatusResponse__Output as MemberStatusResponse } from './generated/flotilla/v1/MemberStatusResponse';
export type { InitProducerRequest__Output as InitProducerRequest } from './generated/flotilla/v1/InitProducerRequest';
export type { InitProducerResponse__Output as InitProducerResponse } from './generated/flotilla/v1/InitProducerResponse';
export type { ListOffsetsRequest__Output as ListOffsetsRequest } from './generated/flotilla/v1/ListOffsetsRequest';
export type { ListOffsetsResponse__Output as ListOffsetsResponse } from './generated/flotilla/v1/ListOffsetsResponse';
export type { ListTopicsRequest__Output as ListTopicsRequest } from './generated/flotilla/v1/ListTopicsRequest';
export type { ListTopicsResponse__Output as ListTopicsResponse } from './generated/flotilla/v1/ListTopicsResponse';
export type { MetadataProposal__Output as MetadataProposal } from './generated/flotilla/v1/MetadataProposal';
export type { MetadataProposalResult__Output as MetadataProposalResult } from './generated/flotilla/v1/MetadataProposalResult';
export type { MetadataReadIndexRequest__Output as MetadataReadIndexRequest } from './generated/flotilla/v1/MetadataReadIndexRequest';
export type { MetadataReadIndexResponse__Output as MetadataReadIndexResponse } from './generated/flotilla/v1/MetadataReadIndexResponse';
export type { NodeDescription__Output as NodeDescription } from './generated/flotilla/v1/NodeDescription';
export type { OffsetSpec__Output as OffsetSpec } from './generated/flotilla/v1/OffsetSpec';
export type { PartitionDescription__Output as PartitionDescription } from './generated/flotilla/v1/PartitionDescription';
export type { PartitionMove__Output as PartitionMove } from './generated/flotilla/v1/PartitionMove';
export type { PeerClient, PeerDefinition, PeerHandlers } from './generated/flotilla/v1/Peer';
export type { ProduceRequest__Output as ProduceRequest } from './generated/flotilla/v1/ProduceRequest';
export type { ProduceResponse__Output as ProduceResponse } from './generated/flotilla/v1/ProduceResponse';
export type { ProduceStreamRequest__Output as ProduceStreamRequest } from './generated/flotilla/v1/ProduceStreamRequest';
export type { ProduceStreamResponse__Output as ProduceStreamResponse } from './generated/flotilla/v1/ProduceStreamResponse';
export type { RaftBatch__Output as RaftBatch } from './generated/flotilla/v1/RaftBatch';
export type { ReplicaState__Output as ReplicaState } from './generated/flotilla/v1/ReplicaState';
export type { ReplicaStatus__Output as ReplicaStatus } from './generated/flotilla/v1/ReplicaStatus';
export type { SnapshotAck__Output as SnapshotAck } from './generated/flotilla/v1/SnapshotAck';
export type { SnapshotChunk__Output as SnapshotChunk } from './generated/flotilla/v1/SnapshotChunk';
export type { SubscribeRequest__Output as SubscribeRequest } from './generated/flotilla/v1/SubscribeRequest';
export type { TopicDescription__Output as TopicDescription } from './generated/flotilla/v1/TopicDescription';
export type { TopicSummary__Output as TopicSummary } from './generated/flotilla/v1/TopicSummary';
// consumer groups
export type { CommitOffsetsRequest__Output as CommitOffsetsRequest } from './generated/flotilla/v1/CommitOffsetsRequest';
export type { CommitOffsetsResponse__Output as CommitOffsetsResponse } from './generated/flotilla/v1/CommitOffsetsResponse';
export type { CommittedOffset__Output as CommittedOffset } from './generated/flotilla/v1/CommittedOffset';
export type { DeleteGroupRequest__Output as DeleteGroupRequest } from './generated/flotilla/v1/DeleteGroupRequest';
export type { DeleteGroupResponse__Output as DeleteGroupResponse } from './generated/flotilla/v1/DeleteGroupResponse';
export type { DescribeGroupRequest__Output as DescribeGroupRequest } from './generated/flotilla/v1/DescribeGroupRequest';
export type { FetchOffsetsRequest__Output as FetchOffsetsRequest } from './generated/flotilla/v1/FetchOffsetsRequest';
export type { FetchOffsetsResponse__Output as FetchOffsetsResponse } from './generated/flotilla/v1/FetchOffsetsResponse';
export type { FindCoordinatorRequest__Output as FindCoordinatorRequest } from './generated/flotilla/v1/FindCoordinatorRequest';
export type { FindCoordinatorResponse__Output as FindCoordinatorResponse } from './generated/flotilla/v1/FindCoordinatorResponse';
export type { GroupDescription__Output as GroupDescription } from './generated/flotilla/v1/GroupDescription';
export type { GroupMember__Output as GroupMember } from './generated/flotilla/v1/GroupMember';
export type { GroupSummary__Output as GroupSummary } from './generated/flotilla/v1/GroupSummary';
export type { HeartbeatRequest__Output as HeartbeatRequest } from './generated/flotilla/v1/HeartbeatRequest';
export type { HeartbeatResponse__Output as HeartbeatResponse } from './generated/flotilla/v1/HeartbeatResponse';
export type { JoinGroupRequest__Output as JoinGroupRequest } from './generated/flotilla/v1/JoinGroupRequest';
export type { JoinGroupResponse__Output as JoinGroupResponse } from './generated/flotilla/v1/JoinGroupResponse';
export type { LeaveGroupRequest__Output as LeaveGroupRequest } from './generated/flotilla/v1/LeaveGroupRequest';
export type { LeaveGroupResponse__Output as LeaveGroupResponse } from './generated/flotilla/v1/LeaveGroupResponse';
export type { ListGroupsRequest__Output as ListGroupsRequest } from './generated/flotilla/v1/ListGroupsRequest';
export type { ListGroupsResponse__Output as ListGroupsResponse } from './generated/flotilla/v1/ListGroupsResponse';
export type { OffsetCommit__Output as OffsetCommit } from './generated/flotilla/v1/OffsetCommit';
export type { SyncGroupRequest__Output as SyncGroupRequest } from './generated/flotilla/v1/SyncGroupRequest';
export type { SyncGroupResponse__Output as SyncGroupResponse } from './generated/flotilla/v1/SyncGroupResponse';
export type { TopicPartitions__Output as TopicPartitions } from './generated/flotilla/v1/TopicPartitions';

/** The Flotilla service: a client constructor, whose `.service` is the definition for `server.addService`. */
export type FlotillaService = FlotillaPackage['flotilla']['v1']['Flotilla'];
/** The Peer service, likewise. */
export type PeerService = PeerPackage['flotilla']['v1']['Peer'];

export interface LoadedFlotilla {
  Flotilla: FlotillaService;
}

export interface LoadedPeer {
  Peer: PeerService;
}

let flotilla: LoadedFlotilla | undefined;
let peer: LoadedPeer | undefined;

/** One service of a proto, loaded with PROTO_LOADER_OPTIONS (the options the generated types assume). */
function load<Service>(path: string, name: string): Service {
  const definition = protoLoader.loadSync(path, PROTO_LOADER_OPTIONS);
  const pkg = grpc.loadPackageDefinition(definition) as { flotilla?: { v1?: Record<string, unknown> } };
  const ctor = pkg.flotilla?.v1?.[name];
  if (typeof ctor !== 'function') throw new Error(`${path} does not define service flotilla.v1.${name}`);
  return ctor as Service;
}

/** The client API (flotilla.proto), loaded once per process. */
export function loadFlotillaProto(): LoadedFlotilla {
  flotilla ??= { Flotilla: load<FlotillaService>(FLOTILLA_PROTO_PATH, 'Flotilla') };
  return flotilla;
}

/** The node-to-node API (peer.proto), loaded once per process. */
export function loadPeerProto(): LoadedPeer {
  peer ??= { Peer: load<PeerService>(PEER_PROTO_PATH, 'Peer') };
  return peer;
}
