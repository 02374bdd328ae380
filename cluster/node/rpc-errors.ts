import * as grpc from '@grpc/grpc-js';
import { ProposalDroppedError } from '../../raft';
import { type ErrorCode, type ErrorStatus, META, OUTCOME } from '../../proto/load';
import { PartitionError } from '../partition';
import { MetadataError } from '../metadata';

/** What a failed produce did to its batch (META.outcome). */
export type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];

/**
 * A failure to answer with: a gRPC status, the `flotilla-error` code of the table at the top of
 * proto/flotilla.proto, and the metadata that goes with it (leader hint, offsets, sequence).
 * `outcome` is set on produce errors only, by the code that knows whether the batch was proposed.
 */
export class RpcError extends Error {
  constructor(
    readonly status: grpc.status,
    readonly code: ErrorCode,
    message: string,
    readonly meta: Readonly<Record<string, string>> = {},
    readonly outcome?: Outcome,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** `e`, saying what happened to the produce batch it answers. */
export function withOutcome(e: RpcError, outcome: Outcome): RpcError {
  return e.outcome === outcome ? e : new RpcError(e.status, e.code, e.message, e.meta, outcome);
}

/** A produce refused before its batch was proposed to Raft: this attempt wrote nothing. */
export function refusedBeforeProposing(e: unknown, what?: string, leader?: LeaderHint): RpcError {
  return withOutcome(toRpcError(e, what, leader), OUTCOME.notWritten);
}

/**
 * A produce that failed once its batch was proposed: the batch may be in the log (unknown), unless
 * the error was built as proof that it never can be (an overwritten entry is not-written).
 */
export function failedAfterProposing(e: unknown, what?: string, leader?: LeaderHint): RpcError {
  const r = toRpcError(e, what, leader);
  return r.outcome ? r : withOutcome(r, OUTCOME.unknown);
}

/** Where a partition's (or the controller's) leader is, for NOT_LEADER hints. */
export interface LeaderHint {
  readonly id: number;
  /** Its client address, "" if unknown. */
  readonly address: string;
}

/** The flotilla-leader / flotilla-leader-address metadata of a hint (none when no leader is known). */
export function leaderMeta(leader: LeaderHint | undefined): Record<string, string> {
  if (!leader || leader.id === 0) return {};
  const meta: Record<string, string> = { [META.leader]: String(leader.id) };
  if (leader.address) meta[META.leaderAddress] = leader.address;
  return meta;
}

export function notLeader(what: string, leader: LeaderHint | undefined): RpcError {
  if (!leader || leader.id === 0) {
    return new RpcError(grpc.status.UNAVAILABLE, 'NO_LEADER', `${what} has no leader right now (an election is under way); retry shortly`);
  }
  const meta = leaderMeta(leader);
  return new RpcError(
    grpc.status.FAILED_PRECONDITION,
    'NOT_LEADER',
    `this node does not lead ${what}; node ${leader.id}${leader.address ? ` (${leader.address})` : ''} does: retry there`,
    meta,
  );
}

export function invalidRequest(message: string): RpcError {
  return new RpcError(grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', message);
}

export function shuttingDown(nodeId: number): RpcError {
  return new RpcError(grpc.status.UNAVAILABLE, 'SHUTTING_DOWN', `node ${nodeId} is shutting down; retry on another node`);
}

function fromPartitionError(e: PartitionError, leader: LeaderHint | undefined): RpcError {
  const d = e.details;
  switch (e.code) {
    case 'RECORD_TOO_LARGE':
    case 'BATCH_TOO_LARGE':
      return new RpcError(grpc.status.INVALID_ARGUMENT, 'RECORD_TOO_LARGE', e.message);
    case 'INVALID_RECORD':
      return new RpcError(grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', e.message);
    case 'OUT_OF_ORDER_SEQUENCE':
      return new RpcError(grpc.status.FAILED_PRECONDITION, 'OUT_OF_ORDER_SEQUENCE', e.message, { [META.expectedSequence]: String(d.expectedSequence ?? '') });
    case 'UNKNOWN_PRODUCER_ID':
      return new RpcError(grpc.status.FAILED_PRECONDITION, 'UNKNOWN_PRODUCER', e.message);
    case 'FENCED':
      return new RpcError(grpc.status.FAILED_PRECONDITION, 'FENCED', e.message);
    case 'SEQUENCE_CONFLICT':
      return new RpcError(grpc.status.FAILED_PRECONDITION, 'SEQUENCE_CONFLICT', e.message);
    case 'OFFSET_MISMATCH':
      return new RpcError(grpc.status.FAILED_PRECONDITION, 'OFFSET_MISMATCH', e.message, { [META.logEndOffset]: String(d.actualOffset ?? '') });
    case 'OFFSET_OUT_OF_RANGE':
      return new RpcError(grpc.status.OUT_OF_RANGE, 'OFFSET_OUT_OF_RANGE', e.message, {
        [META.logStartOffset]: String(d.logStartOffset ?? ''),
        [META.logEndOffset]: String(d.highWatermark ?? ''),
      });
    case 'NOT_LEADER':
      return notLeader(`topic "${e.context.topic}" partition ${e.context.partition}`, leader);
    case 'LEADER_NOT_READY':
      return new RpcError(grpc.status.UNAVAILABLE, 'NO_LEADER', e.message);
    case 'CORRUPT_BATCH':
      return new RpcError(grpc.status.INTERNAL, 'INTERNAL', e.message);
    default:
      return new RpcError(grpc.status.INTERNAL, 'INTERNAL', e.message);
  }
}

function fromMetadataError(e: MetadataError): RpcError {
  switch (e.code) {
    case 'INVALID_TOPIC_NAME':
      return new RpcError(grpc.status.INVALID_ARGUMENT, 'INVALID_TOPIC_NAME', e.message);
    case 'TOPIC_EXISTS':
      return new RpcError(grpc.status.ALREADY_EXISTS, 'TOPIC_EXISTS', e.message);
    case 'UNKNOWN_TOPIC':
      return new RpcError(grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', e.message);
    case 'UNKNOWN_PARTITION':
      return new RpcError(grpc.status.NOT_FOUND, 'UNKNOWN_PARTITION', e.message);
    // A replication factor above the node count cannot succeed by retrying: a bad request, as
    // Kafka's INVALID_REPLICATION_FACTOR, not the retriable NOT_ENOUGH_REPLICAS of produce.
    case 'INVALID_PARTITIONS':
    case 'INVALID_REPLICATION_FACTOR':
    case 'NOT_ENOUGH_REPLICAS':
    case 'INVALID_CONFIG':
      return new RpcError(grpc.status.INVALID_ARGUMENT, 'INVALID_CONFIG', e.message);
    case 'INVALID_PRODUCER_NAME':
    case 'INVALID_REPLICAS':
    case 'INVALID_NODE':
    case 'INVALID_CLUSTER_ID':
      return new RpcError(grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', e.message);
    case 'UNKNOWN_NODE':
    case 'NODE_ADDRESS_IN_USE':
    case 'NODE_HAS_REPLICAS':
    case 'TOPIC_NOT_DELETED':
    case 'CLUSTER_ID_MISMATCH':
      return new RpcError(grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', e.message);
    case 'IDS_EXHAUSTED':
      return new RpcError(grpc.status.INVALID_ARGUMENT, 'INVALID_CONFIG', e.message);
    case 'PRODUCER_FENCED':
      return new RpcError(grpc.status.FAILED_PRECONDITION, 'FENCED', e.message);
    default:
      return new RpcError(grpc.status.INTERNAL, 'INTERNAL', e.message);
  }
}

/** Any failure as an RpcError; `what` names the partition or group for proposal errors. */
export function toRpcError(e: unknown, what = 'the request', leader?: LeaderHint): RpcError {
  if (e instanceof RpcError) return e;
  if (e instanceof PartitionError) return fromPartitionError(e, leader);
  if (e instanceof MetadataError) return fromMetadataError(e);
  if (e instanceof ProposalDroppedError) {
    if (e.reason === 'notLeader') return notLeader(what, leader);
    if (e.reason === 'tooManyUncommitted') {
      return new RpcError(grpc.status.UNAVAILABLE, 'NOT_ENOUGH_REPLICAS', `${what}: too much uncommitted data is waiting for the replicas; back off and retry`);
    }
    return new RpcError(grpc.status.UNAVAILABLE, 'NO_LEADER', `${what}: ${e.message}; retry shortly`);
  }
  // A status another node answered (a forwarded call): pass it on as it came.
  const remote = e as Partial<grpc.ServiceError>;
  if (typeof remote.code === 'number' && remote.metadata instanceof grpc.Metadata) {
    const code = remote.metadata.get(META.error)[0];
    const meta: Record<string, string> = {};
    for (const [k, v] of Object.entries(remote.metadata.getMap())) if (k.startsWith('flotilla-') && k !== META.error && k !== META.outcome) meta[k] = String(v);
    const outcome = remote.metadata.get(META.outcome)[0];
    const known = outcome === OUTCOME.notWritten || outcome === OUTCOME.unknown ? outcome : undefined;
    if (typeof code === 'string') return new RpcError(remote.code, code as ErrorCode, remote.details ?? String(e), meta, known);
    if (remote.code === grpc.status.DEADLINE_EXCEEDED) return new RpcError(remote.code, 'TIMEOUT', `${what}: ${remote.details}; the outcome is unknown`);
    if (remote.code === grpc.status.UNAVAILABLE) return new RpcError(remote.code, 'NO_LEADER', `${what}: ${remote.details}; retry`);
  }
  const message = e instanceof Error ? e.message : String(e);
  return new RpcError(grpc.status.INTERNAL, 'INTERNAL', `internal error serving ${what}: ${message}`);
}

/** The trailing metadata of `e`: the same keys for a unary status and an in-band stream error. */
function metadataRecord(e: RpcError): Record<string, string> {
  const metadata: Record<string, string> = { [META.error]: e.code };
  for (const [k, v] of Object.entries(e.meta)) if (v !== '') metadata[k] = v;
  if (e.outcome) metadata[META.outcome] = e.outcome;
  return metadata;
}

function serviceError(r: RpcError): Partial<grpc.StatusObject> & { code: grpc.status } {
  const m = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadataRecord(r))) m.set(k, v);
  return { code: r.status, details: r.message, metadata: m };
}

/** As a unary callback / stream error argument. */
export function toServiceError(e: unknown): Partial<grpc.StatusObject> & { code: grpc.status } {
  return serviceError(toRpcError(e));
}

/**
 * The error a failed produce answers with. Produce classifies its errors where it knows (refused
 * before proposing, or failed while pending), so every one has an outcome; one without is a bug
 * in that classification: answered as INTERNAL, outcome unknown (the only safe guess), never
 * without the key.
 */
export function produceFailure(e: unknown): RpcError {
  const r = toRpcError(e);
  if (r.outcome) return r;
  return new RpcError(
    grpc.status.INTERNAL,
    'INTERNAL',
    `server bug: a produce error left without its outcome, so it is unknown (an idempotent retry is safe): ${r.code}: ${r.message}`,
    r.meta,
    OUTCOME.unknown,
  );
}

/** A failed unary Produce as its status. */
export function toProduceServiceError(e: unknown): Partial<grpc.StatusObject> & { code: grpc.status } {
  return serviceError(produceFailure(e));
}

/** A failed ProduceStream request as its in-band error: the same status and metadata as unary Produce. */
export function toProduceErrorStatus(e: unknown): ErrorStatus {
  const r = produceFailure(e);
  return { status: r.status, message: r.message, metadata: metadataRecord(r) };
}
