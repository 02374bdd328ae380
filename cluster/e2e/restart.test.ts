/**
 * A whole-cluster restart: two topics with configs and acknowledged records; every node stopped
 * with SIGTERM (clean exits) and started again on the same data dirs. Topics, their ids, configs,
 * partitions and replicas are back, every record reads back identically (key, value, headers,
 * timestamp, offset), and new records go after the old ones.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConsumedRecord, TopicDescription } from '../client';
import { ProcessCluster, readPartition, topicLeaders } from './process-cluster';

// Real processes: generous limits whatever the project's vitest config says (waits inside poll with their own deadlines).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TOPICS: Array<{ name: string; partitions: number; replicationFactor: number; config: Record<string, string> }> = [
  { name: 'restart-orders', partitions: 3, replicationFactor: 3, config: { 'retention.ms': '86400000', 'max.message.bytes': '65536' } },
  { name: 'restart.audit_log', partitions: 2, replicationFactor: 2, config: { 'cleanup.policy': 'delete', 'retention.bytes': '104857600' } },
];
const PER_TOPIC = 1500;

function snapshot(records: ConsumedRecord[]) {
  return records.map((r) => ({
    offset: r.offset,
    key: r.key === null ? null : r.key.toString('utf8'),
    value: r.value!.toString('utf8'),
    headers: r.headers.map((h) => [h.key, h.value!.toString('utf8')]),
    timestamp: r.timestamp,
  }));
}

describe('restarting every node', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'restart' });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('keeps topics, configs and every record', async () => {
    cluster.dumpLogsOnFailure();
    const before = new Map<string, { description: TopicDescription; data: Map<number, ReturnType<typeof snapshot>> }>();
    {
      const flotilla = cluster.client();
      const admin = flotilla.admin();
      for (const t of TOPICS) await admin.createTopic(t);
      const producer = flotilla.producer({ acks: 'all' });
      const sends: Array<Promise<unknown>> = [];
      for (const t of TOPICS) {
        for (let i = 0; i < PER_TOPIC; i++) {
          sends.push(
            producer.send({
              topic: t.name,
              key: i % 7 === 0 ? null : `key-${i % 50}`,
              value: `${t.name}:${i}:${'x'.repeat(i % 40)}`,
              headers: i % 3 === 0 ? { h: `header-${i}`, empty: '' } : undefined,
              timestamp: 1_700_000_000_000 + i,
            }),
          );
        }
      }
      await Promise.all(sends);
      await producer.close();
      const consumer = flotilla.consumer();
      for (const t of TOPICS) {
        const description = await topicLeaders(admin, t.name);
        const data = new Map<number, ReturnType<typeof snapshot>>();
        let total = 0;
        for (const p of description.partitions) {
          const records = await readPartition(consumer, t.name, p.partition, { from: 0, to: p.highWatermark });
          data.set(p.partition, snapshot(records));
          total += records.length;
        }
        expect(total, `records of ${t.name} before the restart`).toBe(PER_TOPIC);
        before.set(t.name, { description, data });
      }
      await flotilla.close();
    }

    const exits = await cluster.stopAll();
    for (const [id, e] of exits) expect(e, `node ${id} exits cleanly on SIGTERM`).toEqual({ code: 0, signal: null });
    expect(cluster.running()).toEqual([]);

    await cluster.startAll();
    await cluster.waitReady(60_000);

    const flotilla = cluster.client();
    const admin = flotilla.admin();
    const listed = await admin.listTopics();
    for (const t of TOPICS) {
      const summary = listed.find((s) => s.name === t.name);
      expect(summary, `${t.name} listed after the restart`).toBeDefined();
      expect(summary!.partitions).toBe(t.partitions);
      expect(summary!.replicationFactor).toBe(t.replicationFactor);
      expect(summary!.id).toBe(before.get(t.name)!.description.id);
    }
    expect(listed.map((s) => s.name).sort()).toEqual(TOPICS.map((t) => t.name).sort());

    const consumer = flotilla.consumer();
    for (const t of TOPICS) {
      const old = before.get(t.name)!;
      const description = await topicLeaders(admin, t.name, { timeoutMs: 30_000 });
      expect(description.id).toBe(old.description.id);
      expect(description.replicationFactor).toBe(t.replicationFactor);
      for (const [k, v] of Object.entries(t.config)) expect(description.config[k], `${t.name} config ${k}`).toBe(v);
      expect(description.config).toEqual(old.description.config);
      expect(description.partitions).toHaveLength(t.partitions);
      for (const p of description.partitions) {
        const oldP = old.description.partitions.find((x) => x.partition === p.partition)!;
        expect(p.groupId).toBe(oldP.groupId);
        expect([...p.replicas].sort()).toEqual([...oldP.replicas].sort());
        const expected = old.data.get(p.partition)!;
        const records = await readPartition(consumer, t.name, p.partition, { from: 0, to: expected.length, timeoutMs: 30_000 });
        expect(snapshot(records), `${t.name}/${p.partition} after the restart`).toEqual(expected);
        const end = await consumer.listOffsets({ topic: t.name, partition: p.partition, spec: 'latest' });
        expect(end, `${t.name}/${p.partition} log end offset after the restart`).toBe(expected.length);
      }
    }

    // The log goes on where it was.
    const producer = flotilla.producer({ acks: 'all' });
    const m = await producer.send({ topic: TOPICS[0].name, partition: 0, value: 'after-restart' });
    expect(m.offset).toBe(before.get(TOPICS[0].name)!.data.get(0)!.length);
    await producer.close();
  });
});
