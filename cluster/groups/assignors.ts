import { compareTp, type Strategy, type TopicPartition, tpKey } from './types';

/** A member as an assignor sees it. */
export interface AssignorMember {
  readonly memberId: string;
  /** Static members sort by their instance id, so that a restart (new member id) gets the same partitions. */
  readonly instanceId?: string;
  readonly topics: readonly string[];
  /** What the member consumes now (cooperative-sticky keeps it where it can). */
  readonly owned: readonly TopicPartition[];
}

/** memberId → its partitions, sorted; every member has an entry. */
export type AssignmentMap = Map<string, TopicPartition[]>;

/** The partition count of a topic; 0 for one that does not exist (none of it is assigned). */
export type PartitionCounts = (topic: string) => number;

/**
 * The assignment of every partition of the subscribed topics to exactly one member subscribed
 * to its topic. Deterministic: the same members (in any order) and counts give the same result.
 */
export function assign(strategy: Strategy, members: readonly AssignorMember[], counts: PartitionCounts): AssignmentMap {
  const sorted = [...members].sort((a, b) => cmp(sortKey(a), sortKey(b)));
  switch (strategy) {
    case 'range':
      return range(sorted, counts);
    case 'roundrobin':
      return roundRobin(sorted, counts);
    case 'cooperative-sticky':
      return sticky(sorted, counts);
  }
}

function sortKey(m: AssignorMember): string {
  return m.instanceId ? `0${m.instanceId}` : `1${m.memberId}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function emptyMap(members: readonly AssignorMember[]): AssignmentMap {
  return new Map(members.map((m) => [m.memberId, []]));
}

function topicsOf(members: readonly AssignorMember[]): string[] {
  return [...new Set(members.flatMap((m) => m.topics))].sort(cmp);
}

function finish(out: AssignmentMap): AssignmentMap {
  for (const list of out.values()) list.sort(compareTp);
  return out;
}

/** Kafka's range: per topic, contiguous ranges to the subscribed members in order, the first ones one more. */
function range(members: readonly AssignorMember[], counts: PartitionCounts): AssignmentMap {
  const out = emptyMap(members);
  for (const topic of topicsOf(members)) {
    const subs = members.filter((m) => m.topics.includes(topic));
    const n = counts(topic);
    const per = Math.floor(n / subs.length);
    const extra = n % subs.length;
    let next = 0;
    subs.forEach((m, i) => {
      const take = per + (i < extra ? 1 : 0);
      for (let k = 0; k < take; k++) out.get(m.memberId)!.push({ topic, partition: next++ });
    });
  }
  return finish(out);
}

/** Kafka's roundrobin: all partitions in order, dealt to the members in turn (skipping those not subscribed). */
function roundRobin(members: readonly AssignorMember[], counts: PartitionCounts): AssignmentMap {
  const out = emptyMap(members);
  let turn = 0;
  for (const topic of topicsOf(members)) {
    for (let p = 0; p < counts(topic); p++) {
      for (let tries = 0; tries < members.length; tries++) {
        const m = members[turn++ % members.length];
        if (m.topics.includes(topic)) {
          out.get(m.memberId)!.push({ topic, partition: p });
          break;
        }
      }
    }
  }
  return finish(out);
}

/**
 * Sticky: every member keeps what it owns while that is still valid (its topic subscribed and
 * existing, the partition not claimed by an earlier member) ; the partitions nobody keeps go one
 * by one to the least loaded subscribed member; then, while a member holds two or more than
 * another that could take one of its partitions, one moves (a partition it did not own first).
 * So a partition moves only when its owner left, unsubscribed, or holds more than its share.
 */
function sticky(members: readonly AssignorMember[], counts: PartitionCounts): AssignmentMap {
  const out = emptyMap(members);
  const ownerOf = new Map<string, string>();
  const owned = new Map<string, Set<string>>();
  const give = (m: string, tp: TopicPartition) => {
    out.get(m)!.push(tp);
    ownerOf.set(tpKey(tp), m);
  };
  for (const m of members) {
    owned.set(m.memberId, new Set(m.owned.map(tpKey)));
    for (const tp of [...m.owned].sort(compareTp)) {
      if (!m.topics.includes(tp.topic) || tp.partition >= counts(tp.topic) || ownerOf.has(tpKey(tp))) continue;
      give(m.memberId, tp);
    }
  }
  const subscribers = (topic: string) => members.filter((m) => m.topics.includes(topic));
  const load = (m: AssignorMember) => out.get(m.memberId)!.length;
  for (const topic of topicsOf(members)) {
    for (let p = 0; p < counts(topic); p++) {
      const tp = { topic, partition: p };
      if (ownerOf.has(tpKey(tp))) continue;
      const best = subscribers(topic).reduce((a, b) => (load(b) < load(a) ? b : a));
      give(best.memberId, tp);
    }
  }
  // Balance: move from an overloaded member to one with at least two fewer that can take it.
  for (let guard = 0; guard < 100_000; guard++) {
    let moved = false;
    const byLoad = [...members].sort((a, b) => load(b) - load(a) || cmp(sortKey(a), sortKey(b)));
    outer: for (const from of byLoad) {
      const list = out.get(from.memberId)!;
      // Partitions it did not own before go first, then the highest ones.
      const candidates = [...list].sort((a, b) => Number(owned.get(from.memberId)!.has(tpKey(a))) - Number(owned.get(from.memberId)!.has(tpKey(b))) || compareTp(b, a));
      for (const tp of candidates) {
        const to = [...members]
          .filter((m) => m.memberId !== from.memberId && m.topics.includes(tp.topic) && load(m) + 1 < load(from))
          .sort((a, b) => load(a) - load(b) || cmp(sortKey(a), sortKey(b)))[0];
        if (!to) continue;
        list.splice(list.findIndex((x) => tpKey(x) === tpKey(tp)), 1);
        give(to.memberId, tp);
        moved = true;
        break outer;
      }
    }
    if (!moved) break;
  }
  return finish(out);
}
