import * as grpc from '@grpc/grpc-js';
import { ERRORS, type ErrorCode, type ErrorSpec, isErrorCode, META } from '../../proto/errors';
import type { ErrorStatus } from '../../proto/load';

/**
 * The codes the client gives failures that carry no `flotilla-error` (the gRPC status name: a
 * dropped connection is UNAVAILABLE, a deadline that ran out on the client DEADLINE_EXCEEDED),
 * and CLOSED for use after close(). The same columns as the server's table (proto/errors.ts),
 * except the status, which is the channel's; outcome 'unknown-once-connected': a write may have
 * taken effect only if the call reached a broker (a connection refused wrote nothing). None may
 * have a server code's name (checked by the compiler).
 */
const CLIENT_ERRORS = {
  UNAVAILABLE: { retriable: true, outcome: 'unknown-once-connected', meaning: 'no answer: the connection failed or broke' },
  DEADLINE_EXCEEDED: { retriable: true, outcome: 'unknown', meaning: 'no answer within the request timeout' },
  CANCELLED: { retriable: false, outcome: 'unknown', meaning: 'the call was cancelled' },
  UNKNOWN: { retriable: false, outcome: 'unknown', meaning: 'a failure the client cannot classify (a code newer than this client, or no status)' },
  CLOSED: { retriable: false, outcome: 'not-written', meaning: 'the client or producer was closed' },
} as const satisfies Readonly<Record<string, ClientErrorSpec>> & { readonly [K in ErrorCode]?: never };

type ClientErrorSpec = Omit<ErrorSpec, 'status' | 'outcome'> & { readonly outcome: WriteOutcome };

/** What a failed write did when its error does not say (see ErrorSpec.outcome and CLIENT_ERRORS). */
export type WriteOutcome = ErrorSpec['outcome'] | 'unknown-once-connected';

/** Every error code a client can see: the server's `flotilla-error` codes and the client's own. */
export type FlotillaErrorCode = ErrorCode | keyof typeof CLIENT_ERRORS;

const SPECS: Readonly<Record<FlotillaErrorCode, Pick<ClientErrorSpec, 'retriable' | 'outcome'>>> = { ...ERRORS, ...CLIENT_ERRORS };

/** Whether a request that failed with `code` may succeed if sent again (perhaps elsewhere). */
export function isRetriable(code: FlotillaErrorCode): boolean {
  return SPECS[code].retriable;
}

/** What a write that failed with `code` did, when its error carries no flotilla-outcome. */
export function writeOutcomeOf(code: FlotillaErrorCode): WriteOutcome {
  return SPECS[code].outcome;
}

/** Where an error happened, as far as the client knows. */
export interface ErrorContext {
  topic?: string;
  partition?: number;
  offset?: number;
  /** The broker address the failing call went to. */
  broker?: string;
  /** The request may have taken effect although it failed (a write whose answer was lost). */
  outcomeUnknown?: boolean;
}

/** The base of every error the client throws. */
export class FlotillaError extends Error {
  /** Which failure this is (switch on this, not on the class or the message). */
  readonly code: FlotillaErrorCode;
  /** The gRPC status code the server (or the channel) gave. */
  readonly status: grpc.status;
  /** Whether sending the same request again may succeed. */
  readonly retriable: boolean;
  readonly topic?: string;
  readonly partition?: number;
  readonly broker?: string;
  /**
   * Whether the failed request may have taken effect all the same: for a write, true when the
   * records may have been written (an attempt reached a broker and its fate is not known), false
   * when they certainly were not.
   */
  readonly outcomeUnknown: boolean;
  /** The error's trailing metadata (flotilla-* keys), as strings. */
  readonly details: Readonly<Record<string, string>>;

  constructor(
    code: FlotillaErrorCode,
    status: grpc.status,
    message: string,
    context: ErrorContext = {},
    details: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.retriable = isRetriable(code);
    this.topic = context.topic;
    this.partition = context.partition;
    this.broker = context.broker;
    this.outcomeUnknown = context.outcomeUnknown ?? false;
    this.details = details;
  }
}

/** The node asked does not lead the partition; `leaderAddress` says where to go, when known. */
export class NotLeaderError extends FlotillaError {
  /** The leader's node id, when the server knows it. */
  get leaderId(): number | undefined {
    return intDetail(this.details, META.leader);
  }
  /** The leader's client address (host:port), when the server knows it. */
  get leaderAddress(): string | undefined {
    return this.details[META.leaderAddress] || undefined;
  }
}

export class UnknownTopicError extends FlotillaError {}
export class UnknownPartitionError extends FlotillaError {}
export class TopicExistsError extends FlotillaError {}
/** The request was malformed: bad name, bad config, record too large. */
export class InvalidRequestError extends FlotillaError {}

/** A conditional append found the log end somewhere else than expected. */
export class OffsetMismatchError extends FlotillaError {
  /** The offset the append expected to be the log end. */
  readonly expectedOffset: number | undefined;
  /** The partition's log end offset when the append was refused. */
  get actualOffset(): number | undefined {
    return intDetail(this.details, META.logEndOffset);
  }
  constructor(
    code: FlotillaErrorCode,
    status: grpc.status,
    message: string,
    context: ErrorContext,
    details: Record<string, string>,
    expectedOffset?: number,
  ) {
    super(code, status, message, context, details);
    this.expectedOffset = expectedOffset ?? context.offset;
  }
}

/** A fetch asked for an offset the partition does not hold. */
export class OffsetOutOfRangeError extends FlotillaError {
  get logStartOffset(): number | undefined {
    return intDetail(this.details, META.logStartOffset);
  }
  get logEndOffset(): number | undefined {
    return intDetail(this.details, META.logEndOffset);
  }
}

/** The server expected another sequence number from this idempotent producer. */
export class OutOfOrderSequenceError extends FlotillaError {
  get expectedSequence(): number | undefined {
    return intDetail(this.details, META.expectedSequence);
  }
}

/** A newer instance of this producer (same producer name) exists: this one must stop. */
export class FencedError extends FlotillaError {}

/** No leader, too few replicas, a node shutting down, or no connection: retry later. */
export class UnavailableError extends FlotillaError {}

/**
 * Consumer groups: the member must rejoin (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION,
 * REBALANCE_IN_PROGRESS) or stop (FENCED_INSTANCE_ID). A commit refused with it wrote nothing.
 */
export class GroupMembershipError extends FlotillaError {
  /** MEMBER_ID_REQUIRED: the member id to join with. */
  get memberId(): string | undefined {
    return this.details[META.memberId] || undefined;
  }
}

/** The request's outcome is unknown: it did not complete in time. */
export class TimeoutError extends FlotillaError {}

/** The client or producer was closed. */
export class ClosedError extends FlotillaError {
  constructor(what: string) {
    super('CLOSED', grpc.status.CANCELLED, `${what} is closed; create a new one`);
  }
}

type ErrorClass = new (
  code: FlotillaErrorCode,
  status: grpc.status,
  message: string,
  context: ErrorContext,
  details: Record<string, string>,
) => FlotillaError;

/** The class of every code: a new code in the table does not compile until it has one. */
const CLASS_BY_CODE: Readonly<Record<FlotillaErrorCode, ErrorClass>> = {
  NOT_LEADER: NotLeaderError,
  UNKNOWN_TOPIC: UnknownTopicError,
  UNKNOWN_PARTITION: UnknownPartitionError,
  TOPIC_EXISTS: TopicExistsError,
  INVALID_TOPIC_NAME: InvalidRequestError,
  INVALID_CONFIG: InvalidRequestError,
  RECORD_TOO_LARGE: InvalidRequestError,
  INVALID_REQUEST: InvalidRequestError,
  OFFSET_MISMATCH: OffsetMismatchError,
  OFFSET_OUT_OF_RANGE: OffsetOutOfRangeError,
  OUT_OF_ORDER_SEQUENCE: OutOfOrderSequenceError,
  FENCED: FencedError,
  SEQUENCE_CONFLICT: FlotillaError,
  UNKNOWN_PRODUCER: FlotillaError,
  NO_LEADER: UnavailableError,
  NOT_ENOUGH_REPLICAS: UnavailableError,
  SHUTTING_DOWN: UnavailableError,
  UNAVAILABLE: UnavailableError,
  TIMEOUT: TimeoutError,
  DEADLINE_EXCEEDED: TimeoutError,
  NOT_COORDINATOR: NotLeaderError,
  COORDINATOR_LOAD_IN_PROGRESS: UnavailableError,
  UNKNOWN_MEMBER_ID: GroupMembershipError,
  ILLEGAL_GENERATION: GroupMembershipError,
  REBALANCE_IN_PROGRESS: GroupMembershipError,
  FENCED_INSTANCE_ID: GroupMembershipError,
  MEMBER_ID_REQUIRED: GroupMembershipError,
  GROUP_NOT_EMPTY: FlotillaError,
  UNKNOWN_GROUP: FlotillaError,
  INTERNAL: FlotillaError,
  CANCELLED: FlotillaError,
  UNKNOWN: FlotillaError,
  CLOSED: FlotillaError, // no status maps to CLOSED: ClosedError is only ever made by its own constructor
};

/** The code for a status that came without a `flotilla-error` (a channel-level failure). */
function codeOfStatus(status: grpc.status): FlotillaErrorCode {
  switch (status) {
    case grpc.status.UNAVAILABLE:
      return 'UNAVAILABLE';
    case grpc.status.DEADLINE_EXCEEDED:
      return 'DEADLINE_EXCEEDED';
    case grpc.status.CANCELLED:
      return 'CANCELLED';
    case grpc.status.INTERNAL:
      return 'INTERNAL';
    case grpc.status.INVALID_ARGUMENT:
      return 'INVALID_REQUEST';
    default:
      return 'UNKNOWN';
  }
}

/** Builds the typed error for a status, its message and its flotilla-* metadata. */
export function errorFromStatus(
  status: grpc.status,
  message: string,
  details: Record<string, string>,
  context: ErrorContext = {},
): FlotillaError {
  const sent = details[META.error];
  const code: FlotillaErrorCode = sent && isErrorCode(sent) ? sent : codeOfStatus(status);
  const Class = CLASS_BY_CODE[code];
  const text = sent ? message : cleanChannelMessage(message) || grpc.status[status] || 'request failed';
  // The server's own errors name what they concern; the broker matters for connection failures.
  const where = describeContext(sent ? { ...context, broker: undefined } : context, text);
  return new Class(code, status, where ? `${text} (${where})` : text, context, details);
}

/** Maps whatever a gRPC call threw (a ServiceError with trailing metadata) to a typed error. */
export function toFlotillaError(error: unknown, context: ErrorContext = {}): FlotillaError {
  if (error instanceof FlotillaError) return error;
  const e = error as Partial<grpc.ServiceError> | undefined;
  if (e && typeof e.code === 'number') {
    return errorFromStatus(e.code, e.details ?? e.message ?? '', metadataToRecord(e.metadata), context);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new FlotillaError('UNKNOWN', grpc.status.UNKNOWN, message, context);
}

/** Maps a per-request error carried inside a ProduceStream response. */
export function fromErrorStatus(error: ErrorStatus, context: ErrorContext = {}): FlotillaError {
  return errorFromStatus(error.status, error.message, error.metadata ?? {}, context);
}

/** grpc-js's connection failures read "No connection established. Last error: Error: connect ECONNREFUSED ... Resolution note: ". */
function cleanChannelMessage(message: string): string {
  return message
    .replace(/\s*Resolution note:\s*$/, '')
    .replace(/^No connection established\. Last error: (Error: )?/, 'no connection: ')
    .replace(/\.$/, '');
}

function metadataToRecord(metadata: grpc.Metadata | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!metadata) return out;
  for (const [key, value] of Object.entries(metadata.getMap())) {
    if (key.startsWith('flotilla-')) out[key] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return out;
}

function intDetail(details: Readonly<Record<string, string>>, key: string): number | undefined {
  const raw = details[key];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** What the message does not already say: the server's messages name the topic and partition. */
function describeContext(context: ErrorContext, message: string): string {
  const parts: string[] = [];
  if (context.topic !== undefined && !message.includes(context.topic)) {
    parts.push(context.partition !== undefined ? `topic ${context.topic} partition ${context.partition}` : `topic ${context.topic}`);
  }
  if (context.offset !== undefined && !message.includes(String(context.offset))) parts.push(`offset ${context.offset}`);
  if (context.broker !== undefined && !message.includes(context.broker)) parts.push(`broker ${context.broker}`);
  return parts.join(', ');
}
