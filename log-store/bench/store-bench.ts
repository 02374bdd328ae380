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

const { values } = parseArgs({ options: { gb: { type: 'string', default: '0.25' }, batches: { type: 'string', default: '150' } } });
const ENTRY = 1024;
const CONF = { voters: [1], learners: [] };
const payload = Buffer.alloc(ENTRY, 0xab);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** perBatch entries spread over the groups, as one Ready cycle of the node would produce: [group, first index, count]. */
function plan(groups: number, perBatch: number, next: number[]): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  const per = Math.max(1, Math.floor(perBatch / groups));
  let left = perBatch;
  for (let g = 1; g <= groups && left > 0; g++) {
    const n = Math.min(per, left);
    out.push([g, next[g], n]);
    next[g] += n;
    left -= n;
  }
  return out;
}

async function storeBatch(store: LogStore, work: Array<[number, number, number]>): Promise<void> {
  const batch = store.beginBatch();
  for (const [g, start, n] of work) {
    batch.stage(g, {
      entries: Array.from({ length: n }, (_, i) => ({ index: start + i, term: 1, type: EntryType.Normal, data: payload })),
      hardState: { term: 1, vote: 1, commit: start + n - 1 },
    });
  }
  await batch.commit({ sync: true });
}

/** The same keys and bytes as the store writes: 13-byte keys, 13-byte header + 1 KiB values, one 59-byte state record per group. */
async function rawBatch(db: Level<Buffer, Buffer>, work: Array<[number, number, number]>): Promise<void> {
  const ops: Array<{ type: 'put'; key: Buffer; value: Buffer }> = [];
  for (const [g, start, n] of work) {
    for (let i = 0; i < n; i++) {
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
  }
  await db.batch(ops, { sync: true });
}

/** Store and raw batches interleaved one for one, so drift of a shared machine hits both sides alike. */
async function pairRun(groups: number, perBatch: number, batches: number): Promise<{ store: number[]; raw: number[] }> {
  const sdir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const rdir = mkdtempSync(join(tmpdir(), 'bench-raw-'));
  const store = await LogStore.open(sdir, { clusterId: 'bench', nodeId: 1 });
  const db = new Level<Buffer, Buffer>(rdir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  for (let g = 1; g <= groups; g++) store.openGroup(g, CONF);
  const snext = new Array(groups + 1).fill(1);
  const rnext = new Array(groups + 1).fill(1);
  const times = { store: [] as number[], raw: [] as number[] };
  for (let b = 0; b < batches; b++) {
    let t0 = performance.now();
    await storeBatch(store, plan(groups, perBatch, snext));
    times.store.push(performance.now() - t0);
    t0 = performance.now();
    await rawBatch(db, plan(groups, perBatch, rnext));
    times.raw.push(performance.now() - t0);
  }
  await store.close();
  await db.close();
  rmSync(sdir, { recursive: true, force: true });
  rmSync(rdir, { recursive: true, force: true });
  return times;
}

async function compare(): Promise<void> {
  const batches = Number(values.batches);
  console.log('synced appends of 1 KiB entries: LogStore vs raw LevelDB batches of the same keys and bytes');
  console.log('groups  entries/batch   store: entries/s   MB/s  median ms   raw: entries/s   MB/s  median ms   store/raw');
  for (const groups of [1, 100]) {
    for (const perBatch of [1, 100, 1000]) {
      if (perBatch < groups && perBatch !== 1) continue;
      const { store: s, raw: r } = await pairRun(groups, perBatch, batches);
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
