import { assert } from './assert';
import { Inflights } from './inflights';
import type { NodeId, ProgressState } from './types';

/**
 * What the leader knows about one follower's log, and how it may send to it (etcd's
 * tracker.Progress):
 *  - probe: the match point is unknown; one append at a time, then wait (for its answer or the
 *    next heartbeat answer) before sending another.
 *  - replicate: the follower is keeping up; appends are pipelined optimistically (next advances
 *    as they are sent), bounded by the in-flight window.
 *  - snapshot: the follower needs entries the leader has compacted; nothing is sent until the
 *    snapshot transfer finishes (or times out).
 *
 * Invariants: match < next, asserted at creation, on acknowledgements and when pipelining (the
 * other writers of next set it from match + 1). match never decreases, in any state: only
 * maybeUpdate() writes it, and only upwards. Nothing is in the in-flight window outside the
 * replicate state (Raft.checkInvariants() checks that, and the window's bounds).
 */
export class Progress {
  private match_: number;
  next: number;
  state: ProgressState = 'probe';
  /** In probe: an append is out and unanswered. */
  probeSent = false;
  /** In snapshot: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Ticks spent in snapshot state, so a lost snapshot is retried rather than waited on forever. */
  snapshotTicks = 0;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  ticksSinceContact = 0;
  /** An answer came from it since this progress was created (this leadership, or its joining): until then ticksSinceContact only counts the leadership's age. */
  heardFrom = false;
  readonly inflights: Inflights;

  constructor(
    readonly id: NodeId,
    match: number,
    next: number,
    public isLearner: boolean,
    maxInflightMessages: number,
    maxInflightBytes: number,
  ) {
    this.match_ = match;
    this.next = next;
    this.inflights = new Inflights(maxInflightMessages, maxInflightBytes, id);
    this.assertMatchBelowNext('created');
  }

  /** The highest index known to be in the follower's log. */
  get match(): number {
    return this.match_;
  }

  private assertMatchBelowNext(after: string): void {
    assert(this.match_ < this.next, () => `${this.describe()}: match is not below next after ${after}`);
  }

  /** This progress's state, for invariant messages. */
  describe(): string {
    return `progress of ${this.id} (${this.state}): match ${this.match_} next ${this.next}; ${this.inflights.describe()}`;
  }

  becomeProbe(): void {
    // Coming back from a snapshot, the follower has at least the snapshot.
    if (this.state === 'snapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match_ + 1, pending + 1);
    } else {
      this.resetState('probe');
      this.next = this.match_ + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match_ + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.snapshotTicks = 0;
    this.state = state;
    this.inflights.reset();
  }

  /** A successful append answer for `n`; false if it is stale (already known). */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match_ < n) {
      this.match_ = n;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, n + 1);
    this.assertMatchBelowNext(`an acknowledgement of ${n}`);
    return updated;
  }

  /** Pipelining: entries up to `n`, sent from next on, are on their way. */
  optimisticUpdate(n: number): void {
    assert(n >= this.next, () => `${this.describe()}: pipelining would move next back to ${n + 1}`);
    this.next = n + 1;
  }

  /**
   * A rejection of the append at prevIndex `rejected`; `matchHint` is the leader's guess of the
   * longest common prefix (fast back-tracking). False if the rejection is stale.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match_) return false;
      this.next = this.match_ + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match_ + 1, 1);
    this.probeSent = false;
    return true;
  }

  /** Whether sending appends to this follower must wait. */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
      default: {
        const never: never = this.state;
        throw new Error(`unknown progress state ${never}`);
      }
    }
  }
}
