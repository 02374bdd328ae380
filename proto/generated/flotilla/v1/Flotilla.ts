// Original file: proto/flotilla.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ClusterDescription as _flotilla_v1_ClusterDescription, ClusterDescription__Output as _flotilla_v1_ClusterDescription__Output } from '../../flotilla/v1/ClusterDescription';
import type { CreatePartitionsRequest as _flotilla_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _flotilla_v1_CreatePartitionsRequest__Output } from '../../flotilla/v1/CreatePartitionsRequest';
import type { CreateTopicRequest as _flotilla_v1_CreateTopicRequest, CreateTopicRequest__Output as _flotilla_v1_CreateTopicRequest__Output } from '../../flotilla/v1/CreateTopicRequest';
import type { DeleteTopicRequest as _flotilla_v1_DeleteTopicRequest, DeleteTopicRequest__Output as _flotilla_v1_DeleteTopicRequest__Output } from '../../flotilla/v1/DeleteTopicRequest';
import type { DeleteTopicResponse as _flotilla_v1_DeleteTopicResponse, DeleteTopicResponse__Output as _flotilla_v1_DeleteTopicResponse__Output } from '../../flotilla/v1/DeleteTopicResponse';
import type { DescribeClusterRequest as _flotilla_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _flotilla_v1_DescribeClusterRequest__Output } from '../../flotilla/v1/DescribeClusterRequest';
import type { DescribeTopicRequest as _flotilla_v1_DescribeTopicRequest, DescribeTopicRequest__Output as _flotilla_v1_DescribeTopicRequest__Output } from '../../flotilla/v1/DescribeTopicRequest';
import type { DrainNodeRequest as _flotilla_v1_DrainNodeRequest, DrainNodeRequest__Output as _flotilla_v1_DrainNodeRequest__Output } from '../../flotilla/v1/DrainNodeRequest';
import type { DrainNodeResponse as _flotilla_v1_DrainNodeResponse, DrainNodeResponse__Output as _flotilla_v1_DrainNodeResponse__Output } from '../../flotilla/v1/DrainNodeResponse';
import type { FetchRequest as _flotilla_v1_FetchRequest, FetchRequest__Output as _flotilla_v1_FetchRequest__Output } from '../../flotilla/v1/FetchRequest';
import type { FetchResponse as _flotilla_v1_FetchResponse, FetchResponse__Output as _flotilla_v1_FetchResponse__Output } from '../../flotilla/v1/FetchResponse';
import type { InitProducerRequest as _flotilla_v1_InitProducerRequest, InitProducerRequest__Output as _flotilla_v1_InitProducerRequest__Output } from '../../flotilla/v1/InitProducerRequest';
import type { InitProducerResponse as _flotilla_v1_InitProducerResponse, InitProducerResponse__Output as _flotilla_v1_InitProducerResponse__Output } from '../../flotilla/v1/InitProducerResponse';
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
import type { TopicDescription as _flotilla_v1_TopicDescription, TopicDescription__Output as _flotilla_v1_TopicDescription__Output } from '../../flotilla/v1/TopicDescription';

export interface FlotillaClient extends grpc.Client {
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
  
  InitProducer(argument: _flotilla_v1_InitProducerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  InitProducer(argument: _flotilla_v1_InitProducerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  InitProducer(argument: _flotilla_v1_InitProducerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  InitProducer(argument: _flotilla_v1_InitProducerRequest, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  initProducer(argument: _flotilla_v1_InitProducerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  initProducer(argument: _flotilla_v1_InitProducerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  initProducer(argument: _flotilla_v1_InitProducerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  initProducer(argument: _flotilla_v1_InitProducerRequest, callback: grpc.requestCallback<_flotilla_v1_InitProducerResponse__Output>): grpc.ClientUnaryCall;
  
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
  
}

export interface FlotillaHandlers extends grpc.UntypedServiceImplementation {
  CreatePartitions: grpc.handleUnaryCall<_flotilla_v1_CreatePartitionsRequest__Output, _flotilla_v1_TopicDescription>;
  
  CreateTopic: grpc.handleUnaryCall<_flotilla_v1_CreateTopicRequest__Output, _flotilla_v1_TopicDescription>;
  
  DeleteTopic: grpc.handleUnaryCall<_flotilla_v1_DeleteTopicRequest__Output, _flotilla_v1_DeleteTopicResponse>;
  
  DescribeCluster: grpc.handleUnaryCall<_flotilla_v1_DescribeClusterRequest__Output, _flotilla_v1_ClusterDescription>;
  
  DescribeTopic: grpc.handleUnaryCall<_flotilla_v1_DescribeTopicRequest__Output, _flotilla_v1_TopicDescription>;
  
  DrainNode: grpc.handleUnaryCall<_flotilla_v1_DrainNodeRequest__Output, _flotilla_v1_DrainNodeResponse>;
  
  Fetch: grpc.handleUnaryCall<_flotilla_v1_FetchRequest__Output, _flotilla_v1_FetchResponse>;
  
  InitProducer: grpc.handleUnaryCall<_flotilla_v1_InitProducerRequest__Output, _flotilla_v1_InitProducerResponse>;
  
  ListOffsets: grpc.handleUnaryCall<_flotilla_v1_ListOffsetsRequest__Output, _flotilla_v1_ListOffsetsResponse>;
  
  ListTopics: grpc.handleUnaryCall<_flotilla_v1_ListTopicsRequest__Output, _flotilla_v1_ListTopicsResponse>;
  
  Produce: grpc.handleUnaryCall<_flotilla_v1_ProduceRequest__Output, _flotilla_v1_ProduceResponse>;
  
  ProduceStream: grpc.handleBidiStreamingCall<_flotilla_v1_ProduceStreamRequest__Output, _flotilla_v1_ProduceStreamResponse>;
  
  ReassignPartition: grpc.handleUnaryCall<_flotilla_v1_ReassignPartitionRequest__Output, _flotilla_v1_TopicDescription>;
  
  RemoveNode: grpc.handleUnaryCall<_flotilla_v1_RemoveNodeRequest__Output, _flotilla_v1_RemoveNodeResponse>;
  
  Subscribe: grpc.handleServerStreamingCall<_flotilla_v1_SubscribeRequest__Output, _flotilla_v1_FetchResponse>;
  
}

export interface FlotillaDefinition extends grpc.ServiceDefinition {
  CreatePartitions: MethodDefinition<_flotilla_v1_CreatePartitionsRequest, _flotilla_v1_TopicDescription, _flotilla_v1_CreatePartitionsRequest__Output, _flotilla_v1_TopicDescription__Output>
  CreateTopic: MethodDefinition<_flotilla_v1_CreateTopicRequest, _flotilla_v1_TopicDescription, _flotilla_v1_CreateTopicRequest__Output, _flotilla_v1_TopicDescription__Output>
  DeleteTopic: MethodDefinition<_flotilla_v1_DeleteTopicRequest, _flotilla_v1_DeleteTopicResponse, _flotilla_v1_DeleteTopicRequest__Output, _flotilla_v1_DeleteTopicResponse__Output>
  DescribeCluster: MethodDefinition<_flotilla_v1_DescribeClusterRequest, _flotilla_v1_ClusterDescription, _flotilla_v1_DescribeClusterRequest__Output, _flotilla_v1_ClusterDescription__Output>
  DescribeTopic: MethodDefinition<_flotilla_v1_DescribeTopicRequest, _flotilla_v1_TopicDescription, _flotilla_v1_DescribeTopicRequest__Output, _flotilla_v1_TopicDescription__Output>
  DrainNode: MethodDefinition<_flotilla_v1_DrainNodeRequest, _flotilla_v1_DrainNodeResponse, _flotilla_v1_DrainNodeRequest__Output, _flotilla_v1_DrainNodeResponse__Output>
  Fetch: MethodDefinition<_flotilla_v1_FetchRequest, _flotilla_v1_FetchResponse, _flotilla_v1_FetchRequest__Output, _flotilla_v1_FetchResponse__Output>
  InitProducer: MethodDefinition<_flotilla_v1_InitProducerRequest, _flotilla_v1_InitProducerResponse, _flotilla_v1_InitProducerRequest__Output, _flotilla_v1_InitProducerResponse__Output>
  ListOffsets: MethodDefinition<_flotilla_v1_ListOffsetsRequest, _flotilla_v1_ListOffsetsResponse, _flotilla_v1_ListOffsetsRequest__Output, _flotilla_v1_ListOffsetsResponse__Output>
  ListTopics: MethodDefinition<_flotilla_v1_ListTopicsRequest, _flotilla_v1_ListTopicsResponse, _flotilla_v1_ListTopicsRequest__Output, _flotilla_v1_ListTopicsResponse__Output>
  Produce: MethodDefinition<_flotilla_v1_ProduceRequest, _flotilla_v1_ProduceResponse, _flotilla_v1_ProduceRequest__Output, _flotilla_v1_ProduceResponse__Output>
  ProduceStream: MethodDefinition<_flotilla_v1_ProduceStreamRequest, _flotilla_v1_ProduceStreamResponse, _flotilla_v1_ProduceStreamRequest__Output, _flotilla_v1_ProduceStreamResponse__Output>
  ReassignPartition: MethodDefinition<_flotilla_v1_ReassignPartitionRequest, _flotilla_v1_TopicDescription, _flotilla_v1_ReassignPartitionRequest__Output, _flotilla_v1_TopicDescription__Output>
  RemoveNode: MethodDefinition<_flotilla_v1_RemoveNodeRequest, _flotilla_v1_RemoveNodeResponse, _flotilla_v1_RemoveNodeRequest__Output, _flotilla_v1_RemoveNodeResponse__Output>
  Subscribe: MethodDefinition<_flotilla_v1_SubscribeRequest, _flotilla_v1_FetchResponse, _flotilla_v1_SubscribeRequest__Output, _flotilla_v1_FetchResponse__Output>
}
