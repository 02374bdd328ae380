/**
 * min.insync.replicas on real processes: with fewer replicas in sync than it asks for, an
 * acks=all produce fails fast with NOT_ENOUGH_REPLICAS naming the in-sync count, and writes
 * nothing; acks=leader still works while the leader holds a quorum; when a replica returns,
 * acks=all works again. (Unlike Kafka, a partition whose leader is alone, two of three replicas
 * down, takes no writes at all: a Raft leader without a quorum steps down, as it could not keep
 * what it acknowledged. So the case is one of three down with min.insync.replicas=3.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FlotillaError } from '../client';
import { ProcessCluster, partitionLeader, readPartition } from './process-cluster';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TOPIC = 'min-insync';

describe('min.insync.replicas', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'min-insync' });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('acks=all is refused fast below it, naming the in-sync count; acks=leader goes on; a returning replica lifts it', async () => {
    cluster.dumpLogsOnFailure();
    const flotilla = cluster.client();
    const admin = flotilla.admin();
    await admin.createTopic({ name: TOPIC, partitions: 1, replicationFactor: 3, config: { 'min.insync.replicas': '3', 'replica.lag.time.max.ms': '1500' } });
    // No retries: the refusal must be the server's first answer, not what is left when retries run out.
    const strict = cluster.client({ retry: { retries: 0 } });
    const all = strict.producer({ acks: 'all', idempotent: false });
    const leaderOnly = flotilla.producer({ acks: 'leader', idempotent: false });
    await all.send({ topic: TOPIC, partition: 0, value: 'a-0' });

    const { leader } = await partitionLeader(admin, TOPIC, 0, { accept: (p) => p.inSyncReplicas.length === 3 });
    const follower = cluster.ids().find((id) => id !== leader)!;
    await cluster.kill(follower);
    await partitionLeader(admin, TOPIC, 0, { accept: (p) => p.inSyncReplicas.length === 2, timeoutMs: 15_000 });

    const refused = await all.send({ topic: TOPIC, partition: 0, value: 'never' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(FlotillaError);
    expect((refused as FlotillaError).code).toBe('NOT_ENOUGH_REPLICAS');
    expect((refused as FlotillaError).message).toMatch(/2 replicas are in sync, min\.insync\.replicas is 3/);
    expect((refused as FlotillaError).outcomeUnknown, 'refused before anything was proposed').toBe(false);

    // acks=leader does not ask for in-sync replicas: the leader and one follower still commit it.
    const written = await leaderOnly.send({ topic: TOPIC, partition: 0, value: 'l-1' });
    expect(written.offset).toBe(1);

    await cluster.restart(follower);
    await partitionLeader(admin, TOPIC, 0, { accept: (p) => p.inSyncReplicas.length === 3, timeoutMs: 30_000 });
    const back = await all.send({ topic: TOPIC, partition: 0, value: 'a-2' });
    expect(back.offset).toBe(2);

    // Nothing refused was written: the log is exactly the three acknowledged records.
    const records = await readPartition(flotilla.consumer(), TOPIC, 0, { from: 0, to: 3 });
    expect(records.map((r) => r.value!.toString())).toEqual(['a-0', 'l-1', 'a-2']);
    const end = (await admin.describeTopic(TOPIC)).partitions[0].logEndOffset;
    expect(end).toBe(3);
    await all.close();
    await leaderOnly.close();
    await strict.close();
    await flotilla.close();
  });
});
