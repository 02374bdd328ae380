/**
 * A point of the sparse offset index: reading the Raft log from `raftIndex` on yields every record
 * with offset >= `baseOffset`. Points are made while applying (every indexIntervalBytes of batch
 * data or indexIntervalEntries batches, and at every segment boundary), so every replica has the
 * same points. The first point is always the log start.
 */
export interface IndexPoint {
  readonly raftIndex: number;
  readonly baseOffset: number;
  /** Largest record timestamp of everything before this point (-1: none): lets a timestamp lookup skip. */
  readonly maxTimestampBefore: number;
  /** Batch bytes appended to the partition before this point, since its creation: sizes for retention.bytes. */
  readonly bytesBefore: number;
  /** A segment boundary: the state was snapshotted at raftIndex - 1, so the log can be compacted through it. */
  readonly segmentStart: boolean;
}

export class SparseIndex {
  private points: IndexPoint[] = [];

  constructor(first: IndexPoint) {
    this.points.push(first);
  }

  get length(): number {
    return this.points.length;
  }

  first(): IndexPoint {
    return this.points[0];
  }

  last(): IndexPoint {
    return this.points[this.points.length - 1];
  }

  all(): readonly IndexPoint[] {
    return this.points;
  }

  add(p: IndexPoint): void {
    const last = this.last();
    if (p.raftIndex <= last.raftIndex || p.baseOffset < last.baseOffset) {
      throw new RangeError(`index point (raft ${p.raftIndex}, offset ${p.baseOffset}) is not after (raft ${last.raftIndex}, offset ${last.baseOffset})`);
    }
    this.points.push(p);
  }

  /** The last point at or before `offset` (the first point if none is). */
  floorByOffset(offset: number): IndexPoint {
    return this.points[this.lastWhere((p) => p.baseOffset <= offset)];
  }

  /** The last point before which every record is older than `timestamp` (the first point if none). */
  floorByTimestamp(timestamp: number): IndexPoint {
    return this.points[this.lastWhere((p) => p.maxTimestampBefore < timestamp)];
  }

  /** The point at exactly `raftIndex`, if there is one. */
  pointAt(raftIndex: number): IndexPoint | undefined {
    const p = this.points[this.lastWhere((q) => q.raftIndex <= raftIndex)];
    return p.raftIndex === raftIndex ? p : undefined;
  }

  /** Forget the points before `raftIndex` (the log before it is gone). A point must remain at raftIndex. */
  dropBefore(raftIndex: number): void {
    const i = this.lastWhere((q) => q.raftIndex <= raftIndex);
    if (this.points[i].raftIndex !== raftIndex) throw new RangeError(`no index point at raft index ${raftIndex}`);
    if (i > 0) this.points = this.points.slice(i);
  }

  /** Binary search over a predicate that is true on a prefix of the points; 0 if it is true on none. */
  private lastWhere(pred: (p: IndexPoint) => boolean): number {
    let lo = 0;
    let hi = this.points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (pred(this.points[mid])) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
