import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32c } from '../../bytes';
import { encodeRecordBatch, type RecordInput } from '../records';
import { recordArb } from './arbitraries';
import { resolveProduceLimits } from './config';
import { PartitionError } from './errors';
import { validateProduce, type ProduceRequest } from './produce-request';
import { produceOf } from './test-log';

const ctx = { topic: 'orders', partition: 3 };
const rec = (bytes: number, extra: Partial<RecordInput> = {}): RecordInput => ({ key: null, value: new Uint8Array(bytes), timestamp: 1, ...extra });

/** The error validateProduce answered (fails the test if it accepted). */
function refused(r: ReturnType<typeof validateProduce>): PartitionError {
  if (!(r instanceof PartitionError)) throw new Error(`expected a refusal, the batch was accepted: ${JSON.stringify(r)}`);
  return r;
}

// Header fields (RecordBatch v2, proto/record-batch.md).
const CRC = 17;
const ATTRIBUTES = 21;
const PRODUCER_EPOCH = 51;
const BASE_SEQUENCE = 53;

/** A copy of `batch` with `edit` applied and its CRC recomputed: intact bytes that say something else. */
function rewritten(batch: Uint8Array, edit: (v: DataView) => void): Buffer {
  const b = Buffer.from(batch);
  edit(new DataView(b.buffer, b.byteOffset, b.length));
  b.writeUInt32BE(crc32c(b, 0, ATTRIBUTES, b.length), CRC);
  return b;
}

describe('produce validation', () => {
  it('accepts exactly the batches whose encoding fits max.message.bytes', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 10 }), fc.integer({ min: 40, max: 1500 }), (records, limit) => {
        const req = produceOf(records);
        const size = req.batch.length;
        const r = validateProduce(req, resolveProduceLimits({ maxMessageBytes: limit }), ctx);
        if (size <= limit) expect(r).not.toBeInstanceOf(PartitionError);
        else expect(refused(r).code).toBe(records.length === 1 ? 'RECORD_TOO_LARGE' : 'BATCH_TOO_LARGE');
      }),
      { numRuns: 300 },
    );
  });

  it('returns the validated header: producer fields, record count and timestamps as the producer encoded them', () => {
    const req = produceOf([rec(3, { timestamp: 50 }), rec(4, { timestamp: 20 }), rec(5, { timestamp: 90 })], { producerId: 7, producerEpoch: 3, baseSequence: 11 });
    const h = validateProduce(req, resolveProduceLimits(), ctx);
    expect(h).not.toBeInstanceOf(PartitionError);
    expect(h).toMatchObject({ producerId: 7, producerEpoch: 3, baseSequence: 11, recordCount: 3, minTimestamp: 20, maxTimestamp: 90, timestampType: 'create' });
  });

  it('a single record above the limit is RECORD_TOO_LARGE, naming its encoded size and the limit', () => {
    const req = produceOf([rec(2000)]);
    const size = req.batch.length;
    expect(size).toBeGreaterThan(2000);
    const err = refused(validateProduce(req, resolveProduceLimits({ maxMessageBytes: 1000 }), ctx));
    expect(err.code).toBe('RECORD_TOO_LARGE');
    expect(err.message).toMatch(new RegExp(`^topic "orders" partition 3: the record is ${size} bytes .*max.message.bytes \\(1000\\)`));
    expect(err.details).toEqual({ bytes: size, limit: 1000 });
  });

  it('a batch of several records above the limit is BATCH_TOO_LARGE (its whole encoded size), telling the producer to split', () => {
    const req = produceOf([rec(600), rec(600)]);
    const err = refused(validateProduce(req, resolveProduceLimits({ maxMessageBytes: 1000 }), ctx));
    expect(err.code).toBe('BATCH_TOO_LARGE');
    expect(err.message).toMatch(/split it/);
    expect(err.details).toEqual({ bytes: req.batch.length, limit: 1000 });
    // Even when one of its records alone is too large: the size is the batch's.
    expect(refused(validateProduce(produceOf([rec(10), rec(2000)]), resolveProduceLimits({ maxMessageBytes: 1000 }), ctx)).code).toBe('BATCH_TOO_LARGE');
  });

  it('the default max.message.bytes is 1 MiB', () => {
    const limits = resolveProduceLimits();
    expect(validateProduce(produceOf([rec(1024 * 1024 - 100)]), limits, ctx)).not.toBeInstanceOf(PartitionError);
    expect(refused(validateProduce(produceOf([rec(1024 * 1024)]), limits, ctx)).code).toBe('RECORD_TOO_LARGE');
  });

  const plain = encodeRecordBatch([rec(1), rec(2)]);
  const idempotent = encodeRecordBatch([rec(1)], { producerId: 9, producerEpoch: 0, baseSequence: 0 });
  const flipped = Buffer.from(plain);
  flipped[flipped.length - 2] ^= 0x01; // a byte of the last record's value: only the CRC tells
  const invalid: Array<[string, ProduceRequest, RegExp]> = [
    ['no batch', { batch: new Uint8Array(0) }, /no record batch/],
    ['a batch that is not bytes', { batch: 'text' as unknown as Uint8Array }, /no record batch/],
    ['a damaged batch (a flipped byte)', { batch: flipped }, /CRC32C mismatch: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/],
    ['a truncated batch', { batch: plain.subarray(0, plain.length - 1) }, /truncated/],
    ['a gzip-compressed batch', { batch: rewritten(plain, (v) => v.setInt16(ATTRIBUTES, 0x0001)) }, /compressed with gzip.*compression none/],
    ['a zstd-compressed batch', { batch: rewritten(plain, (v) => v.setInt16(ATTRIBUTES, 0x0004)) }, /compressed with zstd/],
    ['a transactional batch', { batch: rewritten(idempotent, (v) => v.setInt16(ATTRIBUTES, 0x0010)) }, /transactional.*no transactions/],
    ['a control batch', { batch: rewritten(idempotent, (v) => v.setInt16(ATTRIBUTES, 0x0020)) }, /control batch/],
    ['another magic', { batch: rewritten(plain, (v) => v.setInt8(16, 1)) }, /magic 1/],
    ['a negative timestamp', produceOf([rec(1, { timestamp: -5 })]), /timestamp -5, before the epoch/],
    ['a negative timestamp on a later record', produceOf([rec(1, { timestamp: 10 }), rec(1, { timestamp: -1 })]), /timestamp -1, before the epoch/],
    ['a producer id without a sequence', { batch: rewritten(idempotent, (v) => v.setInt32(BASE_SEQUENCE, -1)) }, /producerId 9 .*baseSequence -1/],
    ['a producer id without an epoch', { batch: rewritten(idempotent, (v) => v.setInt16(PRODUCER_EPOCH, -1)) }, /producerId 9 with producerEpoch -1/],
    // Epochs are int16: 40000 on the wire reads as -25536.
    ['an epoch above 32767', { batch: rewritten(idempotent, (v) => v.setUint16(PRODUCER_EPOCH, 40000)) }, /producerEpoch -25536/],
    ['a negative expected offset', produceOf([rec(1)], undefined, { expectedOffset: -1 }), /expected offset -1/],
    ['a fractional expected offset', produceOf([rec(1)], undefined, { expectedOffset: 1.5 }), /expected offset 1.5/],
    ['a negative append time', produceOf([rec(1)], undefined, { appendTime: -1 }), /append time -1/],
    ['a LogAppendTime topic without the leader clock', produceOf([rec(1)], undefined, { timestampType: 'logAppend' }), /log append time/],
    // Kafka's producers send CreateTime; the leader alone stamps LogAppendTime, where the topic asks for it.
    ['a batch the producer marked LogAppendTime', { batch: encodeRecordBatch([rec(1, { timestamp: 100 }), rec(1, { timestamp: 200 })], { logAppendTime: 5 }) }, /marked LogAppendTime.*producers send CreateTime/],
  ];
  for (const [what, req, message] of invalid) {
    it(`${what} is INVALID_RECORD with a message saying what is wrong`, () => {
      const err = refused(validateProduce(req, resolveProduceLimits(), ctx));
      expect(err.code).toBe('INVALID_RECORD');
      expect(err.message).toMatch(/^topic "orders" partition 3: /);
      expect(err.message).toMatch(message);
    });
  }

  it('a damaged batch names where: the CRC field, as a detail', () => {
    const err = refused(validateProduce({ batch: flipped }, resolveProduceLimits(), ctx));
    expect(err.details).toEqual({ byteOffset: CRC });
  });

  it('a record the batch cannot hold is INVALID_RECORD naming the record', () => {
    // Record 1's attributes byte (must be 0 in magic 2), with the CRC made to match.
    const batch = encodeRecordBatch([rec(1), rec(1)]);
    const record1 = 61 + 1 + (batch[61] >> 1); // header, record 0's length (a one-byte zigzag varint), its body
    const bad = rewritten(batch, (v) => v.setUint8(record1 + 1, 0x04));
    const err = refused(validateProduce({ batch: bad }, resolveProduceLimits(), ctx));
    expect(err.code).toBe('INVALID_RECORD');
    expect(err.message).toMatch(/record 1.*attributes 0x04/);
    expect(err.details).toMatchObject({ recordIndex: 1 });
  });

  it('any single flipped byte inside the CRC-covered part is refused, never accepted', () => {
    const batch = encodeRecordBatch([rec(3, { key: new Uint8Array([1, 2]), headers: [{ key: 'h', value: new Uint8Array([9]) }] }), rec(5)], { producerId: 4, producerEpoch: 1, baseSequence: 8 });
    fc.assert(
      fc.property(fc.integer({ min: ATTRIBUTES, max: batch.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const b = Buffer.from(batch);
        b[at] ^= mask;
        expect(refused(validateProduce({ batch: b }, resolveProduceLimits(), ctx)).code).toBe('INVALID_RECORD');
      }),
      { numRuns: 300 },
    );
  });
});

describe('a compacted topic (requireKeys)', () => {
  it('refuses a batch with a keyless record as INVALID_RECORD naming the record, and takes keyed ones', () => {
    const limits = resolveProduceLimits({ requireKeys: true });
    const k = (s: string) => Buffer.from(s);
    const err = refused(validateProduce(produceOf([rec(3, { key: k('a') }), rec(3), rec(3)]), limits, ctx));
    expect(err.code).toBe('INVALID_RECORD');
    expect(err.message).toMatch(/record 1 of the batch has no key \(and 1 more records\).*compacted/);
    expect(err.details).toMatchObject({ recordIndex: 1, nullKeys: 2 });
    expect(validateProduce(produceOf([rec(3, { key: k('a') }), rec(3, { key: new Uint8Array(0), value: null })]), limits, ctx)).not.toBeInstanceOf(PartitionError);
    // Not compacted: keyless records are fine.
    expect(validateProduce(produceOf([rec(3)]), resolveProduceLimits({}), ctx)).not.toBeInstanceOf(PartitionError);
  });
});
