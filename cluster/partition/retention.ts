import type { PartitionState } from './partition-state';

/** Kafka's retention settings; undefined or -1 means no limit. */
export interface RetentionConfig {
  /** Remove a segment once all its records are older than this (by record timestamp). */
  readonly retentionMs?: number;
  /** Remove the oldest segments while the log stays at least this large without them. */
  readonly retentionBytes?: number;
}

/**
 * How far retention lets the host compact the Raft log: the largest segment boundary (a Raft index
 * where apply emitted a snapshot) through which every removed segment is expired by time or
 * surplus by size, or undefined if nothing can go. Only whole segments, so only whole batches,
 * and never past the applied index. The host then installs that segment's snapshot as the Raft
 * snapshot, compacts the log through the index, and calls state.compactedThrough(index).
 */
export function retentionCompactIndex(state: PartitionState, config: RetentionConfig, nowMs: number): number | undefined {
  const limited = (n: number | undefined): n is number => n !== undefined && n >= 0;
  const points = state.index.all();
  let best: number | undefined;
  // Points are in log order and both conditions are monotone along it: scan from the newest down.
  for (let i = points.length - 1; i > 0; i--) {
    const p = points[i];
    if (!p.segmentStart) continue;
    const expired = limited(config.retentionMs) && p.maxTimestampBefore < nowMs - config.retentionMs;
    const surplus = limited(config.retentionBytes) && state.totalBytes - p.bytesBefore >= config.retentionBytes;
    if (expired || surplus) {
      best = p.raftIndex - 1;
      break;
    }
  }
  return best !== undefined && best <= state.appliedIndex ? best : undefined;
}

/**
 * How far a compacted partition's Raft log may be truncated because compaction left nothing in
 * it: the largest segment boundary at or below `emptyThroughIndex` (the cleaner's progress: every
 * entry through it holds no record), or undefined. The host treats it as retentionCompactIndex's
 * answer (that segment's snapshot becomes the Raft snapshot): the log start offset moves past
 * records that are all gone, and a replica resynced from that snapshot gets the state there plus
 * the compacted log after it, never the history.
 */
export function emptyPrefixCompactIndex(state: PartitionState, emptyThroughIndex: number): number | undefined {
  const points = state.index.all();
  for (let i = points.length - 1; i > 0; i--) {
    const p = points[i];
    if (p.segmentStart && p.raftIndex - 1 <= emptyThroughIndex && p.raftIndex - 1 <= state.appliedIndex) return p.raftIndex - 1;
  }
  return undefined;
}
