/** The Flotilla client library: admin, producer and consumer over gRPC. */
export { Flotilla, type FlotillaOptions } from './flotilla';
export { Admin, type CreateTopicOptions } from './admin';
export { Producer, type ProducerOptions, type AppendRequest, type AppendResult } from './producer';
export {
  Consumer,
  type FetchOptions,
  type FetchResult,
  type FollowOptions,
  type OffsetQuery,
} from './consumer';
export {
  GroupConsumer,
  type GroupConsumerOptions,
  type EachMessagePayload,
  type EachBatchPayload,
  type RunOptions,
  type RebalanceListener,
} from './consumer-group';
export { GroupAdmin, type GroupListing, type GroupDetails, type GroupPartitionLag, type ResetTarget } from './group-admin';
export type { TopicPartition, OffsetToCommit } from './group-calls';
export type { Strategy } from '../groups';
export type { Bytes, ProducerRecord, RecordMetadata, ConsumedRecord, RecordHeader } from './records';
export type { RetryOptions } from './retry';
export { murmur2, partitionForKey } from './murmur2';
export {
  FlotillaError,
  type FlotillaErrorCode,
  NotLeaderError,
  UnknownTopicError,
  UnknownPartitionError,
  TopicExistsError,
  InvalidRequestError,
  OffsetMismatchError,
  OffsetOutOfRangeError,
  OutOfOrderSequenceError,
  FencedError,
  GroupMembershipError,
  UnavailableError,
  TimeoutError,
  ClosedError,
} from './errors';
export type {
  TopicDescription,
  TopicSummary,
  PartitionDescription,
  CompactionProgress,
  ReplicaStatus,
  ReplicaState,
  ClusterDescription,
  NodeDescription,
} from '../../proto/load';
export { CLIENT_CHANNEL_OPTIONS } from './connections';
