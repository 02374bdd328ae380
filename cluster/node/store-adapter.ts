import type { ConfState } from '../../raft';
import type { LogStore } from '../../log-store';
import type { HostBatch, HostGroupStorage, HostStore } from './multi-raft';

/** The node's LevelDB store, as the multi-Raft host uses it. */
export function hostStore(store: LogStore): HostStore {
  return {
    openGroup: (group: number, conf: ConfState): HostGroupStorage => store.openGroup(group, conf),
    beginBatch: (): HostBatch => {
      const batch = store.beginBatch();
      return {
        stage: (group, ready) => batch.stage(group, ready),
        createSnapshot: (group, index, conf, data) => void batch.createSnapshot(group, index, conf, data),
        compact: (group, index) => batch.compact(group, index),
        rewrite: (group, entries) => batch.rewrite(group, entries),
        commit: (sync) => batch.commit({ sync }),
      };
    },
    dropGroup: (group) => store.dropGroup(group),
  };
}
