/**
 * The cluster metadata (controller) state machine: nodes, topics, partitions with their Raft
 * group ids and replicas, producer ids. Pure: the node server runs it over the controller Raft
 * group (group 0) and proposes commands encoded with encodeCommand().
 */
export { MetadataState } from './metadata-state';
export { COMMAND_VERSION, decodeCommand, encodeCommand } from './command-codec';
export { SNAPSHOT_VERSION, decodeSnapshot, encodeSnapshot, type MetadataImage, type ProducerRecord } from './snapshot-codec';
export { MetadataError, type MetadataErrorCode } from './errors';
export {
  CONTROLLER_GROUP,
  type ClusterInfo,
  type Command,
  type CommandOutcome,
  type CommandResult,
  type CommandType,
  type ConfigMap,
  type NodeInfo,
  type PartitionInfo,
  type TopicInfo,
  type TopicSummary,
} from './types';
export {
  MAX_NODE_ID,
  MAX_PARTITIONS,
  MAX_PRODUCER_NAME_LENGTH,
  MAX_TOPIC_NAME_LENGTH,
  validateAddress,
  validateClusterId,
  validateNodeId,
  validatePartitionCount,
  validateProducerName,
  validateReplicationFactor,
  validateTopicName,
} from './validation';
export {
  FIXED_TOPIC_CONFIG_KEYS,
  MAX_MESSAGE_BYTES_LIMIT,
  MAX_SEGMENT_BYTES,
  MIN_SEGMENT_BYTES,
  TOPIC_CONFIG_DEFAULTS,
  TOPIC_CONFIG_KEYS,
  checkConfigAlteration,
  checkTopicConfig,
  resolveTopicConfig,
  type TopicConfig,
} from './topic-config';
export { assignReplicas, type NodeLoad } from './assignment';
export { planLeadershipTransfers, preferredLeader, type LeadershipTransfer, type ReplicaPlacement } from './leader-balance';
