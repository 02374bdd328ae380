import { type Entry, EntryType } from '../../raft';
import { type PartitionContext, PartitionError, internalError } from './errors';
import type { PartitionState } from './partition-state';
import { readStoredBatch } from './stored-batch';

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

export interface FetchedBatches {
  /**
   * The stored record batches (RecordBatch v2, as the leader stamped them), whole and in order:
   * the first may begin before the fetch offset (the consumer skips those records), none holds
   * a record at or past the high watermark. The entries' own bytes: nothing is decoded or copied.
   * In a compacted partition some offsets are holes (their records were removed): the batches
   * still come in offset order, and a batch left with no records is not returned.
   */
  readonly batches: Uint8Array[];
  /** Sum of the batches' sizes. */
  readonly bytes: number;
  /** The offset to fetch next (one past the last batch's last record). */
  readonly nextOffset: number;
  /** The Raft index to continue reading at (0 if `entries` was empty). */
  readonly nextIndex: number;
  /** True if the fetch stopped at the high watermark or the byte budget; false if it ran out of entries. */
  readonly complete: boolean;
}

/**
 * Pick the batches to return from entries (read from planFetch's fromIndex on): skips no-ops,
 * membership entries and batches wholly below `fromOffset`, stops at `highWatermark` and before
 * the byte budget is exceeded, except that it returns at least one batch if one is available and
 * `atLeastOne` (the first read of a fetch, as Kafka: a batch larger than the budget still gets
 * through). Reads batch headers only. Throws INTERNAL if the entries skip over `fromOffset`
 * (they were not read from the plan).
 */
export function selectBatches(
  entries: readonly Entry[],
  fromOffset: number,
  highWatermark: number,
  maxBytes: number,
  context: PartitionContext,
  atLeastOne = true,
): FetchedBatches {
  const batches: Uint8Array[] = [];
  let bytes = 0;
  let next = fromOffset;
  const done = (nextIndex: number, complete: boolean): FetchedBatches => ({ batches, bytes, nextOffset: next, nextIndex, complete });
  if (next >= highWatermark) return done(entries.length > 0 ? entries[0].index : 0, true);
  for (const e of entries) {
    if (e.type !== EntryType.Normal || e.data.length === 0) continue;
    const s = readStoredBatch(e.data, context, e.index);
    const h = s.header;
    const end = s.endOffset;
    if (end <= next) continue;
    if (h.baseOffset > next) {
      throw internalError(context, `the entries read for a fetch at offset ${next} start at offset ${h.baseOffset} (raft index ${e.index}); read from the index planFetch gives`);
    }
    // Only applied (committed) entries are read, and a batch is applied whole: none straddles the high watermark.
    if (end > highWatermark) return done(e.index, true);
    // A batch compaction emptied is passed over (its offsets are holes), never returned.
    if (h.recordCount > 0) {
      if (bytes + s.batch.length > maxBytes && (batches.length > 0 || !atLeastOne)) return done(e.index, true);
      batches.push(s.batch);
      bytes += s.batch.length;
    }
    next = end;
    if (next >= highWatermark) return done(e.index + 1, true);
  }
  return done(entries.length > 0 ? entries[entries.length - 1].index + 1 : 0, false);
}

/** Reads entries [lo, hi) of the partition's Raft log, at least one if any, then at most about maxBytes. */
export type ReadEntries = (lo: number, hi: number, maxBytes: number) => readonly Entry[] | Promise<readonly Entry[]>;

/**
 * A whole fetch: plan, then read and select batches until the budget, the high watermark or the
 * applied end of the log. The storage read is the only I/O, and the caller supplies it.
 */
export async function fetchBatches(
  state: PartitionState,
  offset: number,
  maxBytes: number,
  read: ReadEntries,
  highWatermark: number = state.highWatermark,
): Promise<FetchedBatches> {
  const plan = planFetch(state, offset, maxBytes, highWatermark);
  const batches: Uint8Array[] = [];
  let bytes = 0;
  let next = offset;
  let index = plan.fromIndex;
  let complete = index >= plan.endIndex;
  while (!complete && index < plan.endIndex) {
    const entries = await read(index, plan.endIndex, Math.max(plan.readBytes - bytes, 1));
    if (entries.length === 0) break;
    const r = selectBatches(entries, next, plan.highWatermark, maxBytes - bytes, state.context, batches.length === 0);
    for (const b of r.batches) batches.push(b);
    bytes += r.bytes;
    next = r.nextOffset;
    index = r.nextIndex;
    complete = r.complete;
  }
  return { batches, bytes, nextOffset: next, nextIndex: index, complete: complete || next >= plan.highWatermark };
}
