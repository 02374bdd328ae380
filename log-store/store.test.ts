import fc from 'fast-check';
import { Level } from 'level';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EntryType, UNAVAILABLE } from '../raft/types';
import { crc32c } from '../bytes';
import { CorruptionError, StoreFailedError, StoreOpenError } from './errors';
import { entryKey } from './keys';
import { LogStore } from './log-store';

const CONF = { voters: [1, 2, 3], learners: [] };
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'flotilla-store-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ent = (index: number, size = 64) => ({ index, term: 1, type: EntryType.Normal, data: Buffer.alloc(size, index & 0xff) });

async function fill(dir: string, groups: number[], count: number): Promise<void> {
  const store = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
  for (const g of groups) store.openGroup(g, CONF);
  const b = store.beginBatch();
  for (const g of groups) b.stage(g, { entries: Array.from({ length: count }, (_, i) => ent(i + 1)), hardState: { term: 1, vote: 1, commit: count } });
  await b.commit({ sync: true });
  await store.close();
}

/** Every raw key in the directory (the store must be closed). */
async function rawKeys(dir: string): Promise<Buffer[]> {
  const db = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  const keys = await db.keys().all();
  await db.close();
  return keys;
}

const nextLoad = (store: LogStore) => new Promise<number>((resolve) => (store.onEntriesLoaded = resolve));

/** Rewrite one raw LevelDB value, flipping a byte in it. */
async function flipByte(dir: string, match: (key: Buffer) => boolean, at: number): Promise<void> {
  const db = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  for await (const [k, v] of db.iterator()) {
    if (!match(k)) continue;
    const bad = Buffer.from(v);
    bad[Math.min(at, bad.length - 1)] ^= 0x40;
    await db.put(k, bad);
    break;
  }
  await db.close();
}

describe('checksums', () => {
  it('CRC32C matches the standard check value and known vectors', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    // Incremental == one shot.
    const b = Buffer.from('the quick brown fox jumps over the lazy dog');
    expect(crc32c(b, crc32c(b.subarray(0, 10)), 10)).toBe(crc32c(b));
  });

  it('CRC32C equals the bitwise definition on any bytes, any sub-range, and when continued across chunks', () => {
    const bitwise = (b: Uint8Array) => {
      let c = 0xffffffff;
      for (const x of b) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return ~c >>> 0;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const lo = bytes.length === 0 ? 0 : a % (bytes.length + 1);
        const hi = lo + (bytes.length === 0 ? 0 : b % (bytes.length - lo + 1));
        expect(crc32c(bytes, 0, lo, hi)).toBe(bitwise(bytes.subarray(lo, hi)));
        expect(crc32c(bytes, crc32c(bytes, 0, 0, lo), lo)).toBe(bitwise(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('a flipped byte in a stored entry is reported as corruption naming the group and index, never returned as data', async () => {
    const dir = tempDir();
    await fill(dir, [3, 9], 20);
    // key: 'e' group:u32 index:u64 -> group 9, index 7
    await flipByte(dir, (k) => k[0] === 0x65 && k.readUInt32BE(1) === 9 && k.readUInt32BE(9) === 7, 30);
    const store = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    try {
      const err = await store.group(9)!.readEntries(1, 21, Infinity).catch((e) => e);
      expect(err).toBeInstanceOf(CorruptionError);
      expect(err).toMatchObject({ group: 9, index: 7 });
      expect(String(err.message)).toMatch(/group 9 at index 7/);
      // The Raft core's path: the load fails, and the next entries() call raises it (no endless reloads).
      const g = store.group(9)!;
      const loaded = nextLoad(store);
      expect(g.entries(5, 10, Infinity)).toBe(UNAVAILABLE);
      expect(await loaded).toBe(9);
      expect(() => g.entries(5, 10, Infinity)).toThrow(CorruptionError);
      // The other group is untouched.
      expect(await store.group(3)!.readEntries(1, 21, Infinity)).toHaveLength(20);
    } finally {
      await store.close();
    }
  });

  it("a flipped byte in a group's hard state is detected when the store opens", async () => {
    const dir = tempDir();
    await fill(dir, [4], 5);
    await flipByte(dir, (k) => k[0] === 0x73 && k.readUInt32BE(1) === 4, 6);
    const err = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(CorruptionError);
    expect(err).toMatchObject({ group: 4 });
  });
});

describe('opening a data directory', () => {
  it('refuses a directory that belongs to another cluster or node, with a message saying what to do', async () => {
    const dir = tempDir();
    await fill(dir, [1], 1);
    const wrongNode = await LogStore.open(dir, { clusterId: 'c', nodeId: 2 }).catch((e) => e);
    expect(wrongNode).toBeInstanceOf(StoreOpenError);
    expect(wrongNode.message).toMatch(/belongs to cluster 'c' node 1, not cluster 'c' node 2/);
    const wrongCluster = await LogStore.open(dir, { clusterId: 'other', nodeId: 1 }).catch((e) => e);
    expect(wrongCluster.message).toMatch(/not cluster 'other' node 1.*wipe it/);
    // The data is unharmed by the refusals.
    const ok = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    expect(ok.group(1)!.lastIndex()).toBe(1);
    await ok.close();
  });

  it('refuses a directory whose identity record is corrupt', async () => {
    const dir = tempDir();
    await fill(dir, [1], 1);
    await flipByte(dir, (k) => k.length === 1 && k[0] === 0x6d, 9);
    const err = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect(err.message).toMatch(/corrupt identity record/);
  });

  it('refuses a directory another process holds open', async () => {
    const dir = tempDir();
    const first = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    try {
      const err = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 }).catch((e) => e);
      expect(err).toBeInstanceOf(StoreOpenError);
      expect(err.message).toMatch(/in use/);
    } finally {
      await first.close();
    }
  });

  it('restarts with every group, its hard state and its log', async () => {
    const dir = tempDir();
    await fill(dir, [1, 2, 70000], 12);
    const store = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    expect(store.groupIds().sort((a, b) => a - b)).toEqual([1, 2, 70000]);
    expect(store.group(70000)!.hardState).toEqual({ term: 1, vote: 1, commit: 12 });
    expect(store.group(2)!.term(12)).toBe(1);
    await store.close();
  });

  it('dropping a group removes its data and leaves the others intact', async () => {
    const dir = tempDir();
    await fill(dir, [1, 2], 10);
    const store = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    await store.dropGroup(1);
    await store.close();
    expect((await rawKeys(dir)).filter((k) => k.length > 1 && k.readUInt32BE(1) === 1)).toEqual([]);
    const again = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    expect(again.groupIds()).toEqual([2]);
    expect(await again.group(2)!.readEntries(1, 11, Infinity)).toHaveLength(10);
    await again.close();
  });

  it('a dropped group id can be reused at once: pending deletions of the old group never touch the new one', async () => {
    const dir = tempDir();
    const store = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    store.openGroup(1, CONF);
    const b1 = store.beginBatch();
    b1.stage(1, { entries: Array.from({ length: 50 }, (_, i) => ent(i + 1)) });
    b1.createSnapshot(1, 50, CONF, Buffer.from('s'));
    b1.compact(1, 50); // schedules a deletion of entries 1..50 once written
    await b1.commit({ sync: true });
    await store.dropGroup(1);
    store.openGroup(1, CONF);
    const b2 = store.beginBatch();
    b2.stage(1, { entries: Array.from({ length: 10 }, (_, i) => ent(i + 1, 10)) });
    await b2.commit({ sync: true });
    await store.close();
    const again = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    const got = await again.group(1)!.readEntries(1, 11, Infinity);
    expect(got.map((e) => [e.index, e.data.length])).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, 10]));
    await again.close();
  });

  it('opening sweeps what an interrupted deletion left: entries of a group with no state, and entries below a first index', async () => {
    const dir = tempDir();
    const store = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    store.openGroup(2, CONF);
    const b = store.beginBatch();
    b.stage(2, { entries: Array.from({ length: 20 }, (_, i) => ent(i + 1)) });
    b.createSnapshot(2, 10, CONF, Buffer.from('s'));
    b.compact(2, 10);
    await b.commit({ sync: true });
    await store.close();
    // What a crash could leave: group 5's entries without its state record, group 2's entries 3..4 undeleted.
    const raw = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await raw.batch([3, 4].map((i) => ({ type: 'put' as const, key: entryKey(2, i), value: Buffer.from('stale') })));
    await raw.batch([1, 2, 3].map((i) => ({ type: 'put' as const, key: entryKey(5, i), value: Buffer.from('orphan') })));
    await raw.close();
    const reopened = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    await reopened.close();
    const entryIndexes = (await rawKeys(dir)).filter((k) => k[0] === 0x65).map((k) => `${k.readUInt32BE(1)}:${k.readUInt32BE(9)}`);
    expect(entryIndexes).toEqual(Array.from({ length: 10 }, (_, i) => `2:${i + 11}`));
  });
});

describe('the entry cache', () => {
  it('a follower in sync (append, then read recent entries) is served from memory without touching the disk', async () => {
    const dir = tempDir();
    const store = await LogStore.open(dir, { clusterId: 'c', nodeId: 1, cacheBytes: 1 << 20 });
    const g = store.openGroup(1, CONF);
    for (let i = 1; i <= 200; i++) {
      const b = store.beginBatch();
      b.stage(1, { entries: [ent(i, 1024)] });
      await b.commit({ sync: false });
      const got = g.entries(Math.max(1, i - 5), i + 1, Infinity);
      expect(got).not.toBe(UNAVAILABLE);
    }
    expect(store.stats().diskReads).toBe(0);
    await store.close();
  });

  it("keeps its own copy of entry data: it never pins the caller's larger buffer, nor sees later changes to it", async () => {
    const store = await LogStore.open(tempDir(), { clusterId: 'c', nodeId: 1 });
    const g = store.openGroup(1, CONF);
    const frame = Buffer.alloc(1 << 20, 7); // as a network frame carrying many messages
    const b = store.beginBatch();
    b.stage(1, { entries: [1, 2, 3].map((i) => ({ index: i, term: 1, type: EntryType.Normal, data: frame.subarray(i * 100, i * 100 + 100) })) });
    await b.commit({ sync: false });
    frame.fill(0);
    const got = g.entries(1, 4, Infinity);
    if (got === UNAVAILABLE) throw new Error('fresh entries must be in the cache');
    for (const e of got) {
      expect(e.data.buffer).not.toBe(frame.buffer);
      expect(e.data.buffer.byteLength).toBeLessThan(1024);
      expect([...e.data].every((x) => x === 7)).toBe(true);
    }
    await store.close();
  });

  it('the node-wide budget holds across many groups, counting per-entry overhead for tiny entries', async () => {
    const budget = 256 * 1024;
    const store = await LogStore.open(tempDir(), { clusterId: 'c', nodeId: 1, cacheBytes: budget });
    for (let g = 1; g <= 100; g++) store.openGroup(g, CONF);
    for (let round = 0; round < 20; round++) {
      const b = store.beginBatch();
      for (let g = 1; g <= 100; g++) b.stage(g, { entries: Array.from({ length: 20 }, (_, i) => ent(round * 20 + i + 1, g % 2 ? 1 : 2000)) });
      await b.commit({ sync: false });
      expect(store.stats().cacheBytes).toBeLessThanOrEqual(budget);
    }
    // The newest entries of the group written last are still there.
    expect(store.group(100)!.entries(381, 401, Infinity)).not.toBe(UNAVAILABLE);
    await store.close();
  });

  it('stays within its byte budget; older entries come back from disk through an async load', async () => {
    const dir = tempDir();
    const store = await LogStore.open(dir, { clusterId: 'c', nodeId: 1, cacheBytes: 64 * 1024 });
    const loaded: number[] = [];
    store.onEntriesLoaded = (group) => loaded.push(group);
    const g = store.openGroup(5, CONF);
    for (let i = 1; i <= 500; i += 50) {
      const b = store.beginBatch();
      b.stage(5, { entries: Array.from({ length: 50 }, (_, k) => ent(i + k, 1024)) });
      await b.commit({ sync: false });
    }
    expect(store.stats().cacheBytes).toBeLessThanOrEqual(64 * 1024);
    expect(g.entries(1, 11, Infinity)).toBe(UNAVAILABLE);
    await new Promise((r) => setTimeout(r, 50));
    expect(loaded).toEqual([5]);
    const got = g.entries(1, 11, Infinity);
    expect(got === UNAVAILABLE ? 'unavailable' : got.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(store.stats().diskReads).toBe(1);
    await store.close();
  });
});

describe('group commit', () => {
  it('entries a later batch rewrote stay in memory until that batch has landed, and after both land the later batch wins', async () => {
    const dir = tempDir();
    // A cache too small for even one batch: only entries known to be on disk may leave it.
    const store = await LogStore.open(dir, { clusterId: 'c', nodeId: 1, cacheBytes: 1 });
    const g = store.openGroup(1, CONF);
    const a = store.beginBatch();
    a.stage(1, { entries: Array.from({ length: 10 }, (_, i) => ({ ...ent(i + 1), term: 1 })) });
    const landedA = a.commit({ sync: true });
    // A new leader's entries replace 5..10 and go on to 12, staged before batch A has landed.
    const b = store.beginBatch();
    b.stage(1, { entries: Array.from({ length: 8 }, (_, i) => ({ ...ent(i + 5), term: 2 })) });
    const landedB = b.commit({ sync: true });
    await landedA;
    // Batch A is on disk, B maybe not: indexes 5..12 must still read as term 2.
    expect((await g.readEntries(1, 13, Infinity)).map((e) => e.term)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]);
    await landedB;
    await store.close();
    const again = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    expect(again.group(1)!.lastIndex()).toBe(12);
    expect((await again.group(1)!.readEntries(1, 13, Infinity)).map((e) => e.term)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]);
    await again.close();
  });

  it('a batch that staged writes must be committed before the next batch begins', async () => {
    const store = await LogStore.open(tempDir(), { clusterId: 'c', nodeId: 1 });
    store.openGroup(1, CONF);
    store.beginBatch().stage(1, { entries: [ent(1)] });
    expect(() => store.beginBatch()).toThrow(/groups 1\) was never committed/);
    await store.close();
  });

  it('after a failed write the store refuses all further work, telling the operator to restart', async () => {
    const store = await LogStore.open(tempDir(), { clusterId: 'c', nodeId: 1 });
    store.openGroup(1, CONF);
    // Pull the database out from under the store, so that the next write fails.
    await (store as unknown as { db: Level<Buffer, Buffer> }).db.close();
    const b = store.beginBatch();
    b.stage(1, { entries: [ent(1)] });
    const err = await b.commit({ sync: true }).catch((e) => e);
    expect(err).toBeInstanceOf(StoreFailedError);
    expect(err.message).toMatch(/Restart the node/);
    expect(() => store.beginBatch()).toThrow(StoreFailedError);
    expect(() => store.openGroup(2, CONF)).toThrow(StoreFailedError);
  });
});

describe('rewriting committed entries in place (log compaction)', () => {
  it('replaces the data of committed, landed entries keeping index and term, in the cache and on disk; skips what is uncommitted, compacted or of another term', async () => {
    const dir = tempDir();
    const store = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    const g = store.openGroup(7, CONF);
    const b = store.beginBatch();
    b.stage(7, { entries: Array.from({ length: 10 }, (_, i) => ent(i + 1)), hardState: { term: 1, vote: 1, commit: 8 } });
    await b.commit({ sync: true });
    const c = store.beginBatch();
    c.createSnapshot(7, 2, CONF, Buffer.from('s'));
    c.compact(7, 2);
    await c.commit({ sync: true });
    const small = (index: number, term = 1) => ({ index, term, type: EntryType.Normal, data: Buffer.from(`compacted ${index}`) });
    const r = store.beginBatch();
    // 2: compacted away; 3, 5: rewritten; 4: another term; 9: not committed.
    expect(r.rewrite(7, [small(2), small(3), small(4, 2), small(5), small(9)])).toBe(2);
    await r.commit({ sync: true });
    const expected = (i: number) => (i === 3 || i === 5 ? Buffer.from(`compacted ${i}`) : Buffer.alloc(64, i));
    const check = (es: readonly { index: number; term: number; data: Uint8Array }[]) => {
      expect(es.map((e) => e.index)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
      for (const e of es) {
        expect(e.term).toBe(1);
        expect(Buffer.from(e.data).equals(expected(e.index))).toBe(true);
      }
    };
    check(g.entries(3, 11, 1 << 20) as never);
    check(await g.readEntries(3, 11, 1 << 20));
    expect(g.term(5)).toBe(1);
    await store.close();
    const again = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    check(await again.group(7)!.readEntries(3, 11, 1 << 20));
    await again.close();
  });
});
