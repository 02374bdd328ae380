import type { Flotilla } from '../client';
import { type CapturedRun, runCliCaptured } from '../cli';
import { openNodeStore, type ProcessCluster, readGroupLog, waitFor } from './process-cluster';

/**
 * An idempotent acks=all producer writing rounds of 20 records, spread over `partitions`
 * partitions of `topic`, until stopped; it records where each value was acknowledged.
 */
export class SteadyLoad {
  readonly acked = new Map<string, { partition: number; offset: number }>();
  private running = true;
  private sent = 0;
  private readonly done: Promise<void>;

  constructor(flotilla: Flotilla, topic: string, partitions: number, prefix = 'v') {
    const producer = flotilla.producer({ acks: 'all', idempotent: true, lingerMs: 2 });
    this.done = (async () => {
      try {
        while (this.running) {
          const values = Array.from({ length: 20 }, () => `${prefix}-${this.sent++}`);
          const results = await Promise.all(values.map((value, i) => producer.send({ topic, partition: i % partitions, value })));
          results.forEach((r, i) => this.acked.set(values[i], { partition: r.partition, offset: r.offset }));
        }
      } finally {
        await producer.close();
      }
    })();
    this.done.catch(() => undefined); // reported by stop()
  }

  /** Stops after the round in flight; throws what failed the load, if anything did. */
  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  /** Resolves once `n` more records were acknowledged. */
  async more(n: number): Promise<void> {
    const target = this.acked.size + n;
    await waitFor(`${n} more acknowledged records`, () => this.acked.size >= target, 60_000, 50);
  }
}

/** Every stopped node's copy of a group's Raft log, by node id. */
export async function readGroupLogs(cluster: ProcessCluster, group: number): Promise<Map<number, Awaited<ReturnType<typeof readGroupLog>>>> {
  const logs = new Map<number, Awaited<ReturnType<typeof readGroupLog>>>();
  for (const id of cluster.ids()) {
    const s = await openNodeStore(cluster.dataDir(id), id);
    try {
      logs.set(id, await readGroupLog(s.store, group));
    } finally {
      await s.store.close();
    }
  }
  return logs;
}

/** Runs the CLI in this process against the cluster, capturing its output. */
export function runFlotilla(cluster: ProcessCluster, ...argv: string[]): Promise<CapturedRun> {
  return runCliCaptured(argv, cluster.brokers);
}
