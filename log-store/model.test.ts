import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Entry, EntryType, MemoryStorage, type Snapshot, UNAVAILABLE } from '../raft';
import { LogStore } from './log-store';

const GROUPS = [1, 2, 7];
const CONF = { voters: [1, 2, 3], learners: [] };

type Op =
  | { t: 'append'; group: number; back: number; count: number; termBump: number; size: number }
  | { t: 'hardState'; group: number; term: number; vote: number }
  | { t: 'snapshotCompact'; group: number; back: number }
  | { t: 'snapshotOnly'; group: number; back: number }
  | { t: 'read'; group: number; from: number; to: number; budget: number }
  | { t: 'install'; group: number; ahead: number; termBump: number }
  | { t: 'restart' };

const group = fc.constantFrom(...GROUPS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ t: fc.constant('append' as const), group, back: fc.nat(4), count: fc.integer({ min: 1, max: 6 }), termBump: fc.nat(2), size: fc.nat(300) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('hardState' as const), group, term: fc.nat(20), vote: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('snapshotCompact' as const), group, back: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('snapshotOnly' as const), group, back: fc.nat(8) }) },
  // from/to pick a range of the group's log at read time (fractions of its length); budget in data bytes.
  { weight: 4, arbitrary: fc.record({ t: fc.constant('read' as const), group, from: fc.double({ min: 0, max: 1, noNaN: true }), to: fc.double({ min: 0, max: 1, noNaN: true }), budget: fc.nat(1200) }) },
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

/** How the core's reads were answered, over the whole run. */
const coreReads = { cache: 0, afterLoad: 0 };

const view = (es: readonly Entry[]) => es.map((e) => [e.index, e.term, e.type, Buffer.from(e.data).toString('hex')]);

/** Wait for the store to report that `group`'s load finished (the host would call entriesLoaded then). */
function loadedOnce(store: LogStore, group: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`group ${group}: no onEntriesLoaded within 5 s`)), 5000);
    store.onEntriesLoaded = (g) => {
      if (g !== group) return;
      clearTimeout(timer);
      resolve();
    };
  });
}

/**
 * The Raft core's read: entries() answers at once from memory, or UNAVAILABLE and loads. Whatever it
 * answers must be a non-empty prefix of the model's answer (the core treats a short answer as
 * "budget reached" and asks again), and after a load it must answer.
 */
async function checkCoreRead(store: LogStore, id: number, m: MemoryStorage, lo: number, hi: number, budget: number): Promise<void> {
  const g = store.group(id)!;
  const want = view(m.entries(lo, hi, budget) as readonly Entry[]);
  for (let attempt = 0; attempt < 3; attempt++) {
    const loaded = loadedOnce(store, id);
    const got = g.entries(lo, hi, budget);
    if (got !== UNAVAILABLE) {
      expect(got.length).toBeGreaterThan(0);
      expect(view(got)).toEqual(want.slice(0, got.length));
      loaded.catch(() => undefined);
      store.onEntriesLoaded = () => undefined;
      if (attempt === 0) coreReads.cache++;
      else coreReads.afterLoad++;
      return;
    }
    await loaded;
  }
  throw new Error(`group ${id}: entries(${lo}, ${hi}) still UNAVAILABLE after two loads`);
}

async function checkRead(store: LogStore, id: number, m: MemoryStorage, op: Extract<Op, { t: 'read' }>): Promise<void> {
  const first = m.firstIndex();
  const last = m.lastIndex();
  if (last < first) return;
  const n = last - first + 1;
  const lo = first + Math.min(n - 1, Math.floor(op.from * n));
  const hi = Math.min(last + 1, lo + 1 + Math.floor(op.to * (last + 1 - lo)));
  const want = view(m.entries(lo, hi, op.budget) as readonly Entry[]);
  // Consumers' reads are exact: the same cut by the byte budget as the model's.
  expect(view(await store.group(id)!.readEntries(lo, hi, op.budget))).toEqual(want);
  await checkCoreRead(store, id, m, lo, hi, op.budget);
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
    expect(g.initialState()).toEqual(m.initialState());
    for (let i = m.firstIndex() - 1; i <= m.lastIndex(); i++) expect(g.term(i)).toBe(m.term(i));
    const snap = g.snapshot() as Snapshot;
    const msnap = m.snapshot() as Snapshot;
    expect(snap.metadata).toEqual(msnap.metadata);
    expect(Buffer.from(snap.data).equals(Buffer.from(msnap.data))).toBe(true);
    if (m.lastIndex() >= m.firstIndex()) {
      const want = m.entries(m.firstIndex(), m.lastIndex() + 1, Infinity) as readonly Entry[];
      expect(view(await g.readEntries(g.firstIndex(), g.lastIndex() + 1, Infinity))).toEqual(view(want));
      await checkCoreRead(store, id, m, m.firstIndex(), m.lastIndex() + 1, Infinity);
    }
  }
}

describe('the LevelDB store agrees with the in-memory model', () => {
  it('random appends, overwrites, hard states, snapshots, compactions, installs, restarts and reads: every read agrees', async () => {
    let diskReads = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 25 }), async (batches) => {
        const dir = mkdtempSync(join(tmpdir(), 'flotilla-model-'));
        const models = new Map(GROUPS.map((id) => [id, new MemoryStorage(CONF)]));
        // A cache far smaller than the logs, so reads go to the disk as often as to memory.
        const open = () => LogStore.open(dir, { clusterId: 'c', nodeId: 1, cacheBytes: 2000 });
        let store = await open();
        let salt = 0;
        try {
          for (const ops of batches) {
            const batch = store.beginBatch();
            let restart = false;
            const reads: Array<Extract<Op, { t: 'read' }>> = [];
            for (const op of ops) {
              if (op.t === 'restart') {
                restart = true;
                continue;
              }
              if (op.t === 'read') {
                reads.push(op);
                continue;
              }
              const m = models.get(op.group)!;
              store.openGroup(op.group, CONF);
              switch (op.t) {
                case 'append': {
                  // Overwrite a suffix, as a new leader does, but never a committed entry (Raft never does).
                  const from = Math.max(m.firstIndex(), m.lastIndex() + 1 - op.back, m.hardState().commit + 1);
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
                case 'snapshotCompact':
                case 'snapshotOnly': {
                  const index = m.lastIndex() - op.back;
                  if (index < m.firstIndex()) break;
                  const data = Buffer.from(`state@${index}`);
                  const before = m.snapshot() as Snapshot;
                  m.createSnapshot(index, CONF, data);
                  if (op.t === 'snapshotCompact') m.compact(index);
                  if (index > before.metadata.index && m.hardState().commit < index) m.setHardState({ ...m.hardState(), commit: index });
                  batch.createSnapshot(op.group, index, CONF, data);
                  if (op.t === 'snapshotCompact') batch.compact(op.group, index);
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
              store = await open();
            }
            for (const r of reads) if (store.group(r.group)) await checkRead(store, r.group, models.get(r.group)!, r);
            await check(store, models);
          }
        } finally {
          diskReads += store.stats().diskReads;
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: Number(process.env.MODEL_RUNS ?? 200) },
    );
    // The runs did exercise both paths: reads from the disk and from the cache.
    expect(diskReads).toBeGreaterThan(0);
    expect(coreReads.cache).toBeGreaterThan(0);
    expect(coreReads.afterLoad).toBeGreaterThan(0);
  });
});
