import type { Entry } from '../../raft';
import type { MultiRaft } from './multi-raft';
import type { PartitionReplica } from './partition-replica';

/**
 * Compact partition logs as far as retention allows, keeping the state snapshot at that point:
 * the snapshot and the compaction go into the next Ready cycle's store batch, in the same write
 * chain as the log. `current` says whether a replica still hosts its group when the batch is
 * staged (a topic deleted meanwhile is skipped).
 */
export function enqueueRetention(multi: MultiRaft, replicas: ReadonlyMap<number, PartitionReplica>, now: number): void {
  for (const [g, r] of replicas) {
    const point = r.compactionPoint(now);
    if (!point) continue;
    const conf = point.snapshot.metadata.conf;
    const current = () => replicas.get(g) === r && multi.failure(g) === undefined;
    multi.enqueueStoreWork({
      stage: (batch) => {
        // The group may have been restarted from its store since (a repair): its new incarnation
        // replays from an older snapshot, and compacting past what it applied would lose entries
        // it has yet to apply (found by the host simulator's invariant checks).
        const applied = multi.node(g)?.status().applied ?? 0;
        if (!current() || applied < point.index || r.state.appliedIndex < point.index) return false;
        batch.createSnapshot(g, point.index, conf, point.snapshot.data);
        batch.compact(g, point.index);
        return true;
      },
      committed: () => {
        if (current()) r.compacted(point.index);
      },
    });
  }
}

/**
 * The node's log cleaning (compacted topics): every compacted replica's cleaner gets a pass in
 * turn, one pass at a time on the node, so they share one offset map and cleaning takes one map
 * and one read chunk of memory however many partitions compact. Passes run in the background:
 * reads go to the store, each chunk's rewrites go into a Ready cycle's store batch (the node's one
 * atomic write, in the same write chain as the log), and `round` returns at once.
 */
export class CleanerWork {
  private running = false;
  /** Passes that ran (a check that found nothing to clean is not one). */
  passes = 0;

  constructor(private readonly log: (line: string) => void) {}

  /** Start a round of passes over the compacted replicas unless one is still running. */
  round(multi: MultiRaft, replicas: ReadonlyMap<number, PartitionReplica>, now: () => number): void {
    if (this.running) return;
    const compacted = [...replicas].filter(([, r]) => r.cleaner !== undefined);
    if (compacted.length === 0) return;
    this.running = true;
    void this.passesOver(multi, replicas, compacted, now).finally(() => {
      this.running = false;
    });
  }

  private async passesOver(multi: MultiRaft, replicas: ReadonlyMap<number, PartitionReplica>, compacted: Array<[number, PartitionReplica]>, now: () => number): Promise<void> {
    for (const [g, r] of compacted) {
      const current = () => replicas.get(g) === r && multi.failure(g) === undefined;
      if (!current()) continue;
      try {
        const pass = await r.clean(now(), (entries) => stageRewrite(multi, g, entries, current));
        if (pass) {
          this.passes++;
          if (pass.bytesReclaimed > 0) this.log(`${r.what}: compaction pass through raft index ${pass.mapEndIndex - 1}: ${pass.recordsRemoved} records removed (${pass.tombstonesRemoved} tombstones), ${pass.bytesReclaimed} bytes reclaimed`);
        }
      } catch (e) {
        // A replica that left meanwhile (its topic deleted, its group fenced) fails its reads: not news.
        if (current()) this.log(`${r.what}: compaction pass failed (the next round tries again): ${String(e)}`);
      }
    }
  }
}

/** Stage rewritten entries into the next store batch; resolves once they are durable (or no longer apply). */
function stageRewrite(multi: MultiRaft, group: number, entries: readonly Entry[], current: () => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    multi.enqueueStoreWork({
      stage: (batch) => {
        if (!current()) {
          resolve();
          return false;
        }
        try {
          batch.rewrite(group, entries);
        } catch (e) {
          resolve();
          throw e;
        }
        return true;
      },
      committed: () => resolve(),
    });
  });
}
