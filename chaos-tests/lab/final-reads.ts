/**
 * After the run: the final log of every partition, and the same log as served by as many of its
 * replicas as the public API lets the lab reach. Reads are served by leaders only, so the lab
 * moves leadership: it isolates a leader (through the peer proxies), waits for another replica to
 * lead, reads the partition again from it, and heals. A new leader holds every committed record,
 * and nothing is written any more, so every replica's read must be the same log.
 */
import type { Flotilla } from '../../cluster/client/index';
import type { LabNetwork } from './network';

export type Log = Array<[number, string]>;

export interface ReplicaRead {
  partition: number;
  /** The node that led the partition when it was read. */
  node: number;
  log: Log;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads one partition from its start to its (linearizable) end offset. */
export async function readLog(flotilla: Flotilla, topic: string, partition: number, timeoutMs = 60_000): Promise<Log> {
  const consumer = flotilla.consumer();
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const end = await consumer.listOffsets({ topic, partition, spec: 'latest' });
      const out: Log = [];
      let next = await consumer.listOffsets({ topic, partition, spec: 'earliest' });
      while (next < end) {
        const r = await consumer.fetch({ topic, partition, offset: next, maxBytes: 1 << 20 });
        if (r.records.length === 0) throw new Error(`partition ${partition}: a fetch from ${next} returned nothing below the end offset ${end}`);
        for (const rec of r.records) {
          if (rec.offset >= end) break;
          out.push([rec.offset, rec.value?.toString() ?? 'null']);
        }
        next = r.records[r.records.length - 1].offset + 1;
      }
      return out;
    } catch (error) {
      last = error;
      if (Date.now() > deadline) throw new Error(`could not read partition ${partition} within ${timeoutMs / 1000} s: ${(last as Error).message}`);
      await sleep(500);
    }
  }
}

interface PartitionView {
  partition: number;
  leader: number;
  replicas: number[];
  /** Replicas fenced on their node (damaged data): they never lead, and are never read. */
  fenced: number[];
  /** Replicas in sync with the leader: only they can make a quorum without catching up first. */
  inSync: number[];
}

async function describe(flotilla: Flotilla, topic: string): Promise<PartitionView[]> {
  const t = await flotilla.admin().describeTopic(topic);
  return t.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: [...p.replicas], fenced: p.fencedReplicas.map((f) => f.node), inSync: [...p.inSyncReplicas] }));
}

/** Waits until every partition has a leader other than `not`; returns their views. */
export async function waitLeaders(flotilla: Flotilla, topic: string, not: number | undefined, timeoutMs: number): Promise<PartitionView[] | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await describe(flotilla, topic);
      if (v.every((p) => p.leader !== 0 && p.leader !== not)) return v;
    } catch {
      // no answer yet: ask again
    }
    if (Date.now() > deadline) return undefined;
    await sleep(250);
  }
}

export interface FinalReads {
  finals: Map<number, Log>;
  replicaReads: ReplicaRead[];
  /** Replicas the lab could not get to serve a read: fenced ones, and those leadership never moved to in its rounds. */
  unread: Array<{ partition: number; node: number; fenced: boolean }>;
}

/**
 * The final logs (read from the current leaders), then rounds of moving leadership until every
 * replica of every partition has served a read, or `rounds` are spent.
 */
export async function finalReads(flotilla: Flotilla, network: LabNetwork, topic: string, o: { rounds: number; timeoutMs: number; log: (line: string) => void }): Promise<FinalReads> {
  const views = await waitLeaders(flotilla, topic, undefined, o.timeoutMs);
  if (!views) throw new Error(`after healing, some partition of ${topic} still had no leader after ${o.timeoutMs / 1000} s`);
  const finals = new Map<number, Log>();
  const replicaReads: ReplicaRead[] = [];
  const read = new Map<number, Set<number>>();
  const note = (partition: number, node: number, log: Log) => {
    replicaReads.push({ partition, node, log });
    let s = read.get(partition);
    if (!s) read.set(partition, (s = new Set()));
    s.add(node);
  };
  for (const v of views) {
    const log = await readLog(flotilla, topic, v.partition, o.timeoutMs);
    finals.set(v.partition, log);
    note(v.partition, v.leader, log);
  }
  const replicasOf = new Map(views.map((v) => [v.partition, v.replicas]));
  const fenced = new Map(views.map((v) => [v.partition, new Set(v.fenced)]));
  const missing = () =>
    views.flatMap((v) => v.replicas.filter((r) => !read.get(v.partition)!.has(r)).map((node) => ({ partition: v.partition, node, fenced: fenced.get(v.partition)!.has(node) })));
  const tried = new Set<number>();
  let current = views;
  for (let round = 0; round < o.rounds && missing().some((m) => !m.fenced); round++) {
    for (const v of current) for (const f of v.fenced) fenced.get(v.partition)!.add(f);
    // Isolating a node must leave every partition it holds a quorum of in-sync, unfenced replicas
    // (a node that is down, or damaged, counts for nothing).
    const isolatable = (x: number) =>
      current.every((v) => {
        const replicas = replicasOf.get(v.partition)!;
        if (!replicas.includes(x)) return true;
        const healthy = v.inSync.filter((r) => r !== x && !fenced.get(v.partition)!.has(r));
        return healthy.length > replicas.length / 2;
      });
    // Isolate the node that leads the most partitions still missing an unfenced replica's read.
    const want = new Map<number, number>();
    for (const v of current) {
      const left = replicasOf.get(v.partition)!.filter((r) => !read.get(v.partition)!.has(r) && !fenced.get(v.partition)!.has(r));
      if (left.length > 0 && !tried.has(v.leader) && isolatable(v.leader)) want.set(v.leader, (want.get(v.leader) ?? 0) + 1);
    }
    const victim = [...want.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
    if (victim === undefined) break;
    await network.cut(network.linksCutBy((a, b) => a !== victim && b !== victim));
    let progress = false;
    try {
      const moved = await waitLeaders(flotilla, topic, victim, o.timeoutMs);
      if (!moved) {
        o.log(`replica reads: no new leaders within ${o.timeoutMs / 1000} s with node ${victim} isolated`);
      } else {
        for (const v of moved) {
          if (read.get(v.partition)!.has(v.leader)) continue;
          note(v.partition, v.leader, await readLog(flotilla, topic, v.partition, o.timeoutMs));
          progress = true;
        }
      }
    } finally {
      await network.heal();
    }
    if (!progress) tried.add(victim);
    // Let the isolated node rejoin before the next round moves leadership again.
    current = (await waitLeaders(flotilla, topic, undefined, o.timeoutMs)) ?? current;
    await sleep(1000);
  }
  return { finals, replicaReads, unread: missing() };
}
