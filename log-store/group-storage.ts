import {
  CompactedError,
  type ConfState,
  type Entry,
  type HardState,
  type Snapshot,
  type Storage,
  UNAVAILABLE,
} from '../raft/types';
import type { GroupState } from './codec';
import { TermRuns } from './term-runs';

/** What a group needs from the node's store: disk reads and the shared cache budget. */
export interface GroupHost {
  /** Read entries [lo, hi) from disk, at least one, then up to maxBytes. */
  readFromDisk(group: number, lo: number, hi: number, maxBytes: number): Promise<Entry[]>;
  cacheAdded(group: GroupStorage, bytes: number): void;
  cacheRemoved(bytes: number): void;
  entriesLoaded(group: number): void;
}

/**
 * What a cached entry costs beyond its data: the object, its array slot and the Uint8Array view.
 * Counted so that a cache of tiny entries stays within its budget too.
 */
export const ENTRY_OVERHEAD = 96;

const cost = (e: Entry) => e.data.length + ENTRY_OVERHEAD;
/** What an evicted slot of the cache holds until the slots before its head are reclaimed. */
const EVICTED: Entry = Object.freeze({ index: 0, term: 0, type: 0, data: new Uint8Array(0) }) as Entry;

/**
 * entries[from, to) appended to `out`, stopping before the data would pass maxBytes (`used`
 * bytes are already in `out`), but never leaving `out` empty. Returns the bytes now used, the
 * same cut as MemoryStorage's limitSize.
 */
function takeInto(out: Entry[], src: readonly Entry[], from: number, to: number, maxBytes: number, used: number): number {
  for (let i = from; i < to; i++) {
    const n = src[i].data.length;
    if (out.length > 0 && used + n > maxBytes) break;
    out.push(src[i]);
    used += n;
  }
  return used;
}

/**
 * One Raft group's log as the core sees it, answered synchronously from memory. Metadata (hard
 * state, snapshot point, last index, the term of every index as runs) is always in memory. Entry
 * data is in a byte-bounded window of the group's newest entries, so followers in sync never touch
 * the disk; an older range is loaded asynchronously: entries() answers UNAVAILABLE, one iterator
 * read runs, its result waits in a one-range slot (counted in the same node-wide budget) and the
 * host is told through onEntriesLoaded so that it calls RawNode.entriesLoaded().
 *
 * Contract with StoreBatch: staging a Ready changes this view at once, before the batch is
 * written. That is what the core expects: it reads stable storage only after advance(), and the
 * host advances only after the batch's commit resolved; meanwhile the same entries are in the
 * core's unstable log, so the two views agree. Entries leave the cache only once their write has
 * landed (durableIndex), so an entry is always either in memory or on disk. If a write fails,
 * memory is ahead of the disk and the store stops (StoreFailedError).
 */
export class GroupStorage implements Storage {
  hardState: HardState;
  snapIndex: number;
  snapTerm: number;
  private lastIndex_: number;
  /** Membership at the compaction point (bootstrap, or the last installed snapshot). */
  conf: ConfState;
  readonly runs: TermRuns;
  latest: Snapshot | undefined;
  /** Highest index whose write has landed: only entries up to here may leave the cache. */
  private durableIndex: number;
  /** Bumped when indexes already written may be rewritten (suffix truncation, snapshot install). */
  private epoch = 0;

  /** Newest entries: cache[head..] holds indexes cacheFirst..lastIndex (or nothing). */
  private cache: Entry[] = [];
  private head = 0;
  private cacheFirst = 0;
  private cacheBytes_ = 0;
  /** The result of the last disk load, until the core takes it. */
  private loaded: { lo: number; entries: Entry[]; bytes: number } | undefined;
  private loadFailed: { lo: number; error: unknown } | undefined;
  private loading = false;
  /** Bumped by every change that can make a disk read in flight stale (truncation, snapshot, compaction, drop). */
  private generation = 0;
  private dropped = false;

  constructor(
    readonly id: number,
    state: GroupState,
    latest: Snapshot | undefined,
    private readonly host: GroupHost,
  ) {
    this.hardState = state.hardState;
    this.snapIndex = state.snapIndex;
    this.snapTerm = state.snapTerm;
    this.lastIndex_ = state.lastIndex;
    this.conf = state.conf;
    this.runs = new TermRuns(state.runs);
    this.latest = latest;
    this.durableIndex = state.lastIndex;
  }

  state(): GroupState {
    return {
      hardState: this.hardState,
      snapIndex: this.snapIndex,
      snapTerm: this.snapTerm,
      lastIndex: this.lastIndex_,
      conf: this.conf,
      runs: this.runs.all(),
    };
  }

  // --- Storage --------------------------------------------------------------------------------

  initialState(): { hardState: HardState; conf: ConfState } {
    // The membership as of the point the host restarts its state machine from (its latest snapshot).
    return { hardState: this.hardState, conf: this.latest?.metadata.conf ?? this.conf };
  }

  firstIndex(): number {
    return this.snapIndex + 1;
  }

  lastIndex(): number {
    return this.lastIndex_;
  }

  term(index: number): number {
    if (index === this.snapIndex) return this.snapTerm;
    if (index < this.snapIndex) throw new CompactedError(index, this.snapIndex + 1);
    if (index > this.lastIndex_) throw new RangeError(`group ${this.id}: term(${index}) is past the last index ${this.lastIndex_}`);
    return this.runs.term(index);
  }

  entries(lo: number, hi: number, maxBytes: number): readonly Entry[] | typeof UNAVAILABLE {
    this.throwIfDropped();
    if (lo <= this.snapIndex) throw new CompactedError(lo, this.snapIndex + 1);
    if (hi > this.lastIndex_ + 1) throw new RangeError(`group ${this.id}: entries(${lo}, ${hi}) is past the last index ${this.lastIndex_}`);
    if (lo >= hi) return [];
    if (lo >= this.cacheStart()) return this.fromCache(lo, hi, maxBytes, [], 0);

    const slot = this.loaded;
    if (slot && lo >= slot.lo && lo < slot.lo + slot.entries.length) {
      this.dropLoaded();
      const out: Entry[] = [];
      const slotEnd = Math.min(hi, slot.lo + slot.entries.length);
      const used = takeInto(out, slot.entries, lo - slot.lo, slotEnd - slot.lo, maxBytes, 0);
      // The load stopped at its byte budget or at what was on disk; the rest may be in the cache.
      const next = lo + out.length;
      if (next === slotEnd && next < hi && next >= this.cacheStart()) this.fromCache(next, hi, maxBytes, out, used);
      return out;
    }
    const failed = this.loadFailed;
    if (failed && failed.lo === lo) {
      this.loadFailed = undefined; // the next call reads again
      throw failed.error;
    }
    this.startLoad(lo, Math.min(hi, this.durableIndex + 1), maxBytes);
    return UNAVAILABLE;
  }

  snapshot(): Snapshot | typeof UNAVAILABLE {
    if (this.latest && this.latest.metadata.index >= this.snapIndex) return this.latest;
    return { metadata: { index: this.snapIndex, term: this.snapTerm, conf: this.conf }, data: new Uint8Array(0) };
  }

  /** The snapshot the group's state machine restarts from, if any. */
  latestSnapshot(): Snapshot | undefined {
    return this.latest;
  }

  // --- Reads for consumers ----------------------------------------------------------------------

  /**
   * Entries [lo, hi), at least one if any, then up to maxBytes: from the cache, else from disk.
   * Returns what the log holds, committed or not: callers bound `hi` by the commit index.
   */
  async readEntries(lo: number, hi: number, maxBytes: number): Promise<Entry[]> {
    this.throwIfDropped();
    if (lo <= this.snapIndex) throw new CompactedError(lo, this.snapIndex + 1);
    hi = Math.min(hi, this.lastIndex_ + 1);
    if (lo >= hi) return [];
    if (lo >= this.cacheStart()) return this.fromCache(lo, hi, maxBytes, [], 0);
    const out: Entry[] = [];
    let used = 0;
    let next = lo;
    // From the disk up to what it holds, then on in the cache (entries not yet written stay there).
    // While a disk read is in flight, writes may land and the cache evict what they made durable:
    // then the disk is read again from where the last read stopped, so the cut stays exact. If the
    // log is compacted past that point, replaced by a snapshot or dropped meanwhile, the answer
    // stops at what was read (a prefix; the rest is gone).
    while (next < hi && next < this.cacheStart() && next > this.snapIndex && !this.dropped) {
      const to = Math.min(hi, this.durableIndex + 1);
      if (to <= next) break; // not reached: what is not in the cache has landed
      const got = await this.host.readFromDisk(this.id, next, to, out.length === 0 ? maxBytes : maxBytes - used);
      const before = out.length;
      used = takeInto(out, got, 0, got.length, maxBytes, used);
      next += out.length - before;
      if (next < to) return out; // the byte budget stopped it
    }
    if (next < hi && next >= this.cacheStart() && next <= this.lastIndex_) this.fromCache(next, hi, maxBytes, out, used);
    return out;
  }

  private fromCache(lo: number, hi: number, maxBytes: number, out: Entry[], used: number): Entry[] {
    const at = this.head + (lo - this.cacheFirst);
    takeInto(out, this.cache, at, at + (hi - lo), maxBytes, used);
    return out;
  }

  private startLoad(lo: number, hi: number, maxBytes: number): void {
    if (this.loading) return;
    this.loading = true;
    const generation = this.generation;
    this.host
      .readFromDisk(this.id, lo, hi, maxBytes)
      .then(
        (entries) => {
          // The log was truncated, replaced or compacted while we read: what we read may be stale.
          if (generation !== this.generation) return;
          this.dropLoaded();
          let bytes = 0;
          for (const e of entries) bytes += cost(e);
          this.loaded = { lo, entries, bytes };
          this.host.cacheAdded(this, bytes);
        },
        (error: unknown) => {
          if (generation === this.generation) this.loadFailed = { lo, error };
        },
      )
      .finally(() => {
        this.loading = false;
        if (!this.dropped) this.host.entriesLoaded(this.id);
      });
  }

  // --- Mutations, made by StoreBatch while staging ----------------------------------------------

  /** Index of the oldest cached entry (lastIndex + 1 when the cache is empty). */
  cacheStart(): number {
    return this.cache.length > this.head ? this.cacheFirst : this.lastIndex_ + 1;
  }

  /** Bytes this group holds in the node's cache budget: its window plus a loaded range. */
  get cacheBytes(): number {
    return this.cacheBytes_ + (this.loaded?.bytes ?? 0);
  }

  /** Why appending `firstIndex` here is impossible, or undefined if it is fine. Checked before anything changes. */
  appendProblem(firstIndex: number): string | undefined {
    if (this.dropped) return `group ${this.id} has been dropped`;
    if (firstIndex > this.lastIndex_ + 1) return `group ${this.id}: append at ${firstIndex} leaves a gap after the last index ${this.lastIndex_}`;
    if (firstIndex <= this.snapIndex) return `group ${this.id}: append at ${firstIndex} is at or below the snapshot index ${this.snapIndex}`;
    return undefined;
  }

  /**
   * Replace everything from entries[0].index on with `entries` (the caller has checked
   * appendProblem, and the entries own their data). Returns the stale indexes [deleteFrom,
   * deleteTo] whose keys must be deleted in the same batch, and the epoch to pass to markDurable.
   */
  appendEntries(entries: readonly Entry[]): { deleteFrom: number; deleteTo: number; epoch: number } {
    const first = entries[0].index;
    const last = entries[entries.length - 1].index;
    const oldLast = this.lastIndex_;
    if (first <= oldLast) {
      this.epoch++;
      this.generation++;
      this.runs.truncateFrom(first);
      this.dropCacheTail(Math.max(0, first - this.cacheFirst));
      if (this.durableIndex >= first) this.durableIndex = first - 1;
      this.dropLoaded();
      this.loadFailed = undefined;
    }
    if (this.cache.length === this.head) {
      this.cache = [];
      this.head = 0;
      this.cacheFirst = first;
    }
    let bytes = 0;
    for (const e of entries) {
      this.runs.append(e.index, e.term);
      this.cache.push(e);
      bytes += cost(e);
    }
    this.lastIndex_ = last;
    this.cacheBytes_ += bytes;
    this.host.cacheAdded(this, bytes);
    return { deleteFrom: last + 1, deleteTo: oldLast, epoch: this.epoch };
  }

  /**
   * A batch holding entries up to `index` has been written. Ignored if a later truncation or
   * snapshot install (another epoch) has since replaced some of them in memory: on disk those
   * indexes still hold the old entries until the later batch lands.
   */
  markDurable(index: number, epoch: number): void {
    if (epoch === this.epoch && index > this.durableIndex) this.durableIndex = index;
  }

  /**
   * Whether `e` may replace the stored entry at its index (StoreBatch.rewrite): above the
   * compaction point, committed (never truncated again), landed, and of the same term.
   */
  rewritable(e: Entry): boolean {
    if (this.dropped || e.index <= this.snapIndex || e.index > this.hardState.commit || e.index > this.durableIndex) return false;
    return this.runs.term(e.index) === e.term;
  }

  /** A rewritten entry: if the cache holds its index, hold the new data instead (a disk read in flight may still answer the old: both are valid). */
  replaceCached(e: Entry): void {
    if (e.index < this.cacheStart() || e.index > this.lastIndex_) return;
    const at = this.head + (e.index - this.cacheFirst);
    const old = this.cache[at];
    if (old.type !== e.type) return;
    const delta = cost(e) - cost(old);
    this.cache[at] = e;
    this.cacheBytes_ += delta;
    if (delta >= 0) this.host.cacheAdded(this, delta);
    else this.host.cacheRemoved(-delta);
  }

  /** Install a snapshot: the whole log is replaced. */
  installSnapshot(snap: Snapshot): void {
    const { index, term, conf } = snap.metadata;
    this.epoch++;
    this.generation++;
    this.snapIndex = index;
    this.snapTerm = term;
    this.lastIndex_ = index;
    this.durableIndex = index;
    this.conf = conf;
    this.runs.clear();
    this.clearCache();
    this.latest = snap;
    if (this.hardState.commit < index) this.hardState = { ...this.hardState, commit: index };
  }

  /** Drop entries up to and including `index` (a snapshot at or past it must exist). */
  compactTo(index: number): void {
    if (index <= this.snapIndex) return;
    if (index > this.lastIndex_) throw new RangeError(`group ${this.id}: compact(${index}) is past the last index ${this.lastIndex_}`);
    this.generation++;
    this.snapTerm = this.term(index);
    this.snapIndex = index;
    this.runs.dropBefore(index + 1);
    const drop = Math.min(this.cache.length - this.head, Math.max(0, index + 1 - this.cacheStart()));
    if (drop > 0) this.evictHead(drop);
    this.dropLoaded();
    this.loadFailed = undefined;
  }

  /** Free up to `bytes` of budget from the oldest cached entries that are already on disk. Returns the bytes freed. */
  evict(bytes: number): number {
    let n = 0;
    let freed = 0;
    const start = this.cacheStart();
    const live = this.cache.length - this.head;
    while (n < live && freed < bytes && start + n <= this.durableIndex) freed += cost(this.cache[this.head + n++]);
    if (n > 0) this.evictHead(n);
    return freed;
  }

  /** Give up a loaded range the core has not taken yet (it will ask, and load, again). Returns the bytes freed. */
  evictLoaded(): number {
    const freed = this.loaded?.bytes ?? 0;
    this.dropLoaded();
    return freed;
  }

  private evictHead(n: number): void {
    let freed = 0;
    for (let i = this.head; i < this.head + n; i++) {
      freed += cost(this.cache[i]);
      // Let go of it now: the slots before head are reclaimed only after 1024 evictions, and 1024
      // big entries (a producer's batches of hundreds of KiB) would stay reachable far past the budget.
      this.cache[i] = EVICTED;
    }
    this.head += n;
    this.cacheFirst += n;
    if (this.head === this.cache.length) {
      this.cache = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.cache.length) {
      // Reclaim the evicted slots now and then: amortised O(1) per entry, never O(cache) per eviction.
      this.cache = this.cache.slice(this.head);
      this.head = 0;
    }
    this.cacheBytes_ -= freed;
    this.host.cacheRemoved(freed);
  }

  /** Keep only the first `keep` cached entries. */
  private dropCacheTail(keep: number): void {
    const end = this.head + keep;
    if (end >= this.cache.length) return;
    let freed = 0;
    for (let i = end; i < this.cache.length; i++) freed += cost(this.cache[i]);
    this.cache.length = end;
    this.cacheBytes_ -= freed;
    this.host.cacheRemoved(freed);
  }

  private dropLoaded(): void {
    if (!this.loaded) return;
    this.host.cacheRemoved(this.loaded.bytes);
    this.loaded = undefined;
  }

  private clearCache(): void {
    this.host.cacheRemoved(this.cacheBytes_);
    this.cache = [];
    this.head = 0;
    this.cacheBytes_ = 0;
    this.dropLoaded();
    this.loadFailed = undefined;
  }

  private throwIfDropped(): void {
    if (this.dropped) throw new Error(`group ${this.id} has been dropped from this node: its log is gone`);
  }

  /** The group is being deleted: release its memory and ignore disk reads still in flight. */
  detach(): void {
    this.dropped = true;
    this.generation++;
    this.clearCache();
  }
}
