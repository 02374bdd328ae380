import { describe, expect, it } from 'vitest';
import { CorruptionError, isLevelDbCorruption, StoreFailedError, StoreOpenError } from './errors';
import type { KvDatabase } from './kv';
import { LogStore } from './log-store';

describe('what a corruption report tells the operator', () => {
  it('names the group and index, says the replica is resynced from the others, and never advises wiping the data directory by hand', () => {
    const e = new CorruptionError(7, 42, 'log entry');
    expect(e.message).toMatch(/corrupt log entry in group 7 at index 42/);
    expect(e.message).toMatch(/never served/);
    expect(e.message).toMatch(/this replica is resynced from them \(removed from the group, then readmitted empty\)/);
    expect(e.message).not.toMatch(/wipe/);
  });
});

describe('a write that fails because LevelDB found its files damaged', () => {
  it('does not tell the operator that a restart recovers (it would crash again), and says so', () => {
    const damaged = new StoreFailedError('/data/store', new Error('Corruption: block checksum mismatch: /data/store/000012.ldb'));
    expect(damaged.damaged).toBe(true);
    expect(damaged.message).toMatch(/LevelDB found its files damaged, and a restart does not repair them/);
    expect(damaged.message).not.toMatch(/Restart the node; it recovers/);
    expect(damaged.message).toMatch(/move the node's data directory away .* it rejoins empty and is resynced from the other replicas/);
    const nested = new Error('write failed', { cause: Object.assign(new Error('bad block'), { code: 'LEVEL_CORRUPTION' }) });
    expect(isLevelDbCorruption(nested)).toBe(true);
    const full = new StoreFailedError('/data/store', new Error('IO error: No space left on device'));
    expect(full.damaged).toBe(false);
    expect(full.message).toMatch(/Restart the node; it recovers from what is on disk/);
  });
});

describe('a damaged table LevelDB finds only once the store reads it (after its own open)', () => {
  it('is refused as a damaged directory, with what to do, not thrown raw', async () => {
    const corruption = Object.assign(new Error('Corruption: corrupted compressed block contents'), { code: 'LEVEL_CORRUPTION' });
    let closed = false;
    const db = {
      get: async () => {
        throw corruption;
      },
      close: async () => {
        closed = true;
      },
    } as unknown as KvDatabase;
    const opened = await LogStore.openOn(db, '/data/store', { clusterId: 'c', nodeId: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(opened).toBeInstanceOf(StoreOpenError);
    expect((opened as Error).message).toMatch(
      /data directory \/data\/store is damaged \(Corruption: corrupted compressed block contents\): the node will not start on it\. To recover, move the node's data directory away/,
    );
    expect(closed).toBe(true);
  });
});
