import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Rng } from './rng';
import { copyDataDir, flipBits, restoreDataDir, truncateWal, wipe } from './storage';

let dir: string;
const store = () => join(dir, 'node', 'store');
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-chaos-storage-'));
  await mkdir(store(), { recursive: true });
  await writeFile(join(store(), '000005.ldb'), Buffer.alloc(4096, 0));
  await writeFile(join(store(), '000007.log'), Buffer.alloc(3000, 0));
  await writeFile(join(store(), '000003.log'), Buffer.alloc(100, 0));
  await writeFile(join(store(), 'MANIFEST-000002'), 'manifest');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const ones = (b: Buffer) => [...b].reduce((n, x) => n + x.toString(2).replace(/0/g, '').length, 0);

describe('storage damage (on a stopped node\'s data directory)', () => {
  it('flips exactly the bits it says, in LevelDB tables and logs only, the same ones for the same seed', async () => {
    const what = await flipBits(join(dir, 'node'), new Rng(4), 5);
    const flipped = ones(await readFile(join(store(), '000005.ldb'))) + ones(await readFile(join(store(), '000007.log'))) + ones(await readFile(join(store(), '000003.log')));
    // Two draws may hit one bit twice (it flips back): at most 5, and an odd count's parity holds.
    expect(flipped).toBeLessThanOrEqual(5);
    expect(flipped % 2).toBe(1);
    expect(await readFile(join(store(), 'MANIFEST-000002'), 'utf8')).toBe('manifest');
    expect(what).toMatch(/^flipped 5 bit\(s\): /);
    const again = await mkdtemp(join(tmpdir(), 'flotilla-chaos-storage-'));
    try {
      await copyDataDir(join(dir, 'node'), join(again, 'node'));
      expect(await flipBits(join(again, 'node'), new Rng(4), 5)).toBe(what);
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });

  it('truncates the newest write-ahead log only', async () => {
    const what = await truncateWal(join(dir, 'node'), new Rng(1));
    const size = (await stat(join(store(), '000007.log'))).size;
    expect(size).toBeLessThan(3000);
    expect(what).toBe(`truncated 000007.log from 3000 to ${size} bytes`);
    expect((await stat(join(store(), '000003.log'))).size).toBe(100);
  });

  it('wipes, copies and restores a data directory', async () => {
    await copyDataDir(join(dir, 'node'), join(dir, 'copy'));
    await wipe(join(dir, 'node'));
    await expect(stat(join(dir, 'node'))).rejects.toThrow(/ENOENT/);
    expect(await flipBits(join(dir, 'node'), new Rng(1), 1)).toBe('no LevelDB files to damage');
    await restoreDataDir(join(dir, 'copy'), join(dir, 'node'));
    expect(await readFile(join(store(), 'MANIFEST-000002'), 'utf8')).toBe('manifest');
  });
});
