import { CONTROLLER_GROUP, type MetadataState } from '../metadata';
import type { MultiRaft } from './multi-raft';

/** Entries of the controller log kept behind its snapshot, for followers that lag a little. */
const CONTROLLER_LOG_TAIL = 1000;

/**
 * Snapshots of the metadata, so that its log is trimmed and a node that lags far gets the
 * snapshot: like a partition's retention (retention-work.ts), the snapshot and the compaction go
 * into the next Ready cycle's store batch.
 */
export class ControllerSnapshots {
  private lastSnapshot = 0;

  /** Snapshot `state` and trim the log behind it, once it has grown by two tails since the last time. */
  maybeSnapshot(multi: MultiRaft, state: MetadataState): void {
    const applied = state.appliedIndex;
    if (applied - this.lastSnapshot < CONTROLLER_LOG_TAIL * 2) return;
    const conf = multi.node(CONTROLLER_GROUP)?.status().conf;
    if (!conf) return;
    const data = state.snapshot();
    this.lastSnapshot = applied;
    multi.enqueueStoreWork({
      stage: (batch) => {
        batch.createSnapshot(CONTROLLER_GROUP, applied, conf, data);
        batch.compact(CONTROLLER_GROUP, applied - CONTROLLER_LOG_TAIL);
        return true;
      },
    });
  }
}
