import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode, grpcStatusOf, META } from '../../proto/load';
import {
  errorFromStatus,
  FlotillaError,
  type FlotillaErrorCode,
  isRetriable,
  NotLeaderError,
  OutOfOrderSequenceError,
  toFlotillaError,
  UnavailableError,
  writeOutcomeOf,
} from './errors';
import { Flotilla, InvalidRequestError, TopicExistsError, UnknownTopicError } from './index';
import { FakeCluster } from './test-broker';

describe('error mapping', () => {
  it('the flotilla-error code picks the error class, whatever the status', () => {
    const e = errorFromStatus(grpc.status.FAILED_PRECONDITION, 'node 2 is not the leader', {
      [META.error]: 'NOT_LEADER',
      [META.leader]: '3',
      [META.leaderAddress]: '10.0.0.3:7001',
    });
    expect(e).toBeInstanceOf(NotLeaderError);
    expect(e.code).toBe('NOT_LEADER');
    expect(e.retriable).toBe(true);
    expect((e as NotLeaderError).leaderId).toBe(3);
    expect((e as NotLeaderError).leaderAddress).toBe('10.0.0.3:7001');
    const seq = errorFromStatus(grpc.status.FAILED_PRECONDITION, 'x', { [META.error]: 'OUT_OF_ORDER_SEQUENCE', [META.expectedSequence]: '42' });
    expect(seq).toBeInstanceOf(OutOfOrderSequenceError);
    expect((seq as OutOfOrderSequenceError).expectedSequence).toBe(42);
    expect(seq.retriable).toBe(false);
  });

  it('a status without a flotilla-error code maps by status, and a dropped connection is retriable', () => {
    const metadata = new grpc.Metadata();
    const e = toFlotillaError({ code: grpc.status.UNAVAILABLE, details: 'No connection established', metadata }, { broker: 'h:1' });
    expect(e).toBeInstanceOf(UnavailableError);
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.retriable).toBe(true);
    expect(e.message).toContain('h:1');
    const unknown = errorFromStatus(grpc.status.PERMISSION_DENIED, 'no', { [META.error]: 'SOMETHING_NEW' });
    expect(unknown.constructor).toBe(FlotillaError);
    expect(unknown.code).toBe('UNKNOWN');
    expect(unknown.retriable).toBe(false);
  });

  it('the message names the topic and partition once, even if the server already did', () => {
    const said = errorFromStatus(grpc.status.NOT_FOUND, 'unknown topic orders', { [META.error]: 'UNKNOWN_TOPIC' }, { topic: 'orders' });
    expect(said.message).toBe('unknown topic orders');
    const unsaid = errorFromStatus(grpc.status.UNAVAILABLE, 'no leader', { [META.error]: 'NO_LEADER' }, { topic: 'orders', partition: 2 });
    expect(unsaid.message).toBe('no leader (topic orders partition 2)');
  });
});

describe('the client follows the error table (proto/errors.ts)', () => {
  it('every code of the table keeps its code, status and retriable flag, and gets a class of its own kind', () => {
    for (const code of Object.keys(ERRORS) as ErrorCode[]) {
      const status = grpcStatusOf(code);
      const e = errorFromStatus(status, 'x', { [META.error]: code });
      expect([e.code, e.status, e.retriable], code).toEqual([code, status, ERRORS[code].retriable]);
      expect(e, code).toBeInstanceOf(FlotillaError);
    }
  });

  it('retries exactly what it retried before the table: leader moves, unavailable replicas or nodes, timeouts (and a group coordinator that moved or is loading)', () => {
    const all = [...(Object.keys(ERRORS) as FlotillaErrorCode[]), 'UNAVAILABLE', 'DEADLINE_EXCEEDED', 'CANCELLED', 'UNKNOWN', 'CLOSED'] as const;
    expect(all.filter((c) => isRetriable(c)).sort()).toEqual(
      ['DEADLINE_EXCEEDED', 'NOT_ENOUGH_REPLICAS', 'NOT_LEADER', 'NO_LEADER', 'SHUTTING_DOWN', 'TIMEOUT', 'UNAVAILABLE', 'NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS'].sort(),
    );
    expect(all.filter((c) => writeOutcomeOf(c) === 'unknown').sort()).toEqual(['CANCELLED', 'DEADLINE_EXCEEDED', 'INTERNAL', 'TIMEOUT', 'UNKNOWN'].sort());
  });
});

describe('errors from a server', () => {
  let cluster: FakeCluster | undefined;
  let client: Flotilla | undefined;
  afterEach(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it('unknown topics, existing topics and bad names come back as typed errors with their gRPC status', async () => {
    cluster = await FakeCluster.start(1);
    client = new Flotilla({ brokers: cluster.addresses, retry: { retries: 2, initialBackoffMs: 1, maxBackoffMs: 2 } });
    const admin = client.admin();
    await admin.createTopic({ name: 'a', partitions: 2 });
    const exists = await admin.createTopic({ name: 'a' }).catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(TopicExistsError);
    expect((exists as TopicExistsError).status).toBe(grpc.status.ALREADY_EXISTS);
    const badName = await admin.createTopic({ name: 'no spaces' }).catch((e: unknown) => e);
    expect(badName).toBeInstanceOf(InvalidRequestError);
    expect((badName as InvalidRequestError).code).toBe('INVALID_TOPIC_NAME');
    const missing = await client.producer().send({ topic: 'nope', value: 'x' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UnknownTopicError);
    expect((missing as UnknownTopicError).topic).toBe('nope');
    const partition = await client.producer().send({ topic: 'a', partition: 5, value: 'x' }).catch((e: unknown) => e);
    expect((partition as FlotillaError).code).toBe('UNKNOWN_PARTITION');
    expect((partition as FlotillaError).message).toContain('it has 2');
  });

  it('an unreachable cluster fails with a retriable UnavailableError after the retries', async () => {
    client = new Flotilla({ brokers: ['127.0.0.1:1'], retry: { retries: 2, initialBackoffMs: 1, maxBackoffMs: 2 } });
    const e = await client.admin().listTopics().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnavailableError);
    expect((e as UnavailableError).broker).toBe('127.0.0.1:1');
  });
});
