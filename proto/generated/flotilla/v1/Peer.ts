// Original file: proto/peer.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Empty as _google_protobuf_Empty, Empty__Output as _google_protobuf_Empty__Output } from '../../google/protobuf/Empty';
import type { GroupStatusRequest as _flotilla_v1_GroupStatusRequest, GroupStatusRequest__Output as _flotilla_v1_GroupStatusRequest__Output } from '../../flotilla/v1/GroupStatusRequest';
import type { GroupStatusResponse as _flotilla_v1_GroupStatusResponse, GroupStatusResponse__Output as _flotilla_v1_GroupStatusResponse__Output } from '../../flotilla/v1/GroupStatusResponse';
import type { MemberStatusRequest as _flotilla_v1_MemberStatusRequest, MemberStatusRequest__Output as _flotilla_v1_MemberStatusRequest__Output } from '../../flotilla/v1/MemberStatusRequest';
import type { MemberStatusResponse as _flotilla_v1_MemberStatusResponse, MemberStatusResponse__Output as _flotilla_v1_MemberStatusResponse__Output } from '../../flotilla/v1/MemberStatusResponse';
import type { MetadataProposal as _flotilla_v1_MetadataProposal, MetadataProposal__Output as _flotilla_v1_MetadataProposal__Output } from '../../flotilla/v1/MetadataProposal';
import type { MetadataProposalResult as _flotilla_v1_MetadataProposalResult, MetadataProposalResult__Output as _flotilla_v1_MetadataProposalResult__Output } from '../../flotilla/v1/MetadataProposalResult';
import type { MetadataReadIndexRequest as _flotilla_v1_MetadataReadIndexRequest, MetadataReadIndexRequest__Output as _flotilla_v1_MetadataReadIndexRequest__Output } from '../../flotilla/v1/MetadataReadIndexRequest';
import type { MetadataReadIndexResponse as _flotilla_v1_MetadataReadIndexResponse, MetadataReadIndexResponse__Output as _flotilla_v1_MetadataReadIndexResponse__Output } from '../../flotilla/v1/MetadataReadIndexResponse';
import type { RaftBatch as _flotilla_v1_RaftBatch, RaftBatch__Output as _flotilla_v1_RaftBatch__Output } from '../../flotilla/v1/RaftBatch';
import type { SnapshotAck as _flotilla_v1_SnapshotAck, SnapshotAck__Output as _flotilla_v1_SnapshotAck__Output } from '../../flotilla/v1/SnapshotAck';
import type { SnapshotChunk as _flotilla_v1_SnapshotChunk, SnapshotChunk__Output as _flotilla_v1_SnapshotChunk__Output } from '../../flotilla/v1/SnapshotChunk';

export interface PeerClient extends grpc.Client {
  GroupStatus(argument: _flotilla_v1_GroupStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_GroupStatusResponse__Output>): grpc.ClientUnaryCall;
  GroupStatus(argument: _flotilla_v1_GroupStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_GroupStatusResponse__Output>): grpc.ClientUnaryCall;
  GroupStatus(argument: _flotilla_v1_GroupStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_GroupStatusResponse__Output>): grpc.ClientUnaryCall;
  GroupStatus(argument: _flotilla_v1_GroupStatusRequest, callback: grpc.requestCallback<_flotilla_v1_GroupStatusResponse__Output>): grpc.ClientUnaryCall;
  groupStatus(argument: _flotilla_v1_GroupStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_GroupStatusResponse__Output>): grpc.ClientUnaryCall;
  groupStatus(argument: _flotilla_v1_GroupStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_GroupStatusResponse__Output>): grpc.ClientUnaryCall;
  groupStatus(argument: _flotilla_v1_GroupStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_GroupStatusResponse__Output>): grpc.ClientUnaryCall;
  groupStatus(argument: _flotilla_v1_GroupStatusRequest, callback: grpc.requestCallback<_flotilla_v1_GroupStatusResponse__Output>): grpc.ClientUnaryCall;
  
  MemberStatus(argument: _flotilla_v1_MemberStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_MemberStatusResponse__Output>): grpc.ClientUnaryCall;
  MemberStatus(argument: _flotilla_v1_MemberStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_MemberStatusResponse__Output>): grpc.ClientUnaryCall;
  MemberStatus(argument: _flotilla_v1_MemberStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_MemberStatusResponse__Output>): grpc.ClientUnaryCall;
  MemberStatus(argument: _flotilla_v1_MemberStatusRequest, callback: grpc.requestCallback<_flotilla_v1_MemberStatusResponse__Output>): grpc.ClientUnaryCall;
  memberStatus(argument: _flotilla_v1_MemberStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_MemberStatusResponse__Output>): grpc.ClientUnaryCall;
  memberStatus(argument: _flotilla_v1_MemberStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_MemberStatusResponse__Output>): grpc.ClientUnaryCall;
  memberStatus(argument: _flotilla_v1_MemberStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_MemberStatusResponse__Output>): grpc.ClientUnaryCall;
  memberStatus(argument: _flotilla_v1_MemberStatusRequest, callback: grpc.requestCallback<_flotilla_v1_MemberStatusResponse__Output>): grpc.ClientUnaryCall;
  
  MetadataReadIndex(argument: _flotilla_v1_MetadataReadIndexRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_MetadataReadIndexResponse__Output>): grpc.ClientUnaryCall;
  MetadataReadIndex(argument: _flotilla_v1_MetadataReadIndexRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_MetadataReadIndexResponse__Output>): grpc.ClientUnaryCall;
  MetadataReadIndex(argument: _flotilla_v1_MetadataReadIndexRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_MetadataReadIndexResponse__Output>): grpc.ClientUnaryCall;
  MetadataReadIndex(argument: _flotilla_v1_MetadataReadIndexRequest, callback: grpc.requestCallback<_flotilla_v1_MetadataReadIndexResponse__Output>): grpc.ClientUnaryCall;
  metadataReadIndex(argument: _flotilla_v1_MetadataReadIndexRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_MetadataReadIndexResponse__Output>): grpc.ClientUnaryCall;
  metadataReadIndex(argument: _flotilla_v1_MetadataReadIndexRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_MetadataReadIndexResponse__Output>): grpc.ClientUnaryCall;
  metadataReadIndex(argument: _flotilla_v1_MetadataReadIndexRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_MetadataReadIndexResponse__Output>): grpc.ClientUnaryCall;
  metadataReadIndex(argument: _flotilla_v1_MetadataReadIndexRequest, callback: grpc.requestCallback<_flotilla_v1_MetadataReadIndexResponse__Output>): grpc.ClientUnaryCall;
  
  ProposeMetadata(argument: _flotilla_v1_MetadataProposal, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_MetadataProposalResult__Output>): grpc.ClientUnaryCall;
  ProposeMetadata(argument: _flotilla_v1_MetadataProposal, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_MetadataProposalResult__Output>): grpc.ClientUnaryCall;
  ProposeMetadata(argument: _flotilla_v1_MetadataProposal, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_MetadataProposalResult__Output>): grpc.ClientUnaryCall;
  ProposeMetadata(argument: _flotilla_v1_MetadataProposal, callback: grpc.requestCallback<_flotilla_v1_MetadataProposalResult__Output>): grpc.ClientUnaryCall;
  proposeMetadata(argument: _flotilla_v1_MetadataProposal, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_MetadataProposalResult__Output>): grpc.ClientUnaryCall;
  proposeMetadata(argument: _flotilla_v1_MetadataProposal, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_MetadataProposalResult__Output>): grpc.ClientUnaryCall;
  proposeMetadata(argument: _flotilla_v1_MetadataProposal, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_MetadataProposalResult__Output>): grpc.ClientUnaryCall;
  proposeMetadata(argument: _flotilla_v1_MetadataProposal, callback: grpc.requestCallback<_flotilla_v1_MetadataProposalResult__Output>): grpc.ClientUnaryCall;
  
  Raft(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_flotilla_v1_RaftBatch, _google_protobuf_Empty__Output>;
  Raft(options?: grpc.CallOptions): grpc.ClientDuplexStream<_flotilla_v1_RaftBatch, _google_protobuf_Empty__Output>;
  raft(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_flotilla_v1_RaftBatch, _google_protobuf_Empty__Output>;
  raft(options?: grpc.CallOptions): grpc.ClientDuplexStream<_flotilla_v1_RaftBatch, _google_protobuf_Empty__Output>;
  
  SendSnapshot(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_flotilla_v1_SnapshotChunk>;
  SendSnapshot(metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_flotilla_v1_SnapshotChunk>;
  SendSnapshot(options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_flotilla_v1_SnapshotChunk>;
  SendSnapshot(callback: grpc.requestCallback<_flotilla_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_flotilla_v1_SnapshotChunk>;
  sendSnapshot(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_flotilla_v1_SnapshotChunk>;
  sendSnapshot(metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_flotilla_v1_SnapshotChunk>;
  sendSnapshot(options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_flotilla_v1_SnapshotChunk>;
  sendSnapshot(callback: grpc.requestCallback<_flotilla_v1_SnapshotAck__Output>): grpc.ClientWritableStream<_flotilla_v1_SnapshotChunk>;
  
}

export interface PeerHandlers extends grpc.UntypedServiceImplementation {
  GroupStatus: grpc.handleUnaryCall<_flotilla_v1_GroupStatusRequest__Output, _flotilla_v1_GroupStatusResponse>;
  
  MemberStatus: grpc.handleUnaryCall<_flotilla_v1_MemberStatusRequest__Output, _flotilla_v1_MemberStatusResponse>;
  
  MetadataReadIndex: grpc.handleUnaryCall<_flotilla_v1_MetadataReadIndexRequest__Output, _flotilla_v1_MetadataReadIndexResponse>;
  
  ProposeMetadata: grpc.handleUnaryCall<_flotilla_v1_MetadataProposal__Output, _flotilla_v1_MetadataProposalResult>;
  
  Raft: grpc.handleBidiStreamingCall<_flotilla_v1_RaftBatch__Output, _google_protobuf_Empty>;
  
  SendSnapshot: grpc.handleClientStreamingCall<_flotilla_v1_SnapshotChunk__Output, _flotilla_v1_SnapshotAck>;
  
}

export interface PeerDefinition extends grpc.ServiceDefinition {
  GroupStatus: MethodDefinition<_flotilla_v1_GroupStatusRequest, _flotilla_v1_GroupStatusResponse, _flotilla_v1_GroupStatusRequest__Output, _flotilla_v1_GroupStatusResponse__Output>
  MemberStatus: MethodDefinition<_flotilla_v1_MemberStatusRequest, _flotilla_v1_MemberStatusResponse, _flotilla_v1_MemberStatusRequest__Output, _flotilla_v1_MemberStatusResponse__Output>
  MetadataReadIndex: MethodDefinition<_flotilla_v1_MetadataReadIndexRequest, _flotilla_v1_MetadataReadIndexResponse, _flotilla_v1_MetadataReadIndexRequest__Output, _flotilla_v1_MetadataReadIndexResponse__Output>
  ProposeMetadata: MethodDefinition<_flotilla_v1_MetadataProposal, _flotilla_v1_MetadataProposalResult, _flotilla_v1_MetadataProposal__Output, _flotilla_v1_MetadataProposalResult__Output>
  Raft: MethodDefinition<_flotilla_v1_RaftBatch, _google_protobuf_Empty, _flotilla_v1_RaftBatch__Output, _google_protobuf_Empty__Output>
  SendSnapshot: MethodDefinition<_flotilla_v1_SnapshotChunk, _flotilla_v1_SnapshotAck, _flotilla_v1_SnapshotChunk__Output, _flotilla_v1_SnapshotAck__Output>
}
