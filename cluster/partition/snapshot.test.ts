import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Snapshot } from '../../raft';
import { logStepsArb } from './arbitraries';
import { fetchBatches } from './fetch';
import { PartitionState } from './partition-state';
import { buildPartitionLog, recordsOf, type TestLog } from './test-log';

const ctx = { topic: 't', partition: 0 };
const options = { segmentBytes: 600, indexIntervalBytes: 150, indexIntervalEntries: 3 };
const conf = { voters: [1], learners: [] };

function replay(log: TestLog, upTo: number): PartitionState {
  const s = new PartitionState(ctx, { options, conf });
  log.applyCommitted(s, upTo);
  return s;
}

async function everything(state: PartitionState, log: TestLog) {
  const { batches } = await fetchBatches(state, state.logStartOffset, Number.MAX_SAFE_INTEGER, log.read);
  return recordsOf(batches, state.logStartOffset).map((r) => [r.offset, r.value && [...r.value]]);
}

function same(a: PartitionState, b: PartitionState) {
  expect(Buffer.from(a.snapshot().data).equals(Buffer.from(b.snapshot().data))).toBe(true);
  expect(a.snapshot().metadata).toEqual(b.snapshot().metadata);
  expect(a.logStartOffset).toBe(b.logStartOffset);
  expect(a.retainedBytes).toBe(b.retainedBytes);
}

describe('partition snapshots', () => {
  it('restoring a segment snapshot and applying the rest equals applying everything, then compacting at that boundary', async () => {
    let exercised = 0;
    await fc.assert(
      fc.asyncProperty(logStepsArb(), async (steps) => {
        const { log, state, snapshots } = buildPartitionLog(steps, { options, conf });
        for (const snap of snapshots) {
          exercised++;
          const restored = PartitionState.restore(ctx, snap, { options });
          log.applyCommitted(restored);
          const full = replay(log, log.commit);
          full.compactedThrough(snap.metadata.index);
          same(restored, full);
          expect(restored.index.all()).toEqual(full.index.all());
          expect(await everything(restored, log)).toEqual(await everything(full, log));
        }
        same(replay(log, log.commit), state);
      }),
      { numRuns: 150 },
    );
    expect(exercised).toBeGreaterThan(150);
  });

  it('a snapshot taken at any applied index restores to the same replicated state and the same future index points', () => {
    fc.assert(
      fc.property(logStepsArb(), fc.nat(), (steps, cut) => {
        const { log, state } = buildPartitionLog(steps, { options, conf });
        const at = 1 + (cut % log.commit);
        const snap: Snapshot = replay(log, at).snapshot();
        const restored = PartitionState.restore(ctx, snap, { options });
        log.applyCommitted(restored);
        expect(Buffer.from(restored.snapshot().data).equals(Buffer.from(state.snapshot().data))).toBe(true);
        expect(restored.logStartOffset).toBe(replay(log, at).nextOffset);
        // Apart from the boundary point the restore makes, the points after the snapshot are the same.
        const after = (s: PartitionState) => s.index.all().filter((p) => p.raftIndex > at + 1);
        expect(after(restored)).toEqual(after(state));
        expect(restored.index.first()).toMatchObject({ raftIndex: at + 1, baseOffset: restored.logStartOffset });
      }),
      { numRuns: 150 },
    );
  });

  it('the snapshot reports the membership of the last applied conf change entry', () => {
    const { state } = buildPartitionLog([{ kind: 'confChange', node: 4 }, { kind: 'confChange', node: 2 }], { conf: { voters: [1], learners: [] } });
    expect(state.snapshot().metadata.conf).toEqual({ voters: [1, 4, 2], learners: [] });
  });

  it('a snapshot made with other state options is refused, naming the differing option', () => {
    const { state } = buildPartitionLog([{ kind: 'plain', records: [{ key: null, value: new Uint8Array(3), timestamp: 1 }] }], { options });
    expect(() => PartitionState.restore(ctx, state.snapshot(), { options: { ...options, maxProducers: 5 } })).toThrow(/made with maxProducers=10000, this replica is configured with 5/);
  });

  it('a damaged snapshot is refused as CORRUPT_BATCH rather than restored into a wrong state', () => {
    const { state } = buildPartitionLog([{ kind: 'idempotent', producer: 2, records: [{ key: null, value: new Uint8Array(3), timestamp: 1 }] }], { options });
    const snap = state.snapshot();
    for (const cut of [0, 10, snap.data.length - 1]) {
      const data = snap.data.subarray(0, cut);
      expect(() => PartitionState.restore(ctx, { ...snap, data }, { options })).toThrow(/partition snapshot at raft index \d+ is unreadable/);
    }
  });
});
