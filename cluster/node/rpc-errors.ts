import * as grpc from '@grpc/grpc-js';
import { ProposalDroppedError } from '../../raft';
import { type ErrorCode, type ErrorStatus, type GrpcStatusOf, grpcStatusOf, META, OUTCOME, type Outcome } from '../../proto/load';
import { PartitionError, wireCodeOf } from '../partition';
import { MetadataError, type MetadataErrorCode } from '../metadata';

/** What a failed produce did to its batch (META.outcome). */
export type { Outcome };

/**
 * A failure to answer with: a `flotilla-error` code of proto/errors.ts, its gRPC status, and the
 * metadata that goes with it (leader hint, offsets, sequence). The status must be the table's for
 * the code: anything else does not compile (rpcError() looks it up). `outcome` is set on produce
 * errors only, by the code that knows whether the batch was proposed.
 */
export class RpcError<C extends ErrorCode = ErrorCode> extends Error {
  readonly status: grpc.status;

  constructor(
    status: GrpcStatusOf<C>,
    readonly code: C,
    message: string,
    readonly meta: Readonly<Record<string, string>> = {},
    readonly outcome?: Outcome,
  ) {
    super(message);
    this.name = 'RpcError';
    this.status = status;
  }
}

/** An RpcError with the status proto/errors.ts gives `code`. */
export function rpcError<C extends ErrorCode>(code: C, message: string, meta: Readonly<Record<string, string>> = {}, outcome?: Outcome): RpcError<C> {
  return new RpcError(grpcStatusOf(code), code, message, meta, outcome);
}

/** An RpcError with a status it already has, unchecked: one another node answered (passed on as it came), or a copy. */
function asReceived(status: grpc.status, code: ErrorCode, message: string, meta: Readonly<Record<string, string>>, outcome?: Outcome): RpcError {
  return new RpcError(status as GrpcStatusOf<ErrorCode>, code, message, meta, outcome);
}

/** `e`, saying what happened to the produce batch it answers. */
export function withOutcome(e: RpcError, outcome: Outcome): RpcError {
  return e.outcome === outcome ? e : asReceived(e.status, e.code, e.message, e.meta, outcome);
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
    return rpcError('NO_LEADER', `${what} has no leader right now (an election is under way); retry shortly`);
  }
  const meta = leaderMeta(leader);
  return rpcError('NOT_LEADER', `this node does not lead ${what}; node ${leader.id}${leader.address ? ` (${leader.address})` : ''} does: retry there`, meta);
}

export function invalidRequest(message: string): RpcError {
  return rpcError('INVALID_REQUEST', message);
}

export function shuttingDown(nodeId: number): RpcError {
  return rpcError('SHUTTING_DOWN', `node ${nodeId} is shutting down; retry on another node`);
}

/** A partition error as the wire code the partition layer maps it to, with the metadata that goes with it. */
function fromPartitionError(e: PartitionError, leader: LeaderHint | undefined): RpcError {
  const d = e.details;
  const code = wireCodeOf(e.code);
  switch (e.code) {
    case 'NOT_LEADER':
      return notLeader(`topic "${e.context.topic}" partition ${e.context.partition}`, leader);
    case 'OUT_OF_ORDER_SEQUENCE':
      return rpcError(code, e.message, { [META.expectedSequence]: String(d.expectedSequence ?? '') });
    case 'OFFSET_MISMATCH':
      return rpcError(code, e.message, { [META.logEndOffset]: String(d.actualOffset ?? '') });
    case 'OFFSET_OUT_OF_RANGE':
      return rpcError(code, e.message, {
        [META.logStartOffset]: String(d.logStartOffset ?? ''),
        [META.logEndOffset]: String(d.highWatermark ?? ''),
      });
    default:
      return rpcError(code, e.message);
  }
}

/**
 * The wire code of every controller refusal: exhaustive, so a new MetadataErrorCode does not
 * build without one.
 */
const METADATA_WIRE_CODES: { readonly [K in MetadataErrorCode]: ErrorCode } = {
  INVALID_TOPIC_NAME: 'INVALID_TOPIC_NAME',
  TOPIC_EXISTS: 'TOPIC_EXISTS',
  UNKNOWN_TOPIC: 'UNKNOWN_TOPIC',
  UNKNOWN_PARTITION: 'UNKNOWN_PARTITION',
  // A replication factor above the node count cannot succeed by retrying: a bad request, as
  // Kafka's INVALID_REPLICATION_FACTOR, not the retriable NOT_ENOUGH_REPLICAS of produce.
  INVALID_PARTITIONS: 'INVALID_CONFIG',
  INVALID_REPLICATION_FACTOR: 'INVALID_CONFIG',
  NOT_ENOUGH_REPLICAS: 'INVALID_CONFIG',
  INVALID_CONFIG: 'INVALID_CONFIG',
  IDS_EXHAUSTED: 'INVALID_CONFIG',
  INVALID_PRODUCER_NAME: 'INVALID_REQUEST',
  INVALID_REPLICAS: 'INVALID_REQUEST',
  INVALID_NODE: 'INVALID_REQUEST',
  INVALID_CLUSTER_ID: 'INVALID_REQUEST',
  UNKNOWN_NODE: 'INVALID_REQUEST',
  NODE_ADDRESS_IN_USE: 'INVALID_REQUEST',
  NODE_HAS_REPLICAS: 'INVALID_REQUEST',
  TOPIC_NOT_DELETED: 'INVALID_REQUEST',
  CLUSTER_ID_MISMATCH: 'INVALID_REQUEST',
  PRODUCER_FENCED: 'FENCED',
  CORRUPT_COMMAND: 'INTERNAL',
  UNSUPPORTED_VERSION: 'INTERNAL',
  CORRUPT_SNAPSHOT: 'INTERNAL',
};

function fromMetadataError(e: MetadataError): RpcError {
  // The code may come from another node (a forwarded proposal's refusal), perhaps a newer one.
  return rpcError(Object.hasOwn(METADATA_WIRE_CODES, e.code) ? METADATA_WIRE_CODES[e.code] : 'INTERNAL', e.message);
}

/** Any failure as an RpcError; `what` names the partition or group for proposal errors. */
export function toRpcError(e: unknown, what = 'the request', leader?: LeaderHint): RpcError {
  if (e instanceof RpcError) return e;
  if (e instanceof PartitionError) return fromPartitionError(e, leader);
  if (e instanceof MetadataError) return fromMetadataError(e);
  if (e instanceof ProposalDroppedError) {
    if (e.reason === 'notLeader') return notLeader(what, leader);
    if (e.reason === 'tooManyUncommitted') {
      return rpcError('NOT_ENOUGH_REPLICAS', `${what}: too much uncommitted data is waiting for the replicas; back off and retry`);
    }
    return rpcError('NO_LEADER', `${what}: ${e.message}; retry shortly`);
  }
  // A status another node answered (a forwarded call): pass it on as it came.
  const remote = e as Partial<grpc.ServiceError>;
  if (typeof remote.code === 'number' && remote.metadata instanceof grpc.Metadata) {
    const code = remote.metadata.get(META.error)[0];
    const meta: Record<string, string> = {};
    for (const [k, v] of Object.entries(remote.metadata.getMap())) if (k.startsWith('flotilla-') && k !== META.error && k !== META.outcome) meta[k] = String(v);
    const outcome = remote.metadata.get(META.outcome)[0];
    const known = outcome === OUTCOME.notWritten || outcome === OUTCOME.unknown ? outcome : undefined;
    if (typeof code === 'string') return asReceived(remote.code, code as ErrorCode, remote.details ?? String(e), meta, known);
    if (remote.code === grpc.status.DEADLINE_EXCEEDED) return rpcError('TIMEOUT', `${what}: ${remote.details}; the outcome is unknown`);
    if (remote.code === grpc.status.UNAVAILABLE) return rpcError('NO_LEADER', `${what}: ${remote.details}; retry`);
  }
  const message = e instanceof Error ? e.message : String(e);
  return rpcError('INTERNAL', `internal error serving ${what}: ${message}`);
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
  return rpcError(
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
