/**
 * A partition without a leader for longer than the producer's whole retry budget: the leader of
 * one partition is SIGKILLed and another node is paused (SIGSTOP), so no partition has a quorum,
 * for three times the producers' delivery timeout; then the cluster heals. Idempotent acks=all
 * producers (one anonymous, one named) send all along. Afterwards every acknowledged record is in
 * the log exactly once at its acknowledged offset and in send order, a record that failed as "not
 * written" is not in the log, one whose outcome is unknown is there at most once, and the
 * producers write again without being recreated.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Flotilla } from '../client';
import { checkPartition, failureSummary, type Load, startLoad } from './produce-history';
import { ProcessCluster, partitionLeader, readPartition, sleep, topicLeaders, waitFor } from './process-cluster';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

/** The producers' retry budget: no record waits longer than this for its answer. */
const DELIVERY_TIMEOUT_MS = 4_000;

describe('a leaderless partition for longer than the retry budget', () => {
  let cluster: ProcessCluster;
  let flotilla: Flotilla;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'outage' });
    flotilla = cluster.client({ requestTimeoutMs: 1_500, retry: { retries: 3, initialBackoffMs: 50, maxBackoffMs: 300 } });
  });

  afterAll(async () => {
    for (const id of cluster?.ids() ?? []) cluster.resume(id);
    await cluster?.cleanup();
  });

  it('acknowledged records are in the log once at their offsets; "not written" ones are not; the producers recover', async () => {
    cluster.dumpLogsOnFailure();
    const admin = flotilla.admin();
    const topics = ['outage-anonymous', 'outage-named'];
    for (const name of topics) {
      await admin.createTopic({ name, partitions: 2, replicationFactor: 3 });
      await topicLeaders(admin, name);
    }
    const producers = [
      flotilla.producer({ acks: 'all', lingerMs: 2, deliveryTimeoutMs: DELIVERY_TIMEOUT_MS }),
      flotilla.producer({ acks: 'all', lingerMs: 2, deliveryTimeoutMs: DELIVERY_TIMEOUT_MS, producerName: 'outage-writer' }),
    ];
    const loads: Load[] = producers.map((producer, k) => startLoad(producer, topics[k], `o${k}`, (i) => ({ partition: i % 2 })));
    const acked = () => loads.map((l) => l.acked.size);
    await waitFor('300 acknowledged records per producer', () => acked().every((n) => n >= 300), 30_000, 20);

    const leader = (await partitionLeader(admin, topics[0], 0)).leader;
    const paused = cluster.ids().find((id) => id !== leader)!;
    const failedBefore = loads.map((l) => l.failed.size);
    await cluster.kill(leader, 'SIGKILL');
    cluster.pause(paused);
    await sleep(3 * DELIVERY_TIMEOUT_MS);
    const ackedAtHeal = acked();
    const failedDuring = loads.map((l, k) => l.failed.size - failedBefore[k]);
    cluster.resume(paused);
    await cluster.restart(leader);

    // The same producers write again, to every partition, without being recreated.
    const perPartition = (l: Load, q: number) => [...l.acked.values()].filter((a) => a.partition === q).length;
    const perPartitionAtHeal = loads.map((l) => [0, 1].map((q) => perPartition(l, q)));
    await waitFor(
      'more acknowledged records on every partition after the heal',
      () => loads.every((l, k) => l.acked.size >= ackedAtHeal[k] + 300 && [0, 1].every((q) => perPartition(l, q) > perPartitionAtHeal[k][q])),
      60_000,
      50,
    );
    for (const l of loads) await l.stop();
    for (const p of producers) await p.close();

    // The outage was longer than the retry budget: sends failed during it.
    expect(failedDuring.every((n) => n > 0), `failures during the outage: ${failedDuring}`).toBe(true);
    const consumer = flotilla.consumer();
    for (const [k, name] of topics.entries()) {
      const t = await topicLeaders(admin, name, { timeoutMs: 30_000 });
      let inLog = 0;
      for (const p of t.partitions) {
        const records = await readPartition(consumer, name, p.partition, { from: 0, to: p.highWatermark });
        expect(records.length).toBe(p.highWatermark);
        checkPartition(records, p.partition, loads[k], (v) => Number(v.slice(`o${k}-`.length)));
        inLog += records.length;
      }
      const l = loads[k];
      const inLogValues = new Set<string>();
      for (const p of t.partitions) {
        for (const r of await readPartition(consumer, name, p.partition, { from: 0, to: p.highWatermark })) inLogValues.add(r.value!.toString());
      }
      for (const value of l.acked.keys()) expect(inLogValues.has(value), `acknowledged ${value} is in the log`).toBe(true);
      const unknownInLog = [...l.failed].filter(([v, e]) => e.outcomeUnknown && inLogValues.has(v)).length;
      console.log(
        `${name}: killed node ${leader}, paused node ${paused} for ${3 * DELIVERY_TIMEOUT_MS} ms; sent ${l.sent.length}, acked ${l.acked.size}, failed ${l.failed.size} (${failureSummary(l)}), of which ${unknownInLog} unknown-outcome records are in the log; in log ${inLog}`,
      );
    }
  });
});
