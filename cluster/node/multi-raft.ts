import {
  type ConfState,
  type Entry,
  type Message,
  type NodeId,
  type RaftNode,
  RawNode,
  type ReadState,
  type Ready,
  type Snapshot,
  type SoftState,
  type Storage,
} from '../../raft';

/** What the host needs of a node's log store: one storage per group, and node-wide synced batches. */
export interface HostStore {
  /** Open (or create, with `conf` as its initial membership) the storage of one group. */
  openGroup(group: number, conf: ConfState): HostGroupStorage;
  /** One atomic batch for the whole node's Ready cycle (group commit). */
  beginBatch(): HostBatch;
  dropGroup(group: number): Promise<void>;
}

export interface HostGroupStorage extends Storage {
  /** The snapshot the group's state machine should restart from, if any (index 0 = none). */
  latestSnapshot(): Snapshot | undefined;
}

export interface HostBatch {
  stage(group: number, ready: Ready, conf: ConfState): void;
  /** Record the application's snapshot of a group at `index` (<= applied); the log is kept. */
  createSnapshot(group: number, index: number, conf: ConfState, data: Uint8Array): void;
  /** Drop a group's log through `index`; a snapshot at or past it must exist. */
  compact(group: number, index: number): void;
  commit(sync: boolean): Promise<void>;
}

/** Work the host adds to the next Ready cycle's store batch (snapshots, compaction). */
export interface StoreWork {
  /** Stage into the batch; false if there is nothing to do any more. */
  stage(batch: HostBatch): boolean;
  /** The batch is durable. */
  committed?(): void;
}

/** What a group's application does with the log. All calls are synchronous and in log order. */
export interface GroupStateMachine {
  restore(snapshot: Snapshot): void;
  apply(entries: readonly Entry[]): void;
  /** Entries of this group reached this node's disk (acks=leader answers here). */
  persisted?(entries: readonly Entry[]): void;
  readStates?(states: readonly ReadState[]): void;
  roleChanged?(soft: SoftState): void;
}

export interface Transport {
  send(group: number, message: Message): void;
  /** Push everything queued by send() onto the wire. */
  flush(): void;
}

export interface MultiRaftOptions {
  nodeId: NodeId;
  store: HostStore;
  transport: Transport;
  tickMs: number;
  electionTicks: number;
  heartbeatTicks: number;
  /** Whether each Ready cycle fsyncs (turn off only for benchmarks of everything but the disk). */
  sync?: boolean;
  onError?: (group: number, error: unknown) => void;
  /** The store failed (a write did not land): the host must stop, its state is no longer durable. */
  onFatal?: (error: unknown) => void;
}

interface Group {
  readonly id: number;
  readonly node: RaftNode;
  readonly storage: HostGroupStorage;
  readonly sm: GroupStateMachine;
}

/**
 * Hosts many Raft groups on one node: one timer ticks them all, one loop drains their Ready
 * batches into a single synced store write (group commit), then sends every message and applies
 * every committed entry. Nothing per group costs a timer, a socket or a closure.
 */
export class MultiRaft {
  private readonly groups = new Map<number, Group>();
  private readonly dirty = new Set<number>();
  private storeWork: StoreWork[] = [];
  /** When each peer was last heard from (any message of any group), ms since the epoch. */
  readonly lastHeard = new Map<NodeId, number>();
  private timer: NodeJS.Timeout | undefined;
  private looping = false;
  private scheduled = false;
  private stopped = false;

  constructor(private readonly opts: MultiRaftOptions) {}

  start(): void {
    this.timer = setInterval(() => this.tickAll(), this.opts.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.looping) await new Promise((r) => setTimeout(r, 5));
  }

  has(group: number): boolean {
    return this.groups.has(group);
  }

  groupIds(): number[] {
    return [...this.groups.keys()];
  }

  node(group: number): RaftNode | undefined {
    return this.groups.get(group)?.node;
  }

  /** Start hosting a group: restore its state machine from the latest snapshot and replay. */
  addGroup(id: number, conf: ConfState, sm: GroupStateMachine): RaftNode {
    const existing = this.groups.get(id);
    if (existing) return existing.node;
    const storage = this.opts.store.openGroup(id, conf);
    const snap = storage.latestSnapshot();
    if (snap) sm.restore(snap);
    const node = new RawNode({
      id: this.opts.nodeId,
      electionTicks: this.opts.electionTicks,
      heartbeatTicks: this.opts.heartbeatTicks,
      storage,
      seed: (this.opts.nodeId * 1_000_003 + id) >>> 0,
      applied: snap?.metadata.index ?? storage.firstIndex() - 1,
    });
    this.groups.set(id, { id, node, storage, sm });
    this.markDirty(id);
    return node;
  }

  async removeGroup(id: number, dropData: boolean): Promise<void> {
    this.groups.delete(id);
    this.dirty.delete(id);
    if (dropData) await this.opts.store.dropGroup(id);
  }

  step(group: number, message: Message): void {
    const g = this.groups.get(group);
    if (!g) return; // not (yet) hosted here: the sender retries
    g.node.step(message);
    this.markDirty(group);
  }

  /** Run `fn` against a group's node and schedule its Ready; for propose, readIndex, transfer. */
  withNode<T>(group: number, fn: (node: RaftNode) => T): T {
    const g = this.groups.get(group);
    if (!g) throw new Error(`group ${group} is not hosted on node ${this.opts.nodeId}`);
    try {
      return fn(g.node);
    } finally {
      this.markDirty(group);
    }
  }

  entriesLoaded(group: number): void {
    const g = this.groups.get(group);
    if (!g) return;
    g.node.entriesLoaded();
    this.markDirty(group);
  }

  private tickAll(): void {
    for (const g of this.groups.values()) {
      g.node.tick();
      this.dirty.add(g.id);
    }
    this.schedule();
  }

  /** A frame from `peer` arrived (liveness for DescribeCluster). */
  heardFrom(peer: NodeId): void {
    this.lastHeard.set(peer, Date.now());
  }

  /** Stage `work` in the next cycle's batch (one cycle runs even if no group has a Ready). */
  enqueueStoreWork(work: StoreWork): void {
    this.storeWork.push(work);
    this.schedule();
  }

  markDirty(group: number): void {
    this.dirty.add(group);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.looping || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.loop();
    });
  }

  /** Drain Ready batches until no group has one. Only one loop runs at a time. */
  private async loop(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    try {
      while (!this.stopped && (this.dirty.size > 0 || this.storeWork.length > 0)) await this.cycle();
    } catch (e) {
      // Only the store's write can fail here: nothing after it may run on state that is not durable.
      this.stopped = true;
      if (this.timer) clearInterval(this.timer);
      if (this.opts.onFatal) this.opts.onFatal(e);
      else throw e;
    } finally {
      this.looping = false;
    }
  }

  private async cycle(): Promise<void> {
    const work: Array<{ g: Group; rd: Ready }> = [];
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      const g = this.groups.get(id);
      if (g && g.node.hasReady()) work.push({ g, rd: g.node.ready() });
    }
    const storeWork = this.storeWork;
    this.storeWork = [];
    if (work.length === 0 && storeWork.length === 0) return;

    // 1-4 of the Ready contract, for every group at once: one atomic batch, one sync.
    const batch = this.opts.store.beginBatch();
    let mustSync = storeWork.length > 0;
    for (const { g, rd } of work) {
      batch.stage(g.id, rd, g.node.status().conf);
      mustSync ||= rd.mustSync;
    }
    const staged = storeWork.filter((w) => {
      try {
        return w.stage(batch);
      } catch (e) {
        this.opts.onError?.(-1, e); // housekeeping that no longer applies; the store is fine
        return false;
      }
    });
    await batch.commit(mustSync && this.opts.sync !== false);
    for (const w of staged) {
      try {
        w.committed?.();
      } catch (e) {
        this.opts.onError?.(-1, e);
      }
    }

    // 5: only now send. 6: apply. 7: advance.
    for (const { g, rd } of work) {
      for (const m of rd.messages) this.opts.transport.send(g.id, m);
    }
    this.opts.transport.flush();
    for (const { g, rd } of work) {
      try {
        if (rd.snapshot) g.sm.restore(rd.snapshot);
        if (rd.entries.length > 0) g.sm.persisted?.(rd.entries);
        if (rd.committedEntries.length > 0) g.sm.apply(rd.committedEntries);
        if (rd.readStates.length > 0) g.sm.readStates?.(rd.readStates);
        if (rd.softState) g.sm.roleChanged?.(rd.softState);
      } catch (e) {
        this.opts.onError?.(g.id, e);
      }
      g.node.advance(rd);
      if (g.node.hasReady()) this.dirty.add(g.id);
    }
  }
}
