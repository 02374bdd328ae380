/** Where a partition error happened: every message names the topic and partition. */
export interface PartitionContext {
  readonly topic: string;
  readonly partition: number;
}

/**
 * What went wrong, for the server to map to a gRPC status and the client to act on:
 *   RECORD_TOO_LARGE      one record exceeds max.message.bytes           (INVALID_ARGUMENT)
 *   BATCH_TOO_LARGE       the batch exceeds max.message.bytes: split it  (INVALID_ARGUMENT)
 *   INVALID_RECORD        malformed request: empty batch, bad timestamp, too many headers... (INVALID_ARGUMENT)
 *   OUT_OF_ORDER_SEQUENCE a sequence gap: an earlier batch of this producer was lost (FAILED_PRECONDITION)
 *   UNKNOWN_PRODUCER_ID   the partition has no state for this producer and the batch does not start at sequence 0
 *   FENCED                a newer epoch of this producer id exists: this producer must stop (FAILED_PRECONDITION)
 *   SEQUENCE_CONFLICT     an idempotent batch reuses the sequences of a stored batch of the same producer id and
 *                         epoch (an equal or overlapping range) but is not provably that batch (its records
 *                         checksum differs or is unknown): never answered with the stored offsets; the producer
 *                         must take a new epoch (FAILED_PRECONDITION)
 *   OFFSET_MISMATCH       conditional append: the log does not end where the producer expected (FAILED_PRECONDITION)
 *   OFFSET_OUT_OF_RANGE   fetch below the log start or past the log end (OUT_OF_RANGE)
 *   NOT_LEADER            this replica's leadership (of the session's term) is over: retry on the leader (UNAVAILABLE)
 *   LEADER_NOT_READY      a new leader has not yet applied its predecessors' entries: retry shortly (UNAVAILABLE)
 *   CORRUPT_BATCH         an entry's bytes are not a record batch this version can read (DATA_LOSS)
 *   INTERNAL              an invariant of the replicated state machine failed: a bug (INTERNAL)
 */
export type PartitionErrorCode =
  | 'RECORD_TOO_LARGE'
  | 'BATCH_TOO_LARGE'
  | 'INVALID_RECORD'
  | 'OUT_OF_ORDER_SEQUENCE'
  | 'UNKNOWN_PRODUCER_ID'
  | 'FENCED'
  | 'SEQUENCE_CONFLICT'
  | 'OFFSET_MISMATCH'
  | 'OFFSET_OUT_OF_RANGE'
  | 'NOT_LEADER'
  | 'LEADER_NOT_READY'
  | 'CORRUPT_BATCH'
  | 'INTERNAL';

const RETRIABLE: ReadonlySet<PartitionErrorCode> = new Set(['NOT_LEADER', 'LEADER_NOT_READY']);

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
    this.retriable = RETRIABLE.has(code);
  }
}

/** An invariant of the replicated state machine failed: this replica must stop applying. */
export function internalError(context: PartitionContext, detail: string): PartitionError {
  return new PartitionError('INTERNAL', context, `internal error: ${detail}; this replica stopped applying the partition, report it as a bug`);
}
