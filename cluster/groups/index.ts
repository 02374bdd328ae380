/**
 * Consumer groups, the pure part: the coordinator's state machine of one group (join, sync,
 * heartbeat, leave, generations, session expiry, zombie fencing of commits), the assignors
 * (range, roundrobin, cooperative-sticky), and the records of the internal __consumer_offsets
 * topic that persist it. No clock, no I/O: the node's side is cluster/node/group-coordinator.ts.
 */
export { assign, type AssignmentMap, type AssignorMember, type PartitionCounts } from './assignors';
export { type CommittedOffset, ConsumerGroup, type GroupEvents, type GroupPhase, type GroupRecord, type JoinRequest, type JoinResult, type Member } from './group';
export {
  decodeGroupLogRecord,
  DEFAULT_OFFSETS_PARTITIONS,
  encodeGroupLogRecord,
  type GroupLogRecord,
  OFFSETS_TOPIC,
  partitionForGroup,
  replayGroups,
} from './log-records';
export { compareTp, GroupError, type GroupErrorCode, isCooperative, isStrategy, STRATEGIES, type Strategy, type TopicPartition, tpKey } from './types';
