import type { IndexPoint } from './sparse-index';

/** Where the partition stood after applying a Raft index: the next offset and the bytes appended so far. */
export interface OffsetMark {
  readonly raftIndex: number;
  readonly nextOffset: number;
  readonly totalBytes: number;
}

/** What followerPosition needs of the partition state (PartitionState has it). */
export interface AppliedView {
  readonly appliedIndex: number;
  readonly nextOffset: number;
  readonly totalBytes: number;
  readonly index: { all(): readonly IndexPoint[] };
}

/**
 * The last few apply points of a replica (Raft index -> next offset, bytes), so that its leader
 * can turn a follower's match index into an offset: Raft's progress knows indexes, lags are in
 * records. One mark per apply call, in a fixed ring (a few KiB per partition), so it costs
 * nothing per record; older indexes fall back to the sparse index (followerPosition).
 */
export class OffsetTrail {
  private readonly marks: Float64Array;
  private count = 0;
  private head = 0;

  constructor(readonly capacity = 64) {
    this.marks = new Float64Array(capacity * 3);
  }

  /** The partition applied through `m.raftIndex`. Indexes must increase (a restore or reset calls clear() first). */
  record(m: OffsetMark): void {
    const last = this.latest();
    if (last && m.raftIndex <= last.raftIndex) return;
    const at = this.head * 3;
    this.marks[at] = m.raftIndex;
    this.marks[at + 1] = m.nextOffset;
    this.marks[at + 2] = m.totalBytes;
    this.head = (this.head + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  clear(): void {
    this.count = 0;
    this.head = 0;
  }

  private at(k: number): OffsetMark {
    // k = 0 is the oldest kept mark.
    const slot = ((this.head - this.count + k + this.capacity) % this.capacity) * 3;
    return { raftIndex: this.marks[slot], nextOffset: this.marks[slot + 1], totalBytes: this.marks[slot + 2] };
  }

  latest(): OffsetMark | undefined {
    return this.count === 0 ? undefined : this.at(this.count - 1);
  }

  /** The newest mark at or below `raftIndex`, if the trail reaches back that far. */
  floor(raftIndex: number): OffsetMark | undefined {
    let lo = 0;
    let hi = this.count - 1;
    let found: OffsetMark | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.at(mid);
      if (m.raftIndex <= raftIndex) {
        found = m;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

/** A follower's place in the partition, as far as the leader can tell from its match index. */
export interface FollowerPosition {
  /** The offset the follower's log reaches (its next offset); never above the truth. */
  readonly offset: number;
  /** Records behind the leader's high watermark; never below the truth. */
  readonly lagRecords: number;
  /** Bytes of record batches behind the leader's high watermark; never below the truth. */
  readonly lagBytes: number;
  /** The position is exact (an apply point), not a bound from the sparse index or the log start. */
  readonly exact: boolean;
}

/**
 * Where a follower whose log matches the leader's through Raft index `match` stands, against the
 * leader's applied state. A match at or past the leader's applied index holds every committed
 * record: lag 0. Otherwise the newest known point at or below the match (the trail's apply
 * marks, or a sparse index point: reading from its Raft index on yields its base offset) gives a
 * lower bound on the follower's offset, so the lag is never under-stated: exact when the match is
 * an apply point still in the trail, else over by at most one index interval (64 KiB or 256
 * batches by default). A match below the log start (the follower needs a snapshot) counts from
 * the log start: at least that far behind.
 */
export function followerPosition(state: AppliedView, trail: OffsetTrail, match: number): FollowerPosition {
  const hw = state.nextOffset;
  if (match >= state.appliedIndex) return { offset: hw, lagRecords: 0, lagBytes: 0, exact: true };
  const fromTrail = trail.floor(match);
  const points = state.index.all();
  // The last point whose Raft index is at most match + 1: everything before it is in the follower's log.
  let lo = 0;
  let hi = points.length - 1;
  let point: IndexPoint | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid].raftIndex <= match + 1) {
      point = points[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  let best: OffsetMark | undefined = point && { raftIndex: point.raftIndex - 1, nextOffset: point.baseOffset, totalBytes: point.bytesBefore };
  if (fromTrail && (!best || fromTrail.raftIndex >= best.raftIndex)) best = fromTrail;
  const exact = best !== undefined && best.raftIndex === match;
  if (!best) {
    const start = points[0];
    best = { raftIndex: start.raftIndex - 1, nextOffset: start.baseOffset, totalBytes: start.bytesBefore };
  }
  return {
    offset: best.nextOffset,
    lagRecords: Math.max(0, hw - best.nextOffset),
    lagBytes: Math.max(0, state.totalBytes - best.totalBytes),
    exact,
  };
}
