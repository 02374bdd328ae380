import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EntryType } from '../../raft';
import { type DecodedRecord, decodeRecordBatch, encodeRecordBatch, readRecordBatchHeader, type RecordInput } from '../records';
import { logStepsArb, recordArb } from './arbitraries';
import { PartitionError } from './errors';
import { fetchBatches, planFetch, selectBatches } from './fetch';
import { LeaderSession } from './leader-session';
import { PartitionState } from './partition-state';
import { buildPartitionLog, produceOf, recordsOf, TestLog } from './test-log';

const ctx = { topic: 't', partition: 0 };
const options = { indexIntervalBytes: 300, indexIntervalEntries: 4, segmentBytes: 1500 };

interface StoredBatch {
  readonly data: Uint8Array;
  readonly baseOffset: number;
  /** One past its last record. */
  readonly end: number;
}

/** Every record batch of the log, in order. */
function allBatches(log: TestLog): StoredBatch[] {
  const out: StoredBatch[] = [];
  for (const e of log.entries) {
    if (e.type !== EntryType.Normal || e.data.length === 0) continue;
    const h = readRecordBatchHeader(e.data);
    out.push({ data: e.data, baseOffset: h.baseOffset, end: h.baseOffset + h.recordCount });
  }
  return out;
}

const view = (r: DecodedRecord) => ({
  offset: r.offset,
  timestamp: r.timestamp,
  key: r.key && [...r.key],
  value: r.value && [...r.value],
  headers: r.headers.map((h) => [h.key, h.value && [...h.value]]),
});

describe('fetch', () => {
  it('returns the whole batches from the one holding the fetch offset on, below the high watermark, as many as fit the budget and at least one if any is visible', async () => {
    await fc.assert(
      fc.asyncProperty(logStepsArb(recordArb), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 3000 }), async (steps, o, h, maxBytes) => {
        const { log, state } = buildPartitionLog(steps, { options });
        const all = allBatches(log);
        const offset = o % (state.nextOffset + 1);
        // A high watermark is where a committed batch ends (batches are applied whole), or the fetch offset itself.
        const ends = [offset, ...all.map((b) => b.end).filter((e) => e > offset)];
        const hw = ends[h % ends.length];
        // The reference: a greedy prefix over the batches that hold offsets in [offset, hw).
        const want: StoredBatch[] = [];
        let bytes = 0;
        for (const b of all.filter((b) => b.end > offset && b.end <= hw)) {
          if (want.length > 0 && bytes + b.data.length > maxBytes) break;
          want.push(b);
          bytes += b.data.length;
        }
        const got = await fetchBatches(state, offset, maxBytes, log.read, hw);
        expect(got.batches.length).toBe(want.length);
        got.batches.forEach((b, i) => expect(b).toBe(want[i].data)); // the stored entries themselves: not decoded, not copied
        expect(got.bytes).toBe(bytes);
        expect(got.nextOffset).toBe(want.length > 0 ? want[want.length - 1].end : offset);
        if (offset < hw) expect(got.batches.length).toBeGreaterThanOrEqual(1);
        expect(got.bytes <= maxBytes || got.batches.length === 1).toBe(true);
        if (want.length > 0) expect(want[0].baseOffset).toBeLessThanOrEqual(offset);
        // What a consumer reads from them: exactly the log's records in [offset, nextOffset), in order.
        const records = all.flatMap((b) => decodeRecordBatch(b.data).records).filter((r) => r.offset >= offset && r.offset < got.nextOffset);
        expect(recordsOf(got.batches, offset).map(view)).toEqual(records.map(view));
      }),
      { numRuns: 200 },
    );
  });

  it('returns the bytes the leader proposed, unchanged, and a consumer decoding them from a mid-batch offset gets exactly the records from that offset', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(recordArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('create' as const, 'logAppend' as const),
        fc.nat(),
        async (batches, timestampType, o) => {
          const log = new TestLog();
          log.append(EntryType.Normal, new Uint8Array(0));
          log.commitUpTo(1);
          const state = new PartitionState(ctx);
          log.applyCommitted(state);
          const session = new LeaderSession(state, log.term);
          const proposed: Buffer[] = [];
          const propose = (data: Uint8Array) => {
            proposed.push(Buffer.from(data)); // a copy: what left the leader, whatever happens to its buffer after
            return log.propose(data);
          };
          const inputs: Array<RecordInput & { offset: number; appendTime: number }> = [];
          batches.forEach((records, i) => {
            const appendTime = 10_000 + i;
            const o2 = session.produce(produceOf(records, undefined, { appendTime, timestampType }), propose);
            expect(o2.kind).toBe('appended');
            const base = o2.kind === 'appended' ? o2.baseOffset : -1;
            // The stamped bytes are what encoding the records with the stamps would give.
            expect(proposed[i]).toEqual(encodeRecordBatch(records, { baseOffset: base, partitionLeaderEpoch: log.term, ...(timestampType === 'logAppend' ? { logAppendTime: appendTime } : {}) }));
            records.forEach((r, k) => inputs.push({ ...r, offset: base + k, appendTime }));
          });
          log.commitUpTo(log.lastIndex);
          log.applyCommitted(state);

          const whole = await fetchBatches(state, 0, 1 << 20, log.read);
          expect(whole.batches.map((b) => Buffer.from(b))).toEqual(proposed);
          expect(whole.nextOffset).toBe(state.nextOffset);

          const from = o % state.nextOffset;
          const got = await fetchBatches(state, from, 1 << 20, log.read);
          const first = proposed.findIndex((p) => readRecordBatchHeader(p).baseOffset + readRecordBatchHeader(p).recordCount > from);
          expect(got.batches.map((b) => Buffer.from(b))).toEqual(proposed.slice(first));
          const want = inputs.filter((r) => r.offset >= from);
          expect(recordsOf(got.batches, from).map(view)).toEqual(
            want.map((r) =>
              view({ offset: r.offset, timestamp: timestampType === 'logAppend' ? r.appendTime : r.timestamp, key: r.key, value: r.value, headers: r.headers ?? [] }),
            ),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a fetch plan starts at most one index interval before the entry holding the fetch offset', () => {
    fc.assert(
      fc.property(logStepsArb(), fc.nat(), (steps, o) => {
        const { log, state } = buildPartitionLog(steps, { options });
        if (state.nextOffset === 0) return;
        const offset = o % state.nextOffset;
        const plan = planFetch(state, offset, 1000);
        let skippedBatches = 0;
        let skippedBytes = 0;
        for (let i = plan.fromIndex; i <= log.lastIndex; i++) {
          const e = log.entry(i);
          if (e.type !== EntryType.Normal || e.data.length === 0) continue;
          const header = readRecordBatchHeader(e.data);
          if (header.baseOffset + header.recordCount > offset) break;
          skippedBatches++;
          skippedBytes += e.data.length;
        }
        expect(skippedBatches).toBeLessThanOrEqual(options.indexIntervalEntries);
        expect(skippedBatches <= 1 || skippedBytes < options.indexIntervalBytes + 2000).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('a fetch at the high watermark returns nothing and says it is complete (the consumer waits)', async () => {
    const { log, state } = buildPartitionLog([{ kind: 'plain', records: [{ key: null, value: new Uint8Array(2), timestamp: 1 }] }], { options });
    const got = await fetchBatches(state, state.nextOffset, 100, log.read);
    expect([got.batches.length, got.complete, got.nextOffset]).toEqual([0, true, state.nextOffset]);
  });

  it('a fetch below the log start or past the log end is OFFSET_OUT_OF_RANGE, with the valid range in its details', () => {
    const steps = Array.from({ length: 12 }, () => ({ kind: 'plain' as const, records: [{ key: null, value: new Uint8Array(200), timestamp: 1 }] }));
    const { log, state, snapshots } = buildPartitionLog(steps, { options });
    const boundary = snapshots[0].metadata.index;
    log.compactThrough(boundary);
    state.compactedThrough(boundary);
    expect(state.logStartOffset).toBeGreaterThan(0);
    for (const offset of [state.logStartOffset - 1, state.nextOffset + 1]) {
      let error: unknown;
      try {
        planFetch(state, offset, 100);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PartitionError);
      expect((error as PartitionError).code).toBe('OFFSET_OUT_OF_RANGE');
      expect((error as PartitionError).details).toEqual({ offset, logStartOffset: state.logStartOffset, highWatermark: state.nextOffset });
    }
    expect(() => planFetch(state, state.logStartOffset, 100)).not.toThrow();
  });

  it('entries that start after the fetch offset are refused rather than returned with a gap', () => {
    const { log } = buildPartitionLog(Array.from({ length: 5 }, () => ({ kind: 'plain' as const, records: [{ key: null, value: new Uint8Array(5), timestamp: 1 }] })));
    expect(() => selectBatches(log.entries.slice(3), 0, 5, 1000, ctx)).toThrow(/start at offset \d+ \(raft index \d+\)/);
  });

  it('a stored entry that is not a RecordBatch v2 is CORRUPT_BATCH naming its raft index, not returned to the consumer', () => {
    const { log } = buildPartitionLog([{ kind: 'plain', records: [{ key: null, value: new Uint8Array(5), timestamp: 1 }] }]);
    const entries = log.entries.map((e) => (e.data.length > 0 ? { ...e, data: Buffer.concat([Buffer.from([0xb2]), Buffer.from(e.data).subarray(1)]) } : e));
    let error: unknown;
    try {
      selectBatches(entries, 0, 1, 1000, ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CORRUPT_BATCH', details: { raftIndex: 2 } });
    expect((error as Error).message).toMatch(/raft index 2 is not a RecordBatch v2/);
  });
});
