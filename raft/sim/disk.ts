import { MemoryStorage } from '../memory-storage';
import type { ConfState, Entry, HardState, Snapshot } from '../types';

type Op =
  | { kind: 'snapshot'; snapshot: Snapshot }
  | { kind: 'entries'; entries: readonly Entry[] }
  | { kind: 'hardState'; hardState: HardState }
  /** The membership as of the applied index (MemoryStorage.setConf), so a restart keeps it. */
  | { kind: 'conf'; conf: ConfState }
  | { kind: 'compact'; snapshot: Snapshot };

/**
 * A node's virtual disk. The running node reads its MemoryStorage (the page cache); every write
 * to it is also logged here and reaches the platters only when synced. A crash keeps the durable state
 * plus some prefix of the unsynced writes, chosen by the simulator's RNG, as a real disk may.
 */
export class VirtualDisk {
  private durableOps: Op[] = [];
  private unsynced: Op[] = [];

  constructor(private initialConf: ConfState) {}

  write(op: Op): void {
    this.unsynced.push(op);
  }

  sync(): void {
    this.durableOps.push(...this.unsynced);
    this.unsynced = [];
  }

  unsyncedCount(): number {
    return this.unsynced.length;
  }

  /** Power loss: keep the first `keep` unsynced writes, lose the rest. */
  crash(keep: number): void {
    this.durableOps.push(...this.unsynced.slice(0, keep));
    this.unsynced = [];
    this.compactHistory();
  }

  /**
   * The disk is erased or replaced: everything is gone, synced data included. `conf` is the
   * membership a fresh storage starts with (the readmission protocol: none at all).
   */
  wipe(conf: ConfState): void {
    this.initialConf = conf;
    this.durableOps = [];
    this.unsynced = [];
  }

  /** Rebuild the storage a restarted node sees. */
  load(): MemoryStorage {
    const s = new MemoryStorage(this.initialConf);
    for (const op of this.durableOps) applyOp(s, op);
    return s;
  }

  /** Fold the op history into a checkpoint so restarts stay cheap on long schedules. */
  private compactHistory(): void {
    if (this.durableOps.length < 64) return;
    const s = this.load();
    const ops: Op[] = [];
    const snap = s.snapshot() as Snapshot;
    if (snap.metadata.index > 0) ops.push({ kind: 'snapshot', snapshot: snap });
    ops.push({ kind: 'conf', conf: snap.metadata.conf });
    ops.push({ kind: 'entries', entries: s.allEntries() });
    ops.push({ kind: 'hardState', hardState: s.hardState() });
    this.durableOps = ops;
  }
}

function applyOp(s: MemoryStorage, op: Op): void {
  switch (op.kind) {
    case 'snapshot':
      if (op.snapshot.metadata.index > (s.snapshot() as Snapshot).metadata.index) s.applySnapshot(op.snapshot);
      return;
    case 'entries':
      s.append(op.entries);
      return;
    case 'hardState':
      s.setHardState(op.hardState);
      return;
    case 'conf':
      s.setConf(op.conf);
      return;
    case 'compact': {
      const { index, conf } = op.snapshot.metadata;
      if (index <= s.firstIndex() - 1 || index > s.lastIndex()) return;
      s.createSnapshot(index, conf, op.snapshot.data);
      s.compact(index);
      return;
    }
    default: {
      const never: never = op;
      throw new Error(`unknown disk op ${JSON.stringify(never)}`);
    }
  }
}

export type DiskOp = Op;
