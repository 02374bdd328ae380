import * as grpc from '@grpc/grpc-js';
import { ProposalDroppedError } from '../../raft';
import { type ErrorCode, type ErrorStatus, META } from '../../proto/load';
import { PartitionError } from '../partition';
import { MetadataError } from '../metadata';

/**
 * A failure to answer with: a gRPC status, the `flotilla-error` code of the table at the top of
 * proto/flotilla.proto, and the metadata that goes with it (leader hint, offsets, sequence).
 */
export class RpcError extends Error {
  constructor(
    readonly status: grpc.status,
    readonly code: ErrorCode,
    message: string,
    readonly meta: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'RpcError';
  }
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
    for (const [k, v] of Object.entries(remote.metadata.getMap())) if (k.startsWith('flotilla-') && k !== META.error) meta[k] = String(v);
    if (typeof code === 'string') return new RpcError(remote.code, code as ErrorCode, remote.details ?? String(e), meta);
    if (remote.code === grpc.status.DEADLINE_EXCEEDED) return new RpcError(remote.code, 'TIMEOUT', `${what}: ${remote.details}; the outcome is unknown`);
    if (remote.code === grpc.status.UNAVAILABLE) return new RpcError(remote.code, 'NO_LEADER', `${what}: ${remote.details}; retry`);
  }
  const message = e instanceof Error ? e.message : String(e);
  return new RpcError(grpc.status.INTERNAL, 'INTERNAL', `internal error serving ${what}: ${message}`);
}

function metadataOf(e: RpcError): grpc.Metadata {
  const m = new grpc.Metadata();
  m.set(META.error, e.code);
  for (const [k, v] of Object.entries(e.meta)) if (v !== '') m.set(k, v);
  return m;
}

/** As a unary callback / stream error argument. */
export function toServiceError(e: unknown): Partial<grpc.StatusObject> & { code: grpc.status } {
  const r = toRpcError(e);
  return { code: r.status, details: r.message, metadata: metadataOf(r) };
}

/** As an in-band ProduceStream error. */
export function toErrorStatus(e: unknown): ErrorStatus {
  const r = toRpcError(e);
  const metadata: Record<string, string> = { [META.error]: r.code };
  for (const [k, v] of Object.entries(r.meta)) if (v !== '') metadata[k] = v;
  return { status: r.status, message: r.message, metadata };
}
