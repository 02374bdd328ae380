import * as grpc from '@grpc/grpc-js';
import type { Entry, ReadState, Snapshot, SoftState } from '../../raft';
import { type CommandResult, MetadataState } from '../metadata';
import type { GroupStateMachine } from './multi-raft';
import { IndexWaiters } from './index-waiters';
import { RpcError } from './rpc-errors';

/** What the node does with the metadata group's ReadIndex answers and role changes (MetadataReads). */
export interface ControllerEvents {
  readStates(states: readonly ReadState[]): void;
  roleChanged(soft: SoftState): void;
}

/**
 * The metadata group's state machine on this node: applies controller commands to MetadataState,
 * answers the proposers waiting on them, and tells the node what changed so it can start and stop
 * partition groups, and what its Raft said about reads and leadership.
 */
export class Controller implements GroupStateMachine {
  state = new MetadataState();
  readonly waiters = new IndexWaiters<CommandResult>();
  private appliedWaiters: Array<{ index: number; resolve: () => void }> = [];

  constructor(
    private readonly onApplied: (results: readonly CommandResult[]) => void,
    private readonly events?: ControllerEvents,
  ) {}

  readStates(states: readonly ReadState[]): void {
    this.events?.readStates(states);
  }

  roleChanged(soft: SoftState): void {
    this.events?.roleChanged(soft);
  }

  restore(snapshot: Snapshot): void {
    this.state = snapshot.data.length > 0 ? MetadataState.fromSnapshot(snapshot.data) : new MetadataState();
    this.waiters.failThrough(snapshot.metadata.index, () => overwritten());
    this.wakeApplied();
    this.onApplied([]);
  }

  apply(entries: readonly Entry[]): void {
    const results: CommandResult[] = [];
    for (const e of entries) {
      const r = this.state.applyEntry(e);
      results.push(r);
      this.waiters.settle(e.index, e.term, r, overwritten);
    }
    this.wakeApplied();
    this.onApplied(results);
  }

  /** Resolves once this node has applied the controller log through `index` (read-your-writes after a forward). */
  waitApplied(index: number, timeoutMs: number): Promise<void> {
    if (this.state.appliedIndex >= index) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.appliedWaiters = this.appliedWaiters.filter((w) => w.resolve !== done);
        reject(new RpcError(grpc.status.DEADLINE_EXCEEDED, 'TIMEOUT', `the metadata change at controller index ${index} was made, but this node has not caught up with it within ${timeoutMs} ms; retry`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.appliedWaiters.push({ index, resolve: done });
    });
  }

  private wakeApplied(): void {
    if (this.appliedWaiters.length === 0) return;
    const applied = this.state.appliedIndex;
    const ready = this.appliedWaiters.filter((w) => w.index <= applied);
    if (ready.length === 0) return;
    this.appliedWaiters = this.appliedWaiters.filter((w) => w.index > applied);
    for (const w of ready) w.resolve();
  }
}

function overwritten(): RpcError {
  return new RpcError(grpc.status.UNAVAILABLE, 'NO_LEADER', 'the metadata group changed leader before the change was committed, and the new leader did not keep it; retry');
}
