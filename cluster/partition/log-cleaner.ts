import { type Entry, EntryType } from '../../raft';
import { filterRecordBatch, type RecordBatchHeader, visitRecords } from '../records';
import type { PartitionContext } from './errors';
import type { ReadEntries } from './fetch';
import { keyHash, OffsetMap } from './offset-map';
import type { PartitionState } from './partition-state';
import { encodeCompactedEntry, NO_DELETE_HORIZON, readStoredBatch } from './stored-batch';

/** A compacted topic's settings (Kafka's names and defaults). */
export interface CompactionConfig {
  /** How long a tombstone stays after the pass that first cleaned it (delete.retention.ms, 1 day). */
  readonly deleteRetentionMs: number;
  /** A record stays uncompacted at least this long (min.compaction.lag.ms, 0). */
  readonly minCompactionLagMs: number;
  /** ... and is compacted once its batch is this old, whatever the dirty ratio (max.compaction.lag.ms, unlimited). */
  readonly maxCompactionLagMs: number;
  /** A pass runs once dirty bytes are at least this share of the cleanable log (min.cleanable.dirty.ratio, 0.5). */
  readonly minCleanableDirtyRatio: number;
}

export const DEFAULT_COMPACTION: CompactionConfig = {
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
  minCleanableDirtyRatio: 0.5,
};

export interface CleanerOptions {
  /** The offset map's memory (Kafka's log.cleaner.dedupe.buffer.size): bounds a pass's memory. */
  readonly mapBytes: number;
  /** Bytes read (and rewritten) at a time. */
  readonly readBytes: number;
}

export const DEFAULT_CLEANER_OPTIONS: CleanerOptions = { mapBytes: 32 * 1024 * 1024, readBytes: 1024 * 1024 };

/** What describe shows of a replica's cleaner (local to the replica: every replica cleans its own log). */
export interface CleanerProgress {
  readonly passes: number;
  /** Entries through this Raft index have been cleaned (0: none yet, since this replica started). */
  readonly cleanedThroughIndex: number;
  /** ... that is, every offset below this one. */
  readonly cleanedThroughOffset: number;
  /** Bytes of entries removed by compaction on this replica since it started. */
  readonly bytesReclaimed: number;
  readonly recordsRemoved: number;
  readonly tombstonesRemoved: number;
  /** Dirty bytes / (clean + dirty) bytes of the cleanable log, as the last check found it. */
  readonly dirtyRatio: number;
  /** Every entry through this Raft index holds no record any more (the log could be truncated there). */
  readonly emptyThroughIndex: number;
  /** When the last pass ended (host clock, ms; -1: never). */
  readonly lastPassAt: number;
}

/** Why a check found nothing to clean, or the range a pass will clean. */
export type CleanPlan =
  | { readonly clean: false; readonly why: string; readonly dirtyRatio: number }
  | {
      readonly clean: true;
      /** The first entry of the log (rewritten through mapEnd) and the first dirty one. */
      readonly startIndex: number;
      readonly dirtyIndex: number;
      /** One past the last cleanable entry: the active segment's start, or the first segment younger than min.compaction.lag.ms. */
      readonly limitIndex: number;
      readonly dirtyRatio: number;
      readonly why: string;
    };

/** Stores rewritten entries (same index and term, new data) in the replica's log. */
export type RewriteEntries = (entries: readonly Entry[]) => void | Promise<void>;

export interface PassResult {
  /** The dirty section was taken up to here (exclusive): the map was full, or the limit. */
  readonly mapEndIndex: number;
  readonly entriesRewritten: number;
  readonly bytesReclaimed: number;
  readonly recordsRemoved: number;
  readonly tombstonesRemoved: number;
}

/**
 * Kafka's log cleaner for one partition replica, over the partition's Raft log. Every replica runs
 * its own (nothing of it is replicated): a pass reads applied entries of closed segments, and
 * hands back the same entries (same index, same term) with fewer records, wrapped so that apply
 * reads them exactly as the originals (stored-batch.ts). So Raft never sees a change: no entry
 * index disappears, terms stay, and a follower catching up from a leader gets entries that are
 * already compacted, which it applies to the same state.
 *
 * A pass (clean()):
 *  1. the cleanable range ends before the active segment and before the first segment with a
 *     record younger than min.compaction.lag.ms (by the index points' largest timestamp before);
 *     the dirty part starts after what the last pass cleaned (everything, after a restart);
 *  2. it runs if dirty bytes / cleanable bytes >= min.cleanable.dirty.ratio, or if the first
 *     dirty batch is older than max.compaction.lag.ms;
 *  3. it reads the dirty part, putting each key's latest offset in the offset map, until the map
 *     would overflow: the pass then covers only that far (the next pass goes on from there);
 *  4. it reads the log from its start to there and keeps a record unless the map has a later
 *     offset for its key, or it is a tombstone whose batch's delete horizon has passed (and it
 *     is below `tombstoneFloor`). A batch that keeps a tombstone and has no horizon gets one:
 *     now + delete.retention.ms. Records without a key are kept.
 * Memory: the map (mapBytes) and one read (readBytes) at a time; rewrites are handed on per read.
 */
export class LogCleaner {
  private passes = 0;
  private cleanedThrough = 0;
  private cleanedThroughOffset = 0;
  /** Logical (original) bytes before cleanedThrough + 1, on the partition's running count. */
  private cleanedBytesBefore = 0;
  /** Bytes of the entries from the log start through cleanedThrough, as the last pass left them. */
  private cleanBytes = 0;
  private cleanStartIndex = 0;
  private reclaimed = 0;
  private removed = 0;
  private tombstones = 0;
  private ratio = 0;
  private emptyThrough = 0;
  private lastPassAt = -1;
  /** The earliest delete horizon of a tombstone the last pass kept (it goes in a pass at or after it). */
  private tombstoneDue = Infinity;
  /** The lowest offset of a tombstone past its horizon that the last pass kept only for the floor. */
  private flooredFrom = Infinity;
  /** The first dirty batch's max timestamp as last read (max.compaction.lag.ms), by the index the dirty part started at. */
  private firstDirty: { index: number; limit: number; maxTimestamp: number | undefined } | undefined;
  /** Bytes of the clean part before each segment boundary in it, as the last pass left them (the log start moves only to one). */
  private cleanBytesAt = new Map<number, number>();
  private readonly map: OffsetMap;
  private readonly hash = new Uint32Array(4);

  /**
   * `map`: the offset map to use, instead of one of `options.mapBytes` of its own. A host with many
   * partitions passes one map to all its cleaners and runs one pass at a time (Kafka's dedupe
   * buffer), so cleaning takes one map's memory however many partitions compact.
   */
  constructor(
    readonly context: PartitionContext,
    readonly options: CleanerOptions = DEFAULT_CLEANER_OPTIONS,
    map?: OffsetMap,
  ) {
    this.map = map ?? new OffsetMap(options.mapBytes);
  }

  progress(): CleanerProgress {
    return {
      passes: this.passes,
      cleanedThroughIndex: this.cleanedThrough,
      cleanedThroughOffset: this.cleanedThroughOffset,
      bytesReclaimed: this.reclaimed,
      recordsRemoved: this.removed,
      tombstonesRemoved: this.tombstones,
      dirtyRatio: this.ratio,
      emptyThroughIndex: this.emptyThrough,
      lastPassAt: this.lastPassAt,
    };
  }

  /** Forget what was cleaned (the replica's log was replaced: a snapshot was installed, or the state restored). */
  reset(): void {
    this.cleanedThrough = 0;
    this.cleanStartIndex = 0; // the next plan starts from the log's start, whatever it is
    this.cleanBytes = 0;
    this.emptyThrough = 0;
    this.tombstoneDue = Infinity;
    this.flooredFrom = Infinity;
    this.firstDirty = undefined;
    this.cleanBytesAt = new Map();
  }

  /**
   * What a pass would do now (steps 1 and 2), reading at most the first dirty entry. Also a pass
   * over the clean part alone (nothing dirty) when a tombstone it kept is due: its delete horizon
   * passed, or the floor that held it back (`tombstoneFloor`, as clean() takes it) rose past it.
   * Without that, a log nobody writes to any more would keep its tombstones for ever.
   */
  async plan(state: PartitionState, config: CompactionConfig, now: number, read: ReadEntries, tombstoneFloor = Number.MAX_SAFE_INTEGER): Promise<CleanPlan> {
    const points = state.index.all();
    const start = points[0];
    const cut = this.cleanStartIndex !== start.raftIndex && this.cleanedThrough >= start.raftIndex - 1 ? this.cleanBytesAt.get(start.raftIndex) : undefined;
    if (cut !== undefined) {
      // The log lost a prefix at a segment boundary inside what was cleaned (retention, or the
      // truncation of what compaction emptied): the rest is as clean as it was, minus those bytes.
      this.cleanBytes -= cut;
      const shifted = new Map<number, number>();
      for (const [index, before] of this.cleanBytesAt) if (index >= start.raftIndex) shifted.set(index, before - cut);
      this.cleanBytesAt = shifted;
      this.cleanStartIndex = start.raftIndex;
    } else if (this.cleanedThrough < start.raftIndex - 1 || this.cleanStartIndex !== start.raftIndex) {
      // Never cleaned, or the log start moved otherwise: all of it is dirty again.
      this.cleanedThrough = start.raftIndex - 1;
      this.cleanedThroughOffset = start.baseOffset;
      this.cleanedBytesBefore = start.bytesBefore;
      this.cleanBytes = 0;
      this.cleanStartIndex = start.raftIndex;
      this.tombstoneDue = Infinity;
      this.flooredFrom = Infinity;
      this.firstDirty = undefined;
      this.cleanBytesAt = new Map();
    }
    // The active segment starts at the last segment point; a segment is old enough when the
    // largest timestamp of everything up to its end is (the index's maxTimestampBefore).
    let limit = start;
    for (let i = 1; i < points.length; i++) {
      const p = points[i];
      if (!p.segmentStart) continue;
      if (p.maxTimestampBefore > now - config.minCompactionLagMs) break;
      limit = p;
    }
    const dirtyBytes = limit.bytesBefore - this.cleanedBytesBefore;
    const due = this.tombstoneDue <= now ? `a kept tombstone's delete horizon (${this.tombstoneDue}) has passed` : tombstoneFloor > this.flooredFrom ? `the tombstone floor rose past a kept tombstone (offset ${this.flooredFrom})` : undefined;
    // The clean part alone: the map stays empty, and the rewrite removes only the tombstones now due.
    const tombstonesOnly = (dirtyRatio: number): CleanPlan => ({ clean: true, startIndex: start.raftIndex, dirtyIndex: this.cleanedThrough + 1, limitIndex: this.cleanedThrough + 1, dirtyRatio, why: due! });
    if (limit.raftIndex - 1 <= this.cleanedThrough || dirtyBytes <= 0) {
      this.ratio = 0;
      if (due && this.cleanedThrough >= start.raftIndex) return tombstonesOnly(0);
      return { clean: false, why: 'nothing dirty in closed segments old enough to clean', dirtyRatio: 0 };
    }
    this.ratio = dirtyBytes / (dirtyBytes + this.cleanBytes);
    const base = { clean: true as const, startIndex: start.raftIndex, dirtyIndex: this.cleanedThrough + 1, limitIndex: limit.raftIndex, dirtyRatio: this.ratio };
    if (this.ratio >= config.minCleanableDirtyRatio) return { ...base, why: `dirty ratio ${this.ratio.toFixed(3)} >= min.cleanable.dirty.ratio ${config.minCleanableDirtyRatio}` };
    // max.compaction.lag.ms: Kafka looks at the first dirty batch's timestamp.
    // Read only if a record can be that old (the default, unlimited, never is), and once per dirty start:
    // the host asks for a plan at every round, and the first dirty batch stays the same until a pass.
    let first: number | undefined;
    if (now - config.maxCompactionLagMs > 0) {
      const at = this.cleanedThrough + 1;
      const known = this.firstDirty?.index === at && (this.firstDirty.maxTimestamp !== undefined || this.firstDirty.limit >= limit.raftIndex);
      if (!known) {
        this.firstDirty = { index: at, limit: limit.raftIndex, maxTimestamp: await this.firstBatch(read, at, limit.raftIndex) };
      }
      first = this.firstDirty!.maxTimestamp;
    }
    if (first !== undefined && first < now - config.maxCompactionLagMs) return { ...base, why: `the first dirty batch (max timestamp ${first}) is older than max.compaction.lag.ms ${config.maxCompactionLagMs}` };
    if (due && this.cleanedThrough >= start.raftIndex) return tombstonesOnly(this.ratio);
    return { clean: false, why: `dirty ratio ${this.ratio.toFixed(3)} < min.cleanable.dirty.ratio ${config.minCleanableDirtyRatio}`, dirtyRatio: this.ratio };
  }

  private async firstBatch(read: ReadEntries, lo: number, hi: number): Promise<number | undefined> {
    while (lo < hi) {
      const entries = await read(lo, hi, this.options.readBytes);
      if (entries.length === 0) return undefined;
      for (const e of entries) if (e.type === EntryType.Normal && e.data.length > 0) return readStoredBatch(e.data, this.context, e.index).header.maxTimestamp;
      lo = entries[entries.length - 1].index + 1;
    }
    return undefined;
  }

  /**
   * One pass if plan() says so (undefined if not). Only one pass at a time; `rewrite` must have
   * stored each chunk (or dropped those entries the log no longer holds) before it resolves.
   * `tombstoneFloor`: tombstones at this offset or above are kept whatever their horizon (the
   * host may pass the lowest offset a replica of the partition has not yet received).
   */
  async clean(
    state: PartitionState,
    config: CompactionConfig,
    now: number,
    read: ReadEntries,
    rewrite: RewriteEntries,
    tombstoneFloor = Number.MAX_SAFE_INTEGER,
  ): Promise<PassResult | undefined> {
    const plan = await this.plan(state, config, now, read, tombstoneFloor);
    if (!plan.clean) return undefined;
    const map = this.map;
    map.clear();
    // Step 3: the offset map of the dirty part, stopping before a batch that would overflow it.
    let mapEnd = plan.dirtyIndex;
    let mapEndOffset = this.cleanedThroughOffset;
    let mapEndBytes = this.cleanedBytesBefore;
    scan: while (mapEnd < plan.limitIndex) {
      const entries = await read(mapEnd, plan.limitIndex, this.options.readBytes);
      if (entries.length === 0) break;
      for (const e of entries) {
        if (e.type === EntryType.Normal && e.data.length > 0) {
          const s = readStoredBatch(e.data, this.context, e.index);
          if (s.header.recordCount > map.room && this.newKeys(s.batch, s.header) > map.room) {
            if (mapEnd === plan.dirtyIndex) throw new RangeError(`${this.where()}: the batch at raft index ${e.index} has ${s.header.recordCount} records, more than the cleaner's offset map holds (${map.capacity}); raise its memory`);
            break scan;
          }
          const bytes = s.batch;
          visitRecords(bytes, s.header, (r) => {
            if (r.keyLength >= 0) map.put(keyHash(bytes, r.keyAt, r.keyLength, this.hash), r.offset);
          });
          mapEndOffset = s.endOffset;
          mapEndBytes += s.originalSize;
        }
        mapEnd = e.index + 1;
      }
    }
    // Step 4: rewrite the log from its start to the end of the map.
    let rewritten = 0;
    let reclaimed = 0;
    let removed = 0;
    let tombstones = 0;
    let cleanBytes = 0;
    let emptyThrough = plan.startIndex - 1;
    let allEmpty = true;
    let tombstoneDue = Infinity;
    let flooredFrom = Infinity;
    const boundaries = new Set(state.index.all().filter((q) => q.segmentStart).map((q) => q.raftIndex));
    const cleanBytesAt = new Map<number, number>();
    let at = plan.startIndex;
    while (at < mapEnd) {
      const entries = await read(at, mapEnd, this.options.readBytes);
      if (entries.length === 0) break;
      const out: Entry[] = [];
      for (const e of entries) {
        at = e.index + 1;
        if (boundaries.has(e.index)) cleanBytesAt.set(e.index, cleanBytes);
        if (e.type !== EntryType.Normal || e.data.length === 0) {
          cleanBytes += e.data.length;
          if (allEmpty) emptyThrough = e.index;
          continue;
        }
        const s = readStoredBatch(e.data, this.context, e.index);
        const expired = s.deleteHorizon !== NO_DELETE_HORIZON && now >= s.deleteHorizon;
        let keptTombstone = false;
        let gone = 0;
        let goneTombstones = 0;
        const bytes = s.batch;
        const kept = filterRecordBatch(bytes, s.header, (r) => {
          if (r.keyLength < 0) return true;
          const latest = map.get(keyHash(bytes, r.keyAt, r.keyLength, this.hash));
          const tombstone = r.valueLength < 0;
          if (latest > r.offset || (tombstone && expired && r.offset < tombstoneFloor)) {
            gone++;
            if (tombstone) goneTombstones++;
            return false;
          }
          if (tombstone) {
            keptTombstone = true;
            if (expired && r.offset < flooredFrom) flooredFrom = r.offset;
          }
          return true;
        });
        const horizon = s.deleteHorizon === NO_DELETE_HORIZON && keptTombstone ? now + config.deleteRetentionMs : s.deleteHorizon;
        if (keptTombstone && horizon > now && horizon < tombstoneDue) tombstoneDue = horizon;
        let data = e.data;
        if (gone > 0 || horizon !== s.deleteHorizon) {
          data = encodeCompactedEntry(s, kept, horizon);
          out.push({ index: e.index, term: e.term, type: e.type, data });
          reclaimed += e.data.length - data.length;
          removed += gone;
          tombstones += goneTombstones;
        }
        cleanBytes += data.length;
        if (allEmpty && s.header.recordCount - gone === 0) emptyThrough = e.index;
        else allEmpty = false;
      }
      if (out.length > 0) {
        await rewrite(out);
        rewritten += out.length;
      }
    }
    this.passes++;
    this.cleanedThrough = mapEnd - 1;
    this.cleanedThroughOffset = mapEndOffset;
    this.cleanedBytesBefore = mapEndBytes;
    this.cleanBytes = cleanBytes;
    this.reclaimed += reclaimed;
    this.removed += removed;
    this.tombstones += tombstones;
    this.emptyThrough = emptyThrough;
    this.tombstoneDue = tombstoneDue;
    this.flooredFrom = flooredFrom;
    this.cleanBytesAt = cleanBytesAt;
    this.lastPassAt = now;
    return { mapEndIndex: mapEnd, entriesRewritten: rewritten, bytesReclaimed: reclaimed, recordsRemoved: removed, tombstonesRemoved: tombstones };
  }

  /** Records of the batch whose key the map does not hold yet (a key twice in it counts twice: an upper bound). */
  private newKeys(bytes: Uint8Array, header: RecordBatchHeader): number {
    let n = 0;
    visitRecords(bytes, header, (r) => {
      if (r.keyLength >= 0 && this.map.get(keyHash(bytes, r.keyAt, r.keyLength, this.hash)) < 0) n++;
    });
    return n;
  }

  private where(): string {
    return `topic "${this.context.topic}" partition ${this.context.partition}`;
  }
}
