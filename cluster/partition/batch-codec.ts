import { readI64, readU64, viewOf, writeI64, writeU64 } from '../../bytes';
import { crc32c } from '../../log-store';
import { type PartitionContext, PartitionError } from './errors';

/**
 * The record batch: the data of every Normal, non-empty Raft entry of a partition's log.
 * Big-endian, fixed-width fields (see README.md for the table). The leader writes baseOffset at
 * propose time, so an entry says which offsets it holds without reference to any other entry.
 *
 * Format 2 (0xb2, the one written) is format 1 (0xb1) plus a 4-byte checksum of the records as
 * the producer sent them, at the end of the header. Format 1 batches, written by earlier
 * versions, are still read: their checksum is unknown (null).
 */
export const BATCH_MAGIC = 0xb2; // "record batch, format 2"; the format this version writes
export const BATCH_MAGIC_V1 = 0xb1; // format 1: no records checksum; read, never written
export const BATCH_HEADER_BYTES = 40;
const V1_HEADER_BYTES = 36;
/** Fixed bytes of a record besides key, value and headers: length, timestamp, key length, value length, header count. */
export const RECORD_OVERHEAD = 4 + 8 + 4 + 4 + 2;
export const HEADER_OVERHEAD = 2 + 4;
export const NO_PRODUCER_ID = 0;
export const NO_SEQUENCE = -1;

export interface RecordHeader {
  readonly key: string;
  readonly value: Uint8Array;
}

/** A record as a producer sends it. */
export interface ProduceRecord {
  readonly key?: Uint8Array | null;
  readonly value: Uint8Array;
  readonly headers?: readonly RecordHeader[];
  /** Milliseconds since the epoch, 0..2^53-1. */
  readonly timestamp: number;
}

/** A record as a consumer gets it. key, value and header values are views of the entry's data. */
export interface FetchedRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array;
  readonly headers: readonly RecordHeader[];
}

export interface BatchHeader {
  readonly baseOffset: number;
  readonly recordCount: number;
  /** 0 = not an idempotent producer. */
  readonly producerId: number;
  readonly producerEpoch: number;
  /** -1 = none. */
  readonly baseSequence: number;
  readonly maxTimestamp: number;
  /**
   * The records checksum (defined at encodeBatch): what tells a faithful retry from
   * other records under the same sequences. null: a format 1 batch, written before checksums.
   */
  readonly recordsChecksum: number | null;
}

const H_MAGIC = 0;
const H_ATTRIBUTES = 1;
const H_BASE_OFFSET = 2;
const H_COUNT = 10;
const H_PRODUCER_ID = 14;
const H_EPOCH = 22;
const H_BASE_SEQUENCE = 24;
const H_MAX_TIMESTAMP = 28;
const H_RECORDS_CHECKSUM = 36;

/** Encoded size of one record, including its length prefix. */
export function recordSize(r: ProduceRecord): number {
  let n = RECORD_OVERHEAD + (r.key ? r.key.length : 0) + r.value.length;
  if (r.headers) for (const h of r.headers) n += HEADER_OVERHEAD + Buffer.byteLength(h.key, 'utf8') + h.value.length;
  return n;
}

/** Whether an entry's data is a record batch (and not a no-op or a future kind of entry). */
export function isRecordBatch(data: Uint8Array): boolean {
  return data.length > 0 && (data[0] === BATCH_MAGIC || data[0] === BATCH_MAGIC_V1);
}

/** Where the records of a batch start: after the header of its format. */
function recordsStart(data: Uint8Array): number {
  return data[H_MAGIC] === BATCH_MAGIC_V1 ? V1_HEADER_BYTES : BATCH_HEADER_BYTES;
}

/**
 * Encode a batch (format 2). The caller has validated the records (validateProduce).
 *
 * `appendTime` (the leader's clock) is stored as the timestamp of every record sent with
 * timestamp 0 ("the log append time"); without it such records keep 0.
 *
 * The records checksum written in the header is CRC32C (Castagnoli) over the record count (u32,
 * big-endian) followed by every record in order, encoded exactly as in the batch's records
 * section but with the timestamp as the producer sent it (0 when left to the server): so it
 * covers each record's timestamp, key (null, length -1, distinct from empty, length 0), value and
 * headers, and nothing the leader stamps (base offset, append time), and a faithful retry of a
 * batch has the same checksum. It is computed in the same pass that copies the records.
 */
export function encodeBatch(
  header: Pick<BatchHeader, 'baseOffset' | 'producerId' | 'producerEpoch' | 'baseSequence'>,
  records: readonly ProduceRecord[],
  appendTime?: number,
): Buffer {
  let size = BATCH_HEADER_BYTES;
  let maxTimestamp = -1;
  for (const r of records) {
    size += recordSize(r);
    const t = r.timestamp === 0 && appendTime !== undefined ? appendTime : r.timestamp;
    if (t > maxTimestamp) maxTimestamp = t;
  }
  const buf = Buffer.allocUnsafe(size);
  const v = viewOf(buf);
  buf[H_MAGIC] = BATCH_MAGIC;
  buf[H_ATTRIBUTES] = 0;
  writeU64(buf, H_BASE_OFFSET, header.baseOffset);
  v.setUint32(H_COUNT, records.length);
  writeU64(buf, H_PRODUCER_ID, header.producerId);
  v.setUint16(H_EPOCH, header.producerEpoch);
  v.setInt32(H_BASE_SEQUENCE, header.baseSequence);
  writeI64(buf, H_MAX_TIMESTAMP, maxTimestamp);
  let crc = crc32c(buf, 0, H_COUNT, H_COUNT + 4);
  let at = BATCH_HEADER_BYTES;
  for (const r of records) {
    const start = at;
    at += 4;
    writeI64(buf, at, r.timestamp); // as sent: the checksum covers this; stamped below
    at += 8;
    if (r.key) {
      v.setInt32(at, r.key.length);
      buf.set(r.key, at + 4);
      at += 4 + r.key.length;
    } else {
      v.setInt32(at, -1);
      at += 4;
    }
    v.setUint32(at, r.value.length);
    buf.set(r.value, at + 4);
    at += 4 + r.value.length;
    const headers = r.headers ?? [];
    v.setUint16(at, headers.length);
    at += 2;
    for (const h of headers) {
      const n = buf.write(h.key, at + 2, 'utf8');
      v.setUint16(at, n);
      at += 2 + n;
      v.setUint32(at, h.value.length);
      buf.set(h.value, at + 4);
      at += 4 + h.value.length;
    }
    v.setUint32(start, at - start - 4);
    crc = crc32c(buf, crc, start, at);
    if (r.timestamp === 0 && appendTime !== undefined) writeI64(buf, start + 4, appendTime);
  }
  v.setUint32(H_RECORDS_CHECKSUM, crc);
  return buf;
}

/** The records checksum of a batch encodeBatch just made (format 2), without decoding the rest. */
export function encodedRecordsChecksum(batch: Uint8Array): number {
  if (batch[H_MAGIC] !== BATCH_MAGIC) throw new RangeError(`not a format 2 batch (first byte 0x${batch[H_MAGIC].toString(16)})`);
  return viewOf(batch).getUint32(H_RECORDS_CHECKSUM);
}

function corrupt(ctx: PartitionContext, raftIndex: number, detail: string): PartitionError {
  return new PartitionError(
    'CORRUPT_BATCH',
    ctx,
    `the record batch at raft index ${raftIndex} is unreadable (${detail}); it was written by another version or the log is damaged`,
  );
}

/** Read a batch's header only: what apply needs, and what lets a fetch skip a batch. */
export function decodeBatchHeader(data: Uint8Array, ctx: PartitionContext, raftIndex: number): BatchHeader {
  if (data.length === 0) throw corrupt(ctx, raftIndex, 'no bytes');
  if (data[H_MAGIC] !== BATCH_MAGIC && data[H_MAGIC] !== BATCH_MAGIC_V1) {
    throw corrupt(ctx, raftIndex, `first byte 0x${data[0].toString(16)} is not the batch magic`);
  }
  const v1 = data[H_MAGIC] === BATCH_MAGIC_V1;
  const headerBytes = v1 ? V1_HEADER_BYTES : BATCH_HEADER_BYTES;
  if (data.length < headerBytes) throw corrupt(ctx, raftIndex, `${data.length} bytes, shorter than a batch header`);
  const v = viewOf(data);
  const h: BatchHeader = {
    baseOffset: readU64(data, H_BASE_OFFSET),
    recordCount: v.getUint32(H_COUNT),
    producerId: readU64(data, H_PRODUCER_ID),
    producerEpoch: v.getUint16(H_EPOCH),
    baseSequence: v.getInt32(H_BASE_SEQUENCE),
    maxTimestamp: readI64(data, H_MAX_TIMESTAMP),
    recordsChecksum: v1 ? null : v.getUint32(H_RECORDS_CHECKSUM),
  };
  if (!Number.isSafeInteger(h.baseOffset) || !Number.isSafeInteger(h.producerId) || !Number.isSafeInteger(h.maxTimestamp)) {
    throw corrupt(ctx, raftIndex, 'a 64-bit field beyond 2^53');
  }
  if (h.recordCount === 0) throw corrupt(ctx, raftIndex, 'no records');
  return h;
}

/**
 * Walks the records of one batch. Skipping a record reads only its length, so a fetch that starts
 * in the middle of a batch does not decode what it skips.
 */
export class RecordReader {
  private readonly buf: Buffer;
  private readonly v: DataView;
  private pos: number;
  private i = 0;

  constructor(
    data: Uint8Array,
    readonly header: BatchHeader,
    private readonly ctx: PartitionContext,
    private readonly raftIndex: number,
  ) {
    this.buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.v = viewOf(data);
    this.pos = recordsStart(data);
  }

  /** Records left to read. */
  get remaining(): number {
    return this.header.recordCount - this.i;
  }

  /** Offset of the next record. */
  get nextOffset(): number {
    return this.header.baseOffset + this.i;
  }

  /** Encoded size of the next record (including its length prefix). */
  nextSize(): number {
    if (this.pos + 4 > this.buf.length) throw corrupt(this.ctx, this.raftIndex, `record ${this.i} truncated`);
    const n = 4 + this.v.getUint32(this.pos);
    if (this.pos + n > this.buf.length) throw corrupt(this.ctx, this.raftIndex, `record ${this.i} runs past the batch`);
    return n;
  }

  /** Timestamp of the next record, without decoding the rest of it. */
  nextTimestamp(): number {
    if (this.nextSize() < RECORD_OVERHEAD) throw corrupt(this.ctx, this.raftIndex, `record ${this.i} shorter than a record header`);
    return readI64(this.buf, this.pos + 4);
  }

  atEnd(): boolean {
    return this.pos === this.buf.length;
  }

  skip(): void {
    this.pos += this.nextSize();
    this.i++;
  }

  read(): FetchedRecord {
    const end = this.pos + this.nextSize();
    const { buf, v } = this;
    const bad = (what: string) => corrupt(this.ctx, this.raftIndex, `record ${this.i}: ${what}`);
    let at = this.pos + 4;
    if (at + 8 + 4 > end) throw bad('header truncated');
    const timestamp = readI64(buf, at);
    at += 8;
    const keyLen = v.getInt32(at);
    at += 4;
    if (keyLen < -1 || at + Math.max(0, keyLen) + 4 > end) throw bad('key length');
    const key = keyLen < 0 ? null : buf.subarray(at, at + keyLen);
    at += Math.max(0, keyLen);
    const valueLen = v.getUint32(at);
    at += 4;
    if (at + valueLen + 2 > end) throw bad('value length');
    const value = buf.subarray(at, at + valueLen);
    at += valueLen;
    const headerCount = v.getUint16(at);
    at += 2;
    const headers: RecordHeader[] = [];
    for (let k = 0; k < headerCount; k++) {
      if (at + 2 > end) throw bad('header truncated');
      const kl = v.getUint16(at);
      if (at + 2 + kl + 4 > end) throw bad('header key length');
      const hk = buf.toString('utf8', at + 2, at + 2 + kl);
      at += 2 + kl;
      const vl = v.getUint32(at);
      if (at + 4 + vl > end) throw bad('header value length');
      headers.push({ key: hk, value: buf.subarray(at + 4, at + 4 + vl) });
      at += 4 + vl;
    }
    if (at !== end) throw bad(`${end - at} stray bytes`);
    const record: FetchedRecord = { offset: this.header.baseOffset + this.i, timestamp, key, value, headers };
    this.pos = end;
    this.i++;
    return record;
  }
}

/** Decode a whole batch (tests, tools). */
export function decodeBatch(data: Uint8Array, ctx: PartitionContext, raftIndex: number): { header: BatchHeader; records: FetchedRecord[] } {
  const header = decodeBatchHeader(data, ctx, raftIndex);
  const reader = new RecordReader(data, header, ctx, raftIndex);
  const records: FetchedRecord[] = [];
  while (reader.remaining > 0) records.push(reader.read());
  if (!reader.atEnd()) throw corrupt(ctx, raftIndex, `bytes after record ${header.recordCount - 1}`);
  return { header, records };
}
