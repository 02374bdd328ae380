import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { recordArb } from './arbitraries';
import { encodeBatch, type ProduceRecord } from './batch-codec';
import { resolveProduceLimits } from './config';
import { validateProduce, type ProduceRequest } from './produce-request';

const ctx = { topic: 'orders', partition: 3 };
const rec = (bytes: number, extra: Partial<ProduceRecord> = {}): ProduceRecord => ({ value: new Uint8Array(bytes), timestamp: 1, ...extra });

describe('produce validation', () => {
  it('accepts exactly the batches whose encoding fits max.message.bytes', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 10 }), fc.integer({ min: 40, max: 1500 }), (records, limit) => {
        const err = validateProduce({ records }, resolveProduceLimits({ maxMessageBytes: limit }), ctx);
        const size = encodeBatch({ baseOffset: 0, producerId: 0, producerEpoch: 0, baseSequence: -1 }, records).length;
        if (size <= limit) expect(err).toBeUndefined();
        else expect(['RECORD_TOO_LARGE', 'BATCH_TOO_LARGE']).toContain(err?.code);
      }),
      { numRuns: 300 },
    );
  });

  it('a single record above the limit is RECORD_TOO_LARGE, naming the record, its size and the limit', () => {
    const err = validateProduce({ records: [rec(10), rec(2000)] }, resolveProduceLimits({ maxMessageBytes: 1000 }), ctx);
    expect(err?.code).toBe('RECORD_TOO_LARGE');
    expect(err?.message).toMatch(/^topic "orders" partition 3: record 1 of the batch is 2022 bytes/);
    expect(err?.details).toEqual({ bytes: 2022, limit: 1000 });
  });

  it('records that fit one by one but not together are BATCH_TOO_LARGE, telling the producer to split', () => {
    const err = validateProduce({ records: [rec(600), rec(600)] }, resolveProduceLimits({ maxMessageBytes: 1000 }), ctx);
    expect(err?.code).toBe('BATCH_TOO_LARGE');
    expect(err?.message).toMatch(/split it/);
  });

  it('the default max.message.bytes is 1 MiB', () => {
    const limits = resolveProduceLimits();
    expect(validateProduce({ records: [rec(1024 * 1024 - 100)] }, limits, ctx)).toBeUndefined();
    expect(validateProduce({ records: [rec(1024 * 1024)] }, limits, ctx)?.code).toBe('RECORD_TOO_LARGE');
  });

  const invalid: Array<[string, ProduceRequest, RegExp]> = [
    ['an empty batch', { records: [] }, /no records/],
    ['too many headers', { records: [rec(1, { headers: Array.from({ length: 65 }, () => ({ key: 'k', value: new Uint8Array(0) })) })] }, /65 headers, more than the limit of 64/],
    ['a negative timestamp', { records: [rec(1, { timestamp: -5 })] }, /timestamp -5/],
    ['a fractional timestamp', { records: [rec(1, { timestamp: 1.5 })] }, /timestamp 1.5/],
    ['a sequence without a producer id', { records: [rec(1)], baseSequence: 3 }, /without a producer id/],
    ['a producer id without a sequence', { records: [rec(1)], producerId: 9 }, /needs one in 0..2\^31-1/],
    ['an epoch above 65535', { records: [rec(1)], producerId: 9, producerEpoch: 70000, baseSequence: 0 }, /epoch 70000/],
    ['a negative expected offset', { records: [rec(1)], expectedOffset: -1 }, /expected offset -1/],
    ['a value that is not bytes', { records: [{ value: 'text' as unknown as Uint8Array, timestamp: 1 }] }, /value is not bytes/],
  ];
  for (const [what, req, message] of invalid) {
    it(`${what} is INVALID_RECORD with a message saying what is wrong`, () => {
      const err = validateProduce(req, resolveProduceLimits(), ctx);
      expect(err?.code).toBe('INVALID_RECORD');
      expect(err?.message).toMatch(message);
    });
  }
});
