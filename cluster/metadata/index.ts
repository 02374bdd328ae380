/**
 * The cluster metadata (controller) state machine: nodes, topics, partitions with their Raft
 * group ids and replicas, producer ids. Pure: the node server runs it over the controller Raft
 * group (group 0) and proposes commands encoded with encodeCommand().
 */
export { MetadataState } from './metadata-state';
export { decodeCommand, encodeCommand } from './command-codec';
export { MetadataError, type MetadataErrorCode } from './errors';
export { CONTROLLER_GROUP, type Command, type CommandResult, type PartitionInfo, type TopicInfo } from './types';
export { compacts, deletes, resolveTopicConfig, type CleanupPolicy } from './topic-config';
export { type LeadershipView, planLeadershipMoves, preferredLeader } from './leader-balance';
export { drainMoves, type PartitionMove } from './drain';
