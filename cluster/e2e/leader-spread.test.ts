/**
 * Leadership balancing on 3 real node processes: with a node down, the leaderships of its
 * partitions spread over the two live nodes (3 and 3 of 6), rather than all going to the next
 * replica (4 and 2); when it comes back, it gets its preferred leaderships back (2, 2, 2).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProcessCluster, waitFor } from './process-cluster';

// Real processes: generous limits whatever the project's vitest config says (waits inside poll with their own deadlines).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TOPIC = 'spread';

describe('leadership spread over the live nodes', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'leader-spread' });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('3 nodes, 6 partitions: one node down -> 3 and 3 on the live nodes; back -> 2, 2, 2 on the preferred leaders', async () => {
    cluster.dumpLogsOnFailure();
    const admin = cluster.client().admin();
    await admin.createTopic({ name: TOPIC, partitions: 6, replicationFactor: 3 });
    const counts = (leaders: number[]) => [1, 2, 3].map((n) => leaders.filter((l) => l === n).length);
    const leaders = async () => (await admin.describeTopic(TOPIC)).partitions.map((p) => p.leader);
    await waitFor('every partition led by its preferred leader', async () => {
      const d = await admin.describeTopic(TOPIC);
      return d.partitions.every((p) => p.leader === p.replicas[0]);
    }, 60_000);
    expect(counts(await leaders())).toEqual([2, 2, 2]);

    const down = 3;
    await cluster.kill(down);
    const spread = await waitFor(
      'the 6 leaderships spread 3 and 3 over the live nodes',
      async () => {
        const l = await leaders();
        const c = counts(l);
        return l.every((x) => x !== 0 && x !== down) && c.every((n, i) => i + 1 === down || n === 3) ? c : undefined;
      },
      90_000,
      250,
    );
    expect(Math.max(...spread)).toBe(3);

    await cluster.restart(down);
    await waitFor('the returning node to lead its preferred partitions again', async () => {
      const d = await admin.describeTopic(TOPIC);
      return d.partitions.every((p) => p.leader === p.replicas[0]);
    }, 90_000);
    expect(counts(await leaders())).toEqual([2, 2, 2]);
  });
});
