import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EntryType } from '../../raft';
import { logStepsArb } from './arbitraries';
import { decodeRecordBatch } from '../records';
import { listOffset } from './list-offsets';
import { buildPartitionLog, type TestLog } from './test-log';

const options = { indexIntervalBytes: 300, indexIntervalEntries: 3, segmentBytes: 900 };
const fewTimes = fc.record({ key: fc.constant(null), value: fc.uint8Array({ maxLength: 150 }), timestamp: fc.integer({ min: 0, max: 100 }) });

function timestamps(log: TestLog): Array<{ offset: number; timestamp: number }> {
  const out: Array<{ offset: number; timestamp: number }> = [];
  for (const e of log.entries) {
    if (e.type !== EntryType.Normal || e.data.length === 0) continue;
    for (const r of decodeRecordBatch(e.data).records) out.push({ offset: r.offset, timestamp: r.timestamp });
  }
  return out;
}

describe('list offsets', () => {
  it("by timestamp gives the first retained offset whose record timestamp is >= t, or none (CreateTime: the producer's timestamps; LogAppendTime: the leader's)", async () => {
    await fc.assert(
      fc.asyncProperty(
        logStepsArb(fewTimes),
        fc.integer({ min: -5, max: 110 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.boolean(),
        fc.constantFrom('create' as const, 'logAppend' as const),
        async (steps, random, pick, compact, timestampType) => {
          // LogAppendTime: the leader's clock reads 2 ms later at each batch, from 3.
          const { log, state, snapshots } = buildPartitionLog(steps, { options }, undefined, { timestampType, clock: (i) => 3 + 2 * i });
          // Half the time look up a timestamp that is in the log: ties are where off-by-one errors hide.
          const all = timestamps(log);
          const t = pick === undefined || all.length === 0 ? random : all[pick % all.length].timestamp;
          if (compact && snapshots.length > 0) {
            const at = snapshots[Math.floor(snapshots.length / 2)].metadata.index;
            log.compactThrough(at);
            state.compactedThrough(at);
          }
          const want = timestamps(log).find((r) => r.offset >= state.logStartOffset && r.timestamp >= t)?.offset;
          expect(await listOffset(state, { timestamp: t }, log.read, 500)).toBe(want);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('earliest is the log start and latest is the high watermark, before and after compaction', async () => {
    const steps = Array.from({ length: 10 }, (_, i) => ({ kind: 'plain' as const, records: [{ key: null, value: new Uint8Array(150), timestamp: i }] }));
    const { log, state, snapshots } = buildPartitionLog(steps, { options });
    expect([await listOffset(state, 'earliest', log.read), await listOffset(state, 'latest', log.read)]).toEqual([0, 10]);
    const at = snapshots[0].metadata.index;
    log.compactThrough(at);
    state.compactedThrough(at);
    expect(state.logStartOffset).toBeGreaterThan(0);
    expect([await listOffset(state, 'earliest', log.read), await listOffset(state, 'latest', log.read)]).toEqual([state.logStartOffset, 10]);
  });
});
