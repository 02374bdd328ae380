import { type Entry, EntryType } from '../../raft';
import { decodeBatchHeader, type FetchedRecord, isRecordBatch, RecordReader } from './batch-codec';
import { type PartitionContext, PartitionError, internalError } from './errors';
import type { PartitionState } from './partition-state';

/** Where to read the Raft log for a fetch. An empty range (fromIndex === endIndex) means nothing to read yet. */
export interface FetchPlan {
  /** First Raft index to read (an index point at or before the fetch offset). */
  readonly fromIndex: number;
  /** One past the last Raft index worth reading (the applied index + 1). */
  readonly endIndex: number;
  /** A byte budget for the storage read: the fetch's budget plus what lies between the index point and the offset. */
  readonly readBytes: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
}

/**
 * Plan a fetch of records from `offset`, up to `maxBytes`, visible up to `highWatermark` (default:
 * everything applied). Throws OFFSET_OUT_OF_RANGE below the log start or past the log end.
 */
export function planFetch(state: PartitionState, offset: number, maxBytes: number, highWatermark: number = state.highWatermark): FetchPlan {
  const hw = Math.min(highWatermark, state.highWatermark);
  if (!Number.isSafeInteger(offset) || offset < state.logStartOffset || offset > state.nextOffset) {
    throw new PartitionError(
      'OFFSET_OUT_OF_RANGE',
      state.context,
      `fetch offset ${offset} is outside the log [${state.logStartOffset}, ${state.nextOffset}]; ${offset < state.logStartOffset ? 'older records were removed by retention: reset to the earliest offset' : 'reset to the latest offset'}`,
      { offset, logStartOffset: state.logStartOffset, highWatermark: hw },
    );
  }
  const endIndex = state.appliedIndex + 1;
  if (offset >= hw) return { fromIndex: endIndex, endIndex, readBytes: 0, highWatermark: hw, logStartOffset: state.logStartOffset };
  const point = state.index.floorByOffset(offset);
  return {
    fromIndex: point.raftIndex,
    endIndex,
    readBytes: maxBytes + state.options.indexIntervalBytes,
    highWatermark: hw,
    logStartOffset: state.logStartOffset,
  };
}

export interface DecodedRecords {
  readonly records: FetchedRecord[];
  /** Sum of the records' encoded sizes. */
  readonly bytes: number;
  /** The offset to fetch next. */
  readonly nextOffset: number;
  /** The Raft index to continue reading at (0 if `entries` was empty). */
  readonly nextIndex: number;
  /** True if the fetch stopped at the high watermark or the byte budget; false if it ran out of entries. */
  readonly complete: boolean;
}

/**
 * Turn entries (read from planFetch's fromIndex on) into records with offsets: skips no-ops,
 * membership entries and records below `fromOffset`, stops before `highWatermark` and before the
 * byte budget is exceeded, except that it returns at least one record if one is available and
 * `atLeastOne` (the first read of a fetch, as Kafka: a record larger than the budget still gets
 * through). Throws INTERNAL if the entries skip over `fromOffset` (they were not read from the plan).
 */
export function decodeRecords(
  entries: readonly Entry[],
  fromOffset: number,
  highWatermark: number,
  maxBytes: number,
  context: PartitionContext,
  atLeastOne = true,
): DecodedRecords {
  const records: FetchedRecord[] = [];
  let bytes = 0;
  let next = fromOffset;
  const done = (nextIndex: number, complete: boolean): DecodedRecords => ({ records, bytes, nextOffset: next, nextIndex, complete });
  if (next >= highWatermark) return done(entries.length > 0 ? entries[0].index : 0, true);
  for (const e of entries) {
    if (e.type !== EntryType.Normal || !isRecordBatch(e.data)) continue;
    const h = decodeBatchHeader(e.data, context, e.index);
    if (h.baseOffset + h.recordCount <= next) continue;
    if (h.baseOffset > next) {
      throw internalError(context, `the entries read for a fetch at offset ${next} start at offset ${h.baseOffset} (raft index ${e.index}); read from the index planFetch gives`);
    }
    const reader = new RecordReader(e.data, h, context, e.index);
    while (reader.remaining > 0 && reader.nextOffset < next) reader.skip();
    while (reader.remaining > 0) {
      if (next >= highWatermark) return done(e.index, true);
      const size = reader.nextSize();
      if (bytes + size > maxBytes && (records.length > 0 || !atLeastOne)) return done(e.index, true);
      records.push(reader.read());
      bytes += size;
      next++;
    }
    if (next >= highWatermark) return done(e.index + 1, true);
  }
  return done(entries.length > 0 ? entries[entries.length - 1].index + 1 : 0, false);
}

/** Reads entries [lo, hi) of the partition's Raft log, at least one if any, then at most about maxBytes. */
export type ReadEntries = (lo: number, hi: number, maxBytes: number) => readonly Entry[] | Promise<readonly Entry[]>;

/**
 * A whole fetch: plan, then read and decode until the budget, the high watermark or the applied
 * end of the log. The storage read is the only I/O, and the caller supplies it.
 */
export async function fetchRecords(
  state: PartitionState,
  offset: number,
  maxBytes: number,
  read: ReadEntries,
  highWatermark: number = state.highWatermark,
): Promise<DecodedRecords> {
  const plan = planFetch(state, offset, maxBytes, highWatermark);
  const records: FetchedRecord[] = [];
  let bytes = 0;
  let next = offset;
  let index = plan.fromIndex;
  let complete = index >= plan.endIndex;
  while (!complete && index < plan.endIndex) {
    const entries = await read(index, plan.endIndex, Math.max(plan.readBytes - bytes, 1));
    if (entries.length === 0) break;
    const r = decodeRecords(entries, next, plan.highWatermark, maxBytes - bytes, state.context, records.length === 0);
    for (const rec of r.records) records.push(rec);
    bytes += r.bytes;
    next = r.nextOffset;
    index = r.nextIndex;
    complete = r.complete;
  }
  return { records, bytes, nextOffset: next, nextIndex: index, complete: complete || next >= plan.highWatermark };
}
