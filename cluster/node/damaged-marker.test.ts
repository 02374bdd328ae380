import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreOpenError } from '../../log-store';
import { markDamaged, refuseIfDamaged } from './damaged-marker';

const root = mkdtempSync(join(tmpdir(), 'flotilla-damaged-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a data directory found damaged', () => {
  it('is refused at the next start with the reason recorded and what to do, instead of crashing again at its next write', () => {
    const dir = mkdtempSync(join(root, 'n'));
    expect(() => refuseIfDamaged(dir)).not.toThrow();
    markDamaged(dir, 'LevelDB: Corruption: block checksum mismatch');
    let e: unknown;
    try {
      refuseIfDamaged(dir);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(StoreOpenError);
    expect((e as Error).message).toMatch(/was found damaged \(.*Corruption: block checksum mismatch\): the node will not start on it\. To recover, move the node's data directory away .* it rejoins empty and is resynced/);
  });
});
