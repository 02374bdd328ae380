import { Level } from 'level';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EntryType, UNAVAILABLE } from '../raft/types';
import { crc32c } from './crc32c';
import { CorruptionError, StoreOpenError } from './errors';
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
    const again = await LogStore.open(dir, { clusterId: 'c', nodeId: 1 });
    expect(again.groupIds()).toEqual([2]);
    expect(await again.group(2)!.readEntries(1, 11, Infinity)).toHaveLength(10);
    await again.close();
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
