import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EntryType } from '../../raft';
import { logStepsArb, recordArb } from './arbitraries';
import { decodeBatch, type FetchedRecord, isRecordBatch, recordSize } from './batch-codec';
import { PartitionError } from './errors';
import { decodeRecords, fetchRecords, planFetch } from './fetch';
import { buildPartitionLog, type TestLog } from './test-log';

const ctx = { topic: 't', partition: 0 };
const options = { indexIntervalBytes: 300, indexIntervalEntries: 4, segmentBytes: 1500 };

function allRecords(log: TestLog): Array<FetchedRecord & { size: number }> {
  const out: Array<FetchedRecord & { size: number }> = [];
  for (const e of log.entries) {
    if (e.type !== EntryType.Normal || !isRecordBatch(e.data)) continue;
    for (const r of decodeBatch(e.data, ctx, e.index).records) out.push({ ...r, size: recordSize(r) });
  }
  return out;
}

const view = (r: FetchedRecord) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key && [...r.key], value: [...r.value], headers: r.headers.map((h) => [h.key, [...h.value]]) });

describe('fetch', () => {
  it('returns the records from the fetch offset on, below the high watermark, as many as fit the budget and at least one if any is visible', async () => {
    await fc.assert(
      fc.asyncProperty(logStepsArb(recordArb), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 3000 }), async (steps, o, h, maxBytes) => {
        const { log, state } = buildPartitionLog(steps, { options });
        const all = allRecords(log);
        const offset = o % (state.nextOffset + 1);
        const hw = offset + (h % (state.nextOffset - offset + 1));
        // The reference: a greedy prefix over every record of the log.
        const want: typeof all = [];
        let bytes = 0;
        for (const r of all.slice(offset, hw)) {
          if (want.length > 0 && bytes + r.size > maxBytes) break;
          want.push(r);
          bytes += r.size;
        }
        const got = await fetchRecords(state, offset, maxBytes, log.read, hw);
        expect(got.records.map(view)).toEqual(want.map(view));
        expect(got.bytes).toBe(bytes);
        expect(got.nextOffset).toBe(offset + want.length);
        if (offset < hw) expect(got.records.length).toBeGreaterThanOrEqual(1);
        expect(got.bytes <= maxBytes || got.records.length === 1).toBe(true);
      }),
      { numRuns: 200 },
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
          if (e.type !== EntryType.Normal || !isRecordBatch(e.data)) continue;
          const { header } = decodeBatch(e.data, ctx, i);
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
    const { log, state } = buildPartitionLog([{ kind: 'plain', records: [{ value: new Uint8Array(2), timestamp: 1 }] }], { options });
    const got = await fetchRecords(state, state.nextOffset, 100, log.read);
    expect([got.records.length, got.complete, got.nextOffset]).toEqual([0, true, state.nextOffset]);
  });

  it('a fetch below the log start or past the log end is OFFSET_OUT_OF_RANGE, with the valid range in its details', () => {
    const steps = Array.from({ length: 12 }, () => ({ kind: 'plain' as const, records: [{ value: new Uint8Array(200), timestamp: 1 }] }));
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
    const { log } = buildPartitionLog(Array.from({ length: 5 }, () => ({ kind: 'plain' as const, records: [{ value: new Uint8Array(5), timestamp: 1 }] })));
    expect(() => decodeRecords(log.entries.slice(3), 0, 5, 1000, ctx)).toThrow(/start at offset \d+ \(raft index \d+\)/);
  });
});
