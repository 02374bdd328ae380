import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { META } from '../../proto/load';
import { InProcessCluster, rawCall as call, rawClient, TEST_TUNING } from './in-process-cluster';

describe('reads racing retention', () => {
  // Retention every 10 ms over 1 KiB segments: compactions land while readers chase the log start.
  const cluster = new InProcessCluster(1, { ...TEST_TUNING, retentionIntervalMs: 10 });
  beforeAll(() => cluster.startAll());
  afterAll(() => cluster.close());

  it('a fetch at the log start while it moves gets records or OFFSET_OUT_OF_RANGE, never an internal error', async () => {
    await cluster.client.admin().createTopic({ name: 'r', partitions: 1, replicationFactor: 1, config: { 'segment.bytes': '1024', 'retention.bytes': '2048' } });
    const producer = cluster.client.producer({ acks: 'all', lingerMs: 0 });
    const raw = rawClient(cluster.address(1));
    const outcomes = new Map<string, number>();
    const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    let stop = false;
    const writer = (async () => {
      while (!stop) await producer.send({ topic: 'r', partition: 0, value: 'x'.repeat(200) });
    })();
    const readers = Array.from({ length: 4 }, async () => {
      while (!stop) {
        try {
          const { offset } = await call<{ offset: number }>(raw, 'listOffsets', { topic: 'r', partition: 0, spec: 'OFFSET_SPEC_EARLIEST' });
          await call(raw, 'fetch', { topic: 'r', partition: 0, offset, maxBytes: 0, maxWaitMs: 0, minBytes: 0 });
          count('ok');
        } catch (e) {
          const err = e as grpc.ServiceError;
          count(`${grpc.status[err.code]} ${err.metadata?.get(META.error)[0]}`);
        }
      }
    });
    await new Promise((r) => setTimeout(r, 4000));
    stop = true;
    await writer;
    await Promise.all(readers);
    await producer.close();
    raw.close();
    const start = (await cluster.client.admin().describeTopic('r')).partitions[0].logStartOffset;
    expect(start, 'retention moved the log start while reading').toBeGreaterThan(0);
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(0);
    for (const k of outcomes.keys()) expect(['ok', 'OUT_OF_RANGE OFFSET_OUT_OF_RANGE']).toContain(k);
  });
});
