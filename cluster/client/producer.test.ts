import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { META, OUTCOME } from '../../proto/load';
import { FencedError, Flotilla, OffsetMismatchError } from './index';
import { FakeCluster, failure, type ProduceCall, type ProduceFault } from './test-broker';

const FAST_RETRY = { retries: 20, initialBackoffMs: 1, maxBackoffMs: 5 };

let cluster: FakeCluster | undefined;
let client: Flotilla | undefined;

afterEach(async () => {
  await client?.close();
  await cluster?.stop();
  client = undefined;
  cluster = undefined;
});

async function setup(brokers: number, options: { requestTimeoutMs?: number } = {}) {
  cluster = await FakeCluster.start(brokers);
  client = new Flotilla({ brokers: [cluster.addresses[0]], retry: FAST_RETRY, ...options });
  return { cluster, client };
}

const values = (c: FakeCluster, topic: string, partition = 0) =>
  c.topics.get(topic)!.partitions[partition].log.map((r) => r.value!.toString());

describe('producer batching', () => {
  it('records sent within one linger window travel in one produce call', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    const producer = client.producer({ lingerMs: 30 });
    const sent = Array.from({ length: 50 }, (_, i) => `v${i}`);
    const results = await Promise.all(sent.map((value) => producer.send({ topic: 't', value })));
    expect(cluster.produceCalls).toHaveLength(1);
    expect(cluster.produceCalls[0].batch.records.map((r) => r.value!.toString())).toEqual(sent);
    expect(results.map((r) => r.offset)).toEqual(sent.map((_, i) => i));
  });

  it('a batch that reaches batchBytes is sent before its linger ends', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    // A 100-byte record counts 122 bytes toward a batch: 4 of them fill a 488-byte batch.
    const producer = client.producer({ lingerMs: 60_000, batchBytes: 488 });
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => producer.send({ topic: 't', value: Buffer.alloc(100) })),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(results.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(cluster.produceCalls.map((c) => c.batch.records.length)).toEqual([4, 4]);
  });

  it('records with equal keys land on the same partition, the one Kafka would choose', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 7);
    const producer = client.producer({ lingerMs: 1 });
    const a = await Promise.all(['k1', 'k1', 'k2', 'k1'].map((key) => producer.send({ topic: 't', key, value: key })));
    // murmur2("k1") and murmur2("k2") as computed by Kafka's Utils.murmur2, mod 7.
    const { partitionForKey } = await import('./murmur2');
    expect(a.map((r) => r.partition)).toEqual(['k1', 'k1', 'k2', 'k1'].map((k) => partitionForKey(Buffer.from(k), 7)));
    expect(a[0].partition).toBe(a[1].partition);
  });

  it('a key-less record keeps an empty key distinct from no key', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    const producer = client.producer({ lingerMs: 1 });
    await producer.sendBatch([
      { topic: 't', value: 'a' },
      { topic: 't', key: '', value: 'b' },
    ]);
    const log = cluster.topics.get('t')!.partitions[0].log;
    expect(log[0].key).toBeNull();
    expect(log[1].key).toEqual(Buffer.alloc(0));
  });
});

describe('producer routing', () => {
  it('NOT_LEADER with a hint sends the batch to the named broker without asking for metadata again', async () => {
    const { cluster, client } = await setup(2);
    cluster.createTopic('t', 1, 1);
    const producer = client.producer({ lingerMs: 1 });
    await producer.send({ topic: 't', value: 'first' });
    expect(cluster.describeCalls).toBe(1);
    cluster.topics.get('t')!.partitions[0].leader = 2; // leadership moves; the client's cache still says 1
    const r = await producer.send({ topic: 't', value: 'second' });
    expect(cluster.produceCalls.map((c) => c.broker)).toEqual([1, 1, 2]);
    expect(cluster.describeCalls).toBe(1);
    expect(r.offset).toBe(1);
    expect(values(cluster, 't')).toEqual(['first', 'second']);
  });

  it('without a hint the producer refreshes metadata and finds the new leader', async () => {
    const { cluster, client } = await setup(2);
    cluster.createTopic('t', 1, 1);
    const producer = client.producer({ lingerMs: 1 });
    await producer.send({ topic: 't', value: 'first' });
    const p = cluster.topics.get('t')!.partitions[0];
    p.leader = 0; // election under way: NO_LEADER, no hint
    setTimeout(() => (p.leader = 2), 50);
    await producer.send({ topic: 't', value: 'second' });
    expect(cluster.describeCalls).toBeGreaterThan(1);
    expect(cluster.produceCalls.at(-1)!.broker).toBe(2);
    expect(values(cluster, 't')).toEqual(['first', 'second']);
  });
});

describe('idempotent retries', () => {
  it('a batch whose answer was lost is retried with the same producer id and sequence, and written once', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    let calls = 0;
    cluster.produceFault = (call) => {
      if (calls++ > 0) return undefined;
      cluster.produce(call.broker, call.request); // written...
      return 'break-stream'; // ...but the answer never arrives
    };
    const producer = client.producer({ lingerMs: 1 });
    const r = await producer.send({ topic: 't', value: 'once' });
    const [first, second] = cluster.produceCalls.map((c) => c.batch);
    expect(cluster.produceCalls).toHaveLength(2);
    expect(second.producerId).toBe(first.producerId);
    expect(second.producerEpoch).toBe(first.producerEpoch);
    expect(second.baseSequence).toBe(first.baseSequence);
    expect(first.producerId).toBeGreaterThan(0);
    expect(values(cluster, 't')).toEqual(['once']);
    expect(r.offset).toBe(0);
  });

  it('a batch with no answer before the request timeout is retried with the same sequence', async () => {
    const { cluster, client } = await setup(1, { requestTimeoutMs: 200 });
    cluster.createTopic('t', 1);
    let calls = 0;
    cluster.produceFault = () => (calls++ === 0 ? 'drop' : undefined);
    const producer = client.producer({ lingerMs: 1 });
    const r = await producer.send({ topic: 't', value: 'late' });
    const seqs = cluster.produceCalls.map((c) => [c.batch.producerId, c.batch.baseSequence]);
    expect(seqs).toHaveLength(2);
    expect(seqs[1]).toEqual(seqs[0]);
    expect(r.offset).toBe(0);
  });

  it('with several batches in flight, a failed batch and those after it are resent in send order', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    let calls = 0;
    cluster.produceFault = () =>
      calls++ === 1 ? { error: failure(grpc.status.UNAVAILABLE, 'NOT_ENOUGH_REPLICAS', 'too few replicas') } : undefined;
    // Tiny batches (one record each) with lingerMs 0 and 5 in flight.
    const producer = client.producer({ lingerMs: 0, batchBytes: 1, maxInflight: 5 });
    const sent = Array.from({ length: 20 }, (_, i) => `r${i}`);
    const results = await Promise.all(sent.map((value) => producer.send({ topic: 't', value })));
    expect(values(cluster, 't')).toEqual(sent);
    expect(results.map((r) => r.offset)).toEqual(sent.map((_, i) => i));
    // The failure really happened with later batches in flight (they were refused out of order).
    expect(cluster.produceCalls.length).toBeGreaterThan(sent.length + 1);
  });

  it('under any mix of injected failures, every record is written exactly once and in send order, except those refused', async () => {
    const { cluster, client } = await setup(2, { requestTimeoutMs: 150 });
    const faultKinds = ['not-leader-hint', 'no-leader', 'break-stream', 'ack-lost', 'drop', 'refuse', 'none'] as const;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...faultKinds), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 5, max: 40 }),
        fc.integer({ min: 1, max: 5 }),
        async (faults, count, maxInflight) => {
          const topic = `t${run++}`;
          cluster.createTopic(topic, 1, 1);
          const p = cluster.topics.get(topic)!.partitions[0];
          const script = [...faults];
          cluster.produceFault = (call: ProduceCall): ProduceFault => {
            if (call.request.topic !== topic) return undefined;
            const kind = script.shift() ?? 'none';
            switch (kind) {
              case 'not-leader-hint':
                p.leader = p.leader === 1 ? 2 : 1; // moves, and this call hits the old leader
                return undefined;
              case 'no-leader': {
                const next = p.leader === 1 ? 2 : 1;
                p.leader = 0;
                setTimeout(() => (p.leader = next), 5);
                return undefined;
              }
              case 'ack-lost':
                cluster.produce(call.broker, call.request);
                return 'break-stream';
              case 'break-stream':
              case 'drop':
                return kind;
              case 'refuse': {
                // A permanent failure: this batch is rejected, the ones after it must still go in.
                // (A server answers a retry of a batch it already wrote as a duplicate instead.)
                const written = p.producers.get(call.batch.producerId ?? -1)?.nextSequence ?? 0;
                if ((call.batch.baseSequence ?? -1) < written) return undefined;
                return { error: failure(grpc.status.INVALID_ARGUMENT, 'RECORD_TOO_LARGE', 'batch too large', { [META.outcome]: OUTCOME.notWritten }) };
              }
              case 'none':
                return undefined;
            }
          };
          const producer = client.producer({ lingerMs: 0, batchBytes: 60, maxInflight });
          const sent = Array.from({ length: count }, (_, i) => `${topic}-${i}`);
          const results = await Promise.allSettled(sent.map((value) => producer.send({ topic, value })));
          await producer.close();
          const written = sent.filter((_, i) => results[i].status === 'fulfilled');
          // A refused record fails as RECORD_TOO_LARGE; a record whose batch also had an attempt
          // with an unknown fate (a broken stream) fails with outcomeUnknown and may be in the log.
          const unknown = new Set<string>();
          results.forEach((r, i) => {
            if (r.status === 'fulfilled') return;
            if (r.reason.outcomeUnknown) unknown.add(sent[i]);
            else expect(r.reason).toMatchObject({ code: 'RECORD_TOO_LARGE' });
          });
          if (!faults.includes('refuse')) expect(written).toEqual(sent);
          const log = values(cluster, topic);
          expect(log.filter((v) => !unknown.has(v))).toEqual(written);
          const positions = log.map((v) => sent.indexOf(v));
          expect(positions).toEqual([...positions].sort((a, b) => a - b));
          results.forEach((r, i) => {
            if (r.status === 'fulfilled') expect(log[r.value.offset]).toBe(sent[i]);
          });
        },
      ),
      { numRuns: Number(process.env.FLOTILLA_PROP_RUNS ?? 25) },
    );
  });

  it('a producer fenced by a newer one with the same name fails its sends with FencedError', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    const old = client.producer({ lingerMs: 1, producerName: 'writer' });
    await old.send({ topic: 't', value: 'a' });
    const fresh = client.producer({ lingerMs: 1, producerName: 'writer' });
    await fresh.send({ topic: 't', value: 'b' });
    const error = await old.send({ topic: 't', value: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FencedError);
    expect((error as FencedError).code).toBe('FENCED');
    expect(values(cluster, 't')).toEqual(['a', 'b']);
    await expect(old.send({ topic: 't', value: 'd' })).rejects.toBeInstanceOf(FencedError);
  });
});

describe('conditional append', () => {
  it('appends when the log ends at the expected offset, and refuses with both offsets when it does not', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('events', 1);
    const producer = client.producer();
    const ok = await producer.append({ topic: 'events', partition: 0, expectedOffset: 0, records: [{ value: 'e0' }, { value: 'e1' }] });
    expect(ok).toEqual({ baseOffset: 0, lastOffset: 1 });
    const error = await producer
      .append({ topic: 'events', partition: 0, expectedOffset: 1, records: [{ value: 'stale' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OffsetMismatchError);
    expect((error as OffsetMismatchError).expectedOffset).toBe(1);
    expect((error as OffsetMismatchError).actualOffset).toBe(2);
    // The refused batch leaves no gap in the producer's numbering: the next append goes through.
    await expect(
      producer.append({ topic: 'events', partition: 0, expectedOffset: 2, records: [{ value: 'e2' }] }),
    ).resolves.toEqual({ baseOffset: 2, lastOffset: 2 });
    expect(values(cluster, 'events')).toEqual(['e0', 'e1', 'e2']);
  });
});

describe('conditional append ordering', () => {
  it('an append is written after the records this producer sent to the partition before it', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('events', 1);
    const producer = client.producer({ lingerMs: 50 });
    // Sent before the topic's metadata is known, and lingering: the append must still come after them.
    const sends = ['e0', 'e1', 'e2'].map((value) => producer.send({ topic: 'events', partition: 0, value }));
    const appended = producer.append({ topic: 'events', partition: 0, expectedOffset: 3, records: [{ value: 'e3' }] });
    await expect(appended).resolves.toEqual({ baseOffset: 3, lastOffset: 3 });
    expect((await Promise.all(sends)).map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(values(cluster, 'events')).toEqual(['e0', 'e1', 'e2', 'e3']);
  });
});

describe('flush and close', () => {
  it('flush sends a lingering batch at once and resolves when it is written', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    const producer = client.producer({ lingerMs: 60_000 });
    const pending = producer.send({ topic: 't', value: 'x' });
    const started = Date.now();
    await producer.flush();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(values(cluster, 't')).toEqual(['x']);
    await expect(pending).resolves.toMatchObject({ offset: 0 });
  });

  it('a closed producer refuses new records', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    const producer = client.producer();
    await producer.close();
    await expect(producer.send({ topic: 't', value: 'x' })).rejects.toMatchObject({ code: 'CLOSED' });
    expect(cluster.produceCalls).toHaveLength(0);
  });
});

describe('metadata routing', () => {
  it('the first batch goes straight to the leader named in the topic metadata, not the bootstrap broker', async () => {
    const { cluster, client } = await setup(2);
    cluster.createTopic('t', 1, 2);
    const r = await client.producer({ lingerMs: 1 }).send({ topic: 't', value: 'v' });
    expect(r).toEqual({ topic: 't', partition: 0, offset: 0 });
    expect(cluster.produceCalls.map((c) => c.broker)).toEqual([2]);
  });
});
