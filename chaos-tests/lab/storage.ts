/**
 * Damage to a stopped node's data directory: what the storage faults do between the node's
 * SIGKILL and its restart. The store is the LevelDB in `<data>/store` (its `.ldb` tables, its
 * `.log` write-ahead log). Every draw comes from the fault's seeded Rng.
 */
import { cp, open, readdir, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { Rng } from './rng';

async function storeFiles(dataDir: string, pattern: RegExp): Promise<Array<{ path: string; size: number }>> {
  const dir = join(dataDir, 'store');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => pattern.test(n)).sort();
  } catch {
    return [];
  }
  const out: Array<{ path: string; size: number }> = [];
  for (const name of names) {
    const s = await stat(join(dir, name));
    if (s.size > 0) out.push({ path: join(dir, name), size: s.size });
  }
  return out;
}

/** Flips `count` random bits in the node's LevelDB tables and log. Returns what it did. */
export async function flipBits(dataDir: string, rng: Rng, count: number): Promise<string> {
  const files = await storeFiles(dataDir, /\.(ldb|log)$/);
  if (files.length === 0) return 'no LevelDB files to damage';
  const done: string[] = [];
  for (let k = 0; k < count; k++) {
    const file = rng.pick(files);
    const offset = rng.int(0, file.size - 1);
    const bit = rng.int(0, 7);
    const fh = await open(file.path, 'r+');
    try {
      const b = Buffer.alloc(1);
      await fh.read(b, 0, 1, offset);
      b[0] ^= 1 << bit;
      await fh.write(b, 0, 1, offset);
    } finally {
      await fh.close();
    }
    done.push(`${file.path.split('/').pop()}@${offset}.${bit}`);
  }
  return `flipped ${count} bit(s): ${done.join(', ')}`;
}

/** Cuts the newest write-ahead log (`*.log`) to a random fraction of its length. */
export async function truncateWal(dataDir: string, rng: Rng): Promise<string> {
  const logs = await storeFiles(dataDir, /^\d+\.log$/);
  if (logs.length === 0) return 'no non-empty write-ahead log to truncate';
  const wal = logs[logs.length - 1];
  const keep = Math.floor(wal.size * rng.next());
  await truncate(wal.path, keep);
  return `truncated ${wal.path.split('/').pop()} from ${wal.size} to ${keep} bytes`;
}

/** Deletes the node's whole data directory. */
export async function wipe(dataDir: string): Promise<string> {
  await rm(dataDir, { recursive: true, force: true });
  return `deleted ${dataDir}`;
}

/** Copies a data directory (of a stopped node: a consistent crash image). */
export async function copyDataDir(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await cp(from, to, { recursive: true });
}

/** Replaces a stopped node's data directory with a copy made earlier. */
export async function restoreDataDir(copy: string, dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  await cp(copy, dataDir, { recursive: true });
}
