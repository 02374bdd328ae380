/**
 * A replica whose data turns out corrupted fails alone and safely, on real processes: a follower
 * is stopped, one byte of one of its partition's log entries is flipped on disk, and it is
 * restarted. Replaying its log finds the CRC mismatch; the group is fenced on that node (its
 * log says so, it serves nothing, describe through it names the reason), restarts from the store
 * and fails again until it stays fenced; the other two replicas keep the partition available and
 * every acknowledged record readable, and the corrupted bytes are never served.
 */
import { Level } from 'level';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { entryKey } from '../../log-store/keys';
import { openNodeStore, ProcessCluster, partitionLeader, rawCall, rawFailure, readPartition, waitFor } from './process-cluster';

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

  it('is fenced on its node, never serves the entry, and the partition stays available', async () => {
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
      cluster.grepLogs(/FAILED on this node and is fenced .*stays fenced until this node restarts/, [victim]).length > 0 ? true : undefined,
    );
    const lines = cluster.grepLogs(new RegExp(`topic "${TOPIC}" partition 0 .*FAILED on this node`), [victim]);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines[0]).toMatch(/corrupt/i);

    // Describe through the victim names its fenced replica and the reason.
    const d = await rawCall<{ partitions: Array<{ fencedReplicas: Array<{ node: number; reason: string }> }> }>(cluster.rawClient(victim), 'describeTopic', { name: TOPIC });
    expect(d.partitions[0].fencedReplicas.map((f) => f.node)).toEqual([victim]);
    expect(d.partitions[0].fencedReplicas[0].reason).toMatch(/corrupt/i);

    // The fenced replica serves nothing; a fetch there is sent elsewhere with the reason.
    const refused = await rawFailure(cluster.rawClient(victim), 'fetch', { topic: TOPIC, partition: 0, offset: 0, maxBytes: 0, maxWaitMs: 0, minBytes: 0 });
    expect(refused.metadata['flotilla-error']).toBe('NOT_LEADER');

    // The other two keep the partition available, and every acknowledged record reads back intact.
    for (let at = 200; at < 300; at += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, k) => producer.send({ topic: TOPIC, partition: 0, value: `v-${at + k}` })));
    }
    const records = await readPartition(flotilla.consumer(), TOPIC, 0, { to: 300 });
    expect(records.map((r) => r.value!.toString())).toEqual(Array.from({ length: 300 }, (_, i) => `v-${i}`));
    await flotilla.close();
  });
});
