import { type Entry, EntryType } from '../../raft';
import { readRecords } from '../records';
import { type PartitionContext, PartitionError } from './errors';
import type { ReadEntries } from './fetch';
import type { PartitionState } from './partition-state';
import { readStoredBatch } from './stored-batch';

/** Kafka's ListOffsets specs: the log start, the log end (high watermark), or the first record at or after a time. */
export type OffsetSpec = 'earliest' | 'latest' | { readonly timestamp: number };

export function earliestOffset(state: PartitionState): number {
  return state.logStartOffset;
}

export function latestOffset(state: PartitionState): number {
  return state.highWatermark;
}

export interface TimestampPlan {
  readonly fromIndex: number;
  readonly endIndex: number;
  /** Records below this offset are gone (the log start) and are not answers. */
  readonly fromOffset: number;
}

/**
 * Where to scan for the first record whose timestamp is >= `timestamp`: from the last index
 * point before which every record is older. Undefined if no record ever applied is that recent.
 */
export function planTimestampLookup(state: PartitionState, timestamp: number): TimestampPlan | undefined {
  if (timestamp > state.maxTimestamp || state.nextOffset === state.logStartOffset) return undefined;
  const p = state.index.floorByTimestamp(timestamp);
  return { fromIndex: p.raftIndex, endIndex: state.appliedIndex + 1, fromOffset: Math.max(p.baseOffset, state.logStartOffset) };
}

export type TimestampScan = { readonly found: true; readonly offset: number } | { readonly found: false; readonly nextIndex: number };

/**
 * Scan entries for the first record at or above `fromOffset` whose timestamp is >= `timestamp`.
 * Batches whose largest timestamp is older are skipped on their header alone.
 */
export function scanForTimestamp(entries: readonly Entry[], timestamp: number, fromOffset: number, context: PartitionContext): TimestampScan {
  for (const e of entries) {
    if (e.type !== EntryType.Normal || e.data.length === 0) continue;
    const s = readStoredBatch(e.data, context, e.index);
    const h = s.header;
    if (h.recordCount === 0 || h.maxTimestamp < timestamp || s.endOffset <= fromOffset) continue;
    // LogAppendTime: every record reads as maxTimestamp, which is >= timestamp here.
    if (h.timestampType === 'logAppend') return { found: true, offset: Math.max(h.baseOffset, fromOffset) };
    try {
      for (const r of readRecords(s.batch, h, fromOffset)) if (r.timestamp >= timestamp) return { found: true, offset: r.offset };
    } catch (err) {
      throw new PartitionError('CORRUPT_BATCH', context, `the entry at raft index ${e.index}: ${(err as Error).message}`, { raftIndex: e.index });
    }
  }
  return { found: false, nextIndex: entries.length > 0 ? entries[entries.length - 1].index + 1 : 0 };
}

/** A whole lookup: the offset answering `spec`, or undefined when no record is at or after the timestamp. */
export async function listOffset(state: PartitionState, spec: OffsetSpec, read: ReadEntries, readBytes = 1 << 20): Promise<number | undefined> {
  if (spec === 'earliest') return earliestOffset(state);
  if (spec === 'latest') return latestOffset(state);
  const plan = planTimestampLookup(state, spec.timestamp);
  if (!plan) return undefined;
  let index = plan.fromIndex;
  while (index < plan.endIndex) {
    const entries = await read(index, plan.endIndex, readBytes);
    if (entries.length === 0) break;
    const r = scanForTimestamp(entries, spec.timestamp, plan.fromOffset, state.context);
    if (r.found) return r.offset;
    index = r.nextIndex;
  }
  return undefined;
}
