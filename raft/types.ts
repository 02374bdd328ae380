/**
 * The Raft core's data types and its contract with the host.
 *
 * The core is a pure state machine: it never reads a clock, a socket or a disk. The host
 *   - calls tick() at a fixed interval (time is ticks),
 *   - feeds received messages to step(), and client requests to propose() / readIndex(),
 *   - then drains a Ready batch (see below), persists it, sends its messages, applies its
 *     committed entries, and calls advance().
 *
 * Numbers: terms and indexes are JS numbers and stay within Number.MAX_SAFE_INTEGER (2^53-1);
 * at a million entries a second that is 285 years of log, so no bigint on the hot path.
 */

export type NodeId = number;

/** No node: used for "no vote" and "no leader". Real node ids are >= 1. */
export const NONE: NodeId = 0;

export enum EntryType {
  /** Application data (may be empty: the leader's no-op on election is an empty normal entry). */
  Normal = 0,
  /** A membership change; data is encodeConfChange(change). */
  ConfChange = 1,
}

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** What must be on stable storage before any message of the same Ready is sent. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

/** The membership of a group: voters decide elections and commits; learners only receive the log. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export interface SnapshotMetadata {
  /** The last log index the snapshot covers. */
  readonly index: number;
  /** The term of the entry at `index`. */
  readonly term: number;
  /** The membership as of `index`. */
  readonly conf: ConfState;
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  /** The application's state as of metadata.index: opaque to Raft. */
  readonly data: Uint8Array;
}

/**
 * One server at a time (Raft dissertation §4.1, as etcd's simple changes). Safety rules the core
 * enforces: at most one unapplied change in the log, and none proposed before the leader has
 * committed an entry of its own term (the fix for the single-server bug found by Ongaro in 2015).
 */
export type ConfChange =
  | { readonly type: 'addLearner'; readonly node: NodeId }
  | { readonly type: 'addVoter'; readonly node: NodeId } // promotes a learner, or adds a new voter
  | { readonly type: 'removeNode'; readonly node: NodeId };

// ---------------------------------------------------------------------------------------------
// Messages. Every message carries the group-independent envelope {from, to, term}; the host
// adds the group id on the wire.

interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

export type Message =
  | (Envelope & {
      readonly type: 'append';
      /** index and term of the entry just before `entries` */
      readonly prevIndex: number;
      readonly prevTerm: number;
      readonly entries: readonly Entry[];
      readonly commit: number;
    })
  | (Envelope & {
      readonly type: 'appendResponse';
      /** On success: the follower's new match index. On reject: the prevIndex that was rejected. */
      readonly index: number;
      readonly reject: boolean;
      /** On reject: a guess at the longest matching prefix (fast back-tracking). */
      readonly rejectHint: number;
      /** On reject: the follower's term at rejectHint, so the leader can skip a whole term. */
      readonly hintTerm: number;
    })
  | (Envelope & {
      readonly type: 'vote' | 'preVote';
      readonly lastIndex: number;
      readonly lastTerm: number;
      /** Set when campaigning because of a leadership transfer: bypasses the leader lease. */
      readonly transfer: boolean;
    })
  | (Envelope & { readonly type: 'voteResponse' | 'preVoteResponse'; readonly reject: boolean })
  | (Envelope & {
      readonly type: 'heartbeat';
      /** min(leader commit, follower match): never tells a follower to commit what it may not have */
      readonly commit: number;
      /** The ReadIndex round this heartbeat confirms leadership for (0: none). */
      readonly readRound: number;
    })
  | (Envelope & { readonly type: 'heartbeatResponse'; readonly readRound: number })
  | (Envelope & { readonly type: 'snapshot'; readonly snapshot: Snapshot })
  /** Leadership transfer: the target campaigns at once, skipping pre-vote. */
  | (Envelope & { readonly type: 'timeoutNow' });

export type MessageType = Message['type'];

// ---------------------------------------------------------------------------------------------
// The host's side.

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

export interface SoftState {
  readonly leader: NodeId;
  readonly role: Role;
}

/** A confirmed ReadIndex: once the host has applied up to `index`, a read tagged `ctx` is linearizable. */
export interface ReadState {
  readonly index: number;
  readonly ctx: Uint8Array;
}

/**
 * A batch of work for the host. Contract, in this order:
 *   1. If `snapshot` is set, install it (replace the log: everything up to snapshot.index is gone).
 *   2. Append `entries` to stable storage; an entry at an index the log already has replaces it
 *      and everything after it (a conflicting suffix is truncated).
 *   3. If `hardState` is set, persist it.
 *   4. If `mustSync`, make 1-3 durable (fsync) before step 5. Group commit: a host with many
 *      groups may persist all their Ready batches in one synced write.
 *   5. Only now send `messages`. (A vote or an append acknowledgement sent before the vote or the
 *      entries are durable can make two leaders in one term, or lose a committed entry.)
 *   6. Apply `committedEntries` in order (they are already durable), and answer `readStates`
 *      once applied up to their index.
 *   7. Call advance(ready) with this same object.
 */
export interface Ready {
  readonly softState?: SoftState;
  readonly hardState?: HardState;
  readonly snapshot?: Snapshot;
  readonly entries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
  readonly mustSync: boolean;
}

/**
 * The stable log as the core sees it: synchronous, because the core is. A host whose disk is
 * asynchronous (LevelDB) keeps the metadata and the term of every index in memory (a run-length
 * list of terms is tiny) and a bounded cache of recent entries; entries() answers UNAVAILABLE on a
 * cache miss, starts loading them, and the host calls RawNode.entriesLoaded() when they are in.
 */
export interface Storage {
  /** Hard state and membership as of the last restart (read once, when the core is created). */
  initialState(): { hardState: HardState; conf: ConfState };
  /** Index of the first entry still in the log (snapshot index + 1 after a compaction). */
  firstIndex(): number;
  /** Index of the last entry (the snapshot's index if the log is empty). */
  lastIndex(): number;
  /** Term of `index`, for firstIndex()-1 (the snapshot's term) through lastIndex(). Throws CompactedError below. */
  term(index: number): number;
  /**
   * Entries [lo, hi), at least one if any, then no more than maxBytes (sum of data lengths).
   * Throws CompactedError if lo < firstIndex(). Returns UNAVAILABLE if not in memory right now.
   */
  entries(lo: number, hi: number, maxBytes: number): readonly Entry[] | typeof UNAVAILABLE;
  /** The latest snapshot (to send to a follower that is too far behind), or UNAVAILABLE while one is being made. */
  snapshot(): Snapshot | typeof UNAVAILABLE;
}

export const UNAVAILABLE: unique symbol = Symbol('unavailable');

export class CompactedError extends Error {
  constructor(readonly index: number, readonly firstIndex: number) {
    super(`log index ${index} is compacted (first index is ${firstIndex})`);
    this.name = 'CompactedError';
  }
}

/** Per-follower replication state, as the leader tracks it (etcd's tracker.Progress). */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export interface ProgressView {
  readonly id: NodeId;
  readonly isLearner: boolean;
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  /** Ticks since the leader last heard from this node (0 for the leader itself). */
  readonly ticksSinceContact: number;
  /**
   * Whether the leader has had an answer from it since it became leader (or since the node
   * joined): while false, ticksSinceContact counts only how long this leadership has lasted.
   */
  readonly heardFrom: boolean;
  /** Caught up within config.inSyncMaxLagEntries and heard from within config.inSyncMaxTicks. */
  readonly inSync: boolean;
  readonly inflightMessages: number;
  readonly inflightBytes: number;
}

export interface Status {
  readonly id: NodeId;
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  readonly role: Role;
  readonly leader: NodeId;
  readonly conf: ConfState;
  /** Only on the leader; includes the leader itself. */
  readonly progress?: readonly ProgressView[];
  /** The node a leadership transfer is under way to, or NONE. */
  readonly transferee: NodeId;
}

export interface Config {
  readonly id: NodeId;
  /** Ticks of silence before a follower starts an election; the actual timeout is random in [t, 2t). */
  readonly electionTicks: number;
  /** Ticks between heartbeats; must be < electionTicks. */
  readonly heartbeatTicks: number;
  readonly storage: Storage;
  /** Seed of the core's own random number generator (election timeouts): same seed, same run. */
  readonly seed: number;
  /** Entries committed before the restart that the host has already applied. */
  readonly applied?: number;
  /** Soft limit on the bytes of entry data in one append message. */
  readonly maxMessageBytes?: number;
  /** Flow control: at most this many append messages in flight to one follower. */
  readonly maxInflightMessages?: number;
  /** Flow control: at most this many bytes of entry data in flight to one follower. */
  readonly maxInflightBytes?: number;
  /** Bytes of proposals appended but not yet committed above which proposals are refused. */
  readonly maxUncommittedBytes?: number;
  /** Pre-vote (Raft dissertation §9.6): a partitioned node cannot force up the term on rejoining. Default true. */
  readonly preVote?: boolean;
  /** A leader that has not heard from a quorum within an election timeout steps down. Default true. */
  readonly checkQuorum?: boolean;
  /** In-sync: match within this many entries of the leader's last index. Default 1000. */
  readonly inSyncMaxLagEntries?: number;
  /** In-sync: heard from within this many ticks. Default electionTicks. */
  readonly inSyncMaxTicks?: number;
}

/** Why a proposal was not accepted. The host turns these into user-facing errors. */
export class ProposalDroppedError extends Error {
  constructor(
    readonly reason: 'notLeader' | 'transferring' | 'tooManyUncommitted' | 'confChangePending' | 'invalidConfChange',
    message: string,
    readonly leader: NodeId = NONE,
  ) {
    super(message);
    this.name = 'ProposalDroppedError';
  }
}

/**
 * The host's handle on one Raft group (etcd's RawNode). Not thread-safe and never blocks:
 * every method returns at once; effects come out of ready().
 */
export interface RaftNode {
  /** Advance logical time by one tick (elections, heartbeats, check-quorum, in-sync ages). */
  tick(): void;
  /** Feed a message from a peer. Messages for another node id, or from a stale term, are handled or dropped as Raft says. */
  step(message: Message): void;
  /** Append data to the log (leader only). Returns where it will land if committed. Throws ProposalDroppedError. */
  propose(data: Uint8Array): { index: number; term: number };
  /** Propose a membership change (leader only). Throws ProposalDroppedError. */
  proposeConfChange(change: ConfChange): { index: number; term: number };
  /**
   * Linearizable read (leader only): once a quorum confirms this node is still leader, a ReadState
   * {index: commit at the time of the request, ctx} comes out of ready(). Throws ProposalDroppedError.
   */
  readIndex(ctx: Uint8Array): void;
  /** Hand leadership to `to`: bring it up to date, then tell it to campaign at once. Leader only; no-op elsewhere. */
  transferLeadership(to: NodeId): void;
  /** Start an election now (bootstrap and tests). */
  campaign(): void;
  hasReady(): boolean;
  ready(): Ready;
  /** The host has done everything the Ready asked (see Ready). Conf changes among its committedEntries take effect here. */
  advance(ready: Ready): void;
  /** Storage answered UNAVAILABLE earlier and has since loaded entries: retry sending to followers that wait. */
  entriesLoaded(): void;
  /** The transport could not deliver to `id`: stop pipelining to it and probe. */
  reportUnreachable(id: NodeId): void;
  /** The host finished (or failed) streaming a snapshot to `id`. */
  reportSnapshot(id: NodeId, ok: boolean): void;
  status(): Status;
  /**
   * Check every invariant of the node's state at once (the log, membership, the role, a leader's
   * view of its followers) and throw InvariantError naming the node's state and the first one
   * broken. O(members + unstable entries). The simulator calls it after every step; a host may
   * call it in tests or when debugging.
   */
  checkInvariants(): void;
}
