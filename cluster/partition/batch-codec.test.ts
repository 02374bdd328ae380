import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32c } from '../../log-store';
import { recordArb } from './arbitraries';
import { BATCH_HEADER_BYTES, BATCH_MAGIC, decodeBatch, decodeBatchHeader, encodeBatch, isRecordBatch, type ProduceRecord, recordSize } from './batch-codec';
import { PartitionError } from './errors';
import { fetchRecords } from './fetch';
import { PartitionState } from './partition-state';
import { TestLog } from './test-log';
import { EntryType } from '../../raft';

const ctx = { topic: 'orders', partition: 3 };

/** One record's bytes as the README's table says, built without the codec; `timestamp` as given. */
function recordBytes(r: ProduceRecord, timestamp = r.timestamp): Buffer {
  const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n >>> 0);
    return b;
  };
  const ts = Buffer.alloc(8);
  ts.writeBigInt64BE(BigInt(timestamp));
  const parts = [ts, r.key == null ? u32(0xffffffff) : Buffer.concat([u32(r.key.length), r.key]), u32(r.value.length), Buffer.from(r.value), u16((r.headers ?? []).length)];
  for (const h of r.headers ?? []) {
    const k = Buffer.from(h.key, 'utf8');
    parts.push(u16(k.length), k, u32(h.value.length), Buffer.from(h.value));
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(body.length), body]);
}

/** The records checksum by its definition: CRC32C of the count (u32) and the records as sent. */
function definedChecksum(records: readonly ProduceRecord[]): number {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(records.length);
  return crc32c(Buffer.concat([count, ...records.map((r) => recordBytes(r))]));
}

/** A batch as format 1 (0xb1, 36-byte header, no checksum) was written by earlier versions, by hand. */
function formatOneBatch(h: { baseOffset: number; producerId: number; producerEpoch: number; baseSequence: number }, records: readonly ProduceRecord[]): Buffer {
  const head = Buffer.alloc(36);
  head[0] = 0xb1;
  head[1] = 0;
  head.writeBigUInt64BE(BigInt(h.baseOffset), 2);
  head.writeUInt32BE(records.length, 10);
  head.writeBigUInt64BE(BigInt(h.producerId), 14);
  head.writeUInt16BE(h.producerEpoch, 22);
  head.writeInt32BE(h.baseSequence, 24);
  head.writeBigInt64BE(BigInt(Math.max(...records.map((r) => r.timestamp))), 28);
  return Buffer.concat([head, ...records.map((r) => recordBytes(r))]);
}

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
        expect(header).toEqual({
          ...h, recordCount: records.length, maxTimestamp: Math.max(...records.map((r) => r.timestamp)), recordsChecksum: definedChecksum(records),
        });
        expect(data[0]).toBe(BATCH_MAGIC);
        expect(data.subarray(BATCH_HEADER_BYTES).equals(Buffer.concat(records.map((r) => recordBytes(r))))).toBe(true);
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

  it('the records checksum depends on the records as sent only: not on the base offset, the producer fields or the append time stamped on records sent with timestamp 0', () => {
    fc.assert(
      fc.property(headerArb, headerArb, recordsArb, fc.maxSafeNat(), fc.maxSafeNat(), (h1, h2, records, t1, t2) => {
        const a = encodeBatch(h1, records, t1);
        const b = encodeBatch(h2, records, t2);
        const checksum = decodeBatchHeader(a, ctx, 1).recordsChecksum;
        expect(checksum).toBe(definedChecksum(records));
        expect(decodeBatchHeader(b, ctx, 1).recordsChecksum).toBe(checksum);
        // The stored records carry the append time where they were sent with 0.
        const stored = decodeBatch(a, ctx, 1);
        expect(stored.records.map((r) => r.timestamp)).toEqual(records.map((r) => (r.timestamp === 0 ? t1 : r.timestamp)));
        expect(stored.header.maxTimestamp).toBe(Math.max(...stored.records.map((r) => r.timestamp)));
      }),
      { numRuns: 300 },
    );
  });

  it('the records checksum tells apart records that differ in any field or in order (null and empty keys included)', () => {
    const base: ProduceRecord[] = [
      { key: null, value: Buffer.from('v1'), headers: [{ key: 'h', value: Buffer.from('x') }], timestamp: 0 },
      { key: Buffer.from('k'), value: Buffer.from('v2'), timestamp: 7 },
    ];
    const variants: Record<string, ProduceRecord[]> = {
      'empty key instead of null': [{ ...base[0], key: new Uint8Array(0) }, base[1]],
      'another value': [{ ...base[0], value: Buffer.from('v3') }, base[1]],
      'an explicit timestamp instead of 0': [{ ...base[0], timestamp: 1 }, base[1]],
      'another header value': [{ ...base[0], headers: [{ key: 'h', value: Buffer.from('y') }] }, base[1]],
      'no header': [{ ...base[0], headers: [] }, base[1]],
      'the records in another order': [base[1], base[0]],
      'one record fewer': [base[0]],
      // Same bytes, split across fields differently: the length prefixes keep them apart.
      'bytes moved from the key to the value': [base[0], { ...base[1], key: new Uint8Array(0), value: Buffer.from('kv2') }],
    };
    const checksum = (rs: ProduceRecord[]) => decodeBatchHeader(encodeBatch({ baseOffset: 0, producerId: 1, producerEpoch: 0, baseSequence: 0 }, rs, 99), ctx, 1).recordsChecksum;
    const original = checksum(base);
    for (const [what, rs] of Object.entries(variants)) expect(checksum(rs), what).not.toBe(original);
  });

  it('a format 1 batch (0xb1, as earlier versions wrote it) still decodes, fetches and applies, with its checksum unknown', async () => {
    fc.assert(
      fc.property(headerArb.filter((h) => h.baseOffset < Number.MAX_SAFE_INTEGER - 8), recordsArb, (h, records) => {
        const old = formatOneBatch(h, records);
        expect(isRecordBatch(old)).toBe(true);
        const { header, records: got } = decodeBatch(old, ctx, 5);
        expect(header).toEqual({ ...h, recordCount: records.length, maxTimestamp: Math.max(...records.map((r) => r.timestamp)), recordsChecksum: null });
        expect(got.map((r) => [r.offset, r.timestamp, r.key && [...r.key], [...r.value]])).toEqual(
          records.map((r, i) => [h.baseOffset + i, r.timestamp, r.key ? [...r.key] : null, [...r.value]]),
        );
        // Truncations of a format 1 batch are refused too.
        expect(() => decodeBatch(old.subarray(0, old.length - 1), ctx, 5)).toThrow(PartitionError);
      }),
      { numRuns: 200 },
    );
    // A log that an upgraded node kept: format 1 batches, then format 2, read back through fetch.
    const log = new TestLog();
    const v = (s: string): ProduceRecord[] => [{ key: null, value: Buffer.from(s), timestamp: 3 }];
    log.append(EntryType.Normal, formatOneBatch({ baseOffset: 0, producerId: 0, producerEpoch: 0, baseSequence: -1 }, [...v('a'), ...v('b')]));
    log.append(EntryType.Normal, formatOneBatch({ baseOffset: 2, producerId: 5, producerEpoch: 0, baseSequence: 0 }, v('c')));
    log.append(EntryType.Normal, encodeBatch({ baseOffset: 3, producerId: 5, producerEpoch: 0, baseSequence: 1 }, v('d')));
    log.commitUpTo(3);
    const state = new PartitionState(ctx);
    log.applyCommitted(state);
    expect(state.nextOffset).toBe(4);
    expect(state.producers.get(5)?.batches.map((b) => b.checksum)).toEqual([null, definedChecksum(v('d'))]);
    const read = await fetchRecords(state, 1, Number.MAX_SAFE_INTEGER, log.read);
    expect(read.records.map((r) => [r.offset, Buffer.from(r.value).toString()])).toEqual([[1, 'b'], [2, 'c'], [3, 'd']]);
  });
});
