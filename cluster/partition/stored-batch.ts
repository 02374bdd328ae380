import { readI64, viewOf, writeI64 } from '../../bytes';
import { isRecordBatch, LOG_OVERHEAD, readRecordBatchHeader, RecordBatchError, type RecordBatchHeader, RECORD_BATCH_OVERHEAD, unstampedCrc } from '../records';
import { type PartitionContext, PartitionError } from './errors';

/**
 * A partition's Raft entry that holds records: either a RecordBatch v2 exactly as the leader
 * stamped it, or the same batch after log compaction removed some (or all) of its records,
 * wrapped so that the entry still says everything apply needs about the original:
 *
 * | byte | width | field |
 * | ---: | ---: | --- |
 * | 0 | 1 | tag 0xC0: a compacted batch (a batch's first byte is 0, the high byte of its baseOffset) |
 * | 1 | 1 | version 1 |
 * | 2 | 4 | u32: the original batch's size in bytes |
 * | 6 | 4 | u32: the original batch's unstamped CRC (what an idempotent retry is compared by) |
 * | 10 | 8 | i64: the delete horizon, ms (-1: none): tombstones in it may go once the clock passes it |
 * | 18 | ... | the batch with the kept records (filterRecordBatch): every header field of the original but batchLength, recordCount and CRC; recordCount may be 0 |
 *
 * So applying a compacted entry gives exactly the state applying the original gives (offsets,
 * sizes, index points, segment ends, the producer table with its checksums): compaction is
 * invisible to the replicated state, whichever replica compacted what and when. Only the local
 * log's bytes differ. Fetch returns the inner batch (never one with no records).
 */
export const COMPACTED_TAG = 0xc0;
const VERSION = 1;
const ORIGINAL_SIZE = 2;
const ORIGINAL_CRC = 6;
const DELETE_HORIZON = 10;
/** Bytes before the inner batch. */
export const COMPACTED_PREFIX = 18;
/** No delete horizon yet: the batch's tombstones have not been through a cleaning pass. */
export const NO_DELETE_HORIZON = -1;

export interface StoredBatch {
  /** The header of the batch as stored now (a compacted one: recordCount may be below lastOffsetDelta + 1, even 0). */
  readonly header: RecordBatchHeader;
  /** The batch bytes (a view of the entry's data): what a fetch returns if it has records. */
  readonly batch: Uint8Array;
  /** The size the leader stored it with (the original's, for a compacted batch): what sizes count. */
  readonly originalSize: number;
  /** The offset after its last record (baseOffset + lastOffsetDelta + 1), records removed or not. */
  readonly endOffset: number;
  readonly compacted: boolean;
  /** The original's unstamped CRC when compacted (else compute unstampedCrc(batch)). */
  readonly originalCrc: number;
  readonly deleteHorizon: number;
}

/**
 * The batch of a partition's entry. Its records were validated by the leader before it was
 * proposed, and the store checksums every entry; what is not a batch here was damaged or written
 * by an earlier Flotilla (whose own batch format began with 0xB1 or 0xB2).
 */
export function readStoredBatch(data: Uint8Array, context: PartitionContext, raftIndex: number): StoredBatch {
  const where = `the entry at raft index ${raftIndex}`;
  const compacted = data.length > 0 && data[0] === COMPACTED_TAG;
  if (compacted && (data.length < COMPACTED_PREFIX + RECORD_BATCH_OVERHEAD || data[1] !== VERSION)) {
    throw new PartitionError('CORRUPT_BATCH', context, `${where} is a compacted batch of ${data.length} bytes, version ${data[1]}: not one this version writes`, { raftIndex });
  }
  const batch = compacted ? data.subarray(COMPACTED_PREFIX) : data;
  if (!isRecordBatch(batch)) {
    const earlier = data[0] === 0xb1 || data[0] === 0xb2 ? ' (it looks like the batch format of Flotilla 0.1, which this version does not read: its data directory must be recreated)' : '';
    throw new PartitionError('CORRUPT_BATCH', context, `${where} is not a RecordBatch v2 (first byte 0x${(data[0] ?? 0).toString(16)}, magic byte ${data[16] ?? 'missing'})${earlier}`, { raftIndex });
  }
  try {
    const h = readRecordBatchHeader(batch);
    const fits = compacted ? h.recordCount >= 0 && h.recordCount <= h.lastOffsetDelta + 1 : h.recordCount >= 1 && h.lastOffsetDelta === h.recordCount - 1;
    if (h.batchLength + LOG_OVERHEAD !== batch.length || !fits) {
      throw new PartitionError('CORRUPT_BATCH', context, `${where}: batchLength ${h.batchLength}, record count ${h.recordCount} and lastOffsetDelta ${h.lastOffsetDelta} do not fit its ${batch.length} bytes`, { raftIndex });
    }
    const v = viewOf(data);
    return {
      header: h,
      batch,
      originalSize: compacted ? v.getUint32(ORIGINAL_SIZE) : data.length,
      endOffset: h.baseOffset + h.lastOffsetDelta + 1,
      compacted,
      originalCrc: compacted ? v.getUint32(ORIGINAL_CRC) : 0,
      deleteHorizon: compacted ? readI64(data, DELETE_HORIZON) : NO_DELETE_HORIZON,
    };
  } catch (e) {
    if (e instanceof RecordBatchError) throw new PartitionError('CORRUPT_BATCH', context, `${where}: ${e.message}`, { raftIndex });
    throw e;
  }
}

/** The original's unstamped CRC (kept in a compacted entry; computed from the header otherwise). */
export function originalCrcOf(s: StoredBatch): number {
  return s.compacted ? s.originalCrc : unstampedCrc(s.batch);
}

/** The entry data for `batch` (filterRecordBatch's output) standing for the original `of`. */
export function encodeCompactedEntry(of: StoredBatch, batch: Uint8Array, deleteHorizon: number): Uint8Array {
  const out = Buffer.allocUnsafe(COMPACTED_PREFIX + batch.length);
  const v = viewOf(out);
  out[0] = COMPACTED_TAG;
  out[1] = VERSION;
  v.setUint32(ORIGINAL_SIZE, of.originalSize);
  v.setUint32(ORIGINAL_CRC, originalCrcOf(of));
  writeI64(out, DELETE_HORIZON, deleteHorizon);
  out.set(batch, COMPACTED_PREFIX);
  return out;
}
