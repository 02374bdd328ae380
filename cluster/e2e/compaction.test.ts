/**
 * Log compaction on real processes (3 nodes): a compacted topic created with the CLI, keyed writes
 * overwriting a small key space and tombstones with a short delete.retention.ms, while one
 * follower is stopped. Once describe shows the cleaner's passes (polled, never slept on): a
 * consumer from offset 0 gets exactly the latest value of every live key at its original offset
 * and nothing of a deleted key; `topic describe` shows the bytes reclaimed; a keyless record is
 * refused naming the problem; and once every node is stopped, each node's store (the restarted
 * follower's too, resynced by snapshot once the leader truncated the emptied prefix) holds the
 * same live keys with the same values at the same offsets.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ConsumedRecord, FlotillaError } from '../client';
import { readStoredBatch } from '../partition';
import { readRecords, validateRecordBatch } from '../records';
import { openNodeStore, ProcessCluster, partitionLeader, readGroupLog, spawnCli, waitFor } from './process-cluster';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const TOPIC = 'state';
const KEYS = 20;

/** A key's latest record: its offset and value (null: a tombstone). */
type Live = Map<string, { offset: number; value: string | null }>;

async function flotilla(args: string[], broker: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args, { FLOTILLA_BROKERS: broker });
  cli.child.stdin!.end('');
  const { code } = await cli.exited;
  return { code, ...cli.output };
}

/** Every record of the partition from offset 0 to the high watermark, through the client. */
async function readFromZero(cluster: ProcessCluster): Promise<ConsumedRecord[]> {
  const consumer = cluster.client().consumer();
  const out: ConsumedRecord[] = [];
  let next = 0;
  for (;;) {
    const r = await consumer.fetch({ topic: TOPIC, partition: 0, offset: next, maxBytes: 1 << 20 });
    for (const rec of r.records) {
      if (rec.offset < next) continue;
      out.push(rec);
      next = rec.offset + 1;
    }
    if (r.records.length === 0 || next >= r.highWatermark) return out;
  }
}

/** The live keys a sequence of records leaves (last write wins, a tombstone deletes). */
function liveOf(records: Iterable<{ key: string; offset: number; value: string | null }>): Map<string, { offset: number; value: string }> {
  const live = new Map<string, { offset: number; value: string }>();
  for (const r of records) {
    if (r.value === null) live.delete(r.key);
    else live.set(r.key, { offset: r.offset, value: r.value });
  }
  return live;
}

describe('compacted topics on real processes', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'compaction' });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('keeps the latest value of every live key at its offset, drops expired tombstones, and a stopped follower ends with the same live keys', async () => {
    cluster.dumpLogsOnFailure();
    const broker = cluster.address(1);
    // Created from the CLI: 1 KiB segments (or 1 s of records), a pass whenever anything is dirty, tombstones kept 500 ms.
    const created = await flotilla(
      [
        'topic',
        'create',
        TOPIC,
        '--partitions',
        '1',
        '--replication-factor',
        '3',
        '--config',
        'cleanup.policy=compact',
        '--config',
        'segment.bytes=1024',
        '--config',
        'segment.ms=1000',
        '--config',
        'min.cleanable.dirty.ratio=0.01',
        '--config',
        'delete.retention.ms=500',
      ],
      broker,
    );
    expect(created.code, created.stderr).toBe(0);
    const client = cluster.client();
    const admin = client.admin();
    const stable = await partitionLeader(admin, TOPIC, 0, { accept: (p) => p.inSyncReplicas.length === 3 && p.leader === p.replicas[0] });
    const group = stable.groupId;

    const producer = client.producer({ acks: 'all', lingerMs: 1 });
    const latest: Live = new Map();
    const put = async (round: number, keys: number[], value: (k: number) => string | null) => {
      const sent = await Promise.all(keys.map((k) => producer.send({ topic: TOPIC, partition: 0, key: `k${k}`, value: value(k) })));
      sent.forEach((m, i) => latest.set(`k${keys[i]}`, { offset: m.offset, value: value(keys[i]) }));
      return round;
    };
    const all = Array.from({ length: KEYS }, (_, k) => k);
    const value = (round: number) => (k: number) => `r${round}-k${k}-${'v'.repeat(60)}`;
    for (let round = 0; round < 5; round++) await put(round, all, value(round));

    // A follower (not the metadata leader) misses the rest: overwrites of every key and the deletions.
    const controller = (await admin.describeCluster()).controllerLeader;
    const followers = stable.replicas.filter((id) => id !== stable.leader);
    const follower = followers.find((id) => id !== controller) ?? followers[0];
    const stoppedAt = (await admin.describeTopic(TOPIC)).partitions[0].highWatermark;
    expect(await cluster.stop(follower)).toEqual({ code: 0, signal: null });

    for (let round = 5; round < 25; round++) await put(round, all, value(round));
    const deleted = [0, 1, 2, 3, 4];
    await put(25, deleted, () => null);
    // More writes after the tombstones, so that every one of them lies in closed segments.
    for (let round = 26; round < 36; round++) await put(round, all.slice(5), value(round));

    // A keyless record is refused, naming the problem (every compacted record needs a key).
    const refused = await producer.send({ topic: TOPIC, partition: 0, value: 'no key' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(FlotillaError);
    expect((refused as FlotillaError).code).toBe('INVALID_REQUEST'); // INVALID_RECORD's wire code
    expect((refused as Error).message).toMatch(/has no key.*cleanup\.policy compact/);

    // The leader cleans and truncates the emptied prefix past what the stopped follower holds.
    const cleaned = await partitionLeader(admin, TOPIC, 0, {
      timeoutMs: 60_000,
      accept: (p) => (p.compaction?.bytesReclaimed ?? 0) > 0 && p.logStartOffset > stoppedAt,
    });
    console.log(`compaction: follower ${follower} stopped at offset ${stoppedAt}; leader ${cleaned.leader}: ${JSON.stringify(cleaned.compaction)}, log start ${cleaned.logStartOffset}`);

    await cluster.restart(follower);
    await cluster.waitReady(60_000);
    const end = latest.get('k19')!.offset + 1;
    await partitionLeader(admin, TOPIC, 0, { timeoutMs: 60_000, accept: (p) => p.inSyncReplicas.length === 3 && p.highWatermark === end });
    // With every replica holding the tombstones, the leader's cleaner removes them once delete.retention.ms passed.
    const done = await partitionLeader(admin, TOPIC, 0, { timeoutMs: 60_000, accept: (p) => (p.compaction?.tombstonesRemoved ?? 0) >= deleted.length });
    await producer.close();

    // A consumer from offset 0: exactly the latest value of every live key, at its original offset, in order.
    const expected = [...latest].filter(([, v]) => v.value !== null).sort((a, b) => a[1].offset - b[1].offset);
    const records = await readFromZero(cluster);
    for (let i = 1; i < records.length; i++) expect(records[i].offset).toBeGreaterThan(records[i - 1].offset);
    expect(records.map((r) => [r.key?.toString(), r.offset, r.value?.toString() ?? null])).toEqual(expected.map(([k, v]) => [k, v.offset, v.value]));

    // topic describe shows the cleaner, from the CLI and in --json.
    const text = await flotilla(['topic', 'describe', TOPIC], broker);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/compaction \(the leader's cleaner\):/);
    expect(text.stdout).toMatch(/cleanup\.policy=compact/);
    const json = JSON.parse((await flotilla(['--json', 'topic', 'describe', TOPIC], broker)).stdout);
    expect(json.partitions[0].compaction.bytesReclaimed).toBeGreaterThan(0);
    expect(json.partitions[0].compaction.recordsRemoved).toBeGreaterThan(0);
    console.log(`compaction: leader ${done.leader} after the tombstones went: ${JSON.stringify(json.partitions[0].compaction)}`);

    // Every node's store, the restarted follower's included, holds the same live keys.
    const want = new Map(expected.map(([k, v]) => [k, { offset: v.offset, value: v.value! }]));
    for (const id of cluster.ids().filter((x) => x !== done.leader)) expect(await cluster.stop(id)).toEqual({ code: 0, signal: null });
    expect(await cluster.stop(done.leader)).toEqual({ code: 0, signal: null });
    const context = { topic: TOPIC, partition: 0 };
    for (const id of cluster.ids()) {
      const s = await openNodeStore(cluster.dataDir(id), id);
      try {
        const log = await readGroupLog(s.store, group);
        const stored: Array<{ key: string; offset: number; value: string | null }> = [];
        for (const e of log.entries) {
          if (e.type !== 0 || e.data.length === 0) continue;
          const b = readStoredBatch(e.data, context, e.index);
          if (b.header.recordCount === 0) continue; // emptied by compaction
          for (const r of readRecords(b.batch, validateRecordBatch(b.batch, { compacted: true }))) {
            stored.push({ key: Buffer.from(r.key!).toString(), offset: r.offset, value: r.value === null ? null : Buffer.from(r.value).toString() });
          }
        }
        console.log(`compaction: node ${id}: raft log ${log.firstIndex}..${log.lastIndex}, ${stored.length} records stored`);
        expect(liveOf(stored), `live keys in node ${id}'s store`).toEqual(want);
        if (id === follower) expect(log.firstIndex, 'the follower was resynced past the truncated prefix').toBeGreaterThan(1);
      } finally {
        await s.store.close();
      }
    }
  });
});
