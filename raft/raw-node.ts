import { assert } from './assert';
import { Raft } from './raft';
import {
  type Entry,
  type ConfChange,
  type Config,
  type HardState,
  type Message,
  type NodeId,
  type ProgressView,
  type RaftNode,
  type Ready,
  type SoftState,
  type Status,
  UNAVAILABLE,
} from './types';

/** Upper bound on the bytes of committed entries handed out in one Ready. */
const MAX_APPLY_BYTES = 16 << 20;

/**
 * The host's handle on one Raft group: wraps the state machine and turns its output into Ready
 * batches (etcd's RawNode). At most one Ready is outstanding: between ready() and advance() the
 * host may keep calling step()/tick()/propose(); what they produce comes in the next Ready.
 */
export class RawNode implements RaftNode {
  private readonly raft: Raft;
  private prevSoft: SoftState;
  private prevHard: HardState;
  private outstanding: Ready | undefined;
  private peeked: { applying: number; committed: number; firstIndex: number; entries: readonly Entry[] } | undefined;

  constructor(config: Config) {
    this.raft = new Raft(config);
    this.prevSoft = { leader: this.raft.lead, role: this.raft.role };
    this.prevHard = this.raft.hardState();
  }

  tick(): void {
    this.raft.tick();
  }

  step(message: Message): void {
    this.raft.step(message);
  }

  propose(data: Uint8Array): { index: number; term: number } {
    return this.raft.propose(data);
  }

  proposeConfChange(change: ConfChange): { index: number; term: number } {
    return this.raft.proposeConfChange(change);
  }

  readIndex(ctx: Uint8Array): void {
    this.raft.readIndex(ctx);
  }

  transferLeadership(to: NodeId): void {
    this.raft.transferLeadership(to);
  }

  campaign(): void {
    this.raft.hup('election');
  }

  entriesLoaded(): void {
    this.raft.entriesLoaded();
  }

  reportUnreachable(id: NodeId): void {
    this.raft.reportUnreachable(id);
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.reportSnapshot(id, ok);
  }

  hasReady(): boolean {
    if (this.outstanding) return false;
    const r = this.raft;
    if (r.msgs.length > 0 || r.readStates.length > 0) return true;
    if (r.log.unstableEntries().length > 0 || r.log.pendingSnapshot()) return true;
    if (r.lead !== this.prevSoft.leader || r.role !== this.prevSoft.role) return true;
    if (!sameHardState(r.hardState(), this.prevHard)) return true;
    return r.log.hasNextCommittedEntries() && this.peekCommitted().length > 0;
  }

  /**
   * The committed entries to hand out next. What hasReady() read is kept for ready(): a storage
   * that loads entries asynchronously hands a loaded range out once, and reading it twice would
   * start the load again and never apply.
   */
  private peekCommitted(): readonly Entry[] {
    const log = this.raft.log;
    const p = this.peeked;
    if (p && p.applying === log.applying && p.committed === log.committed && p.firstIndex === log.firstIndex()) return p.entries;
    const ents = log.nextCommittedEntries(MAX_APPLY_BYTES);
    if (ents === UNAVAILABLE) return []; // the host calls entriesLoaded() when they are in
    this.peeked = ents.length > 0 ? { applying: log.applying, committed: log.committed, firstIndex: log.firstIndex(), entries: ents } : undefined;
    return ents;
  }

  ready(): Ready {
    if (this.outstanding) throw new Error('raft: ready() called again before advance()');
    const r = this.raft;
    const soft = { leader: r.lead, role: r.role };
    const hard = r.hardState();
    const snapshot = r.log.pendingSnapshot();
    const entries = r.log.unstableEntries().slice();
    const committedEntries = this.peekCommitted();
    const hardChanged = !sameHardState(hard, this.prevHard);
    const rd: Ready = {
      softState: soft.leader !== this.prevSoft.leader || soft.role !== this.prevSoft.role ? soft : undefined,
      hardState: hardChanged ? hard : undefined,
      snapshot,
      entries,
      messages: r.msgs,
      committedEntries,
      readStates: r.readStates,
      // A commit-index change alone need not be synced: a lost commit index is relearned.
      mustSync: entries.length > 0 || snapshot !== undefined || hard.term !== this.prevHard.term || hard.vote !== this.prevHard.vote,
    };
    r.msgs = [];
    r.readStates = [];
    this.prevSoft = soft;
    if (hardChanged) this.prevHard = hard;
    if (snapshot) r.log.applying = Math.max(r.log.applying, snapshot.metadata.index);
    if (committedEntries.length > 0) r.log.applying = committedEntries[committedEntries.length - 1].index;
    this.peeked = undefined;
    this.outstanding = rd;
    return rd;
  }

  advance(rd: Ready): void {
    if (rd !== this.outstanding) throw new Error('raft: advance() with a Ready that is not the outstanding one');
    this.outstanding = undefined;
    const log = this.raft.log;
    if (rd.snapshot) {
      log.stableSnapTo(rd.snapshot.metadata.index);
      if (rd.snapshot.metadata.index > log.applied) log.appliedTo(rd.snapshot.metadata.index);
    }
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1];
      log.stableTo(last.index, last.term);
    }
    if (rd.committedEntries.length > 0) {
      log.appliedTo(rd.committedEntries[rd.committedEntries.length - 1].index);
      this.raft.reduceUncommitted(rd.committedEntries);
      this.raft.applyCommittedConfChanges(rd.committedEntries);
    }
  }

  checkInvariants(): void {
    this.raft.checkInvariants();
    const r = this.raft;
    // The hard state handed out to persist is never ahead of the node's own.
    assert(this.prevHard.term <= r.term && this.prevHard.commit <= r.log.committed, () => `${r.describe()}: handed out hard state ${JSON.stringify(this.prevHard)}`);
  }

  status(): Status {
    const r = this.raft;
    let progress: ProgressView[] | undefined;
    if (r.role === 'leader') {
      const last = r.log.lastIndex();
      progress = [...r.prs.values()].map((pr) => ({
        id: pr.id,
        isLearner: pr.isLearner,
        match: pr.match,
        next: pr.next,
        state: pr.state,
        ticksSinceContact: pr.id === r.id ? 0 : pr.ticksSinceContact,
        heardFrom: pr.id === r.id || pr.heardFrom,
        inSync: pr.id === r.id || (last - pr.match <= r.inSyncMaxLagEntries && pr.ticksSinceContact <= r.inSyncMaxTicks),
        inflightMessages: pr.inflights.count,
        inflightBytes: pr.inflights.bytes,
      }));
    }
    return {
      id: r.id,
      term: r.term,
      vote: r.vote,
      commit: r.log.committed,
      applied: r.log.applied,
      lastIndex: r.log.lastIndex(),
      role: r.role,
      leader: r.lead,
      conf: r.conf,
      progress,
      transferee: r.leadTransferee,
    };
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
