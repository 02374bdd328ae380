import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ClusterDescription as _flotilla_v1_ClusterDescription, ClusterDescription__Output as _flotilla_v1_ClusterDescription__Output } from './flotilla/v1/ClusterDescription';
import type { CommitOffsetsRequest as _flotilla_v1_CommitOffsetsRequest, CommitOffsetsRequest__Output as _flotilla_v1_CommitOffsetsRequest__Output } from './flotilla/v1/CommitOffsetsRequest';
import type { CommitOffsetsResponse as _flotilla_v1_CommitOffsetsResponse, CommitOffsetsResponse__Output as _flotilla_v1_CommitOffsetsResponse__Output } from './flotilla/v1/CommitOffsetsResponse';
import type { CommittedOffset as _flotilla_v1_CommittedOffset, CommittedOffset__Output as _flotilla_v1_CommittedOffset__Output } from './flotilla/v1/CommittedOffset';
import type { CompactionProgress as _flotilla_v1_CompactionProgress, CompactionProgress__Output as _flotilla_v1_CompactionProgress__Output } from './flotilla/v1/CompactionProgress';
import type { CreatePartitionsRequest as _flotilla_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _flotilla_v1_CreatePartitionsRequest__Output } from './flotilla/v1/CreatePartitionsRequest';
import type { CreateTopicRequest as _flotilla_v1_CreateTopicRequest, CreateTopicRequest__Output as _flotilla_v1_CreateTopicRequest__Output } from './flotilla/v1/CreateTopicRequest';
import type { DeleteGroupRequest as _flotilla_v1_DeleteGroupRequest, DeleteGroupRequest__Output as _flotilla_v1_DeleteGroupRequest__Output } from './flotilla/v1/DeleteGroupRequest';
import type { DeleteGroupResponse as _flotilla_v1_DeleteGroupResponse, DeleteGroupResponse__Output as _flotilla_v1_DeleteGroupResponse__Output } from './flotilla/v1/DeleteGroupResponse';
import type { DeleteTopicRequest as _flotilla_v1_DeleteTopicRequest, DeleteTopicRequest__Output as _flotilla_v1_DeleteTopicRequest__Output } from './flotilla/v1/DeleteTopicRequest';
import type { DeleteTopicResponse as _flotilla_v1_DeleteTopicResponse, DeleteTopicResponse__Output as _flotilla_v1_DeleteTopicResponse__Output } from './flotilla/v1/DeleteTopicResponse';
import type { DescribeClusterRequest as _flotilla_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _flotilla_v1_DescribeClusterRequest__Output } from './flotilla/v1/DescribeClusterRequest';
import type { DescribeGroupRequest as _flotilla_v1_DescribeGroupRequest, DescribeGroupRequest__Output as _flotilla_v1_DescribeGroupRequest__Output } from './flotilla/v1/DescribeGroupRequest';
import type { DescribeTopicRequest as _flotilla_v1_DescribeTopicRequest, DescribeTopicRequest__Output as _flotilla_v1_DescribeTopicRequest__Output } from './flotilla/v1/DescribeTopicRequest';
import type { DrainNodeRequest as _flotilla_v1_DrainNodeRequest, DrainNodeRequest__Output as _flotilla_v1_DrainNodeRequest__Output } from './flotilla/v1/DrainNodeRequest';
import type { DrainNodeResponse as _flotilla_v1_DrainNodeResponse, DrainNodeResponse__Output as _flotilla_v1_DrainNodeResponse__Output } from './flotilla/v1/DrainNodeResponse';
import type { ErrorStatus as _flotilla_v1_ErrorStatus, ErrorStatus__Output as _flotilla_v1_ErrorStatus__Output } from './flotilla/v1/ErrorStatus';
import type { FencedReplica as _flotilla_v1_FencedReplica, FencedReplica__Output as _flotilla_v1_FencedReplica__Output } from './flotilla/v1/FencedReplica';
import type { FetchOffsetsRequest as _flotilla_v1_FetchOffsetsRequest, FetchOffsetsRequest__Output as _flotilla_v1_FetchOffsetsRequest__Output } from './flotilla/v1/FetchOffsetsRequest';
import type { FetchOffsetsResponse as _flotilla_v1_FetchOffsetsResponse, FetchOffsetsResponse__Output as _flotilla_v1_FetchOffsetsResponse__Output } from './flotilla/v1/FetchOffsetsResponse';
import type { FetchRequest as _flotilla_v1_FetchRequest, FetchRequest__Output as _flotilla_v1_FetchRequest__Output } from './flotilla/v1/FetchRequest';
import type { FetchResponse as _flotilla_v1_FetchResponse, FetchResponse__Output as _flotilla_v1_FetchResponse__Output } from './flotilla/v1/FetchResponse';
import type { FindCoordinatorRequest as _flotilla_v1_FindCoordinatorRequest, FindCoordinatorRequest__Output as _flotilla_v1_FindCoordinatorRequest__Output } from './flotilla/v1/FindCoordinatorRequest';
import type { FindCoordinatorResponse as _flotilla_v1_FindCoordinatorResponse, FindCoordinatorResponse__Output as _flotilla_v1_FindCoordinatorResponse__Output } from './flotilla/v1/FindCoordinatorResponse';
import type { FlotillaClient as _flotilla_v1_FlotillaClient, FlotillaDefinition as _flotilla_v1_FlotillaDefinition } from './flotilla/v1/Flotilla';
import type { GroupDescription as _flotilla_v1_GroupDescription, GroupDescription__Output as _flotilla_v1_GroupDescription__Output } from './flotilla/v1/GroupDescription';
import type { GroupMember as _flotilla_v1_GroupMember, GroupMember__Output as _flotilla_v1_GroupMember__Output } from './flotilla/v1/GroupMember';
import type { GroupSummary as _flotilla_v1_GroupSummary, GroupSummary__Output as _flotilla_v1_GroupSummary__Output } from './flotilla/v1/GroupSummary';
import type { HeartbeatRequest as _flotilla_v1_HeartbeatRequest, HeartbeatRequest__Output as _flotilla_v1_HeartbeatRequest__Output } from './flotilla/v1/HeartbeatRequest';
import type { HeartbeatResponse as _flotilla_v1_HeartbeatResponse, HeartbeatResponse__Output as _flotilla_v1_HeartbeatResponse__Output } from './flotilla/v1/HeartbeatResponse';
import type { InitProducerRequest as _flotilla_v1_InitProducerRequest, InitProducerRequest__Output as _flotilla_v1_InitProducerRequest__Output } from './flotilla/v1/InitProducerRequest';
import type { InitProducerResponse as _flotilla_v1_InitProducerResponse, InitProducerResponse__Output as _flotilla_v1_InitProducerResponse__Output } from './flotilla/v1/InitProducerResponse';
import type { JoinGroupRequest as _flotilla_v1_JoinGroupRequest, JoinGroupRequest__Output as _flotilla_v1_JoinGroupRequest__Output } from './flotilla/v1/JoinGroupRequest';
import type { JoinGroupResponse as _flotilla_v1_JoinGroupResponse, JoinGroupResponse__Output as _flotilla_v1_JoinGroupResponse__Output } from './flotilla/v1/JoinGroupResponse';
import type { LeaveGroupRequest as _flotilla_v1_LeaveGroupRequest, LeaveGroupRequest__Output as _flotilla_v1_LeaveGroupRequest__Output } from './flotilla/v1/LeaveGroupRequest';
import type { LeaveGroupResponse as _flotilla_v1_LeaveGroupResponse, LeaveGroupResponse__Output as _flotilla_v1_LeaveGroupResponse__Output } from './flotilla/v1/LeaveGroupResponse';
import type { ListGroupsRequest as _flotilla_v1_ListGroupsRequest, ListGroupsRequest__Output as _flotilla_v1_ListGroupsRequest__Output } from './flotilla/v1/ListGroupsRequest';
import type { ListGroupsResponse as _flotilla_v1_ListGroupsResponse, ListGroupsResponse__Output as _flotilla_v1_ListGroupsResponse__Output } from './flotilla/v1/ListGroupsResponse';
import type { ListOffsetsRequest as _flotilla_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _flotilla_v1_ListOffsetsRequest__Output } from './flotilla/v1/ListOffsetsRequest';
import type { ListOffsetsResponse as _flotilla_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _flotilla_v1_ListOffsetsResponse__Output } from './flotilla/v1/ListOffsetsResponse';
import type { ListTopicsRequest as _flotilla_v1_ListTopicsRequest, ListTopicsRequest__Output as _flotilla_v1_ListTopicsRequest__Output } from './flotilla/v1/ListTopicsRequest';
import type { ListTopicsResponse as _flotilla_v1_ListTopicsResponse, ListTopicsResponse__Output as _flotilla_v1_ListTopicsResponse__Output } from './flotilla/v1/ListTopicsResponse';
import type { NodeDescription as _flotilla_v1_NodeDescription, NodeDescription__Output as _flotilla_v1_NodeDescription__Output } from './flotilla/v1/NodeDescription';
import type { OffsetCommit as _flotilla_v1_OffsetCommit, OffsetCommit__Output as _flotilla_v1_OffsetCommit__Output } from './flotilla/v1/OffsetCommit';
import type { PartitionDescription as _flotilla_v1_PartitionDescription, PartitionDescription__Output as _flotilla_v1_PartitionDescription__Output } from './flotilla/v1/PartitionDescription';
import type { PartitionMove as _flotilla_v1_PartitionMove, PartitionMove__Output as _flotilla_v1_PartitionMove__Output } from './flotilla/v1/PartitionMove';
import type { ProduceRequest as _flotilla_v1_ProduceRequest, ProduceRequest__Output as _flotilla_v1_ProduceRequest__Output } from './flotilla/v1/ProduceRequest';
import type { ProduceResponse as _flotilla_v1_ProduceResponse, ProduceResponse__Output as _flotilla_v1_ProduceResponse__Output } from './flotilla/v1/ProduceResponse';
import type { ProduceStreamRequest as _flotilla_v1_ProduceStreamRequest, ProduceStreamRequest__Output as _flotilla_v1_ProduceStreamRequest__Output } from './flotilla/v1/ProduceStreamRequest';
import type { ProduceStreamResponse as _flotilla_v1_ProduceStreamResponse, ProduceStreamResponse__Output as _flotilla_v1_ProduceStreamResponse__Output } from './flotilla/v1/ProduceStreamResponse';
import type { ReassignPartitionRequest as _flotilla_v1_ReassignPartitionRequest, ReassignPartitionRequest__Output as _flotilla_v1_ReassignPartitionRequest__Output } from './flotilla/v1/ReassignPartitionRequest';
import type { RemoveNodeRequest as _flotilla_v1_RemoveNodeRequest, RemoveNodeRequest__Output as _flotilla_v1_RemoveNodeRequest__Output } from './flotilla/v1/RemoveNodeRequest';
import type { RemoveNodeResponse as _flotilla_v1_RemoveNodeResponse, RemoveNodeResponse__Output as _flotilla_v1_RemoveNodeResponse__Output } from './flotilla/v1/RemoveNodeResponse';
import type { ReplicaStatus as _flotilla_v1_ReplicaStatus, ReplicaStatus__Output as _flotilla_v1_ReplicaStatus__Output } from './flotilla/v1/ReplicaStatus';
import type { SubscribeRequest as _flotilla_v1_SubscribeRequest, SubscribeRequest__Output as _flotilla_v1_SubscribeRequest__Output } from './flotilla/v1/SubscribeRequest';
import type { SyncGroupRequest as _flotilla_v1_SyncGroupRequest, SyncGroupRequest__Output as _flotilla_v1_SyncGroupRequest__Output } from './flotilla/v1/SyncGroupRequest';
import type { SyncGroupResponse as _flotilla_v1_SyncGroupResponse, SyncGroupResponse__Output as _flotilla_v1_SyncGroupResponse__Output } from './flotilla/v1/SyncGroupResponse';
import type { TopicDescription as _flotilla_v1_TopicDescription, TopicDescription__Output as _flotilla_v1_TopicDescription__Output } from './flotilla/v1/TopicDescription';
import type { TopicPartitions as _flotilla_v1_TopicPartitions, TopicPartitions__Output as _flotilla_v1_TopicPartitions__Output } from './flotilla/v1/TopicPartitions';
import type { TopicSummary as _flotilla_v1_TopicSummary, TopicSummary__Output as _flotilla_v1_TopicSummary__Output } from './flotilla/v1/TopicSummary';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  flotilla: {
    v1: {
      Acks: EnumTypeDefinition
      ClusterDescription: MessageTypeDefinition<_flotilla_v1_ClusterDescription, _flotilla_v1_ClusterDescription__Output>
      CommitOffsetsRequest: MessageTypeDefinition<_flotilla_v1_CommitOffsetsRequest, _flotilla_v1_CommitOffsetsRequest__Output>
      CommitOffsetsResponse: MessageTypeDefinition<_flotilla_v1_CommitOffsetsResponse, _flotilla_v1_CommitOffsetsResponse__Output>
      CommittedOffset: MessageTypeDefinition<_flotilla_v1_CommittedOffset, _flotilla_v1_CommittedOffset__Output>
      CompactionProgress: MessageTypeDefinition<_flotilla_v1_CompactionProgress, _flotilla_v1_CompactionProgress__Output>
      CreatePartitionsRequest: MessageTypeDefinition<_flotilla_v1_CreatePartitionsRequest, _flotilla_v1_CreatePartitionsRequest__Output>
      CreateTopicRequest: MessageTypeDefinition<_flotilla_v1_CreateTopicRequest, _flotilla_v1_CreateTopicRequest__Output>
      DeleteGroupRequest: MessageTypeDefinition<_flotilla_v1_DeleteGroupRequest, _flotilla_v1_DeleteGroupRequest__Output>
      DeleteGroupResponse: MessageTypeDefinition<_flotilla_v1_DeleteGroupResponse, _flotilla_v1_DeleteGroupResponse__Output>
      DeleteTopicRequest: MessageTypeDefinition<_flotilla_v1_DeleteTopicRequest, _flotilla_v1_DeleteTopicRequest__Output>
      DeleteTopicResponse: MessageTypeDefinition<_flotilla_v1_DeleteTopicResponse, _flotilla_v1_DeleteTopicResponse__Output>
      DescribeClusterRequest: MessageTypeDefinition<_flotilla_v1_DescribeClusterRequest, _flotilla_v1_DescribeClusterRequest__Output>
      DescribeGroupRequest: MessageTypeDefinition<_flotilla_v1_DescribeGroupRequest, _flotilla_v1_DescribeGroupRequest__Output>
      DescribeTopicRequest: MessageTypeDefinition<_flotilla_v1_DescribeTopicRequest, _flotilla_v1_DescribeTopicRequest__Output>
      DrainNodeRequest: MessageTypeDefinition<_flotilla_v1_DrainNodeRequest, _flotilla_v1_DrainNodeRequest__Output>
      DrainNodeResponse: MessageTypeDefinition<_flotilla_v1_DrainNodeResponse, _flotilla_v1_DrainNodeResponse__Output>
      ErrorStatus: MessageTypeDefinition<_flotilla_v1_ErrorStatus, _flotilla_v1_ErrorStatus__Output>
      FencedReplica: MessageTypeDefinition<_flotilla_v1_FencedReplica, _flotilla_v1_FencedReplica__Output>
      FetchOffsetsRequest: MessageTypeDefinition<_flotilla_v1_FetchOffsetsRequest, _flotilla_v1_FetchOffsetsRequest__Output>
      FetchOffsetsResponse: MessageTypeDefinition<_flotilla_v1_FetchOffsetsResponse, _flotilla_v1_FetchOffsetsResponse__Output>
      FetchRequest: MessageTypeDefinition<_flotilla_v1_FetchRequest, _flotilla_v1_FetchRequest__Output>
      FetchResponse: MessageTypeDefinition<_flotilla_v1_FetchResponse, _flotilla_v1_FetchResponse__Output>
      FindCoordinatorRequest: MessageTypeDefinition<_flotilla_v1_FindCoordinatorRequest, _flotilla_v1_FindCoordinatorRequest__Output>
      FindCoordinatorResponse: MessageTypeDefinition<_flotilla_v1_FindCoordinatorResponse, _flotilla_v1_FindCoordinatorResponse__Output>
      Flotilla: SubtypeConstructor<typeof grpc.Client, _flotilla_v1_FlotillaClient> & { service: _flotilla_v1_FlotillaDefinition }
      GroupDescription: MessageTypeDefinition<_flotilla_v1_GroupDescription, _flotilla_v1_GroupDescription__Output>
      GroupMember: MessageTypeDefinition<_flotilla_v1_GroupMember, _flotilla_v1_GroupMember__Output>
      GroupSummary: MessageTypeDefinition<_flotilla_v1_GroupSummary, _flotilla_v1_GroupSummary__Output>
      HeartbeatRequest: MessageTypeDefinition<_flotilla_v1_HeartbeatRequest, _flotilla_v1_HeartbeatRequest__Output>
      HeartbeatResponse: MessageTypeDefinition<_flotilla_v1_HeartbeatResponse, _flotilla_v1_HeartbeatResponse__Output>
      InitProducerRequest: MessageTypeDefinition<_flotilla_v1_InitProducerRequest, _flotilla_v1_InitProducerRequest__Output>
      InitProducerResponse: MessageTypeDefinition<_flotilla_v1_InitProducerResponse, _flotilla_v1_InitProducerResponse__Output>
      JoinGroupRequest: MessageTypeDefinition<_flotilla_v1_JoinGroupRequest, _flotilla_v1_JoinGroupRequest__Output>
      JoinGroupResponse: MessageTypeDefinition<_flotilla_v1_JoinGroupResponse, _flotilla_v1_JoinGroupResponse__Output>
      LeaveGroupRequest: MessageTypeDefinition<_flotilla_v1_LeaveGroupRequest, _flotilla_v1_LeaveGroupRequest__Output>
      LeaveGroupResponse: MessageTypeDefinition<_flotilla_v1_LeaveGroupResponse, _flotilla_v1_LeaveGroupResponse__Output>
      ListGroupsRequest: MessageTypeDefinition<_flotilla_v1_ListGroupsRequest, _flotilla_v1_ListGroupsRequest__Output>
      ListGroupsResponse: MessageTypeDefinition<_flotilla_v1_ListGroupsResponse, _flotilla_v1_ListGroupsResponse__Output>
      ListOffsetsRequest: MessageTypeDefinition<_flotilla_v1_ListOffsetsRequest, _flotilla_v1_ListOffsetsRequest__Output>
      ListOffsetsResponse: MessageTypeDefinition<_flotilla_v1_ListOffsetsResponse, _flotilla_v1_ListOffsetsResponse__Output>
      ListTopicsRequest: MessageTypeDefinition<_flotilla_v1_ListTopicsRequest, _flotilla_v1_ListTopicsRequest__Output>
      ListTopicsResponse: MessageTypeDefinition<_flotilla_v1_ListTopicsResponse, _flotilla_v1_ListTopicsResponse__Output>
      NodeDescription: MessageTypeDefinition<_flotilla_v1_NodeDescription, _flotilla_v1_NodeDescription__Output>
      OffsetCommit: MessageTypeDefinition<_flotilla_v1_OffsetCommit, _flotilla_v1_OffsetCommit__Output>
      OffsetSpec: EnumTypeDefinition
      PartitionDescription: MessageTypeDefinition<_flotilla_v1_PartitionDescription, _flotilla_v1_PartitionDescription__Output>
      PartitionMove: MessageTypeDefinition<_flotilla_v1_PartitionMove, _flotilla_v1_PartitionMove__Output>
      ProduceRequest: MessageTypeDefinition<_flotilla_v1_ProduceRequest, _flotilla_v1_ProduceRequest__Output>
      ProduceResponse: MessageTypeDefinition<_flotilla_v1_ProduceResponse, _flotilla_v1_ProduceResponse__Output>
      ProduceStreamRequest: MessageTypeDefinition<_flotilla_v1_ProduceStreamRequest, _flotilla_v1_ProduceStreamRequest__Output>
      ProduceStreamResponse: MessageTypeDefinition<_flotilla_v1_ProduceStreamResponse, _flotilla_v1_ProduceStreamResponse__Output>
      ReassignPartitionRequest: MessageTypeDefinition<_flotilla_v1_ReassignPartitionRequest, _flotilla_v1_ReassignPartitionRequest__Output>
      RemoveNodeRequest: MessageTypeDefinition<_flotilla_v1_RemoveNodeRequest, _flotilla_v1_RemoveNodeRequest__Output>
      RemoveNodeResponse: MessageTypeDefinition<_flotilla_v1_RemoveNodeResponse, _flotilla_v1_RemoveNodeResponse__Output>
      ReplicaState: EnumTypeDefinition
      ReplicaStatus: MessageTypeDefinition<_flotilla_v1_ReplicaStatus, _flotilla_v1_ReplicaStatus__Output>
      SubscribeRequest: MessageTypeDefinition<_flotilla_v1_SubscribeRequest, _flotilla_v1_SubscribeRequest__Output>
      SyncGroupRequest: MessageTypeDefinition<_flotilla_v1_SyncGroupRequest, _flotilla_v1_SyncGroupRequest__Output>
      SyncGroupResponse: MessageTypeDefinition<_flotilla_v1_SyncGroupResponse, _flotilla_v1_SyncGroupResponse__Output>
      TopicDescription: MessageTypeDefinition<_flotilla_v1_TopicDescription, _flotilla_v1_TopicDescription__Output>
      TopicPartitions: MessageTypeDefinition<_flotilla_v1_TopicPartitions, _flotilla_v1_TopicPartitions__Output>
      TopicSummary: MessageTypeDefinition<_flotilla_v1_TopicSummary, _flotilla_v1_TopicSummary__Output>
    }
  }
}

