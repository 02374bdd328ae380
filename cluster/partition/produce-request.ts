import { NO_PRODUCER_ID, RecordBatchError, type TimestampType, type ValidatedRecordBatch, validateRecordBatch } from '../records';
import type { ProduceLimits } from './config';
import { type PartitionContext, PartitionError } from './errors';

/** One produce call for one partition: one record batch as the producer encoded it, optionally conditional. */
export interface ProduceRequest {
  /**
   * A RecordBatch v2 (cluster/records) as the producer sent it: its header carries the producer
   * id, epoch and base sequence (-1 for a producer that is not idempotent). The leader stamps its
   * base offset, leader epoch and (for LogAppendTime topics) timestamp in place and proposes these
   * very bytes: the caller must not reuse them.
   */
  readonly batch: Uint8Array;
  /** Conditional append: the offset the log must end at (its next offset), or the batch is refused. */
  readonly expectedOffset?: number;
  /** The leader's clock (ms since the epoch): the batch's timestamp when the topic is LogAppendTime. */
  readonly appendTime?: number;
  /** The topic's message.timestamp.type: whose clock the stored records carry (default 'create'). */
  readonly timestampType?: TimestampType;
}

export const MAX_SEQUENCE = 0x7fff_ffff;

/**
 * Check a request before it can enter the log: the batch's framing, CRC and every record's
 * lengths (one pass, nothing allocated per record), its size against max.message.bytes, its
 * timestamps, and the request's own fields. Returns the validated header, or the error to answer.
 * Every check here is one the apply side relies on never having to make.
 */
export function validateProduce(req: ProduceRequest, limits: ProduceLimits, ctx: PartitionContext): ValidatedRecordBatch | PartitionError {
  const invalid = (detail: string, details?: Record<string, number>) => new PartitionError('INVALID_RECORD', ctx, detail, details);
  if (!(req.batch instanceof Uint8Array) || req.batch.length === 0) return invalid('the request has no record batch; send one RecordBatch v2 (proto/record-batch.md)');
  const size = req.batch.length;
  let h: ValidatedRecordBatch;
  try {
    h = validateRecordBatch(req.batch);
  } catch (e) {
    if (!(e instanceof RecordBatchError)) throw e;
    const details: Record<string, number> = {};
    if (e.byteOffset !== null) details.byteOffset = e.byteOffset;
    if (e.recordIndex !== null) details.recordIndex = e.recordIndex;
    return invalid(e.message.replace(/^record batch/, 'the record batch in the produce request'), details);
  }
  if (size > limits.maxMessageBytes) {
    const one = h.recordCount === 1;
    return new PartitionError(
      one ? 'RECORD_TOO_LARGE' : 'BATCH_TOO_LARGE',
      ctx,
      one
        ? `the record is ${size} bytes encoded in its batch, above max.message.bytes (${limits.maxMessageBytes}); shrink it or raise the topic's max.message.bytes`
        : `the batch of ${h.recordCount} records is ${size} bytes encoded, above max.message.bytes (${limits.maxMessageBytes}); split it into smaller batches`,
      { bytes: size, limit: limits.maxMessageBytes },
    );
  }
  if (limits.requireKeys && h.nullKeys > 0) {
    return invalid(
      `record ${h.firstNullKey} of the batch has no key${h.nullKeys > 1 ? ` (and ${h.nullKeys - 1} more records)` : ''}: the topic is compacted (cleanup.policy compact), which keeps the latest record per key, so every record needs one`,
      { recordIndex: h.firstNullKey, nullKeys: h.nullKeys },
    );
  }
  if (h.timestampType === 'logAppend') {
    return invalid('the batch is marked LogAppendTime (attributes bit 3); producers send CreateTime batches, and the leader stamps LogAppendTime where the topic asks for it (message.timestamp.type)');
  }
  if (h.minTimestamp < 0) return invalid(`a record has timestamp ${h.minTimestamp}, before the epoch; timestamps are milliseconds since 1970 (>= 0)`);
  if (h.producerId !== NO_PRODUCER_ID && h.recordCount > MAX_SEQUENCE) return invalid(`a batch of ${h.recordCount} records is more than one sequence space`);
  const expected = req.expectedOffset;
  if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 0)) {
    return invalid(`expected offset ${expected} is not an integer in 0..2^53-1`);
  }
  if (req.appendTime !== undefined && (!Number.isSafeInteger(req.appendTime) || req.appendTime < 0)) {
    return invalid(`append time ${req.appendTime} is not milliseconds since the epoch (an integer >= 0)`);
  }
  if (req.timestampType === 'logAppend' && req.appendTime === undefined) {
    return invalid('the topic stores the log append time, and the leader gave no clock reading');
  }
  return h;
}
