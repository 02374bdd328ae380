import { type ConfState, decodeConfChange, type Entry, EntryType, type Snapshot } from '../../raft';
import { NO_PRODUCER_ID, type RecordBatchHeader } from '../records';
import { resolveStateOptions, type StateOptions } from './config';
import { internalError, type PartitionContext } from './errors';
import { addSequence, checkSequence, ProducerTable } from './producer-table';
import { SparseIndex } from './sparse-index';
import { decodeStateImage, encodeStateImage, type StateImage } from './state-snapshot';
import { originalCrcOf, readStoredBatch } from './stored-batch';

export interface PartitionStateInit {
  /** Per-topic settings; must be the same on every replica (see StateOptions). */
  readonly options?: Partial<StateOptions>;
  /** The group's initial membership, reported in snapshots until a conf change entry is applied. */
  readonly conf?: ConfState;
}

const NONE_APPLIED: readonly Snapshot[] = [];

/**
 * The replicated state of one partition, built by applying its Raft log in order: the next offset
 * (= the high watermark, since only committed entries are applied), the log start offset, the
 * idempotent producers' table and the sparse offset index. Pure and deterministic: the same
 * entries applied to the same starting state give the same state on every replica.
 *
 * Every record batch was validated by its leader against exactly the state of the log before it
 * (see LeaderSession), so apply never refuses a batch; it re-checks that as an invariant and
 * throws an INTERNAL PartitionError if it does not hold.
 *
 * Segments: after every segmentBytes of batch data (or segmentMs of record time) apply emits a
 * snapshot of the state at that entry. The host keeps these: retention compacts the Raft log only
 * through one of them (retentionCompactIndex), and it becomes the Raft snapshot.
 */
export class PartitionState {
  readonly options: StateOptions;
  private _appliedIndex = 0;
  private _appliedTerm = 0;
  private _nextOffset = 0;
  private _logStartOffset = 0;
  private _maxTimestamp = -1;
  private _totalBytes = 0;
  private _conf: ConfState;
  private producerTable: ProducerTable;
  private sparse: SparseIndex;
  private bytesSincePoint = 0;
  private entriesSincePoint = 0;
  private segmentBytes = 0;
  private segmentFirstTimestamp = -1;

  constructor(
    readonly context: PartitionContext,
    init: PartitionStateInit = {},
  ) {
    this.options = resolveStateOptions(init.options);
    this._conf = init.conf ?? { voters: [], learners: [] };
    this.producerTable = ProducerTable.empty(this.options.maxProducers);
    this.sparse = new SparseIndex({ raftIndex: 1, baseOffset: 0, maxTimestampBefore: -1, bytesBefore: 0, segmentStart: true });
  }

  /**
   * The state as of a snapshot. The Raft log then holds nothing at or below the snapshot's index,
   * so the partition's log starts at the snapshot's next offset.
   */
  static restore(context: PartitionContext, snapshot: Snapshot, init: Omit<PartitionStateInit, 'conf'> = {}): PartitionState {
    const img = decodeStateImage(snapshot.data, context, snapshot.metadata.index);
    const s = new PartitionState(context, { options: init.options, conf: snapshot.metadata.conf });
    for (const [k, v] of Object.entries(s.options) as Array<[keyof StateOptions, number]>) {
      if (img.options[k] !== v) {
        throw internalError(context, `the snapshot at raft index ${snapshot.metadata.index} was made with ${k}=${img.options[k]}, this replica is configured with ${v}; every replica of a partition needs the same settings`);
      }
    }
    if (img.appliedIndex !== snapshot.metadata.index) {
      throw internalError(context, `snapshot metadata says raft index ${snapshot.metadata.index} but its state is as of ${img.appliedIndex}`);
    }
    s._appliedIndex = img.appliedIndex;
    s._appliedTerm = img.appliedTerm;
    s._nextOffset = img.nextOffset;
    s._logStartOffset = img.nextOffset;
    s._maxTimestamp = img.maxTimestamp;
    s._totalBytes = img.totalBytes;
    s.bytesSincePoint = img.bytesSincePoint;
    s.entriesSincePoint = img.entriesSincePoint;
    s.segmentBytes = img.segmentBytes;
    s.segmentFirstTimestamp = img.segmentFirstTimestamp;
    for (const [pid, e] of img.producers) s.producerTable.load(pid, e);
    s.sparse = new SparseIndex({
      raftIndex: img.appliedIndex + 1,
      baseOffset: img.nextOffset,
      maxTimestampBefore: img.maxTimestamp,
      bytesBefore: img.totalBytes,
      segmentStart: true,
    });
    return s;
  }

  get appliedIndex(): number {
    return this._appliedIndex;
  }

  /** Term of the last applied entry: a leader accepts produces once this reaches its own term. */
  get appliedTerm(): number {
    return this._appliedTerm;
  }

  /** The offset the next record will get; also the high watermark (only committed entries are applied). */
  get nextOffset(): number {
    return this._nextOffset;
  }

  get highWatermark(): number {
    return this._nextOffset;
  }

  /** The first offset still in the log; fetches below it are OFFSET_OUT_OF_RANGE. */
  get logStartOffset(): number {
    return this._logStartOffset;
  }

  /** Largest record timestamp ever applied (-1: none). */
  get maxTimestamp(): number {
    return this._maxTimestamp;
  }

  /** Batch bytes applied since the partition was created. */
  get totalBytes(): number {
    return this._totalBytes;
  }

  /** Bytes of batch data still in the log (from the log start). */
  get retainedBytes(): number {
    return this._totalBytes - this.sparse.first().bytesBefore;
  }

  get conf(): ConfState {
    return this._conf;
  }

  get producers(): ProducerTable {
    return this.producerTable;
  }

  get index(): SparseIndex {
    return this.sparse;
  }

  /**
   * Apply committed entries, in order, starting right after appliedIndex. Returns the snapshots
   * taken at segment boundaries crossed on the way (usually none): the host stores them.
   */
  apply(entries: readonly Entry[]): readonly Snapshot[] {
    let snapshots = NONE_APPLIED;
    for (const e of entries) {
      if (e.index !== this._appliedIndex + 1) {
        throw internalError(this.context, `asked to apply raft index ${e.index} after ${this._appliedIndex}; entries must be applied once each, in order`);
      }
      if (e.type === EntryType.ConfChange) {
        this._conf = decodeConfChange(e.data).conf;
      } else if (e.data.length > 0 && this.applyBatch(e)) {
        if (snapshots === NONE_APPLIED) snapshots = [];
        (snapshots as Snapshot[]).push(this.snapshot());
        continue; // applyBatch advanced appliedIndex before snapshotting
      }
      this._appliedIndex = e.index;
      this._appliedTerm = e.term;
    }
    return snapshots;
  }

  /** Returns true if the batch ended a segment (and appliedIndex is already advanced). */
  private applyBatch(e: Entry): boolean {
    const stored = readStoredBatch(e.data, this.context, e.index);
    const h = stored.header;
    if (h.baseOffset !== this._nextOffset) {
      throw internalError(this.context, `the batch at raft index ${e.index} starts at offset ${h.baseOffset} but the partition's next offset is ${this._nextOffset}; it was not validated against the log before it`);
    }
    // lastOffsetDelta + 1 is the original record count, also after compaction removed records.
    const lastSequence = h.producerId === NO_PRODUCER_ID ? -1 : addSequence(h.baseSequence, h.lastOffsetDelta);
    // Derived from the stored header (O(log n), no pass over the records): equal to what the
    // leader compared when it accepted the batch, whatever it stamped (a compacted entry keeps it).
    const checksum = h.producerId === NO_PRODUCER_ID ? null : originalCrcOf(stored);
    if (h.producerId !== NO_PRODUCER_ID) {
      const check = checkSequence(this.producerTable.get(h.producerId), h.producerEpoch, h.baseSequence, lastSequence, checksum);
      if (check.kind !== 'accept') {
        throw internalError(this.context, `the batch at raft index ${e.index} (producer ${h.producerId} epoch ${h.producerEpoch} sequences ${h.baseSequence}..${lastSequence}) is ${check.kind} against the applied producer state`);
      }
    }
    const o = this.options;
    if (this.bytesSincePoint >= o.indexIntervalBytes || this.entriesSincePoint >= o.indexIntervalEntries) {
      this.addPoint(e.index, false);
    }
    if (this.segmentBytes === 0) this.segmentFirstTimestamp = h.maxTimestamp;
    // Sizes are the original's (a compacted entry keeps it), so that index points and segment
    // ends fall where they fell before compaction, on every replica.
    const size = stored.originalSize;
    this._nextOffset = stored.endOffset;
    this._totalBytes += size;
    if (h.maxTimestamp > this._maxTimestamp) this._maxTimestamp = h.maxTimestamp;
    this.bytesSincePoint += size;
    this.entriesSincePoint += 1;
    this.segmentBytes += size;
    if (h.producerId !== NO_PRODUCER_ID) {
      this.producerTable.record(h.producerId, h.producerEpoch, { baseSequence: h.baseSequence, lastSequence, baseOffset: h.baseOffset, checksum });
    }
    this._appliedIndex = e.index;
    this._appliedTerm = e.term;
    if (this.segmentBytes >= o.segmentBytes || h.maxTimestamp - this.segmentFirstTimestamp >= o.segmentMs) {
      this.addPoint(e.index + 1, true);
      this.segmentBytes = 0;
      this.segmentFirstTimestamp = -1;
      return true;
    }
    return false;
  }

  private addPoint(raftIndex: number, segmentStart: boolean): void {
    this.bytesSincePoint = 0;
    this.entriesSincePoint = 0;
    // A restored state already has its boundary point here (with the same offset, time and size).
    if (this.sparse.last().raftIndex === raftIndex) return;
    this.sparse.add({
      raftIndex,
      baseOffset: this._nextOffset,
      maxTimestampBefore: this._maxTimestamp,
      bytesBefore: this._totalBytes,
      segmentStart,
    });
  }

  /** The state as of appliedIndex, records excluded. */
  snapshot(): Snapshot {
    return {
      metadata: { index: this._appliedIndex, term: this._appliedTerm, conf: this._conf },
      data: encodeStateImage(this.image()),
    };
  }

  private image(): StateImage {
    return {
      appliedIndex: this._appliedIndex,
      appliedTerm: this._appliedTerm,
      nextOffset: this._nextOffset,
      maxTimestamp: this._maxTimestamp,
      totalBytes: this._totalBytes,
      bytesSincePoint: this.bytesSincePoint,
      entriesSincePoint: this.entriesSincePoint,
      segmentBytes: this.segmentBytes,
      segmentFirstTimestamp: this.segmentFirstTimestamp,
      options: this.options,
      producers: [...this.producerTable.entries()],
    };
  }

  /**
   * The host compacted the Raft log through `raftIndex` (a segment boundary, as chosen by
   * retentionCompactIndex): the log now starts at the offset of the point after it.
   */
  compactedThrough(raftIndex: number): void {
    const point = this.sparse.pointAt(raftIndex + 1);
    if (!point || raftIndex > this._appliedIndex) {
      throw internalError(this.context, `the log was compacted through raft index ${raftIndex}, which is not a segment boundary at or below the applied index ${this._appliedIndex}`);
    }
    this.sparse.dropBefore(raftIndex + 1);
    this._logStartOffset = point.baseOffset;
  }
}

/**
 * The header of a batch read back from the log (of the batch as stored: a compacted one may hold
 * fewer records than its offset span). See readStoredBatch.
 */
export function storedBatchHeader(data: Uint8Array, context: PartitionContext, raftIndex: number): RecordBatchHeader {
  return readStoredBatch(data, context, raftIndex).header;
}
