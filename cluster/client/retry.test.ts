import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffMs, resolveRetry } from './retry';

describe('backoff', () => {
  it('each wait is between half and all of the capped exponential step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const retry = resolveRetry({ initialBackoffMs: 50, maxBackoffMs: 1000 });
        const step = Math.min(1000, 50 * 2 ** attempt);
        const wait = backoffMs(attempt, retry, () => r);
        expect(wait).toBeGreaterThanOrEqual(step / 2);
        expect(wait).toBeLessThanOrEqual(step);
      }),
    );
  });

  it('retry options that cannot work are refused', () => {
    expect(() => resolveRetry({ initialBackoffMs: 100, maxBackoffMs: 10 })).toThrow(RangeError);
    expect(() => resolveRetry({ retries: -1 })).toThrow(RangeError);
  });
});
