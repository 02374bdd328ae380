/**
 * In-sync replicas you can see, on real node processes: a follower stopped while records keep
 * coming goes offline in DescribeTopic (with its lag and last contact), leaves the in-sync set (a
 * line in the leader's log), shows up as under-replicated in `flotilla cluster status` and
 * `topic describe --under-replicated`; restarted, it catches up, rejoins the in-sync set (another
 * line) and its lag goes back to 0.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PartitionDescription, ReplicaStatus, TopicDescription } from '../client';
import { ProcessCluster, partitionLeader, rawCall, spawnCli, waitFor } from './process-cluster';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TOPIC = 'isr';
/** Nodes tick every 50 ms in tests (heartbeats every 100 ms): 1.5 s of silence is unmistakable. */
const LAG_TIME_MS = 1500;

/** Runs `flotilla ...args` against the cluster and returns its output. */
async function flotilla(args: string[], brokers: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args, { FLOTILLA_BROKERS: brokers.join(',') });
  cli.child.stdin!.end();
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 30_000);
  const { code } = await cli.exited;
  clearTimeout(timer);
  return { code, ...cli.output };
}

function replica(p: PartitionDescription, node: number): ReplicaStatus {
  const s = p.replicaStatus.find((r) => r.node === node);
  if (!s) throw new Error(`partition ${p.partition} reports no status for replica ${node}: ${JSON.stringify(p.replicaStatus)}`);
  return s;
}

describe('in-sync replicas on a real cluster', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'insync' });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('a stopped follower goes offline and out of the in-sync set, and comes back in sync after a restart, with log lines for both', async () => {
    cluster.dumpLogsOnFailure();
    const flotilla0 = cluster.client();
    const admin = flotilla0.admin();
    const created = await admin.createTopic({
      name: TOPIC,
      partitions: 1,
      replicationFactor: 3,
      config: { 'replica.lag.time.max.ms': String(LAG_TIME_MS), 'replica.lag.max.records': '50' },
    });
    expect(created.config).toMatchObject({ 'replica.lag.time.max.ms': String(LAG_TIME_MS), 'replica.lag.max.records': '50' });

    // All three in sync under the preferred leader, each replica measured by it.
    const stable = await partitionLeader(admin, TOPIC, 0, { accept: (p) => p.leader === p.replicas[0] && p.inSyncReplicas.length === 3 });
    const leader = stable.leader;
    expect(stable.replicaStatus.map((r) => r.node)).toEqual(stable.replicas);
    expect(replica(stable, leader).state).toBe('REPLICA_STATE_LEADER');
    for (const f of stable.replicas.filter((id) => id !== leader)) {
      expect(replica(stable, f)).toMatchObject({ state: 'REPLICA_STATE_IN_SYNC', lagRecords: 0 });
      expect(replica(stable, f).lastHeardMs).toBeGreaterThanOrEqual(0);
      expect(replica(stable, f).lastHeardMs).toBeLessThan(LAG_TIME_MS);
    }

    const producer = flotilla0.producer({ acks: 'all', lingerMs: 1 });
    let sent = 0;
    const produce = async (to: number) => {
      while (sent < to) {
        const n = Math.min(10, to - sent);
        await Promise.all(Array.from({ length: n }, (_, k) => producer.send({ topic: TOPIC, partition: 0, value: `v-${sent + k}` })));
        sent += n;
      }
    };
    await produce(100);

    const controller = (await admin.describeCluster()).controllerLeader;
    const followers = stable.replicas.filter((id) => id !== leader);
    const follower = followers.find((id) => id !== controller) ?? followers[0];
    const brokers = cluster.ids().filter((id) => id !== follower).map((id) => cluster.address(id));
    expect(await cluster.stop(follower)).toEqual({ code: 0, signal: null });
    await produce(400);

    // Offline: not heard from for longer than the lag time, 300 records behind (it stopped at 100 or later).
    const down = await partitionLeader(admin, TOPIC, 0, {
      timeoutMs: 20_000,
      accept: (p) => replica(p, follower).state === 'REPLICA_STATE_OFFLINE' && p.highWatermark === 400,
    });
    const gone = replica(down, follower);
    console.log(`insync: leader ${down.leader}, stopped follower ${follower}: ${JSON.stringify(gone)}`);
    expect(down.inSyncReplicas).not.toContain(follower);
    expect(down.inSyncReplicas).toContain(down.leader);
    expect(gone.lastHeardMs).toBeGreaterThan(LAG_TIME_MS);
    expect(gone.lagRecords).toBeGreaterThanOrEqual(300);
    expect(gone.lagRecords).toBeLessThanOrEqual(400);
    expect(gone.lagBytes).toBeGreaterThan(0);
    expect(gone.logEndOffset).toBe(400 - gone.lagRecords);
    expect(gone.reason).toContain(`replica.lag.time.max.ms=${LAG_TIME_MS}`);

    // Every running node answers the same: the leader from its own measurements, the other through GroupStatus.
    for (const id of cluster.running()) {
      const p = (await rawCall<TopicDescription>(cluster.rawClient(id), 'describeTopic', { name: TOPIC })).partitions[0];
      expect(replica(p, follower).state, `node ${id}'s answer`).toBe('REPLICA_STATE_OFFLINE');
      expect(p.inSyncReplicas, `node ${id}'s answer`).not.toContain(follower);
    }

    // The leader said so in its log: offline, or lagging first if the records ran past replica.lag.max.records before the lag time did.
    const left = new RegExp(`topic "${TOPIC}" partition 0: replica ${follower} left the in-sync set: (offline|lagging), lag \\d+ records .*(replica\\.lag\\.time\\.max\\.ms|replica\\.lag\\.max\\.records)=`);
    await waitFor(`the leader's log line about replica ${follower} leaving the in-sync set`, () => cluster.grepLogs(left).length > 0, 10_000);

    // The CLI: cluster status names the partition and the node out of sync; describe shows the replica offline.
    const status = await flotilla(['cluster', 'status'], brokers);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('(0 without leader, 1 under-replicated)');
    expect(status.stdout).toMatch(new RegExp(`${TOPIC}/0: under-replicated, 2 of 3 replicas in sync \\([0-9,]+\\); node ${follower} offline \\(lag \\d+ records, last heard \\d+\\.\\ds ago\\)`));
    const statusJson = JSON.parse((await flotilla(['--json', 'cluster', 'status'], brokers)).stdout);
    expect(statusJson.nodes.find((n: { id: number }) => n.id === follower)).toMatchObject({ alive: false, leads: 0, inSync: 0, outOfSync: 1 });
    const describeUnder = await flotilla(['topic', 'describe', TOPIC, '--under-replicated'], brokers);
    expect(describeUnder.stdout).toMatch(new RegExp(`\\n\\s+0\\s+${follower}\\s+offline\\s+\\d+\\s+[\\d.]+ (B|KiB)\\s+\\d+\\.\\ds ago\\s+\\d+\\n`));

    // Back: it catches up and rejoins.
    await cluster.restart(follower);
    await cluster.waitReady(60_000);
    await produce(450);
    await producer.close();
    const back = await partitionLeader(admin, TOPIC, 0, {
      timeoutMs: 30_000,
      accept: (p) => p.highWatermark === 450 && p.inSyncReplicas.length === 3 && replica(p, follower).state === 'REPLICA_STATE_IN_SYNC',
    });
    expect(replica(back, follower)).toMatchObject({ lagRecords: 0, lagBytes: 0, logEndOffset: 450 });
    const rejoined = new RegExp(`topic "${TOPIC}" partition 0: replica ${follower} rejoined the in-sync set: in-sync, lag 0 records`);
    await waitFor(`a log line about replica ${follower} rejoining the in-sync set`, () => cluster.grepLogs(rejoined).length > 0, 10_000);
    console.log(`insync: ${[...cluster.grepLogs(left), ...cluster.grepLogs(rejoined)].join('\n')}`);

    const after = await flotilla(['cluster', 'status'], cluster.ids().map((id) => cluster.address(id)));
    expect(after.stdout).toContain('(0 without leader, 0 under-replicated)');
    expect(after.stdout).not.toContain('under-replicated,');
  });
});
