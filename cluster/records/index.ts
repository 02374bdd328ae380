/**
 * The record batch: Kafka's RecordBatch v2 (magic 2), the one format a record has from the
 * producer to the disk and back (proto/record-batch.md has it byte by byte). Producers encode it,
 * the leader validates and stamps it (base offset, leader epoch, log append time) without
 * re-encoding, the log stores it as it came, fetches return it as stored, consumers decode it.
 * Shared by the client and the partition; depends only on bytes/.
 */
export {
  decodeRecordBatch,
  encodeRecordBatch,
  filterRecordBatch,
  isRecordBatch,
  LOG_OVERHEAD,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  RECORD_BATCH_MAGIC,
  RECORD_BATCH_OVERHEAD,
  readRecordBatchHeader,
  readRecords,
  RecordBatchError,
  splitRecordBatches,
  stampBaseOffset,
  stampLogAppendTime,
  stampPartitionLeaderEpoch,
  unstampedCrc,
  validateRecordBatch,
  visitRecords,
  type DecodedRecord,
  type DecodedRecordBatch,
  type RecordBatchErrorCode,
  type RecordBatchFields,
  type RecordBatchHeader,
  type RecordHeaderEntry,
  type RecordInput,
  type RecordSpan,
  type TimestampType,
  type ValidatedRecordBatch,
  type ValidateOptions,
} from './record-batch';
