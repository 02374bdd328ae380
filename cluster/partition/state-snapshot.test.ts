import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolveStateOptions } from './config';
import { PartitionError } from './errors';
import type { ProducerEntry } from './producer-table';
import { decodeStateImage, encodeStateImage, type StateImage } from './state-snapshot';

const ctx = { topic: 'orders', partition: 3 };

const entryArb: fc.Arbitrary<ProducerEntry> = fc.record({
  epoch: fc.integer({ min: 0, max: 0xffff }),
  batches: fc.array(
    fc.record({
      baseSequence: fc.integer({ min: 0, max: 0x7fffffff }),
      lastSequence: fc.integer({ min: 0, max: 0x7fffffff }),
      baseOffset: fc.maxSafeNat(),
      checksum: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: null }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
});

const imageArb: fc.Arbitrary<StateImage> = fc.record({
  appliedIndex: fc.maxSafeNat(),
  appliedTerm: fc.maxSafeNat(),
  nextOffset: fc.maxSafeNat(),
  maxTimestamp: fc.integer({ min: -1, max: 2 ** 50 }),
  totalBytes: fc.maxSafeNat(),
  bytesSincePoint: fc.maxSafeNat(),
  entriesSincePoint: fc.nat(),
  segmentBytes: fc.maxSafeNat(),
  segmentFirstTimestamp: fc.integer({ min: -1, max: 2 ** 50 }),
  options: fc.constant(resolveStateOptions()),
  producers: fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 2 ** 40 }), entryArb), { maxLength: 4, selector: ([pid]) => pid }),
});

/** What earlier versions wrote: the version 1 image, without checksums (their encoder, verbatim in layout). */
function encodeVersionOne(s: StateImage): Uint8Array {
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(n));
    return b;
  };
  const i64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(n));
    return b;
  };
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const o = s.options;
  const parts: Buffer[] = [
    Buffer.from([0x50, 1]),
    ...[s.appliedIndex, s.appliedTerm, s.nextOffset, s.totalBytes, s.bytesSincePoint, s.segmentBytes].map(u64),
    i64(s.maxTimestamp),
    i64(s.segmentFirstTimestamp),
    u64(0),
    u32(s.entriesSincePoint),
    ...[o.indexIntervalBytes, o.indexIntervalEntries, o.segmentBytes, o.segmentMs, o.maxProducers].map(u64),
    u32(s.producers.length),
  ];
  for (const [pid, e] of s.producers) {
    parts.push(u64(pid), Buffer.from([e.epoch >> 8, e.epoch & 0xff, e.batches.length]));
    for (const b of e.batches) {
      const x = Buffer.alloc(8);
      x.writeInt32BE(b.baseSequence, 0);
      x.writeInt32BE(b.lastSequence, 4);
      parts.push(x, u64(b.baseOffset));
    }
  }
  return Buffer.concat(parts);
}

describe('partition state image', () => {
  it('version 2 round-trips every field, including each remembered batch checksum, known or unknown', () => {
    fc.assert(
      fc.property(imageArb, (img) => {
        const data = encodeStateImage(img);
        expect(data[1]).toBe(2);
        expect(decodeStateImage(data, ctx, img.appliedIndex)).toEqual(img);
      }),
      { numRuns: 300 },
    );
  });

  it('a version 1 image (from an earlier version) still decodes, with every checksum unknown', () => {
    fc.assert(
      fc.property(imageArb, (img) => {
        const decoded = decodeStateImage(encodeVersionOne(img), ctx, img.appliedIndex);
        const unknown = img.producers.map(([pid, e]) => [pid, { ...e, batches: e.batches.map((b) => ({ ...b, checksum: null })) }] as const);
        expect(decoded).toEqual({ ...img, producers: unknown });
      }),
      { numRuns: 300 },
    );
  });

  it('an unknown version, a bad checksum flag and a truncated producer table are refused as unreadable, naming the raft index', () => {
    const img: StateImage = {
      appliedIndex: 9, appliedTerm: 2, nextOffset: 4, maxTimestamp: 5, totalBytes: 100, bytesSincePoint: 0, entriesSincePoint: 0,
      segmentBytes: 0, segmentFirstTimestamp: -1, options: resolveStateOptions(),
      producers: [[7, { epoch: 1, batches: [{ baseSequence: 0, lastSequence: 3, baseOffset: 0, checksum: 0xdeadbeef }] }]],
    };
    const data = Buffer.from(encodeStateImage(img));
    const refused = (bytes: Uint8Array, why: RegExp) => {
      let error: unknown;
      try {
        decodeStateImage(bytes, ctx, 9);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PartitionError);
      expect((error as PartitionError).message).toMatch(/^topic "orders" partition 3: the partition snapshot at raft index 9 is unreadable/);
      expect((error as PartitionError).message).toMatch(why);
    };
    const v3 = Buffer.from(data);
    v3[1] = 3;
    refused(v3, /format version 3, this node reads 1 and 2/);
    const flag = Buffer.from(data);
    flag[data.length - 5] = 2;
    refused(flag, /checksum flag 2/);
    refused(data.subarray(0, data.length - 2), /producer 7 has 1 batches/);
  });
});
