/**
 * The error contract of Flotilla's gRPC API, in one place: every `flotilla-error` code with its
 * gRPC status, whether the same request may succeed if sent again, what a failed write did when
 * the error does not say, and what it means. Everything else derives from this table: the
 * `ErrorCode` type, the client's error classes and retry decisions (cluster/client/errors.ts),
 * the server's statuses (cluster/node/rpc-errors.ts, whose RpcError refuses at compile time a
 * status that is not the code's), the partition layer's codes (cluster/partition/errors.ts maps
 * each of its own to one of these), and the table at the top of proto/flotilla.proto, which
 * `npm run proto:gen` writes from this one and proto/errors.test.ts checks against it.
 *
 * Plain data with no imports, so that any layer may read it.
 */

/** Trailing-metadata keys of the error contract. */
export const META = {
  error: 'flotilla-error',
  leader: 'flotilla-leader',
  leaderAddress: 'flotilla-leader-address',
  logStartOffset: 'flotilla-log-start-offset',
  logEndOffset: 'flotilla-log-end-offset',
  expectedSequence: 'flotilla-expected-sequence',
  /** On MEMBER_ID_REQUIRED: the member id to join the group with. */
  memberId: 'flotilla-member-id',
  /** On produce errors: 'not-written' or 'unknown' (see OUTCOME). */
  outcome: 'flotilla-outcome',
} as const;

/** Values of META.outcome. A produce error without it is taken as 'unknown'. */
export const OUTCOME = { notWritten: 'not-written', unknown: 'unknown' } as const;

/** What a failed write did: a value of META.outcome. */
export type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];

/** The gRPC status codes the table uses, by their names in @grpc/grpc-js's `status` enum. */
export type GrpcStatusName =
  | 'NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'OUT_OF_RANGE'
  | 'FAILED_PRECONDITION'
  | 'UNAVAILABLE'
  | 'ALREADY_EXISTS'
  | 'DEADLINE_EXCEEDED'
  | 'INTERNAL';

export interface ErrorSpec {
  /** The gRPC status every error with this code is sent with. */
  readonly status: GrpcStatusName;
  /** Whether the same request may succeed if sent again (perhaps to another node, after a while). */
  readonly retriable: boolean;
  /**
   * What a write that failed with this code did, when the error does not say: 'not-written' if
   * it was refused and took no effect, 'unknown' if it may have taken effect. Every produce error
   * says so itself in META.outcome (authoritative, whatever the code); this column is for the
   * admin writes, which carry no outcome (CreateTopic, DeleteTopic).
   */
  readonly outcome: Outcome;
  /** What it means and what a client does about it; the metadata keys it carries. */
  readonly meaning: string;
}

/** Every `flotilla-error` code, in the order of the table in flotilla.proto. */
export const ERRORS = {
  UNKNOWN_TOPIC: { status: 'NOT_FOUND', retriable: false, outcome: 'not-written', meaning: 'no such topic' },
  UNKNOWN_PARTITION: { status: 'NOT_FOUND', retriable: false, outcome: 'not-written', meaning: 'the topic has no such partition' },
  INVALID_TOPIC_NAME: {
    status: 'INVALID_ARGUMENT',
    retriable: false,
    outcome: 'not-written',
    meaning: 'name not [A-Za-z0-9._-]{1,249}, or "." / ".."',
  },
  INVALID_CONFIG: {
    status: 'INVALID_ARGUMENT',
    retriable: false,
    outcome: 'not-written',
    meaning: 'bad partitions / replication_factor / config',
  },
  RECORD_TOO_LARGE: {
    status: 'INVALID_ARGUMENT',
    retriable: false,
    outcome: 'not-written',
    meaning: 'a record or batch is over the size limit',
  },
  INVALID_REQUEST: { status: 'INVALID_ARGUMENT', retriable: false, outcome: 'not-written', meaning: 'any other malformed request' },
  OFFSET_OUT_OF_RANGE: {
    status: 'OUT_OF_RANGE',
    retriable: false,
    outcome: 'not-written',
    meaning: 'fetch offset below log start or past log end; carries flotilla-log-start-offset and flotilla-log-end-offset',
  },
  NOT_LEADER: {
    status: 'FAILED_PRECONDITION',
    retriable: true,
    outcome: 'not-written',
    meaning:
      'this node does not lead the partition (or the metadata group); carries flotilla-leader: <nodeId> and ' +
      "flotilla-leader-address: host:port (the leader's CLIENT address) when the leader is known. Retry there.",
  },
  OFFSET_MISMATCH: {
    status: 'FAILED_PRECONDITION',
    retriable: false,
    outcome: 'not-written',
    meaning: 'conditional append: the log end offset is not expected_offset; carries flotilla-log-end-offset',
  },
  OUT_OF_ORDER_SEQUENCE: {
    status: 'FAILED_PRECONDITION',
    retriable: false,
    outcome: 'not-written',
    meaning:
      'idempotent produce: base_sequence is not the next one for (producer_id, partition); carries flotilla-expected-sequence',
  },
  FENCED: { status: 'FAILED_PRECONDITION', retriable: false, outcome: 'not-written', meaning: 'a newer epoch of this producer exists' },
  SEQUENCE_CONFLICT: {
    status: 'FAILED_PRECONDITION',
    retriable: false,
    outcome: 'not-written',
    meaning:
      "idempotent produce: the batch's sequences match (or overlap) a batch already stored for this producer and epoch, " +
      "but its records differ. The server never answers it with the stored batch's offsets. A client bug: take a new epoch.",
  },
  UNKNOWN_PRODUCER: {
    status: 'FAILED_PRECONDITION',
    retriable: false,
    outcome: 'not-written',
    meaning:
      'the partition has no state for producer_id (never seen there, or forgotten after 10,000 newer producers) and ' +
      "base_sequence is not 0: start a new epoch at sequence 0 (Kafka's UNKNOWN_PRODUCER_ID). Ids are not checked " +
      "against InitProducer's allocations: a client that invents ids gets no fencing and no duplicate detection against " +
      'other users of the same id.',
  },
  NO_LEADER: {
    status: 'UNAVAILABLE',
    retriable: true,
    outcome: 'not-written',
    meaning:
      "the partition has no leader yet; retry later. On a metadata read: this node cannot reach the metadata group's " +
      'leader; ask another node',
  },
  NOT_ENOUGH_REPLICAS: {
    status: 'UNAVAILABLE',
    retriable: true,
    outcome: 'not-written',
    meaning:
      'fewer than a quorum of replicas are reachable; CreateTopic: nodes of the peer list have not registered (the ' +
      'message names them)',
  },
  SHUTTING_DOWN: { status: 'UNAVAILABLE', retriable: true, outcome: 'not-written', meaning: 'the node is stopping; retry elsewhere' },
  TOPIC_EXISTS: { status: 'ALREADY_EXISTS', retriable: false, outcome: 'not-written', meaning: 'CreateTopic of an existing name' },
  TIMEOUT: {
    status: 'DEADLINE_EXCEEDED',
    retriable: true,
    outcome: 'unknown',
    meaning: 'the write was not committed in time; its outcome is unknown (an idempotent retry is safe)',
  },
  NOT_COORDINATOR: {
    status: 'UNAVAILABLE',
    retriable: true,
    outcome: 'not-written',
    meaning:
      "consumer groups: this node is not the group's coordinator (the leader of the group's __consumer_offsets " +
      'partition); carries flotilla-leader and flotilla-leader-address when the leader is known. Find the coordinator again and retry there',
  },
  COORDINATOR_LOAD_IN_PROGRESS: {
    status: 'UNAVAILABLE',
    retriable: true,
    outcome: 'not-written',
    meaning: "consumer groups: the coordinator has just become the partition's leader and is still reading the groups' state from it; retry shortly",
  },
  UNKNOWN_MEMBER_ID: {
    status: 'FAILED_PRECONDITION',
    retriable: false,
    outcome: 'not-written',
    meaning: 'consumer groups: the member is not in the group (its session expired, it left, or the group was deleted): rejoin with no member id',
  },
  ILLEGAL_GENERATION: {
    status: 'FAILED_PRECONDITION',
    retriable: false,
    outcome: 'not-written',
    meaning: "consumer groups: the request names another generation than the group's (a zombie member, fenced): rejoin",
  },
  REBALANCE_IN_PROGRESS: {
    status: 'FAILED_PRECONDITION',
    retriable: false,
    outcome: 'not-written',
    meaning: 'consumer groups: the group is rebalancing: rejoin (JoinGroup) to take part',
  },
  FENCED_INSTANCE_ID: {
    status: 'FAILED_PRECONDITION',
    retriable: false,
    outcome: 'not-written',
    meaning: 'consumer groups: another member joined with this group_instance_id since (static membership): this one must stop',
  },
  GROUP_NOT_EMPTY: {
    status: 'FAILED_PRECONDITION',
    retriable: false,
    outcome: 'not-written',
    meaning: 'consumer groups: the group has live members: DeleteGroup and offset resets need an empty group',
  },
  MEMBER_ID_REQUIRED: {
    status: 'FAILED_PRECONDITION',
    retriable: false,
    outcome: 'not-written',
    meaning:
      'consumer groups: a first JoinGroup (no member id, no group_instance_id) is answered with the member id to join with, ' +
      'in flotilla-member-id: join again with it (so a retried first join leaves no member behind)',
  },
  UNKNOWN_GROUP: { status: 'NOT_FOUND', retriable: false, outcome: 'not-written', meaning: 'consumer groups: no such group (no members and no committed offsets)' },
  INTERNAL: { status: 'INTERNAL', retriable: false, outcome: 'unknown', meaning: 'a bug; the message says what failed' },
} as const satisfies Readonly<Record<string, ErrorSpec>>;

/** The `flotilla-error` codes. */
export type ErrorCode = keyof typeof ERRORS;

/** The gRPC status name of a code, as a type: `StatusNameOf<'NOT_LEADER'>` is 'FAILED_PRECONDITION'. */
export type StatusNameOf<C extends ErrorCode> = (typeof ERRORS)[C]['status'];

/** Whether `code` is one of the table's (a server newer than this code may send others). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERRORS, code);
}
