import { assert } from './assert';
import { limitSize } from './memory-storage';
import { CompactedError, type Entry, type NodeId, type Snapshot, type Storage, UNAVAILABLE } from './types';

/**
 * The log as the core sees it: what the host has persisted (Storage) followed by what it has not
 * yet (the unstable tail and perhaps a snapshot to install), plus the commit and apply points.
 *
 * Invariants (asserted where they are protected, and all at once by checkInvariants()):
 *   firstIndex() - 1 <= applied <= applying <= committed <= lastIndex(), except that applied may
 *     lag behind a received snapshot until the host has installed it;
 *   committed and applied never move back; nothing committed is ever overwritten;
 *   unstable.entries[i].index === unstable.offset + i, and terms never decrease along the log;
 *   an unstable snapshot, if any, ends at unstable.offset - 1.
 */
export class RaftLog {
  committed: number;
  /** Highest index the host has applied (acknowledged by advance). */
  applied: number;
  /** Highest index handed to the host to apply (in a Ready not yet advanced). */
  applying: number;

  private unstableSnapshot: Snapshot | undefined;
  private unstableEntries_: Entry[] = [];
  private unstableOffset: number;

  constructor(
    readonly storage: Storage,
    committed: number,
    applied: number,
    /** The node whose log this is, for invariant messages. */
    private readonly owner: NodeId,
  ) {
    this.unstableOffset = storage.lastIndex() + 1;
    this.committed = committed;
    this.applied = applied;
    this.applying = applied;
  }

  firstIndex(): number {
    return this.unstableSnapshot ? this.unstableSnapshot.metadata.index + 1 : this.storage.firstIndex();
  }

  lastIndex(): number {
    if (this.unstableEntries_.length > 0) return this.unstableOffset + this.unstableEntries_.length - 1;
    if (this.unstableSnapshot) return this.unstableSnapshot.metadata.index;
    return this.storage.lastIndex();
  }

  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  /** Term of `index`; throws CompactedError below firstIndex()-1 and RangeError past lastIndex(). */
  term(index: number): number {
    const t = this.termOrUndefined(index);
    if (t === undefined) {
      if (index > this.lastIndex()) throw new RangeError(`term(${index}) is past the last index ${this.lastIndex()}`);
      throw new CompactedError(index, this.firstIndex());
    }
    return t;
  }

  /** Term of `index`, or undefined if it is compacted or past the end. */
  termOrUndefined(index: number): number | undefined {
    if (index >= this.unstableOffset) {
      const i = index - this.unstableOffset;
      return i < this.unstableEntries_.length ? this.unstableEntries_[i].term : undefined;
    }
    if (this.unstableSnapshot) {
      const s = this.unstableSnapshot.metadata;
      if (index === s.index) return s.term;
      return undefined; // everything below an unstable snapshot is gone
    }
    if (index < this.storage.firstIndex() - 1 || index > this.storage.lastIndex()) return undefined;
    return this.storage.term(index);
  }

  matchTerm(index: number, term: number): boolean {
    return this.termOrUndefined(index) === term;
  }

  /** Whether a candidate's log (lastIndex, lastTerm) is at least as up to date as ours (§5.4.1). */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Follower side of AppendEntries. Returns the index of the last new entry, or -1 if the log
   * does not contain prevIndex at prevTerm. Commits up to min(leaderCommit, last new entry).
   */
  maybeAppend(prevIndex: number, prevTerm: number, leaderCommit: number, entries: readonly Entry[]): number {
    if (!this.matchTerm(prevIndex, prevTerm)) return -1;
    const lastNew = prevIndex + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      assert(conflict > this.committed, () => `${this.describe()}: the leader's entry ${conflict} conflicts with a committed entry`);
      this.append(entries.slice(conflict - entries[0].index));
    }
    this.commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  /** First index whose term differs from ours (or that we do not have); 0 if all match. */
  private findConflict(entries: readonly Entry[]): number {
    for (const e of entries) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term`: where two logs can match at best, so the
   * leader skips a whole term of mismatching entries in one round trip. Stops at the compaction
   * point (everything before it is committed and matches).
   */
  findConflictByTerm(index: number, term: number): number {
    for (let i = Math.min(index, this.lastIndex()); i > 0; i--) {
      const t = this.termOrUndefined(i);
      if (t === undefined) return i; // compacted: committed, so it matches
      if (t <= term) return i;
    }
    return 0;
  }

  /** Append to the unstable tail, replacing any suffix from entries[0].index on. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const after = entries[0].index;
    assert(after > this.committed, () => `${this.describe()}: an append at ${after} would overwrite committed entries`);
    const end = this.unstableOffset + this.unstableEntries_.length;
    assert(after <= end, () => `${this.describe()}: an append at ${after} would leave a gap after ${end - 1}`);
    // Indexes are consecutive and terms never decrease, from the entry before the first one on.
    let prevTerm = this.termOrUndefined(after - 1) ?? 0;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      assert(e.index === after + i && e.term >= prevTerm, () => `${this.describe()}: appended entries out of order at ${after + i}: ${describeEntries(entries)}`);
      prevTerm = e.term;
    }
    if (after === end) {
      for (const e of entries) this.unstableEntries_.push(e);
    } else if (after <= this.unstableOffset) {
      // Replaces part of the stable log too: the host truncates it when persisting.
      this.unstableOffset = after;
      this.unstableEntries_ = entries.slice();
    } else {
      this.unstableEntries_ = this.unstableEntries_.slice(0, after - this.unstableOffset).concat(entries);
    }
  }

  /**
   * Entries [lo, lastIndex], at most maxBytes (at least one). Empty if lo is past the end.
   * UNAVAILABLE if storage has them on disk only; throws CompactedError if lo is compacted.
   */
  entriesFrom(lo: number, maxBytes: number): readonly Entry[] | typeof UNAVAILABLE {
    return this.slice(lo, this.lastIndex() + 1, maxBytes);
  }

  slice(lo: number, hi: number, maxBytes: number): readonly Entry[] | typeof UNAVAILABLE {
    if (lo >= hi) return [];
    const first = this.firstIndex();
    if (lo < first) throw new CompactedError(lo, first);
    let out: readonly Entry[] = [];
    if (lo < this.unstableOffset) {
      const stored = this.storage.entries(lo, Math.min(hi, this.unstableOffset), maxBytes);
      if (stored === UNAVAILABLE) return UNAVAILABLE;
      if (stored.length < Math.min(hi, this.unstableOffset) - lo) return stored; // byte budget reached
      out = stored;
    }
    if (hi > this.unstableOffset) {
      const from = Math.max(lo, this.unstableOffset) - this.unstableOffset;
      const tail = this.unstableEntries_.slice(from, hi - this.unstableOffset);
      out = out.length === 0 ? tail : out.concat(tail);
    }
    return limitSize(out, maxBytes);
  }

  /** Move the commit point up to `index` (a lower index is no news: commit never moves back). */
  commitTo(index: number): void {
    if (index <= this.committed) return;
    assert(index <= this.lastIndex(), () => `${this.describe()}: commit ${index} is past the last index (the log is corrupt or truncated)`);
    this.committed = index;
  }

  /** Leader: commit `index` if it is of the current term (only those can be committed by counting, §5.4.2). */
  maybeCommit(index: number, term: number, skipTermCheck = false): boolean {
    if (index > this.committed && (skipTermCheck || this.termOrUndefined(index) === term)) {
      this.commitTo(index);
      return true;
    }
    return false;
  }

  /** Replace the whole log with a snapshot received from the leader. */
  restore(snapshot: Snapshot): void {
    const index = snapshot.metadata.index;
    assert(index > this.committed, () => `${this.describe()}: a snapshot at ${index} would move commit back`);
    this.committed = index;
    this.unstableSnapshot = snapshot;
    this.unstableOffset = snapshot.metadata.index + 1;
    this.unstableEntries_ = [];
  }

  pendingSnapshot(): Snapshot | undefined {
    return this.unstableSnapshot;
  }

  unstableEntries(): readonly Entry[] {
    return this.unstableEntries_;
  }

  /** Committed entries not yet handed out for applying; none while a snapshot waits to be installed. */
  hasNextCommittedEntries(): boolean {
    return !this.unstableSnapshot && this.applying < this.committed;
  }

  nextCommittedEntries(maxBytes: number): readonly Entry[] | typeof UNAVAILABLE {
    if (!this.hasNextCommittedEntries()) return [];
    const lo = Math.max(this.applying + 1, this.firstIndex());
    return this.slice(lo, this.committed + 1, maxBytes);
  }

  /** The host persisted entries up to (index, term): drop them from the unstable tail. */
  stableTo(index: number, term: number): void {
    // Entries the host persisted are real ones: index 0 / term 0 is only the empty log's sentinel.
    assert(index >= 1 && term >= 1, () => `${this.describe()}: the host persisted entries up to index ${index} term ${term}`);
    if (index < this.unstableOffset) return;
    const i = index - this.unstableOffset;
    // A later append may have replaced what the host persisted: then it stays unstable.
    if (i >= this.unstableEntries_.length || this.unstableEntries_[i].term !== term) return;
    this.unstableEntries_ = this.unstableEntries_.slice(i + 1);
    this.unstableOffset = index + 1;
  }

  stableSnapTo(index: number): void {
    assert(index >= 1, () => `${this.describe()}: the host installed a snapshot at index ${index}`);
    if (this.unstableSnapshot && this.unstableSnapshot.metadata.index === index) this.unstableSnapshot = undefined;
  }

  /** The host applied up to `index`: it applies only what it was handed (so within [applied, applying]). */
  appliedTo(index: number): void {
    assert(index >= this.applied && index <= this.applying, () => `${this.describe()}: the host applied up to ${index}, outside [applied, applying]`);
    this.applied = index;
  }

  /**
   * Every invariant above at once: O(unstable entries), plus a term lookup in storage. Called by
   * Raft.checkInvariants(). `currentTerm` is the node's term: no entry can be of a later one.
   */
  checkInvariants(currentTerm: number): void {
    const first = this.firstIndex();
    const last = this.lastIndex();
    assert(first <= last + 1, () => `${this.describe()}: first index is past last index + 1`);
    assert(first - 1 <= this.committed, () => `${this.describe()}: entries that are not committed are compacted`);
    assert(this.committed <= last, () => `${this.describe()}: commit is past the last index`);
    assert(this.applying <= this.committed, () => `${this.describe()}: entries handed out to apply are not committed`);
    assert(this.applied <= this.applying, () => `${this.describe()}: applied is past what was handed out to apply`);
    // Applied lags a snapshot only until the host installs it (then advance() moves it up).
    assert(this.unstableSnapshot !== undefined || this.applied >= first - 1, () => `${this.describe()}: applied is below the snapshot`);
    const snap = this.unstableSnapshot?.metadata;
    assert(snap === undefined || snap.index === this.unstableOffset - 1, () => `${this.describe()}: the unstable snapshot does not end where the unstable entries start`);
    let prevTerm = this.termOrUndefined(this.unstableOffset - 1) ?? 0;
    const ents = this.unstableEntries_;
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i];
      assert(e.index === this.unstableOffset + i, () => `${this.describe()}: unstable entry ${i} has index ${e.index}`);
      assert(e.term >= prevTerm, () => `${this.describe()}: the term goes back from ${prevTerm} to ${e.term} at index ${e.index}`);
      prevTerm = e.term;
    }
    const lastTerm = this.termOrUndefined(last) ?? 0;
    assert(lastTerm <= currentTerm, () => `${this.describe()}: the last entry's term ${lastTerm} is past the node's term ${currentTerm}`);
  }

  /** The log's shape, for invariant messages. */
  describe(): string {
    const snap = this.unstableSnapshot ? `, snapshot at ${this.unstableSnapshot.metadata.index} to install` : '';
    return (
      `node ${this.owner} log [${this.firstIndex()}, ${this.lastIndex()}] committed ${this.committed} ` +
      `applying ${this.applying} applied ${this.applied} unstable from ${this.unstableOffset} (${this.unstableEntries_.length} entries${snap})`
    );
  }
}

function describeEntries(entries: readonly Entry[]): string {
  const shown = entries.slice(0, 8).map((e) => `${e.index}@${e.term}`);
  return `[${shown.join(', ')}${entries.length > 8 ? ', ...' : ''}]`;
}
