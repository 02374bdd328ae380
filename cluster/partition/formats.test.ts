import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from './batch-codec';
import { decodeStateImage, encodeStateImage, type StateImage } from './state-snapshot';

/**
 * The record batch (every partition entry in the Raft log) and the partition state snapshot, as
 * bytes: pinned to what earlier versions wrote (the hex was taken from them), so existing logs and
 * snapshots read back and a format change fails here first.
 */
const ctx = { topic: 'orders', partition: 3 };

const image: StateImage = {
  appliedIndex: 2 ** 45 + 1,
  appliedTerm: 77,
  nextOffset: 2 ** 44 + 3,
  maxTimestamp: -1,
  totalBytes: 2 ** 40,
  bytesSincePoint: 12345,
  entriesSincePoint: 17,
  segmentBytes: 999,
  segmentFirstTimestamp: 1_700_000_000_000,
  options: { indexIntervalBytes: 65536, indexIntervalEntries: 256, segmentBytes: 16777216, segmentMs: 3600000, maxProducers: 10000 },
  producers: [
    [
      2 ** 40 + 1,
      {
        epoch: 3,
        batches: [
          { baseSequence: 0, lastSequence: 9, baseOffset: 2 ** 44, checksum: 0xdeadbeef },
          { baseSequence: 10, lastSequence: 10, baseOffset: 2 ** 44 + 10, checksum: null },
        ],
      },
    ],
    [5, { epoch: 0, batches: [{ baseSequence: 2147483647, lastSequence: 3, baseOffset: 1, checksum: 0 }] }],
  ],
};
const STATE_IMAGE =
  '50020000200000000001000000000000004d000010000000000300000100000000000000000000003039000000000000' +
  '03e7ffffffffffffffff0000018bcfe56800000000000000000000000011000000000001000000000000000001000000' +
  '000001000000000000000036ee8000000000000027100000000200000100000000010003020000000000000009000010' +
  '000000000001deadbeef0000000a0000000a000010000000000a000000000000000000000000050000017fffffff0000' +
  '000300000000000000010100000000';

const header = { baseOffset: 2 ** 44 + 3, producerId: 2 ** 40 + 1, producerEpoch: 3, baseSequence: 10 };
const records = [
  { key: Uint8Array.from([0x6b]), value: Uint8Array.from([1, 2]), headers: [{ key: 'h', value: Uint8Array.from([9]) }], timestamp: 0 },
  { key: null, value: new Uint8Array(0), timestamp: 2 ** 42 + 1 },
];
const APPEND_TIME = 1_700_000_000_123;
const BATCH =
  'b200000010000000000300000002000001000000000100030000000a000004000000000154a417650000001d0000018b' +
  'cfe5687b000000016b00000002010200010001680000000109000000120000040000000001ffffffff000000000000';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the partition formats', () => {
  it('a state snapshot is the bytes earlier versions wrote, and reads back', () => {
    expect(hex(encodeStateImage(image))).toBe(STATE_IMAGE);
    expect(decodeStateImage(Buffer.from(STATE_IMAGE, 'hex'), ctx, 1)).toEqual(image);
  });

  it('a record batch is the bytes earlier versions wrote, and reads back with the append time stamped', () => {
    expect(hex(encodeBatch(header, records, APPEND_TIME))).toBe(BATCH);
    const { header: h, records: read } = decodeBatch(Buffer.from(BATCH, 'hex'), ctx, 1);
    expect(h).toMatchObject({ ...header, recordCount: 2, maxTimestamp: 2 ** 42 + 1 });
    expect(read.map((r) => [r.offset, r.timestamp, r.key && [...r.key], [...r.value], r.headers.map((x) => [x.key, [...x.value]])])).toEqual([
      [2 ** 44 + 3, APPEND_TIME, [0x6b], [1, 2], [['h', [9]]]],
      [2 ** 44 + 4, 2 ** 42 + 1, null, [], []],
    ]);
  });
});
