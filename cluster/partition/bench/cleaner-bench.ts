/**
 * The log cleaner alone, in memory: N distinct keys written K times each (100-byte values, 100
 * records a batch), then one pass over the closed segments. Prints MB/s of log read (the map
 * pass and the rewrite pass each read the dirty part once) and the offset map's memory.
 * `npx tsx cluster/partition/bench/cleaner-bench.ts [keys] [rounds]`
 */
import { EntryType } from '../../../raft';
import { encodeRecordBatch, type RecordInput } from '../../records';
import { LeaderSession } from '../leader-session';
import { LogCleaner, DEFAULT_COMPACTION } from '../log-cleaner';
import { OFFSET_MAP_SLOT_BYTES } from '../offset-map';
import { PartitionState } from '../partition-state';
import { TestLog } from '../test-log';

const keys = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 2);
const ctx = { topic: 'bench', partition: 0 };
const log = new TestLog();
log.append(EntryType.Normal, new Uint8Array(0));
log.commitUpTo(1);
const state = new PartitionState(ctx, { options: { segmentBytes: 16 * 1024 * 1024 } });
log.applyCommitted(state);
const session = new LeaderSession(state, log.term);
const value = Buffer.alloc(100, 'v');
let written = 0;
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < keys; k += 100) {
    const records: RecordInput[] = [];
    for (let i = k; i < Math.min(keys, k + 100); i++) records.push({ key: Buffer.from(`key-${i}`), value, timestamp: 1000 });
    const batch = encodeRecordBatch(records);
    written += batch.length;
    const o = session.produce({ batch }, log.propose);
    if (o.kind !== 'appended') throw new Error(o.kind);
    log.commitUpTo(log.lastIndex);
    log.applyCommitted(state);
  }
}
// Close the active segment with one more round's worth of time.
const mapBytes = Math.ceil((keys / 0.9) * OFFSET_MAP_SLOT_BYTES) + 1024;
const cleaner = new LogCleaner(ctx, { mapBytes, readBytes: 4 * 1024 * 1024 });
const heapBefore = process.memoryUsage();
const t0 = performance.now();
void cleaner
  .clean(state, { ...DEFAULT_COMPACTION, minCleanableDirtyRatio: 0 }, 10_000, log.read, log.rewrite)
  .then((r) => {
    const ms = performance.now() - t0;
    const after = process.memoryUsage();
    const p = cleaner.progress();
    const mb = (p.cleanedThroughIndex > 0 ? state.index.all().find((q) => q.raftIndex === p.cleanedThroughIndex + 1)?.bytesBefore ?? written : written) / 1e6;
    console.log(JSON.stringify({
      keys,
      rounds,
      logMB: +(written / 1e6).toFixed(1),
      cleanedMB: +mb.toFixed(1),
      seconds: +(ms / 1000).toFixed(2),
      cleanedMBps: +(mb / (ms / 1000)).toFixed(1),
      recordsRemoved: r?.recordsRemoved,
      reclaimedMB: +((r?.bytesReclaimed ?? 0) / 1e6).toFixed(1),
      offsetMapMB: +(mapBytes / 1e6).toFixed(1),
      arrayBuffersMBDuringPass: +((after.arrayBuffers - heapBefore.arrayBuffers) / 1e6).toFixed(1),
    }));
  });
