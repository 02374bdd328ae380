import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EntryType } from '../raft/types';
import { LogStore } from './log-store';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-cache-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the entry cache lets go of what it evicts', () => {
  it('entry data still reachable from a group never exceeds the budget by more than one batch, even for a few hundred big entries', async () => {
    const budget = 1 << 20;
    const store = await LogStore.open(dir, { clusterId: 'c', nodeId: 1, cacheBytes: budget });
    const g = store.openGroup(1, { voters: [1, 2, 3], learners: [] });
    const batchEntries = 4;
    const entryBytes = 64 * 1024;
    for (let i = 1; i <= 400; i += batchEntries) {
      const b = store.beginBatch();
      b.stage(1, { entries: Array.from({ length: batchEntries }, (_, k) => ({ index: i + k, term: 1, type: EntryType.Normal, data: Buffer.alloc(entryBytes, 1) })) });
      await b.commit({ sync: false });
      expect(store.stats().cacheBytes).toBeLessThanOrEqual(budget + batchEntries * (entryBytes + 100));
    }
    // What the cache's array still references (its accounting says it holds at most the budget):
    // 400 entries of 64 KiB written, the evicted ones must not stay reachable.
    const cache = (g as unknown as { cache: Array<{ data: Uint8Array }> }).cache;
    const reachable = cache.reduce((sum, e) => sum + e.data.length, 0);
    expect(reachable).toBeLessThanOrEqual(budget + batchEntries * entryBytes);
    await store.close();
  });
});
