import type { NodeId, Status } from '../../raft';
import type { GroupReplica, ReplicaState, ReplicaStatus } from '../../proto/load';
import { type AppliedView, DEFAULT_IN_SYNC, followerPosition, type InSyncConfig, judgeReplica, type OffsetTrail, type ReplicaStateName } from '../partition';

/** The wire name of each state (flotilla.proto's ReplicaState). */
const WIRE_STATE: Readonly<Record<ReplicaStateName, ReplicaState>> = {
  leader: 'REPLICA_STATE_LEADER',
  'in-sync': 'REPLICA_STATE_IN_SYNC',
  lagging: 'REPLICA_STATE_LAGGING',
  recovering: 'REPLICA_STATE_RECOVERING',
  learner: 'REPLICA_STATE_LEARNER',
  offline: 'REPLICA_STATE_OFFLINE',
  fenced: 'REPLICA_STATE_FENCED',
};

const KNOWN_WIRE_STATES = new Set<string>([...Object.values(WIRE_STATE), 'REPLICA_STATE_UNKNOWN']);

/** What the leader of a partition measures its replicas against. */
export interface LeaderView {
  /** The leader's Raft status (with progress: only a leader has it). */
  readonly status: Status;
  readonly state: AppliedView;
  readonly trail: OffsetTrail;
  /** The leader's own log end offset (the next offset it will give, committed or not). */
  readonly logEndOffset: number;
  readonly config: InSyncConfig | undefined;
  readonly tickMs: number;
  /** The partition's replicas in assignment order: the order to report them in. */
  readonly order: readonly NodeId[];
}

/** One replica, measured by the leader: the verdict of the in-sync rule and the numbers behind it. */
export interface MeasuredReplica extends GroupReplica {
  readonly inSync: boolean;
  /** Not heard from since this leader was elected, which was less than replica.lag.time.max.ms ago: it may just not have answered yet. */
  readonly awaitingFirstAnswer: boolean;
}

/** The wire part of a measurement (GroupState.replicas). */
export function toGroupReplica(m: MeasuredReplica): GroupReplica {
  return { node: m.node, state: m.state, lagRecords: m.lagRecords, lagBytes: m.lagBytes, lastHeardMs: m.lastHeardMs, logEndOffset: m.logEndOffset, reason: m.reason };
}

/**
 * Every replica of a partition as its leader sees it, from Raft's progress (match index, ticks
 * since the follower last answered: the leader's Raft node counts them, so no timer of ours is
 * involved) and the partition's offsets (followerPosition turns the match index into records).
 * Undefined when this node does not lead.
 */
export function measureReplicas(v: LeaderView): MeasuredReplica[] | undefined {
  const { status } = v;
  if (status.role !== 'leader' || !status.progress) return undefined;
  const config = v.config ?? DEFAULT_IN_SYNC;
  const rank = (id: NodeId) => {
    const k = v.order.indexOf(id);
    return k < 0 ? v.order.length + id : k;
  };
  return [...status.progress]
    .sort((a, b) => rank(a.id) - rank(b.id))
    .map((p) => {
      const isLeader = p.id === status.id;
      const heardMsAgo = isLeader ? 0 : p.heardFrom ? p.ticksSinceContact * v.tickMs : undefined;
      const pos = isLeader ? { offset: v.logEndOffset, lagRecords: 0, lagBytes: 0 } : followerPosition(v.state, v.trail, p.match);
      const verdict = judgeReplica(
        { node: p.id, isLeader, isLearner: p.isLearner, heardMsAgo, lagRecords: pos.lagRecords, snapshotting: p.state === 'snapshot' },
        config,
      );
      return {
        node: p.id,
        state: WIRE_STATE[verdict.state],
        inSync: verdict.inSync && !p.isLearner,
        // For a follower never heard from, ticksSinceContact counts the leadership's age.
        awaitingFirstAnswer: !isLeader && !p.heardFrom && p.ticksSinceContact * v.tickMs <= config.lagTimeMaxMs,
        lagRecords: pos.lagRecords,
        lagBytes: pos.lagBytes,
        lastHeardMs: heardMsAgo ?? -1,
        // A follower holding the leader's whole log has its log end too.
        logEndOffset: isLeader || p.match >= status.lastIndex ? v.logEndOffset : pos.offset,
        reason: verdict.why,
      };
    });
}

/**
 * The client's view of a partition's replicas, from the best GroupState the answering node got
 * (the leader's, when it found one) and what it knows itself: replicas fenced on their node, and
 * nodes it does not hear from. Without a leader's measurements a replica is FENCED, OFFLINE or
 * UNKNOWN.
 */
export function replicaStatusForClient(
  replicas: readonly NodeId[],
  measured: readonly GroupReplica[] | undefined,
  fenced: ReadonlyMap<NodeId, string>,
  reachable: (id: NodeId) => boolean,
): ReplicaStatus[] {
  const byNode = new Map((measured ?? []).map((m) => [m.node, m]));
  const ids = [...replicas, ...[...byNode.keys()].filter((id) => !replicas.includes(id))];
  return ids.map((node): ReplicaStatus => {
    const m = byNode.get(node);
    const fencedWhy = fenced.get(node);
    if (fencedWhy !== undefined) {
      return { node, state: 'REPLICA_STATE_FENCED', lagRecords: m?.lagRecords ?? 0, lagBytes: m?.lagBytes ?? 0, lastHeardMs: m?.lastHeardMs ?? -1, logEndOffset: m?.logEndOffset ?? 0, reason: `fenced on its node: ${fencedWhy}` };
    }
    if (m && KNOWN_WIRE_STATES.has(m.state)) {
      return { node, state: m.state as ReplicaState, lagRecords: m.lagRecords, lagBytes: m.lagBytes, lastHeardMs: m.lastHeardMs, logEndOffset: m.logEndOffset, reason: m.reason };
    }
    const offline = !reachable(node);
    return {
      node,
      state: offline ? 'REPLICA_STATE_OFFLINE' : 'REPLICA_STATE_UNKNOWN',
      lagRecords: 0,
      lagBytes: 0,
      lastHeardMs: -1,
      logEndOffset: 0,
      reason: offline ? 'the answering node does not hear from it, and no leader was found' : 'no leader was found to measure it against',
    };
  });
}

/** The in-sync replicas in a client's view: the leader and the followers in sync. */
export function inSyncOf(statuses: readonly ReplicaStatus[]): NodeId[] {
  return statuses.filter((s) => s.state === 'REPLICA_STATE_LEADER' || s.state === 'REPLICA_STATE_IN_SYNC').map((s) => s.node);
}

/** What InSyncWatch needs of each partition this node hosts. */
export interface WatchedPartition {
  /** `topic "x" partition n`, for the log. */
  readonly what: string;
  /** This node's measurements if it leads the partition now, with its Raft term; else undefined. */
  measure(): { term: number; replicas: readonly MeasuredReplica[] } | undefined;
}

/**
 * Writes a line to the node's log whenever a replica leaves or rejoins the in-sync set of a
 * partition this node leads. Run at the node's housekeeping rounds (no timer per group): each
 * round compares each led partition's in-sync set with the previous round's. A new leadership
 * first waits until it has heard from every follower or replica.lag.time.max.ms has passed (so an
 * election does not log every follower as leaving), then logs the replicas it finds out of sync.
 */
export class InSyncWatch {
  private readonly known = new Map<number, { term: number; inSync: Set<NodeId> }>();

  constructor(
    private readonly self: NodeId,
    private readonly log: (line: string) => void,
  ) {}

  round(partitions: ReadonlyMap<number, WatchedPartition>): void {
    for (const g of [...this.known.keys()]) if (!partitions.has(g)) this.known.delete(g);
    for (const [g, p] of partitions) {
      const now = p.measure();
      if (!now) {
        this.known.delete(g);
        continue;
      }
      const before = this.known.get(g);
      const inSync = new Set(now.replicas.filter((r) => r.inSync).map((r) => r.node));
      if (!before || before.term !== now.term) {
        // Settling: a follower not heard from yet, within the lag time, may just not have answered the new leader.
        if (now.replicas.some((r) => r.awaitingFirstAnswer)) continue;
        this.known.set(g, { term: now.term, inSync });
        for (const r of now.replicas) {
          if (!r.inSync && r.state !== 'REPLICA_STATE_LEARNER') this.line(p, r, `is out of the in-sync set (node ${this.self} leads term ${now.term})`);
        }
        continue;
      }
      for (const r of now.replicas) {
        const was = before.inSync.has(r.node);
        if (was && !r.inSync) this.line(p, r, 'left the in-sync set');
        else if (!was && r.inSync) this.line(p, r, 'rejoined the in-sync set');
      }
      before.inSync = inSync;
    }
  }

  private line(p: WatchedPartition, r: MeasuredReplica, what: string): void {
    const heard = r.lastHeardMs < 0 ? 'never heard from in this term' : `last heard ${(r.lastHeardMs / 1000).toFixed(1)} s ago`;
    this.log(
      `node ${this.self}: ${p.what}: replica ${r.node} ${what}: ${stateName(r.state)}, lag ${r.lagRecords} records (${r.lagBytes} bytes), ${heard}, log end offset ${r.logEndOffset}; ${r.reason}`,
    );
  }
}

/** `REPLICA_STATE_IN_SYNC` -> `in-sync`. */
export function stateName(state: string): string {
  return state.replace(/^REPLICA_STATE_/, '').toLowerCase().replace(/_/g, '-');
}
