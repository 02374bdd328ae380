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
import { type HostClock, realClock } from './host-clock';
import { hostBugsOf } from './planted-host-bugs';

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
  /**
   * Replace committed entries in place (same index and term, new data: the log cleaner's output);
   * entries the group no longer holds as they were read (compacted away, replaced by a snapshot,
   * not yet committed or on disk) are skipped. Returns how many were staged.
   */
  rewrite(group: number, entries: readonly Entry[]): number;
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
  /**
   * The group failed on this node and is fenced: fail whatever waits on it and refuse to serve
   * until reset() (a repair) or for good.
   */
  failed?(failure: GroupFailure): void;
  /** Back to the state before any snapshot or entry (a repair replays from the store); without it a failed group is never repaired. */
  reset?(): void;
}

/** Why and since when a group is fenced on this node. */
export interface GroupFailure {
  readonly group: number;
  readonly error: Error;
  /** Failures in a row (repairs that failed again count too). */
  readonly attempts: number;
  /** No more repairs: the group stays fenced on this node until the node restarts. */
  readonly final: boolean;
  /** The group's commit index when it failed. */
  readonly commitAt: number;
  readonly at: number;
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
  /** Time and timers (the simulator's virtual clock in sim/); the process's by default. */
  clock?: HostClock;
  /** Whether each Ready cycle fsyncs (turn off only for benchmarks of everything but the disk). */
  sync?: boolean;
  /** Housekeeping work that no longer applies, or (planted bug only) an apply that failed. */
  onError?: (group: number, error: unknown) => void;
  /** A group failed and is fenced on this node (its log line). */
  onGroupFailed?: (failure: GroupFailure) => void;
  /** A fenced group was restarted from the store and runs again. */
  onGroupRepaired?: (group: number, attempts: number) => void;
  /** Failed groups are restarted from the store this long after failing (default two election timeouts). */
  repairDelayMs?: number;
  /** Failures in a row after which a group stays fenced (default 3). */
  maxGroupFailures?: number;
  /** The store failed (a write did not land): the host must stop, its state is no longer durable. */
  onFatal?: (error: unknown) => void;
}

interface Group {
  readonly id: number;
  readonly node: RaftNode;
  readonly storage: HostGroupStorage;
  readonly sm: GroupStateMachine;
  /** Set once the group failed: it is no longer ticked, stepped, advanced or served. */
  failure?: GroupFailure;
  /** Failures in a row before this incarnation (0 once it applied past where the last one failed). */
  failuresBefore: number;
  failedCommit: number;
}

/** The host was asked to use a group that is fenced on this node. */
export class GroupFencedError extends Error {
  constructor(readonly failure: GroupFailure) {
    super(`group ${failure.group} is fenced on this node: ${failure.error.message}`);
    this.name = 'GroupFencedError';
  }
}

/** A broken rule of the host itself: a bug, never a fault of the environment. */
export class HostInvariantError extends Error {
  constructor(message: string) {
    super(`host invariant broken: ${message}`);
    this.name = 'HostInvariantError';
  }
}

/**
 * Hosts many Raft groups on one node: one timer ticks them all, one loop drains their Ready
 * batches into a single synced store write (group commit), then sends every message and applies
 * every committed entry. Nothing per group costs a timer, a socket or a closure.
 *
 * A group whose Raft node, storage reads or application throw fails alone: it is fenced (no more
 * ticks, steps, Readys or advance, so Raft's applied index never passes an entry that was not
 * applied, and its replica stops serving), the others elect a leader without it, and after a
 * delay it is restarted in place from the store (its durable log, vote and snapshot, like a
 * process restart of that one group). After maxGroupFailures failures in a row it stays fenced.
 */
export class MultiRaft {
  private readonly groups = new Map<number, Group>();
  private readonly dirty = new Set<number>();
  private storeWork: StoreWork[] = [];
  /** When each peer was last heard from (any message of any group), ms since the epoch. */
  readonly lastHeard = new Map<NodeId, number>();
  private readonly clock: HostClock;
  private readonly bugs: ReturnType<typeof hostBugsOf>;
  private cancelTicks: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private scheduled = false;
  private stopped = false;
  /** A cycle's store batch is being written: nothing of that cycle may be sent yet. */
  private writing = false;

  constructor(private readonly opts: MultiRaftOptions) {
    this.clock = opts.clock ?? realClock;
    this.bugs = hostBugsOf(opts);
  }

  start(): void {
    this.cancelTicks = this.clock.every(this.opts.tickMs, () => this.tickAll());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTicks?.();
    await this.running;
  }

  has(group: number): boolean {
    return this.groups.has(group);
  }

  /** The group's Raft node; undefined if the group is not hosted here or is fenced (it has no say). */
  node(group: number): RaftNode | undefined {
    const g = this.groups.get(group);
    return g && !g.failure ? g.node : undefined;
  }

  /** Fence a group from outside the Ready loop (a replica's read found its data corrupted). */
  failGroup(group: number, error: Error): void {
    const g = this.groups.get(group);
    if (g) this.fail(g, error);
  }

  /** Why the group is fenced on this node, if it is. */
  failure(group: number): GroupFailure | undefined {
    return this.groups.get(group)?.failure;
  }

  /** Start hosting a group: restore its state machine from the latest snapshot and replay. */
  addGroup(id: number, conf: ConfState, sm: GroupStateMachine): RaftNode {
    const existing = this.groups.get(id);
    if (existing) return existing.node;
    const storage = this.opts.store.openGroup(id, conf);
    const g = this.open(id, storage, sm, 0, 0);
    this.groups.set(id, g);
    this.markDirty(id);
    return g.node;
  }

  private open(id: number, storage: HostGroupStorage, sm: GroupStateMachine, failuresBefore: number, failedCommit: number): Group {
    const snap = storage.latestSnapshot();
    if (snap) sm.restore(snap);
    const node = new RawNode({
      id: this.opts.nodeId,
      electionTicks: this.opts.electionTicks,
      heartbeatTicks: this.opts.heartbeatTicks,
      storage,
      seed: (this.opts.nodeId * 1_000_003 + id + failuresBefore * 7919) >>> 0,
      applied: snap?.metadata.index ?? storage.firstIndex() - 1,
    });
    return { id, node, storage, sm, failuresBefore, failedCommit };
  }

  async removeGroup(id: number, dropData: boolean): Promise<void> {
    this.groups.delete(id);
    this.dirty.delete(id);
    if (dropData) await this.opts.store.dropGroup(id);
  }

  step(group: number, message: Message): void {
    const g = this.groups.get(group);
    if (!g || g.failure) return; // not (yet) hosted here, or fenced: the sender retries
    try {
      g.node.step(message);
    } catch (e) {
      this.fail(g, e);
      return;
    }
    this.markDirty(group);
  }

  /** Run `fn` against a group's node and schedule its Ready; for propose, readIndex, transfer. */
  withNode<T>(group: number, fn: (node: RaftNode) => T): T {
    const g = this.groups.get(group);
    if (!g) throw new Error(`group ${group} is not hosted on node ${this.opts.nodeId}`);
    if (g.failure) throw new GroupFencedError(g.failure);
    try {
      return fn(g.node);
    } finally {
      this.markDirty(group);
    }
  }

  /** withNode for notices (snapshot outcome, unreachable peer, a campaign): nothing if the group is gone or fenced. */
  tryWithNode(group: number, fn: (node: RaftNode) => void): void {
    const g = this.groups.get(group);
    if (!g || g.failure) return;
    try {
      fn(g.node);
    } catch (e) {
      this.fail(g, e);
      return;
    }
    this.markDirty(group);
  }

  entriesLoaded(group: number): void {
    const g = this.groups.get(group);
    if (!g || g.failure) return;
    try {
      g.node.entriesLoaded();
    } catch (e) {
      this.fail(g, e);
      return;
    }
    this.markDirty(group);
  }

  private tickAll(): void {
    for (const g of this.groups.values()) {
      if (g.failure) continue;
      try {
        g.node.tick();
      } catch (e) {
        this.fail(g, e);
        continue;
      }
      this.dirty.add(g.id);
    }
    this.schedule();
  }

  /** A frame from `peer` arrived (liveness for DescribeCluster). */
  heardFrom(peer: NodeId): void {
    this.lastHeard.set(peer, this.clock.now());
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

  /** Every hosted, unfenced group's Raft invariants hold (the simulator calls this after each step). */
  checkInvariants(): void {
    for (const g of this.groups.values()) if (!g.failure) g.node.checkInvariants();
  }

  /**
   * Fence a group: it gets no more ticks, steps, Readys or advance (so Raft's applied index never
   * passes an entry that was not applied); its application fails what waits on it; a repair is
   * scheduled unless it failed too often.
   */
  private fail(g: Group, e: unknown): void {
    if (g.failure || this.groups.get(g.id) !== g) return;
    const error = e instanceof Error ? e : new Error(String(e));
    const attempts = g.failuresBefore + 1;
    const max = this.opts.maxGroupFailures ?? 3;
    let commitAt = 0;
    try {
      commitAt = g.node.status().commit;
    } catch {
      // a node that throws on status() has nothing more to say
    }
    const failure: GroupFailure = { group: g.id, error, attempts, final: attempts >= max || !g.sm.reset, commitAt, at: this.clock.now() };
    g.failure = failure;
    this.dirty.delete(g.id);
    try {
      g.sm.failed?.(failure);
    } catch (inner) {
      this.opts.onError?.(g.id, inner);
    }
    this.opts.onGroupFailed?.(failure);
    if (!failure.final) this.clock.after(this.opts.repairDelayMs ?? 2 * this.opts.electionTicks * this.opts.tickMs, () => this.repair(g));
  }

  /** Restart a fenced group in place from what the store holds, as a process restart would. */
  private repair(old: Group): void {
    if (this.stopped || this.groups.get(old.id) !== old || !old.failure || !old.sm.reset) return;
    const failure = old.failure;
    let g: Group;
    try {
      old.sm.reset();
      g = this.open(old.id, old.storage, old.sm, failure.attempts, failure.commitAt);
    } catch (e) {
      // Fenced again, one more failure in a row.
      const again = { ...old, failure: undefined, failuresBefore: failure.attempts };
      this.groups.set(old.id, again);
      this.fail(again, e);
      return;
    }
    this.groups.set(old.id, g);
    this.opts.onGroupRepaired?.(old.id, failure.attempts);
    this.markDirty(old.id);
  }

  private schedule(): void {
    if (this.scheduled || this.running || this.stopped) return;
    this.scheduled = true;
    this.clock.defer(() => {
      this.scheduled = false;
      if (!this.running) this.running = this.loop().finally(() => (this.running = undefined));
    });
  }

  /** Drain Ready batches until no group has one. Only one loop runs at a time. */
  private async loop(): Promise<void> {
    try {
      while (!this.stopped && (this.dirty.size > 0 || this.storeWork.length > 0)) await this.cycle();
    } catch (e) {
      // Only the store's write can fail here: nothing after it may run on state that is not durable.
      this.stopped = true;
      this.cancelTicks?.();
      if (this.opts.onFatal) this.opts.onFatal(e);
      else throw e;
    }
  }

  private async cycle(): Promise<void> {
    const work: Array<{ g: Group; rd: Ready }> = [];
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      const g = this.groups.get(id);
      if (!g || g.failure) continue;
      try {
        if (g.node.hasReady()) work.push({ g, rd: g.node.ready() });
      } catch (e) {
        this.fail(g, e); // e.g. a corrupted entry read from the store: never handed on
      }
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
    const early = this.bugs.has('sendBeforeDurable');
    if (early) this.send(work);
    this.writing = true;
    try {
      await batch.commit(mustSync && this.opts.sync !== false);
    } finally {
      this.writing = false;
    }
    for (const w of staged) {
      try {
        w.committed?.();
      } catch (e) {
        this.opts.onError?.(-1, e);
      }
    }

    // 5: only now send. 6: apply. 7: advance.
    if (!early) this.send(work);
    for (const { g, rd } of work) {
      // A group fenced meanwhile (a failed step while the batch was written) is not advanced.
      if (g.failure || this.groups.get(g.id) !== g) continue;
      try {
        if (rd.snapshot) g.sm.restore(rd.snapshot);
        if (rd.entries.length > 0) g.sm.persisted?.(rd.entries);
        if (rd.committedEntries.length > 0) g.sm.apply(rd.committedEntries);
        if (rd.readStates.length > 0) g.sm.readStates?.(rd.readStates);
        if (rd.softState) g.sm.roleChanged?.(rd.softState);
      } catch (e) {
        if (!this.bugs.has('advancePastFailedApply')) {
          this.fail(g, e);
          continue;
        }
        this.opts.onError?.(g.id, e);
      }
      try {
        g.node.advance(rd);
        if (g.failuresBefore > 0 && rd.committedEntries.length > 0 && rd.committedEntries[rd.committedEntries.length - 1].index > g.failedCommit) {
          // Applied past the point where it last failed: the repair worked, the count starts over.
          g.failuresBefore = 0;
        }
        if (g.node.hasReady()) this.dirty.add(g.id);
      } catch (e) {
        this.fail(g, e);
      }
    }
  }

  /** Step 5: every message of the cycle, once its batch is durable (persist before send). */
  private send(work: ReadonlyArray<{ g: Group; rd: Ready }>): void {
    if (this.writing && !this.bugs.has('sendBeforeDurable')) throw new HostInvariantError('a Ready\'s messages were sent before its store batch was durable');
    for (const { g, rd } of work) {
      for (const m of rd.messages) this.opts.transport.send(g.id, m);
    }
    this.opts.transport.flush();
  }
}
