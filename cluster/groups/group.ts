import { assign, type PartitionCounts } from './assignors';
import { GroupError, isCooperative, type Strategy, type TopicPartition, tpKey } from './types';

/**
 * One consumer group's coordinator state: a pure state machine (no clock, no I/O; `now` is an
 * argument) in the shape of Kafka's GroupCoordinator, with the assignment computed here rather
 * than by a leader member.
 *
 *   empty ──join──▶ preparing-rebalance ──every member rejoined, or the rebalance timeout──▶ stable
 *     ▲                    ▲                                                                 │
 *     └──last member gone──┴────────── a member joins, leaves or misses its session ─────────┘
 *
 * A generation completes when every member has (re)joined or the rebalance deadline has passed
 * (who has not rejoined by then is removed); the generation number then goes up and the
 * assignment is computed. With cooperative-sticky, a partition that moves from A to B is left out
 * of both in that generation: A revokes it and rejoins, and the next generation gives it to B, so
 * nobody consumes a partition another member still holds. The host (cluster/node/group-coordinator.ts)
 * answers the joins and persists the state after each call, from `takeEvents()`.
 */
export type GroupPhase = 'empty' | 'preparing-rebalance' | 'stable';

export interface JoinRequest {
  readonly memberId: string;
  readonly instanceId: string;
  readonly clientId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly topics: readonly string[];
  readonly strategy: Strategy;
  readonly owned: readonly TopicPartition[];
}

export interface Member {
  memberId: string;
  readonly instanceId: string;
  clientId: string;
  topics: string[];
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  lastSeen: number;
  owned: TopicPartition[];
  /** Rejoined in the rebalance under way. */
  joined: boolean;
  assignment: TopicPartition[];
}

export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string;
  readonly commitTimestampMs: number;
}

/** What a completed join answers. */
export interface JoinResult {
  readonly memberId: string;
  readonly generation: number;
  readonly strategy: Strategy;
  readonly members: readonly string[];
}

/** What happened in the calls since the host last asked. */
export interface GroupEvents {
  /** A generation completed: the joins of its members are answered. */
  readonly completed?: { readonly generation: number; readonly members: readonly string[] };
  /** Members removed (left, expired, not rejoined, replaced by a static member's new id): their pending joins fail. */
  readonly removed: readonly { readonly memberId: string; readonly why: string; readonly fenced: boolean }[];
  /** The persisted form changed (a generation completed, a static member was replaced): write it. */
  readonly dirty: boolean;
}

/** The persisted form of a group's membership (the value of its record in __consumer_offsets). */
export interface GroupRecord {
  readonly generation: number;
  readonly strategy: Strategy | '';
  readonly members: readonly {
    readonly memberId: string;
    readonly instanceId: string;
    readonly clientId: string;
    readonly topics: readonly string[];
    readonly sessionTimeoutMs: number;
    readonly rebalanceTimeoutMs: number;
    readonly assignment: readonly TopicPartition[];
  }[];
}

const MAX_FENCED_IDS = 1000;

export class ConsumerGroup {
  phase: GroupPhase = 'empty';
  generation = 0;
  strategy: Strategy | undefined;
  readonly members = new Map<string, Member>();
  readonly offsets = new Map<string, CommittedOffset>();
  private rebalanceDeadline = 0;
  /** Old member ids of static members that rejoined under a new one, to their instance id. */
  private readonly fencedIds = new Map<string, string>();
  private completed: GroupEvents['completed'];
  private removed: { memberId: string; why: string; fenced: boolean }[] = [];
  private dirty = false;
  /** Member ids handed to first joins (MEMBER_ID_REQUIRED), until they join with them or expire. */
  private readonly pendingIds = new Map<string, number>();
  /** The partition count of each subscribed topic when the assignment was computed. */
  private assignedCounts = new Map<string, number>();

  constructor(
    readonly groupId: string,
    private readonly counts: PartitionCounts,
    private readonly newMemberId: (clientId: string) => string,
  ) {}

  /** Rebuilt from its persisted record; every member gets a fresh session from `now`. */
  static fromRecord(groupId: string, record: GroupRecord, counts: PartitionCounts, newMemberId: (clientId: string) => string, now: number): ConsumerGroup {
    const g = new ConsumerGroup(groupId, counts, newMemberId);
    g.restore(record, now);
    return g;
  }

  restore(record: GroupRecord, now: number): void {
    this.generation = record.generation;
    this.strategy = record.strategy === '' ? undefined : record.strategy;
    this.members.clear();
    for (const m of record.members) {
      this.members.set(m.memberId, {
        ...m,
        topics: [...m.topics],
        lastSeen: now,
        owned: [...m.assignment],
        joined: false,
        assignment: [...m.assignment],
      });
    }
    this.phase = this.members.size > 0 ? 'stable' : 'empty';
    this.assignedCounts = new Map();
    for (const m of this.members.values()) for (const tp of m.assignment) this.assignedCounts.set(tp.topic, this.counts(tp.topic));
  }

  toRecord(): GroupRecord {
    return {
      generation: this.generation,
      strategy: this.strategy ?? '',
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        clientId: m.clientId,
        topics: m.topics,
        sessionTimeoutMs: m.sessionTimeoutMs,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        assignment: m.assignment,
      })),
    };
  }

  /** A group with no members and no committed offsets holds nothing worth keeping. */
  get isEmpty(): boolean {
    return this.members.size === 0 && this.offsets.size === 0;
  }

  takeEvents(): GroupEvents {
    const events: GroupEvents = { completed: this.completed, removed: this.removed, dirty: this.dirty };
    this.completed = undefined;
    this.removed = [];
    this.dirty = false;
    return events;
  }

  // ---- the protocol ---------------------------------------------------------------------------

  /**
   * A member (re)joins. Answers at once (`result`) when a static member comes back to a stable
   * group with the same subscription (no rebalance); otherwise the join waits for the generation
   * to complete (takeEvents().completed lists the member).
   */
  join(req: JoinRequest, now: number): { memberId: string; result?: JoinResult } {
    if (this.members.size > 0 && this.strategy !== undefined && req.strategy !== this.strategy) {
      throw new GroupError(
        'INVALID_REQUEST',
        `group "${this.groupId}": its members use the ${this.strategy} strategy, this member asks for ${req.strategy}; every member of a group must use the same one`,
      );
    }
    let member: Member | undefined;
    let newId: string | undefined;
    if (req.memberId === '' && req.instanceId === '') {
      // As Kafka (KIP-394): a first join gets its member id and joins again with it, so a first
      // join that is retried (its answer lost) does not leave a member behind that nobody runs.
      const id = this.newMemberId(req.clientId);
      this.pendingIds.set(id, now + req.sessionTimeoutMs);
      throw new GroupError('MEMBER_ID_REQUIRED', `group "${this.groupId}": join again with member id ${id}`, id);
    }
    if (req.memberId !== '') {
      member = this.members.get(req.memberId);
      if (!member) {
        if (!this.pendingIds.delete(req.memberId)) throw this.notMember(req.memberId);
        newId = req.memberId;
      }
    } else if (req.instanceId !== '') {
      const previous = [...this.members.values()].find((m) => m.instanceId === req.instanceId);
      if (previous) {
        // Static membership: the instance comes back under a new member id; the old one is fenced.
        const memberId = this.newMemberId(req.clientId);
        this.members.delete(previous.memberId);
        this.fencedIds.set(previous.memberId, previous.instanceId);
        // Remembered for telling a fenced instance from an unknown member; bounded.
        if (this.fencedIds.size > MAX_FENCED_IDS) this.fencedIds.delete(this.fencedIds.keys().next().value!);
        this.removed.push({ memberId: previous.memberId, why: `group instance "${req.instanceId}" rejoined as ${memberId}`, fenced: true });
        previous.memberId = memberId;
        this.members.set(memberId, previous);
        this.dirty = true;
        const unchanged = sameTopics(previous.topics, req.topics);
        this.update(previous, req, now);
        if (this.phase === 'stable' && unchanged) {
          return { memberId, result: this.resultFor(memberId) };
        }
        member = previous;
      }
    }
    if (!member) {
      const memberId = newId ?? this.newMemberId(req.clientId);
      member = {
        memberId,
        instanceId: req.instanceId,
        clientId: req.clientId,
        topics: [],
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        lastSeen: now,
        owned: [],
        joined: false,
        assignment: [],
      };
      this.members.set(memberId, member);
    }
    this.strategy ??= req.strategy;
    if (this.members.size === 1) this.strategy = req.strategy;
    this.update(member, req, now);
    if (this.phase !== 'preparing-rebalance') this.startRebalance(now);
    member.joined = true;
    this.checkComplete(now);
    return { memberId: member.memberId };
  }

  sync(memberId: string, generation: number, now: number): TopicPartition[] {
    const m = this.member(memberId);
    m.lastSeen = now;
    if (this.phase === 'preparing-rebalance') throw this.rebalancing();
    if (generation !== this.generation) throw this.illegalGeneration(memberId, generation);
    return m.assignment;
  }

  heartbeat(memberId: string, generation: number, now: number): { rebalanceInProgress: boolean } {
    const m = this.member(memberId);
    m.lastSeen = now;
    if (this.phase === 'preparing-rebalance') return { rebalanceInProgress: true };
    if (generation !== this.generation) throw this.illegalGeneration(memberId, generation);
    return { rebalanceInProgress: false };
  }

  leave(memberId: string, now: number): void {
    this.member(memberId);
    this.remove(memberId, 'it left the group', now);
  }

  /**
   * Expires members past their session, ends a rebalance past its deadline, and starts one when
   * a subscribed topic's partition count changed since the assignment (partitions were added).
   */
  tick(now: number): void {
    for (const [id, until] of this.pendingIds) if (now > until) this.pendingIds.delete(id);
    if (this.phase === 'stable' && [...this.assignedCounts].some(([topic, n]) => this.counts(topic) !== n)) this.startRebalance(now);
    const expired = [...this.members.values()].filter((m) => !(this.phase === 'preparing-rebalance' && m.joined) && now - m.lastSeen > m.sessionTimeoutMs);
    for (const m of expired) this.remove(m.memberId, `no heartbeat for ${now - m.lastSeen} ms (session timeout ${m.sessionTimeoutMs} ms)`, now);
    this.checkComplete(now);
  }

  /**
   * Refuses a commit from a member not in the group or of another generation (a zombie), and an
   * admin commit (no member id, generation -1) while the group has members. A member's commit
   * counts as a heartbeat.
   */
  checkCommit(memberId: string, generation: number, now: number): void {
    if (memberId === '' && generation === -1) {
      if (this.members.size > 0) {
        throw new GroupError(
          'GROUP_NOT_EMPTY',
          `group "${this.groupId}" has ${this.members.size} live member${this.members.size === 1 ? '' : 's'}; offsets are committed by them (stop them to reset offsets)`,
        );
      }
      return;
    }
    const m = this.member(memberId);
    if (generation !== this.generation) throw this.illegalGeneration(memberId, generation);
    m.lastSeen = now;
  }

  commit(offsets: readonly CommittedOffset[]): void {
    for (const o of offsets) this.offsets.set(tpKey(o), o);
  }

  // ---- inside -----------------------------------------------------------------------------------

  private update(m: Member, req: JoinRequest, now: number): void {
    m.clientId = req.clientId;
    m.topics = [...new Set(req.topics)].sort();
    m.sessionTimeoutMs = req.sessionTimeoutMs;
    m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    m.owned = [...req.owned];
    m.lastSeen = now;
  }

  private resultFor(memberId: string): JoinResult {
    return { memberId, generation: this.generation, strategy: this.strategy!, members: [...this.members.keys()].sort() };
  }

  private member(memberId: string): Member {
    const m = this.members.get(memberId);
    if (!m) throw this.notMember(memberId);
    return m;
  }

  private notMember(memberId: string): GroupError {
    const instance = this.fencedIds.get(memberId);
    if (instance !== undefined) {
      return new GroupError('FENCED_INSTANCE_ID', `group "${this.groupId}": member ${memberId} was replaced by a newer member with group instance id "${instance}"`);
    }
    return new GroupError(
      'UNKNOWN_MEMBER_ID',
      `group "${this.groupId}" has no member ${memberId} (its session expired, it left, or it was removed in a rebalance); rejoin with no member id`,
    );
  }

  private illegalGeneration(memberId: string, generation: number): GroupError {
    return new GroupError(
      'ILLEGAL_GENERATION',
      `group "${this.groupId}": member ${memberId} speaks for generation ${generation}, the group is at generation ${this.generation}; rejoin`,
    );
  }

  private rebalancing(): GroupError {
    return new GroupError('REBALANCE_IN_PROGRESS', `group "${this.groupId}" is rebalancing (after generation ${this.generation}); rejoin`);
  }

  private remove(memberId: string, why: string, now: number): void {
    this.members.delete(memberId);
    this.removed.push({ memberId, why, fenced: false });
    if (this.members.size === 0) {
      this.generation++;
      this.phase = 'empty';
      this.dirty = true;
      this.completed = { generation: this.generation, members: [] };
      return;
    }
    if (this.phase === 'stable') this.startRebalance(now);
  }

  private startRebalance(now: number): void {
    this.phase = 'preparing-rebalance';
    for (const m of this.members.values()) m.joined = false;
    this.rebalanceDeadline = now + Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
  }

  private checkComplete(now: number): void {
    if (this.phase !== 'preparing-rebalance') return;
    const all = [...this.members.values()].every((m) => m.joined);
    if (!all && now < this.rebalanceDeadline) return;
    for (const m of [...this.members.values()]) {
      if (!m.joined) {
        this.members.delete(m.memberId);
        this.removed.push({ memberId: m.memberId, why: `it did not rejoin within the rebalance timeout (${m.rebalanceTimeoutMs} ms)`, fenced: false });
      }
    }
    this.generation++;
    this.dirty = true;
    if (this.members.size === 0) {
      this.phase = 'empty';
      this.completed = { generation: this.generation, members: [] };
      return;
    }
    const strategy = this.strategy!;
    const members = [...this.members.values()];
    const target = assign(strategy, members, this.counts);
    this.assignedCounts = new Map([...new Set(members.flatMap((m) => m.topics))].map((t) => [t, this.counts(t)]));
    const ownerOf = new Map<string, string>();
    if (isCooperative(strategy)) for (const m of members) for (const tp of m.owned) if (!ownerOf.has(tpKey(tp))) ownerOf.set(tpKey(tp), m.memberId);
    for (const m of members) {
      const t = target.get(m.memberId) ?? [];
      // Cooperative: a partition another member still owns waits until that one has revoked it and rejoined.
      m.assignment = t.filter((tp) => {
        const owner = ownerOf.get(tpKey(tp));
        return owner === undefined || owner === m.memberId;
      });
      m.joined = false;
      m.lastSeen = now;
    }
    this.phase = 'stable';
    this.completed = { generation: this.generation, members: members.map((m) => m.memberId).sort() };
  }

  /** The answer of a join that waited for generation `completed`. */
  joinResult(memberId: string): JoinResult {
    return this.resultFor(memberId);
  }
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((t, i) => t === y[i]);
}
