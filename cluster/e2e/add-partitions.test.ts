/**
 * Adding partitions on 3 real node processes (Kafka's `kafka-topics --alter --partitions`): a
 * 2-partition topic with keyed records is grown to 4 with `flotilla topic alter`; the new
 * partitions elect leaders and take writes, a client notices them at its next metadata refresh
 * (metadataMaxAgeMs) and hashes keys over 4 from then on, and reading every partition back finds
 * every acknowledged record exactly once: the old ones in their original partitions at their
 * original offsets. Bad counts get INVALID_ARGUMENT naming the current count.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecordMetadata } from '../client';
import { partitionForKey } from '../client';
import { ProcessCluster, rawFailure, readPartition, spawnCli, topicLeaders, waitFor } from './process-cluster';

// Real processes: generous limits whatever the project's vitest config says (waits inside poll with their own deadlines).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TOPIC = 'growing';
const KEYS = 40;

describe('adding partitions to a topic on a 3-node cluster', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'add-partitions' });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('grows 2 -> 4: new partitions lead and take writes, keys hash over 4 afterwards, every acknowledged record is read back once where it was acknowledged', async () => {
    cluster.dumpLogsOnFailure();
    // This client refreshes a topic's metadata once it is a second old: it learns of the new partitions by itself.
    const flotilla = cluster.client({ metadataMaxAgeMs: 1000 });
    const admin = flotilla.admin();
    await admin.createTopic({ name: TOPIC, partitions: 2, replicationFactor: 3 });
    const before = await topicLeaders(admin, TOPIC);

    const producer = flotilla.producer({ acks: 'all' });
    const send = (phase: string, n: number) =>
      Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const key = `key-${i % KEYS}`;
          const value = `${phase}-${i}`;
          return { key, value, ack: (await producer.send({ topic: TOPIC, key, value })) as RecordMetadata };
        }),
      );
    const first = await send('before', 400);
    for (const s of first) expect(s.ack.partition, s.key).toBe(partitionForKey(Buffer.from(s.key), 2));

    // Bad counts: refused before anything changes, naming the current count.
    const raw = cluster.rawClient(2);
    const shrink = await rawFailure(raw, 'createPartitions', { name: TOPIC, partitions: 1 });
    expect(shrink.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(shrink.metadata['flotilla-error']).toBe('INVALID_CONFIG');
    expect(shrink.message).toMatch(/topic "growing" currently has 2 partitions, which is higher than the requested 1/);
    const same = await rawFailure(raw, 'createPartitions', { name: TOPIC, partitions: 2 });
    expect(same.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(same.message).toMatch(/already has 2 partitions/);
    const unknown = await rawFailure(raw, 'createPartitions', { name: 'no-such-topic', partitions: 3 });
    expect(unknown.code).toBe(grpc.status.NOT_FOUND);
    expect(unknown.message).toMatch(/unknown topic "no-such-topic"/);

    // The CLI grows it, through another node than the metadata leader perhaps: any node forwards.
    const cli = spawnCli(['topic', 'alter', TOPIC, '--partitions', '4'], { FLOTILLA_BROKERS: cluster.address(3) });
    cli.child.stdin!.end();
    const { code } = await cli.exited;
    expect(cli.output.stderr).toBe('');
    expect(code).toBe(0);
    expect(cli.output.stdout).toBe(`altered topic ${TOPIC}: 4 partition(s), replication factor 3\n`);

    // The old partitions keep their groups and replicas; the new ones have fresh groups and leaders.
    const after = await topicLeaders(admin, TOPIC);
    expect(after.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
    for (const p of before.partitions) {
      const now = after.partitions[p.partition];
      expect({ groupId: now.groupId, replicas: now.replicas }).toEqual({ groupId: p.groupId, replicas: p.replicas });
    }
    const oldGroups = before.partitions.map((p) => p.groupId);
    for (const p of after.partitions.slice(2)) {
      expect(oldGroups).not.toContain(p.groupId);
      expect(p.replicas).toHaveLength(3);
    }

    // The client notices by itself (its cached description ages out), then keys hash over 4.
    await waitFor('the client to list 4 partitions', async () => (await flotilla.consumer().partitionsFor(TOPIC)).length === 4);
    const second = await send('after', 400);
    for (const s of second) expect(s.ack.partition, s.key).toBe(partitionForKey(Buffer.from(s.key), 4));
    const perPartition = [0, 1, 2, 3].map((p) => second.filter((s) => s.ack.partition === p).length);
    expect(perPartition[2], 'records written to the new partition 2').toBeGreaterThan(0);
    expect(perPartition[3], 'records written to the new partition 3').toBeGreaterThan(0);
    await producer.close();

    // Read everything back: each acknowledged record once, at the partition and offset of its ack.
    const acked = new Map<string, string>();
    for (const s of [...first, ...second]) {
      const at = `${s.ack.partition}:${s.ack.offset}`;
      expect(acked.has(at), `two acks for ${at}`).toBe(false);
      acked.set(at, s.value);
    }
    const consumer = flotilla.consumer();
    const read = new Map<string, string>();
    for (const p of [0, 1, 2, 3]) {
      for (const r of await readPartition(consumer, TOPIC, p)) {
        const at = `${p}:${r.offset}`;
        expect(read.has(at), `${at} read twice`).toBe(false);
        read.set(at, r.value!.toString());
      }
    }
    expect(read).toEqual(acked);
    // The records written before the alter are where they were: partitions 0 and 1, offsets 0..n-1.
    for (const s of first) expect(read.get(`${s.ack.partition}:${s.ack.offset}`)).toBe(s.value);
    expect(first.filter((s) => s.ack.partition === 0).length + first.filter((s) => s.ack.partition === 1).length).toBe(400);
  });
});
