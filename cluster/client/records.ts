import { type RecordHeaderEntry, type RecordInput, readRecords, splitRecordBatches, validateRecordBatch } from '../records';

/** Bytes as the caller likes to give them: strings are UTF-8 encoded. */
export type Bytes = string | Uint8Array;

export interface RecordHeader {
  key: string;
  /** null: a header without a value (distinct from an empty one). */
  value: Buffer | null;
}

/** A record to produce. */
export interface ProducerRecord {
  topic: string;
  /** Records with equal keys go to the same partition (Kafka's murmur2 hash). null/absent = no key. */
  key?: Bytes | null;
  /** null: a tombstone (in a compacted topic, the key's deletion). */
  value: Bytes | null;
  headers?: Record<string, Bytes | null> | ReadonlyArray<{ key: string; value: Bytes | null }>;
  /** Overrides the partition chosen from the key. */
  partition?: number;
  /** Milliseconds since the epoch, or a Date; default: now. */
  timestamp?: number | Date;
}

/** Where a produced record was written. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
}

/** A record read back from a partition. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  /** null when the record was produced without a key. */
  key: Buffer | null;
  /** null for a tombstone (a record produced with a null value). */
  value: Buffer | null;
  headers: RecordHeader[];
  timestamp: number;
}

export function toBuffer(b: Bytes): Buffer {
  if (typeof b === 'string') return Buffer.from(b, 'utf8');
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function toHeaders(headers: ProducerRecord['headers']): RecordHeaderEntry[] | undefined {
  if (!headers) return undefined;
  const list: Array<{ key: string; value: Bytes | null }> = Array.isArray(headers)
    ? (headers as Array<{ key: string; value: Bytes | null }>)
    : Object.entries(headers as Record<string, Bytes | null>).map(([key, value]) => ({ key, value }));
  return list.map((h) => {
    if (typeof h.key !== 'string') throw new RangeError('a header key must be a string');
    return { key: h.key, value: h.value === null || h.value === undefined ? null : toBuffer(h.value) };
  });
}

/**
 * A record as the batch encoder takes it, with the key as given (null stays null, "" stays
 * empty) and the timestamp fixed now, so that every retry encodes the same bytes.
 */
export function toRecordInput(record: Omit<ProducerRecord, 'topic' | 'partition'>, now: number): RecordInput {
  const timestamp = record.timestamp instanceof Date ? record.timestamp.getTime() : (record.timestamp ?? now);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError(`timestamp ${String(record.timestamp)} is not milliseconds since 1970 (an integer >= 0)`);
  if (record.value === undefined) throw new RangeError('a record needs a value (null for a tombstone)');
  return {
    key: record.key === undefined || record.key === null ? null : toBuffer(record.key),
    value: record.value === null ? null : toBuffer(record.value),
    headers: toHeaders(record.headers),
    timestamp,
  };
}

/** Bytes a record adds to a batch, for the batch-size limit (its payload plus the most its varints take). */
export function recordSize(record: RecordInput): number {
  let size = 22 + (record.value?.length ?? 0) + (record.key?.length ?? 0);
  if (record.headers) for (const h of record.headers) size += 10 + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  return size;
}

function buffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/**
 * The records of a fetch response's batches from offset `from` on (the first batch may begin
 * before it). Every batch's CRC is checked first, as Kafka's consumers do (check.crcs): damaged
 * bytes throw RecordBatchError rather than become records. Keys and values are views of `bytes`.
 */
export function recordsOfBatches(topic: string, partition: number, bytes: Uint8Array, from: number): ConsumedRecord[] {
  const out: ConsumedRecord[] = [];
  for (const batch of splitRecordBatches(bytes)) {
    const header = validateRecordBatch(batch, { compacted: true });
    for (const r of readRecords(batch, header, from)) {
      out.push({
        topic,
        partition,
        offset: r.offset,
        key: r.key === null ? null : buffer(r.key),
        value: r.value === null ? null : buffer(r.value),
        headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : buffer(h.value) })),
        timestamp: r.timestamp,
      });
    }
  }
  return out;
}
