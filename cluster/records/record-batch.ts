import { isUtf8 } from 'node:buffer';
import { crc32c, isInt32, patchCrc32c, readI64, sizeOfVarint, sizeOfVarlong, VarintReader, viewOf, writeI64, writeVarint, writeVarlong } from '../../bytes';

/**
 * Kafka's RecordBatch, magic 2 (the on-wire and on-disk batch of Kafka 0.11 and later), byte for
 * byte: proto/record-batch.md has the table, the record layout and a test vector.
 *
 * What this module guarantees:
 *   - encodeRecordBatch writes what Kafka's Java client (and kafkajs) write for the same records
 *     and fields: offsetDelta i for record i, timestampDelta against the first record's timestamp,
 *     maxTimestamp the largest record timestamp, CRC32C over attributes..end;
 *   - validateRecordBatch accepts exactly the uncompressed, non-transactional, non-control batches
 *     whose every length, count, delta and checksum is consistent, and names the first thing wrong
 *     (what, which record, at which byte) otherwise;
 *   - readRecordBatchHeader and readRecords never read outside the batch, validated or not;
 *   - the stamps change only the bytes they name and leave a valid CRC valid (and a wrong one wrong).
 *
 * Numbers: every int64 field (baseOffset, timestamps, producerId) is a JS number and must be a safe
 * integer (|n| <= 2^53 - 1, Number.MAX_SAFE_INTEGER); readers refuse anything beyond, so a damaged
 * field never becomes an imprecise number. Offsets reach 2^53 only after 285 years at a million
 * records a second; millisecond timestamps, in the year 287396.
 */

// Byte offsets of the batch header (all big-endian).
const BASE_OFFSET = 0; // int64
const BATCH_LENGTH = 8; // int32: bytes after this field
const PARTITION_LEADER_EPOCH = 12; // int32
const MAGIC = 16; // int8
const CRC = 17; // uint32: CRC32C of bytes ATTRIBUTES..end
const ATTRIBUTES = 21; // int16
const LAST_OFFSET_DELTA = 23; // int32
const FIRST_TIMESTAMP = 27; // int64
const MAX_TIMESTAMP = 35; // int64
const PRODUCER_ID = 43; // int64
const PRODUCER_EPOCH = 51; // int16
const BASE_SEQUENCE = 53; // int32
const RECORD_COUNT = 57; // int32

/** The magic byte of RecordBatch v2, the only batch format read and written here. */
export const RECORD_BATCH_MAGIC = 2;
/** Bytes before the first record (Kafka's RECORD_BATCH_OVERHEAD). */
export const RECORD_BATCH_OVERHEAD = 61;
/** Bytes that batchLength does not count: baseOffset and batchLength itself (Kafka's LOG_OVERHEAD). */
export const LOG_OVERHEAD = 12;
/** producerId, producerEpoch and baseSequence of a batch from a producer that is not idempotent. */
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
/** partitionLeaderEpoch of a batch no leader has stamped (what producers send). */
export const NO_PARTITION_LEADER_EPOCH = -1;

// Attribute bits (int16 at ATTRIBUTES).
const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_BIT = 0x08; // 0 = CreateTime, 1 = LogAppendTime
const TRANSACTIONAL_BIT = 0x10;
const CONTROL_BIT = 0x20;
const DELETE_HORIZON_BIT = 0x40; // set by log compaction (KIP-534): firstTimestamp is then the delete horizon
const UNUSED_ATTRIBUTE_BITS = 0xff80;
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_INT32 = 0x7fff_ffff;

/**
 * Who sets a record's timestamp: 'create' (the producer, CreateTime: each record's own) or
 * 'logAppend' (the leader, LogAppendTime: every record of the batch reads as the batch's
 * maxTimestamp, the moment the leader appended it).
 */
export type TimestampType = 'create' | 'logAppend';

export interface RecordHeaderEntry {
  readonly key: string;
  /** null: a header without a value (distinct from an empty one). */
  readonly value: Uint8Array | null;
}

/** A record as a producer gives it. */
export interface RecordInput {
  /** null: no key (distinct from an empty key). */
  readonly key: Uint8Array | null;
  /** null: a tombstone (distinct from an empty value). */
  readonly value: Uint8Array | null;
  /** In order; keys may repeat. */
  readonly headers?: readonly RecordHeaderEntry[];
  /** Milliseconds since the epoch (CreateTime); a safe integer. */
  readonly timestamp: number;
}

/** A record read from a batch. key, value and header values are views of the batch's bytes (no copy). */
export interface DecodedRecord {
  readonly offset: number;
  /** CreateTime: firstTimestamp + the record's timestampDelta. LogAppendTime: the batch's maxTimestamp. */
  readonly timestamp: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeaderEntry[];
}

/** The batch fields a producer (or a leader encoding itself) chooses; Kafka's defaults where absent. */
export interface RecordBatchFields {
  /** Default 0: what producers send; the leader stamps the real one (stampBaseOffset). */
  readonly baseOffset?: number;
  /** Default -1 (NO_PARTITION_LEADER_EPOCH): the leader stamps it (stampPartitionLeaderEpoch). */
  readonly partitionLeaderEpoch?: number;
  /** Default -1 (not idempotent); else 0..2^53-1. */
  readonly producerId?: number;
  /** Default -1; else 0..32767 (an int16). */
  readonly producerEpoch?: number;
  /** Sequence of the first record: default -1; else 0..2^31-1. */
  readonly baseSequence?: number;
  /**
   * When set, the batch is LogAppendTime with this maxTimestamp: the same bytes as encoding it
   * CreateTime and then calling stampLogAppendTime(bytes, logAppendTime).
   */
  readonly logAppendTime?: number;
}

/** The 61-byte header of a batch, read without touching its records. */
export interface RecordBatchHeader {
  readonly baseOffset: number;
  /** Bytes after the batchLength field: the whole batch is LOG_OVERHEAD + batchLength bytes. */
  readonly batchLength: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  /** The stored CRC32C (unsigned) of bytes 21..end. */
  readonly crc: number;
  /** The raw int16: compression (bits 0-2), timestamp type (3), transactional (4), control (5). */
  readonly attributes: number;
  readonly timestampType: TimestampType;
  /** recordCount - 1 in a valid batch: the last record's offset is baseOffset + lastOffsetDelta. */
  readonly lastOffsetDelta: number;
  /** The first record's timestamp (CreateTime), the base of every timestampDelta. */
  readonly firstTimestamp: number;
  /** The largest record timestamp (CreateTime), or the log append time (LogAppendTime). */
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
}

export type RecordBatchErrorCode = 'CORRUPT_BATCH' | 'INVALID_RECORD';

/**
 * Why bytes are not a batch this codec accepts. The codes are Kafka's split:
 *   CORRUPT_BATCH   the bytes were damaged: shorter or longer than batchLength says, or the
 *                   CRC32C does not match (Kafka's CorruptRecordException; a produce may retry);
 *   INVALID_RECORD  the bytes are intact (the CRC matches) but break the format or what Flotilla
 *                   stores: another magic, compression, transactions, control batches, counts,
 *                   lengths or deltas that disagree (Kafka's InvalidRecordException; a produce
 *                   must not retry the same bytes).
 * A batch read back from the log is damaged whatever the code (the partition reports CORRUPT_BATCH).
 */
export class RecordBatchError extends Error {
  constructor(
    readonly code: RecordBatchErrorCode,
    /** Where in the batch (from its first byte), or null for an encoder's input. */
    readonly byteOffset: number | null,
    /** Which record (0-based), or null for the batch header. */
    readonly recordIndex: number | null,
    readonly detail: string,
  ) {
    const at = [recordIndex === null ? null : `record ${recordIndex}`, byteOffset === null ? null : `byte ${byteOffset}`].filter((s) => s !== null);
    super(`record batch${at.length ? ` (${at.join(', ')})` : ''}: ${detail}`);
    this.name = 'RecordBatchError';
  }
}

function corrupt(byteOffset: number | null, recordIndex: number | null, detail: string): RecordBatchError {
  return new RecordBatchError('CORRUPT_BATCH', byteOffset, recordIndex, detail);
}

function invalid(byteOffset: number | null, recordIndex: number | null, detail: string): RecordBatchError {
  return new RecordBatchError('INVALID_RECORD', byteOffset, recordIndex, detail);
}

function hex(n: number, digits: number): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Encoding

function sizeOfBytes(b: Uint8Array | null): number {
  return b === null ? 1 : sizeOfVarint(b.length) + b.length;
}

function writeBytes(buf: Buffer, at: number, b: Uint8Array | null): number {
  if (b === null) return writeVarint(buf, at, -1);
  at = writeVarint(buf, at, b.length);
  buf.set(b, at);
  return at + b.length;
}

function checkField(ok: boolean, what: string): void {
  if (!ok) throw invalid(null, null, what);
}

/**
 * Encode records as one uncompressed RecordBatch v2 (non-transactional, not control). Record i
 * gets offsetDelta i and timestampDelta timestamp - records[0].timestamp (negative when it is
 * earlier: Kafka's baseTimestamp is the first record's, not the smallest); maxTimestamp is the
 * largest timestamp, or `fields.logAppendTime`. Two passes over the records: sizes (the record
 * length varint precedes the record), then one allocation and the bytes, then one CRC32C pass.
 * Throws RecordBatchError INVALID_RECORD (with the record index) for input the format cannot
 * hold: no records, a timestamp that is not a safe integer, a field out of its range.
 */
export function encodeRecordBatch(records: readonly RecordInput[], fields: RecordBatchFields = {}): Buffer {
  const {
    baseOffset = 0,
    partitionLeaderEpoch = NO_PARTITION_LEADER_EPOCH,
    producerId = NO_PRODUCER_ID,
    producerEpoch = NO_PRODUCER_EPOCH,
    baseSequence = NO_SEQUENCE,
    logAppendTime,
  } = fields;
  const n = records.length;
  checkField(n >= 1, 'no records: a batch holds at least one');
  checkField(n <= MAX_INT32, `${n} records: more than an int32 count`);
  checkField(Number.isSafeInteger(baseOffset) && baseOffset >= 0 && baseOffset + n - 1 <= MAX_SAFE, `baseOffset ${baseOffset} is not in 0..2^53-1 with its last record`);
  checkField(isInt32(partitionLeaderEpoch) && partitionLeaderEpoch >= -1, `partitionLeaderEpoch ${partitionLeaderEpoch} is not -1..2^31-1`);
  checkField(producerId === NO_PRODUCER_ID || (Number.isSafeInteger(producerId) && producerId >= 0), `producerId ${producerId} is neither -1 nor 0..2^53-1`);
  checkField(Number.isInteger(producerEpoch) && producerEpoch >= -1 && producerEpoch <= 0x7fff, `producerEpoch ${producerEpoch} is not -1..32767`);
  checkField(isInt32(baseSequence) && baseSequence >= -1, `baseSequence ${baseSequence} is not -1..2^31-1`);
  checkField(producerId === NO_PRODUCER_ID || (producerEpoch >= 0 && baseSequence >= 0), `producerId ${producerId} needs an epoch and a baseSequence >= 0`);
  checkField(logAppendTime === undefined || Number.isSafeInteger(logAppendTime), `logAppendTime ${logAppendTime} is not a safe integer`);

  const firstTimestamp = records[0].timestamp;
  let maxTimestamp = -Infinity;
  const bodySizes = new Int32Array(n);
  let size = RECORD_BATCH_OVERHEAD;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (!Number.isSafeInteger(r.timestamp)) throw invalid(null, i, `timestamp ${r.timestamp} is not a safe integer`);
    const delta = r.timestamp - firstTimestamp;
    if (!Number.isSafeInteger(delta)) throw invalid(null, i, `timestamp ${r.timestamp} is more than 2^53-1 from the first record's ${firstTimestamp}`);
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    let body = 1 + sizeOfVarlong(delta) + sizeOfVarint(i) + sizeOfBytes(r.key) + sizeOfBytes(r.value);
    const headers = r.headers;
    const hc = headers === undefined ? 0 : headers.length;
    body += sizeOfVarint(hc);
    for (let h = 0; h < hc; h++) {
      const kl = Buffer.byteLength(headers![h].key, 'utf8');
      body += sizeOfVarint(kl) + kl + sizeOfBytes(headers![h].value);
    }
    if (body > MAX_INT32 - size) throw invalid(null, i, 'the batch would exceed 2^31-1 bytes');
    bodySizes[i] = body;
    size += sizeOfVarint(body) + body;
  }
  if (logAppendTime !== undefined) maxTimestamp = logAppendTime;

  const buf = Buffer.allocUnsafe(size);
  const v = viewOf(buf);
  writeI64(buf, BASE_OFFSET, baseOffset);
  v.setInt32(BATCH_LENGTH, size - LOG_OVERHEAD);
  v.setInt32(PARTITION_LEADER_EPOCH, partitionLeaderEpoch);
  buf[MAGIC] = RECORD_BATCH_MAGIC;
  v.setInt16(ATTRIBUTES, logAppendTime === undefined ? 0 : TIMESTAMP_TYPE_BIT);
  v.setInt32(LAST_OFFSET_DELTA, n - 1);
  writeI64(buf, FIRST_TIMESTAMP, firstTimestamp);
  writeI64(buf, MAX_TIMESTAMP, maxTimestamp);
  writeI64(buf, PRODUCER_ID, producerId);
  v.setInt16(PRODUCER_EPOCH, producerEpoch);
  v.setInt32(BASE_SEQUENCE, baseSequence);
  v.setInt32(RECORD_COUNT, n);
  let at = RECORD_BATCH_OVERHEAD;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    at = writeVarint(buf, at, bodySizes[i]);
    buf[at++] = 0; // record attributes: unused in magic 2
    at = writeVarlong(buf, at, r.timestamp - firstTimestamp);
    at = writeVarint(buf, at, i);
    at = writeBytes(buf, at, r.key);
    at = writeBytes(buf, at, r.value);
    const headers = r.headers;
    const hc = headers === undefined ? 0 : headers.length;
    at = writeVarint(buf, at, hc);
    for (let h = 0; h < hc; h++) {
      const { key, value } = headers![h];
      const kl = Buffer.byteLength(key, 'utf8');
      at = writeVarint(buf, at, kl);
      at += buf.write(key, at, kl, 'utf8');
      at = writeBytes(buf, at, value);
    }
  }
  if (at !== size) throw new Error(`encodeRecordBatch: wrote ${at} bytes of ${size} (a header key changed while encoding?)`);
  v.setUint32(CRC, crc32c(buf, 0, ATTRIBUTES, size));
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Reading the header

function read64(bytes: Uint8Array, at: number, what: string): number {
  const n = readI64(bytes, at);
  if (!Number.isSafeInteger(n)) throw invalid(at, null, `${what} is beyond ±(2^53-1), more than Flotilla's numbers hold`);
  return n;
}

/** Magic 2 (the layout after the magic byte depends on it), then at least the 61 header bytes. */
function checkMagicAndHeaderLength(bytes: Uint8Array): void {
  if (bytes.length > MAGIC && bytes[MAGIC] !== RECORD_BATCH_MAGIC) {
    const m = bytes[MAGIC];
    throw invalid(MAGIC, null, `magic ${m > 127 ? m - 256 : m}${m <= 1 ? ` (a Kafka message set v${m}, before record batches)` : ''}: only RecordBatch v2 (magic 2) is supported`);
  }
  if (bytes.length < RECORD_BATCH_OVERHEAD) {
    throw corrupt(bytes.length, null, `truncated: ${bytes.length} bytes, shorter than the ${RECORD_BATCH_OVERHEAD}-byte batch header`);
  }
}

/**
 * The header of a batch, without touching its records or checking its CRC (validateRecordBatch
 * does). Checks only what reading it needs: at least 61 bytes, magic 2, 64-bit fields that are
 * safe integers. `bytes` may be longer than the batch (LOG_OVERHEAD + batchLength bytes).
 */
export function readRecordBatchHeader(bytes: Uint8Array): RecordBatchHeader {
  checkMagicAndHeaderLength(bytes);
  const v = viewOf(bytes);
  const attributes = v.getUint16(ATTRIBUTES);
  return {
    baseOffset: read64(bytes, BASE_OFFSET, 'baseOffset'),
    batchLength: v.getInt32(BATCH_LENGTH),
    partitionLeaderEpoch: v.getInt32(PARTITION_LEADER_EPOCH),
    magic: bytes[MAGIC],
    crc: v.getUint32(CRC),
    attributes,
    timestampType: attributes & TIMESTAMP_TYPE_BIT ? 'logAppend' : 'create',
    lastOffsetDelta: v.getInt32(LAST_OFFSET_DELTA),
    firstTimestamp: read64(bytes, FIRST_TIMESTAMP, 'firstTimestamp'),
    maxTimestamp: read64(bytes, MAX_TIMESTAMP, 'maxTimestamp'),
    producerId: read64(bytes, PRODUCER_ID, 'producerId'),
    producerEpoch: v.getInt16(PRODUCER_EPOCH),
    baseSequence: v.getInt32(BASE_SEQUENCE),
    recordCount: v.getInt32(RECORD_COUNT),
  };
}

// ---------------------------------------------------------------------------------------------
// Walking the records

/**
 * Walks the records of one batch, bounds-checking every length against the record's own length
 * and the batch's end. Shared by validation (decode = false: nothing allocated per record, but a
 * view of a header key that is not ASCII) and reading (decode = true).
 */
class RecordWalker {
  private readonly r: VarintReader;
  private readonly buf: Buffer;
  /** Where the next record starts. */
  pos = RECORD_BATCH_OVERHEAD;
  /** Largest and smallest CreateTime timestamp read so far. */
  maxTimestamp = -Infinity;
  minTimestamp = Infinity;
  /** Records read so far whose key is null, and the first of them (-1: none). */
  nullKeys = 0;
  firstNullKey = -1;
  /** Of the last record read: its offsetDelta, where its key is, its key and value lengths (-1: null), its timestamp. */
  offsetDelta = -1;
  keyAt = 0;
  keyLength = 0;
  valueLength = 0;
  timestamp = 0;

  constructor(
    bytes: Uint8Array,
    private readonly header: RecordBatchHeader,
    private readonly end: number,
    /** Compacted: offsetDeltas increase with gaps up to lastOffsetDelta, rather than equal each record's index. */
    private readonly gaps = false,
  ) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.r = new VarintReader(this.buf);
  }

  /** A varint of record i; `what` (and header `k`) name it only in an error, so no string is built per call. */
  private varint(i: number, what: string, end: number, k = -1): number {
    const at = this.r.pos;
    const n = this.r.varint(end);
    if (Number.isNaN(n)) throw invalid(at, i, `the ${fieldName(what, k)} varint is ${this.r.problem === 'truncated' ? `cut off by the end of the ${end === this.end ? 'batch' : 'record'} at byte ${end}` : this.r.problem}`);
    return n;
  }

  /** The next record's length prefix and where its body ends. */
  private bodyEnd(i: number): number {
    this.r.pos = this.pos;
    const length = this.varint(i, 'record length', this.end);
    const start = this.r.pos;
    if (length < 0) throw invalid(this.pos, i, `negative record length ${length}`);
    if (length > this.end - start) {
      throw invalid(this.pos, i, `record length ${length} runs past the end of the batch at byte ${this.end} (${this.end - start} bytes left)`);
    }
    return start + length;
  }

  /** Record i's offsetDelta (it starts at pos), read without moving past it; checked as read() checks it. */
  peekOffsetDelta(i: number): number {
    const end = this.bodyEnd(i);
    const r = this.r;
    if (r.pos >= end) throw invalid(r.pos, i, `the record ends at byte ${end} before its attributes`);
    r.pos++;
    const at = r.pos;
    if (Number.isNaN(r.varlong(end))) throw invalid(at, i, `the timestampDelta varlong is ${r.problem === 'truncated' ? `cut off by the record's end at byte ${end}` : r.problem}`);
    return this.varint(i, 'offsetDelta', end);
  }

  /** Skip record i, reading only its length. */
  skip(i: number): void {
    this.pos = this.bodyEnd(i);
  }

  /** The length (-1 = null) of a key or value inside the record ending at `end`, checked to fit; `pos` is then at its bytes. */
  private span(i: number, what: 'key' | 'value', end: number, k = -1): number {
    const at = this.r.pos;
    const length = this.varint(i, what === 'key' ? 'key length' : 'value length', end, k);
    if (length < -1) throw invalid(at, i, `${fieldName(what, k)} length ${length} (only -1, for null, may be negative)`);
    if (length > end - this.r.pos) throw invalid(at, i, `${fieldName(what, k)} length ${length} runs past the record's end at byte ${end}`);
    return length;
  }

  /** Read record i: checks every field; returns the record when `decode`, else null. */
  read(i: number, decode: boolean): DecodedRecord | null {
    const recordStart = this.pos;
    const end = this.bodyEnd(i);
    const r = this.r;
    const buf = this.buf;
    const h = this.header;
    if (r.pos >= end) throw invalid(r.pos, i, `the record ends at byte ${end} before its attributes`);
    const attributes = buf[r.pos];
    if (attributes !== 0) throw invalid(r.pos, i, `record attributes ${hex(attributes, 2)}: unused in magic 2, they must be 0`);
    r.pos++;
    let at = r.pos;
    const delta = r.varlong(end);
    if (Number.isNaN(delta)) throw invalid(at, i, `the timestampDelta varlong is ${r.problem === 'truncated' ? `cut off by the record's end at byte ${end}` : r.problem}`);
    let timestamp: number;
    if (h.timestampType === 'create') {
      timestamp = h.firstTimestamp + delta;
      if (!Number.isSafeInteger(timestamp)) throw invalid(at, i, `firstTimestamp ${h.firstTimestamp} + timestampDelta ${delta} is beyond ±(2^53-1)`);
      if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
      if (timestamp < this.minTimestamp) this.minTimestamp = timestamp;
    } else {
      timestamp = h.maxTimestamp;
    }
    at = r.pos;
    const offsetDelta = this.varint(i, 'offsetDelta', end);
    if (this.gaps) {
      if (offsetDelta <= this.offsetDelta || offsetDelta > h.lastOffsetDelta) {
        throw invalid(at, i, `offsetDelta ${offsetDelta} after ${this.offsetDelta}: a compacted batch's offset deltas increase, up to lastOffsetDelta ${h.lastOffsetDelta}`);
      }
    } else if (offsetDelta !== i) throw invalid(at, i, `offsetDelta ${offsetDelta}, expected ${i}: record i of a batch has offset delta i`);
    this.offsetDelta = offsetDelta;
    this.timestamp = timestamp;
    const keyLength = this.span(i, 'key', end);
    const keyAt = r.pos;
    if (keyLength > 0) r.pos += keyLength;
    else if (keyLength < 0 && this.nullKeys++ === 0) this.firstNullKey = i;
    const valueLength = this.span(i, 'value', end);
    const valueAt = r.pos;
    if (valueLength > 0) r.pos += valueLength;
    this.keyAt = keyAt;
    this.keyLength = keyLength;
    this.valueLength = valueLength;
    at = r.pos;
    const headerCount = this.varint(i, 'header count', end);
    // Each header takes at least 2 bytes: a count beyond that is refused before any allocation.
    if (headerCount < 0 || headerCount > (end - r.pos) / 2) throw invalid(at, i, `header count ${headerCount} does not fit the record's ${end - r.pos} remaining bytes`);
    let headers: RecordHeaderEntry[] | null = null;
    for (let k = 0; k < headerCount; k++) {
      at = r.pos;
      const kl = this.span(i, 'key', end, k);
      if (kl < 0) throw invalid(at, i, `header ${k} has a null key (header keys are strings)`);
      const headerKeyAt = r.pos;
      if (!isUtf8Span(buf, headerKeyAt, headerKeyAt + kl)) throw invalid(headerKeyAt, i, `header ${k} key is not UTF-8`);
      r.pos += kl;
      const vl = this.span(i, 'value', end, k);
      if (decode) {
        (headers ??= []).push({ key: buf.toString('utf8', headerKeyAt, headerKeyAt + kl), value: vl < 0 ? null : view(buf, r.pos, vl) });
      }
      if (vl > 0) r.pos += vl;
    }
    if (r.pos !== end) throw invalid(r.pos, i, `${end - r.pos} bytes after the last header, inside the record's length (record starts at byte ${recordStart})`);
    this.pos = end;
    if (!decode) return null;
    return {
      offset: h.baseOffset + offsetDelta,
      timestamp,
      key: keyLength < 0 ? null : view(buf, keyAt, keyLength),
      value: valueLength < 0 ? null : view(buf, valueAt, valueLength),
      headers: headers ?? NO_HEADERS,
    };
  }
}

const NO_HEADERS: readonly RecordHeaderEntry[] = Object.freeze([]);

/** Whether buf[start, end) is UTF-8: a loop for ASCII (header keys usually are), else node's check on a view. */
function isUtf8Span(buf: Buffer, start: number, end: number): boolean {
  for (let p = start; p < end; p++) if (buf[p] >= 0x80) return isUtf8(buf.subarray(p, end));
  return true;
}

/** A view of `length` bytes of the batch from `at`: a plain Uint8Array, cheaper to make than a Buffer. */
function view(buf: Buffer, at: number, length: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + at, length);
}

/** "key", or "header 2 key" for a field of header k >= 0. */
function fieldName(what: string, k: number): string {
  return k < 0 ? what : `header ${k} ${what}`;
}

// ---------------------------------------------------------------------------------------------
// Validation

/**
 * Check a whole batch and return its header. In order (the first failure is thrown):
 *   magic 2; at least the 61-byte header; batchLength equal to the bytes present (CORRUPT_BATCH
 *   when fewer or more); the CRC32C of bytes 21..end equal to the stored one (CORRUPT_BATCH); no
 *   compression, transactional, control, delete-horizon or unused attribute bits; baseOffset,
 *   producer fields and counts in range; lastOffsetDelta = recordCount - 1; then every record:
 *   its length within the batch, attributes 0, offsetDelta equal to its index, every key, value
 *   and header length within the record, UTF-8 header keys, nothing left over in the record, and
 *   exactly recordCount records filling the batch; for CreateTime, maxTimestamp equal to the
 *   largest record timestamp (listOffset relies on it).
 * Everything after the CRC check is INVALID_RECORD. One CRC pass and one walk over the record
 * fields, allocating nothing per record.
 */
export function validateRecordBatch(bytes: Uint8Array, options: ValidateOptions = {}): ValidatedRecordBatch {
  const compacted = options.compacted === true;
  // Framing and CRC first, from the raw bytes: nothing the CRC covers is interpreted before it matches.
  checkMagicAndHeaderLength(bytes);
  const v = viewOf(bytes);
  const batchLength = v.getInt32(BATCH_LENGTH);
  const size = LOG_OVERHEAD + batchLength;
  if (batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) {
    throw corrupt(BATCH_LENGTH, null, `batchLength ${batchLength} is shorter than the rest of the header (${RECORD_BATCH_OVERHEAD - LOG_OVERHEAD} bytes)`);
  }
  if (size > bytes.length) {
    throw corrupt(bytes.length, null, `truncated: batchLength ${batchLength} says the batch is ${size} bytes, ${bytes.length} are present`);
  }
  if (size < bytes.length) {
    throw corrupt(size, null, `${bytes.length - size} bytes after the batch's end at byte ${size} (batchLength ${batchLength})`);
  }
  const stored = v.getUint32(CRC);
  const computed = crc32c(bytes, 0, ATTRIBUTES, size);
  if (computed !== stored) {
    throw corrupt(CRC, null, `CRC32C mismatch: stored ${hex(stored, 8)}, computed ${hex(computed, 8)} over bytes ${ATTRIBUTES}..${size - 1}: the batch was damaged`);
  }
  const h = readRecordBatchHeader(bytes);
  checkAttributes(h.attributes);
  if (h.baseOffset < 0) throw invalid(BASE_OFFSET, null, `baseOffset ${h.baseOffset} is negative`);
  if (h.producerId < NO_PRODUCER_ID) throw invalid(PRODUCER_ID, null, `producerId ${h.producerId} (only -1, for none, may be negative)`);
  if (h.producerEpoch < NO_PRODUCER_EPOCH) throw invalid(PRODUCER_EPOCH, null, `producerEpoch ${h.producerEpoch} (only -1, for none, may be negative)`);
  if (h.baseSequence < NO_SEQUENCE) throw invalid(BASE_SEQUENCE, null, `baseSequence ${h.baseSequence} (only -1, for none, may be negative)`);
  if (h.producerId !== NO_PRODUCER_ID && (h.producerEpoch < 0 || h.baseSequence < 0)) {
    throw invalid(PRODUCER_EPOCH, null, `producerId ${h.producerId} with producerEpoch ${h.producerEpoch} and baseSequence ${h.baseSequence}: an idempotent batch needs both >= 0`);
  }
  if (h.recordCount < 1) throw invalid(RECORD_COUNT, null, `record count ${h.recordCount}: a batch holds at least one record`);
  if (compacted) {
    if (h.lastOffsetDelta < h.recordCount - 1) {
      throw invalid(LAST_OFFSET_DELTA, null, `lastOffsetDelta ${h.lastOffsetDelta} is below record count ${h.recordCount} - 1: the offsets of ${h.recordCount} records cannot fit`);
    }
  } else if (h.lastOffsetDelta !== h.recordCount - 1) {
    throw invalid(LAST_OFFSET_DELTA, null, `lastOffsetDelta ${h.lastOffsetDelta} does not match record count ${h.recordCount} (expected ${h.recordCount - 1})`);
  }
  if (h.baseOffset + h.lastOffsetDelta > MAX_SAFE) throw invalid(BASE_OFFSET, null, `baseOffset ${h.baseOffset} + lastOffsetDelta ${h.lastOffsetDelta} is beyond 2^53-1`);
  const walker = new RecordWalker(bytes, h, size, compacted);
  for (let i = 0; i < h.recordCount; i++) {
    if (walker.pos >= size) throw invalid(walker.pos, i, `record count ${h.recordCount}, but the batch ends after ${i} records at byte ${size}`);
    walker.read(i, false);
  }
  if (walker.pos !== size) throw invalid(walker.pos, null, `${size - walker.pos} bytes after record ${h.recordCount - 1}, the last one record count ${h.recordCount} allows`);
  if (compacted && h.timestampType === 'create' && walker.maxTimestamp > h.maxTimestamp) {
    throw invalid(MAX_TIMESTAMP, null, `maxTimestamp ${h.maxTimestamp} is below a record timestamp ${walker.maxTimestamp}`);
  }
  if (!compacted && h.timestampType === 'create' && walker.maxTimestamp !== h.maxTimestamp) {
    throw invalid(MAX_TIMESTAMP, null, `maxTimestamp ${h.maxTimestamp} is not the largest record timestamp ${walker.maxTimestamp}`);
  }
  return { ...h, minTimestamp: h.timestampType === 'create' ? walker.minTimestamp : h.maxTimestamp, nullKeys: walker.nullKeys, firstNullKey: walker.firstNullKey };
}

export interface ValidateOptions {
  /**
   * Accept a batch as log compaction leaves it (Kafka's consumers accept these): records removed
   * from inside it, so offsetDeltas increase with gaps up to lastOffsetDelta (which, with
   * firstTimestamp, maxTimestamp and the producer fields, keeps the original batch's values), and
   * maxTimestamp at or above the largest remaining record timestamp. For what a fetch returns;
   * never for a produce request, whose record i must have offsetDelta i.
   */
  readonly compacted?: boolean;
}

/** What validation learns on its walk besides the header: what a broker's policies need, with no second pass. */
export interface ValidatedRecordBatch extends RecordBatchHeader {
  /** The smallest record timestamp (LogAppendTime: maxTimestamp, which every record reads as). */
  readonly minTimestamp: number;
  /** How many records have a null key (a compacted topic refuses them). */
  readonly nullKeys: number;
  /** The index of the first record with a null key (-1: none), to name it in a refusal. */
  readonly firstNullKey: number;
}

function checkAttributes(attributes: number): void {
  const codec = attributes & COMPRESSION_MASK;
  if (codec !== 0) {
    const name = CODECS[codec] ?? `unknown codec ${codec}`;
    throw invalid(ATTRIBUTES, null, `compressed with ${name} (attributes ${hex(attributes, 4)}): Flotilla stores uncompressed batches only; produce with compression none`);
  }
  if (attributes & TRANSACTIONAL_BIT) {
    throw invalid(ATTRIBUTES, null, `transactional (attributes ${hex(attributes, 4)}): Flotilla has no transactions; produce without a transactional id`);
  }
  if (attributes & CONTROL_BIT) {
    throw invalid(ATTRIBUTES, null, `a control batch (attributes ${hex(attributes, 4)}): transaction markers are written by brokers, and Flotilla has none`);
  }
  if (attributes & DELETE_HORIZON_BIT) {
    throw invalid(ATTRIBUTES, null, `delete horizon set (attributes ${hex(attributes, 4)}): only log compaction writes that, and Flotilla does not compact`);
  }
  if (attributes & UNUSED_ATTRIBUTE_BITS) {
    throw invalid(ATTRIBUTES, null, `unused attribute bits set (attributes ${hex(attributes, 4)})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Recognising and splitting

/**
 * Whether bytes look like a RecordBatch v2: magic 2 at byte 16 and a first byte of 0 (a baseOffset
 * below 2^53 has a zero high byte). A partition's log entries are batches or empty no-ops; the
 * first byte is how a future kind of entry (a nonzero tag) would be told apart from a batch.
 */
export function isRecordBatch(bytes: Uint8Array): boolean {
  return bytes.length >= RECORD_BATCH_OVERHEAD && bytes[0] === 0 && bytes[MAGIC] === RECORD_BATCH_MAGIC;
}

/**
 * The batches of a concatenation (a fetch response's records, a log segment), as views, each
 * exactly LOG_OVERHEAD + batchLength bytes. Only the framing is checked (a batchLength that
 * cannot be, or runs past the end: CORRUPT_BATCH); validate each batch before trusting it.
 */
export function* splitRecordBatches(bytes: Uint8Array): Generator<Uint8Array, void, undefined> {
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < LOG_OVERHEAD) throw corrupt(at, null, `${bytes.length - at} stray bytes after the last batch (a batch header is ${RECORD_BATCH_OVERHEAD} bytes)`);
    const batchLength = viewOf(bytes).getInt32(at + BATCH_LENGTH);
    const size = LOG_OVERHEAD + batchLength;
    if (batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD || size > bytes.length - at) {
      throw corrupt(at, null, `the batch at byte ${at} says batchLength ${batchLength}, but ${bytes.length - at - LOG_OVERHEAD} bytes follow its length field`);
    }
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * The records of a batch, in order, with absolute offsets (baseOffset + offsetDelta) and
 * timestamps, starting at `fromOffset` (records below it are skipped by their length prefix,
 * not decoded). `header` is what validateRecordBatch returned for these bytes, or, for a batch
 * validated before it was stored, readRecordBatchHeader's: every length is checked again here,
 * so reading never leaves the batch, but the CRC is not. Keys, values and header values are
 * views of `bytes`.
 */
export function* readRecords(bytes: Uint8Array, header: RecordBatchHeader, fromOffset = header.baseOffset): Generator<DecodedRecord, void, undefined> {
  const size = LOG_OVERHEAD + header.batchLength;
  if (size > bytes.length || header.batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) {
    throw corrupt(bytes.length, null, `truncated: batchLength ${header.batchLength} says the batch is ${size} bytes, ${bytes.length} are present`);
  }
  // A compacted batch (fewer records than its offset span) has gaps: its records' offsets come from their offsetDeltas.
  const gaps = header.lastOffsetDelta !== header.recordCount - 1;
  const walker = new RecordWalker(bytes, header, size, gaps);
  for (let i = 0; i < header.recordCount; i++) {
    if (walker.pos >= size) throw invalid(walker.pos, i, `record count ${header.recordCount}, but the batch ends after ${i} records at byte ${size}`);
    if (header.baseOffset + (gaps ? walker.peekOffsetDelta(i) : i) < fromOffset) walker.skip(i);
    else yield walker.read(i, true)!;
  }
}

/**
 * Where one record lies in its batch, as visitRecords reports it (one object, reused: copy what
 * you keep). Byte positions are from the batch's first byte.
 */
export interface RecordSpan {
  /** The record's position among the batch's records (0-based). */
  index: number;
  offset: number;
  /** The record's first byte (its length varint) and one past its last. */
  start: number;
  end: number;
  /** The key's bytes (keyLength -1: a null key). */
  keyAt: number;
  keyLength: number;
  /** -1: a null value (a tombstone). */
  valueLength: number;
  timestamp: number;
}

/**
 * Visit every record of a batch (validated before it was stored, or by validateRecordBatch) in
 * order, with where its key lies: what log compaction reads. Every length is checked as in
 * readRecords; nothing is allocated per record.
 */
export function visitRecords(bytes: Uint8Array, header: RecordBatchHeader, visit: (span: RecordSpan) => void): void {
  const size = LOG_OVERHEAD + header.batchLength;
  if (size > bytes.length || header.batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) {
    throw corrupt(bytes.length, null, `truncated: batchLength ${header.batchLength} says the batch is ${size} bytes, ${bytes.length} are present`);
  }
  const walker = new RecordWalker(bytes, header, size, true);
  const span: RecordSpan = { index: 0, offset: 0, start: 0, end: 0, keyAt: 0, keyLength: 0, valueLength: 0, timestamp: 0 };
  for (let i = 0; i < header.recordCount; i++) {
    if (walker.pos >= size) throw invalid(walker.pos, i, `record count ${header.recordCount}, but the batch ends after ${i} records at byte ${size}`);
    span.start = walker.pos;
    walker.read(i, false);
    span.index = i;
    span.end = walker.pos;
    span.offset = header.baseOffset + walker.offsetDelta;
    span.keyAt = walker.keyAt;
    span.keyLength = walker.keyLength;
    span.valueLength = walker.valueLength;
    span.timestamp = walker.timestamp;
    visit(span);
  }
}

/**
 * The batch with only the records `keep` says yes to, as Kafka's log cleaner writes it: the kept
 * records' bytes unchanged (their offsetDelta and timestampDelta are relative to baseOffset and
 * firstTimestamp, which stay), and every header field of the original but batchLength,
 * recordCount and the CRC (recomputed): baseOffset, lastOffsetDelta, firstTimestamp,
 * maxTimestamp, the producer fields and the attributes, so the batch still covers its whole
 * offset range and a producer's sequences. Returns `bytes` itself when every record is kept, and a
 * header with recordCount 0 (no records) when none is. Validate the result with { compacted: true }.
 */
export function filterRecordBatch(bytes: Uint8Array, header: RecordBatchHeader, keep: (span: RecordSpan) => boolean): Uint8Array {
  const ranges: number[] = [];
  let kept = 0;
  let keptBytes = 0;
  visitRecords(bytes, header, (span) => {
    if (!keep(span)) return;
    kept++;
    keptBytes += span.end - span.start;
    const n = ranges.length;
    if (n > 0 && ranges[n - 1] === span.start) ranges[n - 1] = span.end;
    else ranges.push(span.start, span.end);
  });
  if (kept === header.recordCount) return bytes;
  const size = RECORD_BATCH_OVERHEAD + keptBytes;
  const out = Buffer.allocUnsafe(size);
  out.set(bytes.subarray(0, RECORD_BATCH_OVERHEAD), 0);
  let at = RECORD_BATCH_OVERHEAD;
  for (let r = 0; r < ranges.length; r += 2) {
    out.set(bytes.subarray(ranges[r], ranges[r + 1]), at);
    at += ranges[r + 1] - ranges[r];
  }
  const v = viewOf(out);
  v.setInt32(BATCH_LENGTH, size - LOG_OVERHEAD);
  v.setInt32(RECORD_COUNT, kept);
  v.setUint32(CRC, crc32c(out, 0, ATTRIBUTES, size));
  return out;
}

export interface DecodedRecordBatch {
  readonly header: RecordBatchHeader;
  readonly records: DecodedRecord[];
}

/** Validate a batch and decode all its records (tests, tools, a consumer that wants them all). */
export function decodeRecordBatch(bytes: Uint8Array): DecodedRecordBatch {
  const header = validateRecordBatch(bytes);
  return { header, records: [...readRecords(bytes, header)] };
}

// ---------------------------------------------------------------------------------------------
// Stamping in place (the leader)

function stampable(bytes: Uint8Array): DataView {
  if (bytes.length < RECORD_BATCH_OVERHEAD) throw corrupt(bytes.length, null, `truncated: ${bytes.length} bytes, shorter than the ${RECORD_BATCH_OVERHEAD}-byte batch header`);
  if (bytes[MAGIC] !== RECORD_BATCH_MAGIC) throw invalid(MAGIC, null, `magic ${bytes[MAGIC]}: only RecordBatch v2 (magic 2) can be stamped`);
  return viewOf(bytes);
}

/** The batch's size as batchLength says, checked against the bytes present. */
function stampableSize(v: DataView, bytes: Uint8Array): number {
  const size = LOG_OVERHEAD + v.getInt32(BATCH_LENGTH);
  if (size > bytes.length || size < RECORD_BATCH_OVERHEAD) {
    throw corrupt(bytes.length, null, `truncated: batchLength ${size - LOG_OVERHEAD} says the batch is ${size} bytes, ${bytes.length} are present`);
  }
  return size;
}

/**
 * Set the batch's baseOffset (the leader assigns offsets: record i is baseOffset + i). Bytes 0..7,
 * outside the CRC, as Kafka designs it, so that offsets are assigned without a pass over the batch.
 */
export function stampBaseOffset(bytes: Uint8Array, baseOffset: number): void {
  const v = stampable(bytes);
  const last = baseOffset + v.getInt32(LAST_OFFSET_DELTA);
  if (!Number.isSafeInteger(baseOffset) || baseOffset < 0 || !Number.isSafeInteger(last)) {
    throw new RangeError(`stampBaseOffset: ${baseOffset} is not an offset in 0..2^53-1 (with lastOffsetDelta ${v.getInt32(LAST_OFFSET_DELTA)})`);
  }
  writeI64(bytes, BASE_OFFSET, baseOffset);
}

/** Set the batch's partitionLeaderEpoch (bytes 12..15, outside the CRC, as Kafka designs it). */
export function stampPartitionLeaderEpoch(bytes: Uint8Array, epoch: number): void {
  const v = stampable(bytes);
  if (!isInt32(epoch) || epoch < -1) throw new RangeError(`stampPartitionLeaderEpoch: ${epoch} is not an epoch in -1..2^31-1`);
  v.setInt32(PARTITION_LEADER_EPOCH, epoch);
}

/**
 * Make the batch LogAppendTime at `ms`: set the timestamp-type attribute bit and maxTimestamp (every
 * record then reads as `ms`; the records' own deltas stay as the producer wrote them, as in Kafka).
 * Both are inside the CRC, so the CRC changes too: not by a new pass over the batch but by
 * patching the stored CRC with the difference of the changed bytes (crc32c-patch.ts, O(log n)),
 * so a batch whose CRC was wrong before stays wrong after: stamping never blesses damaged bytes.
 * The result equals encodeRecordBatch(records, { ..., logAppendTime: ms }).
 */
export function stampLogAppendTime(bytes: Uint8Array, ms: number): void {
  const v = stampable(bytes);
  if (!Number.isSafeInteger(ms)) throw new RangeError(`stampLogAppendTime: ${ms} is not a safe integer`);
  const size = stampableSize(v, bytes);
  const before = new Uint8Array(bytes.subarray(ATTRIBUTES, PRODUCER_ID)); // a copy (Buffer's slice would be a view): attributes..maxTimestamp, 22 bytes
  v.setUint16(ATTRIBUTES, v.getUint16(ATTRIBUTES) | TIMESTAMP_TYPE_BIT);
  writeI64(bytes, MAX_TIMESTAMP, ms);
  v.setUint32(CRC, patchCrc32c(v.getUint32(CRC), before, bytes.subarray(ATTRIBUTES, PRODUCER_ID), size - PRODUCER_ID));
}

/**
 * The batch's CRC with the leader's stamps undone: the CRC32C the batch would have as CreateTime
 * with maxTimestamp 0. It covers everything a producer writes that the CRC covers (producer id,
 * epoch, sequence, lastOffsetDelta, firstTimestamp, every record with its timestamp delta, key,
 * value and headers) but neither field stampLogAppendTime may change, so the bytes a producer
 * sent and the bytes a leader stored after stamping have the same one. Read from the header and
 * patched (O(log n)), not computed over the records: it is only as right as the stored CRC, so
 * take it from a validated batch. What an idempotent producer's retry is compared by.
 */
export function unstampedCrc(bytes: Uint8Array): number {
  const v = stampable(bytes);
  const size = stampableSize(v, bytes);
  const stored = bytes.subarray(ATTRIBUTES, PRODUCER_ID);
  const normal = new Uint8Array(stored);
  const nv = viewOf(normal);
  nv.setUint16(0, nv.getUint16(0) & ~TIMESTAMP_TYPE_BIT);
  normal.fill(0, MAX_TIMESTAMP - ATTRIBUTES); // maxTimestamp 0
  return patchCrc32c(v.getUint32(CRC), stored, normal, size - PRODUCER_ID);
}
