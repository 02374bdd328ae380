import type { StateOptions } from './config';
import { type PartitionContext, PartitionError } from './errors';
import { readI64, readU64, viewOf, writeI64, writeU64 } from './int64';
import type { ProducerBatch, ProducerEntry } from './producer-table';

/**
 * Everything a partition's replicated state holds except the records (they stay in the Raft log)
 * and the sparse index (rebuilt by applying the entries after the snapshot; see README.md).
 */
export interface StateImage {
  readonly appliedIndex: number;
  readonly appliedTerm: number;
  readonly nextOffset: number;
  readonly maxTimestamp: number;
  readonly totalBytes: number;
  readonly bytesSincePoint: number;
  readonly entriesSincePoint: number;
  readonly segmentBytes: number;
  readonly segmentFirstTimestamp: number;
  readonly options: StateOptions;
  /** Least recently appended first. */
  readonly producers: ReadonlyArray<readonly [number, ProducerEntry]>;
}

const MAGIC = 0x50; // 'P': partition state
/** Version 2 adds each remembered batch's records checksum; version 1 images are still read (checksums unknown). */
const VERSION = 2;
const VERSION_1 = 1;
const FIXED = 2 + 8 * 9 + 4 + 8 * 5 + 4;
const PRODUCER_FIXED = 8 + 2 + 1;
const BATCH_V1 = 4 + 4 + 8;
/** baseSequence, lastSequence, baseOffset, then whether the checksum is known (0/1) and the checksum. */
const BATCH = BATCH_V1 + 1 + 4;

export function encodeStateImage(s: StateImage): Uint8Array {
  let size = FIXED;
  for (const [, e] of s.producers) size += PRODUCER_FIXED + BATCH * e.batches.length;
  const out = new Uint8Array(size);
  const v = viewOf(out);
  out[0] = MAGIC;
  out[1] = VERSION;
  let at = 2;
  for (const n of [s.appliedIndex, s.appliedTerm, s.nextOffset, s.totalBytes, s.bytesSincePoint, s.segmentBytes]) {
    writeU64(v, at, n);
    at += 8;
  }
  writeI64(v, at, s.maxTimestamp);
  writeI64(v, at + 8, s.segmentFirstTimestamp);
  at += 16;
  writeU64(v, at, 0); // reserved
  at += 8;
  v.setUint32(at, s.entriesSincePoint);
  at += 4;
  const o = s.options;
  for (const n of [o.indexIntervalBytes, o.indexIntervalEntries, o.segmentBytes, o.segmentMs, o.maxProducers]) {
    writeU64(v, at, n);
    at += 8;
  }
  v.setUint32(at, s.producers.length);
  at += 4;
  for (const [pid, e] of s.producers) {
    writeU64(v, at, pid);
    v.setUint16(at + 8, e.epoch);
    out[at + 10] = e.batches.length;
    at += PRODUCER_FIXED;
    for (const b of e.batches) {
      v.setInt32(at, b.baseSequence);
      v.setInt32(at + 4, b.lastSequence);
      writeU64(v, at + 8, b.baseOffset);
      out[at + 16] = b.checksum === null ? 0 : 1;
      v.setUint32(at + 17, b.checksum ?? 0);
      at += BATCH;
    }
  }
  return out;
}

export function decodeStateImage(data: Uint8Array, ctx: PartitionContext, snapshotIndex: number): StateImage {
  const bad = (detail: string) =>
    new PartitionError('CORRUPT_BATCH', ctx, `the partition snapshot at raft index ${snapshotIndex} is unreadable (${detail})`);
  if (data.length < FIXED || data[0] !== MAGIC) throw bad('not a partition snapshot');
  const version = data[1];
  if (version !== VERSION && version !== VERSION_1) throw bad(`format version ${version}, this node reads ${VERSION_1} and ${VERSION}`);
  const batchBytes = version === VERSION_1 ? BATCH_V1 : BATCH;
  const v = viewOf(data);
  let at = 2;
  const u64 = () => {
    const n = readU64(v, at);
    if (!Number.isSafeInteger(n)) throw bad(`a number beyond 2^53 at byte ${at}`);
    at += 8;
    return n;
  };
  const [appliedIndex, appliedTerm, nextOffset, totalBytes, bytesSincePoint, segmentBytes] = [u64(), u64(), u64(), u64(), u64(), u64()];
  const maxTimestamp = readI64(v, at);
  const segmentFirstTimestamp = readI64(v, at + 8);
  at += 24;
  const entriesSincePoint = v.getUint32(at);
  at += 4;
  const options: StateOptions = {
    indexIntervalBytes: u64(),
    indexIntervalEntries: u64(),
    segmentBytes: u64(),
    segmentMs: u64(),
    maxProducers: u64(),
  };
  const count = v.getUint32(at);
  at += 4;
  const producers: Array<readonly [number, ProducerEntry]> = [];
  for (let i = 0; i < count; i++) {
    if (at + PRODUCER_FIXED > data.length) throw bad('producer table truncated');
    const pid = u64();
    const epoch = v.getUint16(at);
    const n = data[at + 2];
    at += 3;
    if (n === 0 || at + n * batchBytes > data.length) throw bad(`producer ${pid} has ${n} batches`);
    const batches: ProducerBatch[] = [];
    for (let k = 0; k < n; k++) {
      const baseSequence = v.getInt32(at);
      const lastSequence = v.getInt32(at + 4);
      at += 8;
      const baseOffset = u64();
      let checksum: number | null = null;
      if (version !== VERSION_1) {
        if (data[at] > 1) throw bad(`producer ${pid} batch ${k} has checksum flag ${data[at]}`);
        checksum = data[at] === 1 ? v.getUint32(at + 1) : null;
        at += 5;
      }
      batches.push({ baseSequence, lastSequence, baseOffset, checksum });
    }
    producers.push([pid, { epoch, batches }]);
  }
  if (at !== data.length) throw bad(`${data.length - at} stray bytes`);
  return {
    appliedIndex, appliedTerm, nextOffset, maxTimestamp, totalBytes, bytesSincePoint, entriesSincePoint,
    segmentBytes, segmentFirstTimestamp, options, producers,
  };
}
