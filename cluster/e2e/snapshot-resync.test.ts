/**
 * Resync of a follower through a snapshot on real node processes, with the memory of both sides
 * measured: a follower of a one-partition topic (16 MiB segments, retention.bytes 320 MiB) is
 * stopped, 400 MiB are produced into the partition, retention compacts the leader's log past
 * the follower's log end, and the follower is restarted: it gets the partition's state snapshot
 * and then the retained log after it. Meanwhile the memory of the leader (the sender) and of the
 * follower (the receiver) is sampled from /proc: anonymous memory (RssAnon), since VmRSS also
 * counts file-backed pages (the node binary, LevelDB table files), which come and go with the
 * page cache. Their growth over their resting size must stay well below the
 * partition's size (flow control: in-flight bytes per follower and per node are bounded; the
 * store's entry cache is bounded). The figures are printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Flotilla } from '../client';
import { ProcessCluster, partitionLeader, waitFor } from './process-cluster';

vi.setConfig({ testTimeout: 360_000, hookTimeout: 120_000 });

const TOPIC = 'resync';
const MB = 1 << 20;
const PRODUCE_BYTES = 400 * MB;
const VALUE_BYTES = 32 * 1024;
const SEGMENT_BYTES = 16 * MB;
const RETENTION_BYTES = 320 * MB;
/**
 * Allowed growth of either process's anonymous memory over its resting size during the resync:
 * about half the partition. What a node holds for a resync does not depend on the partition's
 * size: its store's entry cache (64 MiB), the follower's in-flight window (16 MiB), the node's
 * catch-up queue (at most 32 MiB), and garbage and allocator slack. Measured on the receiver: a
 * growth of 142 MB for 171 MB replicated, 147 to 181 MB for 339 MB, 136 MB for 653 MB.
 */
const MAX_GROWTH = 210 * MB;

/** The pid of the node process whose --data is `dir` (one process per node: bin/flotilla.js runs it in-process). */
function pidOf(dir: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const i = args.indexOf('--data');
      if (i >= 0 && args[i + 1] === dir) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no process runs with --data ${dir}`);
}

/** VmRSS, VmHWM and RssAnon, RssFile of a process, in bytes. */
function memory(pid: number): { rss: number; hwm: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

describe('a follower resynced through a snapshot after the leader compacted its log', () => {
  let cluster: ProcessCluster;
  let flotilla: Flotilla;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'resync' });
    flotilla = cluster.client({ requestTimeoutMs: 10_000 });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it(`catches up on a ${PRODUCE_BYTES / MB} MiB partition with bounded memory on the sending and the receiving node`, async () => {
    cluster.dumpLogsOnFailure();
    const admin = flotilla.admin();
    await admin.createTopic({
      name: TOPIC,
      partitions: 1,
      replicationFactor: 3,
      config: { 'segment.bytes': String(SEGMENT_BYTES), 'retention.bytes': String(RETENTION_BYTES), 'replica.lag.time.max.ms': '3000' },
    });
    const leader = (await partitionLeader(admin, TOPIC, 0)).leader;
    const follower = cluster.ids().find((id) => id !== leader)!;
    const value = Buffer.alloc(VALUE_BYTES, 0x62);
    const producer = flotilla.producer({ acks: 'all', lingerMs: 5, batchBytes: 512 * 1024 });
    const produce = async (bytes: number) => {
      const count = Math.ceil(bytes / VALUE_BYTES);
      let next = 0;
      const worker = async () => {
        while (next < count) {
          next++;
          await producer.send({ topic: TOPIC, partition: 0, value });
        }
      };
      await Promise.all(Array.from({ length: 64 }, worker));
    };

    // A little traffic with everyone up, so the follower's resting size includes the topic's.
    await produce(4 * MB);
    const followerResting = memory(pidOf(cluster.dataDir(follower)));
    await cluster.stop(follower);

    await produce(PRODUCE_BYTES);
    // Retention (every 10 s on a node) drops the old segments: the leader's log starts past the follower's end.
    const p = async () => (await admin.describeTopic(TOPIC)).partitions[0];
    const before = await p();
    const followerEnd = before.replicaStatus.find((r) => r.node === follower)!.logEndOffset;
    await waitFor('the leader compacting its log past the follower', async () => (await p()).logStartOffset > followerEnd, 150_000, 500);
    const compacted = await p();
    const leaderPid = pidOf(cluster.dataDir(compacted.leader));
    const leaderResting = memory(leaderPid);

    await cluster.restart(follower);
    const receiverPid = pidOf(cluster.dataDir(follower));
    const peak = { sender: { rss: 0, anon: 0 }, receiver: { rss: 0, anon: 0 } };
    const sample = () => {
      for (const [side, pid] of [['sender', leaderPid], ['receiver', receiverPid]] as const) {
        const m = memory(pid);
        peak[side].rss = Math.max(peak[side].rss, m.rss);
        peak[side].anon = Math.max(peak[side].anon, m.anon);
      }
    };
    const sampler = setInterval(sample, 50);
    const started = Date.now();
    try {
      await waitFor(
        "the follower back in sync, its log end at the leader's",
        async () => {
          const now = await p();
          const mine = now.replicaStatus.find((r) => r.node === follower);
          return now.inSyncReplicas.includes(follower) && mine !== undefined && mine.logEndOffset >= now.highWatermark && now.highWatermark >= compacted.highWatermark;
        },
        180_000,
        250,
      );
    } finally {
      clearInterval(sampler);
    }
    sample();
    const seconds = (Date.now() - started) / 1000;
    const settled = memory(receiverPid);
    const after = await p();
    const retained = after.highWatermark - compacted.logStartOffset;
    const growth = { sender: peak.sender.anon - leaderResting.anon, receiver: peak.receiver.anon - followerResting.anon };
    const side = (name: string, resting: { rss: number; anon: number }, top: { rss: number; anon: number }, extra = '') =>
      `  ${name}: anonymous memory resting ${mb(resting.anon)}, peak ${mb(top.anon)}, growth ${mb(top.anon - resting.anon)}; RSS (with file-backed pages) resting ${mb(resting.rss)}, peak ${mb(top.rss)}${extra}`;
    const report = [
      `resync of node ${follower} from leader ${compacted.leader}: ${mb(PRODUCE_BYTES)} produced while it was down, the leader's log compacted from offset ${compacted.logStartOffset} (the follower's log ended at ${followerEnd}); ${retained} records (${mb(retained * VALUE_BYTES)}) replicated after the snapshot, in ${seconds.toFixed(1)} s`,
      side('sender (leader)', leaderResting, peak.sender),
      side('receiver (follower; resting = before its stop)', followerResting, peak.receiver, `; once in sync: anonymous ${mb(settled.anon)}, file-backed ${mb(settled.file)}`),
    ].join('\n');
    console.log(report);
    expect(compacted.logStartOffset).toBeGreaterThan(followerEnd);
    expect(retained * VALUE_BYTES).toBeGreaterThan(RETENTION_BYTES / 2);
    expect(growth.sender, report).toBeLessThan(MAX_GROWTH);
    expect(growth.receiver, report).toBeLessThan(MAX_GROWTH);
    await producer.close();
  });
});
