import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ERRORS, grpcStatusOf, META } from '../../proto/load';
import { MetadataError, type MetadataErrorCode } from '../metadata';
import { PARTITION_ERRORS, PartitionError, type PartitionErrorCode } from '../partition';
import { RpcError, rpcError, toRpcError, toServiceError } from './rpc-errors';

const ctx = { topic: 'orders', partition: 3 };

describe('the server answers with the error table (proto/errors.ts)', () => {
  it('every partition error goes out as its wire code, with the status the table gives that code', () => {
    // What the server answered before the table existed, spelled out: the mapping must not move.
    const before: Record<PartitionErrorCode, [grpc.status, string]> = {
      RECORD_TOO_LARGE: [grpc.status.INVALID_ARGUMENT, 'RECORD_TOO_LARGE'],
      BATCH_TOO_LARGE: [grpc.status.INVALID_ARGUMENT, 'RECORD_TOO_LARGE'],
      INVALID_RECORD: [grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST'],
      OUT_OF_ORDER_SEQUENCE: [grpc.status.FAILED_PRECONDITION, 'OUT_OF_ORDER_SEQUENCE'],
      UNKNOWN_PRODUCER: [grpc.status.FAILED_PRECONDITION, 'UNKNOWN_PRODUCER'],
      FENCED: [grpc.status.FAILED_PRECONDITION, 'FENCED'],
      SEQUENCE_CONFLICT: [grpc.status.FAILED_PRECONDITION, 'SEQUENCE_CONFLICT'],
      OFFSET_MISMATCH: [grpc.status.FAILED_PRECONDITION, 'OFFSET_MISMATCH'],
      OFFSET_OUT_OF_RANGE: [grpc.status.OUT_OF_RANGE, 'OFFSET_OUT_OF_RANGE'],
      NOT_LEADER: [grpc.status.FAILED_PRECONDITION, 'NOT_LEADER'],
      LEADER_NOT_READY: [grpc.status.UNAVAILABLE, 'NO_LEADER'],
      CORRUPT_BATCH: [grpc.status.INTERNAL, 'INTERNAL'],
      INTERNAL: [grpc.status.INTERNAL, 'INTERNAL'],
    };
    for (const code of Object.keys(PARTITION_ERRORS) as PartitionErrorCode[]) {
      const e = new PartitionError(code, ctx, 'x');
      const r = toRpcError(e, 'p', { id: 2, address: 'h:1' });
      expect([r.status, r.code], code).toEqual(before[code]);
      expect(r.status, code).toBe(grpcStatusOf(r.code));
      expect(e.retriable, code).toBe(ERRORS[r.code].retriable);
    }
  });

  it('a partition NOT_LEADER names the leader when one is known, and is NO_LEADER when none is', () => {
    const known = toServiceError(toRpcError(new PartitionError('NOT_LEADER', ctx, 'x'), 'p', { id: 2, address: 'h:1' }));
    expect([known.code, known.metadata?.get(META.error), known.metadata?.get(META.leader), known.metadata?.get(META.leaderAddress)]).toEqual([
      grpc.status.FAILED_PRECONDITION,
      ['NOT_LEADER'],
      ['2'],
      ['h:1'],
    ]);
    const none = toRpcError(new PartitionError('NOT_LEADER', ctx, 'x'), 'p', { id: 0, address: '' });
    expect([none.status, none.code]).toEqual([grpc.status.UNAVAILABLE, 'NO_LEADER']);
  });

  it('the numbers of a partition error travel as metadata', () => {
    const range = toServiceError(new PartitionError('OFFSET_OUT_OF_RANGE', ctx, 'x', { logStartOffset: 5, highWatermark: 9 }));
    expect([range.metadata?.get(META.logStartOffset), range.metadata?.get(META.logEndOffset)]).toEqual([['5'], ['9']]);
    const seq = toServiceError(new PartitionError('OUT_OF_ORDER_SEQUENCE', ctx, 'x', { expectedSequence: 7 }));
    expect(seq.metadata?.get(META.expectedSequence)).toEqual(['7']);
    const cas = toServiceError(new PartitionError('OFFSET_MISMATCH', ctx, 'x', { actualOffset: 12 }));
    expect(cas.metadata?.get(META.logEndOffset)).toEqual(['12']);
  });

  it('every controller refusal goes out with the status the table gives its wire code; one this node does not know is INTERNAL', () => {
    const codes: MetadataErrorCode[] = [
      'INVALID_TOPIC_NAME', 'TOPIC_EXISTS', 'UNKNOWN_TOPIC', 'TOPIC_NOT_DELETED', 'UNKNOWN_PARTITION', 'INVALID_PARTITIONS',
      'INVALID_REPLICATION_FACTOR', 'NOT_ENOUGH_REPLICAS', 'INVALID_CONFIG', 'INVALID_REPLICAS', 'INVALID_NODE', 'UNKNOWN_NODE',
      'NODE_ADDRESS_IN_USE', 'NODE_HAS_REPLICAS', 'INVALID_PRODUCER_NAME', 'INVALID_CLUSTER_ID', 'CLUSTER_ID_MISMATCH',
      'PRODUCER_FENCED', 'IDS_EXHAUSTED', 'CORRUPT_COMMAND', 'UNSUPPORTED_VERSION', 'CORRUPT_SNAPSHOT',
    ];
    for (const code of codes) {
      const r = toRpcError(new MetadataError(code, 'x'));
      expect(r.status, code).toBe(grpcStatusOf(r.code));
    }
    expect(toRpcError(new MetadataError('NOT_ENOUGH_REPLICAS', 'x')).code).toBe('INVALID_CONFIG');
    expect(toRpcError(new MetadataError('PRODUCER_FENCED', 'x')).code).toBe('FENCED');
    expect(toRpcError(new MetadataError('SOMETHING_NEWER' as MetadataErrorCode, 'x')).code).toBe('INTERNAL');
    expect(toRpcError(new MetadataError('toString' as MetadataErrorCode, 'x')).code).toBe('INTERNAL');
  });

  it('an RpcError whose status is not the table status of its code does not compile', () => {
    // @ts-expect-error NOT_LEADER is FAILED_PRECONDITION in proto/errors.ts, not UNAVAILABLE
    const wrong = new RpcError(grpc.status.UNAVAILABLE, 'NOT_LEADER', 'x');
    expect(wrong.code).toBe('NOT_LEADER');
    const right = rpcError('NOT_LEADER', 'x');
    expect(right.status).toBe(grpc.status.FAILED_PRECONDITION);
  });
});
