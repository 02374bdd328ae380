import { limitSize } from '../raft/memory-storage';
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
 * One Raft group's log as the core sees it: answered synchronously from memory. Metadata (hard
 * state, snapshot point, last index, the term of every index as runs) is always in memory; entry
 * data is in a byte-bounded cache of the newest entries (so followers in sync never touch the
 * disk) and otherwise loaded asynchronously: entries() answers UNAVAILABLE and the host is told
 * when they are in.
 *
 * Mutations are made by StoreBatch as it stages a Ready; they are visible here at once and
 * durable once the batch's write resolves (the core reads them only after advance()).
 */
export class GroupStorage implements Storage {
  hardState: HardState;
  snapIndex: number;
  snapTerm: number;
  lastIndex_: number;
  /** Membership at the compaction point (bootstrap, or the last installed snapshot). */
  conf: ConfState;
  readonly runs: TermRuns;
  latest: Snapshot | undefined;
  /** Highest index known to be on disk: only entries up to here may leave the cache. */
  durableIndex: number;

  /** Newest entries, contiguous from cacheFirst and ending at lastIndex (or empty). */
  private cache: Entry[] = [];
  private cacheFirst = 0;
  private cacheBytes_ = 0;
  private loaded: { lo: number; entries: Entry[] } | undefined;
  private loading = false;
  /** Bumped by every change that can invalidate a disk read in flight (truncation, snapshot, compaction). */
  private generation = 0;

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
    if (lo <= this.snapIndex) throw new CompactedError(lo, this.snapIndex + 1);
    if (hi > this.lastIndex_ + 1) throw new RangeError(`group ${this.id}: entries(${lo}, ${hi}) is past the last index ${this.lastIndex_}`);
    if (lo >= hi) return [];
    const cacheStart = this.cacheStart();
    if (lo >= cacheStart) return limitSize(this.cache.slice(lo - cacheStart, hi - cacheStart), maxBytes);
    if (this.loaded && this.loaded.lo === lo) {
      let got: readonly Entry[] = this.loaded.entries.filter((e) => e.index < hi);
      this.loaded = undefined;
      // The disk read stopped at what was durable: the rest is in the cache (never evicted).
      const next = got.length > 0 ? got[got.length - 1].index + 1 : lo;
      const start = this.cacheStart();
      if (next < hi && next >= start) got = got.concat(this.cache.slice(next - start, hi - start));
      if (got.length > 0) return limitSize(got, maxBytes);
    }
    this.startLoad(lo, Math.min(hi, this.durableIndex + 1), maxBytes);
    return UNAVAILABLE;
  }

  snapshot(): Snapshot | typeof UNAVAILABLE {
    if (this.latest && this.latest.metadata.index >= this.snapIndex) return this.latest;
    return { metadata: { index: this.snapIndex, term: this.snapTerm, conf: this.conf }, data: new Uint8Array(0) };
  }

  latestSnapshot(): Snapshot | undefined {
    return this.latest;
  }

  // --- Reads for consumers ----------------------------------------------------------------------

  /** Entries [lo, hi), at least one if any, then up to maxBytes: from the cache, else from disk. */
  async readEntries(lo: number, hi: number, maxBytes: number): Promise<Entry[]> {
    if (lo <= this.snapIndex) throw new CompactedError(lo, this.snapIndex + 1);
    hi = Math.min(hi, this.lastIndex_ + 1);
    if (lo >= hi) return [];
    const cacheStart = this.cacheStart();
    if (lo >= cacheStart) return limitSize(this.cache.slice(lo - cacheStart, hi - cacheStart), maxBytes) as Entry[];
    const fromDisk = await this.host.readFromDisk(this.id, lo, Math.min(hi, this.durableIndex + 1), maxBytes);
    if (fromDisk.length === 0 && lo >= this.cacheStart()) return this.readEntries(lo, hi, maxBytes);
    return fromDisk;
  }

  private startLoad(lo: number, hi: number, maxBytes: number): void {
    if (this.loading) return;
    this.loading = true;
    const generation = this.generation;
    this.host
      .readFromDisk(this.id, lo, hi, maxBytes)
      .then((entries) => {
        // The log was truncated or replaced while we read: what we read may be stale.
        if (generation === this.generation) this.loaded = { lo, entries };
      })
      .catch(() => {
        this.loaded = undefined; // the next entries() call retries (and a corruption surfaces there)
      })
      .finally(() => {
        this.loading = false;
        this.host.entriesLoaded(this.id);
      });
  }

  // --- Mutations, made by StoreBatch while staging ----------------------------------------------

  /** Index of the oldest cached entry (lastIndex + 1 when the cache is empty). */
  cacheStart(): number {
    return this.cache.length > 0 ? this.cacheFirst : this.lastIndex_ + 1;
  }

  get cacheBytes(): number {
    return this.cacheBytes_;
  }

  /** Replace everything from entries[0].index on. Returns the indexes whose keys must be deleted. */
  appendEntries(entries: readonly Entry[]): { deleteFrom: number; deleteTo: number } {
    const first = entries[0].index;
    const last = entries[entries.length - 1].index;
    if (first > this.lastIndex_ + 1) {
      throw new Error(`group ${this.id}: append at ${first} leaves a gap after the last index ${this.lastIndex_}`);
    }
    const oldLast = this.lastIndex_;
    if (first <= oldLast) {
      this.generation++;
      this.runs.truncateFrom(first);
      if (this.cache.length > 0) this.dropCacheTail(Math.max(0, first - this.cacheFirst));
      if (this.durableIndex >= first) this.durableIndex = first - 1;
    }
    if (this.cache.length === 0) this.cacheFirst = first;
    let bytes = 0;
    for (const e of entries) {
      this.runs.append(e.index, e.term);
      this.cache.push(e);
      bytes += e.data.length;
    }
    this.lastIndex_ = last;
    this.cacheBytes_ += bytes;
    this.host.cacheAdded(this, bytes);
    this.loaded = undefined;
    return { deleteFrom: last + 1, deleteTo: oldLast };
  }

  /** Install a snapshot: the whole log is replaced. */
  installSnapshot(snap: Snapshot): void {
    const { index, term, conf } = snap.metadata;
    this.generation++;
    this.snapIndex = index;
    this.snapTerm = term;
    this.lastIndex_ = index;
    this.durableIndex = index;
    this.conf = conf;
    this.runs.clear();
    this.clearCache();
    this.loaded = undefined;
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
    const drop = Math.max(0, index + 1 - this.cacheStart());
    if (drop > 0) this.evictHead(drop);
    if (this.latest && this.latest.metadata.index < index) this.latest = undefined;
  }

  /** Evict up to `bytes` of the oldest cached entries that are already on disk. Returns bytes freed. */
  evict(bytes: number): number {
    let n = 0;
    let freed = 0;
    const start = this.cacheStart();
    while (n < this.cache.length && freed < bytes && start + n <= this.durableIndex) {
      freed += this.cache[n].data.length;
      n++;
    }
    if (n > 0) this.evictHead(n);
    return freed;
  }

  private evictHead(n: number): void {
    let freed = 0;
    for (let i = 0; i < n && i < this.cache.length; i++) freed += this.cache[i].data.length;
    this.cache = this.cache.slice(n);
    this.cacheFirst += n;
    this.cacheBytes_ -= freed;
    this.host.cacheRemoved(freed);
  }

  private dropCacheTail(keep: number): void {
    let freed = 0;
    for (let i = keep; i < this.cache.length; i++) freed += this.cache[i].data.length;
    this.cache.length = Math.min(keep, this.cache.length);
    this.cacheBytes_ -= freed;
    this.host.cacheRemoved(freed);
  }

  clearCache(): void {
    this.host.cacheRemoved(this.cacheBytes_);
    this.cache = [];
    this.cacheBytes_ = 0;
  }
}
