/**
 * A follower stopped (SIGTERM) while 100,000 records come catches up after its restart (describe
 * shows it lagging by them, and the lag shrinking to zero): it shows up
 * in the partition's in-sync replicas again, and once every node is stopped the partition group's
 * Raft log on disk (index, term, type, data) is the same on all three nodes, ending at the same
 * index on the restarted follower as on the leader. The records decoded from each node's log are
 * exactly the acknowledged ones.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeRecordBatch, isRecordBatch } from '../records';
import type { RecordMetadata } from '../client';
import { type EntrySummary, openNodeStore, ProcessCluster, partitionLeader, readGroupLog, readPartition, waitFor } from './process-cluster';

// Real processes: generous limits whatever the project's vitest config says (waits inside poll with their own deadlines).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TOPIC = 'catchup';
/** Records written while the follower is down: 100,000 of them after the first 500. */
const DOWN_END = 100_500;
const END = DOWN_END + 100;

describe('a stopped follower catches up', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'catchup' });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('after a restart its Raft log matches the leader entry for entry', async () => {
    cluster.dumpLogsOnFailure();
    const flotilla = cluster.client();
    const admin = flotilla.admin();
    // A stopped replica leaves the in-sync set after replica.lag.time.max.ms (30 s by default): 2 s here.
    const created = await admin.createTopic({ name: TOPIC, partitions: 1, replicationFactor: 3, config: { 'replica.lag.time.max.ms': '2000' } });
    const group = created.partitions[0].groupId;
    expect(group).toBeGreaterThan(0);

    const producer = flotilla.producer({ acks: 'all', lingerMs: 1 });
    const acks: RecordMetadata[] = [];
    // In chunks of `chunk` records (8: many small entries; 500 while the follower is down, to make 100,000 records quickly).
    const produce = async (from: number, to: number, chunk = 8) => {
      for (let at = from; at < to; at += chunk) {
        const n = Math.min(chunk, to - at);
        acks.push(...(await Promise.all(Array.from({ length: n }, (_, k) => producer.send({ topic: TOPIC, partition: 0, value: `c-${at + k}` })))));
      }
    };
    await produce(0, 500);

    const leader = (await partitionLeader(admin, TOPIC, 0)).leader;
    const cluster0 = await admin.describeCluster();
    const followers = cluster.ids().filter((id) => id !== leader);
    // Prefer a follower that does not also lead the metadata group: this test is about the partition.
    const follower = followers.find((id) => id !== cluster0.controllerLeader) ?? followers[0];

    const exit = await cluster.stop(follower);
    expect(exit, `node ${follower} exits cleanly on SIGTERM`).toEqual({ code: 0, signal: null });

    await produce(500, DOWN_END, 500);
    // A replica that is down leaves the in-sync set (not heard from within replica.lag.time.max.ms).
    const whileDown = await partitionLeader(admin, TOPIC, 0, { timeoutMs: 15_000, accept: (p) => !p.inSyncReplicas.includes(follower) });
    expect(whileDown.inSyncReplicas).not.toContain(follower);
    expect(whileDown.inSyncReplicas).toContain(whileDown.leader);
    console.log(`catchup: leader ${leader}, stopped follower ${follower}; in sync while it was down: [${whileDown.inSyncReplicas.join(',')}]`);

    // Describe shows it lagging by everything it missed, and the lag shrinking to zero once it is back.
    const lagOf = (p: { replicaStatus: Array<{ node: number; lagRecords: number }> }) => p.replicaStatus.find((r) => r.node === follower)?.lagRecords;
    const downLag = lagOf(await partitionLeader(admin, TOPIC, 0, { accept: (p) => p.highWatermark === DOWN_END && (lagOf(p) ?? 0) >= DOWN_END - 500 }));
    expect(downLag).toBeGreaterThanOrEqual(DOWN_END - 500);
    await cluster.restart(follower);
    const lags: number[] = [downLag!];
    await waitFor(
      `node ${follower}'s lag back to 0`,
      async () => {
        const lag = lagOf((await admin.describeTopic(TOPIC)).partitions[0]);
        if (lag !== undefined && lag !== lags[lags.length - 1]) lags.push(lag);
        return lag === 0;
      },
      60_000,
      50,
    );
    console.log(`catchup: node ${follower}'s lag as describe showed it: ${lags.join(' -> ')}`);
    expect(lags[lags.length - 1]).toBe(0);
    await cluster.waitReady(60_000);
    await produce(DOWN_END, END);
    await producer.close();

    // In sync again, and the leader has not changed meanwhile (or we compare against the new one).
    // Also wait for the preferred leader (replicas[0]) to lead: the node's leader balancing moves
    // leadership there, and a move while the nodes stop would add an election's entry to one log.
    const inSync = await partitionLeader(admin, TOPIC, 0, {
      timeoutMs: 30_000,
      accept: (p) => p.inSyncReplicas.includes(follower) && p.highWatermark === END && p.inSyncReplicas.length === 3 && p.leader === p.replicas[0],
    });
    expect(inSync.inSyncReplicas).toContain(follower);
    const finalLeader = inSync.leader;
    // Several consecutive reads agree (in sync is not a one-off).
    for (let k = 0; k < 5; k++) {
      const p = (await admin.describeTopic(TOPIC)).partitions[0];
      expect(p.inSyncReplicas).toContain(follower);
      expect(p.highWatermark).toBe(END);
      expect(p.leader).toBe(finalLeader);
      await new Promise((r) => setTimeout(r, 100));
    }

    // The data reads back (through the leader).
    const records = await readPartition(flotilla.consumer(), TOPIC, 0, { from: 0, to: END, timeoutMs: 60_000 });
    expect(records.map((r) => r.value!.toString())).toEqual(Array.from({ length: END }, (_, i) => `c-${i}`));
    expect(acks.map((a) => a.offset).sort((a, b) => a - b)).toEqual(Array.from({ length: END }, (_, i) => i));

    const logs = await stopAndReadLogs(cluster, group, finalLeader);
    const summary = describeLogs(logs);
    console.log(`catchup: group ${group}: ${summary}`);
    compareLogs(logs, group, finalLeader, follower);
    for (const l of logs.values()) expect(l.firstIndex, `no compaction expected (${summary})`).toBe(1);

    // Each node's log decodes to exactly the acknowledged records, offsets 0..END-1 in order.
    for (const id of cluster.ids()) {
      expect(decodeRecords(logs.get(id)!, TOPIC), `records in node ${id}'s log`).toEqual(Array.from({ length: END }, (_, i) => ({ offset: i, value: `c-${i}` })));
    }
  });

  it('a follower that missed what retention compacted away catches up from a snapshot', async () => {
    cluster.dumpLogsOnFailure();
    await cluster.startAll();
    await cluster.waitReady(60_000);
    const topic = 'catchup-snapshot';
    const flotilla = cluster.client();
    const admin = flotilla.admin();
    // 1 KiB segments and 4 KiB kept: the leader compacts its log (every 10 s) far past the stopped follower.
    const created = await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 3, config: { 'segment.bytes': '1024', 'retention.bytes': '4096' } });
    const group = created.partitions[0].groupId;
    const producer = flotilla.producer({ acks: 'all', lingerMs: 1 });
    let sent = 0;
    const produce = async (to: number) => {
      while (sent < to) {
        const n = Math.min(8, to - sent);
        await Promise.all(Array.from({ length: n }, (_, k) => producer.send({ topic, partition: 0, value: `s-${sent + k}-${'y'.repeat(100)}` })));
        sent += n;
      }
    };
    await produce(200);
    const stable = await partitionLeader(admin, topic, 0, { accept: (p) => p.inSyncReplicas.length === 3 && p.leader === p.replicas[0] });
    const controller = (await admin.describeCluster()).controllerLeader;
    const followers = stable.replicas.filter((id) => id !== stable.leader);
    const follower = followers.find((id) => id !== controller) ?? followers[0];
    expect(await cluster.stop(follower)).toEqual({ code: 0, signal: null });

    await produce(1000);
    // Wait for retention to move the log start past everything the stopped follower holds.
    const compacted = await partitionLeader(admin, topic, 0, { timeoutMs: 40_000, accept: (p) => p.logStartOffset > 200 && p.highWatermark === 1000 });
    console.log(`catchup-snapshot: follower ${follower} stopped at 200 records; leader ${compacted.leader} log start offset now ${compacted.logStartOffset}`);

    await cluster.restart(follower);
    await cluster.waitReady(60_000);
    const inSync = await partitionLeader(admin, topic, 0, {
      timeoutMs: 30_000,
      // In sync is within replica.lag.max.records: wait for the follower to hold everything (lag 0), not just to be close.
      accept: (p) => p.inSyncReplicas.length === 3 && p.highWatermark === 1000 && p.leader === p.replicas[0] && p.replicaStatus.every((r) => r.lagRecords === 0),
    });
    await produce(1010);
    await producer.close();
    const after = await partitionLeader(admin, topic, 0, {
      accept: (p) => p.highWatermark === 1010 && p.inSyncReplicas.length === 3 && p.replicaStatus.every((r) => r.lagRecords === 0),
    });
    expect(after.leader).toBe(inSync.leader);

    // What the leader still holds reads back.
    const start = after.logStartOffset;
    const records = await readPartition(flotilla.consumer(), topic, 0, { from: start, to: 1010 });
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 1010 - start }, (_, k) => start + k));
    for (const r of records) expect(r.value!.toString().startsWith(`s-${r.offset}-`), `value at offset ${r.offset}`).toBe(true);

    const logs = await stopAndReadLogs(cluster, group, after.leader);
    const summary = describeLogs(logs);
    console.log(`catchup-snapshot: group ${group}: ${summary}`);
    compareLogs(logs, group, after.leader, follower);
    // Every node's remaining log decodes to consecutive offsets with the values produced there, up to 1009.
    for (const [id, l] of logs) {
      const decoded = decodeRecords(l, topic);
      expect(decoded.length, `records in node ${id}'s log (${summary})`).toBeGreaterThan(0);
      expect(decoded[decoded.length - 1].offset).toBe(1009);
      decoded.forEach((r, k) => {
        expect(r.offset).toBe(decoded[0].offset + k);
        expect(r.value.startsWith(`s-${r.offset}-`)).toBe(true);
      });
    }
  });
});

type GroupLog = Awaited<ReturnType<typeof readGroupLog>>;

/** Stops the followers first, then the leader (so no election adds entries while stopping), and reads the group's log from every node's disk. */
async function stopAndReadLogs(cluster: ProcessCluster, group: number, leader: number): Promise<Map<number, GroupLog>> {
  const others = cluster.ids().filter((id) => id !== leader);
  for (const [id, e] of await Promise.all(others.map(async (id) => [id, await cluster.stop(id)] as const))) {
    expect(e, `node ${id} exits cleanly on SIGTERM`).toEqual({ code: 0, signal: null });
  }
  expect(await cluster.stop(leader), `leader ${leader} exits cleanly on SIGTERM`).toEqual({ code: 0, signal: null });
  await waitFor('every node stopped', () => cluster.running().length === 0, 5_000);

  const logs = new Map<number, GroupLog>();
  const clusterIds = new Set<string>();
  for (const id of cluster.ids()) {
    const s = await openNodeStore(cluster.dataDir(id), id);
    try {
      clusterIds.add(s.clusterId);
      expect(s.store.groupIds(), `node ${id} holds group ${group}`).toContain(group);
      logs.set(id, await readGroupLog(s.store, group));
    } finally {
      await s.store.close();
    }
  }
  expect(clusterIds.size, 'one cluster id on every node').toBe(1);
  return logs;
}

function describeLogs(logs: Map<number, GroupLog>): string {
  return [...logs].map(([id, l]) => `node ${id}: first ${l.firstIndex} last ${l.lastIndex} commit ${l.commit}`).join('; ');
}

/** Entries (index, term, type, data) identical on every node over the common range; the follower ends where the leader does. */
function compareLogs(logs: Map<number, GroupLog>, group: number, leader: number, follower: number): void {
  const summary = describeLogs(logs);
  const leaderLog = logs.get(leader)!;
  expect(logs.get(follower)!.lastIndex, `restarted follower's last index vs the leader's (${summary})`).toBe(leaderLog.lastIndex);
  const from = Math.max(...[...logs.values()].map((l) => l.firstIndex));
  const to = Math.min(...[...logs.values()].map((l) => l.lastIndex));
  expect(to, `a common range of entries (${summary})`).toBeGreaterThan(from);
  const at = (l: GroupLog, index: number): EntrySummary => l.entries[index - l.firstIndex];
  for (const [id, l] of logs) {
    for (let index = from; index <= to; index++) {
      const mine = at(l, index);
      const theirs = at(leaderLog, index);
      if (mine.index !== index || mine.term !== theirs.term || mine.type !== theirs.type || mine.hash !== theirs.hash) {
        expect.fail(
          `group ${group} entry ${index}: node ${id} has (index ${mine.index}, term ${mine.term}, type ${mine.type}, ${mine.data.length} bytes) ` +
            `but leader ${leader} has (index ${theirs.index}, term ${theirs.term}, type ${theirs.type}, ${theirs.data.length} bytes); ${summary}`,
        );
      }
    }
  }
}

/** The records of the record-batch entries of a log, in order. */
function decodeRecords(l: GroupLog, topic: string): Array<{ offset: number; value: string }> {
  const out: Array<{ offset: number; value: string }> = [];
  for (const e of l.entries) {
    if (e.type !== 0 || !isRecordBatch(e.data)) continue;
    for (const r of decodeRecordBatch(e.data).records) out.push({ offset: r.offset, value: Buffer.from(r.value!).toString() });
  }
  return out;
}
