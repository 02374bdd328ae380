import { ERRORS, type ErrorCode } from '../../proto/errors';

/** Where a partition error happened: every message names the topic and partition. */
export interface PartitionContext {
  readonly topic: string;
  readonly partition: number;
}

/**
 * What went wrong, for the server to answer and the client to act on. Each code is answered on the
 * wire as the `flotilla-error` code `wire` of proto/errors.ts (whose table gives its gRPC status
 * and whether it is retriable): a code shared with the wire has its name and meaning; the others
 * say more than the wire does, for this layer's tests and messages. The mapping is exhaustive
 * and checked by the compiler: a new code here does not build without its wire code, nor a code
 * named like a wire code that maps to another.
 */
export const PARTITION_ERRORS = {
  RECORD_TOO_LARGE: { wire: 'RECORD_TOO_LARGE', meaning: 'one record exceeds max.message.bytes' },
  BATCH_TOO_LARGE: { wire: 'RECORD_TOO_LARGE', meaning: 'the batch exceeds max.message.bytes: split it' },
  INVALID_RECORD: { wire: 'INVALID_REQUEST', meaning: 'malformed request: empty batch, bad timestamp, too many headers...' },
  OUT_OF_ORDER_SEQUENCE: { wire: 'OUT_OF_ORDER_SEQUENCE', meaning: 'a sequence gap: an earlier batch of this producer was lost' },
  UNKNOWN_PRODUCER: {
    wire: 'UNKNOWN_PRODUCER',
    meaning: 'the partition has no state for this producer and the batch does not start at sequence 0',
  },
  FENCED: { wire: 'FENCED', meaning: 'a newer epoch of this producer id exists: this producer must stop' },
  SEQUENCE_CONFLICT: {
    wire: 'SEQUENCE_CONFLICT',
    meaning:
      'an idempotent batch reuses the sequences of a stored batch of the same producer id and epoch (an equal or ' +
      'overlapping range) but is not provably that batch (its records checksum differs or is unknown): never answered ' +
      'with the stored offsets; the producer must take a new epoch',
  },
  OFFSET_MISMATCH: { wire: 'OFFSET_MISMATCH', meaning: 'conditional append: the log does not end where the producer expected' },
  OFFSET_OUT_OF_RANGE: { wire: 'OFFSET_OUT_OF_RANGE', meaning: 'fetch below the log start or past the log end' },
  NOT_LEADER: {
    wire: 'NOT_LEADER',
    meaning: "this replica's leadership (of the session's term) is over: retry on the leader (NO_LEADER when none is known)",
  },
  LEADER_NOT_READY: { wire: 'NO_LEADER', meaning: "a new leader has not yet applied its predecessors' entries: retry shortly" },
  CORRUPT_BATCH: { wire: 'INTERNAL', meaning: "an entry's bytes are not a record batch this version can read" },
  INTERNAL: { wire: 'INTERNAL', meaning: 'an invariant of the replicated state machine failed: a bug' },
} as const satisfies Readonly<Record<string, { readonly wire: ErrorCode; readonly meaning: string }>> & {
  // A code named like a wire code is that code.
  readonly [K in ErrorCode]?: { readonly wire: K; readonly meaning: string };
};

export type PartitionErrorCode = keyof typeof PARTITION_ERRORS;

/** The `flotilla-error` code a partition error is answered with. */
export function wireCodeOf(code: PartitionErrorCode): ErrorCode {
  return PARTITION_ERRORS[code].wire;
}

/**
 * Numbers that go with an error, so that clients need not parse messages:
 * OFFSET_MISMATCH {expectedOffset, actualOffset}; OUT_OF_ORDER_SEQUENCE {expectedSequence,
 * receivedSequence}; FENCED {knownEpoch, receivedEpoch}; SEQUENCE_CONFLICT {receivedSequence,
 * receivedLastSequence, storedBaseSequence, storedLastSequence, storedBaseOffset,
 * storedLastOffset}; OFFSET_OUT_OF_RANGE {offset,
 * logStartOffset, highWatermark}; RECORD_TOO_LARGE / BATCH_TOO_LARGE {bytes, limit}.
 */
export type ErrorDetails = Readonly<Record<string, number>>;

export class PartitionError extends Error {
  readonly retriable: boolean;

  constructor(
    readonly code: PartitionErrorCode,
    readonly context: PartitionContext,
    detail: string,
    readonly details: ErrorDetails = {},
  ) {
    super(`topic "${context.topic}" partition ${context.partition}: ${detail}`);
    this.name = 'PartitionError';
    this.retriable = ERRORS[wireCodeOf(code)].retriable;
  }
}

/** An invariant of the replicated state machine failed: this replica must stop applying. */
export function internalError(context: PartitionContext, detail: string): PartitionError {
  return new PartitionError('INTERNAL', context, `internal error: ${detail}; this replica stopped applying the partition, report it as a bug`);
}
