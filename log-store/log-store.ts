import { Level } from 'level';
import type { ConfState, Entry, Ready, Snapshot } from '../raft/types';
import {
  decodeEntry,
  decodeIdentity,
  decodeSnapshot,
  decodeState,
  encodeEntry,
  encodeIdentity,
  encodeSnapshot,
  encodeState,
  type GroupState,
} from './codec';
import { CorruptionError, StoreOpenError } from './errors';
import { type GroupHost, GroupStorage } from './group-storage';
import { NODE_KEY, STATE_RANGE, entryKey, entryRange, groupOfStateKey, indexOfEntryKey, snapshotKey, stateKey } from './keys';

type DB = Level<Buffer, Buffer>;

export interface LogStoreOptions {
  clusterId: string;
  nodeId: number;
  /** Bytes of recent entries kept in memory across all groups (default 64 MiB). */
  cacheBytes?: number;
}

export interface StoreStats {
  diskReads: number;
  entriesReadFromDisk: number;
  cacheBytes: number;
  batches: number;
}

/**
 * One LevelDB holding every Raft group of a node. Group commit: StoreBatch turns one Ready cycle
 * of many groups into one atomic LevelDB batch with a single (optionally synced) write. A batch
 * is all or nothing across a crash, because LevelDB applies a write batch atomically and a group's
 * state record (which says where its log ends) is in the same batch as its entries.
 */
export class LogStore implements GroupHost {
  private readonly groups_ = new Map<number, GroupStorage>();
  private readonly lru = new Map<number, GroupStorage>();
  private cacheTotal = 0;
  private readonly cacheMax: number;
  private readonly stats_: StoreStats = { diskReads: 0, entriesReadFromDisk: 0, cacheBytes: 0, batches: 0 };
  /** Called when entries a group asked for (and got UNAVAILABLE) are in memory. */
  onEntriesLoaded: (group: number) => void = () => undefined;
  private background: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly db: DB,
    options: LogStoreOptions,
  ) {
    this.cacheMax = options.cacheBytes ?? 64 << 20;
  }

  static async open(dir: string, options: LogStoreOptions): Promise<LogStore> {
    const db: DB = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    try {
      await db.open();
    } catch (e) {
      const code = (e as { code?: string; cause?: { code?: string } }).cause?.code ?? (e as { code?: string }).code;
      if (code === 'LEVEL_LOCKED') throw new StoreOpenError(`data directory ${dir} is in use by another process (is another node running on it?)`);
      throw new StoreOpenError(`cannot open data directory ${dir}: ${(e as Error).message}`);
    }
    const store = new LogStore(dir, db, options);
    try {
      await store.checkIdentity(options);
      await store.loadGroups();
    } catch (e) {
      await db.close();
      throw e;
    }
    return store;
  }

  private async checkIdentity({ clusterId, nodeId }: LogStoreOptions): Promise<void> {
    const raw = await this.db.get(NODE_KEY);
    if (raw === undefined) {
      await this.db.put(NODE_KEY, encodeIdentity({ clusterId, nodeId }), { sync: true });
      return;
    }
    const stored = decodeIdentity(raw);
    if (stored.clusterId !== clusterId || stored.nodeId !== nodeId) {
      throw new StoreOpenError(
        `data directory ${this.dir} belongs to cluster '${stored.clusterId}' node ${stored.nodeId}, not cluster '${clusterId}' node ${nodeId}: ` +
          'point --data at the right directory, or wipe it to make this a new node',
      );
    }
  }

  private async loadGroups(): Promise<void> {
    for await (const [key, value] of this.db.iterator(STATE_RANGE)) {
      const group = groupOfStateKey(key);
      const state = decodeState(group, value);
      const rawSnap = await this.db.get(snapshotKey(group));
      const latest = rawSnap === undefined ? undefined : decodeSnapshot(group, rawSnap);
      this.groups_.set(group, new GroupStorage(group, state, latest, this));
    }
  }

  async close(): Promise<void> {
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
    let g = this.groups_.get(id);
    if (!g) {
      const state: GroupState = { hardState: { term: 0, vote: 0, commit: 0 }, snapIndex: 0, snapTerm: 0, lastIndex: 0, conf, runs: [] };
      g = new GroupStorage(id, state, undefined, this);
      this.groups_.set(id, g);
    }
    return g;
  }

  /** Remove a group and all its data (topic deletion). */
  async dropGroup(id: number): Promise<void> {
    const g = this.groups_.get(id);
    g?.clearCache();
    this.groups_.delete(id);
    this.lru.delete(id);
    await this.db.batch([
      { type: 'del', key: stateKey(id) },
      { type: 'del', key: snapshotKey(id) },
    ], { sync: true });
    await this.db.clear(entryRange(id, 0, Number.MAX_SAFE_INTEGER));
  }

  beginBatch(): StoreBatch {
    return new StoreBatch(this, this.db);
  }

  stats(): StoreStats {
    return { ...this.stats_, cacheBytes: this.cacheTotal };
  }

  // --- GroupHost ----------------------------------------------------------------------------------

  async readFromDisk(group: number, lo: number, hi: number, maxBytes: number): Promise<Entry[]> {
    this.stats_.diskReads++;
    const out: Entry[] = [];
    let bytes = 0;
    const it = this.db.iterator(entryRange(group, lo, hi));
    try {
      let expected = lo;
      for (;;) {
        const batch = await it.nextv(64);
        if (batch.length === 0) break;
        for (const [key, value] of batch) {
          const index = indexOfEntryKey(key);
          if (index !== expected) throw new CorruptionError(group, expected, 'log (missing entry)');
          const e = decodeEntry(group, index, value);
          if (out.length > 0 && bytes + e.data.length > maxBytes) return out;
          out.push(e);
          bytes += e.data.length;
          expected++;
        }
      }
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

  /** Evict the oldest entries of the least recently written groups until under budget. */
  private evict(current: GroupStorage): void {
    for (const g of [...this.lru.values()]) {
      if (this.cacheTotal <= this.cacheMax) return;
      if (g === current) continue;
      g.evict(this.cacheTotal - this.cacheMax);
      if (g.cacheBytes === 0) this.lru.delete(g.id);
    }
    // Still over: the writing group itself holds most of the budget.
    if (this.cacheTotal > this.cacheMax) current.evict(this.cacheTotal - this.cacheMax);
  }

  /** Deletions that are safe to run after the batch (below a group's first index nothing is ever written again). */
  scheduleBackground(work: () => Promise<unknown>): void {
    this.background = this.background.then(work).catch(() => undefined);
  }

  countBatch(): void {
    this.stats_.batches++;
  }
}

/**
 * The writes of one Ready cycle, for any number of groups. Stage everything, then commit once:
 * that single write is the group commit the Raft contract's "persist before send" waits for.
 */
export class StoreBatch {
  private readonly ops: Array<{ type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer }> = [];
  private readonly touched = new Set<GroupStorage>();
  private readonly after: Array<() => Promise<unknown>> = [];
  private readonly durable: Array<{ g: GroupStorage; index: number }> = [];

  constructor(
    private readonly store: LogStore,
    private readonly db: DB,
  ) {}

  private groupOf(id: number): GroupStorage {
    const g = this.store.group(id);
    if (!g) throw new Error(`group ${id} is not open in this store`);
    return g;
  }

  /** Stage a Ready: install its snapshot, append its entries (truncating a conflicting suffix), save its hard state. */
  stage(group: number, ready: Pick<Ready, 'snapshot' | 'entries' | 'hardState'>): void {
    const g = this.groupOf(group);
    if (ready.snapshot) this.installSnapshot(g, ready.snapshot);
    if (ready.entries.length > 0) {
      const entries = ready.entries.filter((e) => e.index > g.snapIndex);
      if (entries.length > 0) {
        for (const e of entries) this.ops.push({ type: 'put', key: entryKey(group, e.index), value: encodeEntry(group, e) });
        const { deleteFrom, deleteTo } = g.appendEntries(entries);
        for (let i = deleteFrom; i <= deleteTo; i++) this.ops.push({ type: 'del', key: entryKey(group, i) });
        this.durable.push({ g, index: entries[entries.length - 1].index });
      }
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

  /** Record a snapshot the application took at `index` (<= applied); the log is not compacted. */
  createSnapshot(group: number, index: number, conf: ConfState, data: Uint8Array): Snapshot {
    const g = this.groupOf(group);
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
    if (!g.latest || g.latest.metadata.index < index) {
      throw new Error(`group ${group}: compact(${index}) needs a snapshot at or past ${index} first (have ${g.latest?.metadata.index ?? 'none'})`);
    }
    const oldFirst = g.firstIndex();
    g.compactTo(index);
    this.touched.add(g);
    if (index + 1 > oldFirst) this.after.push(() => this.db.clear(entryRange(group, oldFirst, index + 1)));
  }

  get size(): number {
    return this.ops.length;
  }

  /** One atomic write; with sync, durable when it resolves. */
  async commit(options: { sync: boolean } = { sync: true }): Promise<void> {
    for (const g of this.touched) this.ops.push({ type: 'put', key: stateKey(g.id), value: encodeState(g.id, g.state()) });
    if (this.ops.length === 0) return;
    await this.db.batch(this.ops, { sync: options.sync });
    this.store.countBatch();
    for (const { g, index } of this.durable) if (g.durableIndex < index && index <= g.lastIndex()) g.durableIndex = index;
    for (const work of this.after) this.store.scheduleBackground(work);
  }
}
