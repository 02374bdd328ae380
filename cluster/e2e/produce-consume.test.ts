/**
 * 3 real node processes: 10,000 keyed records with acks=all over a 3-partition RF3 topic, read back
 * whole. Offsets are dense per partition, every value is there exactly once at the offset its ack
 * named, in send order per partition, and describeTopic agrees (leader, replicas, high watermark).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecordMetadata } from '../client';
import { ProcessCluster, readPartition, topicLeaders, waitFor } from './process-cluster';

// Real processes: generous limits whatever the project's vitest config says (waits inside poll with their own deadlines).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TOPIC = 'produce-consume';
const PARTITIONS = 3;
const RECORDS = 10_000;

describe('produce and consume on a 3-node cluster', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'produce-consume' });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('every acknowledged record is read back once, at its offset, in order', async () => {
    cluster.dumpLogsOnFailure();
    const flotilla = cluster.client();
    const admin = flotilla.admin();
    const created = await admin.createTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3 });
    expect(created.name).toBe(TOPIC);
    expect(created.partitions).toHaveLength(PARTITIONS);
    await topicLeaders(admin, TOPIC);

    const producer = flotilla.producer({ acks: 'all' });
    const values = Array.from({ length: RECORDS }, (_, i) => `value-${i}`);
    const acks: RecordMetadata[] = await Promise.all(
      values.map((value, i) => producer.send({ topic: TOPIC, key: `key-${i % 997}`, value })),
    );
    await producer.close();

    // The acks: per partition, distinct offsets 0..n-1.
    const ackedAt = new Map<string, string>(); // "p:offset" -> value
    const countPerPartition = new Array<number>(PARTITIONS).fill(0);
    acks.forEach((a, i) => {
      expect(a.topic).toBe(TOPIC);
      expect(a.partition).toBeGreaterThanOrEqual(0);
      expect(a.partition).toBeLessThan(PARTITIONS);
      const k = `${a.partition}:${a.offset}`;
      expect(ackedAt.has(k), `two acks for partition ${a.partition} offset ${a.offset}`).toBe(false);
      ackedAt.set(k, values[i]);
      countPerPartition[a.partition]++;
    });
    for (let p = 0; p < PARTITIONS; p++) {
      expect(countPerPartition[p], `records acked on partition ${p}`).toBeGreaterThan(0);
      for (let o = 0; o < countPerPartition[p]; o++) expect(ackedAt.has(`${p}:${o}`), `an ack for ${p}:${o}`).toBe(true);
    }

    // Read every partition back from offset 0.
    const consumer = flotilla.consumer();
    const seen = new Map<string, string>(); // value -> "p:offset"
    for (let p = 0; p < PARTITIONS; p++) {
      const records = await readPartition(consumer, TOPIC, p, { from: 0, to: countPerPartition[p] });
      expect(records.map((r) => r.offset)).toEqual(Array.from({ length: countPerPartition[p] }, (_, o) => o));
      let lastSendIndex = -1;
      for (const r of records) {
        const value = r.value!.toString('utf8');
        expect(seen.has(value), `${value} read twice: at ${seen.get(value)} and ${p}:${r.offset}`).toBe(false);
        seen.set(value, `${p}:${r.offset}`);
        // At the offset its ack named.
        expect(value, `value at ${p}:${r.offset}`).toBe(ackedAt.get(`${p}:${r.offset}`));
        // Keys come back, and records of a partition are in send order (idempotent producer).
        const i = Number(value.slice('value-'.length));
        expect(r.key?.toString('utf8')).toBe(`key-${i % 997}`);
        expect(i, `send order on partition ${p} at offset ${r.offset}`).toBeGreaterThan(lastSendIndex);
        lastSendIndex = i;
      }
      // Nothing past the end.
      const after = await consumer.fetch({ topic: TOPIC, partition: p, offset: countPerPartition[p] });
      expect(after.records).toHaveLength(0);
      expect(after.highWatermark).toBe(countPerPartition[p]);
    }
    expect(seen.size).toBe(RECORDS);
    for (const v of values) expect(seen.has(v), `${v} in the log`).toBe(true);

    // describeTopic: a leader, 3 replicas, high watermark = records of the partition.
    const description = await waitFor(
      `describeTopic(${TOPIC}) to report every partition's high watermark`,
      async () => {
        const t = await admin.describeTopic(TOPIC);
        return t.partitions.every((p) => p.highWatermark === countPerPartition[p.partition]) ? t : undefined;
      },
      10_000,
    ).catch(async () => admin.describeTopic(TOPIC));
    expect(description.replicationFactor).toBe(3);
    expect(description.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2]);
    for (const p of description.partitions) {
      expect(p.leader, `leader of partition ${p.partition}`).toBeGreaterThanOrEqual(1);
      expect(p.leader).toBeLessThanOrEqual(3);
      expect(p.leaderAddress).toBe(cluster.address(p.leader));
      expect([...p.replicas].sort()).toEqual([1, 2, 3]);
      expect(p.replicas).toContain(p.leader);
      expect(p.highWatermark, `high watermark of partition ${p.partition}`).toBe(countPerPartition[p.partition]);
      expect(p.logEndOffset, `log end offset of partition ${p.partition}`).toBe(countPerPartition[p.partition]);
      expect(p.logStartOffset).toBe(0);
    }
  });

  it('the record fields round-trip as sent: null and empty keys, tombstones, headers with and without values, timestamps', async () => {
    cluster.dumpLogsOnFailure();
    const flotilla = cluster.client();
    await flotilla.admin().createTopic({ name: 'fields', partitions: 1, replicationFactor: 3 });
    const producer = flotilla.producer({ acks: 'all' });
    const sent = [
      { key: null, value: 'no key', timestamp: 1_000 },
      { key: '', value: 'empty key', timestamp: 2_000 },
      { key: 'k', value: null, timestamp: 3_000 }, // a tombstone
      { key: 'k', value: '', headers: [{ key: 'h', value: null }, { key: 'h', value: 'again' }, { key: 'é', value: '' }], timestamp: 500 },
    ];
    for (const r of sent) await producer.send({ topic: 'fields', partition: 0, ...r });
    await producer.close();
    const got = (await flotilla.consumer().fetch({ topic: 'fields', partition: 0, offset: 0 })).records;
    expect(got.map((r) => ({ key: r.key === null ? null : r.key.toString(), value: r.value === null ? null : r.value.toString(), timestamp: r.timestamp }))).toEqual(
      sent.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp })),
    );
    expect(got[3].headers.map((h) => [h.key, h.value === null ? null : h.value.toString()])).toEqual([
      ['h', null],
      ['h', 'again'],
      ['é', ''],
    ]);
    // Fetching from the middle of a batch skips the records before the offset asked for.
    expect((await flotilla.consumer().fetch({ topic: 'fields', partition: 0, offset: 2 })).records.map((r) => r.offset)).toEqual([2, 3]);
  });

  it('a LogAppendTime topic stores the leader\'s clock on every record, whatever the producer set', async () => {
    cluster.dumpLogsOnFailure();
    const flotilla = cluster.client();
    await flotilla.admin().createTopic({ name: 'append-time', partitions: 1, replicationFactor: 3, config: { 'message.timestamp.type': 'LogAppendTime' } });
    const before = Date.now();
    const producer = flotilla.producer({ acks: 'all', lingerMs: 20 });
    await Promise.all([producer.send({ topic: 'append-time', value: 'a', timestamp: 5 }), producer.send({ topic: 'append-time', value: 'b', timestamp: 7 })]);
    await producer.close();
    const after = Date.now();
    const got = (await flotilla.consumer().fetch({ topic: 'append-time', partition: 0, offset: 0 })).records;
    expect(got).toHaveLength(2);
    for (const r of got) {
      expect(r.timestamp).toBeGreaterThanOrEqual(before - 1000); // the nodes' clocks are this machine's
      expect(r.timestamp).toBeLessThanOrEqual(after + 1000);
    }
    expect((await flotilla.admin().describeTopic('append-time')).config['message.timestamp.type']).toBe('LogAppendTime');
  });
});
