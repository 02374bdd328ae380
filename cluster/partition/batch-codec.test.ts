import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { recordArb } from './arbitraries';
import { BATCH_HEADER_BYTES, decodeBatch, decodeBatchHeader, encodeBatch, recordSize } from './batch-codec';
import { PartitionError } from './errors';

const ctx = { topic: 'orders', partition: 3 };

const headerArb = fc.record({
  baseOffset: fc.maxSafeNat(),
  producerId: fc.oneof(fc.constant(0), fc.maxSafeNat()),
  producerEpoch: fc.integer({ min: 0, max: 0xffff }),
  baseSequence: fc.integer({ min: -1, max: 0x7fffffff }),
});
const recordsArb = fc.array(recordArb, { minLength: 1, maxLength: 8 });

describe('record batch codec', () => {
  it('decoding an encoded batch gives back its header fields and every record with offset baseOffset + i', () => {
    fc.assert(
      fc.property(headerArb.filter((h) => h.baseOffset < Number.MAX_SAFE_INTEGER - 8), recordsArb, (h, records) => {
        const data = encodeBatch(h, records);
        const { header, records: got } = decodeBatch(data, ctx, 7);
        expect(header).toEqual({ ...h, recordCount: records.length, maxTimestamp: Math.max(...records.map((r) => r.timestamp)) });
        expect(got.length).toBe(records.length);
        got.forEach((r, i) => {
          const want = records[i];
          expect(r.offset).toBe(h.baseOffset + i);
          expect(r.timestamp).toBe(want.timestamp);
          expect(r.key === null ? null : [...r.key]).toEqual(want.key ? [...want.key] : null);
          expect([...r.value]).toEqual([...want.value]);
          expect(r.headers.map((x) => [x.key, [...x.value]])).toEqual((want.headers ?? []).map((x) => [x.key, [...x.value]]));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('a batch is exactly the header plus the sum of recordSize over its records', () => {
    fc.assert(
      fc.property(headerArb, recordsArb, (h, records) => {
        expect(encodeBatch(h, records).length).toBe(BATCH_HEADER_BYTES + records.reduce((n, r) => n + recordSize(r), 0));
      }),
    );
  });

  it('every truncation of a batch is refused as CORRUPT_BATCH naming the raft index, never decoded as other records', () => {
    fc.assert(
      fc.property(headerArb, recordsArb, fc.nat(), (h, records, cut) => {
        const data = encodeBatch(h, records);
        const short = data.subarray(0, cut % data.length);
        let error: unknown;
        try {
          decodeBatch(short, ctx, 42);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(PartitionError);
        expect((error as PartitionError).code).toBe('CORRUPT_BATCH');
        expect((error as PartitionError).message).toMatch(/topic "orders" partition 3: .*raft index 42/);
      }),
      { numRuns: 200 },
    );
  });

  it('data that does not start with the batch magic is not read as a batch', () => {
    const data = encodeBatch({ baseOffset: 0, producerId: 0, producerEpoch: 0, baseSequence: -1 }, [{ value: new Uint8Array(1), timestamp: 1 }]);
    data[0] = 0x01;
    expect(() => decodeBatchHeader(data, ctx, 1)).toThrow(/not the batch magic/);
  });
});
