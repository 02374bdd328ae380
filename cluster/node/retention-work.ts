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
