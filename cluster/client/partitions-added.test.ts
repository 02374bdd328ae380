/**
 * A topic that grows (admin().createPartitions): the admin call, its refusals, and clients that
 * notice the new partitions once their cached metadata is refreshed (metadataMaxAgeMs, Kafka's
 * metadata.max.age.ms), so that keyed records hash over the new count and consumers list the new
 * partitions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Flotilla, type FlotillaError, type FlotillaOptions } from './index';
import { partitionForKey } from './murmur2';
import { FakeCluster } from './test-broker';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(options: Partial<FlotillaOptions> = {}) {
  const cluster = await FakeCluster.start(1);
  cleanups.push(() => cluster.stop());
  const make = (o: Partial<FlotillaOptions>) => {
    const c = new Flotilla({ brokers: cluster.addresses, retry: { retries: 2, initialBackoffMs: 5, maxBackoffMs: 20 }, ...o });
    cleanups.push(() => c.close());
    return c;
  };
  return { cluster, client: make(options), admin: make({}).admin() };
}

/** A key that hashes to a partition >= 2 over 4 partitions: its records move when a topic grows from 2 to 4. */
const MOVING_KEY = Array.from({ length: 64 }, (_, i) => `key-${i}`).find((k) => partitionForKey(Buffer.from(k), 4) >= 2)!;

describe('adding partitions to a topic', () => {
  it('createPartitions returns the grown description; this client sees the new partitions at once', async () => {
    const { client } = await setup();
    const admin = client.admin();
    await admin.createTopic({ name: 't', partitions: 2 });
    const producer = client.producer();
    expect((await producer.send({ topic: 't', key: MOVING_KEY, value: 'a' })).partition).toBe(partitionForKey(Buffer.from(MOVING_KEY), 2));
    const grown = await admin.createPartitions('t', 4);
    expect(grown.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
    expect(await client.consumer().partitionsFor('t')).toEqual([0, 1, 2, 3]);
    expect((await producer.send({ topic: 't', key: MOVING_KEY, value: 'b' })).partition).toBe(partitionForKey(Buffer.from(MOVING_KEY), 4));
  });

  it('a count not above the current one is refused with the current count named, and an unknown topic as unknown', async () => {
    const { client } = await setup();
    const admin = client.admin();
    await admin.createTopic({ name: 't', partitions: 3 });
    const refused = (await admin.createPartitions('t', 2).catch((e: FlotillaError) => e)) as FlotillaError;
    expect(refused.code).toBe('INVALID_CONFIG');
    expect(refused.message).toMatch(/currently has 3 partitions, which is higher than the requested 2/);
    const unknown = (await admin.createPartitions('nope', 2).catch((e: FlotillaError) => e)) as FlotillaError;
    expect(unknown.code).toBe('UNKNOWN_TOPIC');
  });

  it('another client sees partitions added elsewhere once its cached metadata is older than metadataMaxAgeMs: keys hash over the new count', async () => {
    const { client, admin } = await setup({ metadataMaxAgeMs: 0 });
    await admin.createTopic({ name: 't', partitions: 2 });
    const producer = client.producer();
    const before = partitionForKey(Buffer.from(MOVING_KEY), 2);
    const after = partitionForKey(Buffer.from(MOVING_KEY), 4);
    expect((await producer.send({ topic: 't', key: MOVING_KEY, value: 'a' })).partition).toBe(before);
    expect(await client.consumer().partitionsFor('t')).toEqual([0, 1]);
    await admin.createPartitions('t', 4);
    // The stale description serves while its refresh is under way; a later send sees the new count.
    let partition = before;
    for (let i = 0; i < 200 && partition === before; i++) partition = (await producer.send({ topic: 't', key: MOVING_KEY, value: `b${i}` })).partition;
    expect(partition).toBe(after);
    let listed: number[] = [];
    for (let i = 0; i < 200 && listed.length !== 4; i++) listed = await client.consumer().partitionsFor('t');
    expect(listed).toEqual([0, 1, 2, 3]);
  });

  it('a record sent to a partition past the cached count makes the producer ask for the metadata again before refusing it', async () => {
    const { cluster, client, admin } = await setup();
    await admin.createTopic({ name: 't', partitions: 2 });
    const producer = client.producer();
    await producer.send({ topic: 't', partition: 1, value: 'a' });
    await admin.createPartitions('t', 4);
    expect(await producer.send({ topic: 't', partition: 3, value: 'b' })).toMatchObject({ partition: 3, offset: 0 });
    expect(cluster.topics.get('t')!.partitions[3].log.map((r) => r.value!.toString())).toEqual(['b']);
    const refused = (await producer.send({ topic: 't', partition: 4, value: 'c' }).catch((e: FlotillaError) => e)) as FlotillaError;
    expect(refused.code).toBe('UNKNOWN_PARTITION');
    expect(refused.message).toMatch(/has no partition 4: it has 4/);
  });

  it('with the default metadata age, a client keeps its cached partition count (no describe per record)', async () => {
    const { cluster, client, admin } = await setup();
    await admin.createTopic({ name: 't', partitions: 2 });
    const producer = client.producer();
    const before = partitionForKey(Buffer.from(MOVING_KEY), 2);
    expect((await producer.send({ topic: 't', key: MOVING_KEY, value: 'a' })).partition).toBe(before);
    await admin.createPartitions('t', 4);
    const describes = cluster.describeCalls;
    for (let i = 0; i < 5; i++) expect((await producer.send({ topic: 't', key: MOVING_KEY, value: `b${i}` })).partition).toBe(before);
    expect(cluster.describeCalls).toBe(describes);
  });
});
