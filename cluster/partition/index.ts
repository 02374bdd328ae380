/** A partition's log as a replicated state machine over its Raft group (its batches: cluster/records). */
export {
  DEFAULT_PRODUCE_LIMITS,
  DEFAULT_STATE_OPTIONS,
  type ProduceLimits,
  type StateOptions,
} from './config';
export { PARTITION_ERRORS, PartitionError, type ErrorDetails, type PartitionContext, type PartitionErrorCode, wireCodeOf } from './errors';
export { fetchBatches, planFetch, selectBatches, type FetchedBatches, type FetchPlan, type ReadEntries } from './fetch';
export { DEFAULT_IN_SYNC, judgeReplica, type InSyncConfig, type ReplicaFacts, type ReplicaStateName, type ReplicaVerdict } from './in-sync';
export { followerPosition, OffsetTrail, type AppliedView, type FollowerPosition, type OffsetMark } from './offset-trail';
export { LeaderSession, type ProduceOutcome, type Propose } from './leader-session';
export {
  earliestOffset,
  latestOffset,
  listOffset,
  planTimestampLookup,
  scanForTimestamp,
  type OffsetSpec,
  type TimestampPlan,
  type TimestampScan,
} from './list-offsets';
export { PartitionState, storedBatchHeader, type PartitionStateInit } from './partition-state';
export {
  DEFAULT_CLEANER_OPTIONS,
  DEFAULT_COMPACTION,
  LogCleaner,
  type CleanerOptions,
  type CleanerProgress,
  type CleanPlan,
  type CompactionConfig,
  type PassResult,
  type RewriteEntries,
} from './log-cleaner';
export { OFFSET_MAP_SLOT_BYTES, OffsetMap } from './offset-map';
export { MAX_SEQUENCE, validateProduce, type ProduceRequest } from './produce-request';
export { REMEMBERED_BATCHES, type ProducerBatch, type ProducerEntry } from './producer-table';
export { emptyPrefixCompactIndex, retentionCompactIndex, type RetentionConfig } from './retention';
export { readStoredBatch, type StoredBatch } from './stored-batch';
export type { IndexPoint } from './sparse-index';
