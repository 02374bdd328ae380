import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EntryType } from '../../raft';
import { logStepsArb } from './arbitraries';
import { readRecordBatchHeader } from '../records';
import { fetchBatches } from './fetch';
import { retentionCompactIndex, type RetentionConfig } from './retention';
import { buildPartitionLog, recordsOf } from './test-log';

const options = { indexIntervalBytes: 300, indexIntervalEntries: 3, segmentBytes: 700 };

const configArb: fc.Arbitrary<RetentionConfig> = fc.record({
  retentionMs: fc.option(fc.integer({ min: -1, max: 1000 }), { nil: undefined }),
  retentionBytes: fc.option(fc.integer({ min: -1, max: 5000 }), { nil: undefined }),
});

describe('retention', () => {
  it('compacts through the last segment boundary before which everything is expired or beyond retention.bytes, and no further', () => {
    fc.assert(
      fc.property(
        logStepsArb(),
        configArb,
        fc.integer({ min: 0, max: 2000 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.constantFrom('create' as const, 'logAppend' as const),
        (steps, config, random, pick, timestampType) => {
          // LogAppendTime: a batch's time is the leader's clock when it appended it (30 ms per batch here).
          const { log, state, snapshots } = buildPartitionLog(steps, { options }, undefined, { timestampType, clock: (i) => 30 * i });
          const batches = log.entries
            .filter((e) => e.type === EntryType.Normal && e.data.length > 0)
            .map((e) => ({ index: e.index, bytes: e.data.length, maxTimestamp: readRecordBatchHeader(e.data).maxTimestamp }));
          // Half the time, a clock exactly retention.ms after some batch's time: the boundary case.
          const now = pick === undefined || batches.length === 0 ? random : batches[pick % batches.length].maxTimestamp + Math.max(0, config.retentionMs ?? 0);
          const qualifies = (boundary: number) => {
            const removed = batches.filter((b) => b.index <= boundary);
            const kept = batches.filter((b) => b.index > boundary);
            const expired = config.retentionMs !== undefined && config.retentionMs >= 0 && removed.every((b) => b.maxTimestamp < now - config.retentionMs!);
            const surplus = config.retentionBytes !== undefined && config.retentionBytes >= 0 && kept.reduce((n, b) => n + b.bytes, 0) >= config.retentionBytes;
            return expired || surplus;
          };
          const boundaries = snapshots.map((s) => s.metadata.index);
          const want = boundaries.filter(qualifies).pop();
          const got = retentionCompactIndex(state, config, now);
          expect(got).toBe(want);
          if (got !== undefined) {
            expect(boundaries).toContain(got);
            expect(got).toBeLessThanOrEqual(state.appliedIndex);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('after compacting where retention says, the log starts at the first retained record and nothing newer was removed', async () => {
    const steps = Array.from({ length: 30 }, (_, i) => ({ kind: 'plain' as const, records: [{ key: null, value: new Uint8Array(100), timestamp: i * 10 }] }));
    const { log, state } = buildPartitionLog(steps, { options });
    const now = 1000;
    const retentionMs = 850; // records with timestamp < 150 (offsets 0..14) may go
    const at = retentionCompactIndex(state, { retentionMs }, now);
    expect(at).toBeDefined();
    log.compactThrough(at!);
    state.compactedThrough(at!);
    const first = recordsOf((await fetchBatches(state, state.logStartOffset, 1, log.read)).batches, state.logStartOffset)[0];
    expect(first.offset).toBe(state.logStartOffset);
    expect(state.logStartOffset).toBeGreaterThan(0);
    expect(state.logStartOffset).toBeLessThanOrEqual(15);
    expect(retentionCompactIndex(state, { retentionMs }, now)).toBeUndefined();
  });

  it('a quiet topic still gets segment boundaries by record time, so retention.ms can remove its old records', () => {
    const steps = Array.from({ length: 30 }, (_, i) => ({ kind: 'plain' as const, records: [{ key: null, value: new Uint8Array(10), timestamp: i * 10 }] }));
    const { state, snapshots } = buildPartitionLog(steps, { options: { segmentBytes: 1 << 30, segmentMs: 100 } });
    expect(snapshots.length).toBe(2); // records at 0..100 and 110..210 end segments; 220..290 is the open one
    expect(retentionCompactIndex(state, { retentionMs: 50 }, 300)).toBe(snapshots[1].metadata.index);
  });

  it('with no limits set, nothing is ever compacted', () => {
    const steps = Array.from({ length: 30 }, () => ({ kind: 'plain' as const, records: [{ key: null, value: new Uint8Array(100), timestamp: 0 }] }));
    const { state } = buildPartitionLog(steps, { options });
    expect(retentionCompactIndex(state, {}, Number.MAX_SAFE_INTEGER)).toBeUndefined();
    expect(retentionCompactIndex(state, { retentionMs: -1, retentionBytes: -1 }, Number.MAX_SAFE_INTEGER)).toBeUndefined();
  });
});
