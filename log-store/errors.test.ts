import { describe, expect, it } from 'vitest';
import { CorruptionError } from './errors';

describe('what a corruption report tells the operator', () => {
  it('names the group and index, and never advises wiping the data directory (a voter that forgot its log can lose committed records)', () => {
    const e = new CorruptionError(7, 42, 'log entry');
    expect(e.message).toMatch(/corrupt log entry in group 7 at index 42/);
    expect(e.message).toMatch(/never served/);
    expect(e.message).toMatch(/[Dd]o not wipe the data directory/);
    expect(e.message).not.toMatch(/wipe its data directory and let it resync/);
  });
});
