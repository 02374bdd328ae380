import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumedRecord, Flotilla } from '../client';
import { readStoredBatch } from '../partition';
import { readRecords, validateRecordBatch } from '../records';
import { InProcessCluster, TEST_TUNING, waitFor } from './in-process-cluster';
import type { PartitionReplica, ReplicaHost } from './partition-replica';

/** The live keys in a replica's own log (last write wins, a tombstone deletes), read from its node's store. */
async function liveInStore(r: PartitionReplica): Promise<Map<string, string>> {
  const host = (r as unknown as { host: ReplicaHost }).host;
  const live = new Map<string, string>();
  let at = r.state.index.first().raftIndex;
  while (at <= r.state.appliedIndex) {
    const entries = await host.readEntries(r.config.groupId, at, r.state.appliedIndex + 1, 1 << 20);
    for (const e of entries) {
      at = e.index + 1;
      if (e.type !== 0 || e.data.length === 0) continue;
      const b = readStoredBatch(e.data, r.context, e.index);
      if (b.header.recordCount === 0) continue;
      for (const rec of readRecords(b.batch, validateRecordBatch(b.batch, { compacted: true }))) {
        const key = Buffer.from(rec.key!).toString();
        if (rec.value === null) live.delete(key);
        else live.set(key, Buffer.from(rec.value).toString());
      }
    }
  }
  return live;
}

/** Every record of a partition from `from` to its high watermark, as a consumer reads them. */
async function readAll(client: Flotilla, topic: string, from = 0): Promise<ConsumedRecord[]> {
  const consumer = client.consumer();
  const out: ConsumedRecord[] = [];
  let next = from;
  for (;;) {
    const r = await consumer.fetch({ topic, partition: 0, offset: next, maxBytes: 1 << 20 });
    for (const rec of r.records) {
      if (rec.offset < next) continue;
      out.push(rec);
      next = rec.offset + 1;
    }
    if (r.records.length === 0 || next >= r.highWatermark) return out;
  }
}

/** Polls `probe` until it gives a value (no timing is asserted: waitFor's deadline only bounds a hang). */
async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  let found: T | undefined;
  await waitFor(async () => (found = await probe()) !== undefined, what);
  return found!;
}

/** The latest value of every key (null: deleted) and its offset, as produced. */
type Latest = Map<string, { offset: number; value: string | null }>;

describe('compacted topics on a node', () => {
  const cluster = new InProcessCluster(1, TEST_TUNING);
  beforeAll(() => cluster.startAll());
  afterAll(() => cluster.close());

  it('the cleaner runs in the background: a reader from offset 0 gets every live key at its offset, describe shows the progress, a restart keeps it', async () => {
    const admin = cluster.client.admin();
    const topic = 'kv';
    // 1 KiB segments, a pass as soon as anything is dirty, tombstones removed in the next pass.
    await admin.createTopic({
      name: topic,
      partitions: 1,
      replicationFactor: 1,
      config: { 'cleanup.policy': 'compact', 'segment.bytes': '1024', 'min.cleanable.dirty.ratio': '0.01', 'delete.retention.ms': '1' },
    });
    const producer = cluster.client.producer({ acks: 'all', lingerMs: 0 });
    const latest: Latest = new Map();
    const put = async (key: string, value: string | null) => {
      const m = await producer.send({ topic, partition: 0, key, value });
      latest.set(key, { offset: m.offset, value });
    };
    for (let round = 0; round < 12; round++) for (let k = 0; k < 8; k++) await put(`k${k}`, `v${round}-${k}-${'x'.repeat(80)}`);
    await put('k0', null);
    await put('k1', null);
    // Enough after them that every k record lies in closed segments (the active one is never cleaned).
    for (let i = 0; i < 40; i++) await put('filler', `f${i}-${'y'.repeat(80)}`);

    // A keyless record is refused, naming the problem.
    await expect(producer.send({ topic, partition: 0, value: 'no key' })).rejects.toThrow(/has no key.*compacted/);

    const done = await until(async () => {
      const p = (await admin.describeTopic(topic)).partitions[0];
      return p.compaction !== null && p.compaction.tombstonesRemoved >= 2 && p.logStartOffset > 0 ? p : undefined;
    }, 'the cleaner to remove both tombstones and the log start to move past the emptied prefix');
    const progress = done.compaction!;
    expect(progress.bytesReclaimed).toBeGreaterThan(0);
    expect(progress.recordsRemoved).toBeGreaterThanOrEqual(12 * 8 - 6);
    expect(progress.passes).toBeGreaterThan(0);
    expect(progress.node).toBe(1);
    expect(progress.lastPassMs).toBeGreaterThan(0);

    const check = (records: ConsumedRecord[]) => {
      for (let i = 1; i < records.length; i++) expect(records[i].offset).toBeGreaterThan(records[i - 1].offset);
      const keyed = records.filter((r) => r.key!.toString() !== 'filler');
      const live = [...latest].filter(([k, v]) => k !== 'filler' && v.value !== null);
      expect(keyed.map((r) => [r.key!.toString(), r.offset, r.value?.toString()])).toEqual(live.map(([k, v]) => [k, v.offset, v.value]).sort((a, b) => (a[1] as number) - (b[1] as number)));
      const f = latest.get('filler')!;
      expect(records.some((r) => r.offset === f.offset && r.value?.toString() === f.value)).toBe(true);
    };
    // From offset 0, below the log start: a compact-only topic lost nothing there.
    check(await readAll(cluster.client, topic, 0));

    // The node rebuilds the same partition from its compacted store.
    await cluster.stop(1);
    await cluster.start(1);
    await waitFor(async () => (await admin.describeTopic(topic)).partitions[0].leader === 1, 'the node to lead again');
    check(await readAll(cluster.client, topic, 0));
    await producer.close();
  });

  it('compact,delete keeps retention; delete alone has no cleaner', async () => {
    const admin = cluster.client.admin();
    await admin.createTopic({ name: 'both', partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'delete,compact', 'retention.ms': '3600000' } });
    await admin.createTopic({ name: 'plain', partitions: 1, replicationFactor: 1 });
    const both = await admin.describeTopic('both');
    expect(both.config['cleanup.policy']).toBe('compact,delete');
    expect(both.config['retention.ms']).toBe('3600000');
    expect(both.config['delete.retention.ms']).toBe('86400000');
    const p = await until(async () => (await admin.describeTopic('both')).partitions.find((x) => x.leader !== 0), 'a leader');
    expect(p.compaction).toMatchObject({ passes: 0, bytesReclaimed: 0, lastPassMs: -1 });
    const plain = await admin.describeTopic('plain');
    expect(plain.partitions[0].compaction).toBeNull();
    expect(plain.config['delete.retention.ms']).toBeUndefined();
    // A keyless record is fine on a delete topic.
    const producer = cluster.client.producer({ acks: 'all', lingerMs: 0 });
    await producer.send({ topic: 'plain', partition: 0, value: 'no key' });
    await expect(producer.send({ topic: 'both', partition: 0, value: 'no key' })).rejects.toThrow(/has no key/);
    await producer.close();
  });
});

describe('tombstones and a replica that lacks them', () => {
  const cluster = new InProcessCluster(3, TEST_TUNING);
  beforeAll(() => cluster.startAll());
  afterAll(() => cluster.close());

  it('the leader keeps a tombstone past its horizon while a replica lacks it, and removes it once that replica has it; the replica ends without the deleted key', async () => {
    const admin = cluster.client.admin();
    const topic = 'floor';
    // No retention, 1 KiB segments, every pass possible, tombstones due 1 ms after the pass that marks them.
    const created = await admin.createTopic({
      name: topic,
      partitions: 1,
      replicationFactor: 3,
      config: { 'cleanup.policy': 'compact', 'segment.bytes': '1024', 'min.cleanable.dirty.ratio': '0.01', 'delete.retention.ms': '1' },
    });
    const group = created.partitions[0].groupId;
    const stable = await until(async () => {
      const p = (await admin.describeTopic(topic)).partitions[0];
      return p.leader !== 0 && p.inSyncReplicas.length === 3 ? p : undefined;
    }, 'every replica in sync');
    const producer = cluster.client.producer({ acks: 'all', lingerMs: 0 });
    const send = (key: string, value: string | null) => producer.send({ topic, partition: 0, key, value });
    // A key never overwritten keeps the first segment: the log is never truncated, so the stopped
    // replica is caught up entry by entry (not resynced by a snapshot, which would hide the point).
    await send('anchor', 'a'.repeat(200));
    await send('gone', 'old value');
    for (let i = 0; i < 10; i++) await send(`x${i}`, 'x'.repeat(200));
    await until(async () => ((await admin.describeTopic(topic)).partitions[0].highWatermark >= 12 ? true : undefined), 'committed');
    const follower = stable.replicas.find((id) => id !== stable.leader && cluster.node(id).replica(group)!.state.nextOffset >= 12)!;
    await cluster.stop(follower);

    await send('gone', null);
    // More writes (new dirt) make passes; after a few, the tombstone's horizon has long passed.
    const passesAt = async () => (await admin.describeTopic(topic)).partitions[0].compaction?.passes ?? 0;
    const first = await passesAt();
    for (let i = 0; (await passesAt()) < first + 4; i++) {
      expect(i, 'the leader keeps making passes').toBeLessThan(2000);
      await send(`y${i % 20}`, 'y'.repeat(200));
    }
    const held = (await admin.describeTopic(topic)).partitions[0];
    expect(held.compaction!.tombstonesRemoved, 'a tombstone a replica lacks stays').toBe(0);

    await cluster.start(follower);
    const done = await until(async () => {
      const p = (await admin.describeTopic(topic)).partitions[0];
      return p.inSyncReplicas.length === 3 && (p.compaction?.tombstonesRemoved ?? 0) >= 1 ? p : undefined;
    }, 'the follower back in sync and the tombstone removed');
    await producer.close();
    const f = cluster.node(follower).replica(group)!;
    await until(async () => (f.state.appliedIndex >= cluster.node(done.leader).replica(group)!.state.appliedIndex ? true : undefined), 'the follower applied everything');
    const followerLive = await liveInStore(f);
    expect(followerLive.has('gone'), 'the deleted key is not live on the replica that was down').toBe(false);
    expect(followerLive).toEqual(await liveInStore(cluster.node(done.leader).replica(group)!));
  });
});
