import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplicaStatus } from '../client';
import { FakeCluster } from '../client/test-broker';
import { runCliCaptured } from './run-captured';

let cluster: FakeCluster;

beforeAll(async () => {
  cluster = await FakeCluster.start(3);
});
afterAll(async () => {
  await cluster.stop();
});

const cli = (argv: string[]) => runCliCaptured(argv, cluster.addresses);

const status = (node: number, state: ReplicaStatus['state'], over: Partial<ReplicaStatus> = {}): ReplicaStatus => ({
  node,
  state,
  lagRecords: 0,
  lagBytes: 0,
  lastHeardMs: 100,
  logEndOffset: 3,
  reason: '',
  ...over,
});

/** Topic "isr": partition 0 led by 1 with node 3 offline 120 records behind; partition 1 led by 2, all in sync. */
function isrTopic(): void {
  cluster.topics.delete('isr');
  const t = cluster.createTopic('isr', 2, 1);
  cluster.appendValues('isr', 0, ['a', 'b', 'c']);
  t.partitions[1].leader = 2;
  t.partitions[0].replicaStatus = [
    status(1, 'REPLICA_STATE_LEADER', { lastHeardMs: 0 }),
    status(2, 'REPLICA_STATE_IN_SYNC'),
    status(3, 'REPLICA_STATE_OFFLINE', { lagRecords: 120, lagBytes: 1536, lastHeardMs: 12_300, logEndOffset: 0, reason: 'not heard from for 12.3 s (replica.lag.time.max.ms=10000)' }),
  ];
}

describe('flotilla CLI: replicas and their lag', () => {
  it('topic describe lists every replica with its state, lag in records and bytes, last contact and log end offset', async () => {
    isrTopic();
    const r = await cli(['topic', 'describe', 'isr']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    // The partition table: in-sync replicas are the leader and the followers in sync.
    expect(lines.find((l) => /^\s*0\s+1\s/.test(l))).toMatch(/^\s*0\s+1\s+1\s+1,2,3\s+1,2\s/);
    const replicas = lines.slice(lines.findIndex((l) => l.startsWith('PARTITION  REPLICA')));
    expect(replicas.slice(0, 7)).toEqual([
      'PARTITION  REPLICA  STATE    LAG  LAG BYTES  LAST HEARD  LOG END',
      '        0        1  leader     0  0 B        -                 3',
      '        0        2  in-sync    0  0 B        0.1s ago          3',
      '        0        3  offline  120  1.5 KiB    12.3s ago         0',
      '        1        1  in-sync    0  0 B        0.0s ago          0',
      '        1        2  leader     0  0 B        -                 0',
      '        1        3  in-sync    0  0 B        0.0s ago          0',
    ]);
    const json = JSON.parse((await cli(['--json', 'topic', 'describe', 'isr'])).stdout);
    expect(json.partitions[0].inSyncReplicas).toEqual([1, 2]);
    expect(json.partitions[0].replicaStatus[2]).toEqual({
      node: 3,
      state: 'REPLICA_STATE_OFFLINE',
      lagRecords: 120,
      lagBytes: 1536,
      lastHeardMs: 12_300,
      logEndOffset: 0,
      reason: 'not heard from for 12.3 s (replica.lag.time.max.ms=10000)',
    });
  });

  it('topic describe --under-replicated shows only the partitions with a replica out of sync', async () => {
    isrTopic();
    const r = await cli(['topic', 'describe', 'isr', '--under-replicated']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('partitions:  2');
    expect(r.stdout.split('\n').filter((l) => /^\s*1\s+\d\s/.test(l))).toEqual([]);
    expect(r.stdout).toMatch(/\n\s*0\s+3\s+offline\s+120/);
    const json = JSON.parse((await cli(['--json', 'topic', 'describe', 'isr', '--under-replicated'])).stdout);
    expect(json.partitions.map((p: { partition: number }) => p.partition)).toEqual([0]);
    cluster.topics.get('isr')!.partitions[0].replicaStatus = undefined;
    expect((await cli(['topic', 'describe', 'isr', '--under-replicated'])).stdout).toContain('no under-replicated partitions: every replica is in sync');
  });

  it('cluster status counts per node the partitions it leads, follows in sync and lags on, and names the under-replicated ones', async () => {
    isrTopic();
    const r = await cli(['cluster', 'status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('partitions:      2 (0 without leader, 1 under-replicated)');
    expect(r.stdout).toMatch(/NODE\s+ADDRESS\s+ALIVE\s+ROLE\s+LEADS\s+IN SYNC\s+OUT OF SYNC\n/);
    expect(r.stdout).toMatch(/\n\s*1\s+127\.0\.0\.1:\d+\s+yes\s+metadata leader\s+1\s+1\s+0\n/);
    expect(r.stdout).toMatch(/\n\s*2\s+127\.0\.0\.1:\d+\s+yes\s+1\s+1\s+0\n/);
    expect(r.stdout).toMatch(/\n\s*3\s+127\.0\.0\.1:\d+\s+yes\s+0\s+1\s+1\n/);
    expect(r.stdout).toContain('isr/0: under-replicated, 2 of 3 replicas in sync (1,2); node 3 offline (lag 120 records, last heard 12.3s ago)');
    const json = JSON.parse((await cli(['--json', 'cluster', 'status'])).stdout);
    expect(json.nodes.map((n: { id: number; leads: number; inSync: number; outOfSync: number }) => [n.id, n.leads, n.inSync, n.outOfSync])).toEqual([
      [1, 1, 1, 0],
      [2, 1, 1, 0],
      [3, 0, 1, 1],
    ]);
    expect(json.underReplicated).toEqual([
      { topic: 'isr', partition: 0, leader: 1, replicas: [1, 2, 3], inSyncReplicas: [1, 2], outOfSync: [expect.objectContaining({ node: 3, state: 'REPLICA_STATE_OFFLINE', lagRecords: 120 })] },
    ]);
  });
});
