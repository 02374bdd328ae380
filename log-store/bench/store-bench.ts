/**
 * Store benchmark: synced appends of 1 KiB entries through LogStore, against raw LevelDB batches
 * of the same keys and bytes, in the same run. Prints both, their ratio, and memory while
 * appending a large volume.
 *   npm run bench:store                 (default: 256 MB memory run)
 *   npm run bench:store -- --gb 1       (the full 1 GB memory run)
 */
import { Level } from 'level';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EntryType } from '../../raft/types';
import { LogStore } from '../log-store';

const { values } = parseArgs({ options: { gb: { type: 'string', default: '0.25' }, batches: { type: 'string', default: '40' } } });
const ENTRY = 1024;
const CONF = { voters: [1], learners: [] };
const payload = Buffer.alloc(ENTRY, 0xab);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function storeRun(groups: number, perBatch: number, batches: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const store = await LogStore.open(dir, { clusterId: 'bench', nodeId: 1 });
  const next = new Map<number, number>();
  for (let g = 1; g <= groups; g++) {
    store.openGroup(g, CONF);
    next.set(g, 1);
  }
  const times: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    const batch = store.beginBatch();
    // perBatch entries spread over the groups, as one Ready cycle of the node would produce.
    const per = Math.max(1, Math.floor(perBatch / groups));
    let left = perBatch;
    for (let g = 1; g <= groups && left > 0; g++) {
      const n = Math.min(per, left);
      const start = next.get(g)!;
      batch.stage(g, {
        entries: Array.from({ length: n }, (_, i) => ({ index: start + i, term: 1, type: EntryType.Normal, data: payload })),
        hardState: { term: 1, vote: 1, commit: start + n - 1 },
      });
      next.set(g, start + n);
      left -= n;
    }
    await batch.commit({ sync: true });
    times.push(performance.now() - t0);
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return times;
}

async function rawRun(groups: number, perBatch: number, batches: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-raw-'));
  const db = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  const next = new Map<number, number>();
  for (let g = 1; g <= groups; g++) next.set(g, 1);
  const times: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    const ops: Array<{ type: 'put'; key: Buffer; value: Buffer }> = [];
    const per = Math.max(1, Math.floor(perBatch / groups));
    let left = perBatch;
    for (let g = 1; g <= groups && left > 0; g++) {
      const n = Math.min(per, left);
      const start = next.get(g)!;
      for (let i = 0; i < n; i++) {
        // Same sizes as the store: 13-byte key, 13-byte header + 1 KiB value; plus one state record per group.
        const key = Buffer.allocUnsafe(13);
        key[0] = 0x65;
        key.writeUInt32BE(g, 1);
        key.writeUInt32BE(0, 5);
        key.writeUInt32BE(start + i, 9);
        const value = Buffer.allocUnsafe(13 + ENTRY);
        payload.copy(value, 13);
        ops.push({ type: 'put', key, value });
      }
      const sk = Buffer.from([0x73, 0, 0, 0, 0]);
      sk.writeUInt32BE(g, 1);
      ops.push({ type: 'put', key: sk, value: Buffer.alloc(59) });
      next.set(g, start + n);
      left -= n;
    }
    await db.batch(ops, { sync: true });
    times.push(performance.now() - t0);
  }
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  return times;
}

async function compare(): Promise<void> {
  const batches = Number(values.batches);
  console.log('synced appends of 1 KiB entries: LogStore vs raw LevelDB batches of the same keys and bytes');
  console.log('groups  entries/batch   store: entries/s   MB/s  median ms   raw: entries/s   MB/s  median ms   store/raw');
  for (const groups of [1, 100]) {
    for (const perBatch of [1, 100, 1000]) {
      if (perBatch < groups && perBatch !== 1) continue;
      // Alternate runs so drift of the machine hits both sides alike.
      const s: number[] = [];
      const r: number[] = [];
      for (let round = 0; round < 3; round++) {
        s.push(...(await storeRun(groups, perBatch, batches)));
        r.push(...(await rawRun(groups, perBatch, batches)));
      }
      const sm = median(s);
      const rm = median(r);
      const rate = (ms: number) => (perBatch * 1000) / ms;
      console.log(
        `${String(groups).padStart(6)}  ${String(perBatch).padStart(13)}   ${rate(sm).toFixed(0).padStart(16)} ${((rate(sm) * ENTRY) / 1e6).toFixed(1).padStart(6)} ${sm.toFixed(2).padStart(10)}` +
          `   ${rate(rm).toFixed(0).padStart(14)} ${((rate(rm) * ENTRY) / 1e6).toFixed(1).padStart(6)} ${rm.toFixed(2).padStart(10)}   ${(rm / sm).toFixed(2).padStart(9)}`,
      );
    }
  }
}

async function memory(): Promise<void> {
  const total = Number(values.gb) * 1e9;
  const dir = mkdtempSync(join(tmpdir(), 'bench-mem-'));
  const store = await LogStore.open(dir, { clusterId: 'bench', nodeId: 1, cacheBytes: 64 << 20 });
  const groups = 100;
  for (let g = 1; g <= groups; g++) store.openGroup(g, CONF);
  const next = new Array(groups + 1).fill(1);
  let written = 0;
  let nextReport = 0;
  console.log(`\nmemory while appending ${(total / 1e6).toFixed(0)} MB (100 groups, 1000-entry synced batches, 64 MiB cache):`);
  while (written < total) {
    const batch = store.beginBatch();
    for (let g = 1; g <= groups; g++) {
      const start = next[g];
      batch.stage(g, { entries: Array.from({ length: 10 }, (_, i) => ({ index: start + i, term: 1, type: EntryType.Normal, data: payload })) });
      next[g] = start + 10;
    }
    await batch.commit({ sync: true });
    written += groups * 10 * ENTRY;
    if (written >= nextReport) {
      const m = process.memoryUsage();
      console.log(`  ${(written / 1e6).toFixed(0).padStart(6)} MB written: rss ${(m.rss / 1e6).toFixed(0)} MB, heap ${(m.heapUsed / 1e6).toFixed(0)} MB, cache ${(store.stats().cacheBytes / 1e6).toFixed(0)} MB`);
      nextReport += total / 8;
    }
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

await compare();
await memory();
