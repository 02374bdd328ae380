import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryType } from '../../raft';
import { type RecordInput } from '../records';
import { fetchBatches } from './fetch';
import { LeaderSession } from './leader-session';
import { type CompactionConfig, DEFAULT_COMPACTION, LogCleaner } from './log-cleaner';
import { keyHash, OffsetMap } from './offset-map';
import { PartitionState } from './partition-state';
import { emptyPrefixCompactIndex } from './retention';
import { readStoredBatch } from './stored-batch';
import { produceOf, recordsOf, TestLog } from './test-log';

const ctx = { topic: 'c', partition: 0 };
// Small segments, so that a few batches close one; index points every 2 batches.
const OPTIONS = { segmentBytes: 600, segmentMs: 1_000_000_000, indexIntervalBytes: 200, indexIntervalEntries: 2 };
const CONFIG: CompactionConfig = { ...DEFAULT_COMPACTION, deleteRetentionMs: 1000, minCleanableDirtyRatio: 0 };
const b = (s: string) => Buffer.from(s);

/** A one-replica partition: a log, its state, a leader session, a clock. Records carry the clock. */
class Partition {
  log = new TestLog();
  state = new PartitionState(ctx, { options: OPTIONS });
  session: LeaderSession;
  cleaner = new LogCleaner(ctx, { mapBytes: 64 * 1024, readBytes: 4096 });
  now = 1_000_000;

  constructor() {
    this.log.append(EntryType.Normal, new Uint8Array(0));
    this.commit();
    this.session = new LeaderSession(this.state, this.log.term);
  }

  commit(): void {
    this.log.commitUpTo(this.log.lastIndex);
    this.log.applyCommitted(this.state);
  }

  /** Produce one batch of keyed records (value null: a tombstone); returns its base offset. */
  write(records: ReadonlyArray<readonly [string, string | null]>): number {
    const input: RecordInput[] = records.map(([k, v]) => ({ key: b(k), value: v === null ? null : b(v), timestamp: this.now }));
    const o = this.session.produce(produceOf(input), this.log.propose);
    if (o.kind !== 'appended') throw new Error(`produce was ${o.kind}`);
    this.commit();
    this.now += 10;
    return o.baseOffset;
  }

  clean(config = CONFIG, floor?: number) {
    return this.cleaner.clean(this.state, config, this.now, this.log.read, this.log.rewrite, floor);
  }

  /** A restart: the state rebuilt by applying the (compacted) log from its start; the cleaner starts over. */
  restart(): void {
    const s = new PartitionState(ctx, { options: OPTIONS });
    this.log.applyCommitted(s);
    this.state = s;
    this.session = new LeaderSession(s, this.log.term);
    this.cleaner = new LogCleaner(ctx, this.cleaner.options);
  }

  /** What a consumer reading from the beginning gets: [offset, key, value]. */
  async readAll(): Promise<Array<[number, string, string | null]>> {
    const out: Array<[number, string, string | null]> = [];
    let offset = this.state.logStartOffset;
    for (;;) {
      const f = await fetchBatches(this.state, offset, 500, this.log.read);
      for (const r of recordsOf(f.batches, offset)) out.push([r.offset, Buffer.from(r.key!).toString(), r.value === null ? null : Buffer.from(r.value).toString()]);
      if (f.nextOffset >= this.state.highWatermark) return out;
      expect(f.nextOffset).toBeGreaterThan(offset);
      offset = f.nextOffset;
    }
  }
}

describe('the log cleaner', () => {
  it('keeps the latest record of every key at its original offset, never touches the active segment, and leaves the replicated state as it was', async () => {
    const p = new Partition();
    const offsets = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const k = `k${i % 5}`;
      offsets.set(k, p.write([[k, `v${i}`.padEnd(100, '.')]]));
    }
    const before = p.state.snapshot().data;
    const activeStart = p.state.index.all().filter((q) => q.segmentStart).at(-1)!.raftIndex;
    const activeBefore = p.log.entries.filter((e) => e.index >= activeStart).map((e) => e.data);
    const r = await p.clean();
    expect(r).toBeDefined();
    expect(r!.recordsRemoved).toBeGreaterThan(0);
    expect(r!.bytesReclaimed).toBeGreaterThan(0);
    expect(p.log.entries.filter((e) => e.index >= activeStart).map((e) => e.data)).toEqual(activeBefore);
    const all = await p.readAll();
    // At most one record per key below the cleaned point, each the key's latest in that range.
    const cleaned = p.cleaner.progress().cleanedThroughOffset;
    const below = all.filter(([o]) => o < cleaned).map(([, k]) => k);
    expect(new Set(below).size).toBe(below.length);
    const last = new Map<string, [number, string | null]>();
    for (const [o, k, v] of all) last.set(k, [o, v]);
    for (const [k, o] of offsets) expect(last.get(k)![0]).toBe(o);
    expect(all.map(([o]) => o)).toEqual([...all.map(([o]) => o)].sort((x, y) => x - y));
    // Applying the compacted log gives the same state, byte for byte.
    p.restart();
    expect(Buffer.from(p.state.snapshot().data).equals(Buffer.from(before))).toBe(true);
    expect(p.cleaner.progress().passes).toBe(0);
  });

  it('a tombstone stays delete.retention.ms after the pass that first cleaned it, then goes with its key', async () => {
    const p = new Partition();
    p.write([['gone', 'v1']]);
    p.write([['gone', 'v2']]);
    const t = p.write([['gone', null]]);
    for (let i = 0; i < 30; i++) p.write([[`x${i}`, 'y']]); // close segments behind the tombstone
    await p.clean();
    expect((await p.readAll()).filter(([, k]) => k === 'gone')).toEqual([[t, 'gone', null]]);
    p.now += CONFIG.deleteRetentionMs - 20;
    await p.clean({ ...CONFIG, minCleanableDirtyRatio: 0 });
    expect((await p.readAll()).filter(([, k]) => k === 'gone')).toEqual([[t, 'gone', null]]);
    p.now += 20;
    // New dirt as well: the pass it makes removes the due tombstone too.
    for (let i = 0; i < 10; i++) p.write([[`z${i}`, 'y']]);
    const r = await p.clean();
    expect(r!.tombstonesRemoved).toBe(1);
    expect((await p.readAll()).filter(([, k]) => k === 'gone')).toEqual([]);
  });

  it('a log nobody writes to any more still loses its tombstones: a pass over the clean part runs when one is due, or when the floor rises past one', async () => {
    const p = new Partition();
    p.write([['gone', 'v1']]);
    const t = p.write([['gone', null]]);
    for (let i = 0; i < 30; i++) p.write([[`x${i}`, 'y']]);
    await p.clean();
    expect(await p.clean(), 'nothing dirty, no tombstone due').toBeUndefined();
    p.now += CONFIG.deleteRetentionMs;
    // Held back by the floor (a replica lacks the tombstone): kept, and no pass while the floor stays.
    expect((await p.clean(CONFIG, t))?.tombstonesRemoved).toBe(0);
    expect(await p.clean(CONFIG, t)).toBeUndefined();
    expect((await p.readAll()).filter(([, k]) => k === 'gone')).toEqual([[t, 'gone', null]]);
    // The floor rises past it: a pass removes it, without any new write.
    const r = await p.clean(CONFIG, t + 1);
    expect(r?.tombstonesRemoved).toBe(1);
    expect((await p.readAll()).filter(([, k]) => k === 'gone')).toEqual([]);
    expect(await p.clean(), 'nothing due any more').toBeUndefined();

    // Without a floor: the pass that gives the horizon, then the due pass once it has passed.
    const q = new Partition();
    q.write([['gone', null]]);
    for (let i = 0; i < 30; i++) q.write([[`x${i}`, 'y']]);
    await q.clean();
    q.now += CONFIG.deleteRetentionMs - 1;
    expect(await q.clean()).toBeUndefined();
    q.now += 1;
    expect((await q.clean())?.tombstonesRemoved).toBe(1);
    expect((await q.readAll()).filter(([, k]) => k === 'gone')).toEqual([]);
  });

  it('keeps a tombstone at or above the floor the host gives, whatever its horizon', async () => {
    const p = new Partition();
    const t = p.write([['gone', null]]);
    for (let i = 0; i < 30; i++) p.write([[`x${i}`, 'y']]);
    await p.clean();
    p.now += CONFIG.deleteRetentionMs;
    for (let i = 0; i < 10; i++) p.write([[`z${i}`, 'y']]);
    await p.clean(CONFIG, t);
    expect((await p.readAll()).filter(([, k]) => k === 'gone')).toEqual([[t, 'gone', null]]);
  });

  it('min.compaction.lag.ms holds back young segments; min.cleanable.dirty.ratio waits for enough dirt; max.compaction.lag.ms overrides it', async () => {
    const p = new Partition();
    for (let i = 0; i < 30; i++) p.write([['k', `v${i}`]]);
    expect(await p.clean({ ...CONFIG, minCompactionLagMs: 10_000 })).toBeUndefined();
    const plan = await p.cleaner.plan(p.state, { ...CONFIG, minCompactionLagMs: 10_000 }, p.now, p.log.read);
    expect(plan).toMatchObject({ clean: false });
    expect(await p.clean()).toBeDefined();
    // Two more segments of new keys: dirty but under a ratio of 0.99.
    for (let i = 0; i < 8; i++) p.write([[`n${i}`, 'v']]);
    const strict = { ...CONFIG, minCleanableDirtyRatio: 0.99 };
    expect(await p.clean(strict)).toBeUndefined();
    expect(p.cleaner.progress().dirtyRatio).toBeGreaterThan(0);
    expect(p.cleaner.progress().dirtyRatio).toBeLessThan(0.99);
    p.now += 5000;
    expect(await p.clean({ ...strict, maxCompactionLagMs: 1000 })).toBeDefined();
  });

  it('a plan below the dirty ratio reads nothing unless max.compaction.lag.ms is set, and then the first dirty batch once (hosts plan at every round)', async () => {
    const p = new Partition();
    for (let i = 0; i < 30; i++) p.write([['k', `v${i}`]]);
    let reads = 0;
    const counted: typeof p.log.read = (lo, hi, max) => {
      reads++;
      return p.log.read(lo, hi, max);
    };
    const strict = { ...CONFIG, minCleanableDirtyRatio: 1.1 };
    for (let i = 0; i < 5; i++) expect(await p.cleaner.plan(p.state, strict, p.now, counted)).toMatchObject({ clean: false });
    expect(reads, 'no max.compaction.lag.ms: nothing to read').toBe(0);
    const lagged = { ...strict, maxCompactionLagMs: 1_000_000 };
    for (let i = 0; i < 5; i++) expect(await p.cleaner.plan(p.state, lagged, p.now, counted)).toMatchObject({ clean: false });
    expect(reads, 'the first dirty batch, read once').toBe(1);
    p.now += 2_000_000;
    expect(await p.cleaner.plan(p.state, lagged, p.now, counted)).toMatchObject({ clean: true });
    expect(reads).toBe(1);
  });

  it('a map too small for the dirty part cleans it over several passes, each bounded by the map', async () => {
    const p = new Partition();
    p.cleaner = new LogCleaner(ctx, { mapBytes: 24 * 20, readBytes: 512 }); // 18 keys
    for (let i = 0; i < 60; i++) p.write([[`k${i % 25}`, `v${i}`], [`j${i % 7}`, `w${i}`]]);
    const ends: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await p.clean();
      if (!r) break;
      ends.push(r.mapEndIndex);
    }
    expect(ends.length).toBeGreaterThan(2);
    const all = await p.readAll();
    const cleaned = p.cleaner.progress().cleanedThroughOffset;
    const below = all.filter(([o]) => o < cleaned).map(([, k]) => k);
    expect(new Set(below).size).toBe(below.length);
  });

  it('a full map still takes batches whose keys it already holds (the pass goes on through rewrites of known keys)', async () => {
    const p = new Partition();
    p.cleaner = new LogCleaner(ctx, { mapBytes: 24 * 20, readBytes: 4096 }); // 18 keys
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 18; k += 6) p.write(Array.from({ length: 6 }, (_, i) => [`k${k + i}`, `r${round}`.padEnd(60, '.')] as const));
    }
    for (let i = 0; i < 6; i++) p.write([['k0', 'last'.padEnd(60, '.')]]);
    const r = await p.clean();
    // One pass: every round but the last of each key is gone from what it covered.
    expect(r!.recordsRemoved).toBeGreaterThanOrEqual(36);
  });

  it('fetch passes over a batch left with no records and returns the next; apply reads its offsets and sizes', async () => {
    const p = new Partition();
    p.write([['a', '1'], ['b', '1']]);
    for (let i = 0; i < 30; i++) p.write([['a', `${i}`], ['b', `${i}`]]);
    await p.clean();
    const first = p.log.entries.find((e) => e.data.length > 0)!;
    const s = readStoredBatch(first.data, ctx, first.index);
    expect(s.compacted).toBe(true);
    expect(s.header.recordCount).toBe(0);
    expect(s.endOffset).toBe(2);
    const f = await fetchBatches(p.state, 0, 1 << 20, p.log.read);
    expect(recordsOf(f.batches)[0].offset).toBeGreaterThan(1);
  });
});

describe('truncating what compaction emptied', () => {
  it('the log may be truncated at the last segment boundary before which no record is left; a replica restored from that snapshot and the log after it reads every live key', async () => {
    const p = new Partition();
    for (let i = 0; i < 30; i++) p.write([['same', `v${i}`.padEnd(80, '.')]]);
    for (let i = 0; i < 8; i++) p.write([[`live${i}`, 'x'.padEnd(80, '.')]]);
    await p.clean();
    const empty = p.cleaner.progress().emptyThroughIndex;
    expect(empty).toBeGreaterThan(1);
    const at = emptyPrefixCompactIndex(p.state, empty)!;
    expect(at).toBeGreaterThan(1);
    expect(at).toBeLessThanOrEqual(empty);
    const snap = [...p.state.index.all()].find((q) => q.raftIndex === at + 1);
    expect(snap?.segmentStart).toBe(true);
    const live = await p.readAll();
    // The segment snapshot at `at`: rebuild it by applying the log up to there (what apply emitted then).
    const s = new PartitionState(ctx, { options: OPTIONS });
    const snapshot = p.log.applyCommitted(s, at).find((x) => x.metadata.index === at)!;
    p.log.compactThrough(at);
    p.state.compactedThrough(at);
    expect(await p.readAll()).toEqual(live);
    // A replica that installs that snapshot and receives the (compacted) log after it.
    const restored = PartitionState.restore(ctx, snapshot, { options: OPTIONS });
    p.log.applyCommitted(restored);
    p.state = restored;
    expect(await p.readAll()).toEqual(live);
  });
});

describe('the cleaner across a moved log start', () => {
  it('truncating the emptied prefix keeps what was cleaned clean (no full pass again), and the dirty ratio counts only the bytes left', async () => {
    const p = new Partition();
    for (let i = 0; i < 30; i++) p.write([['same', `v${i}`.padEnd(80, '.')]]);
    for (let i = 0; i < 8; i++) p.write([[`live${i}`, 'x'.padEnd(80, '.')]]);
    await p.clean();
    const cleaned = p.cleaner.progress().cleanedThroughIndex;
    const at = emptyPrefixCompactIndex(p.state, p.cleaner.progress().emptyThroughIndex)!;
    expect(at).toBeGreaterThan(1);
    p.log.compactThrough(at);
    p.state.compactedThrough(at);
    expect(await p.cleaner.plan(p.state, CONFIG, p.now, p.log.read), 'nothing new is dirty').toMatchObject({ clean: false });
    expect(p.cleaner.progress().cleanedThroughIndex).toBe(cleaned);
    // New writes: the ratio is dirty / (dirty + the clean bytes still in the log), as a fresh count gives.
    for (let i = 0; i < 8; i++) p.write([[`new${i}`, 'y'.padEnd(80, '.')]]);
    const plan = await p.cleaner.plan(p.state, CONFIG, p.now, p.log.read);
    if (!plan.clean) throw new Error(`expected a pass: ${plan.why}`);
    expect(plan.dirtyIndex).toBe(cleaned + 1);
    const bytes = (lo: number, hi: number) => p.log.entries.filter((e) => e.index >= lo && e.index < hi).reduce((n, e) => n + e.data.length, 0);
    const clean = bytes(at + 1, cleaned + 1); // what is left of the clean part, as compacted
    const dirty = bytes(cleaned + 1, plan.limitIndex); // not compacted yet: stored = original size
    expect(plan.dirtyRatio).toBeCloseTo(dirty / (dirty + clean), 10);
  });

  it('after reset() (the log replaced), the next plan starts from the log start again', async () => {
    const p = new Partition();
    for (let i = 0; i < 30; i++) p.write([['same', `v${i}`.padEnd(80, '.')]]);
    await p.clean();
    expect(await p.clean()).toBeUndefined();
    p.cleaner.reset();
    const again = await p.clean();
    expect(again, 'a full pass: everything is dirty again').toBeDefined();
    expect(p.cleaner.progress().cleanedThroughIndex).toBeGreaterThan(1);
  });
});

describe('the offset map', () => {
  it('holds the latest offset per key hash, and is full at 90% of its slots', () => {
    const m = new OffsetMap(24 * 100);
    const h = new Uint32Array(4);
    for (let i = 0; i < 90; i++) m.put(keyHash(b(`key-${i}`), 0, b(`key-${i}`).length, h), i);
    expect(m.room).toBe(0);
    m.put(keyHash(b('key-3'), 0, 5, h), 500);
    expect(m.get(keyHash(b('key-3'), 0, 5, h))).toBe(500);
    m.put(keyHash(b('key-3'), 0, 5, h), 7); // an earlier offset never replaces a later one
    expect(m.get(keyHash(b('key-3'), 0, 5, h))).toBe(500);
    expect(m.get(keyHash(b('nope'), 0, 4, h))).toBe(-1);
    expect(() => m.put(keyHash(b('one-more'), 0, 8, h), 1)).toThrow(/full/);
  });

  it('the key hash tells apart a million keys (no 128-bit collision) and depends on every byte', () => {
    const seen = new Set<string>();
    const h = new Uint32Array(4);
    const key = Buffer.alloc(20);
    for (let i = 0; i < 200_000; i++) {
      const n = key.write(`user-${i}`);
      keyHash(key, 0, n, h);
      seen.add(`${h[0]},${h[1]},${h[2]},${h[3]}`);
    }
    expect(seen.size).toBe(200_000);
    expect([...keyHash(new Uint8Array(0), 0, 0, h)]).toEqual([0, 0, 0, 0]);
  });
});

describe('compaction, as a property', () => {
  type Op =
    | { kind: 'put'; key: number; value: number }
    | { kind: 'delete'; key: number }
    | { kind: 'clean'; advance: number }
    | { kind: 'restart' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), key: fc.nat(12), value: fc.nat(1000) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.nat(12) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('clean' as const), advance: fc.constantFrom(0, 400, 1200) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
  );

  it('random keyed writes and deletes, cleaning passes and restarts: a read from the beginning gives each key its latest value at its original offset, and never a key whose tombstone is gone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 120 }), fc.integer({ min: 3, max: 40 }), async (ops, mapKeys) => {
        const p = new Partition();
        p.cleaner = new LogCleaner(ctx, { mapBytes: 24 * Math.ceil(mapKeys / 0.9 + 1), readBytes: 1024 });
        const model = new Map<string, { offset: number; value: string | null }>();
        for (const o of ops) {
          if (o.kind === 'put' || o.kind === 'delete') {
            const k = `key-${o.key}`;
            const v = o.kind === 'put' ? `v${o.value}` : null;
            model.set(k, { offset: p.write([[k, v]]), value: v });
          } else if (o.kind === 'clean') {
            p.now += o.advance;
            await p.clean();
          } else {
            p.restart();
          }
        }
        const all = await p.readAll();
        // Offsets increase; at most one record per key below what was cleaned.
        for (let i = 1; i < all.length; i++) expect(all[i][0]).toBeGreaterThan(all[i - 1][0]);
        const last = new Map<string, { offset: number; value: string | null }>();
        for (const [offset, k, value] of all) last.set(k, { offset, value });
        for (const [k, m] of model) {
          const got = last.get(k);
          if (m.value !== null) expect(got).toEqual(m);
          // A deleted key: its tombstone, or nothing at all (never an older value).
          else if (got !== undefined) expect(got).toEqual(m);
        }
        // Nothing read that the model does not know.
        for (const k of last.keys()) expect(model.has(k)).toBe(true);
        // A restart from the compacted log gives the state the uncompacted one gave.
        const before = Buffer.from(p.state.snapshot().data);
        p.restart();
        expect(Buffer.from(p.state.snapshot().data).equals(before)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
