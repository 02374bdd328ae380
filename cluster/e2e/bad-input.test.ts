/**
 * Bad requests against a real 3-node cluster, through raw gRPC (exact status, flotilla-error code,
 * metadata and message) and the client library (typed errors): each is refused with the status and
 * code of the table at the top of proto/flotilla.proto, with a message naming the problem, and
 * none of them disturbs the data already written.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProduceRequest } from '../../proto/load';
import { crc32c } from '../../bytes';
import { encodeRecordBatch } from '../records';
import {
  type Flotilla,
  InvalidRequestError,
  OffsetOutOfRangeError,
  TopicExistsError,
  UnknownPartitionError,
  UnknownTopicError,
} from '../client';
import { ProcessCluster, partitionLeader, type RawFailure, rawCall, rawFailure, readPartition, topicLeaders } from './process-cluster';

// Real processes: generous limits whatever the project's vitest config says (waits inside poll with their own deadlines).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TOPIC = 'bad-input';
const SMALL = 'bad-input-small';
const RECORDS = 300;
const MiB = 1024 * 1024;

function produceRequest(topic: string, partition: number, values: Buffer[], producer: { producerId: number; producerEpoch: number; baseSequence: number } | object = {}): ProduceRequest {
  return { topic, partition, recordBatch: encodeRecordBatch(values.map((value) => ({ key: null, value, timestamp: Date.now() })), producer), acks: 'ACKS_ALL' };
}

function fetchRequest(topic: string, partition: number, offset: number) {
  return { topic, partition, offset, maxBytes: 0, maxWaitMs: 0, minBytes: 0 };
}

function expectFailure(f: RawFailure, status: grpc.status, code: string, mentions: Array<string | RegExp>): void {
  const where = `${f.codeName} ${JSON.stringify(f.metadata)} "${f.message.slice(0, 300)}"`;
  expect(f.codeName, where).toBe(grpc.status[status]);
  expect(f.metadata['flotilla-error'], where).toBe(code);
  for (const m of mentions) {
    if (typeof m === 'string') expect(f.message, `the message names ${m}: ${where}`).toContain(m);
    else expect(f.message, `the message names the problem (${m}): ${where}`).toMatch(m);
  }
}

describe('bad input is refused precisely and harms nothing', () => {
  let cluster: ProcessCluster;
  let flotilla: Flotilla;
  let written: Map<number, Array<{ offset: number; value: string }>>;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'bad-input' });
    flotilla = cluster.client({ retry: { retries: 5, initialBackoffMs: 50, maxBackoffMs: 500 } });
    const admin = flotilla.admin();
    await admin.createTopic({ name: TOPIC, partitions: 3, replicationFactor: 3 });
    await admin.createTopic({ name: SMALL, partitions: 1, replicationFactor: 3, config: { 'max.message.bytes': '1000' } });
    await topicLeaders(admin, TOPIC);
    const producer = flotilla.producer({ acks: 'all' });
    await Promise.all(Array.from({ length: RECORDS }, (_, i) => producer.send({ topic: TOPIC, partition: i % 3, value: `good-${i}` })));
    await producer.close();
    written = new Map();
    for (let p = 0; p < 3; p++) {
      const records = await readPartition(flotilla.consumer(), TOPIC, p, { from: 0, to: RECORDS / 3 });
      written.set(p, records.map((r) => ({ offset: r.offset, value: r.value!.toString() })));
    }
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('unknown topic: NOT_FOUND UNKNOWN_TOPIC', async () => {
    cluster.dumpLogsOnFailure();
    for (const id of cluster.ids()) {
      const raw = cluster.rawClient(id);
      expectFailure(await rawFailure(raw, 'produce', produceRequest('no-such-topic', 0, [Buffer.from('x')])), grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', ['no-such-topic']);
      expectFailure(await rawFailure(raw, 'fetch', fetchRequest('no-such-topic', 0, 0)), grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', ['no-such-topic']);
      expectFailure(await rawFailure(raw, 'describeTopic', { name: 'no-such-topic' }), grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', ['no-such-topic']);
    }
    const error = await flotilla
      .producer()
      .send({ topic: 'no-such-topic', value: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(UnknownTopicError);
    expect((error as UnknownTopicError).code).toBe('UNKNOWN_TOPIC');
    expect((error as Error).message).toContain('no-such-topic');
    await expect(flotilla.admin().deleteTopic('no-such-topic')).rejects.toBeInstanceOf(UnknownTopicError);
  });

  it('unknown partition: NOT_FOUND UNKNOWN_PARTITION', async () => {
    cluster.dumpLogsOnFailure();
    for (const id of cluster.ids()) {
      const raw = cluster.rawClient(id);
      expectFailure(await rawFailure(raw, 'produce', produceRequest(TOPIC, 7, [Buffer.from('x')])), grpc.status.NOT_FOUND, 'UNKNOWN_PARTITION', [TOPIC, '7']);
      expectFailure(await rawFailure(raw, 'fetch', fetchRequest(TOPIC, 7, 0)), grpc.status.NOT_FOUND, 'UNKNOWN_PARTITION', [TOPIC, '7']);
    }
    await expect(flotilla.producer().send({ topic: TOPIC, partition: 7, value: 'x' })).rejects.toBeInstanceOf(UnknownPartitionError);
  });

  it('partition -1 in a produce: INVALID_ARGUMENT INVALID_REQUEST', async () => {
    cluster.dumpLogsOnFailure();
    const leader = (await partitionLeader(flotilla.admin(), TOPIC, 0)).leader;
    expectFailure(await rawFailure(cluster.rawClient(leader), 'produce', produceRequest(TOPIC, -1, [Buffer.from('x')])), grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', [TOPIC, /partition/i]);
  });

  it('a record over max.message.bytes: INVALID_ARGUMENT RECORD_TOO_LARGE', async () => {
    cluster.dumpLogsOnFailure();
    const admin = flotilla.admin();
    const leader = (await partitionLeader(admin, TOPIC, 0)).leader;
    // The default limit is 1 MiB.
    expectFailure(
      await rawFailure(cluster.rawClient(leader), 'produce', produceRequest(TOPIC, 0, [Buffer.alloc(MiB + 1024, 'a')]), 30_000),
      grpc.status.INVALID_ARGUMENT,
      'RECORD_TOO_LARGE',
      [TOPIC],
    );
    // A topic's own limit.
    const smallLeader = (await partitionLeader(admin, SMALL, 0)).leader;
    expectFailure(
      await rawFailure(cluster.rawClient(smallLeader), 'produce', produceRequest(SMALL, 0, [Buffer.alloc(2000, 'b')])),
      grpc.status.INVALID_ARGUMENT,
      'RECORD_TOO_LARGE',
      [SMALL],
    );
    // Under the limit is fine.
    const ok = await rawCall<{ baseOffset: number }>(cluster.rawClient(smallLeader), 'produce', produceRequest(SMALL, 0, [Buffer.alloc(200, 'c')]));
    expect(ok.baseOffset).toBe(0);

    // Through the producer: that send (its batch) fails for good, and the producer goes on.
    const producer = flotilla.producer({ acks: 'all' });
    await producer.send({ topic: SMALL, partition: 0, value: 'before' });
    const e = await producer.send({ topic: SMALL, partition: 0, value: Buffer.alloc(5000, 'd') }).then(
      () => undefined,
      (x: unknown) => x as InvalidRequestError,
    );
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect(e!.code).toBe('RECORD_TOO_LARGE');
    expect(e!.message).toContain(SMALL);
    await producer.send({ topic: SMALL, partition: 0, value: 'after' });
    await producer.close();
    const small = await readPartition(flotilla.consumer(), SMALL, 0, { from: 0 });
    expect(small.map((r) => r.value!.toString())).toEqual(['c'.repeat(200), 'before', 'after']);
  });

  it('a record batch that is damaged, compressed or missing: INVALID_ARGUMENT INVALID_REQUEST naming the problem, nothing written', async () => {
    cluster.dumpLogsOnFailure();
    const { leader } = await partitionLeader(flotilla.admin(), SMALL, 0);
    const raw = cluster.rawClient(leader);
    const before = (await flotilla.admin().describeTopic(SMALL)).partitions[0].highWatermark;
    const damaged = produceRequest(SMALL, 0, [Buffer.from('damaged')]);
    damaged.recordBatch[damaged.recordBatch.length - 2] ^= 0x01; // a bit of the value flipped after the CRC was computed
    expectFailure(await rawFailure(raw, 'produce', damaged), grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', [SMALL, /CRC32C mismatch/]);
    const compressed = produceRequest(SMALL, 0, [Buffer.from('gzip')]);
    compressed.recordBatch.writeUInt16BE(1, 21); // attributes: gzip (CRC not resealed: the CRC check speaks first)
    const sealed = encodeRecordBatch([{ key: null, value: Buffer.from('gzip'), timestamp: Date.now() }]);
    sealed.writeUInt16BE(1, 21);
    sealed.writeUInt32BE(crc32c(sealed, 0, 21), 17); // resealed: intact bytes that ask for compression
    expectFailure(await rawFailure(raw, 'produce', { ...compressed, recordBatch: sealed }), grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', [SMALL, /compressed with gzip/]);
    expectFailure(await rawFailure(raw, 'produce', { ...damaged, recordBatch: Buffer.alloc(0) }), grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', [/no record_batch/]);
    expect((await flotilla.admin().describeTopic(SMALL)).partitions[0].highWatermark).toBe(before);
  });

  it('invalid topic names: INVALID_ARGUMENT INVALID_TOPIC_NAME', async () => {
    cluster.dumpLogsOnFailure();
    const raw = cluster.rawClient(1);
    const create = (name: string) => rawFailure(raw, 'createTopic', { name, partitions: 1, replicationFactor: 1, config: {} });
    expectFailure(await create(''), grpc.status.INVALID_ARGUMENT, 'INVALID_TOPIC_NAME', [/topic name/i, /empty/i]);
    expectFailure(await create('a/b'), grpc.status.INVALID_ARGUMENT, 'INVALID_TOPIC_NAME', [/topic name/i, 'a/b']);
    expectFailure(await create('..'), grpc.status.INVALID_ARGUMENT, 'INVALID_TOPIC_NAME', [/topic name/i, '".."']);
    expectFailure(await create('x'.repeat(300)), grpc.status.INVALID_ARGUMENT, 'INVALID_TOPIC_NAME', [/topic name/i, '300']);
    await expect(flotilla.admin().createTopic({ name: 'white space', replicationFactor: 1 })).rejects.toMatchObject({ code: 'INVALID_TOPIC_NAME' });
    const names = (await flotilla.admin().listTopics()).map((t) => t.name).sort();
    expect(names).toEqual([TOPIC, SMALL].sort());
  });

  it('invalid topic settings: INVALID_ARGUMENT INVALID_CONFIG', async () => {
    cluster.dumpLogsOnFailure();
    const raw = cluster.rawClient(2);
    const create = (name: string, partitions: number, replicationFactor: number, config: Record<string, string> = {}) =>
      rawFailure(raw, 'createTopic', { name, partitions, replicationFactor, config });
    expectFailure(await create('cfg-partitions', 0, 3), grpc.status.INVALID_ARGUMENT, 'INVALID_CONFIG', [/partition/i]);
    // (replication factor 0 is proto3's "unset": the cluster's default, see metadata-reads.test.ts)
    expectFailure(await create('cfg-rf4', 1, 4), grpc.status.INVALID_ARGUMENT, 'INVALID_CONFIG', [/replication factor/i, '4']);
    expectFailure(await create('cfg-key', 1, 3, { 'no.such.setting': '1' }), grpc.status.INVALID_ARGUMENT, 'INVALID_CONFIG', ['no.such.setting']);
    expectFailure(await create('cfg-retention', 1, 3, { 'retention.ms': 'abc' }), grpc.status.INVALID_ARGUMENT, 'INVALID_CONFIG', ['retention.ms']);
    expectFailure(await create('cfg-lag-time', 1, 3, { 'replica.lag.time.max.ms': '10' }), grpc.status.INVALID_ARGUMENT, 'INVALID_CONFIG', ['replica.lag.time.max.ms', '500..86400000']);
    expectFailure(await create('cfg-lag-records', 1, 3, { 'replica.lag.max.records': '-1' }), grpc.status.INVALID_ARGUMENT, 'INVALID_CONFIG', ['replica.lag.max.records', '0..1000000000']);
    const e = await flotilla
      .admin()
      .createTopic({ name: 'cfg-client', partitions: 1, replicationFactor: 4 })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect((e as InvalidRequestError).code).toBe('INVALID_CONFIG');
    const names = (await flotilla.admin().listTopics()).map((t) => t.name).sort();
    expect(names).toEqual([TOPIC, SMALL].sort());
  });

  it('creating an existing topic: ALREADY_EXISTS TOPIC_EXISTS', async () => {
    cluster.dumpLogsOnFailure();
    for (const id of cluster.ids()) {
      expectFailure(
        await rawFailure(cluster.rawClient(id), 'createTopic', { name: TOPIC, partitions: 5, replicationFactor: 1, config: {} }),
        grpc.status.ALREADY_EXISTS,
        'TOPIC_EXISTS',
        [TOPIC],
      );
    }
    await expect(flotilla.admin().createTopic({ name: TOPIC, partitions: 3, replicationFactor: 3 })).rejects.toBeInstanceOf(TopicExistsError);
    const t = await flotilla.admin().describeTopic(TOPIC);
    expect(t.partitions).toHaveLength(3);
    expect(t.replicationFactor).toBe(3);
  });

  it('fetching past the end: OUT_OF_RANGE OFFSET_OUT_OF_RANGE with the log end offset', async () => {
    cluster.dumpLogsOnFailure();
    const p = await partitionLeader(flotilla.admin(), TOPIC, 1);
    const end = RECORDS / 3;
    const f = await rawFailure(cluster.rawClient(p.leader), 'fetch', fetchRequest(TOPIC, 1, end + 1000));
    expectFailure(f, grpc.status.OUT_OF_RANGE, 'OFFSET_OUT_OF_RANGE', [TOPIC, String(end + 1000)]);
    expect(f.metadata['flotilla-log-end-offset']).toBe(String(end));
    expect(f.metadata['flotilla-log-start-offset']).toBe('0');
    // At the end exactly is not an error: nothing yet.
    const atEnd = await rawCall<{ recordBatches: Buffer; highWatermark: number }>(cluster.rawClient(p.leader), 'fetch', fetchRequest(TOPIC, 1, end));
    expect(atEnd.recordBatches.length).toBe(0);
    expect(atEnd.highWatermark).toBe(end);
    const e = await flotilla
      .consumer()
      .fetch({ topic: TOPIC, partition: 1, offset: end + 5 })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OffsetOutOfRangeError);
    expect((e as OffsetOutOfRangeError).logEndOffset).toBe(end);
  });

  it('producing to a follower: FAILED_PRECONDITION NOT_LEADER naming the leader', async () => {
    cluster.dumpLogsOnFailure();
    for (let partition = 0; partition < 3; partition++) {
      const p = await partitionLeader(flotilla.admin(), TOPIC, partition);
      for (const follower of p.replicas.filter((id) => id !== p.leader)) {
        const f = await rawFailure(cluster.rawClient(follower), 'produce', produceRequest(TOPIC, partition, [Buffer.from('to-a-follower')]));
        expectFailure(f, grpc.status.FAILED_PRECONDITION, 'NOT_LEADER', [TOPIC]);
        expect(f.metadata['flotilla-leader-address'], `NOT_LEADER from node ${follower} for partition ${partition}`).toBe(cluster.address(p.leader));
        expect(f.metadata['flotilla-leader']).toBe(String(p.leader));
        const g = await rawFailure(cluster.rawClient(follower), 'fetch', fetchRequest(TOPIC, partition, 0));
        expectFailure(g, grpc.status.FAILED_PRECONDITION, 'NOT_LEADER', [TOPIC]);
        expect(g.metadata['flotilla-leader-address']).toBe(cluster.address(p.leader));
      }
    }
  });

  it('a producer the partition has no state for, not starting at sequence 0: FAILED_PRECONDITION UNKNOWN_PRODUCER, nothing written', async () => {
    cluster.dumpLogsOnFailure();
    // The table at the top of flotilla.proto: UNKNOWN_PRODUCER = no state for producer_id on the
    // partition and base_sequence is not 0 (Kafka's UNKNOWN_PRODUCER_ID).
    const p = await partitionLeader(flotilla.admin(), SMALL, 0);
    const allocated = await rawCall<{ producerId: number }>(cluster.rawClient(1), 'initProducer', { producerName: '' });
    const before = (await flotilla.admin().describeTopic(SMALL)).partitions[0].highWatermark;
    const request = produceRequest(SMALL, 0, [Buffer.from('mid-stream')], { producerId: allocated.producerId, producerEpoch: 0, baseSequence: 5 });
    const outcome = await rawFailure(cluster.rawClient(p.leader), 'produce', request).catch((e: Error) => e);
    const after = (await flotilla.admin().describeTopic(SMALL)).partitions[0].highWatermark;
    expect(outcome, `produce of an unknown producer at sequence 5 (high watermark ${before} -> ${after})`).not.toBeInstanceOf(Error);
    expectFailure(outcome as RawFailure, grpc.status.FAILED_PRECONDITION, 'UNKNOWN_PRODUCER', [SMALL, /sequence 0/]);
    expect(after).toBe(before);
  });

  it('after all that, the data is intact and nothing else was written', async () => {
    cluster.dumpLogsOnFailure();
    const admin = flotilla.admin();
    const t = await admin.describeTopic(TOPIC);
    for (const p of t.partitions) {
      expect(p.highWatermark, `high watermark of ${TOPIC}/${p.partition}`).toBe(RECORDS / 3);
      expect(p.logEndOffset).toBe(RECORDS / 3);
      const records = await readPartition(flotilla.consumer(), TOPIC, p.partition, { from: 0, to: RECORDS / 3 });
      expect(records.map((r) => ({ offset: r.offset, value: r.value!.toString() }))).toEqual(written.get(p.partition));
    }
    const cluster0 = await admin.describeCluster();
    expect(cluster0.nodes.map((n) => n.id).sort()).toEqual([1, 2, 3]);
    expect(cluster0.nodes.every((n) => n.alive)).toBe(true);
    for (const id of cluster.ids()) expect(cluster.isRunning(id), `node ${id} still running`).toBe(true);
  });
});

