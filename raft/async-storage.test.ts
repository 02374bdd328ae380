import { describe, expect, it } from 'vitest';
import { EntryType, MemoryStorage, RawNode, type Entry, UNAVAILABLE } from './index';

/**
 * A storage like the LevelDB store's: entries not in memory come back UNAVAILABLE while a load
 * runs, and a loaded range is handed out once (then dropped to bound memory).
 */
class LoadOnceStorage extends MemoryStorage {
  private loaded: { lo: number; hi: number } | undefined;
  pendingLoad: { lo: number; hi: number } | undefined;
  loads = 0;

  override entries(lo: number, hi: number, maxBytes: number): readonly Entry[] | typeof UNAVAILABLE {
    const slot = this.loaded;
    if (slot && slot.lo === lo) {
      this.loaded = undefined;
      return super.entries(lo, Math.min(hi, slot.hi), maxBytes);
    }
    this.pendingLoad = { lo, hi };
    this.loads++;
    return UNAVAILABLE;
  }

  finishLoad(): void {
    this.loaded = this.pendingLoad;
    this.pendingLoad = undefined;
  }
}

describe('raw node over a storage that loads asynchronously', () => {
  it('applies committed entries after a restart when the loaded range is handed out only once', () => {
    const storage = new LoadOnceStorage({ voters: [1, 2, 3], learners: [] });
    const entries: Entry[] = [1, 2, 3, 4, 5].map((index) => ({ index, term: 1, type: EntryType.Normal, data: new Uint8Array([index]) }));
    storage.append(entries);
    storage.setHardState({ term: 1, vote: 1, commit: 5 });
    const node = new RawNode({ id: 1, electionTicks: 10, heartbeatTicks: 1, storage, seed: 1 });

    const applied: number[] = [];
    for (let round = 0; round < 10 && applied.length < 5; round++) {
      if (node.hasReady()) {
        const rd = node.ready();
        for (const e of rd.committedEntries) applied.push(e.index);
        node.advance(rd);
      }
      storage.finishLoad();
      node.entriesLoaded();
    }
    expect(applied).toEqual([1, 2, 3, 4, 5]);
    // One load for the range, not one per hasReady()/ready() pair.
    expect(storage.loads).toBe(1);
  });
});
