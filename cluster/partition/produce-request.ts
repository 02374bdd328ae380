import { NO_PRODUCER_ID, NO_SEQUENCE, type ProduceRecord, BATCH_HEADER_BYTES, recordSize } from './batch-codec';
import type { ProduceLimits } from './config';
import { type PartitionContext, PartitionError } from './errors';

/** One produce call for one partition: a batch of records, optionally idempotent and conditional. */
export interface ProduceRequest {
  readonly records: readonly ProduceRecord[];
  /** An idempotent producer's id (1..2^53-1); absent or 0 = not idempotent. */
  readonly producerId?: number;
  /** 0..65535; a higher epoch fences every lower one. */
  readonly producerEpoch?: number;
  /** Sequence of the first record (0..2^31-1); required with a producerId, -1 or absent without. */
  readonly baseSequence?: number;
  /** Conditional append: the offset the log must end at (its next offset), or the batch is refused. */
  readonly expectedOffset?: number;
  /**
   * The leader's clock (ms since the epoch): the stored timestamp of records sent with timestamp
   * 0 ("the log append time"). Records carry their timestamps as sent, so that a retry's records
   * checksum does not depend on when it arrived. Absent: such records keep timestamp 0.
   */
  readonly appendTime?: number;
}

export const MAX_SEQUENCE = 0x7fff_ffff;
const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;

/**
 * Check a request before it can enter the log. Returns the error to answer, or undefined.
 * Every check here is one the apply side relies on never having to make.
 */
export function validateProduce(req: ProduceRequest, limits: ProduceLimits, ctx: PartitionContext): PartitionError | undefined {
  const invalid = (detail: string) => new PartitionError('INVALID_RECORD', ctx, detail);
  if (!Array.isArray(req.records) || req.records.length === 0) return invalid('the batch has no records; send at least one');
  const pid = req.producerId ?? NO_PRODUCER_ID;
  if (!Number.isSafeInteger(pid) || pid < 0) return invalid(`producer id ${pid} is not an integer in 0..2^53-1`);
  if (pid === NO_PRODUCER_ID) {
    if ((req.baseSequence ?? NO_SEQUENCE) !== NO_SEQUENCE || (req.producerEpoch ?? 0) !== 0) {
      return invalid('a sequence number or epoch was given without a producer id; set producerId for an idempotent producer');
    }
  } else {
    const epoch = req.producerEpoch ?? 0;
    if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffff) return invalid(`producer epoch ${epoch} is not in 0..65535`);
    const seq = req.baseSequence;
    if (seq === undefined || !Number.isInteger(seq) || seq < 0 || seq > MAX_SEQUENCE) {
      return invalid(`producer ${pid} sent base sequence ${seq}; an idempotent batch needs one in 0..2^31-1`);
    }
    if (req.records.length > MAX_SEQUENCE) return invalid(`a batch of ${req.records.length} records is more than one sequence space`);
  }
  const expected = req.expectedOffset;
  if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 0)) {
    return invalid(`expected offset ${expected} is not an integer in 0..2^53-1`);
  }
  if (req.appendTime !== undefined && (!Number.isSafeInteger(req.appendTime) || req.appendTime < 0)) {
    return invalid(`append time ${req.appendTime} is not milliseconds since the epoch (an integer >= 0)`);
  }
  let total = BATCH_HEADER_BYTES;
  for (let i = 0; i < req.records.length; i++) {
    const r = req.records[i];
    const bad = (detail: string) => invalid(`record ${i} of the batch: ${detail}`);
    if (!(r.value instanceof Uint8Array)) return bad('value is not bytes');
    if (r.key !== undefined && r.key !== null && !(r.key instanceof Uint8Array)) return bad('key is neither bytes nor null');
    if (!Number.isSafeInteger(r.timestamp) || r.timestamp < 0 || r.timestamp > MAX_TIMESTAMP) {
      return bad(`timestamp ${r.timestamp} is not milliseconds since the epoch (an integer >= 0)`);
    }
    const headers = r.headers ?? [];
    const maxHeaders = Math.min(limits.maxHeaders, 0xffff); // the count is a u16 on disk
    if (headers.length > maxHeaders) return bad(`${headers.length} headers, more than the limit of ${maxHeaders}`);
    for (const h of headers) {
      if (typeof h.key !== 'string') return bad('a header key is not a string');
      if (Buffer.byteLength(h.key, 'utf8') > 0xffff) return bad(`header key "${h.key.slice(0, 32)}..." is longer than 65535 bytes`);
      if (!(h.value instanceof Uint8Array)) return bad(`header "${h.key}" has a value that is not bytes`);
    }
    const size = recordSize(r);
    if (size + BATCH_HEADER_BYTES > limits.maxMessageBytes) {
      return new PartitionError(
        'RECORD_TOO_LARGE',
        ctx,
        `record ${i} of the batch is ${size} bytes encoded, above max.message.bytes (${limits.maxMessageBytes}) with the batch header; shrink it or raise the topic's max.message.bytes`,
        { bytes: size, limit: limits.maxMessageBytes },
      );
    }
    total += size;
  }
  if (total > limits.maxMessageBytes) {
    return new PartitionError(
      'BATCH_TOO_LARGE',
      ctx,
      `the batch of ${req.records.length} records is ${total} bytes encoded, above max.message.bytes (${limits.maxMessageBytes}); split it into smaller batches`,
      { bytes: total, limit: limits.maxMessageBytes },
    );
  }
  return undefined;
}
