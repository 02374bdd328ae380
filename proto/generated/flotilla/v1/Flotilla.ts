// Original file: proto/flotilla.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ClusterDescription as _flotilla_v1_ClusterDescription, ClusterDescription__Output as _flotilla_v1_ClusterDescription__Output } from '../../flotilla/v1/ClusterDescription';
import type { CommitOffsetsRequest as _flotilla_v1_CommitOffsetsRequest, CommitOffsetsRequest__Output as _flotilla_v1_CommitOffsetsRequest__Output } from '../../flotilla/v1/CommitOffsetsRequest';
import type { CommitOffsetsResponse as _flotilla_v1_CommitOffsetsResponse, CommitOffsetsResponse__Output as _flotilla_v1_CommitOffsetsResponse__Output } from '../../flotilla/v1/CommitOffsetsResponse';
import type { CreatePartitionsRequest as _flotilla_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _flotilla_v1_CreatePartitionsRequest__Output } from '../../flotilla/v1/CreatePartitionsRequest';
import type { CreateTopicRequest as _flotilla_v1_CreateTopicRequest, CreateTopicRequest__Output as _flotilla_v1_CreateTopicRequest__Output } from '../../flotilla/v1/CreateTopicRequest';
import type { DeleteGroupRequest as _flotilla_v1_DeleteGroupRequest, DeleteGroupRequest__Output as _flotilla_v1_DeleteGroupRequest__Output } from '../../flotilla/v1/DeleteGroupRequest';
import type { DeleteGroupResponse as _flotilla_v1_DeleteGroupResponse, DeleteGroupResponse__Output as _flotilla_v1_DeleteGroupResponse__Output } from '../../flotilla/v1/DeleteGroupResponse';
import type { DeleteTopicRequest as _flotilla_v1_DeleteTopicRequest, DeleteTopicRequest__Output as _flotilla_v1_DeleteTopicRequest__Output } from '../../flotilla/v1/DeleteTopicRequest';
import type { DeleteTopicResponse as _flotilla_v1_DeleteTopicResponse, DeleteTopicResponse__Output as _flotilla_v1_DeleteTopicResponse__Output } from '../../flotilla/v1/DeleteTopicResponse';
import type { DescribeClusterRequest as _flotilla_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _flotilla_v1_DescribeClusterRequest__Output } from '../../flotilla/v1/DescribeClusterRequest';
import type { DescribeGroupRequest as _flotilla_v1_DescribeGroupRequest, DescribeGroupRequest__Output as _flotilla_v1_DescribeGroupRequest__Output } from '../../flotilla/v1/DescribeGroupRequest';
import type { DescribeTopicRequest as _flotilla_v1_DescribeTopicRequest, DescribeTopicRequest__Output as _flotilla_v1_DescribeTopicRequest__Output } from '../../flotilla/v1/DescribeTopicRequest';
import type { DrainNodeRequest as _flotilla_v1_DrainNodeRequest, DrainNodeRequest__Output as _flotilla_v1_DrainNodeRequest__Output } from '../../flotilla/v1/DrainNodeRequest';
import type { DrainNodeResponse as _flotilla_v1_DrainNodeResponse, DrainNodeResponse__Output as _flotilla_v1_DrainNodeResponse__Output } from '../../flotilla/v1/DrainNodeResponse';
import type { FetchOffsetsRequest as _flotilla_v1_FetchOffsetsRequest, FetchOffsetsRequest__Output as _flotilla_v1_FetchOffsetsRequest__Output } from '../../flotilla/v1/FetchOffsetsRequest';
import type { FetchOffsetsResponse as _flotilla_v1_FetchOffsetsResponse, FetchOffsetsResponse__Output as _flotilla_v1_FetchOffsetsResponse__Output } from '../../flotilla/v1/FetchOffsetsResponse';
import type { FetchRequest as _flotilla_v1_FetchRequest, FetchRequest__Output as _flotilla_v1_FetchRequest__Output } from '../../flotilla/v1/FetchRequest';
import type { FetchResponse as _flotilla_v1_FetchResponse, FetchResponse__Output as _flotilla_v1_FetchResponse__Output } from '../../flotilla/v1/FetchResponse';
import type { FindCoordinatorRequest as _flotilla_v1_FindCoordinatorRequest, FindCoordinatorRequest__Output as _flotilla_v1_FindCoordinatorRequest__Output } from '../../flotilla/v1/FindCoordinatorRequest';
import type { FindCoordinatorResponse as _flotilla_v1_FindCoordinatorResponse, FindCoordinatorResponse__Output as _flotilla_v1_FindCoordinatorResponse__Output } from '../../flotilla/v1/FindCoordinatorResponse';
import type { GroupDescription as _flotilla_v1_GroupDescription, GroupDescription__Output as _flotilla_v1_GroupDescription__Output } from '../../flotilla/v1/GroupDescription';
import type { HeartbeatRequest as _flotilla_v1_HeartbeatRequest, HeartbeatRequest__Output as _flotilla_v1_HeartbeatRequest__Output } from '../../flotilla/v1/HeartbeatRequest';
import type { HeartbeatResponse as _flotilla_v1_HeartbeatResponse, HeartbeatResponse__Output as _flotilla_v1_HeartbeatResponse__Output } from '../../flotilla/v1/HeartbeatResponse';
import type { InitProducerRequest as _flotilla_v1_InitProducerRequest, InitProducerRequest__Output as _flotilla_v1_InitProducerRequest__Output } from '../../flotilla/v1/InitProducerRequest';
import type { InitProducerResponse as _flotilla_v1_InitProducerResponse, InitProducerResponse__Output as _flotilla_v1_InitProducerResponse__Output } from '../../flotilla/v1/InitProducerResponse';
import type { JoinGroupRequest as _flotilla_v1_JoinGroupRequest, JoinGroupRequest__Output as _flotilla_v1_JoinGroupRequest__Output } from '../../flotilla/v1/JoinGroupRequest';
import type { JoinGroupResponse as _flotilla_v1_JoinGroupResponse, JoinGroupResponse__Output as _flotilla_v1_JoinGroupResponse__Output } from '../../flotilla/v1/JoinGroupResponse';
import type { LeaveGroupRequest as _flotilla_v1_LeaveGroupRequest, LeaveGroupRequest__Output as _flotilla_v1_LeaveGroupRequest__Output } from '../../flotilla/v1/LeaveGroupRequest';
import type { LeaveGroupResponse as _flotilla_v1_LeaveGroupResponse, LeaveGroupResponse__Output as _flotilla_v1_LeaveGroupResponse__Output } from '../../flotilla/v1/LeaveGroupResponse';
import type { ListGroupsRequest as _flotilla_v1_ListGroupsRequest, ListGroupsRequest__Output as _flotilla_v1_ListGroupsRequest__Output } from '../../flotilla/v1/ListGroupsRequest';
import type { ListGroupsResponse as _flotilla_v1_ListGroupsResponse, ListGroupsResponse__Output as _flotilla_v1_ListGroupsResponse__Output } from '../../flotilla/v1/ListGroupsResponse';
import type { ListOffsetsRequest as _flotilla_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _flotilla_v1_ListOffsetsRequest__Output } from '../../flotilla/v1/ListOffsetsRequest';
import type { ListOffsetsResponse as _flotilla_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _flotilla_v1_ListOffsetsResponse__Output } from '../../flotilla/v1/ListOffsetsResponse';
import type { ListTopicsRequest as _flotilla_v1_ListTopicsRequest, ListTopicsRequest__Output as _flotilla_v1_ListTopicsRequest__Output } from '../../flotilla/v1/ListTopicsRequest';
import type { ListTopicsResponse as _flotilla_v1_ListTopicsResponse, ListTopicsResponse__Output as _flotilla_v1_ListTopicsResponse__Output } from '../../flotilla/v1/ListTopicsResponse';
import type { ProduceRequest as _flotilla_v1_ProduceRequest, ProduceRequest__Output as _flotilla_v1_ProduceRequest__Output } from '../../flotilla/v1/ProduceRequest';
import type { ProduceResponse as _flotilla_v1_ProduceResponse, ProduceResponse__Output as _flotilla_v1_ProduceResponse__Output } from '../../flotilla/v1/ProduceResponse';
import type { ProduceStreamRequest as _flotilla_v1_ProduceStreamRequest, ProduceStreamRequest__Output as _flotilla_v1_ProduceStreamRequest__Output } from '../../flotilla/v1/ProduceStreamRequest';
import type { ProduceStreamResponse as _flotilla_v1_ProduceStreamResponse, ProduceStreamResponse__Output as _flotilla_v1_ProduceStreamResponse__Output } from '../../flotilla/v1/ProduceStreamResponse';
import type { ReassignPartitionRequest as _flotilla_v1_ReassignPartitionRequest, ReassignPartitionRequest__Output as _flotilla_v1_ReassignPartitionRequest__Output } from '../../flotilla/v1/ReassignPartitionRequest';
import type { RemoveNodeRequest as _flotilla_v1_RemoveNodeRequest, RemoveNodeRequest__Output as _flotilla_v1_RemoveNodeRequest__Output } from '../../flotilla/v1/RemoveNodeRequest';
import type { RemoveNodeResponse as _flotilla_v1_RemoveNodeResponse, RemoveNodeResponse__Output as _flotilla_v1_RemoveNodeResponse__Output } from '../../flotilla/v1/RemoveNodeResponse';
import type { SubscribeRequest as _flotilla_v1_SubscribeRequest, SubscribeRequest__Output as _flotilla_v1_SubscribeRequest__Output } from '../../flotilla/v1/SubscribeRequest';
import type { SyncGroupRequest as _flotilla_v1_SyncGroupRequest, SyncGroupRequest__Output as _flotilla_v1_SyncGroupRequest__Output } from '../../flotilla/v1/SyncGroupRequest';
import type { SyncGroupResponse as _flotilla_v1_SyncGroupResponse, SyncGroupResponse__Output as _flotilla_v1_SyncGroupResponse__Output } from '../../flotilla/v1/SyncGroupResponse';
import type { TopicDescription as _flotilla_v1_TopicDescription, TopicDescription__Output as _flotilla_v1_TopicDescription__Output } from '../../flotilla/v1/TopicDescription';

export interface FlotillaClient extends grpc.Client {
  CommitOffsets(argument: _flotilla_v1_CommitOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitOffsets(argument: _flotilla_v1_CommitOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitOffsets(argument: _flotilla_v1_CommitOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitOffsets(argument: _flotilla_v1_CommitOffsetsRequest, callback: grpc.requestCallback<_flotilla_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _flotilla_v1_CommitOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _flotilla_v1_CommitOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _flotilla_v1_CommitOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _flotilla_v1_CommitOffsetsRequest, callback: grpc.requestCallback<_flotilla_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  CreatePartitions(argument: _flotilla_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _flotilla_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _flotilla_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _flotilla_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _flotilla_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _flotilla_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _flotilla_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _flotilla_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  
  CreateTopic(argument: _flotilla_v1_CreateTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _flotilla_v1_CreateTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _flotilla_v1_CreateTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _flotilla_v1_CreateTopicRequest, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _flotilla_v1_CreateTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _flotilla_v1_CreateTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _flotilla_v1_CreateTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _flotilla_v1_CreateTopicRequest, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  
  DeleteGroup(argument: _flotilla_v1_DeleteGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroup(argument: _flotilla_v1_DeleteGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroup(argument: _flotilla_v1_DeleteGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroup(argument: _flotilla_v1_DeleteGroupRequest, callback: grpc.requestCallback<_flotilla_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  deleteGroup(argument: _flotilla_v1_DeleteGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  deleteGroup(argument: _flotilla_v1_DeleteGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  deleteGroup(argument: _flotilla_v1_DeleteGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  deleteGroup(argument: _flotilla_v1_DeleteGroupRequest, callback: grpc.requestCallback<_flotilla_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteTopic(argument: _flotilla_v1_DeleteTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _flotilla_v1_DeleteTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _flotilla_v1_DeleteTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _flotilla_v1_DeleteTopicRequest, callback: grpc.requestCallback<_flotilla_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _flotilla_v1_DeleteTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _flotilla_v1_DeleteTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _flotilla_v1_DeleteTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _flotilla_v1_DeleteTopicRequest, callback: grpc.requestCallback<_flotilla_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeCluster(argument: _flotilla_v1_DescribeClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ClusterDescription__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _flotilla_v1_DescribeClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_ClusterDescription__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _flotilla_v1_DescribeClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ClusterDescription__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _flotilla_v1_DescribeClusterRequest, callback: grpc.requestCallback<_flotilla_v1_ClusterDescription__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _flotilla_v1_DescribeClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ClusterDescription__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _flotilla_v1_DescribeClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_ClusterDescription__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _flotilla_v1_DescribeClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ClusterDescription__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _flotilla_v1_DescribeClusterRequest, callback: grpc.requestCallback<_flotilla_v1_ClusterDescription__Output>): grpc.ClientUnaryCall;
  
  DescribeGroup(argument: _flotilla_v1_DescribeGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_GroupDescription__Output>): grpc.ClientUnaryCall;
  DescribeGroup(argument: _flotilla_v1_DescribeGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_GroupDescription__Output>): grpc.ClientUnaryCall;
  DescribeGroup(argument: _flotilla_v1_DescribeGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_GroupDescription__Output>): grpc.ClientUnaryCall;
  DescribeGroup(argument: _flotilla_v1_DescribeGroupRequest, callback: grpc.requestCallback<_flotilla_v1_GroupDescription__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _flotilla_v1_DescribeGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_GroupDescription__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _flotilla_v1_DescribeGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_GroupDescription__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _flotilla_v1_DescribeGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_GroupDescription__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _flotilla_v1_DescribeGroupRequest, callback: grpc.requestCallback<_flotilla_v1_GroupDescription__Output>): grpc.ClientUnaryCall;
  
  DescribeTopic(argument: _flotilla_v1_DescribeTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _flotilla_v1_DescribeTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _flotilla_v1_DescribeTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _flotilla_v1_DescribeTopicRequest, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _flotilla_v1_DescribeTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _flotilla_v1_DescribeTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _flotilla_v1_DescribeTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _flotilla_v1_DescribeTopicRequest, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  
  DrainNode(argument: _flotilla_v1_DrainNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_DrainNodeResponse__Output>): grpc.ClientUnaryCall;
  DrainNode(argument: _flotilla_v1_DrainNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_DrainNodeResponse__Output>): grpc.ClientUnaryCall;
  DrainNode(argument: _flotilla_v1_DrainNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_DrainNodeResponse__Output>): grpc.ClientUnaryCall;
  DrainNode(argument: _flotilla_v1_DrainNodeRequest, callback: grpc.requestCallback<_flotilla_v1_DrainNodeResponse__Output>): grpc.ClientUnaryCall;
  drainNode(argument: _flotilla_v1_DrainNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_DrainNodeResponse__Output>): grpc.ClientUnaryCall;
  drainNode(argument: _flotilla_v1_DrainNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_DrainNodeResponse__Output>): grpc.ClientUnaryCall;
  drainNode(argument: _flotilla_v1_DrainNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_DrainNodeResponse__Output>): grpc.ClientUnaryCall;
  drainNode(argument: _flotilla_v1_DrainNodeRequest, callback: grpc.requestCallback<_flotilla_v1_DrainNodeResponse__Output>): grpc.ClientUnaryCall;
  
  Fetch(argument: _flotilla_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _flotilla_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _flotilla_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _flotilla_v1_FetchRequest, callback: grpc.requestCallback<_flotilla_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _flotilla_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _flotilla_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _flotilla_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _flotilla_v1_FetchRequest, callback: grpc.requestCallback<_flotilla_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  
  FetchOffsets(argument: _flotilla_v1_FetchOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  FetchOffsets(argument: _flotilla_v1_FetchOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  FetchOffsets(argument: _flotilla_v1_FetchOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  FetchOffsets(argument: _flotilla_v1_FetchOffsetsRequest, callback: grpc.requestCallback<_flotilla_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _flotilla_v1_FetchOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _flotilla_v1_FetchOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _flotilla_v1_FetchOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _flotilla_v1_FetchOffsetsRequest, callback: grpc.requestCallback<_flotilla_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  FindCoordinator(argument: _flotilla_v1_FindCoordinatorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _flotilla_v1_FindCoordinatorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _flotilla_v1_FindCoordinatorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _flotilla_v1_FindCoordinatorRequest, callback: grpc.requestCallback<_flotilla_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _flotilla_v1_FindCoordinatorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _flotilla_v1_FindCoordinatorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _flotilla_v1_FindCoordinatorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _flotilla_v1_FindCoordinatorRequest, callback: grpc.requestCallback<_flotilla_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  
  Heartbeat(argument: _flotilla_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _flotilla_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _flotilla_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _flotilla_v1_HeartbeatRequest, callback: grpc.requestCallback<_flotilla_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _flotilla_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _flotilla_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _flotilla_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _flotilla_v1_HeartbeatRequest, callback: grpc.requestCallback<_flotilla_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  InitProducer(argument: _flotilla_v1_InitProducerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  InitProducer(argument: _flotilla_v1_InitProducerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  InitProducer(argument: _flotilla_v1_InitProducerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  InitProducer(argument: _flotilla_v1_InitProducerRequest, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  initProducer(argument: _flotilla_v1_InitProducerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  initProducer(argument: _flotilla_v1_InitProducerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  initProducer(argument: _flotilla_v1_InitProducerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  initProducer(argument: _flotilla_v1_InitProducerRequest, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  
  JoinGroup(argument: _flotilla_v1_JoinGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  JoinGroup(argument: _flotilla_v1_JoinGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  JoinGroup(argument: _flotilla_v1_JoinGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  JoinGroup(argument: _flotilla_v1_JoinGroupRequest, callback: grpc.requestCallback<_flotilla_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  joinGroup(argument: _flotilla_v1_JoinGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  joinGroup(argument: _flotilla_v1_JoinGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  joinGroup(argument: _flotilla_v1_JoinGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  joinGroup(argument: _flotilla_v1_JoinGroupRequest, callback: grpc.requestCallback<_flotilla_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  
  LeaveGroup(argument: _flotilla_v1_LeaveGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  LeaveGroup(argument: _flotilla_v1_LeaveGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  LeaveGroup(argument: _flotilla_v1_LeaveGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  LeaveGroup(argument: _flotilla_v1_LeaveGroupRequest, callback: grpc.requestCallback<_flotilla_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  leaveGroup(argument: _flotilla_v1_LeaveGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  leaveGroup(argument: _flotilla_v1_LeaveGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  leaveGroup(argument: _flotilla_v1_LeaveGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  leaveGroup(argument: _flotilla_v1_LeaveGroupRequest, callback: grpc.requestCallback<_flotilla_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  
  ListGroups(argument: _flotilla_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _flotilla_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _flotilla_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _flotilla_v1_ListGroupsRequest, callback: grpc.requestCallback<_flotilla_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _flotilla_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _flotilla_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _flotilla_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _flotilla_v1_ListGroupsRequest, callback: grpc.requestCallback<_flotilla_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  
  ListOffsets(argument: _flotilla_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _flotilla_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _flotilla_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _flotilla_v1_ListOffsetsRequest, callback: grpc.requestCallback<_flotilla_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _flotilla_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _flotilla_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _flotilla_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _flotilla_v1_ListOffsetsRequest, callback: grpc.requestCallback<_flotilla_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  ListTopics(argument: _flotilla_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _flotilla_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _flotilla_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _flotilla_v1_ListTopicsRequest, callback: grpc.requestCallback<_flotilla_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _flotilla_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _flotilla_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _flotilla_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _flotilla_v1_ListTopicsRequest, callback: grpc.requestCallback<_flotilla_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  Produce(argument: _flotilla_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _flotilla_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _flotilla_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _flotilla_v1_ProduceRequest, callback: grpc.requestCallback<_flotilla_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _flotilla_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _flotilla_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _flotilla_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _flotilla_v1_ProduceRequest, callback: grpc.requestCallback<_flotilla_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  
  ProduceStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_flotilla_v1_ProduceStreamRequest, _flotilla_v1_ProduceStreamResponse__Output>;
  ProduceStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_flotilla_v1_ProduceStreamRequest, _flotilla_v1_ProduceStreamResponse__Output>;
  produceStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_flotilla_v1_ProduceStreamRequest, _flotilla_v1_ProduceStreamResponse__Output>;
  produceStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_flotilla_v1_ProduceStreamRequest, _flotilla_v1_ProduceStreamResponse__Output>;
  
  ReassignPartition(argument: _flotilla_v1_ReassignPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  ReassignPartition(argument: _flotilla_v1_ReassignPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  ReassignPartition(argument: _flotilla_v1_ReassignPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  ReassignPartition(argument: _flotilla_v1_ReassignPartitionRequest, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  reassignPartition(argument: _flotilla_v1_ReassignPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  reassignPartition(argument: _flotilla_v1_ReassignPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  reassignPartition(argument: _flotilla_v1_ReassignPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  reassignPartition(argument: _flotilla_v1_ReassignPartitionRequest, callback: grpc.requestCallback<_flotilla_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  
  RemoveNode(argument: _flotilla_v1_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _flotilla_v1_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _flotilla_v1_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _flotilla_v1_RemoveNodeRequest, callback: grpc.requestCallback<_flotilla_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _flotilla_v1_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _flotilla_v1_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _flotilla_v1_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _flotilla_v1_RemoveNodeRequest, callback: grpc.requestCallback<_flotilla_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  
  Subscribe(argument: _flotilla_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_v1_FetchResponse__Output>;
  Subscribe(argument: _flotilla_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_v1_FetchResponse__Output>;
  subscribe(argument: _flotilla_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_v1_FetchResponse__Output>;
  subscribe(argument: _flotilla_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_v1_FetchResponse__Output>;
  
  SyncGroup(argument: _flotilla_v1_SyncGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  SyncGroup(argument: _flotilla_v1_SyncGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  SyncGroup(argument: _flotilla_v1_SyncGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  SyncGroup(argument: _flotilla_v1_SyncGroupRequest, callback: grpc.requestCallback<_flotilla_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  syncGroup(argument: _flotilla_v1_SyncGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  syncGroup(argument: _flotilla_v1_SyncGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  syncGroup(argument: _flotilla_v1_SyncGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  syncGroup(argument: _flotilla_v1_SyncGroupRequest, callback: grpc.requestCallback<_flotilla_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface FlotillaHandlers extends grpc.UntypedServiceImplementation {
  CommitOffsets: grpc.handleUnaryCall<_flotilla_v1_CommitOffsetsRequest__Output, _flotilla_v1_CommitOffsetsResponse>;
  
  CreatePartitions: grpc.handleUnaryCall<_flotilla_v1_CreatePartitionsRequest__Output, _flotilla_v1_TopicDescription>;
  
  CreateTopic: grpc.handleUnaryCall<_flotilla_v1_CreateTopicRequest__Output, _flotilla_v1_TopicDescription>;
  
  DeleteGroup: grpc.handleUnaryCall<_flotilla_v1_DeleteGroupRequest__Output, _flotilla_v1_DeleteGroupResponse>;
  
  DeleteTopic: grpc.handleUnaryCall<_flotilla_v1_DeleteTopicRequest__Output, _flotilla_v1_DeleteTopicResponse>;
  
  DescribeCluster: grpc.handleUnaryCall<_flotilla_v1_DescribeClusterRequest__Output, _flotilla_v1_ClusterDescription>;
  
  DescribeGroup: grpc.handleUnaryCall<_flotilla_v1_DescribeGroupRequest__Output, _flotilla_v1_GroupDescription>;
  
  DescribeTopic: grpc.handleUnaryCall<_flotilla_v1_DescribeTopicRequest__Output, _flotilla_v1_TopicDescription>;
  
  DrainNode: grpc.handleUnaryCall<_flotilla_v1_DrainNodeRequest__Output, _flotilla_v1_DrainNodeResponse>;
  
  Fetch: grpc.handleUnaryCall<_flotilla_v1_FetchRequest__Output, _flotilla_v1_FetchResponse>;
  
  FetchOffsets: grpc.handleUnaryCall<_flotilla_v1_FetchOffsetsRequest__Output, _flotilla_v1_FetchOffsetsResponse>;
  
  FindCoordinator: grpc.handleUnaryCall<_flotilla_v1_FindCoordinatorRequest__Output, _flotilla_v1_FindCoordinatorResponse>;
  
  Heartbeat: grpc.handleUnaryCall<_flotilla_v1_HeartbeatRequest__Output, _flotilla_v1_HeartbeatResponse>;
  
  InitProducer: grpc.handleUnaryCall<_flotilla_v1_InitProducerRequest__Output, _flotilla_v1_InitProducerResponse>;
  
  JoinGroup: grpc.handleUnaryCall<_flotilla_v1_JoinGroupRequest__Output, _flotilla_v1_JoinGroupResponse>;
  
  LeaveGroup: grpc.handleUnaryCall<_flotilla_v1_LeaveGroupRequest__Output, _flotilla_v1_LeaveGroupResponse>;
  
  ListGroups: grpc.handleUnaryCall<_flotilla_v1_ListGroupsRequest__Output, _flotilla_v1_ListGroupsResponse>;
  
  ListOffsets: grpc.handleUnaryCall<_flotilla_v1_ListOffsetsRequest__Output, _flotilla_v1_ListOffsetsResponse>;
  
  ListTopics: grpc.handleUnaryCall<_flotilla_v1_ListTopicsRequest__Output, _flotilla_v1_ListTopicsResponse>;
  
  Produce: grpc.handleUnaryCall<_flotilla_v1_ProduceRequest__Output, _flotilla_v1_ProduceResponse>;
  
  ProduceStream: grpc.handleBidiStreamingCall<_flotilla_v1_ProduceStreamRequest__Output, _flotilla_v1_ProduceStreamResponse>;
  
  ReassignPartition: grpc.handleUnaryCall<_flotilla_v1_ReassignPartitionRequest__Output, _flotilla_v1_TopicDescription>;
  
  RemoveNode: grpc.handleUnaryCall<_flotilla_v1_RemoveNodeRequest__Output, _flotilla_v1_RemoveNodeResponse>;
  
  Subscribe: grpc.handleServerStreamingCall<_flotilla_v1_SubscribeRequest__Output, _flotilla_v1_FetchResponse>;
  
  SyncGroup: grpc.handleUnaryCall<_flotilla_v1_SyncGroupRequest__Output, _flotilla_v1_SyncGroupResponse>;
  
}

export interface FlotillaDefinition extends grpc.ServiceDefinition {
  CommitOffsets: MethodDefinition<_flotilla_v1_CommitOffsetsRequest, _flotilla_v1_CommitOffsetsResponse, _flotilla_v1_CommitOffsetsRequest__Output, _flotilla_v1_CommitOffsetsResponse__Output>
  CreatePartitions: MethodDefinition<_flotilla_v1_CreatePartitionsRequest, _flotilla_v1_TopicDescription, _flotilla_v1_CreatePartitionsRequest__Output, _flotilla_v1_TopicDescription__Output>
  CreateTopic: MethodDefinition<_flotilla_v1_CreateTopicRequest, _flotilla_v1_TopicDescription, _flotilla_v1_CreateTopicRequest__Output, _flotilla_v1_TopicDescription__Output>
  DeleteGroup: MethodDefinition<_flotilla_v1_DeleteGroupRequest, _flotilla_v1_DeleteGroupResponse, _flotilla_v1_DeleteGroupRequest__Output, _flotilla_v1_DeleteGroupResponse__Output>
  DeleteTopic: MethodDefinition<_flotilla_v1_DeleteTopicRequest, _flotilla_v1_DeleteTopicResponse, _flotilla_v1_DeleteTopicRequest__Output, _flotilla_v1_DeleteTopicResponse__Output>
  DescribeCluster: MethodDefinition<_flotilla_v1_DescribeClusterRequest, _flotilla_v1_ClusterDescription, _flotilla_v1_DescribeClusterRequest__Output, _flotilla_v1_ClusterDescription__Output>
  DescribeGroup: MethodDefinition<_flotilla_v1_DescribeGroupRequest, _flotilla_v1_GroupDescription, _flotilla_v1_DescribeGroupRequest__Output, _flotilla_v1_GroupDescription__Output>
  DescribeTopic: MethodDefinition<_flotilla_v1_DescribeTopicRequest, _flotilla_v1_TopicDescription, _flotilla_v1_DescribeTopicRequest__Output, _flotilla_v1_TopicDescription__Output>
  DrainNode: MethodDefinition<_flotilla_v1_DrainNodeRequest, _flotilla_v1_DrainNodeResponse, _flotilla_v1_DrainNodeRequest__Output, _flotilla_v1_DrainNodeResponse__Output>
  Fetch: MethodDefinition<_flotilla_v1_FetchRequest, _flotilla_v1_FetchResponse, _flotilla_v1_FetchRequest__Output, _flotilla_v1_FetchResponse__Output>
  FetchOffsets: MethodDefinition<_flotilla_v1_FetchOffsetsRequest, _flotilla_v1_FetchOffsetsResponse, _flotilla_v1_FetchOffsetsRequest__Output, _flotilla_v1_FetchOffsetsResponse__Output>
  FindCoordinator: MethodDefinition<_flotilla_v1_FindCoordinatorRequest, _flotilla_v1_FindCoordinatorResponse, _flotilla_v1_FindCoordinatorRequest__Output, _flotilla_v1_FindCoordinatorResponse__Output>
  Heartbeat: MethodDefinition<_flotilla_v1_HeartbeatRequest, _flotilla_v1_HeartbeatResponse, _flotilla_v1_HeartbeatRequest__Output, _flotilla_v1_HeartbeatResponse__Output>
  InitProducer: MethodDefinition<_flotilla_v1_InitProducerRequest, _flotilla_v1_InitProducerResponse, _flotilla_v1_InitProducerRequest__Output, _flotilla_v1_InitProducerResponse__Output>
  JoinGroup: MethodDefinition<_flotilla_v1_JoinGroupRequest, _flotilla_v1_JoinGroupResponse, _flotilla_v1_JoinGroupRequest__Output, _flotilla_v1_JoinGroupResponse__Output>
  LeaveGroup: MethodDefinition<_flotilla_v1_LeaveGroupRequest, _flotilla_v1_LeaveGroupResponse, _flotilla_v1_LeaveGroupRequest__Output, _flotilla_v1_LeaveGroupResponse__Output>
  ListGroups: MethodDefinition<_flotilla_v1_ListGroupsRequest, _flotilla_v1_ListGroupsResponse, _flotilla_v1_ListGroupsRequest__Output, _flotilla_v1_ListGroupsResponse__Output>
  ListOffsets: MethodDefinition<_flotilla_v1_ListOffsetsRequest, _flotilla_v1_ListOffsetsResponse, _flotilla_v1_ListOffsetsRequest__Output, _flotilla_v1_ListOffsetsResponse__Output>
  ListTopics: MethodDefinition<_flotilla_v1_ListTopicsRequest, _flotilla_v1_ListTopicsResponse, _flotilla_v1_ListTopicsRequest__Output, _flotilla_v1_ListTopicsResponse__Output>
  Produce: MethodDefinition<_flotilla_v1_ProduceRequest, _flotilla_v1_ProduceResponse, _flotilla_v1_ProduceRequest__Output, _flotilla_v1_ProduceResponse__Output>
  ProduceStream: MethodDefinition<_flotilla_v1_ProduceStreamRequest, _flotilla_v1_ProduceStreamResponse, _flotilla_v1_ProduceStreamRequest__Output, _flotilla_v1_ProduceStreamResponse__Output>
  ReassignPartition: MethodDefinition<_flotilla_v1_ReassignPartitionRequest, _flotilla_v1_TopicDescription, _flotilla_v1_ReassignPartitionRequest__Output, _flotilla_v1_TopicDescription__Output>
  RemoveNode: MethodDefinition<_flotilla_v1_RemoveNodeRequest, _flotilla_v1_RemoveNodeResponse, _flotilla_v1_RemoveNodeRequest__Output, _flotilla_v1_RemoveNodeResponse__Output>
  Subscribe: MethodDefinition<_flotilla_v1_SubscribeRequest, _flotilla_v1_FetchResponse, _flotilla_v1_SubscribeRequest__Output, _flotilla_v1_FetchResponse__Output>
  SyncGroup: MethodDefinition<_flotilla_v1_SyncGroupRequest, _flotilla_v1_SyncGroupResponse, _flotilla_v1_SyncGroupRequest__Output, _flotilla_v1_SyncGroupResponse__Output>
}
