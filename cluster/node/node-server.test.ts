import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchResponse } from '../../proto/load';
import { FencedError, OffsetMismatchError } from '../client';
import { type DecodedRecord, encodeRecordBatch, readRecords, type RecordInput, splitRecordBatches, validateRecordBatch } from '../records';
import { InProcessCluster, rawCall as call, rawClient as raw, waitFor } from './in-process-cluster';

/**
 * A Produce request as a client sends it: one RecordBatch v2 of UTF-8 values (timestamp 1000),
 * idempotent when `producer` is given. Encoded once: a retry sends this same object, the same bytes.
 */
function produceRequest(topic: string, values: Array<string | RecordInput>, producer?: { producerId: number; producerEpoch: number; baseSequence: number }, extra: Record<string, unknown> = {}) {
  const records = values.map((v): RecordInput => (typeof v === 'string' ? { key: null, value: Buffer.from(v), timestamp: 1000 } : v));
  return { topic, partition: 0, acks: 'ACKS_ALL', recordBatch: encodeRecordBatch(records, producer ?? {}), ...extra };
}

/** The records of a fetch from `from` on, as a consumer decodes them (every batch's CRC checked). */
function recordsOf(r: FetchResponse, from = 0): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  for (const b of splitRecordBatches(r.recordBatches)) for (const rec of readRecords(b, validateRecordBatch(b), from)) out.push(rec);
  return out;
}

const valuesOf = (r: FetchResponse, from = 0) => recordsOf(r, from).map((x) => Buffer.from(x.value!).toString());

describe('node server (3 nodes in one process, real gRPC and LevelDB)', () => {
  const cluster = new InProcessCluster(3);

  beforeAll(async () => {
    await cluster.startAll();
  });
  afterAll(async () => {
    await cluster.close();
  });

  async function leaderOf(topic: string, partition = 0): Promise<number> {
    let leader = 0;
    await waitFor(async () => {
      const d = await cluster.client.admin().describeTopic(topic);
      leader = d.partitions[partition].leader;
      return leader !== 0 && cluster.nodes.has(leader);
    }, `a leader of ${topic}/${partition}`);
    return leader;
  }

  it('spreads new partitions\' leaders over the nodes as the assignment spreads preferred leaders', async () => {
    const d = await cluster.client.admin().createTopic({ name: 'spread', partitions: 3, replicationFactor: 3 });
    expect(new Set(d.partitions.map((p) => p.replicas[0])).size).toBe(3);
    await waitFor(async () => {
      const now = await cluster.client.admin().describeTopic('spread');
      return now.partitions.every((p) => p.leader === p.replicas[0] && p.inSyncReplicas.length === 3);
    }, 'every partition led by its preferred leader with 3 replicas in sync');
  });

  it('conditional append: appends at the expected offset, refuses with the real end offset otherwise', async () => {
    await cluster.client.admin().createTopic({ name: 'events', partitions: 1, replicationFactor: 3 });
    const producer = cluster.client.producer({ acks: 'all' });
    const first = await producer.append({ topic: 'events', partition: 0, expectedOffset: 0, records: [{ value: 'Opened' }, { value: 'Deposited' }] });
    expect(first).toEqual({ baseOffset: 0, lastOffset: 1 });
    const refused = await producer.append({ topic: 'events', partition: 0, expectedOffset: 1, records: [{ value: 'Stale' }] }).catch((e) => e);
    expect(refused).toBeInstanceOf(OffsetMismatchError);
    expect((refused as OffsetMismatchError).actualOffset).toBe(2);
    expect(await producer.append({ topic: 'events', partition: 0, expectedOffset: 2, records: [{ value: 'Closed' }] })).toEqual({ baseOffset: 2, lastOffset: 2 });
    await producer.close();
    const read = await cluster.client.consumer().fetch({ topic: 'events', partition: 0, offset: 0 });
    expect(read.records.map((r) => r.value?.toString())).toEqual(['Opened', 'Deposited', 'Closed']);
  });

  it('idempotent produce: a retried batch is answered with its original offsets and written once; a newer epoch fences', async () => {
    await cluster.client.admin().createTopic({ name: 'idem', partitions: 1, replicationFactor: 3 });
    const leader = raw(cluster.address(await leaderOf('idem')));
    const { producerId, producerEpoch } = await call<{ producerId: number; producerEpoch: number }>(leader, 'initProducer', { producerName: 'db-writer' });
    const batch = produceRequest('idem', ['a', 'b'], { producerId, producerEpoch, baseSequence: 0 });
    const once = await call<{ baseOffset: number; duplicate: boolean }>(leader, 'produce', batch);
    const again = await call<{ baseOffset: number; duplicate: boolean }>(leader, 'produce', batch);
    expect(once).toMatchObject({ baseOffset: 0, duplicate: false });
    expect(again).toMatchObject({ baseOffset: 0, lastOffset: 1, duplicate: true });
    // The same sequences with other records: refused, never answered with the stored batch's offsets.
    const reused = (await call(leader, 'produce', produceRequest('idem', ['a', 'not b'], { producerId, producerEpoch, baseSequence: 0 })).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    expect(reused.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(reused.metadata.get('flotilla-error')).toEqual(['SEQUENCE_CONFLICT']);
    expect(reused.details).toMatch(/topic "idem" partition 0: producer \d+ epoch \d+ sent sequences 0\.\.1, the same sequences as the batch stored at offsets 0\.\.1/);
    const gap = await call(leader, 'produce', produceRequest('idem', ['a', 'b'], { producerId, producerEpoch, baseSequence: 5 })).catch((e: grpc.ServiceError) => e);
    expect((gap as grpc.ServiceError).metadata.get('flotilla-error')).toEqual(['OUT_OF_ORDER_SEQUENCE']);
    expect((gap as grpc.ServiceError).metadata.get('flotilla-expected-sequence')).toEqual(['2']);

    // The same name again bumps the epoch: the first holder is fenced.
    const newer = await call<{ producerId: number; producerEpoch: number }>(leader, 'initProducer', { producerName: 'db-writer' });
    expect(newer).toEqual({ producerId, producerEpoch: producerEpoch + 1 });
    await call(leader, 'produce', produceRequest('idem', ['c'], { producerId, producerEpoch: newer.producerEpoch, baseSequence: 0 }));
    const fenced = await call(leader, 'produce', produceRequest('idem', ['d'], { producerId, producerEpoch, baseSequence: 2 })).catch((e: grpc.ServiceError) => e);
    expect((fenced as grpc.ServiceError).code).toBe(grpc.status.FAILED_PRECONDITION);
    expect((fenced as grpc.ServiceError).metadata.get('flotilla-error')).toEqual(['FENCED']);
    leader.close();

    // Through the client library: a second producer with the same name fences the first.
    const p1 = cluster.client.producer({ producerName: 'svc' });
    await p1.send({ topic: 'idem', value: 'from p1' });
    const p2 = cluster.client.producer({ producerName: 'svc' });
    await p2.send({ topic: 'idem', value: 'from p2' });
    await expect(p1.send({ topic: 'idem', value: 'late' })).rejects.toBeInstanceOf(FencedError);
    await p2.close();
    await p1.close().catch(() => undefined);
    const all = await cluster.client.consumer().fetch({ topic: 'idem', partition: 0, offset: 0 });
    expect(all.records.map((r) => r.value?.toString())).toEqual(['a', 'b', 'c', 'from p1', 'from p2']);
  });

  it('fetch long-polls until a record is committed; subscribe pushes each new batch', async () => {
    await cluster.client.admin().createTopic({ name: 'poll', partitions: 1, replicationFactor: 3 });
    const leader = raw(cluster.address(await leaderOf('poll')));
    const waiting = call<FetchResponse>(leader, 'fetch', { topic: 'poll', partition: 0, offset: 0, maxBytes: 0, maxWaitMs: 10_000, minBytes: 0 });
    const pushed: string[] = [];
    const stream = leader.subscribe({ topic: 'poll', partition: 0, offset: 0, maxBytes: 0 });
    stream.on('data', (r: FetchResponse) => pushed.push(...valuesOf(r)));
    stream.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const producer = cluster.client.producer({ acks: 'all' });
    await producer.send({ topic: 'poll', value: 'first' });
    const got = await waiting;
    expect(valuesOf(got)).toEqual(['first']);
    expect(got.highWatermark).toBe(1);
    await producer.send({ topic: 'poll', value: 'second' });
    await waitFor(() => pushed.length === 2, 'the subscription to push both records');
    expect(pushed).toEqual(['first', 'second']);
    stream.cancel();
    await producer.close();
    leader.close();
  });

  it("fetch returns the batch as the leader stored it, a consumer reads it from a mid-batch offset, and the topic's message.timestamp.type decides whose clock the records carry", async () => {
    for (const [topic, type] of [['create-time', 'CreateTime'], ['append-time', 'LogAppendTime']] as const) {
      await cluster.client.admin().createTopic({ name: topic, partitions: 1, replicationFactor: 3, config: { 'message.timestamp.type': type } });
      const leader = raw(cluster.address(await leaderOf(topic)));
      const req = produceRequest(topic, [
        { key: Buffer.from('k'), value: Buffer.from('v0'), headers: [{ key: 'h', value: null }], timestamp: 1000 },
        { key: null, value: null, timestamp: 900 }, // a tombstone, and a timestamp before the first record's
        { key: Buffer.alloc(0), value: Buffer.from('v2'), timestamp: 1100 },
      ]);
      const before = Date.now();
      const r = await call<{ baseOffset: number; lastOffset: number; logAppendTimeMs: number; duplicate: boolean }>(leader, 'produce', req);
      const after = Date.now();
      expect(r).toMatchObject({ baseOffset: 0, lastOffset: 2, duplicate: false });
      const fetched = await call<FetchResponse>(leader, 'fetch', { topic, partition: 0, offset: 1, maxBytes: 0, maxWaitMs: 0, minBytes: 0 });
      expect(fetched.highWatermark).toBe(3);
      // The whole stored batch (from offset 0): the consumer skips the record below its offset.
      const batches = [...splitRecordBatches(fetched.recordBatches)];
      expect(batches.map((b) => b.length)).toEqual([req.recordBatch.length]);
      const h = validateRecordBatch(batches[0]);
      expect([h.baseOffset, h.recordCount]).toEqual([0, 3]);
      const records = recordsOf(fetched, 1);
      expect(records.map((x) => [x.offset, x.key && Buffer.from(x.key).toString(), x.value && Buffer.from(x.value).toString()])).toEqual([
        [1, null, null],
        [2, '', 'v2'],
      ]);
      if (type === 'CreateTime') {
        expect(r.logAppendTimeMs).toBe(-1);
        expect(h.timestampType).toBe('create');
        expect(records.map((x) => x.timestamp)).toEqual([900, 1100]);
        // Only the base offset and the leader epoch (bytes 0..15, outside the CRC) are the leader's.
        expect(batches[0].subarray(16)).toEqual(req.recordBatch.subarray(16));
      } else {
        expect(r.logAppendTimeMs).toBeGreaterThanOrEqual(before);
        expect(r.logAppendTimeMs).toBeLessThanOrEqual(after);
        expect([h.timestampType, h.maxTimestamp]).toEqual(['logAppend', r.logAppendTimeMs]);
        expect(records.map((x) => x.timestamp)).toEqual([r.logAppendTimeMs, r.logAppendTimeMs]);
        // The producer fields and the records themselves are as the producer sent them.
        expect(batches[0].subarray(43)).toEqual(req.recordBatch.subarray(43));
      }
      leader.close();
    }
  });

  it('list offsets: earliest, latest (read through ReadIndex), by timestamp; acks=leader answers too', async () => {
    await cluster.client.admin().createTopic({ name: 'times', partitions: 1, replicationFactor: 3 });
    const producer = cluster.client.producer({ acks: 'leader' });
    for (const [i, ts] of [1000, 2000, 3000].entries()) await producer.send({ topic: 'times', partition: 0, value: `v${i}`, timestamp: ts });
    await producer.close();
    const c = cluster.client.consumer();
    await waitFor(async () => (await c.listOffsets({ topic: 'times', partition: 0, spec: 'latest' })) === 3, 'the acks=leader records to commit');
    expect(await c.listOffsets({ topic: 'times', partition: 0, spec: 'earliest' })).toBe(0);
    expect(await c.listOffsets({ topic: 'times', partition: 0, spec: { timestamp: 1500 } })).toBe(1);
    expect(await c.listOffsets({ topic: 'times', partition: 0, spec: { timestamp: 9999 } })).toBe(3);
  });

  it('retention trims the log; a follower that missed the trimmed part catches up from the snapshot', async () => {
    await cluster.client.admin().createTopic({
      name: 'short',
      partitions: 1,
      replicationFactor: 3,
      config: { 'segment.bytes': '4096', 'retention.bytes': '8192' },
    });
    const d = await cluster.client.admin().describeTopic('short');
    const group = d.partitions[0].groupId;
    const follower = d.partitions[0].replicas.find((r) => r !== d.partitions[0].leader)!;
    await cluster.stop(follower);
    const producer = cluster.client.producer({ acks: 'all', lingerMs: 0 });
    const payload = 'x'.repeat(1000);
    for (let i = 0; i < 60; i++) await producer.send({ topic: 'short', value: `${i}:${payload}` });
    await producer.close();
    let logStart = 0;
    await waitFor(async () => {
      logStart = (await cluster.client.admin().describeTopic('short')).partitions[0].logStartOffset;
      return logStart > 0;
    }, 'retention to move the log start');
    const early = await cluster.client.consumer().fetch({ topic: 'short', partition: 0, offset: 0 }).catch((e) => e);
    expect(early).toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    const kept = await cluster.client.consumer().fetch({ topic: 'short', partition: 0, offset: logStart });
    expect(kept.records[0].value!.toString().startsWith(`${logStart}:`)).toBe(true);

    const back = await cluster.start(follower);
    await waitFor(() => back.replica(group)?.state.nextOffset === 60, 'the follower to catch up');
    // It could not have replayed offsets below the leader's log start: it installed the snapshot.
    expect(back.replica(group)!.state.logStartOffset).toBeGreaterThan(0);
  });

  it('leadership returns to the preferred leader once it is back in sync', async () => {
    await cluster.client.admin().createTopic({ name: 'pref', partitions: 1, replicationFactor: 3 });
    const preferred = (await cluster.client.admin().describeTopic('pref')).partitions[0].replicas[0];
    await waitFor(async () => (await cluster.client.admin().describeTopic('pref')).partitions[0].leader === preferred, 'the preferred leader to lead');
    await cluster.stop(preferred);
    await waitFor(async () => {
      const l = (await cluster.client.admin().describeTopic('pref')).partitions[0].leader;
      return l !== 0 && l !== preferred;
    }, 'another node to take over');
    await waitFor(async () => {
      const c = await cluster.client.admin().describeCluster();
      return c.nodes.find((n) => n.id === preferred)?.alive === false && c.nodes.filter((n) => n.alive).length === 2;
    }, 'the stopped node to be reported as not alive');
    await cluster.start(preferred);
    await waitFor(async () => (await cluster.client.admin().describeTopic('pref')).partitions[0].leader === preferred, 'leadership to return', 30_000);
  });

  it('deleting a topic drops its partition groups on every node', async () => {
    const d = await cluster.client.admin().createTopic({ name: 'doomed', partitions: 2, replicationFactor: 3 });
    const groups = d.partitions.map((p) => p.groupId);
    await waitFor(() => [...cluster.nodes.values()].every((n) => groups.every((g) => n.replica(g))), 'every node to host the groups');
    await cluster.client.admin().deleteTopic('doomed');
    await waitFor(() => [...cluster.nodes.values()].every((n) => groups.every((g) => !n.replica(g))), 'every node to drop them');
    expect((await cluster.client.admin().listTopics()).map((t) => t.name)).not.toContain('doomed');
    await expect(cluster.client.admin().describeTopic('doomed')).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
    // ...and, a housekeeping round later, the deleted topic leaves the metadata on every node (purgeTopic).
    await waitFor(() => [...cluster.nodes.values()].every((n) => n.appliedMetadata().topicById(d.id) === undefined && n.appliedMetadata().deletedTopics().length === 0), 'the deleted topic to be purged from the metadata');
    for (const n of cluster.nodes.values()) for (const g of groups) expect(n.appliedMetadata().partitionByGroup(g)).toBeUndefined();
  });
});
