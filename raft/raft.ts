import { assert } from './assert';
import { applyConfChange, confChangeProblem, decodeConfChange, encodeConfChange } from './conf-change';
import { RaftLog } from './log';
import { Progress } from './progress';
import { type PlantedBug, plantedBugsOf } from './planted-bugs';
import { committedIndex, majority, voteResult } from './quorum';
import { Rng } from './rng';
import {
  CompactedError,
  type ConfChange,
  type ConfState,
  type Config,
  type Entry,
  EntryType,
  type Message,
  NONE,
  type NodeId,
  ProposalDroppedError,
  type ReadState,
  type Role,
  type Snapshot,
  UNAVAILABLE,
} from './types';

const DEFAULTS = {
  maxMessageBytes: 1 << 20,
  maxInflightMessages: 256,
  maxInflightBytes: 16 << 20,
  maxUncommittedBytes: 64 << 20,
  inSyncMaxLagEntries: 1000,
};

type Campaign = 'preElection' | 'election' | 'transfer';

interface PendingRead {
  readonly ctx: Uint8Array;
  readonly index: number;
  readonly round: number;
}

/**
 * One Raft group's consensus state machine (Raft paper + dissertation: pre-vote, check-quorum,
 * leadership transfer, ReadIndex, learners, single-server membership changes). One entry point,
 * step(); one step function per role. Output accumulates in `msgs` and `readStates`; RawNode
 * turns it into Ready batches.
 */
export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  role: Role = 'follower';
  lead: NodeId = NONE;
  readonly log: RaftLog;

  conf: ConfState;
  readonly prs = new Map<NodeId, Progress>();

  msgs: Message[] = [];
  readStates: ReadState[] = [];

  private readonly electionTicks: number;
  private readonly heartbeatTicks: number;
  private randomizedElectionTimeout = 0;
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private readonly rng: Rng;

  private readonly preVote: boolean;
  private readonly checkQuorum: boolean;
  private readonly maxMessageBytes: number;
  private readonly maxInflightMessages: number;
  private readonly maxInflightBytes: number;
  private readonly maxUncommittedBytes: number;
  readonly inSyncMaxLagEntries: number;
  readonly inSyncMaxTicks: number;
  private readonly bugs: ReadonlySet<PlantedBug>;

  // Candidate state.
  private votesGranted = new Set<NodeId>();
  private votesRejected = new Set<NodeId>();
  private grantedCount = 0; // only differs from votesGranted.size under the countVotesTwice bug

  // Leader state.
  leadTransferee: NodeId = NONE;
  /** Index of the last conf change proposed; a new one waits until it is applied. */
  private pendingConfIndex = 0;
  private uncommittedBytes = 0;
  /** Reads waiting for the leader to commit its first entry of the term (its commit index is stale until then). */
  private readsBeforeTermCommit: Uint8Array[] = [];
  private pendingReads: PendingRead[] = [];
  private readRound = 0;
  private readAcks = new Map<number, Set<NodeId>>();

  constructor(config: Config) {
    if (config.id < 1) throw new RangeError(`node id ${config.id} must be >= 1`);
    if (config.heartbeatTicks < 1 || config.heartbeatTicks >= config.electionTicks) {
      throw new RangeError(`heartbeatTicks (${config.heartbeatTicks}) must be >= 1 and < electionTicks (${config.electionTicks})`);
    }
    this.id = config.id;
    this.electionTicks = config.electionTicks;
    this.heartbeatTicks = config.heartbeatTicks;
    this.rng = new Rng(config.seed ^ Math.imul(config.id, 0x9e3779b1));
    this.preVote = config.preVote ?? true;
    this.checkQuorum = config.checkQuorum ?? true;
    this.maxMessageBytes = config.maxMessageBytes ?? DEFAULTS.maxMessageBytes;
    this.maxInflightMessages = config.maxInflightMessages ?? DEFAULTS.maxInflightMessages;
    this.maxInflightBytes = config.maxInflightBytes ?? DEFAULTS.maxInflightBytes;
    if (!(this.maxInflightMessages >= 1) || !(this.maxInflightBytes >= 0)) {
      throw new RangeError(`maxInflightMessages (${this.maxInflightMessages}) must be >= 1 and maxInflightBytes (${this.maxInflightBytes}) >= 0`);
    }
    this.maxUncommittedBytes = config.maxUncommittedBytes ?? DEFAULTS.maxUncommittedBytes;
    this.inSyncMaxLagEntries = config.inSyncMaxLagEntries ?? DEFAULTS.inSyncMaxLagEntries;
    this.inSyncMaxTicks = config.inSyncMaxTicks ?? config.electionTicks;
    this.bugs = plantedBugsOf(config);

    const { hardState, conf } = config.storage.initialState();
    const snapshotIndex = config.storage.firstIndex() - 1;
    const applied = Math.max(config.applied ?? snapshotIndex, snapshotIndex);
    if (hardState.commit < snapshotIndex || hardState.commit > config.storage.lastIndex()) {
      throw new Error(
        `raft ${this.id}: stored commit ${hardState.commit} is outside the log [${snapshotIndex}, ${config.storage.lastIndex()}]`,
      );
    }
    if (applied > hardState.commit) {
      throw new Error(`raft ${this.id}: applied ${applied} is past the stored commit ${hardState.commit}`);
    }
    this.log = new RaftLog(config.storage, hardState.commit, applied, this.id);
    this.conf = conf;
    this.term = hardState.term;
    this.vote = hardState.vote;
    this.resetProgress();
    this.becomeFollower(this.term, NONE);
  }

  // -------------------------------------------------------------------------------------------
  // Time.

  tick(): void {
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(this.preVote ? 'preElection' : 'election');
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    for (const pr of this.prs.values()) {
      if (pr.id === this.id) continue;
      pr.ticksSinceContact++;
      // A snapshot that was lost in transit (and never reported) must not stall the follower forever.
      if (pr.state === 'snapshot' && ++pr.snapshotTicks >= 4 * this.electionTicks) pr.becomeProbe();
    }
    if (this.electionElapsed >= this.electionTicks) {
      this.electionElapsed = 0;
      if (this.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, NONE);
        return;
      }
      for (const pr of this.prs.values()) pr.recentActive = pr.id === this.id;
      if (this.leadTransferee !== NONE) this.leadTransferee = NONE; // transfer timed out
    }
    if (this.heartbeatElapsed >= this.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Role changes.

  private reset(term: number): void {
    assert(term >= this.term, () => `${this.describe()}: the term would go back to ${term}`);
    if (term !== this.term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.electionTicks + this.rng.int(this.electionTicks);
    this.leadTransferee = NONE;
    this.votesGranted.clear();
    this.votesRejected.clear();
    this.grantedCount = 0;
    this.pendingConfIndex = 0;
    this.uncommittedBytes = 0;
    this.readsBeforeTermCommit = [];
    this.pendingReads = [];
    this.readAcks.clear();
    this.resetProgress();
  }

  private resetProgress(): void {
    const last = this.log.lastIndex();
    const keep = new Set<NodeId>([...this.conf.voters, ...this.conf.learners]);
    for (const id of [...this.prs.keys()]) if (!keep.has(id)) this.prs.delete(id);
    for (const id of keep) {
      const match = id === this.id ? last : 0;
      this.prs.set(id, new Progress(id, match, last + 1, this.conf.learners.includes(id), this.maxInflightMessages, this.maxInflightBytes));
    }
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  private becomePreCandidate(): void {
    assert(this.role !== 'leader', () => `${this.describe()}: a leader only steps down to follower, never to pre-candidate`);
    assert(this.promotable(), () => `${this.describe()}: only a voter campaigns`);
    // Pre-vote changes neither the term nor the vote: a node that cannot win disturbs no one.
    this.votesGranted.clear();
    this.votesRejected.clear();
    this.grantedCount = 0;
    this.lead = NONE;
    this.role = 'preCandidate';
  }

  private becomeCandidate(): void {
    assert(this.role !== 'leader', () => `${this.describe()}: a leader only steps down to follower, never to candidate`);
    assert(this.promotable(), () => `${this.describe()}: only a voter campaigns`);
    this.reset(this.term + 1); // a new term, so no vote yet in it: the vote changes from none
    this.vote = this.id;
    this.role = 'candidate';
  }

  private becomeLeader(): void {
    assert(this.role === 'candidate' && this.vote === this.id, () => `${this.describe()}: only a candidate that voted for itself becomes leader`);
    const granted = this.grantedVotes();
    assert(granted >= majority(this.conf.voters.length), () => `${this.describe()}: becomes leader with ${granted} votes granted by voters`);
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    const self = this.prs.get(this.id);
    if (self) self.becomeReplicate();
    // Conf changes already in the log may be unapplied: do not let a new one overtake them.
    this.pendingConfIndex = this.log.lastIndex();
    // The no-op: entries of earlier terms commit only once an entry of this term does (§5.4.2).
    this.appendEntries([{ term: this.term, index: this.log.lastIndex() + 1, type: EntryType.Normal, data: new Uint8Array(0) }]);
  }

  private promotable(): boolean {
    return this.conf.voters.includes(this.id);
  }

  // -------------------------------------------------------------------------------------------
  // Elections.

  hup(kind: Campaign): void {
    if (this.role === 'leader' || !this.promotable()) return;
    if (this.hasUnappliedConfChange()) return; // membership may be about to change under us
    this.campaign(kind);
  }

  private hasUnappliedConfChange(): boolean {
    if (this.log.applied >= this.log.committed) return false;
    const ents = this.log.slice(this.log.applied + 1, this.log.committed + 1, Infinity);
    if (ents === UNAVAILABLE) return true; // cannot tell: err on the side of not campaigning
    return ents.some((e) => e.type === EntryType.ConfChange);
  }

  private campaign(kind: Campaign): void {
    let voteTerm: number;
    let type: 'vote' | 'preVote';
    if (kind === 'preElection') {
      this.becomePreCandidate();
      voteTerm = this.term + 1;
      type = 'preVote';
    } else {
      this.becomeCandidate();
      voteTerm = this.term;
      type = 'vote';
    }
    if (this.poll(this.id, true) === 'won') {
      if (kind === 'preElection') this.campaign('election');
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.log.lastIndex();
    const lastTerm = this.log.lastTerm();
    for (const id of this.conf.voters) {
      if (id === this.id) continue;
      this.send({ type, from: this.id, to: id, term: voteTerm, lastIndex, lastTerm, transfer: kind === 'transfer' });
    }
  }

  private poll(from: NodeId, granted: boolean): ReturnType<typeof voteResult> {
    if (granted) {
      if (!this.votesGranted.has(from) || this.bugs.has('countVotesTwice')) this.grantedCount++;
      this.votesGranted.add(from);
    } else {
      this.votesRejected.add(from);
    }
    const voters = this.conf.voters;
    const granted_ = this.bugs.has('countVotesTwice') ? this.grantedCount : this.grantedVotes();
    let rejected = 0;
    for (const id of voters) if (this.votesRejected.has(id) && !this.votesGranted.has(id)) rejected++;
    return voteResult(voters, granted_, rejected);
  }

  /** Voters (of the current membership) that granted this node their vote in this campaign. */
  private grantedVotes(): number {
    let n = 0;
    for (const id of this.conf.voters) if (this.votesGranted.has(id)) n++;
    return n;
  }

  // -------------------------------------------------------------------------------------------
  // Messages.

  step(m: Message): void {
    if (m.to !== this.id) return;
    if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        // Leader stickiness: while we hear from a leader, ignore would-be usurpers (unless the
        // leader itself asked for the transfer). Without it a partitioned node could depose a
        // healthy leader the moment it reconnects.
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTicks;
        if (!m.transfer && inLease) return;
      }
      if (m.type === 'preVote') {
        // A pre-vote never changes our term.
      } else if (m.type === 'preVoteResponse' && !m.reject) {
        // Granted pre-votes carry the term we would campaign in; we move to it when we do.
      } else if (m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if (m.type === 'append' && this.bugs.has('acceptStaleAppend')) {
        this.handleAppend(m);
        return;
      }
      if ((this.checkQuorum || this.preVote) && (m.type === 'append' || m.type === 'heartbeat')) {
        // Tell a stale leader about the newer term so it steps down (it may never hear a vote
        // request when pre-vote or check-quorum keep the others quiet).
        this.send({ type: 'appendResponse', from: this.id, to: m.from, term: this.term, index: 0, reject: false, rejectHint: 0, hintTerm: 0 });
      } else if (m.type === 'preVote') {
        this.send({ type: 'preVoteResponse', from: this.id, to: m.from, term: this.term, reject: true });
      }
      return;
    }

    switch (m.type) {
      case 'vote':
      case 'preVote':
        this.handleVoteRequest(m);
        return;
      default:
        break;
    }
    switch (this.role) {
      case 'leader':
        this.stepLeader(m);
        return;
      case 'candidate':
      case 'preCandidate':
        this.stepCandidate(m);
        return;
      case 'follower':
        this.stepFollower(m);
        return;
      default: {
        const never: never = this.role;
        throw new Error(`unknown role ${never}`);
      }
    }
  }

  private handleVoteRequest(m: Extract<Message, { type: 'vote' | 'preVote' }>): void {
    const respType = m.type === 'vote' ? 'voteResponse' : 'preVoteResponse';
    const canVote =
      this.vote === m.from ||
      (this.vote === NONE && this.lead === NONE) ||
      (m.type === 'preVote' && m.term > this.term) ||
      this.bugs.has('voteTwiceInTerm');
    const upToDate = this.bugs.has('skipLogUpToDateCheck') || this.log.isUpToDate(m.lastIndex, m.lastTerm);
    if (canVote && upToDate) {
      // A granted pre-vote answers in the candidate's future term so it recognises the answer.
      this.send({ type: respType, from: this.id, to: m.from, term: m.term, reject: false });
      if (m.type === 'vote') {
        // One vote per term: within a term the vote only changes from none.
        assert(this.vote === NONE || this.vote === m.from, () => `${this.describe()}: votes for ${m.from}, having voted for ${this.vote} in this term`);
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, from: this.id, to: m.from, term: this.term, reject: true });
    }
  }

  private stepLeader(m: Message): void {
    const pr = this.prs.get(m.from);
    if (!pr) return; // not (or no longer) a member
    switch (m.type) {
      case 'appendResponse':
        pr.recentActive = true;
        pr.ticksSinceContact = 0;
        pr.heardFrom = true;
        if (m.reject) this.handleAppendReject(pr, m);
        else this.handleAppendSuccess(pr, m.index);
        return;
      case 'heartbeatResponse':
        pr.recentActive = true;
        pr.ticksSinceContact = 0;
        pr.heardFrom = true;
        pr.probeSent = false;
        if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
        if (pr.match < this.log.lastIndex()) this.sendAppend(pr.id);
        if (m.readRound > 0) this.ackRead(m.from, m.readRound);
        return;
      default:
        return; // vote answers after winning, stale snapshots and appends: nothing to do
    }
  }

  private handleAppendReject(pr: Progress, m: Extract<Message, { type: 'appendResponse' }>): void {
    // Skip every entry of a term the follower does not have in one step (fast back-tracking).
    let matchHint = m.rejectHint;
    if (m.hintTerm > 0) matchHint = this.log.findConflictByTerm(m.rejectHint, m.hintTerm);
    if (pr.maybeDecrTo(m.index, matchHint)) {
      if (pr.state === 'replicate') pr.becomeProbe();
      this.sendAppend(pr.id);
    }
  }

  private handleAppendSuccess(pr: Progress, index: number): void {
    const wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(index)) return;
    if (pr.state === 'probe') pr.becomeReplicate();
    else if (pr.state === 'snapshot' && pr.match + 1 >= this.log.firstIndex()) {
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === 'replicate') pr.inflights.freeLE(index);

    if (this.maybeCommit()) this.bcastAppend();
    else if (wasPaused) this.sendAppend(pr.id);
    // Fill the window: pipelining.
    while (this.maybeSendAppend(pr.id, false)) {
      // keep sending while the window has room and there are entries
    }
    if (pr.id === this.leadTransferee && pr.match === this.log.lastIndex()) {
      this.send({ type: 'timeoutNow', from: this.id, to: pr.id, term: this.term });
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'append':
        this.becomeFollower(m.term, m.from);
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case 'snapshot':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case 'voteResponse':
      case 'preVoteResponse': {
        if ((m.type === 'voteResponse') !== (this.role === 'candidate')) return; // answer to the other kind of campaign
        const result = this.poll(m.from, !m.reject);
        if (result === 'won') {
          if (this.role === 'preCandidate') this.campaign('election');
          else {
            this.becomeLeader();
            this.bcastAppend();
          }
        } else if (result === 'lost') {
          this.becomeFollower(this.term, NONE);
        }
        return;
      }
      default:
        return;
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'append':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return;
      case 'snapshot':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return;
      case 'timeoutNow':
        // The leader is handing over: campaign at once, skipping pre-vote and the lease.
        this.hup('transfer');
        return;
      default:
        return;
    }
  }

  private handleAppend(m: Extract<Message, { type: 'append' }>): void {
    const reply = { type: 'appendResponse' as const, from: this.id, to: m.from, term: this.term };
    if (m.prevIndex < this.log.committed) {
      this.send({ ...reply, index: this.log.committed, reject: false, rejectHint: 0, hintTerm: 0 });
      return;
    }
    const lastNew = this.log.maybeAppend(m.prevIndex, m.prevTerm, m.commit, m.entries);
    if (lastNew >= 0) {
      this.send({ ...reply, index: lastNew, reject: false, rejectHint: 0, hintTerm: 0 });
      return;
    }
    const hint = this.log.findConflictByTerm(Math.min(m.prevIndex, this.log.lastIndex()), m.prevTerm);
    this.send({ ...reply, index: m.prevIndex, reject: true, rejectHint: hint, hintTerm: this.log.termOrUndefined(hint) ?? 0 });
  }

  private handleHeartbeat(m: Extract<Message, { type: 'heartbeat' }>): void {
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
    this.send({ type: 'heartbeatResponse', from: this.id, to: m.from, term: this.term, readRound: m.readRound });
  }

  private handleSnapshot(m: Extract<Message, { type: 'snapshot' }>): void {
    const reply = { type: 'appendResponse' as const, from: this.id, to: m.from, term: this.term, reject: false, rejectHint: 0, hintTerm: 0 };
    if (this.restore(m.snapshot)) this.send({ ...reply, index: this.log.lastIndex() });
    else this.send({ ...reply, index: this.log.committed });
  }

  private restore(snapshot: Snapshot): boolean {
    const { index, term, conf } = snapshot.metadata;
    if (index <= this.log.committed) return false;
    if (this.log.matchTerm(index, term)) {
      // We already have the entries: just fast-forward the commit point.
      this.log.commitTo(index);
      return false;
    }
    this.log.restore(snapshot);
    this.conf = conf;
    this.resetProgress();
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // Leader: replication.

  private send(m: Message): void {
    this.msgs.push(m);
  }

  private sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  /** Send the next append (or a snapshot) to `to` if flow control allows. True if something was sent. */
  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.prs.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.termOrUndefined(prevIndex);
    let entries: readonly Entry[] | typeof UNAVAILABLE | 'compacted';
    if (prevTerm === undefined) entries = 'compacted';
    else {
      try {
        entries = this.log.entriesFrom(pr.next, this.maxMessageBytes);
      } catch (e) {
        if (!(e instanceof CompactedError)) throw e;
        entries = 'compacted';
      }
    }
    if (entries === 'compacted') return this.sendSnapshot(pr);
    if (entries === UNAVAILABLE) return false; // the host calls entriesLoaded() when they are in
    if (entries.length === 0 && !sendIfEmpty) return false;

    this.send({ type: 'append', from: this.id, to, term: this.term, prevIndex, prevTerm: prevTerm!, entries, commit: this.log.committed });
    if (entries.length > 0) {
      const last = entries[entries.length - 1].index;
      if (pr.state === 'replicate') {
        pr.optimisticUpdate(last);
        pr.inflights.add(last, entryBytes(entries));
      } else {
        pr.probeSent = true;
      }
    } else if (pr.state === 'probe') {
      pr.probeSent = true;
    }
    return true;
  }

  private sendSnapshot(pr: Progress): boolean {
    if (!pr.recentActive) return false; // do not ship a snapshot to a node that may be down
    const snapshot = this.log.storage.snapshot();
    if (snapshot === UNAVAILABLE) return false;
    this.send({ type: 'snapshot', from: this.id, to: pr.id, term: this.term, snapshot });
    pr.becomeSnapshot(snapshot.metadata.index);
    return true;
  }

  bcastAppend(): void {
    for (const id of this.prs.keys()) if (id !== this.id) this.sendAppend(id);
  }

  private bcastHeartbeat(): void {
    const round = this.pendingReads.length > 0 ? this.pendingReads[this.pendingReads.length - 1].round : 0;
    for (const pr of this.prs.values()) {
      if (pr.id === this.id) continue;
      // Never tell a follower to commit past what it is known to have.
      const commit = Math.min(pr.match, this.log.committed);
      this.send({ type: 'heartbeat', from: this.id, to: pr.id, term: this.term, commit, readRound: round });
    }
  }

  /** Advance the commit index to what a quorum of voters has; true if it moved. */
  private maybeCommit(): boolean {
    const index = committedIndex(this.conf.voters, (id) => this.prs.get(id)?.match ?? 0);
    const wasCommittedInTerm = this.committedEntryInCurrentTerm();
    if (!this.log.maybeCommit(index, this.term, this.bugs.has('commitOldTermByCounting'))) return false;
    if (!wasCommittedInTerm && this.committedEntryInCurrentTerm()) this.releaseReadsWaitingForTermCommit();
    return true;
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.log.termOrUndefined(this.log.committed) === this.term;
  }

  private quorumActive(): boolean {
    let active = 0;
    for (const id of this.conf.voters) {
      if (id === this.id || this.prs.get(id)?.recentActive) active++;
    }
    return active >= majority(this.conf.voters.length);
  }

  private appendEntries(entries: Entry[]): void {
    this.log.append(entries);
    for (const e of entries) this.uncommittedBytes += e.data.length;
    this.prs.get(this.id)?.maybeUpdate(this.log.lastIndex());
    this.maybeCommit(); // a single voter commits on its own
  }

  // -------------------------------------------------------------------------------------------
  // Leader: client requests.

  propose(data: Uint8Array, type: EntryType = EntryType.Normal): { index: number; term: number } {
    if (this.role !== 'leader') {
      throw new ProposalDroppedError('notLeader', `node ${this.id} is not the leader (leader: ${this.lead || 'unknown'})`, this.lead);
    }
    if (this.leadTransferee !== NONE) {
      throw new ProposalDroppedError('transferring', `node ${this.id} is handing leadership to ${this.leadTransferee}`, this.lead);
    }
    if (this.uncommittedBytes > 0 && data.length > 0 && this.uncommittedBytes + data.length > this.maxUncommittedBytes) {
      throw new ProposalDroppedError(
        'tooManyUncommitted',
        `node ${this.id} has ${this.uncommittedBytes} bytes of uncommitted proposals (limit ${this.maxUncommittedBytes}): retry later`,
        this.lead,
      );
    }
    const entry: Entry = { term: this.term, index: this.log.lastIndex() + 1, type, data };
    this.appendEntries([entry]);
    this.bcastAppend();
    return { index: entry.index, term: entry.term };
  }

  proposeConfChange(change: ConfChange): { index: number; term: number } {
    if (this.role === 'leader') {
      if (this.pendingConfIndex > this.log.applied) {
        throw new ProposalDroppedError('confChangePending', `a membership change at index ${this.pendingConfIndex} is not applied yet`, this.lead);
      }
      if (!this.committedEntryInCurrentTerm()) {
        // The single-server change bug: a new leader must commit in its own term first.
        throw new ProposalDroppedError('confChangePending', `leader ${this.id} has not committed an entry in term ${this.term} yet`, this.lead);
      }
      const problem = confChangeProblem(this.conf, change);
      if (problem) throw new ProposalDroppedError('invalidConfChange', `invalid membership change: ${problem}`, this.lead);
    }
    const placed = this.propose(encodeConfChange(change, applyConfChange(this.conf, change)), EntryType.ConfChange);
    this.pendingConfIndex = placed.index;
    return placed;
  }

  /** Apply a committed conf change's resulting membership (as the host acknowledges applying it). */
  private setConf(conf: ConfState): void {
    this.conf = conf;
    const last = this.log.lastIndex();
    for (const id of [...this.prs.keys()]) {
      if (!this.conf.voters.includes(id) && !this.conf.learners.includes(id)) this.prs.delete(id);
    }
    for (const id of [...this.conf.voters, ...this.conf.learners]) {
      const existing = this.prs.get(id);
      if (existing) existing.isLearner = this.conf.learners.includes(id);
      else {
        const match = id === this.id ? last : 0;
        const pr = new Progress(id, match, last + 1, this.conf.learners.includes(id), this.maxInflightMessages, this.maxInflightBytes);
        pr.recentActive = true; // give a new member one election timeout before it counts as silent
        this.prs.set(id, pr);
      }
    }
    if (this.role !== 'leader') return;
    if (!this.conf.voters.includes(this.id)) {
      this.becomeFollower(this.term, NONE); // removed or demoted: let the others elect
      return;
    }
    if (this.leadTransferee !== NONE && !this.conf.voters.includes(this.leadTransferee)) this.leadTransferee = NONE;
    // The quorum changed (commit may move) and new members need their first append.
    this.maybeCommit();
    this.bcastAppend();
  }

  readIndex(ctx: Uint8Array): void {
    if (this.role !== 'leader') {
      throw new ProposalDroppedError('notLeader', `node ${this.id} is not the leader (leader: ${this.lead || 'unknown'})`, this.lead);
    }
    if (!this.committedEntryInCurrentTerm()) {
      this.readsBeforeTermCommit.push(ctx);
      return;
    }
    this.startRead(ctx);
  }

  private releaseReadsWaitingForTermCommit(): void {
    const waiting = this.readsBeforeTermCommit;
    this.readsBeforeTermCommit = [];
    for (const ctx of waiting) this.startRead(ctx);
  }

  private startRead(ctx: Uint8Array): void {
    const index = this.log.committed;
    if (this.conf.voters.length === 1 && this.promotable()) {
      this.readStates.push({ index, ctx });
      return;
    }
    const round = ++this.readRound;
    this.pendingReads.push({ ctx, index, round });
    this.readAcks.set(round, new Set([this.id]));
    this.bcastHeartbeat();
  }

  /** A heartbeat answer for read round `round`: a quorum proves we were leader when it was sent. */
  private ackRead(from: NodeId, round: number): void {
    const acks = this.readAcks.get(round);
    if (!acks || !this.conf.voters.includes(from)) return;
    acks.add(from);
    const votes = this.conf.voters.filter((id) => acks.has(id)).length;
    if (votes < majority(this.conf.voters.length)) return;
    // Confirming round r confirms every earlier round too.
    while (this.pendingReads.length > 0 && this.pendingReads[0].round <= round) {
      const read = this.pendingReads.shift()!;
      this.readAcks.delete(read.round);
      this.readStates.push({ index: read.index, ctx: read.ctx });
    }
  }

  transferLeadership(to: NodeId): void {
    if (this.role !== 'leader' || to === this.id || !this.conf.voters.includes(to)) return;
    if (this.leadTransferee === to) return;
    this.leadTransferee = to;
    this.electionElapsed = 0; // the transfer must finish within one election timeout
    const pr = this.prs.get(to)!;
    if (pr.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', from: this.id, to, term: this.term });
    else this.sendAppend(to);
  }

  reportUnreachable(id: NodeId): void {
    const pr = this.prs.get(id);
    if (this.role === 'leader' && pr && pr.state === 'replicate') pr.becomeProbe();
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    const pr = this.prs.get(id);
    if (this.role !== 'leader' || !pr || pr.state !== 'snapshot') return;
    if (!ok) pr.pendingSnapshot = 0;
    pr.becomeProbe();
    pr.probeSent = true; // wait for the follower's answer (or the next heartbeat) before probing
  }

  /** Retry sends that stalled on UNAVAILABLE storage reads. */
  entriesLoaded(): void {
    if (this.role === 'leader') this.bcastAppend();
  }

  /** The host applied entries up to `index`; their bytes no longer count as uncommitted. */
  reduceUncommitted(entries: readonly Entry[]): void {
    if (this.role !== 'leader') return;
    for (const e of entries) this.uncommittedBytes = Math.max(0, this.uncommittedBytes - e.data.length);
  }

  applyCommittedConfChanges(entries: readonly Entry[]): void {
    for (const e of entries) if (e.type === EntryType.ConfChange) this.setConf(decodeConfChange(e.data).conf);
  }

  /**
   * Every invariant of this node's state at once (LogCabin's checkInvariants): the log's (see
   * RaftLog), membership, the role's, and on a leader its view of every follower. Throws
   * InvariantError naming the node's state and the first invariant broken. O(members + unstable
   * entries); a message is built only when one fails. The simulator calls it after every step.
   */
  checkInvariants(): void {
    // No entry of a later term than the node's: terms never decrease along the log, and the last
    // entry's term is at most the node's.
    this.log.checkInvariants(this.term);
    const last = this.log.lastIndex();
    const { voters, learners } = this.conf;

    // Progress is tracked for exactly the members, learners as learners.
    assert(this.prs.size === voters.length + learners.length, () => `${this.describe()}: progress tracked for [${[...this.prs.keys()]}]`);
    for (const id of voters) assert(this.prs.get(id)?.isLearner === false, () => `${this.describe()}: no voter progress for voter ${id}`);
    for (const id of learners) assert(this.prs.get(id)?.isLearner === true, () => `${this.describe()}: no learner progress for learner ${id}`);
    assert(this.uncommittedBytes >= 0, () => `${this.describe()}: ${this.uncommittedBytes} uncommitted bytes`);

    switch (this.role) {
      case 'leader':
        this.checkLeaderInvariants(last);
        return;
      case 'candidate':
        assert(this.vote === this.id, () => `${this.describe()}: a candidate votes for itself`);
        assert(this.lead === NONE && this.promotable(), () => `${this.describe()}: a candidate is a voter and knows no leader`);
        break;
      case 'preCandidate':
        assert(this.lead === NONE && this.promotable(), () => `${this.describe()}: a pre-candidate is a voter and knows no leader`);
        break;
      case 'follower':
        assert(this.lead !== this.id, () => `${this.describe()}: a follower follows another node`);
        break;
      default: {
        const never: never = this.role;
        throw new Error(`unknown role ${never}`);
      }
    }
    // Not a leader.
    assert(
      this.leadTransferee === NONE && this.pendingReads.length === 0 && this.readsBeforeTermCommit.length === 0 && this.uncommittedBytes === 0,
      () => `${this.describe()}: only a leader transfers leadership, serves reads or counts uncommitted bytes`,
    );
    for (const pr of this.prs.values()) {
      assert(pr.inflights.count === 0, () => `${this.describe()}: only a leader has appends in flight; ${pr.describe()}`);
    }
  }

  private checkLeaderInvariants(last: number): void {
    assert(this.lead === this.id && this.vote === this.id, () => `${this.describe()}: a leader leads, and voted for, itself`);
    const self = this.prs.get(this.id);
    assert(self !== undefined && !self.isLearner, () => `${this.describe()}: a leader is a voter`);
    assert(self.match === last && self.next === last + 1, () => `${this.describe()}: the leader's own progress does not match its last index; ${self.describe()}`);
    const t = this.leadTransferee;
    assert(t === NONE || (t !== this.id && this.prs.get(t)?.isLearner === false), () => `${this.describe()}: transfers leadership to ${t}, not another voter`);
    assert(this.readAcks.size === this.pendingReads.length, () => `${this.describe()}: ${this.pendingReads.length} pending reads, ${this.readAcks.size} acknowledgement sets`);
    for (const pr of this.prs.values()) {
      if (pr === self) continue;
      // A follower's log matches the leader's at most up to the leader's last index.
      assert(pr.match < pr.next && pr.next <= last + 1, () => `${this.describe()}: follower ${pr.id} is not within the leader's log; ${pr.describe()}`);
      const w = pr.inflights;
      if (pr.state === 'replicate') {
        // What is in flight was sent past the match point and before next.
        assert(!pr.probeSent && (w.count === 0 || (w.oldest() > pr.match && w.newest() < pr.next)), () => `${this.describe()}: in-flight window out of step; ${pr.describe()}`);
      } else {
        // Probe and snapshot send nothing that is pipelined.
        assert(w.count === 0 && w.bytes === 0, () => `${this.describe()}: appends in flight outside replicate state; ${pr.describe()}`);
      }
    }
  }

  /** The node's state in one line, for invariant messages. */
  describe(): string {
    return (
      `raft ${this.id} (term ${this.term}, ${this.role}, vote ${this.vote}, leader ${this.lead}, ` +
      `voters [${this.conf.voters}], learners [${this.conf.learners}], log [${this.log.firstIndex()}, ${this.log.lastIndex()}] committed ${this.log.committed})`
    );
  }

  /** The hard state to persist. Under the forgetVoteOnRestart bug the vote never reaches the disk. */
  hardState(): { term: number; vote: NodeId; commit: number } {
    const vote = this.bugs.has('forgetVoteOnRestart') ? NONE : this.vote;
    return { term: this.term, vote, commit: this.log.committed };
  }
}

function entryBytes(entries: readonly Entry[]): number {
  let n = 0;
  for (const e of entries) n += e.data.length;
  return n;
}
