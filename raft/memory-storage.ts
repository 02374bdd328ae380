import {
  CompactedError,
  type ConfState,
  type Entry,
  type HardState,
  type Snapshot,
  type Storage,
  UNAVAILABLE,
} from './types';

/**
 * Storage held entirely in memory: the reference implementation of the Storage contract, used by
 * the core's tests, by the simulator's virtual disk, and as the model the LevelDB store is checked
 * against. Index 0 / term 0 is the empty log's sentinel; `ents[0]` always holds the entry at
 * firstIndex()-1 (the snapshot's index and term, with no data).
 */
export class MemoryStorage implements Storage {
  private hard: HardState = { term: 0, vote: 0, commit: 0 };
  private snap: Snapshot;
  private ents: Entry[];

  constructor(conf: ConfState = { voters: [], learners: [] }) {
    this.snap = { metadata: { index: 0, term: 0, conf }, data: new Uint8Array(0) };
    this.ents = [{ term: 0, index: 0, type: 0, data: new Uint8Array(0) }];
  }

  initialState(): { hardState: HardState; conf: ConfState } {
    return { hardState: this.hard, conf: this.snap.metadata.conf };
  }

  hardState(): HardState {
    return this.hard;
  }

  setHardState(hs: HardState): void {
    this.hard = hs;
  }

  /** Replace the membership recorded for restarts (the host calls this when it applies a conf change). */
  setConf(conf: ConfState): void {
    this.snap = { ...this.snap, metadata: { ...this.snap.metadata, conf } };
  }

  firstIndex(): number {
    return this.ents[0].index + 1;
  }

  lastIndex(): number {
    return this.ents[0].index + this.ents.length - 1;
  }

  term(index: number): number {
    const offset = this.ents[0].index;
    if (index < offset) throw new CompactedError(index, offset + 1);
    if (index - offset >= this.ents.length) {
      throw new RangeError(`term(${index}) is past the last index ${this.lastIndex()}`);
    }
    return this.ents[index - offset].term;
  }

  entries(lo: number, hi: number, maxBytes: number): readonly Entry[] | typeof UNAVAILABLE {
    const offset = this.ents[0].index;
    if (lo <= offset) throw new CompactedError(lo, offset + 1);
    if (hi > this.lastIndex() + 1) {
      throw new RangeError(`entries(${lo}, ${hi}) is past the last index ${this.lastIndex()}`);
    }
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxBytes);
  }

  snapshot(): Snapshot | typeof UNAVAILABLE {
    return this.snap;
  }

  /** Everything the store holds, for tests and the simulator's disk. */
  allEntries(): readonly Entry[] {
    return this.ents.slice(1);
  }

  /** Replace the whole log with a snapshot (a follower installing one). */
  applySnapshot(snap: Snapshot): void {
    if (snap.metadata.index <= this.snap.metadata.index) {
      throw new Error(`snapshot at ${snap.metadata.index} is older than the one held at ${this.snap.metadata.index}`);
    }
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 0, data: new Uint8Array(0) }];
  }

  /** Record a snapshot the application took at `index` (<= applied); does not compact. */
  createSnapshot(index: number, conf: ConfState, data: Uint8Array): Snapshot {
    if (index <= this.snap.metadata.index) return this.snap;
    if (index > this.lastIndex()) throw new RangeError(`snapshot index ${index} is past the last index ${this.lastIndex()}`);
    this.snap = { metadata: { index, term: this.term(index), conf }, data };
    return this.snap;
  }

  /** Drop entries before `compactIndex` (it becomes the sentinel). Requires a snapshot at or past it to exist first. */
  compact(compactIndex: number): void {
    const offset = this.ents[0].index;
    if (compactIndex <= offset) return;
    if (compactIndex > this.lastIndex()) throw new RangeError(`compact(${compactIndex}) is past the last index ${this.lastIndex()}`);
    const i = compactIndex - offset;
    this.ents = [{ term: this.ents[i].term, index: compactIndex, type: 0, data: new Uint8Array(0) }, ...this.ents.slice(i + 1)];
  }

  /** Append entries, truncating any conflicting suffix; entries below firstIndex are ignored. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0].index + entries.length - 1;
    if (last < first) return;
    if (first > entries[0].index) entries = entries.slice(first - entries[0].index);
    const at = entries[0].index - this.ents[0].index;
    if (at > this.ents.length) {
      throw new RangeError(`append at ${entries[0].index} leaves a gap after the last index ${this.lastIndex()}`);
    }
    this.ents = this.ents.slice(0, at).concat(entries);
  }
}

/** The first entries whose data fits in maxBytes; always at least one entry if there is any. */
export function limitSize(entries: readonly Entry[], maxBytes: number): readonly Entry[] {
  if (entries.length === 0) return entries;
  let size = entries[0].data.length;
  let n = 1;
  for (; n < entries.length; n++) {
    size += entries[n].data.length;
    if (size > maxBytes) break;
  }
  return n === entries.length ? entries : entries.slice(0, n);
}
