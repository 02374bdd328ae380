/**
 * A replica whose data turns out corrupted fails alone and safely, and is repaired without an
 * operator, on real processes: a follower is stopped, one byte of one of its partition's log
 * entries is flipped on disk, and it is restarted. Replaying its log finds the CRC mismatch; the
 * group is fenced on that node (its log says so), restarts from the store and fails again until
 * it stays fenced; the node then asks for a resync, drops its copy, is readmitted as a learner
 * and rebuilt from the leader. The other two replicas keep the partition available throughout,
 * every acknowledged record reads back intact, and the repaired copy ends identical to the
 * leader's: the corrupted bytes are gone.
 */
import { Level } from 'level';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { entryKey } from '../../log-store/keys';
import { openNodeStore, ProcessCluster, partitionLeader, readPartition, waitFor } from './process-cluster';
import { readGroupLogs } from './steady-load';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TOPIC = 'fenced';

describe('a replica with a corrupted log entry', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'fenced' });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('is fenced on its node, never serves the entry, the partition stays available, and it is resynced from the others', async () => {
    cluster.dumpLogsOnFailure();
    const flotilla = cluster.client();
    const admin = flotilla.admin();
    const created = await admin.createTopic({ name: TOPIC, partitions: 1, replicationFactor: 3 });
    const group = created.partitions[0].groupId;
    const producer = flotilla.producer({ acks: 'all', lingerMs: 1 });
    for (let at = 0; at < 200; at += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, k) => producer.send({ topic: TOPIC, partition: 0, value: `v-${at + k}` })));
    }
    const leader = (await partitionLeader(admin, TOPIC, 0)).leader;
    const controller = (await admin.describeCluster()).controllerLeader;
    const victim = cluster.ids().find((id) => id !== leader && id !== controller) ?? cluster.ids().find((id) => id !== leader)!;
    expect(await cluster.stop(victim)).toEqual({ code: 0, signal: null });

    // Flip one byte in the middle of one record batch entry of the partition's log on the victim's disk.
    const opened = await openNodeStore(cluster.dataDir(victim), victim);
    const g = opened.store.group(group)!;
    const index = Math.floor((g.firstIndex() + g.lastIndex()) / 2);
    await opened.store.close();
    const db = new Level<Buffer, Buffer>(opened.dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    const value = await db.get(entryKey(group, index));
    expect(value, `entry ${index} of group ${group} on node ${victim}`).toBeDefined();
    value![value!.length - 3] ^= 0x5a;
    await db.put(entryKey(group, index), value!, { sync: true });
    await db.close();

    await cluster.restart(victim);
    // Replaying finds the corruption: fenced, restarted from the store, fenced again, until for good.
    await waitFor('the victim to fence its replica for good', async () =>
      cluster.grepLogs(/FAILED on this node and is fenced .*it stays fenced here/, [victim]).length > 0 ? true : undefined,
    );
    const lines = cluster.grepLogs(new RegExp(`topic "${TOPIC}" partition 0 .*FAILED on this node`), [victim]);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines[0]).toMatch(/corrupt/i);

    // It asks for a resync; the group's leader removes its seat, readmits it empty, and promotes it once caught up.
    await waitFor('the victim asks to be resynced', () => cluster.grepLogs(/its data here is damaged; asking for it to be resynced/, [victim]).length > 0, 30_000);
    await waitFor('the leader readmits the victim', () => cluster.grepLogs(new RegExp(`node ${victim} lost its data: its old seat is removed`)).length > 0, 30_000);
    await waitFor(
      'the repaired replica back in sync',
      async () => {
        const p = (await admin.describeTopic(TOPIC)).partitions[0];
        return p.resyncingReplicas.length === 0 && p.inSyncReplicas.length === 3 && p.fencedReplicas.length === 0;
      },
      60_000,
      250,
    );
    // The other two keep the partition available, and every acknowledged record reads back intact.
    for (let at = 200; at < 300; at += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, k) => producer.send({ topic: TOPIC, partition: 0, value: `v-${at + k}` })));
    }
    const records = await readPartition(flotilla.consumer(), TOPIC, 0, { to: 300 });
    expect(records.map((r) => r.value!.toString())).toEqual(Array.from({ length: 300 }, (_, i) => `v-${i}`));
    await waitFor('all three in sync after the last writes', async () => (await admin.describeTopic(TOPIC)).partitions[0].inSyncReplicas.length === 3, 30_000, 250);
    await flotilla.close();

    // The repaired copy is the leader's, entry for entry: the flipped byte is gone.
    await cluster.stopAll();
    const logs = await readGroupLogs(cluster, group);
    const mine = logs.get(victim)!;
    const theirs = logs.get(leader)!;
    expect(mine.lastIndex).toBe(theirs.lastIndex);
    for (let i = Math.max(mine.firstIndex, theirs.firstIndex); i <= mine.lastIndex; i++) {
      expect(mine.entries[i - mine.firstIndex].hash, `entry ${i}`).toBe(theirs.entries[i - theirs.firstIndex].hash);
    }
    expect(mine.firstIndex, 'the repaired copy holds the flipped entry again, intact').toBeLessThanOrEqual(index);
  });
});
