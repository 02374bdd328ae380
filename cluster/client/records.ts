import type { Header, RecordWithOffset, WireRecord } from '../../proto/load';

/** Bytes as the caller likes to give them: strings are UTF-8 encoded. */
export type Bytes = string | Uint8Array;

export interface RecordHeader {
  key: string;
  value: Buffer;
}

/** A record to produce. */
export interface ProducerRecord {
  topic: string;
  /** Records with equal keys go to the same partition (Kafka's murmur2 hash). null/absent = no key. */
  key?: Bytes | null;
  value: Bytes;
  headers?: Record<string, Bytes> | ReadonlyArray<{ key: string; value: Bytes }>;
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
  value: Buffer;
  headers: RecordHeader[];
  timestamp: number;
}

export function toBuffer(b: Bytes): Buffer {
  if (typeof b === 'string') return Buffer.from(b, 'utf8');
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function toHeaders(headers: ProducerRecord['headers']): Header[] {
  if (!headers) return [];
  const list: Array<{ key: string; value: Bytes }> = Array.isArray(headers)
    ? (headers as Array<{ key: string; value: Bytes }>)
    : Object.entries(headers as Record<string, Bytes>).map(([key, value]) => ({ key, value }));
  return list.map((h) => ({ key: h.key, value: toBuffer(h.value) }));
}

/** The wire form of a record, with the key as given (null stays absent, "" stays empty). */
export function toWireRecord(record: Omit<ProducerRecord, 'topic' | 'partition'>, now: number): WireRecord {
  const wire: WireRecord = {
    value: toBuffer(record.value),
    headers: toHeaders(record.headers),
    timestampMs: record.timestamp instanceof Date ? record.timestamp.getTime() : (record.timestamp ?? now),
  };
  if (record.key !== undefined && record.key !== null) wire.key = toBuffer(record.key);
  return wire;
}

/** Bytes a record adds to a batch, for the batch-size limit (payload plus a little framing). */
export function wireSize(record: WireRecord): number {
  let size = 24 + record.value.length + (record.key?.length ?? 0);
  for (const h of record.headers) size += 8 + Buffer.byteLength(h.key) + h.value.length;
  return size;
}

export function fromWireRecord(topic: string, partition: number, r: RecordWithOffset): ConsumedRecord {
  return {
    topic,
    partition,
    offset: r.offset,
    key: r.key ?? null,
    value: r.value,
    headers: r.headers.map((h) => ({ key: h.key, value: h.value })),
    timestamp: r.timestampMs,
  };
}
