import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, patchCrc32c, VarintReader, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../../bytes';
import {
  type DecodedRecord,
  type RecordBatchFields,
  type RecordHeaderEntry,
  type RecordInput,
  RECORD_BATCH_OVERHEAD,
  RecordBatchError,
  decodeRecordBatch,
  encodeRecordBatch,
  readRecordBatchHeader,
  readRecords,
  isRecordBatch,
  splitRecordBatches,
  stampBaseOffset,
  stampLogAppendTime,
  stampPartitionLeaderEpoch,
  unstampedCrc,
  validateRecordBatch,
  filterRecordBatch,
  visitRecords,
} from './record-batch';

// ---------------------------------------------------------------------------------------------
// kafkajs: an independent implementation of RecordBatch v2 (its producer's encoder and its
// consumer's decoder), loaded from its sources; it has no types for them.

interface KafkaEncoder {
  readonly buffer: Buffer;
  writeVarInt(n: number): KafkaEncoder;
  writeVarLong(n: number): KafkaEncoder;
}
type KafkaHeaders = Record<string, Buffer | null | (Buffer | null)[]>;
interface KafkaDecodedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaHeaders;
}
interface KafkaDecodedBatch {
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  partitionLeaderEpoch: number;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  timestampType: number;
  inTransaction: boolean;
  isControlBatch: boolean;
  records: KafkaDecodedRecord[];
}
interface KafkaBatchArgs {
  compression?: number;
  transactional?: boolean;
  firstOffset: number;
  firstTimestamp: number;
  maxTimestamp: number;
  partitionLeaderEpoch: number;
  lastOffsetDelta: number;
  producerId: number;
  producerEpoch: number;
  firstSequence: number;
  records: KafkaEncoder[];
}

const require = createRequire(import.meta.url);
const { RecordBatch: kafkaRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (a: KafkaBatchArgs) => Promise<KafkaEncoder> };
const kafkaRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (a: {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaHeaders;
}) => KafkaEncoder;
const KafkaDecoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => { readVarInt(): number; readVarLong(): { toString(): string } };
const KafkaEncoderClass = require('kafkajs/src/protocol/encoder') as new () => KafkaEncoder;
const kafkaDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: InstanceType<typeof KafkaDecoder>) => Promise<KafkaDecodedBatch>;
const kafkaCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C') as (b: Buffer) => number;
const { Types: KafkaCompression } = require('kafkajs/src/protocol/message/compression') as { Types: Record<string, number> };
const KAFKA_LOG_APPEND_TIME = 1;

/** Headers as kafkajs holds them: an object, a repeated key's values in an array (its decoder's rule). */
function kafkaHeaders(headers: readonly RecordHeaderEntry[] = []): KafkaHeaders {
  const o: KafkaHeaders = {};
  for (const { key, value } of headers) {
    const v = value === null ? null : Buffer.from(value);
    const had = o[key];
    o[key] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return o;
}

/** The order kafkajs writes a header list in (object key order: integer-like keys first, then a repeated key's values together). */
function kafkaHeaderOrder(headers: readonly RecordHeaderEntry[] = []): RecordHeaderEntry[] {
  const o = kafkaHeaders(headers);
  return Object.keys(o).flatMap((key) => {
    const v = o[key];
    return (Array.isArray(v) ? v : [v]).map((value) => ({ key, value }));
  });
}

const fieldDefaults = { baseOffset: 0, partitionLeaderEpoch: -1, producerId: -1, producerEpoch: -1, baseSequence: -1 };

/** kafkajs's encoding of records with the batch fields Kafka's producer would compute (firstTimestamp the first's, maxTimestamp the largest). */
async function kafkaEncode(records: readonly RecordInput[], fields: RecordBatchFields = {}, extra: { compression?: number; transactional?: boolean } = {}): Promise<Buffer> {
  const f = { ...fieldDefaults, ...fields };
  const first = records[0].timestamp;
  const batch = await kafkaRecordBatch({
    ...extra,
    firstOffset: f.baseOffset,
    firstTimestamp: first,
    maxTimestamp: records.reduce((m, r) => Math.max(m, r.timestamp), -Infinity),
    partitionLeaderEpoch: f.partitionLeaderEpoch,
    lastOffsetDelta: records.length - 1,
    producerId: f.producerId,
    producerEpoch: f.producerEpoch,
    firstSequence: f.baseSequence,
    records: records.map((r, i) =>
      kafkaRecord({
        offsetDelta: i,
        timestampDelta: r.timestamp - first,
        key: r.key === null ? null : Buffer.from(r.key),
        value: r.value === null ? null : Buffer.from(r.value),
        headers: kafkaHeaders(r.headers),
      }),
    ),
  });
  return batch.buffer;
}

async function kafkaDecode(bytes: Uint8Array): Promise<KafkaDecodedBatch> {
  return kafkaDecodeBatch(new KafkaDecoder(Buffer.from(bytes)));
}

/** Bytes as hex, so that comparing a 1 MiB value is one string comparison, not a million element ones. */
function hexOf(u: Uint8Array | null): string | null {
  return u === null ? null : Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('hex');
}

type HexHeaders = Record<string, string | null | (string | null)[]>;

function hexHeaders(h: KafkaHeaders): HexHeaders {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.map(hexOf) : hexOf(v)]));
}

/** A record as kafkajs's decoder gives it (in hex), from what went in. */
function asKafkaRecord(r: { key: Uint8Array | null; value: Uint8Array | null; headers?: readonly RecordHeaderEntry[] }, offset: number, timestamp: number) {
  return { offset: String(offset), timestamp: String(timestamp), key: hexOf(r.key), value: hexOf(r.value), headers: hexHeaders(kafkaHeaders(r.headers)) };
}

/** What kafkajs's decoder gave (in hex). */
function pickKafkaRecord(r: KafkaDecodedRecord) {
  return { offset: r.offset, timestamp: r.timestamp, key: hexOf(r.key), value: hexOf(r.value), headers: hexHeaders(r.headers) };
}

interface HexRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
}

/** A record as ours should decode it (in hex), from what went in; headers in the order given. */
function expectedRecord(r: RecordInput, offset: number, timestamp = r.timestamp, headers = r.headers ?? []): HexRecord {
  return { offset, timestamp, key: hexOf(r.key), value: hexOf(r.value), headers: headers.map((h) => ({ key: h.key, value: hexOf(h.value) })) };
}

/** What ours decoded (in hex). */
function plain(r: DecodedRecord): HexRecord {
  return { offset: r.offset, timestamp: r.timestamp, key: hexOf(r.key), value: hexOf(r.value), headers: r.headers.map((h) => ({ key: h.key, value: hexOf(h.value) })) };
}

// ---------------------------------------------------------------------------------------------
// Generators

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const bytesArb = (maxLength: number) => fc.uint8Array({ maxLength }).map((u) => Buffer.from(u));
/** Header keys kafkajs's object form can hold ("toString" would meet Object.prototype's). */
const headerKeyArb = fc.string({ maxLength: 8, unit: 'grapheme' }).filter((k) => !(k in Object.prototype));
/** Any two differ by at most 2^53 - 2: every timestampDelta is a safe integer. */
const timestampArb = fc.oneof(
  fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
  fc.integer({ min: -(2 ** 52 - 1), max: 2 ** 52 - 1 }),
  fc.constantFrom(0, -1, 2 ** 52 - 1, -(2 ** 52 - 1)),
);
const valueArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  { weight: 6, arbitrary: bytesArb(100) },
  { weight: 1, arbitrary: fc.integer({ min: 8192, max: 40_000 }).map((n) => Buffer.alloc(n, n & 0xff)) },
);
function recordArb(nullHeaderValues: boolean): fc.Arbitrary<RecordInput> {
  return fc.record({
    key: fc.option(bytesArb(24), { nil: null }),
    value: valueArb,
    headers: fc.array(fc.record({ key: headerKeyArb, value: nullHeaderValues ? fc.option(bytesArb(8), { nil: null }) : bytesArb(8) }), { maxLength: 3 }),
    timestamp: timestampArb,
  });
}
const recordsArb = (nullHeaderValues: boolean) => fc.array(recordArb(nullHeaderValues), { minLength: 1, maxLength: 20 });
const fieldsArb: fc.Arbitrary<RecordBatchFields> = fc
  .record({
    baseOffset: fc.oneof(fc.nat(1000), fc.integer({ min: 0, max: MAX_SAFE - 100 })),
    partitionLeaderEpoch: fc.integer({ min: -1, max: 0x7fff_ffff }),
    producer: fc.oneof(
      fc.constant({ producerId: -1, producerEpoch: -1, baseSequence: -1 }),
      fc.record({ producerId: fc.maxSafeNat(), producerEpoch: fc.integer({ min: 0, max: 0x7fff }), baseSequence: fc.integer({ min: 0, max: 0x7fff_ffff }) }),
    ),
  })
  .map(({ producer, ...rest }) => ({ ...rest, ...producer }));

const b = (s: string) => Buffer.from(s, 'utf8');

/** The test vector of proto/record-batch.md: a leader-stamped batch of an idempotent producer. */
const VECTOR_RECORDS: RecordInput[] = [
  { key: b('user-1'), value: b('hello'), headers: [{ key: 'trace', value: b('t1') }], timestamp: 1_700_000_000_000 },
  { key: b('user-2'), value: null, timestamp: 1_700_000_000_005 },
];
const VECTOR_FIELDS = { baseOffset: 100, partitionLeaderEpoch: 3, producerId: 5000, producerEpoch: 2, baseSequence: 10 };
const VECTOR_HEX =
  '0000000000000064' + '00000059' + '00000003' + '02' + 'b173f3ab' + '0000' + '00000001' + '0000018bcfe56800' + '0000018bcfe56805' +
  '0000000000001388' + '0002' + '0000000a' + '00000002' +
  '34' + '00' + '00' + '00' + '0c' + '757365722d31' + '0a' + '68656c6c6f' + '02' + '0a' + '7472616365' + '04' + '7431' +
  '18' + '00' + '0a' + '02' + '0c' + '757365722d32' + '01' + '00';

/** Recompute the CRC after changing CRC-covered bytes on purpose, so that the checks behind it are reached. */
function reseal(bytes: Buffer): Buffer {
  bytes.writeUInt32BE(crc32c(bytes, 0, 21, bytes.length), 17);
  return bytes;
}

function vector(): Buffer {
  return encodeRecordBatch(VECTOR_RECORDS, VECTOR_FIELDS);
}

function refusal(bytes: Uint8Array): RecordBatchError {
  try {
    validateRecordBatch(bytes);
  } catch (e) {
    if (e instanceof RecordBatchError) return e;
    throw e;
  }
  throw new Error('validateRecordBatch accepted the batch');
}

// ---------------------------------------------------------------------------------------------

describe('the test vector of proto/record-batch.md', () => {
  it('is exactly what the codec writes for its records and fields', () => {
    expect(vector().toString('hex')).toBe(VECTOR_HEX);
  });

  it('is exactly what kafkajs writes for the same records and fields', async () => {
    expect((await kafkaEncode(VECTOR_RECORDS, VECTOR_FIELDS)).toString('hex')).toBe(VECTOR_HEX);
  });

  it('is the hex the document shows (the document cannot drift from the codec)', () => {
    const doc = readFileSync(new URL('../../proto/record-batch.md', import.meta.url), 'utf8');
    const block = /<!-- test-vector -->\s*```text\n([\s\S]*?)```/.exec(doc);
    expect(block, 'a ```text block after <!-- test-vector --> in proto/record-batch.md').not.toBeNull();
    const hex = block![1]
      .split('\n')
      .map((line) => line.replace(/\|.*$/, '').replace(/^\s*\d+\s+/, '').replace(/\s+/g, ''))
      .join('');
    expect(hex).toBe(VECTOR_HEX);
  });

  it('decodes to the fields the document lists', () => {
    const { header, records } = decodeRecordBatch(Buffer.from(VECTOR_HEX, 'hex'));
    expect(header).toEqual({
      baseOffset: 100,
      batchLength: 89,
      partitionLeaderEpoch: 3,
      magic: 2,
      crc: 0xb173f3ab,
      attributes: 0,
      timestampType: 'create',
      lastOffsetDelta: 1,
      firstTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_000_005,
      producerId: 5000,
      producerEpoch: 2,
      baseSequence: 10,
      recordCount: 2,
      minTimestamp: 1_700_000_000_000,
      nullKeys: 0,
      firstNullKey: -1,
    });
    expect(records.map(plain)).toEqual([expectedRecord(VECTOR_RECORDS[0], 100), expectedRecord(VECTOR_RECORDS[1], 101)]);
  });

  it('as the producer sent it (baseOffset 0, leader epoch -1) has the same CRC: both fields are outside it', () => {
    const sent = encodeRecordBatch(VECTOR_RECORDS, { ...VECTOR_FIELDS, baseOffset: 0, partitionLeaderEpoch: -1 });
    expect(sent.readUInt32BE(17)).toBe(0xb173f3ab);
    stampBaseOffset(sent, 100);
    stampPartitionLeaderEpoch(sent, 3);
    expect(sent.toString('hex')).toBe(VECTOR_HEX);
  });
});

describe('CRC32C', () => {
  it("log-store's crc32c is CRC-32C (Castagnoli): the check value of '123456789' is 0xe3069283", () => {
    expect(crc32c(b('123456789'))).toBe(0xe3069283);
  });

  it("log-store's crc32c equals kafkajs's CRC32C on any bytes", () => {
    fc.assert(fc.property(bytesArb(300), (bytes) => crc32c(bytes) === kafkaCrc32c(bytes)));
  });

  it('patching a CRC after changing a span equals computing it again, and a wrong CRC stays exactly as wrong', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 400 }), fc.nat(), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 0xffff_ffff }), (data, p, q, patch, damage) => {
        const from = p % data.length;
        const to = Math.min(data.length, from + 1 + (q % patch.length));
        const before = data.slice(from, to);
        const after = data.slice();
        after.set(patch.subarray(0, to - from), from);
        const crc = crc32c(data);
        expect(patchCrc32c(crc, before, after.subarray(from, to), data.length - to)).toBe(crc32c(after));
        expect((patchCrc32c(crc ^ damage, before, after.subarray(from, to), data.length - to) ^ damage) >>> 0).toBe(crc32c(after));
      }),
    );
  });
});

describe('varints and varlongs (zigzag, as Kafka writes them)', () => {
  const int32Arb = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -1, 1, 63, -64, 64, -65, 8191, 8192, 2 ** 31 - 1, -(2 ** 31)));
  const safeArb = fc.oneof(fc.maxSafeInteger(), int32Arb, fc.constantFrom(MAX_SAFE, -MAX_SAFE, 2 ** 31, -(2 ** 31) - 1, 2 ** 52, -(2 ** 52), 2 ** 35 - 1));

  it('a varint is the bytes kafkajs writes, of the size computed, and reads back', () => {
    fc.assert(
      fc.property(int32Arb, (n) => {
        const buf = new Uint8Array(5);
        const end = writeVarint(buf, 0, n);
        expect(Buffer.from(buf.subarray(0, end))).toEqual(new KafkaEncoderClass().writeVarInt(n).buffer);
        expect(end).toBe(sizeOfVarint(n));
        const r = new VarintReader(buf);
        expect(r.varint(end)).toBe(n);
        expect(r.pos).toBe(end);
      }),
    );
  });

  it('a varlong of any safe integer is the bytes kafkajs writes, of the size computed, and reads back exactly', () => {
    fc.assert(
      fc.property(safeArb, (n) => {
        const buf = new Uint8Array(10);
        const end = writeVarlong(buf, 0, n);
        expect(Buffer.from(buf.subarray(0, end))).toEqual(new KafkaEncoderClass().writeVarLong(n).buffer);
        expect(end).toBe(sizeOfVarlong(n));
        const r = new VarintReader(buf);
        expect(r.varlong(end)).toBe(n);
        expect(r.pos).toBe(end);
        expect(new KafkaDecoder(Buffer.from(buf.subarray(0, end))).readVarLong().toString()).toBe(String(n));
      }),
    );
  });

  it('a reader refuses a truncated, over-long or out-of-range value, without moving', () => {
    const cases: [number[], 'varint' | 'varlong', string][] = [
      [[0x80], 'varint', 'truncated'],
      [[0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 'varint', 'too long'],
      [[0xff, 0xff, 0xff, 0xff, 0x1f], 'varint', 'beyond int32'],
      [[0x80, 0x80], 'varlong', 'truncated'],
      [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 'varlong', 'too long'],
      [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20], 'varlong', 'beyond 2^53'], // 2^54 zigzag: 2^53
      [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f], 'varlong', 'beyond 2^53'], // zigzag 2^54 - 1: -2^53
    ];
    for (const [bytes, kind, problem] of cases) {
      const r = new VarintReader(Uint8Array.from(bytes));
      expect(kind === 'varint' ? r.varint(bytes.length) : r.varlong(bytes.length)).toBeNaN();
      expect(r.problem).toBe(problem);
      expect(r.pos).toBe(0);
    }
  });
});

describe('byte compatibility with kafkajs', () => {
  it('ours and kafkajs write the same bytes for the same records and batch fields', async () => {
    await fc.assert(
      fc.asyncProperty(recordsArb(false), fieldsArb, async (records, fields) => {
        const inKafkaOrder = records.map((r) => ({ ...r, headers: kafkaHeaderOrder(r.headers) }));
        const ours = encodeRecordBatch(inKafkaOrder, fields);
        expect(ours.equals(await kafkaEncode(records, fields))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("kafkajs's decoder reads ours as the same records, offsets, timestamps, headers and producer fields (CreateTime and LogAppendTime)", async () => {
    await fc.assert(
      fc.asyncProperty(recordsArb(true), fieldsArb, fc.option(timestampArb, { nil: undefined }), async (records, fields, logAppendTime) => {
        const ours = encodeRecordBatch(records, { ...fields, logAppendTime });
        const f = { ...fieldDefaults, ...fields };
        const theirs = await kafkaDecode(ours);
        expect({
          firstOffset: theirs.firstOffset,
          partitionLeaderEpoch: theirs.partitionLeaderEpoch,
          lastOffsetDelta: theirs.lastOffsetDelta,
          producerId: theirs.producerId,
          producerEpoch: theirs.producerEpoch,
          firstSequence: theirs.firstSequence,
          firstTimestamp: theirs.firstTimestamp,
          maxTimestamp: theirs.maxTimestamp,
          timestampType: theirs.timestampType,
          inTransaction: theirs.inTransaction,
          isControlBatch: theirs.isControlBatch,
        }).toEqual({
          firstOffset: String(f.baseOffset),
          partitionLeaderEpoch: f.partitionLeaderEpoch,
          lastOffsetDelta: records.length - 1,
          producerId: String(f.producerId),
          producerEpoch: f.producerEpoch,
          firstSequence: f.baseSequence,
          firstTimestamp: String(records[0].timestamp),
          maxTimestamp: String(logAppendTime ?? Math.max(...records.map((r) => r.timestamp))),
          timestampType: logAppendTime === undefined ? 0 : KAFKA_LOG_APPEND_TIME,
          inTransaction: false,
          isControlBatch: false,
        });
        expect(theirs.records.map(pickKafkaRecord)).toEqual(records.map((r, i) => asKafkaRecord(r, f.baseOffset + i, logAppendTime ?? r.timestamp)));
      }),
      { numRuns: 150 },
    );
  });

  it("ours reads kafkajs's bytes as the records and fields kafkajs was given", async () => {
    await fc.assert(
      fc.asyncProperty(recordsArb(false), fieldsArb, async (records, fields) => {
        const theirs = await kafkaEncode(records, fields);
        const f = { ...fieldDefaults, ...fields };
        const { header, records: decoded } = decodeRecordBatch(theirs);
        expect(header).toMatchObject({
          baseOffset: f.baseOffset,
          partitionLeaderEpoch: f.partitionLeaderEpoch,
          producerId: f.producerId,
          producerEpoch: f.producerEpoch,
          baseSequence: f.baseSequence,
          recordCount: records.length,
          lastOffsetDelta: records.length - 1,
          firstTimestamp: records[0].timestamp,
          timestampType: 'create',
        });
        expect(decoded.map(plain)).toEqual(records.map((r, i) => expectedRecord(r, f.baseOffset + i, r.timestamp, kafkaHeaderOrder(r.headers))));
      }),
      { numRuns: 150 },
    );
  });

  it('ours reads its own bytes as what it was given (any header order, null header values, LogAppendTime)', () => {
    fc.assert(
      fc.property(recordsArb(true), fieldsArb, fc.option(timestampArb, { nil: undefined }), (records, fields, logAppendTime) => {
        const bytes = encodeRecordBatch(records, { ...fields, logAppendTime });
        const f = { ...fieldDefaults, ...fields };
        const { header, records: decoded } = decodeRecordBatch(bytes);
        expect(header).toMatchObject({
          ...f,
          magic: 2,
          batchLength: bytes.length - 12,
          recordCount: records.length,
          timestampType: logAppendTime === undefined ? 'create' : 'logAppend',
          maxTimestamp: logAppendTime ?? Math.max(...records.map((r) => r.timestamp)),
        });
        expect(decoded.map(plain)).toEqual(records.map((r, i) => expectedRecord(r, f.baseOffset + i, logAppendTime ?? r.timestamp)));
      }),
      { numRuns: 300 },
    );
  });

  const cases: [string, RecordInput[], RecordBatchFields][] = [
    ['null keys', [{ key: null, value: b('v'), timestamp: 1 }, { key: null, value: b('w'), timestamp: 2 }], {}],
    ['tombstones (null values)', [{ key: b('k'), value: null, timestamp: 5 }], {}],
    ['an empty key and an empty value, distinct from null', [{ key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: 5 }, { key: null, value: null, timestamp: 5 }], {}],
    ['headers, repeated keys and UTF-8 keys', [{ key: null, value: b('v'), headers: [{ key: 'a', value: b('1') }, { key: 'a', value: b('2') }, { key: 'ключ→🚀', value: Buffer.alloc(0) }], timestamp: 9 }], {}],
    ['1000 records (two-byte offset deltas and record counts)', Array.from({ length: 1000 }, (_, i) => ({ key: b(`k${i}`), value: Buffer.alloc(i % 200, i), timestamp: 1_700_000_000_000 + i })), {}],
    [
      'large varints: a 1 MiB value, a 70 KB key, 200 headers, timestamp deltas of ±2^40 and ±(2^53-2)',
      [
        { key: Buffer.alloc(70_000, 1), value: Buffer.alloc(1 << 20, 2), timestamp: 0 },
        { key: null, value: b('x'), headers: Array.from({ length: 200 }, (_, i) => ({ key: `h${i}`, value: Buffer.alloc(i, i) })), timestamp: 2 ** 40 },
        { key: null, value: b('y'), timestamp: -(2 ** 40) },
        { key: null, value: b('z'), timestamp: 2 ** 52 - 1 },
        { key: null, value: b('z'), timestamp: -(2 ** 52 - 1) },
      ],
      {},
    ],
    ['timestamps out of order (negative deltas; maxTimestamp is not the last)', [{ key: null, value: b('a'), timestamp: 500 }, { key: null, value: b('b'), timestamp: 900 }, { key: null, value: b('c'), timestamp: 100 }], {}],
    ['the largest producer id, epoch and sequence', [{ key: null, value: b('a'), timestamp: 1 }], { baseOffset: MAX_SAFE - 1, producerId: MAX_SAFE, producerEpoch: 0x7fff, baseSequence: 0x7fff_ffff, partitionLeaderEpoch: 0x7fff_ffff }],
  ];
  for (const [name, records, fields] of cases) {
    it(`${name}: the same bytes as kafkajs, and each decodes the other's to the records given`, async () => {
      const ordered = records.map((r) => ({ ...r, headers: kafkaHeaderOrder(r.headers) }));
      const ours = encodeRecordBatch(ordered, fields);
      const theirs = await kafkaEncode(records, fields);
      expect(ours.equals(theirs)).toBe(true);
      const base = fields.baseOffset ?? 0;
      expect(decodeRecordBatch(theirs).records.map(plain)).toEqual(ordered.map((r, i) => expectedRecord(r, base + i)));
      expect((await kafkaDecode(ours)).records.map(pickKafkaRecord)).toEqual(records.map((r, i) => asKafkaRecord(r, base + i, r.timestamp)));
    });
  }

  it('null header values (kafkajs reads them; its encoder cannot write them)', async () => {
    const records: RecordInput[] = [{ key: b('k'), value: b('v'), headers: [{ key: 'none', value: null }, { key: 'some', value: b('x') }, { key: 'empty', value: Buffer.alloc(0) }], timestamp: 7 }];
    const ours = encodeRecordBatch(records);
    expect(hexHeaders((await kafkaDecode(ours)).records[0].headers)).toEqual({ none: null, some: '78', empty: '' });
    expect(decodeRecordBatch(ours).records[0].headers.map((h) => [h.key, h.value === null ? null : Buffer.from(h.value).toString()])).toEqual([
      ['none', null],
      ['some', 'x'],
      ['empty', ''],
    ]);
  });

  it('LogAppendTime: kafkajs reads every record of a stamped batch at the append time; encoding with logAppendTime writes the same bytes as stamping', async () => {
    const records: RecordInput[] = [{ key: null, value: b('a'), timestamp: 10 }, { key: null, value: b('b'), timestamp: 20 }];
    const stamped = encodeRecordBatch(records, { producerId: 3, producerEpoch: 0, baseSequence: 0 });
    stampLogAppendTime(stamped, 1_800_000_000_000);
    expect(stamped.equals(encodeRecordBatch(records, { producerId: 3, producerEpoch: 0, baseSequence: 0, logAppendTime: 1_800_000_000_000 }))).toBe(true);
    const theirs = await kafkaDecode(stamped);
    expect(theirs.timestampType).toBe(KAFKA_LOG_APPEND_TIME);
    expect(theirs.records.map((r) => r.timestamp)).toEqual(['1800000000000', '1800000000000']);
    expect(decodeRecordBatch(stamped).records.map((r) => r.timestamp)).toEqual([1_800_000_000_000, 1_800_000_000_000]);
    // A kafkajs batch stamped by ours: the same.
    const k = await kafkaEncode(records);
    stampLogAppendTime(k, 1_800_000_000_000);
    expect(validateRecordBatch(k).timestampType).toBe('logAppend');
  });

  it('a gzip batch from kafkajs is refused, naming the codec; so are a transactional batch and every other codec', async () => {
    const records: RecordInput[] = [{ key: null, value: b('compress me'), timestamp: 1 }];
    const gz = refusal(await kafkaEncode(records, {}, { compression: KafkaCompression.GZIP }));
    expect(gz.code).toBe('INVALID_RECORD');
    expect(gz.message).toMatch(/compressed with gzip .*compression none/);
    const txn = refusal(await kafkaEncode(records, { producerId: 1, producerEpoch: 0, baseSequence: 0 }, { transactional: true }));
    expect(txn.code).toBe('INVALID_RECORD');
    expect(txn.message).toMatch(/transactional/);
    for (const [codec, name] of [[2, 'snappy'], [3, 'lz4'], [4, 'zstd'], [5, 'unknown codec 5'], [7, 'unknown codec 7']] as const) {
      const bytes = encodeRecordBatch(records);
      bytes.writeUInt16BE(codec, 21);
      const e = refusal(reseal(bytes));
      expect(e.message).toContain(`compressed with ${name}`);
      expect(e.byteOffset).toBe(21);
    }
  });
});

describe('validation: damaged bytes are refused', () => {
  const batches: [string, Buffer][] = [
    ['the test vector', vector()],
    ['a batch with null keys, a tombstone, empty values and null header values', encodeRecordBatch([
      { key: null, value: Buffer.alloc(0), headers: [{ key: 'n', value: null }], timestamp: 3 },
      { key: Buffer.alloc(0), value: null, timestamp: -3 },
      { key: b('k'), value: Buffer.alloc(150, 9), timestamp: 2 ** 41 },
    ], { producerId: 9, producerEpoch: 1, baseSequence: 77 })],
  ];
  for (const [name, batch] of batches) {
    it(`${name}: every change of any single byte from batchLength to the end is refused (all 255 changes of each CRC-covered byte as a CRC mismatch)`, () => {
      for (let p = 8; p < batch.length; p++) {
        if (p >= 12 && p < 16) continue; // partitionLeaderEpoch: outside the CRC by design (the leader stamps it)
        for (let mask = 1; mask < 256; mask++) {
          const damaged = Buffer.from(batch);
          damaged[p] ^= mask;
          const e = refusal(damaged);
          if (p >= 17) {
            expect(e.code).toBe('CORRUPT_BATCH');
            expect(e.message).toContain('CRC32C mismatch');
          } else if (p === 16) {
            expect(e.message).toMatch(/magic/);
          } else {
            expect(e.code).toBe('CORRUPT_BATCH'); // batchLength
          }
        }
      }
    });

    it(`${name}: every truncation is refused as CORRUPT_BATCH, and so are trailing bytes`, () => {
      for (let n = 0; n < batch.length; n++) {
        const e = refusal(batch.subarray(0, n));
        expect(e.code).toBe('CORRUPT_BATCH');
        expect(e.message).toContain('truncated');
      }
      const longer = Buffer.concat([batch, Buffer.from([0])]);
      expect(refusal(longer).message).toContain(`1 bytes after the batch's end at byte ${batch.length}`);
    });

    it(`${name}: stamping baseOffset and leader epoch keeps the CRC (and the batch) valid; stamping LogAppendTime keeps it valid too`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: MAX_SAFE - 10 }), fc.integer({ min: -1, max: 0x7fff_ffff }), timestampArb, (offset, epoch, ms) => {
          const stamped = Buffer.from(batch);
          stampBaseOffset(stamped, offset);
          stampPartitionLeaderEpoch(stamped, epoch);
          const h = validateRecordBatch(stamped);
          expect([h.baseOffset, h.partitionLeaderEpoch, h.crc]).toEqual([offset, epoch, batch.readUInt32BE(17)]);
          expect([...readRecords(stamped, h)].map((r) => r.offset)).toEqual(Array.from({ length: h.recordCount }, (_, i) => offset + i));
          stampLogAppendTime(stamped, ms);
          const after = validateRecordBatch(stamped);
          expect(after.crc).toBe(crc32c(stamped, 0, 21, stamped.length));
          expect([after.timestampType, after.maxTimestamp, after.baseOffset]).toEqual(['logAppend', ms, offset]);
        }),
        { numRuns: 50 },
      );
    });
  }

  it('stamping LogAppendTime never blesses a damaged batch: its CRC stays wrong', () => {
    for (let p = 61; p < 101; p++) {
      const damaged = vector();
      damaged[p] ^= 0x10;
      stampLogAppendTime(damaged, 1_800_000_000_000);
      expect(refusal(damaged).message).toContain('CRC32C mismatch');
    }
  });

  it('a batch shorter than its header, or whose batchLength is shorter than the header, is CORRUPT_BATCH', () => {
    const v = vector();
    v.writeInt32BE(10, 8);
    expect(refusal(v).message).toMatch(/batchLength 10 is shorter/);
    v.writeInt32BE(-1, 8);
    expect(refusal(v).code).toBe('CORRUPT_BATCH');
    expect(() => readRecordBatchHeader(vector().subarray(0, 60))).toThrow(/truncated: 60 bytes/);
  });
});

describe('validation: intact batches that break the format are refused as INVALID_RECORD, naming the record and byte', () => {
  /** Change the vector (record 0 at byte 61, record 1 at byte 88), reseal its CRC, and validate. */
  function refused(change: (v: Buffer) => Buffer | void): RecordBatchError {
    const v = vector();
    const e = refusal(reseal(change(v) ?? v));
    expect(e.code).toBe('INVALID_RECORD');
    return e;
  }

  it('magic other than 2', () => {
    for (const m of [0, 1, 3]) {
      const v = vector();
      v[16] = m;
      const e = refusal(v);
      expect([e.code, e.byteOffset]).toEqual(['INVALID_RECORD', 16]);
      expect(e.message).toContain(`magic ${m}`);
    }
    const v = vector();
    v[16] = 1;
    expect(refusal(v).message).toContain('a Kafka message set v1');
  });

  it('transactional, control and delete-horizon batches, and unused attribute bits', () => {
    expect(refused((v) => void v.writeUInt16BE(0x10, 21)).message).toMatch(/transactional .*Flotilla has no transactions/);
    expect(refused((v) => void v.writeUInt16BE(0x20, 21)).message).toMatch(/a control batch/);
    expect(refused((v) => void v.writeUInt16BE(0x40, 21)).message).toMatch(/delete horizon/);
    expect(refused((v) => void v.writeUInt16BE(0x0100, 21)).message).toMatch(/unused attribute bits/);
  });

  it('a record count that is more or fewer than the records present, or disagrees with lastOffsetDelta', () => {
    let e = refused((v) => {
      v.writeInt32BE(3, 57);
      v.writeInt32BE(2, 23);
    });
    expect([e.recordIndex, e.byteOffset]).toEqual([2, 101]);
    expect(e.message).toContain('record count 3, but the batch ends after 2 records');
    e = refused((v) => {
      v.writeInt32BE(1, 57);
      v.writeInt32BE(0, 23);
    });
    expect(e.message).toContain('13 bytes after record 0');
    expect(e.byteOffset).toBe(88);
    e = refused((v) => void v.writeInt32BE(0, 23));
    expect(e.message).toContain('lastOffsetDelta 0 does not match record count 2');
    e = refused((v) => {
      v.writeInt32BE(0, 57);
      v.writeInt32BE(-1, 23);
    });
    expect(e.message).toContain('record count 0');
  });

  it('offset deltas out of order', () => {
    const e = refused((v) => void (v[91] = 0x04));
    expect([e.recordIndex, e.byteOffset]).toEqual([1, 91]);
    expect(e.message).toContain('offsetDelta 2, expected 1');
  });

  it('lengths that run past the record or the batch', () => {
    let e = refused((v) => void (v[61] = 0x7e));
    expect([e.recordIndex, e.byteOffset]).toEqual([0, 61]);
    expect(e.message).toContain('record length 63 runs past the end of the batch at byte 101');
    e = refused((v) => void (v[65] = 0x7e));
    expect([e.recordIndex, e.byteOffset]).toEqual([0, 65]);
    expect(e.message).toContain("key length 63 runs past the record's end at byte 88");
    e = refused((v) => void (v[72] = 0x2a));
    expect(e.message).toContain('value length 21 runs past');
    e = refused((v) => void (v[85] = 0x08));
    expect(e.message).toContain('header 0 value length 4 runs past');
    e = refused((v) => void (v[65] = 0x03));
    expect(e.message).toContain('key length -2 (only -1, for null, may be negative)');
    e = refused((v) => v.fill(0xff, 61, 66));
    expect(e.message).toContain('the record length varint is too long');
  });

  it('a header count beyond the record, a null or non-UTF-8 header key', () => {
    expect(refused((v) => void (v[78] = 0x0a)).message).toContain('header count 5 does not fit');
    expect(refused((v) => void (v[78] = 0x01)).message).toContain('header count -1');
    let e = refused((v) => void (v[79] = 0x01));
    expect(e.message).toContain('header 0 has a null key');
    e = refused((v) => void (v[80] = 0xff));
    expect([e.recordIndex, e.byteOffset]).toEqual([0, 80]);
    expect(e.message).toContain('header 0 key is not UTF-8');
  });

  it('bytes left inside a record after its last field', () => {
    const e = refused((v) => {
      const longer = Buffer.concat([v, Buffer.from([0x00])]);
      longer[88] += 2; // record 1's length varint: 12 -> 13 (zigzag)
      longer.writeInt32BE(longer.length - 12, 8);
      return longer;
    });
    expect([e.recordIndex, e.byteOffset]).toEqual([1, 101]);
    expect(e.message).toContain('1 bytes after the last header');
  });

  it('record attributes other than 0', () => {
    const e = refused((v) => void (v[62] = 1));
    expect([e.recordIndex, e.byteOffset]).toEqual([0, 62]);
    expect(e.message).toContain('record attributes 0x01');
  });

  it('a CreateTime maxTimestamp that is not the largest record timestamp (listOffset relies on it)', () => {
    const e = refused((v) => void v.writeBigInt64BE(1_700_000_000_000n, 35));
    expect(e.message).toContain('maxTimestamp 1700000000000 is not the largest record timestamp 1700000000005');
  });

  it('64-bit fields beyond 2^53 and negative producer fields', () => {
    expect(refused((v) => void v.writeBigInt64BE(2n ** 53n, 0)).message).toContain('baseOffset is beyond');
    expect(refused((v) => void v.writeBigInt64BE(-5n, 0)).message).toContain('baseOffset -5 is negative');
    expect(refused((v) => void v.writeBigInt64BE(-(2n ** 60n), 43)).message).toContain('producerId is beyond');
    expect(refused((v) => void v.writeBigInt64BE(-2n, 43)).message).toContain('producerId -2');
    expect(refused((v) => void v.writeInt16BE(-1, 51)).message).toContain('an idempotent batch needs both >= 0');
  });
});

describe('encoding refuses input the format cannot hold', () => {
  const one: RecordInput[] = [{ key: null, value: b('v'), timestamp: 1 }];
  it.each([
    ['no records', [], {}, /no records/],
    ['a timestamp that is not a safe integer', [{ key: null, value: null, timestamp: 2 ** 53 }], {}, /record 0.*timestamp 9007199254740992 is not a safe integer/],
    ['a timestamp delta beyond 2^53', [{ key: null, value: null, timestamp: -MAX_SAFE }, { key: null, value: null, timestamp: MAX_SAFE }], {}, /record 1.*more than 2\^53-1 from the first/],
    ['a producer id without an epoch', one, { producerId: 4 }, /needs an epoch/],
    ['an epoch beyond int16', one, { producerId: 4, producerEpoch: 0x8000, baseSequence: 0 }, /producerEpoch 32768/],
    ['a baseOffset beyond 2^53', one, { baseOffset: 2 ** 53 }, /baseOffset/],
  ] as [string, RecordInput[], RecordBatchFields, RegExp][])('%s', (_name, records, fields, message) => {
    expect(() => encodeRecordBatch(records, fields)).toThrow(message);
  });
});

describe('reading records', () => {
  it('from an offset inside the batch skips the records before it by their length alone', () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ key: null, value: Buffer.alloc(i, i), timestamp: 1000 + i }));
    const bytes = encodeRecordBatch(records, { baseOffset: 7000 });
    const h = validateRecordBatch(bytes);
    const tail = [...readRecords(bytes, h, 7030)];
    expect(tail.map((r) => r.offset)).toEqual(Array.from({ length: 20 }, (_, i) => 7030 + i));
    expect(tail.map(plain)).toEqual(records.slice(30).map((r, i) => expectedRecord(r, 7030 + i)));
  });

  it('keys and values are views of the batch, not copies', () => {
    const bytes = vector();
    const [first] = decodeRecordBatch(bytes).records;
    expect(first.key!.buffer).toBe(bytes.buffer);
    expect(first.value!.buffer).toBe(bytes.buffer);
  });

  it('never reads outside the batch, even unvalidated: a damaged length is refused, not followed', () => {
    const bytes = vector();
    bytes[65] = 0x7e; // record 0's key length, CRC not resealed
    expect(() => [...readRecords(bytes, readRecordBatchHeader(bytes))]).toThrow(/key length 63 runs past/);
  });

  it('validation reports the smallest timestamp and the null keys it walked past (what broker policies need)', () => {
    fc.assert(
      fc.property(recordsArb(true), fieldsArb, (records, fields) => {
        const v = validateRecordBatch(encodeRecordBatch(records, fields));
        expect(v.minTimestamp).toBe(Math.min(...records.map((r) => r.timestamp)));
        expect(v.nullKeys).toBe(records.filter((r) => r.key === null).length);
      }),
      { numRuns: 100 },
    );
    const appendTime = encodeRecordBatch([{ key: null, value: null, timestamp: 5 }], { logAppendTime: 99 });
    expect(validateRecordBatch(appendTime).minTimestamp).toBe(99);
  });

  it('a concatenation splits into its batches by their lengths, and a torn last batch is refused', () => {
    const a = encodeRecordBatch([{ key: null, value: b('one'), timestamp: 1 }]);
    const c = encodeRecordBatch([{ key: b('k'), value: b('two'), timestamp: 2 }, { key: null, value: null, timestamp: 3 }]);
    const both = Buffer.concat([a, c]);
    expect([...splitRecordBatches(both)].map((x) => Buffer.from(x).toString('hex'))).toEqual([a.toString('hex'), c.toString('hex')]);
    expect([...splitRecordBatches(Buffer.alloc(0))]).toEqual([]);
    expect(() => [...splitRecordBatches(both.subarray(0, both.length - 1))]).toThrow(/says batchLength/);
    expect(() => [...splitRecordBatches(Buffer.concat([a, Buffer.alloc(5)]))]).toThrow(/5 stray bytes/);
    expect(isRecordBatch(a)).toBe(true);
    expect(isRecordBatch(Buffer.from([0xb2, 1, 2]))).toBe(false);
    const old = Buffer.from(a);
    old[0] = 0xb2; // the first byte of an earlier Flotilla batch format
    expect(isRecordBatch(old)).toBe(false);
  });

  it('the header view reads the fields without the records', () => {
    const bytes = vector();
    bytes.fill(0xff, RECORD_BATCH_OVERHEAD);
    expect(readRecordBatchHeader(bytes)).toMatchObject({ baseOffset: 100, recordCount: 2, producerId: 5000, maxTimestamp: 1_700_000_000_005 });
  });
});

describe('the unstamped CRC (what tells a faithful retry from other records under the same sequences)', () => {
  it('is the same for the bytes a producer sent and the bytes a leader stored after stamping', () => {
    fc.assert(
      fc.property(recordsArb(true), fieldsArb, fc.integer({ min: 0, max: MAX_SAFE - 100 }), fc.integer({ min: 0, max: 0x7fff_ffff }), fc.option(timestampArb, { nil: undefined }), (records, fields, offset, epoch, ms) => {
        const sent = encodeRecordBatch(records, fields);
        const stored = Buffer.from(sent);
        stampBaseOffset(stored, offset);
        stampPartitionLeaderEpoch(stored, epoch);
        if (ms !== undefined) stampLogAppendTime(stored, ms);
        validateRecordBatch(stored);
        expect(unstampedCrc(stored)).toBe(unstampedCrc(sent));
        // By its definition: the CRC of the batch as CreateTime with maxTimestamp 0.
        const normal = Buffer.from(sent);
        normal.writeUInt16BE(0, 21);
        normal.fill(0, 35, 43);
        expect(unstampedCrc(sent)).toBe(crc32c(normal, 0, 21, normal.length));
      }),
      { numRuns: 100 },
    );
  });

  it('differs when anything a producer wrote differs: a record, a timestamp, a header, the producer fields', () => {
    const base = unstampedCrc(vector());
    const variants: [RecordInput[], RecordBatchFields][] = [
      [[{ ...VECTOR_RECORDS[0], value: b('hellO') }, VECTOR_RECORDS[1]], VECTOR_FIELDS],
      [[{ ...VECTOR_RECORDS[0], timestamp: 1_700_000_000_001 }, VECTOR_RECORDS[1]], VECTOR_FIELDS],
      [[{ ...VECTOR_RECORDS[0], headers: [] }, VECTOR_RECORDS[1]], VECTOR_FIELDS],
      [[VECTOR_RECORDS[0], { ...VECTOR_RECORDS[1], value: Buffer.alloc(0) }], VECTOR_FIELDS],
      [VECTOR_RECORDS, { ...VECTOR_FIELDS, baseSequence: 11 }],
      [VECTOR_RECORDS, { ...VECTOR_FIELDS, producerEpoch: 3 }],
    ];
    for (const [records, fields] of variants) expect(unstampedCrc(encodeRecordBatch(records, fields))).not.toBe(base);
  });
});

describe('compacted batches (what log compaction leaves: records removed, offsets kept)', () => {
  const keepEvery = (records: readonly RecordInput[], mask: readonly boolean[]) => records.filter((_, i) => mask[i]);

  it('filterRecordBatch keeps the chosen records at their original offsets, and a consumer reads exactly them', () => {
    fc.assert(
      fc.property(
        recordsArb(true).chain((records) => fc.tuple(fc.constant(records), fc.array(fc.boolean(), { minLength: records.length, maxLength: records.length }))),
        fieldsArb,
        fc.integer({ min: 0, max: 1_000_000 }),
        ([records, mask], fields, baseOffset) => {
          const bytes = encodeRecordBatch(records, { ...fields, baseOffset });
          const h = validateRecordBatch(bytes);
          const out = filterRecordBatch(bytes, h, (s) => mask[s.index]);
          const kept = keepEvery(records, mask);
          const oh = readRecordBatchHeader(out);
          // Every header field but length, count and CRC is the original's.
          expect({ ...oh, batchLength: 0, recordCount: 0, crc: 0 }).toEqual({ ...readRecordBatchHeader(bytes), batchLength: 0, recordCount: 0, crc: 0 });
          expect(oh.recordCount).toBe(kept.length);
          if (kept.length === records.length) {
            expect(out).toBe(bytes);
            return;
          }
          if (kept.length === 0) {
            expect(out.length).toBe(RECORD_BATCH_OVERHEAD);
            return;
          }
          const v = validateRecordBatch(out, { compacted: true });
          const offsets = records.map((_, i) => baseOffset + i).filter((_, i) => mask[i]);
          const got = [...readRecords(out, v)];
          expect(got.map((r) => r.offset)).toEqual(offsets);
          expect(got.map(plain)).toEqual(kept.map((r, j) => expectedRecord(fields.logAppendTime === undefined ? r : { ...r, timestamp: fields.logAppendTime }, offsets[j])));
          // Reading from an offset skips by offset, not by position, across the gaps.
          const from = offsets[Math.floor(offsets.length / 2)];
          expect([...readRecords(out, v, from)].map((r) => r.offset)).toEqual(offsets.filter((o) => o >= from));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('strict validation (a produce request) still refuses a compacted batch; compacted validation refuses offsets that go back or past lastOffsetDelta', () => {
    const records = [0, 1, 2, 3].map((i) => ({ key: b(`k${i}`), value: b(`v${i}`), timestamp: 10 + i }));
    const bytes = encodeRecordBatch(records, { baseOffset: 40 });
    const out = filterRecordBatch(bytes, validateRecordBatch(bytes), (s) => s.index !== 1);
    expect(() => validateRecordBatch(out)).toThrow(/lastOffsetDelta 3 does not match record count 3/);
    expect(validateRecordBatch(out, { compacted: true }).recordCount).toBe(3);
    // Two records both claiming offsetDelta 0 (a batch of 2 encoded, then its count lied about) is refused.
    const twice = encodeRecordBatch([records[0], records[0]]);
    const dup = Buffer.from(twice);
    // record 1's offsetDelta byte: rewrite 1 to 0 and reseal the CRC.
    const r1 = RECORD_BATCH_OVERHEAD + 1 + (twice[RECORD_BATCH_OVERHEAD] >> 1); // length, attributes, timestampDelta, offsetDelta
    expect(dup[r1 + 3]).toBe(2); // zigzag(1)
    dup[r1 + 3] = 0;
    dup.writeUInt32BE(crc32c(dup, 0, 21, dup.length), 17);
    expect(() => validateRecordBatch(dup, { compacted: true })).toThrow(/offsetDelta 0 after 0/);
    // maxTimestamp may stay above the remaining records (it keeps the original's), never below.
    const lastGone = filterRecordBatch(bytes, validateRecordBatch(bytes), (s) => s.index !== 3);
    expect(readRecordBatchHeader(lastGone).maxTimestamp).toBe(13);
    expect(validateRecordBatch(lastGone, { compacted: true }).recordCount).toBe(3);
  });

  it('visitRecords reports each record\'s offset, key and whether it is a tombstone', () => {
    const bytes = vector();
    const seen: string[] = [];
    visitRecords(bytes, validateRecordBatch(bytes), (s) => seen.push(`${s.offset}:${Buffer.from(bytes.subarray(s.keyAt, s.keyAt + s.keyLength)).toString()}:${s.valueLength}`));
    expect(seen).toEqual(['100:user-1:5', '101:user-2:-1']);
  });
});
