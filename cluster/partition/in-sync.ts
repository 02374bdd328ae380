/**
 * The in-sync rule: which replicas of a partition its leader counts as in sync, and the state it
 * reports for each. Plain data in, a verdict out: the leader's host gathers the facts from Raft's
 * progress (match index, ticks since the follower last answered) and from the partition state
 * (offsets), and calls this at its housekeeping rounds and for DescribeTopic.
 *
 * A follower is in sync when the leader heard from it within replica.lag.time.max.ms AND it is at
 * most replica.lag.max.records records behind the leader's high watermark. The leader itself is
 * always in sync; a learner never is (it does not vote); a follower the leader has not heard from
 * since it became leader is not (it may be down; Raft's progress for it starts from nothing).
 */

/** The two topic settings that define "in sync" (replica.lag.time.max.ms, replica.lag.max.records). */
export interface InSyncConfig {
  readonly lagTimeMaxMs: number;
  readonly lagMaxRecords: number;
}

/**
 * Kafka's replica.lag.time.max.ms default. The records limit is high on purpose: the time rule is
 * the main one (as in Kafka, which dropped its message-count rule because bursts made followers
 * flap), and this one only catches a follower that answers but does not keep up, e.g. one being
 * sent a long backlog. 100,000 records of 1 KiB are about a second of a fast producer.
 */
export const DEFAULT_IN_SYNC: InSyncConfig = { lagTimeMaxMs: 30_000, lagMaxRecords: 100_000 };

/** What a replica is doing, as its partition's leader sees it. */
export type ReplicaStateName = 'leader' | 'in-sync' | 'lagging' | 'recovering' | 'learner' | 'offline' | 'fenced';

/** What the leader knows of one replica. */
export interface ReplicaFacts {
  readonly node: number;
  readonly isLeader: boolean;
  readonly isLearner: boolean;
  /** Milliseconds since the leader last heard from it; undefined if not since it became leader. */
  readonly heardMsAgo: number | undefined;
  /** Records behind the leader's high watermark (0 for the leader). */
  readonly lagRecords: number;
  /** The leader is sending it a snapshot (it needs entries the leader's log no longer has). */
  readonly snapshotting: boolean;
  /** Why it is fenced on its node (its apply or storage failed), if it is. */
  readonly fenced?: string;
}

export interface ReplicaVerdict {
  readonly state: ReplicaStateName;
  readonly inSync: boolean;
  /** Why it is (or is not) in sync, for describe and the node's log. */
  readonly why: string;
}

export function judgeReplica(f: ReplicaFacts, cfg: InSyncConfig): ReplicaVerdict {
  if (f.isLeader) return { state: 'leader', inSync: true, why: 'the leader' };
  if (f.fenced !== undefined) return { state: 'fenced', inSync: false, why: `fenced on its node: ${f.fenced}` };
  if (f.isLearner) return { state: 'learner', inSync: false, why: 'a learner (non-voting) replica' };
  if (f.heardMsAgo === undefined) return { state: 'offline', inSync: false, why: 'not heard from since this leader was elected' };
  if (f.heardMsAgo > cfg.lagTimeMaxMs) {
    return { state: 'offline', inSync: false, why: `not heard from for ${seconds(f.heardMsAgo)} (replica.lag.time.max.ms=${cfg.lagTimeMaxMs})` };
  }
  if (f.snapshotting) return { state: 'recovering', inSync: false, why: 'being sent a snapshot: the leader no longer has the log it misses' };
  if (f.lagRecords > cfg.lagMaxRecords) {
    return { state: 'lagging', inSync: false, why: `${f.lagRecords} records behind (replica.lag.max.records=${cfg.lagMaxRecords})` };
  }
  return { state: 'in-sync', inSync: true, why: `heard from ${seconds(f.heardMsAgo)} ago, ${f.lagRecords} records behind` };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
