/** A partition of a topic. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** The assignment strategies the coordinator knows (Kafka's range, roundrobin, cooperative-sticky). */
export const STRATEGIES = ['range', 'roundrobin', 'cooperative-sticky'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export function isStrategy(s: string): s is Strategy {
  return (STRATEGIES as readonly string[]).includes(s);
}

/** Whether members of a group with this strategy keep consuming while it rebalances (they revoke only what moves). */
export function isCooperative(s: Strategy): boolean {
  return s === 'cooperative-sticky';
}

/** "topic/partition", a map key. */
export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

export function compareTp(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

/** A group's failure the client API answers with its `flotilla-error` code. */
export type GroupErrorCode =
  | 'UNKNOWN_MEMBER_ID'
  | 'ILLEGAL_GENERATION'
  | 'REBALANCE_IN_PROGRESS'
  | 'FENCED_INSTANCE_ID'
  | 'GROUP_NOT_EMPTY'
  | 'UNKNOWN_GROUP'
  | 'MEMBER_ID_REQUIRED'
  | 'INVALID_REQUEST';

export class GroupError extends Error {
  constructor(
    readonly code: GroupErrorCode,
    message: string,
    /** MEMBER_ID_REQUIRED: the member id to join with. */
    readonly memberId?: string,
  ) {
    super(message);
    this.name = 'GroupError';
  }
}
