/**
 * Child process for the crash test: appends one entry to each of several groups per synced batch,
 * forever, printing "synced N" after batch N is durable; every COMPACT_EVERY batches the same batch
 * also snapshots and compacts each group (whose old entries are then deleted in the background).
 * The parent kills it with SIGKILL.
 */
import { EntryType } from '../raft/types';
import { LogStore } from './log-store';

export const CRASH_GROUPS = [1, 2, 3, 4, 5];
export const COMPACT_EVERY = 50;
const KEEP = 20;

/** The compaction point after batches 1..n: batch k (a multiple of COMPACT_EVERY) compacts to k - KEEP. */
export function compactedAfter(n: number): number {
  const k = n - (n % COMPACT_EVERY);
  return k === 0 ? 0 : k - KEEP;
}

export const snapshotData = (index: number) => Buffer.from(`snapshot@${index}`);
const CONF = { voters: [1], learners: [] };

/** Deterministic content of batch n's entry for group g, so the parent can verify it byte for byte. */
export function crashPayload(n: number, g: number): Buffer {
  const size = 100 + ((n * 7919 + g * 104729) % 3000);
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (n * 31 + g * 17 + i) & 0xff;
  return b;
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  const store = await LogStore.open(dir, { clusterId: 'crash', nodeId: 1 });
  for (const g of CRASH_GROUPS) store.openGroup(g, CONF);
  let n = store.group(CRASH_GROUPS[0])!.lastIndex() + 1;
  for (;;) {
    const batch = store.beginBatch();
    for (const g of CRASH_GROUPS) {
      batch.stage(g, { entries: [{ index: n, term: 1, type: EntryType.Normal, data: crashPayload(n, g) }], hardState: { term: 1, vote: 1, commit: n } });
      if (n % COMPACT_EVERY === 0) {
        batch.createSnapshot(g, n - KEEP, CONF, snapshotData(n - KEEP));
        batch.compact(g, n - KEEP);
      }
    }
    await batch.commit({ sync: true });
    process.stdout.write(`synced ${n}\n`);
    n++;
  }
}

if (process.argv[1]?.endsWith('crash-writer.ts')) void main();
