/**
 * State replication through a compacted topic: every instance of KvReplica keeps the same
 * key-value table, because every change goes through one log (a compacted Flotilla topic) and
 * every instance applies the log in order. A set is a record (key, value), a delete a tombstone
 * (key, null). Compaction keeps the latest record of every key, so the log stays about the size of
 * the table, and an instance that starts (or restarts, with nothing on its own disk) rebuilds the
 * whole table by reading the topic from offset 0.
 *
 *   npx tsx examples/kv-replica.ts                      # against a throwaway one-node cluster it starts
 *   FLOTILLA_BROKERS=127.0.0.1:9092 npx tsx examples/kv-replica.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CompactionProgress, Flotilla, TopicExistsError } from '../cluster/client';
import { FlotillaNode } from '../cluster/node';

/** One instance's copy of the table, kept in sync with the topic. */
export class KvReplica {
  private readonly table = new Map<string, string>();
  /** The next offset to apply (every record below it is in the table). */
  private next = 0;
  private readonly producer;

  constructor(
    private readonly client: Flotilla,
    readonly topic: string,
  ) {
    this.producer = client.producer({ acks: 'all' });
  }

  /** Create the topic if it does not exist: one partition (one total order of changes), compacted. */
  static async createTopic(client: Flotilla, topic: string, replicationFactor = 1, config: Record<string, string> = {}): Promise<void> {
    try {
      await client.admin().createTopic({ name: topic, partitions: 1, replicationFactor, config: { 'cleanup.policy': 'compact', ...config } });
    } catch (e) {
      if (!(e instanceof TopicExistsError)) throw e;
    }
  }

  /** Write a change; it is in the table once sync() has read it (as it is in every other instance's). */
  async set(key: string, value: string): Promise<number> {
    return (await this.producer.send({ topic: this.topic, partition: 0, key, value })).offset;
  }

  /** Delete a key: a tombstone (compaction removes the key's older values, then the tombstone itself). */
  async delete(key: string): Promise<number> {
    return (await this.producer.send({ topic: this.topic, partition: 0, key, value: null })).offset;
  }

  /**
   * Apply every change in the topic up to its current end (the first call reads it from offset 0:
   * the rebuild). Waits up to `waitMs` for a change when there is none yet.
   */
  async sync(waitMs = 0): Promise<void> {
    const consumer = this.client.consumer();
    for (;;) {
      const r = await consumer.fetch({ topic: this.topic, partition: 0, offset: this.next, maxWaitMs: waitMs });
      for (const rec of r.records) {
        if (rec.offset < this.next) continue;
        const key = rec.key!.toString();
        if (rec.value === null) this.table.delete(key);
        else this.table.set(key, rec.value.toString());
        this.next = rec.offset + 1;
      }
      if (r.records.length === 0 || this.next >= r.highWatermark) return;
    }
  }

  get(key: string): string | undefined {
    return this.table.get(key);
  }

  /** The table, sorted by key. */
  entries(): Array<[string, string]> {
    return [...this.table].sort(([a], [b]) => a.localeCompare(b));
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}

/**
 * The demonstration: two instances write to one table, both see all of it; one deletes a key; a
 * third instance started afterwards rebuilds the same table from the topic. Returns the tables.
 */
export async function demo(
  client: Flotilla,
  topic = 'kv-demo',
  print: (line: string) => void = console.log,
): Promise<{ a: Array<[string, string]>; b: Array<[string, string]>; rebuilt: Array<[string, string]>; compaction: CompactionProgress | null }> {
  // Small segments and a low dirty ratio so that the cleaner has something to do at once (the
  // defaults are Kafka's: 16 MiB segments here, a pass once half the log is dirty).
  await KvReplica.createTopic(client, topic, 1, { 'segment.bytes': '1024', 'min.cleanable.dirty.ratio': '0.1', 'delete.retention.ms': '1000' });
  const a = new KvReplica(client, topic);
  const b = new KvReplica(client, topic);
  try {
    for (let i = 0; i < 50; i++) await a.set(`user:${i % 5}`, `visits=${i}`); // the same 5 keys, again and again
    await b.set('config:theme', 'dark');
    await b.set('config:lang', 'en');
    await a.delete('config:lang');
    await Promise.all([a.sync(), b.sync()]);
    print(`instance a: ${JSON.stringify(a.entries())}`);
    print(`instance b: ${JSON.stringify(b.entries())}`);
    // The cleaner runs in the background on every replica; its progress is in describe.
    const compaction = await cleaned(client, topic);
    print(compaction ? `compaction: ${compaction.passes} passes, ${compaction.recordsRemoved} records removed, ${compaction.bytesReclaimed} bytes reclaimed` : 'compaction: no pass yet');
    // A new instance (or one restarted with an empty memory) rebuilds the table from the topic.
    const rebuilt = new KvReplica(client, topic);
    try {
      await rebuilt.sync();
      print(`rebuilt:    ${JSON.stringify(rebuilt.entries())}`);
      return { a: a.entries(), b: b.entries(), rebuilt: rebuilt.entries(), compaction };
    } finally {
      await rebuilt.close();
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

/** The leader's cleaner progress once a pass has removed something (up to 10 s; the demo goes on without). */
async function cleaned(client: Flotilla, topic: string): Promise<CompactionProgress | null> {
  const until = Date.now() + 10_000;
  for (;;) {
    const c = (await client.admin().describeTopic(topic)).partitions[0].compaction;
    if ((c && c.recordsRemoved > 0) || Date.now() > until) return c;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A throwaway one-node cluster in this process (data in a temp folder), for the demo and its test. */
export class DemoNode {
  readonly dir = mkdtempSync(join(tmpdir(), 'flotilla-kv-demo-'));
  readonly port = 20_000 + Math.floor(Math.random() * 10_000);
  readonly client = new Flotilla({ brokers: [`127.0.0.1:${this.port}`] });
  private node: FlotillaNode | undefined;

  /** Start (or restart, on the same data) the node. */
  async start(): Promise<void> {
    this.node = await FlotillaNode.start({
      nodeId: 1,
      dataDir: join(this.dir, 'node-1'),
      host: '127.0.0.1',
      clientPort: this.port,
      peerPort: this.port + 1,
      advertisedAddress: `127.0.0.1:${this.port}`,
      peers: [{ id: 1, address: `127.0.0.1:${this.port + 1}` }],
      log: () => undefined,
    });
  }

  async stop(): Promise<void> {
    await this.node?.stop();
    this.node = undefined;
  }

  /** Stop the node, close the client, delete the data. */
  async close(): Promise<void> {
    await this.client.close();
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const brokers = process.env.FLOTILLA_BROKERS;
  if (brokers) {
    const client = new Flotilla({ brokers: brokers.split(',') });
    try {
      await demo(client);
    } finally {
      await client.close();
    }
    return;
  }
  // No cluster given: a throwaway one-node cluster in this process.
  const node = new DemoNode();
  try {
    await node.start();
    await demo(node.client);
  } finally {
    await node.close();
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
