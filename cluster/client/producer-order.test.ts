/**
 * A conditional append queued behind a topic whose metadata is loading is numbered after the
 * records sent to its partition before it, and every retry round keeps sequence order: the
 * append survives a refusal of both, and a reset with both waiting renumbers them in order.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { META, OUTCOME } from '../../proto/load';
import { Flotilla } from './index';
import { FakeCluster, failure, type ProduceCall } from './test-broker';

const FAST_RETRY = { retries: 20, initialBackoffMs: 1, maxBackoffMs: 5 };
let cluster: FakeCluster | undefined;
let client: Flotilla | undefined;
afterEach(async () => {
  // A stuck producer never lets close() finish: do not wait for it.
  await Promise.race([client?.close().catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
  await cluster?.stop();
  client = undefined;
  cluster = undefined;
});

const values = (c: FakeCluster, topic: string) => c.topics.get(topic)!.partitions[0].log.map((r) => r.value!.toString());
const notEnoughReplicas = () => ({
  error: failure(grpc.status.UNAVAILABLE, 'NOT_ENOUGH_REPLICAS', 'too few replicas in sync', { [META.outcome]: OUTCOME.notWritten }),
});
const valueOf = (call: ProduceCall) => call.batch.records.map((r) => String(r.value)).join(',');

describe('batch order vs sequence order (append queued behind a topic whose metadata is loading)', () => {
  it('an append queued after a send to the same partition survives one retriable refusal of both', async () => {
    cluster = await FakeCluster.start(1);
    client = new Flotilla({ brokers: [cluster.addresses[0]], retry: FAST_RETRY });
    cluster.createTopic('t', 1);
    cluster.createTopic('u', 1);
    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic: 't', partition: 0, value: 'p' }); // seq 0, t's metadata cached
    // u's metadata is not known: everything sent now waits in the queue behind it.
    const u = producer.send({ topic: 'u', partition: 0, value: 'u' });
    const r = producer.send({ topic: 't', partition: 0, value: 'r' }); // its batch gets its `order` only when drained
    const a = producer.append({ topic: 't', partition: 0, expectedOffset: 2, records: [{ value: 'a' }] }); // `order` now
    const refused = new Set<string>();
    cluster.produceFault = (call) => {
      const v = valueOf(call);
      if ((v === 'r' || v === 'a') && !refused.has(v)) {
        refused.add(v);
        return notEnoughReplicas(); // a routine, certainly-not-written refusal
      }
      return undefined;
    };
    await u;
    expect((await r).offset).toBe(1);
    // The bug this guards against: the retry round sends the append (sequence 2) before the record (sequence 1),
    // the broker refuses it with OUT_OF_ORDER_SEQUENCE, and the producer gives it up.
    await expect(a).resolves.toEqual({ baseOffset: 2, lastOffset: 2 });
    expect(values(cluster, 't')).toEqual(['p', 'r', 'a']);
  });

  it('a reset with those batches in ready does not throw (unhandled rejection) and every send settles', async () => {
    cluster = await FakeCluster.start(1);
    client = new Flotilla({ brokers: [cluster.addresses[0]], retry: FAST_RETRY });
    cluster.createTopic('t', 1);
    cluster.createTopic('u', 1);
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const producer = client.producer({ lingerMs: 0 });
      await producer.send({ topic: 't', partition: 0, value: 'p' });
      const u = producer.send({ topic: 'u', partition: 0, value: 'u' });
      const r = producer.send({ topic: 't', partition: 0, value: 'r' });
      const a = producer.append({ topic: 't', partition: 0, expectedOffset: 2, records: [{ value: 'a' }] });
      const s = producer.send({ topic: 't', partition: 0, value: 's' }); // a third batch, after the append
      cluster.produceFault = (call) => {
        const v = valueOf(call);
        if (v === 'r' || v === 'a') return call.batch.producerEpoch === 0 && cluster!.produceCalls.filter((c) => valueOf(c) === v).length === 1 ? notEnoughReplicas() : undefined;
        // 's' is refused for good (as RECORD_TOO_LARGE): given up "not written", its identity retires.
        if (v === 's') return { error: failure(grpc.status.INVALID_ARGUMENT, 'RECORD_TOO_LARGE', 'too large', { [META.outcome]: OUTCOME.notWritten }) };
        return undefined;
      };
      await u;
      const settled = await Promise.race([
        Promise.allSettled([r, a, s]),
        new Promise((resolve) => setTimeout(() => resolve('stuck'), 3000)),
      ]);
      // The bug this guards against, on both counts: startReset's invariant check throws inside a promise callback
      // (an unhandled rejection: the process dies under Node's default), and r and a never settle.
      expect(settled).not.toBe('stuck');
      expect(unhandled.map(String)).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
