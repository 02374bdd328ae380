import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../raft/memory-storage';
import { type Entry, EntryType, type Snapshot, UNAVAILABLE } from '../raft/types';
import { LogStore } from './log-store';

const GROUPS = [1, 2, 7];
const CONF = { voters: [1, 2, 3], learners: [] };

type Op =
  | { t: 'append'; group: number; back: number; count: number; termBump: number; size: number }
  | { t: 'hardState'; group: number; term: number; vote: number }
  | { t: 'snapshotCompact'; group: number; back: number }
  | { t: 'install'; group: number; ahead: number; termBump: number }
  | { t: 'restart' };

const group = fc.constantFrom(...GROUPS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ t: fc.constant('append' as const), group, back: fc.nat(4), count: fc.integer({ min: 1, max: 6 }), termBump: fc.nat(2), size: fc.nat(300) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('hardState' as const), group, term: fc.nat(20), vote: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('snapshotCompact' as const), group, back: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('install' as const), group, ahead: fc.integer({ min: 1, max: 10 }), termBump: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.constant({ t: 'restart' as const }) },
);
/** Ops committed together in one batch (group commit). */
const batchArb = fc.array(opArb, { minLength: 1, maxLength: 3 });

function entry(index: number, term: number, size: number, salt: number): Entry {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (index * 31 + salt + i) & 0xff;
  return { index, term, type: EntryType.Normal, data };
}

async function check(store: LogStore, models: Map<number, MemoryStorage>): Promise<void> {
  for (const id of GROUPS) {
    const m = models.get(id)!;
    const g = store.group(id);
    if (!g) {
      expect(m.lastIndex()).toBe(0);
      continue;
    }
    expect(g.firstIndex()).toBe(m.firstIndex());
    expect(g.lastIndex()).toBe(m.lastIndex());
    expect(g.hardState).toEqual(m.hardState());
    for (let i = m.firstIndex() - 1; i <= m.lastIndex(); i++) expect(g.term(i)).toBe(m.term(i));
    if (m.lastIndex() >= m.firstIndex()) {
      const want = m.entries(m.firstIndex(), m.lastIndex() + 1, Infinity) as readonly Entry[];
      const got = await g.readEntries(g.firstIndex(), g.lastIndex() + 1, Infinity);
      expect(got.map((e) => [e.index, e.term, Buffer.from(e.data).toString('hex')])).toEqual(
        want.map((e) => [e.index, e.term, Buffer.from(e.data).toString('hex')]),
      );
      // A byte budget is honoured, but always yields at least one entry.
      const budget = await g.readEntries(g.firstIndex(), g.lastIndex() + 1, 200);
      expect(budget.length).toBeGreaterThanOrEqual(1);
      expect(budget.length === 1 || budget.reduce((n, e) => n + e.data.length, 0) <= 200).toBe(true);
      // Synchronous reads either answer correctly or say UNAVAILABLE (then load).
      const sync = g.entries(m.firstIndex(), m.lastIndex() + 1, Infinity);
      if (sync !== UNAVAILABLE) expect(sync.map((e) => e.index)).toEqual(want.map((e) => e.index));
    }
    const snap = g.snapshot() as Snapshot;
    expect(snap.metadata.index).toBeGreaterThanOrEqual(m.firstIndex() - 1);
  }
}

describe('the LevelDB store agrees with the in-memory model', () => {
  it('random appends, overwrites, hard states, snapshots, compactions, installs and restarts: every read agrees', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 25 }), async (batches) => {
        const dir = mkdtempSync(join(tmpdir(), 'flotilla-model-'));
        const models = new Map(GROUPS.map((id) => [id, new MemoryStorage(CONF)]));
        let store = await LogStore.open(dir, { clusterId: 'c', nodeId: 1, cacheBytes: 2000 });
        let salt = 0;
        try {
          for (const ops of batches) {
            const batch = store.beginBatch();
            let restart = false;
            for (const op of ops) {
              if (op.t === 'restart') {
                restart = true;
                continue;
              }
              const m = models.get(op.group)!;
              store.openGroup(op.group, CONF);
              switch (op.t) {
                case 'append': {
                  const from = Math.max(m.firstIndex(), m.lastIndex() + 1 - op.back);
                  const prevTerm = m.term(from - 1);
                  const entries = Array.from({ length: op.count }, (_, i) => entry(from + i, prevTerm + op.termBump, op.size, ++salt));
                  m.append(entries);
                  batch.stage(op.group, { entries });
                  break;
                }
                case 'hardState': {
                  const hs = { term: op.term, vote: op.vote, commit: m.hardState().commit };
                  m.setHardState(hs);
                  batch.stage(op.group, { entries: [], hardState: hs });
                  break;
                }
                case 'snapshotCompact': {
                  const index = m.lastIndex() - op.back;
                  if (index < m.firstIndex()) break;
                  const data = Buffer.from(`state@${index}`);
                  m.createSnapshot(index, CONF, data);
                  m.compact(index);
                  if (m.hardState().commit < index) m.setHardState({ ...m.hardState(), commit: index });
                  batch.createSnapshot(op.group, index, CONF, data);
                  batch.compact(op.group, index);
                  break;
                }
                case 'install': {
                  const index = m.lastIndex() + op.ahead;
                  const snap: Snapshot = { metadata: { index, term: m.term(m.lastIndex()) + op.termBump, conf: CONF }, data: Buffer.from(`installed@${index}`) };
                  m.applySnapshot(snap);
                  if (m.hardState().commit < index) m.setHardState({ ...m.hardState(), commit: index });
                  batch.stage(op.group, { entries: [], snapshot: snap });
                  break;
                }
              }
            }
            await batch.commit({ sync: false });
            if (restart) {
              await store.close();
              store = await LogStore.open(dir, { clusterId: 'c', nodeId: 1, cacheBytes: 2000 });
            }
            await check(store, models);
          }
        } finally {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: Number(process.env.MODEL_RUNS ?? 150) },
    );
  });
});
