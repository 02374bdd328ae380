/**
 * A node that lost its disk does not rejoin as a voter: started on a new (wiped) data directory
 * under a node id the cluster knows, it asks its peers first and refuses to start, saying why. The
 * other two go on serving, and no acknowledged record is lost. (A Raft voter that forgot its log
 * and its votes could elect a leader without committed records, or vote twice in one term.)
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProcessCluster, partitionLeader, readPartition } from './process-cluster';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TOPIC = 'lost-disk';

describe('a node that lost its disk', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'lost-disk' });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('refuses to start under its known node id, and the cluster keeps every acknowledged record', async () => {
    cluster.dumpLogsOnFailure();
    const flotilla = cluster.client();
    await flotilla.admin().createTopic({ name: TOPIC, partitions: 1, replicationFactor: 3 });
    const producer = flotilla.producer({ acks: 'all' });
    const acked = new Map<number, string>();
    const send = async (from: number, n: number) => {
      const results = await Promise.all(Array.from({ length: n }, (_, i) => producer.send({ topic: TOPIC, partition: 0, value: `v-${from + i}` })));
      results.forEach((r, i) => acked.set(r.offset, `v-${from + i}`));
    };
    await send(0, 200);

    const { leader } = await partitionLeader(flotilla.admin(), TOPIC, 0);
    const victim = cluster.ids().find((id) => id !== leader)!;
    await cluster.stop(victim);
    rmSync(cluster.dataDir(victim), { recursive: true, force: true }); // the disk is gone

    await expect(cluster.restart(victim)).rejects.toThrow(/exited before listening \(exit code 1\)/);
    expect(cluster.lastExit(victim)?.code).toBe(1);
    const said = cluster.logs(victim);
    expect(said).toMatch(new RegExp(`node ${victim} refuses to start: its data directory .* is new, but node \\d knows node ${victim} as a registered member`));
    expect(said).toMatch(/lost its data/);

    // The other two are a majority: writes go on, and everything acknowledged is there once.
    await send(200, 100);
    await producer.close();
    const records = await readPartition(flotilla.consumer(), TOPIC, 0, { from: 0, to: 300 });
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    for (const r of records) expect(r.value!.toString()).toBe(acked.get(r.offset));
  });
});
