/**
 * Leader failover under load: an idempotent acks=all producer sends continuously; the partition's
 * leader is SIGKILLed mid-stream; a new leader is elected and more records are acknowledged. Then
 * every acknowledged record is in the log exactly once at the offset its ack named, nothing appears
 * twice, nothing appears that was never sent, and acknowledged records are in send order.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Flotilla } from '../client';
import { checkPartition, startLoad } from './produce-history';
import { ProcessCluster, partitionLeader, readPartition, topicLeaders, waitFor } from './process-cluster';

// Real processes: generous limits whatever the project's vitest config says (waits inside poll with their own deadlines).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe('failover: SIGKILL of a partition leader under an idempotent acks=all producer', () => {
  let cluster: ProcessCluster;
  let flotilla: Flotilla;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'failover' });
    flotilla = cluster.client();
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('one partition: every acknowledged record survives, once, at its offset', async () => {
    cluster.dumpLogsOnFailure();
    const topic = 'failover-1';
    const admin = flotilla.admin();
    // A dead replica leaves the in-sync set after replica.lag.time.max.ms (30 s by default): 2 s here.
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 3, config: { 'replica.lag.time.max.ms': '2000' } });
    await topicLeaders(admin, topic);

    const producer = flotilla.producer({ acks: 'all', idempotent: true, lingerMs: 2 });
    const load = startLoad(producer, topic, 'f1', () => ({ partition: 0 }));
    await waitFor('300 acknowledged records before the kill', () => load.acked.size >= 300, 30_000, 20);

    const before = await partitionLeader(admin, topic, 0);
    const oldLeader = before.leader;
    const ackedAtKill = load.acked.size;
    const pendingAtKill = load.sent.length - load.acked.size - load.failed.size;
    const exit = await cluster.kill(oldLeader, 'SIGKILL');
    expect(exit.signal).toBe('SIGKILL');

    const after = await partitionLeader(admin, topic, 0, { exclude: [oldLeader], timeoutMs: 30_000 });
    expect(after.leader).not.toBe(oldLeader);
    expect(cluster.isRunning(after.leader)).toBe(true);
    expect(after.leaderEpoch).toBeGreaterThan(before.leaderEpoch);
    await waitFor('300 more acknowledged records after the new leader', () => load.acked.size >= ackedAtKill + 300, 30_000, 20);
    await load.stop();
    await producer.close();
    expect(load.acked.size).toBeGreaterThanOrEqual(ackedAtKill + 300);

    const t = await admin.describeTopic(topic);
    const p = t.partitions[0];
    expect(p.leader).not.toBe(oldLeader);
    // The cluster notices the dead node.
    await waitFor(`describeCluster to report node ${oldLeader} not alive`, async () => {
      const c = await admin.describeCluster();
      return c.nodes.find((n) => n.id === oldLeader)?.alive === false && c.nodes.filter((n) => n.alive).length === 2;
    }, 15_000);
    await waitFor(`node ${oldLeader} to leave the in-sync replicas`, async () => {
      const q = (await admin.describeTopic(topic)).partitions[0];
      return !q.inSyncReplicas.includes(oldLeader) && q.inSyncReplicas.length === 2;
    }, 15_000);
    const records = await readPartition(flotilla.consumer(), topic, 0, { from: 0, to: p.highWatermark });
    expect(records.length).toBe(p.highWatermark);
    expect(records.length).toBeGreaterThanOrEqual(load.acked.size);
    checkPartition(records, 0, load, (v) => Number(v.slice('f1-'.length)));
    console.log(
      `failover-1: killed node ${oldLeader} with ${pendingAtKill} sends in flight, new leader ${after.leader} (term ${before.leaderEpoch} -> ${after.leaderEpoch}); sent ${load.sent.length}, acked ${load.acked.size}, failed ${load.failed.size}, in log ${records.length}` +
        (load.failed.size > 0 ? `; first failure: ${[...load.failed.values()][0].code} ${[...load.failed.values()][0].message}` : ''),
    );
  });

  it('three partitions: killing the node that leads partition 0 loses no acknowledged record', async () => {
    cluster.dumpLogsOnFailure();
    // The node killed by the previous test comes back first (same data dir) and catches up.
    for (const id of cluster.ids()) if (!cluster.isRunning(id)) await cluster.restart(id);
    await cluster.waitReady(60_000);
    await waitFor('every node alive again', async () => (await flotilla.admin().describeCluster()).nodes.every((n) => n.alive), 15_000);

    const topic = 'failover-3';
    const admin = flotilla.admin();
    await admin.createTopic({ name: topic, partitions: 3, replicationFactor: 3 });
    await topicLeaders(admin, topic);

    const producer = flotilla.producer({ acks: 'all', idempotent: true, lingerMs: 2 });
    const load = startLoad(producer, topic, 'f3', (i) => ({ key: `k-${i % 101}` }));
    await waitFor('600 acknowledged records before the kill', () => load.acked.size >= 600, 30_000, 20);

    const victim = (await partitionLeader(admin, topic, 0)).leader;
    const ackedAtKill = load.acked.size;
    const pendingAtKill = load.sent.length - load.acked.size - load.failed.size;
    const perPartitionAtKill = [0, 1, 2].map((q) => [...load.acked.values()].filter((a) => a.partition === q).length);
    await cluster.kill(victim, 'SIGKILL');

    const t = await topicLeaders(admin, topic, { exclude: [victim], timeoutMs: 30_000 });
    for (const p of t.partitions) expect(p.leader).not.toBe(victim);
    await waitFor(
      'more acknowledged records on every partition after the kill',
      () => {
        const now = [0, 1, 2].map((q) => [...load.acked.values()].filter((a) => a.partition === q).length);
        return load.acked.size >= ackedAtKill + 600 && now.every((n, q) => n > perPartitionAtKill[q]);
      },
      30_000,
      50,
    );
    await load.stop();
    await producer.close();

    const final = await admin.describeTopic(topic);
    const consumer = flotilla.consumer();
    let inLog = 0;
    const everywhere = new Map<string, number>(); // value -> partition
    for (const p of final.partitions) {
      expect(p.leader).not.toBe(victim);
      const records = await readPartition(consumer, topic, p.partition, { from: 0, to: p.highWatermark });
      expect(records.length).toBe(p.highWatermark);
      for (const v of checkPartition(records, p.partition, load, (v) => Number(v.slice('f3-'.length)))) {
        // Across partitions too: a value is in at most one place.
        expect(everywhere.has(v), `${v} in partitions ${everywhere.get(v)} and ${p.partition}`).toBe(false);
        everywhere.set(v, p.partition);
      }
      inLog += records.length;
    }
    for (const value of load.acked.keys()) expect(everywhere.has(value), `acknowledged ${value} in the log`).toBe(true);
    console.log(`failover-3: killed node ${victim} with ${pendingAtKill} sends in flight; leaders now ${t.partitions.map((p) => `${p.partition}:${p.leader}`).join(' ')}; sent ${load.sent.length}, acked ${load.acked.size}, failed ${load.failed.size}, in log ${inLog}`);
  });

  it('SIGTERM of the leader under load: it exits cleanly and no acknowledged record is lost', async () => {
    cluster.dumpLogsOnFailure();
    for (const id of cluster.ids()) if (!cluster.isRunning(id)) await cluster.restart(id);
    await cluster.waitReady(60_000);

    const topic = 'failover-term';
    const admin = flotilla.admin();
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 3 });
    await topicLeaders(admin, topic);
    const producer = flotilla.producer({ acks: 'all', idempotent: true, lingerMs: 2 });
    const load = startLoad(producer, topic, 'ft', () => ({ partition: 0 }));
    await waitFor('300 acknowledged records before the stop', () => load.acked.size >= 300, 30_000, 20);
    const leader = (await partitionLeader(admin, topic, 0)).leader;
    const ackedAtStop = load.acked.size;
    const exit = await cluster.stop(leader, 20_000);
    expect(exit, `leader ${leader} exits cleanly on SIGTERM under load`).toEqual({ code: 0, signal: null });
    await partitionLeader(admin, topic, 0, { exclude: [leader], timeoutMs: 30_000 });
    await waitFor('300 more acknowledged records after the stop', () => load.acked.size >= ackedAtStop + 300, 30_000, 20);
    await load.stop();
    await producer.close();
    const p = (await admin.describeTopic(topic)).partitions[0];
    const records = await readPartition(flotilla.consumer(), topic, 0, { from: 0, to: p.highWatermark });
    checkPartition(records, 0, load, (v) => Number(v.slice('ft-'.length)));
    console.log(`failover-term: stopped node ${leader}; sent ${load.sent.length}, acked ${load.acked.size}, failed ${load.failed.size}, in log ${records.length}`);
  });
});
