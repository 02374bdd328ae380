import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CompactionProgress as _flotilla_v1_CompactionProgress, CompactionProgress__Output as _flotilla_v1_CompactionProgress__Output } from './flotilla/v1/CompactionProgress';
import type { GroupReplica as _flotilla_v1_GroupReplica, GroupReplica__Output as _flotilla_v1_GroupReplica__Output } from './flotilla/v1/GroupReplica';
import type { GroupState as _flotilla_v1_GroupState, GroupState__Output as _flotilla_v1_GroupState__Output } from './flotilla/v1/GroupState';
import type { GroupStatusRequest as _flotilla_v1_GroupStatusRequest, GroupStatusRequest__Output as _flotilla_v1_GroupStatusRequest__Output } from './flotilla/v1/GroupStatusRequest';
import type { GroupStatusResponse as _flotilla_v1_GroupStatusResponse, GroupStatusResponse__Output as _flotilla_v1_GroupStatusResponse__Output } from './flotilla/v1/GroupStatusResponse';
import type { MemberPeer as _flotilla_v1_MemberPeer, MemberPeer__Output as _flotilla_v1_MemberPeer__Output } from './flotilla/v1/MemberPeer';
import type { MemberStatusRequest as _flotilla_v1_MemberStatusRequest, MemberStatusRequest__Output as _flotilla_v1_MemberStatusRequest__Output } from './flotilla/v1/MemberStatusRequest';
import type { MemberStatusResponse as _flotilla_v1_MemberStatusResponse, MemberStatusResponse__Output as _flotilla_v1_MemberStatusResponse__Output } from './flotilla/v1/MemberStatusResponse';
import type { MetadataProposal as _flotilla_v1_MetadataProposal, MetadataProposal__Output as _flotilla_v1_MetadataProposal__Output } from './flotilla/v1/MetadataProposal';
import type { MetadataProposalResult as _flotilla_v1_MetadataProposalResult, MetadataProposalResult__Output as _flotilla_v1_MetadataProposalResult__Output } from './flotilla/v1/MetadataProposalResult';
import type { MetadataReadIndexRequest as _flotilla_v1_MetadataReadIndexRequest, MetadataReadIndexRequest__Output as _flotilla_v1_MetadataReadIndexRequest__Output } from './flotilla/v1/MetadataReadIndexRequest';
import type { MetadataReadIndexResponse as _flotilla_v1_MetadataReadIndexResponse, MetadataReadIndexResponse__Output as _flotilla_v1_MetadataReadIndexResponse__Output } from './flotilla/v1/MetadataReadIndexResponse';
import type { PeerClient as _flotilla_v1_PeerClient, PeerDefinition as _flotilla_v1_PeerDefinition } from './flotilla/v1/Peer';
import type { RaftBatch as _flotilla_v1_RaftBatch, RaftBatch__Output as _flotilla_v1_RaftBatch__Output } from './flotilla/v1/RaftBatch';
import type { SnapshotAck as _flotilla_v1_SnapshotAck, SnapshotAck__Output as _flotilla_v1_SnapshotAck__Output } from './flotilla/v1/SnapshotAck';
import type { SnapshotChunk as _flotilla_v1_SnapshotChunk, SnapshotChunk__Output as _flotilla_v1_SnapshotChunk__Output } from './flotilla/v1/SnapshotChunk';
import type { Empty as _google_protobuf_Empty, Empty__Output as _google_protobuf_Empty__Output } from './google/protobuf/Empty';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  flotilla: {
    v1: {
      CompactionProgress: MessageTypeDefinition<_flotilla_v1_CompactionProgress, _flotilla_v1_CompactionProgress__Output>
      GroupReplica: MessageTypeDefinition<_flotilla_v1_GroupReplica, _flotilla_v1_GroupReplica__Output>
      GroupState: MessageTypeDefinition<_flotilla_v1_GroupState, _flotilla_v1_GroupState__Output>
      GroupStatusRequest: MessageTypeDefinition<_flotilla_v1_GroupStatusRequest, _flotilla_v1_GroupStatusRequest__Output>
      GroupStatusResponse: MessageTypeDefinition<_flotilla_v1_GroupStatusResponse, _flotilla_v1_GroupStatusResponse__Output>
      MemberPeer: MessageTypeDefinition<_flotilla_v1_MemberPeer, _flotilla_v1_MemberPeer__Output>
      MemberStatusRequest: MessageTypeDefinition<_flotilla_v1_MemberStatusRequest, _flotilla_v1_MemberStatusRequest__Output>
      MemberStatusResponse: MessageTypeDefinition<_flotilla_v1_MemberStatusResponse, _flotilla_v1_MemberStatusResponse__Output>
      MetadataProposal: MessageTypeDefinition<_flotilla_v1_MetadataProposal, _flotilla_v1_MetadataProposal__Output>
      MetadataProposalResult: MessageTypeDefinition<_flotilla_v1_MetadataProposalResult, _flotilla_v1_MetadataProposalResult__Output>
      MetadataReadIndexRequest: MessageTypeDefinition<_flotilla_v1_MetadataReadIndexRequest, _flotilla_v1_MetadataReadIndexRequest__Output>
      MetadataReadIndexResponse: MessageTypeDefinition<_flotilla_v1_MetadataReadIndexResponse, _flotilla_v1_MetadataReadIndexResponse__Output>
      Peer: SubtypeConstructor<typeof grpc.Client, _flotilla_v1_PeerClient> & { service: _flotilla_v1_PeerDefinition }
      RaftBatch: MessageTypeDefinition<_flotilla_v1_RaftBatch, _flotilla_v1_RaftBatch__Output>
      SnapshotAck: MessageTypeDefinition<_flotilla_v1_SnapshotAck, _flotilla_v1_SnapshotAck__Output>
      SnapshotChunk: MessageTypeDefinition<_flotilla_v1_SnapshotChunk, _flotilla_v1_SnapshotChunk__Output>
    }
  }
  google: {
    protobuf: {
      Empty: MessageTypeDefinition<_google_protobuf_Empty, _google_protobuf_Empty__Output>
    }
  }
}

