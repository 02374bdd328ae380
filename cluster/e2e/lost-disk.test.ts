/**
 * A node that lost its disk is resynced automatically (docs/architecture.md, "A node that lost its
 * disk"): restarted on an empty data directory under the node id the cluster knows, it is removed
 * from each of its groups by a membership change committed without it, readmitted as a learner,
 * fed the snapshot and log by the leader, and promoted once in sync. Under a steady idempotent
 * produce load, a follower is wiped, then a leader is killed and wiped: no acknowledged record is
 * lost, duplicated or moved, and each partition's Raft log ends identical on every node.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeRecordBatch, isRecordBatch } from '../records';
import type { Admin } from '../client';
import { type EntrySummary, ProcessCluster, partitionLeader, readPartition, waitFor } from './process-cluster';
import { readGroupLogs, SteadyLoad } from './steady-load';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const TOPIC = 'lost-disk';
const PARTITIONS = 2;

/** Every partition settled with all three replicas in sync and nobody resyncing. */
async function settled(admin: Admin, what: string): Promise<void> {
  await waitFor(
    what,
    async () => {
      const t = await admin.describeTopic(TOPIC);
      return t.partitions.every((p) => p.resyncingReplicas.length === 0 && p.removingReplicas.length === 0 && p.leader !== 0 && p.inSyncReplicas.length === 3);
    },
    90_000,
    250,
  );
}

describe('a node that lost its disk', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'lost-disk' });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('a wiped follower, then a killed and wiped leader, are resynced under load: nothing acknowledged is lost and the logs end identical', async () => {
    cluster.dumpLogsOnFailure();
    const flotilla = cluster.client();
    const admin = flotilla.admin();
    const created = await admin.createTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3, config: { 'replica.lag.time.max.ms': '2000' } });
    const groups = created.partitions.map((p) => p.groupId);
    const load = new SteadyLoad(flotilla, TOPIC, PARTITIONS);
    await load.more(300);

    // 1. A follower of partition 0 (not the metadata leader if possible) loses its disk.
    const leader0 = (await partitionLeader(admin, TOPIC, 0)).leader;
    const controller = (await admin.describeCluster()).controllerLeader;
    const followers = cluster.ids().filter((id) => id !== leader0);
    const follower = followers.find((id) => id !== controller) ?? followers[0];
    await cluster.kill(follower);
    rmSync(cluster.dataDir(follower), { recursive: true, force: true });
    await load.more(300); // the other two carry on
    await cluster.restart(follower);
    expect(cluster.logs(follower)).toMatch(/this node lost its data; it rejoins through a resync/);
    await settled(admin, `node ${follower} resynced after losing its disk`);
    await load.more(300);

    // 2. The leader of partition 0 is killed and loses its disk.
    const leader = (await partitionLeader(admin, TOPIC, 0)).leader;
    await cluster.kill(leader);
    rmSync(cluster.dataDir(leader), { recursive: true, force: true });
    await partitionLeader(admin, TOPIC, 0, { exclude: [leader], timeoutMs: 30_000 });
    await load.more(300);
    await cluster.restart(leader);
    await settled(admin, `node ${leader} (a former leader) resynced after losing its disk`);
    await load.more(300);
    await load.stop();
    await settled(admin, 'every replica in sync after the load');

    // The leaders of the groups logged each step of the readmission.
    const said = cluster.grepLogs(/lost its data: its old seat is removed|lost its data: it is readmitted as a learner|caught up: it becomes a voter/).join('\n');
    for (const n of [follower, leader]) expect(said).toMatch(new RegExp(`node ${n} lost its data: its old seat is removed`));

    // Every acknowledged record, once, at the offset it was acknowledged at; nothing else.
    const consumer = flotilla.consumer();
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const mine = [...load.acked].filter(([, a]) => a.partition === partition);
      const end = Math.max(...mine.map(([, a]) => a.offset)) + 1;
      const records = await readPartition(consumer, TOPIC, partition, { from: 0, to: end });
      expect(records.map((r) => r.offset)).toEqual(Array.from({ length: end }, (_, i) => i));
      const byOffset = new Map(records.map((r) => [r.offset, r.value!.toString()]));
      for (const [value, a] of mine) expect(byOffset.get(a.offset), `record ${value} at ${partition}/${a.offset}`).toBe(value);
      expect(new Set(byOffset.values()).size, 'no value twice').toBe(byOffset.size);
    }
    await flotilla.close();

    // Byte for byte: every node's copy of each partition group over the common range, ending at the same index.
    await cluster.stopAll();
    for (const group of groups) {
      const logs = await readGroupLogs(cluster, group);
      const last = new Set([...logs.values()].map((l) => l.lastIndex));
      expect(last.size, `group ${group} ends at one index on every node`).toBe(1);
      const from = Math.max(...[...logs.values()].map((l) => l.firstIndex));
      const [reference, ...others] = [...logs.values()];
      for (const l of others) {
        for (let i = from; i <= l.lastIndex; i++) {
          const a = l.entries[i - l.firstIndex];
          const b = reference.entries[i - reference.firstIndex];
          if (a.term !== b.term || a.hash !== b.hash) expect.fail(`group ${group} entry ${i} differs between nodes`);
        }
      }
      // The resynced copies hold the same records as the leader's (decoded, not just hashed).
      const records = (l: { entries: EntrySummary[] }) => l.entries.filter((e) => e.type === 0 && isRecordBatch(e.data)).flatMap((e) => decodeRecordBatch(e.data).records.map((r) => r.offset));
      expect(records(logs.get(follower)!)).toEqual(records(reference));
    }
  });
});
