import { describe, expect, it } from 'vitest';
import { CorruptionError, isLevelDbCorruption, StoreFailedError } from './errors';

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
