import { Level } from 'level';
import type { ConfState, Entry, Ready, Snapshot } from '../raft/types';
import {
  decodeEntry,
  decodeIdentity,
  decodeSnapshot,
  decodeState,
  encodeEntries,
  encodeIdentity,
  encodeSnapshot,
  encodeState,
  type GroupState,
} from './codec';
import { CorruptionError, isLevelDbCorruption, StoreFailedError, StoreOpenError } from './errors';
import { type GroupHost, GroupStorage } from './group-storage';
import {
  ENTRY_RANGE,
  NODE_KEY,
  STATE_RANGE,
  afterGroupEntries,
  entryKey,
  entryRange,
  groupEntryRange,
  groupOfEntryKey,
  groupOfStateKey,
  indexOfEntryKey,
  snapshotKey,
  stateKey,
} from './keys';
import type { KvDatabase, KvOp } from './kv';

export interface LogStoreOptions {
  clusterId: string;
  nodeId: number;
  /** Bytes of recent entries kept in memory across all groups (default 64 MiB). */
  cacheBytes?: number;
}

export interface StoreStats {
  /** Iterator reads of entries from LevelDB (cache misses and consumer reads of old entries). */
  diskReads: number;
  entriesReadFromDisk: number;
  /** Bytes the entry cache holds now (data plus a fixed per-entry overhead). */
  cacheBytes: number;
  /** LevelDB write batches committed. */
  batches: number;
}

/**
 * One LevelDB holding every Raft group of a node (u32 group ids). Group commit: a StoreBatch turns
 * one Ready cycle of many groups into one atomic LevelDB batch with a single (optionally synced)
 * write. A batch is all or nothing across a crash, because LevelDB applies a write batch
 * atomically and each group's state record (which says where its log ends) is written in the same
 * batch as its entries.
 *
 * Writes are applied in the order their batches were committed (one write chain), whatever the
 * timing of the disk. If one fails, the store stops: every later call throws StoreFailedError.
 */
export class LogStore implements GroupHost {
  private readonly groups_ = new Map<number, GroupStorage>();
  /** Groups holding cache, least recently written first: the eviction order. */
  private readonly lru = new Map<number, GroupStorage>();
  private cacheTotal = 0;
  private readonly cacheMax: number;
  private readonly stats_: StoreStats = { diskReads: 0, entriesReadFromDisk: 0, cacheBytes: 0, batches: 0 };
  /** Called when entries a group asked for (and got UNAVAILABLE) are in memory. */
  onEntriesLoaded: (group: number) => void = () => undefined;
  /** The write chain: each write starts after the previous one has landed. */
  private writes: Promise<void> = Promise.resolve();
  /** Deletions of entries below a group's first index, which nothing reads or rewrites. */
  private background: Promise<void> = Promise.resolve();
  private failed: StoreFailedError | undefined;
  private openBatch: StoreBatch | undefined;

  private constructor(
    /** The data directory, or the label of the database the store was opened on: named in every error. */
    readonly dir: string,
    private readonly db: KvDatabase,
    options: LogStoreOptions,
  ) {
    this.cacheMax = options.cacheBytes ?? 64 << 20;
  }

  /** Open (or create) the node's data directory. Throws StoreOpenError if it is not this node's, or in use. */
  static async open(dir: string, options: LogStoreOptions): Promise<LogStore> {
    const db = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    try {
      await db.open();
    } catch (e) {
      const code = (e as { code?: string; cause?: { code?: string } }).cause?.code ?? (e as { code?: string }).code;
      if (code === 'LEVEL_LOCKED') throw new StoreOpenError(`data directory ${dir} is in use by another process (is another node running on it?)`);
      if (isLevelDbCorruption(e)) throw damagedAtOpen(dir, e);
      throw new StoreOpenError(`cannot open data directory ${dir}: ${(e as Error).message}`);
    }
    return LogStore.openOn(db, dir, options);
  }

  /**
   * Open the store over any KvDatabase (the simulator's SimKv; `open` passes its LevelDB here):
   * the same identity check, group loading and sweep. `label` names the database in errors. The
   * store owns `db` from here on: `close()` closes it, and so does a failed open.
   */
  static async openOn(db: KvDatabase, label: string, options: LogStoreOptions): Promise<LogStore> {
    const store = new LogStore(label, db, options);
    try {
      await store.checkIdentity(options);
      await store.loadGroups();
      await store.sweepEntries();
    } catch (e) {
      await db.close();
      // LevelDB may find a damaged table only when the groups are read, after its own open.
      throw isLevelDbCorruption(e) && !(e instanceof StoreOpenError) ? damagedAtOpen(label, e) : e;
    }
    return store;
  }

  private async checkIdentity({ clusterId, nodeId }: LogStoreOptions): Promise<void> {
    const raw = await this.db.get(NODE_KEY);
    if (raw === undefined) {
      // The identity is the first record a directory ever gets: data without it means the record
      // was lost (its key damaged, say), and adopting the data under any identity would be wrong.
      const it = this.db.keys({});
      const any = await it.next().finally(() => it.close());
      if (any !== undefined) {
        throw new StoreOpenError(`data directory ${this.dir} holds data but no identity record (lost or damaged): it cannot be trusted, and the node will not start on it. To recover, move the node's data directory away (keep it for inspection) and start the node again: on a new directory it rejoins empty and is resynced from the other replicas`);
      }
      await this.db.put(NODE_KEY, encodeIdentity({ clusterId, nodeId }), { sync: true });
      return;
    }
    const stored = decodeIdentity(raw);
    if (!stored) {
      throw new StoreOpenError(`data directory ${this.dir} has a corrupt identity record (checksum mismatch): it cannot be trusted, and the node will not start on it. To recover, move the node's data directory away (keep it for inspection) and start the node again: on a new directory it rejoins empty and is resynced from the other replicas`);
    }
    if (stored.clusterId !== clusterId || stored.nodeId !== nodeId) {
      throw new StoreOpenError(
        `data directory ${this.dir} belongs to cluster '${stored.clusterId}' node ${stored.nodeId}, not cluster '${clusterId}' node ${nodeId}: ` +
          'point --data at the right directory, or wipe it to make this a new node',
      );
    }
  }

  private async loadGroups(): Promise<void> {
    const it = this.db.iterator(STATE_RANGE);
    try {
      for (let batch = await it.nextv(64); batch.length > 0; batch = await it.nextv(64)) {
        for (const [key, value] of batch) {
          const group = groupOfStateKey(key);
          const state = decodeState(group, value);
          const rawSnap = await this.db.get(snapshotKey(group));
          const latest = rawSnap === undefined ? undefined : decodeSnapshot(group, rawSnap);
          // A compacted log always has its snapshot (written in the same batch as the install, or
          // before the compaction): its absence is a lost record, not an empty state machine.
          if (state.snapIndex > 0 && (latest === undefined || latest.metadata.index < state.snapIndex)) {
            throw new CorruptionError(group, state.snapIndex, 'snapshot (missing)');
          }
          this.groups_.set(group, new GroupStorage(group, state, latest, this));
        }
      }
    } finally {
      await it.close();
    }
  }

  /**
   * Delete what a crash left behind: the entries of a group whose drop was interrupted (no state
   * record), and entries below a group's first index whose background deletion did not run.
   * One seek per group that has entries.
   */
  private async sweepEntries(): Promise<void> {
    const stale: Array<{ gte: Buffer; lt: Buffer }> = [];
    const it = this.db.keys(ENTRY_RANGE);
    try {
      for (let key = await it.next(); key !== undefined; key = await it.next()) {
        const group = groupOfEntryKey(key);
        const g = this.groups_.get(group);
        if (!g) stale.push(groupEntryRange(group));
        else if (indexOfEntryKey(key) <= g.snapIndex) stale.push(entryRange(group, 0, g.snapIndex + 1));
        it.seek(afterGroupEntries(group));
      }
    } finally {
      await it.close();
    }
    for (const range of stale) await this.db.clear(range);
  }

  async close(): Promise<void> {
    await this.writes;
    await this.background;
    await this.db.close();
  }

  groupIds(): number[] {
    return [...this.groups_.keys()];
  }

  group(id: number): GroupStorage | undefined {
    return this.groups_.get(id);
  }

  /** The group's storage; a new group starts empty with membership `conf` (persisted with its first batch). */
  openGroup(id: number, conf: ConfState): GroupStorage {
    this.throwIfFailed();
    let g = this.groups_.get(id);
    if (!g) {
      const state: GroupState = { hardState: { term: 0, vote: 0, commit: 0 }, snapIndex: 0, snapTerm: 0, lastIndex: 0, conf, runs: [] };
      g = new GroupStorage(id, state, undefined, this);
      this.groups_.set(id, g);
    }
    return g;
  }

  /** Remove a group and all its data (topic deletion), durably. The id may be reused afterwards. */
  async dropGroup(id: number): Promise<void> {
    this.throwIfFailed();
    if (this.openBatch?.touches(id)) throw new Error(`group ${id}: cannot drop it while an uncommitted batch has staged writes for it`);
    const g = this.groups_.get(id);
    g?.detach();
    this.groups_.delete(id);
    this.lru.delete(id);
    await this.write(async () => {
      // Pending deletions of this group's old entries must not run after a new group of this id writes.
      await this.background;
      // State first: a crash between the two leaves orphan entries, which the next open sweeps.
      await this.db.batch([{ type: 'del', key: stateKey(id) }, { type: 'del', key: snapshotKey(id) }], { sync: true });
      await this.db.clear(groupEntryRange(id));
    });
  }

  /**
   * Start the batch of one Ready cycle. Every batch that staged anything must be committed before
   * the next one begins: its changes are already visible in memory.
   */
  beginBatch(): StoreBatch {
    this.throwIfFailed();
    if (this.openBatch && !this.openBatch.isEmpty()) {
      throw new Error(`a StoreBatch with staged writes (groups ${this.openBatch.groups().join(', ')}) was never committed: commit every batch before beginning the next`);
    }
    this.openBatch = new StoreBatch(this, this.db);
    return this.openBatch;
  }

  stats(): StoreStats {
    return { ...this.stats_, cacheBytes: this.cacheTotal };
  }

  // --- For StoreBatch ------------------------------------------------------------------------------

  /** @internal */
  batchClosed(batch: StoreBatch): void {
    if (this.openBatch === batch) this.openBatch = undefined;
  }

  /** @internal Run `work` after every earlier write has landed; a failure stops the store. */
  write(work: () => Promise<void>): Promise<void> {
    const run = this.writes.then(async () => {
      this.throwIfFailed();
      try {
        await work();
      } catch (e) {
        this.failed ??= new StoreFailedError(this.dir, e);
        throw this.failed;
      }
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** @internal Deletions safe to run after the batch: below a group's first index nothing is read or written again. */
  scheduleBackground(work: () => Promise<unknown>): void {
    // A failure leaves only garbage below the first index, which the next open sweeps.
    this.background = this.background.then(work).then(
      () => undefined,
      () => undefined,
    );
  }

  /** @internal */
  throwIfFailed(): void {
    if (this.failed) throw this.failed;
  }

  /** @internal */
  countBatch(): void {
    this.stats_.batches++;
  }

  /** @internal Writes landed: entries they made durable may now be evicted. */
  trimCache(): void {
    if (this.cacheTotal > this.cacheMax) this.evict(undefined);
  }

  // --- GroupHost ----------------------------------------------------------------------------------

  async readFromDisk(group: number, lo: number, hi: number, maxBytes: number): Promise<Entry[]> {
    this.stats_.diskReads++;
    const out: Entry[] = [];
    let bytes = 0;
    // Created before the first await: LevelDB pins a consistent view of the keys right here.
    const it = this.db.iterator(entryRange(group, lo, hi));
    try {
      let expected = lo;
      for (;;) {
        const batch = await it.nextv(64);
        if (batch.length === 0) break;
        for (const [key, value] of batch) {
          const index = indexOfEntryKey(key);
          if (index !== expected) throw new CorruptionError(group, expected, 'log (entry missing)');
          const e = decodeEntry(group, index, value);
          if (out.length > 0 && bytes + e.data.length > maxBytes) return out;
          out.push(e);
          bytes += e.data.length;
          expected++;
        }
      }
      // The caller only asks for indexes the group's state says are on disk.
      if (expected < hi) throw new CorruptionError(group, expected, 'log (entry missing)');
    } finally {
      await it.close();
      this.stats_.entriesReadFromDisk += out.length;
    }
    return out;
  }

  cacheAdded(group: GroupStorage, bytes: number): void {
    this.cacheTotal += bytes;
    this.lru.delete(group.id);
    this.lru.set(group.id, group); // most recently written last
    if (this.cacheTotal > this.cacheMax) this.evict(group);
  }

  cacheRemoved(bytes: number): void {
    this.cacheTotal -= bytes;
  }

  entriesLoaded(group: number): void {
    this.onEntriesLoaded(group);
  }

  /**
   * Get back under budget: first the oldest entries of the least recently written groups (`current`,
   * which just added, last), then, only if that is not enough, ranges loaded for other groups'
   * cores and not yet taken. A range just loaded is never evicted by its own load, or loads under
   * memory pressure would evict each other forever.
   */
  private evict(current: GroupStorage | undefined): void {
    const over = () => this.cacheTotal - this.cacheMax;
    // Stops as soon as the budget is met: the cost is the groups evicted from, not all groups.
    for (const [id, g] of this.lru) {
      if (over() <= 0) break;
      if (g === current) continue;
      g.evict(over());
      if (g.cacheBytes === 0) this.lru.delete(id);
    }
    if (current && over() > 0) current.evict(over());
    for (const [id, g] of this.lru) {
      if (over() <= 0) break;
      if (g === current) continue;
      g.evictLoaded();
      if (g.cacheBytes === 0) this.lru.delete(id);
    }
  }
}

/**
 * The writes of one Ready cycle, for any number of groups. Stage everything, then commit once:
 * that single write is the group commit the Raft contract's "persist before send" waits for.
 * Each staging call checks its arguments before it changes anything, so a call that throws has
 * staged nothing.
 */
export class StoreBatch {
  private readonly ops: KvOp[] = [];
  private readonly touched = new Set<GroupStorage>();
  private readonly after: Array<() => Promise<unknown>> = [];
  private readonly durable: Array<{ g: GroupStorage; index: number; epoch: number }> = [];
  private closed = false;

  constructor(
    private readonly store: LogStore,
    private readonly db: KvDatabase,
  ) {}

  private groupOf(id: number): GroupStorage {
    if (this.closed) throw new Error('this StoreBatch has been committed: begin a new one');
    this.store.throwIfFailed();
    const g = this.store.group(id);
    if (!g) throw new Error(`group ${id} is not open in this store: openGroup() it first`);
    return g;
  }

  isEmpty(): boolean {
    return this.touched.size === 0 && this.ops.length === 0;
  }

  touches(group: number): boolean {
    for (const g of this.touched) if (g.id === group) return true;
    return false;
  }

  groups(): number[] {
    return [...this.touched].map((g) => g.id);
  }

  /** Stage a Ready: install its snapshot, append its entries (truncating a conflicting suffix), save its hard state. */
  stage(group: number, ready: Pick<Ready, 'snapshot' | 'entries' | 'hardState'>): void {
    const g = this.groupOf(group);
    const base = ready.snapshot ? ready.snapshot.metadata.index : g.snapIndex;
    let entries = ready.entries;
    if (entries.length > 0 && entries[0].index <= base) entries = entries.filter((e) => e.index > base);
    if (ready.snapshot && base <= g.snapIndex) {
      throw new Error(`group ${group}: snapshot at ${base} is not newer than the log's compaction point ${g.snapIndex}`);
    }
    if (entries.length > 0) {
      const first = entries[0].index;
      const problem = ready.snapshot ? (first === base + 1 ? undefined : `group ${group}: entries start at ${first}, not right after the snapshot at ${base}`) : g.appendProblem(first);
      if (problem) throw new Error(problem);
    }
    if (ready.snapshot) this.installSnapshot(g, ready.snapshot);
    if (entries.length > 0) {
      const { values, owned } = encodeEntries(group, entries);
      for (let i = 0; i < owned.length; i++) this.ops.push({ type: 'put', key: entryKey(group, owned[i].index), value: values[i] });
      const { deleteFrom, deleteTo, epoch } = g.appendEntries(owned);
      for (let i = deleteFrom; i <= deleteTo; i++) this.ops.push({ type: 'del', key: entryKey(group, i) });
      this.durable.push({ g, index: owned[owned.length - 1].index, epoch });
    }
    if (ready.hardState) g.hardState = ready.hardState;
    this.touched.add(g);
  }

  private installSnapshot(g: GroupStorage, snap: Snapshot): void {
    const oldFirst = g.firstIndex();
    const oldLast = g.lastIndex();
    // Entries above the snapshot must go in this same batch; those below can go later.
    for (let i = Math.max(oldFirst, snap.metadata.index + 1); i <= oldLast; i++) this.ops.push({ type: 'del', key: entryKey(g.id, i) });
    this.ops.push({ type: 'put', key: snapshotKey(g.id), value: encodeSnapshot(g.id, snap.metadata, snap.data) });
    g.installSnapshot(snap);
    const id = g.id;
    const upTo = Math.min(oldLast, snap.metadata.index) + 1;
    if (upTo > oldFirst) this.after.push(() => this.db.clear(entryRange(id, oldFirst, upTo)));
  }

  /**
   * Record a snapshot the application took at `index` (<= applied); the log is not compacted.
   * A snapshot at or below the latest one changes nothing and returns the latest.
   */
  createSnapshot(group: number, index: number, conf: ConfState, data: Uint8Array): Snapshot {
    const g = this.groupOf(group);
    if (g.latest && index <= g.latest.metadata.index) return g.latest;
    if (index > g.lastIndex()) throw new RangeError(`group ${group}: snapshot index ${index} is past the last index ${g.lastIndex()}`);
    const snap: Snapshot = { metadata: { index, term: g.term(index), conf }, data };
    this.ops.push({ type: 'put', key: snapshotKey(group), value: encodeSnapshot(group, snap.metadata, data) });
    g.latest = snap;
    // A snapshot is of committed state: never let the stored commit index fall below it.
    if (g.hardState.commit < index) g.hardState = { ...g.hardState, commit: index };
    this.touched.add(g);
    return snap;
  }

  /** Drop the group's entries up to and including `index`; the latest snapshot must cover it. */
  compact(group: number, index: number): void {
    const g = this.groupOf(group);
    if (index <= g.snapIndex) return;
    if (!g.latest || g.latest.metadata.index < index) {
      throw new Error(`group ${group}: compact(${index}) needs a snapshot at or past ${index} first (have ${g.latest?.metadata.index ?? 'none'})`);
    }
    if (index > g.lastIndex()) throw new RangeError(`group ${group}: compact(${index}) is past the last index ${g.lastIndex()}`);
    const oldFirst = g.firstIndex();
    g.compactTo(index);
    this.touched.add(g);
    this.after.push(() => this.db.clear(entryRange(group, oldFirst, index + 1)));
  }

  /**
   * Replace the data of committed entries in place (log compaction's output): same index, same
   * term and type, new data, in this batch's one atomic write. Only entries that can never change
   * again qualify: above the compaction point, at or below the commit index, and landed on disk;
   * an entry outside that (compacted away, replaced by a snapshot since it was read) is skipped,
   * so a rewrite computed from an older view of the log never resurrects or overwrites anything.
   * A cached copy is replaced too. Returns how many entries were rewritten.
   */
  rewrite(group: number, entries: readonly Entry[]): number {
    const g = this.groupOf(group);
    const ok = entries.filter((e) => g.rewritable(e));
    if (ok.length === 0) return 0;
    const { values, owned } = encodeEntries(group, ok);
    for (let i = 0; i < owned.length; i++) {
      this.ops.push({ type: 'put', key: entryKey(group, owned[i].index), value: values[i] });
      g.replaceCached(owned[i]);
    }
    this.touched.add(g);
    return owned.length;
  }

  /** Operations staged so far (before the groups' state records are added at commit). */
  get size(): number {
    return this.ops.length;
  }

  /**
   * One atomic LevelDB write of everything staged, after every earlier batch's write. With sync,
   * durable when it resolves. Throws StoreFailedError if the write failed: the store has stopped.
   */
  async commit(options: { sync: boolean } = { sync: true }): Promise<void> {
    if (this.closed) throw new Error('this StoreBatch has already been committed');
    this.closed = true;
    this.store.batchClosed(this);
    // The state records, as of now: they go in the same write as the entries they describe.
    for (const g of this.touched) this.ops.push({ type: 'put', key: stateKey(g.id), value: encodeState(g.id, g.state()) });
    // Even an empty batch waits in the chain: when commit resolves, every earlier batch has landed.
    await this.store.write(async () => {
      if (this.ops.length === 0) return;
      await this.db.batch(this.ops, { sync: options.sync });
      this.store.countBatch();
    });
    for (const { g, index, epoch } of this.durable) g.markDurable(index, epoch);
    this.store.trimCache();
    for (const work of this.after) this.store.scheduleBackground(work);
  }
}

/** A data directory LevelDB found damaged while the store opened it: refused, saying what to do. */
function damagedAtOpen(dir: string, e: unknown): StoreOpenError {
  return new StoreOpenError(
    `data directory ${dir} is damaged (${(e as Error).message}): the node will not start on it. To recover, move the node's data directory away ` +
      '(keep it for inspection) and start the node again: on a new directory it rejoins empty and is resynced from the other replicas',
  );
}
