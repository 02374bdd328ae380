import fc from 'fast-check';
import type { RecordInput } from '../records';
import type { LogStep } from './test-log';

/** fast-check generators shared by the partition tests. */

export const recordArb: fc.Arbitrary<RecordInput> = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 16 }), { nil: null }),
  value: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: null, freq: 8 }),
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 8, unit: 'grapheme' }), value: fc.option(fc.uint8Array({ maxLength: 8 }), { nil: null, freq: 8 }) }), { maxLength: 3 }),
  timestamp: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.maxSafeNat()),
});

/** Records with timestamps in a small range, so that timestamp lookups hit and miss. */
export const timedRecordArb: fc.Arbitrary<RecordInput> = fc.record({
  key: fc.constant(null),
  value: fc.uint8Array({ maxLength: 200 }),
  timestamp: fc.integer({ min: 0, max: 1000 }),
});

export function bytesOf(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}

export function logStepArb(record: fc.Arbitrary<RecordInput> = timedRecordArb): fc.Arbitrary<LogStep> {
  const records = fc.array(record, { minLength: 1, maxLength: 5 });
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('plain' as const), records }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('idempotent' as const), producer: fc.integer({ min: 1, max: 4 }), records }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('confChange' as const), node: fc.integer({ min: 2, max: 5 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('leaderChange' as const) }) },
  );
}

export const logStepsArb = (record?: fc.Arbitrary<RecordInput>) => fc.array(logStepArb(record), { minLength: 1, maxLength: 60, size: 'max' });
