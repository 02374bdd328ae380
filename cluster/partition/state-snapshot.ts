import { ByteReader, ByteWriter } from '../../bytes';
import type { StateOptions } from './config';
import { type PartitionContext, PartitionError } from './errors';
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
  const w = new ByteWriter(size).u8(MAGIC).u8(VERSION);
  for (const n of [s.appliedIndex, s.appliedTerm, s.nextOffset, s.totalBytes, s.bytesSincePoint, s.segmentBytes]) w.u64(n);
  w.i64(s.maxTimestamp).i64(s.segmentFirstTimestamp);
  w.u64(0); // reserved
  w.u32(s.entriesSincePoint);
  const o = s.options;
  for (const n of [o.indexIntervalBytes, o.indexIntervalEntries, o.segmentBytes, o.segmentMs, o.maxProducers]) w.u64(n);
  w.u32(s.producers.length);
  for (const [pid, e] of s.producers) {
    w.u64(pid).u16(e.epoch).u8(e.batches.length);
    for (const b of e.batches) {
      w.i32(b.baseSequence).i32(b.lastSequence).u64(b.baseOffset);
      w.u8(b.checksum === null ? 0 : 1).u32(b.checksum ?? 0);
    }
  }
  return w.finishCopy();
}

export function decodeStateImage(data: Uint8Array, ctx: PartitionContext, snapshotIndex: number): StateImage {
  const bad = (detail: string) =>
    new PartitionError('CORRUPT_BATCH', ctx, `the partition snapshot at raft index ${snapshotIndex} is unreadable (${detail})`);
  if (data.length < FIXED || data[0] !== MAGIC) throw bad('not a partition snapshot');
  const version = data[1];
  if (version !== VERSION && version !== VERSION_1) throw bad(`format version ${version}, this node reads ${VERSION_1} and ${VERSION}`);
  const batchBytes = version === VERSION_1 ? BATCH_V1 : BATCH;
  const r = new ByteReader(data, bad);
  r.skip(2);
  const appliedIndex = r.u64('applied index');
  const appliedTerm = r.u64('applied term');
  const nextOffset = r.u64('next offset');
  const totalBytes = r.u64('total bytes');
  const bytesSincePoint = r.u64('bytes since the index point');
  const segmentBytes = r.u64('segment bytes');
  const maxTimestamp = r.i64('max timestamp');
  const segmentFirstTimestamp = r.i64('segment first timestamp');
  r.skip(8, 'reserved');
  const entriesSincePoint = r.u32('entries since the index point');
  const options: StateOptions = {
    indexIntervalBytes: r.u64('index.interval.bytes'),
    indexIntervalEntries: r.u64('index interval entries'),
    segmentBytes: r.u64('segment.bytes'),
    segmentMs: r.u64('segment.ms'),
    maxProducers: r.u64('max producers'),
  };
  const count = r.u32('producer count');
  const producers: Array<readonly [number, ProducerEntry]> = [];
  for (let i = 0; i < count; i++) {
    if (r.remaining < PRODUCER_FIXED) throw bad('producer table truncated');
    const pid = r.u64('producer id');
    const epoch = r.u16();
    const n = r.u8();
    if (n === 0 || n * batchBytes > r.remaining) throw bad(`producer ${pid} has ${n} batches`);
    const batches: ProducerBatch[] = [];
    for (let k = 0; k < n; k++) {
      const baseSequence = r.i32();
      const lastSequence = r.i32();
      const baseOffset = r.u64(`producer ${pid} batch ${k} base offset`);
      let checksum: number | null = null;
      if (version !== VERSION_1) {
        const known = r.u8();
        if (known > 1) throw bad(`producer ${pid} batch ${k} has checksum flag ${known}`);
        const value = r.u32();
        checksum = known === 1 ? value : null;
      }
      batches.push({ baseSequence, lastSequence, baseOffset, checksum });
    }
    producers.push([pid, { epoch, batches }]);
  }
  if (r.remaining !== 0) throw bad(`${r.remaining} stray bytes`);
  return {
    appliedIndex, appliedTerm, nextOffset, maxTimestamp, totalBytes, bytesSincePoint, entriesSincePoint,
    segmentBytes, segmentFirstTimestamp, options, producers,
  };
}
