/**
 * Routing that recovers, on real node processes whose peer links each go through a TCP proxy
 * (link-proxy.ts): a client whose first bootstrap node is cut off from the other nodes keeps
 * writing to the partitions whose leaders are healthy; a client that saw a partition without a
 * leader recovers once it has one; `flotilla consume` right after a full restart waits out the
 * elections; `flotilla produce` without a quorum ends at its --timeout, outcome unknown, exit 1.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FlotillaError, PartitionDescription, Producer, TopicDescription } from '../client';
import { ProcessCluster, type RawFailure, rawCall, rawFailure, spawnCli, topicLeaders, waitFor } from './process-cluster';
import type { ProduceRequest } from '../../proto/load';
import { encodeRecordBatch } from '../records';

// Real processes: generous limits whatever the project's vitest config says (waits inside poll with their own deadlines).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs `flotilla ...args` (bin/flotilla.js) to completion; kills it after `killAfterMs`. */
async function flotilla(args: string[], killAfterMs = 60_000): Promise<CliResult> {
  const started = Date.now();
  const cli = spawnCli(args);
  cli.child.stdin!.end();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(new Error(`flotilla ${args.join(' ')}: no exit within ${killAfterMs} ms\nstdout: ${cli.output.stdout}\nstderr: ${cli.output.stderr}`));
    }, killAfterMs);
  });
  const { code } = await Promise.race([cli.exited, hung]).finally(() => clearTimeout(timer));
  return { code, ...cli.output, elapsedMs: Date.now() - started };
}

/** Sends to every partition in turn, continuously (at most `window` unanswered), noting when each partition acknowledged. */
function startLoad(producer: Producer, topic: string, partitions: number, window = 60) {
  const acks = new Map<number, number[]>(Array.from({ length: partitions }, (_, p) => [p, []]));
  const failures: FlotillaError[] = [];
  const pending = new Set<Promise<void>>();
  let stopping = false;
  const loop = (async () => {
    for (let i = 0; !stopping; i++) {
      const partition = i % partitions;
      const p = producer.send({ topic, partition, value: `v-${i}` }).then(
        () => void acks.get(partition)!.push(Date.now()),
        (e: FlotillaError) => void failures.push(e),
      );
      pending.add(p);
      void p.finally(() => pending.delete(p));
      if (pending.size >= window) await Promise.race(pending);
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return {
    acks,
    failures,
    async stop() {
      stopping = true;
      await loop;
    },
  };
}

/** The longest time in [from, to] during which a partition acknowledged nothing. */
function longestSilence(times: readonly number[], from: number, to: number): number {
  let last = from;
  let longest = 0;
  for (const t of times) {
    if (t < from || t > to) continue;
    longest = Math.max(longest, t - last);
    last = t;
  }
  return Math.max(longest, to - last);
}

describe('routing on a cluster with per-link proxies', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'routing', linkProxies: true });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('the nodes reach each other only through the proxies', () => {
    for (const id of cluster.ids()) {
      const peers = cluster.args(id)[cluster.args(id).indexOf('--peers') + 1].split(',');
      for (const other of cluster.ids().filter((x) => x !== id)) expect(peers).toContain(`${other}=${cluster.links.address(id, other)}`);
    }
    // The cluster formed (ProcessCluster.start waited for it), so the proxies carried its traffic.
    const forwarded = cluster.ids().flatMap((from) => cluster.ids().filter((to) => to !== from).map((to) => cluster.links.link(from, to).forwarded));
    expect(forwarded.reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
  });

  it('a client whose first bootstrap node is cut off from the others keeps writing to partitions led by healthy nodes', async () => {
    cluster.dumpLogsOnFailure();
    const setup = cluster.client();
    const admin = setup.admin();
    const topic = 'cut-first-broker';
    const partitions = 6;
    await admin.createTopic({ name: topic, partitions, replicationFactor: 3 });
    // Leadership balances across the nodes: wait until the node leading partition 0 is not the only leader.
    const spread = await waitFor(
      'leaders of the topic on more than one node',
      async () => {
        const t = await topicLeaders(admin, topic);
        return new Set(t.partitions.map((p) => p.leader)).size > 1 ? t : undefined;
      },
      60_000,
      500,
    );
    const isolated = spread.partitions[0].leader;
    const healthy = spread.partitions.filter((p) => p.leader !== isolated).map((p) => p.partition);
    const others = cluster.ids().filter((id) => id !== isolated);

    // The client's first bootstrap node is the one about to be cut off; its requests get 2 s.
    const flotilla = cluster.client({ brokers: [cluster.address(isolated), ...others.map((id) => cluster.address(id))], requestTimeoutMs: 2000 });
    const producer = flotilla.producer({ acks: 'all', lingerMs: 2 });
    const load = startLoad(producer, topic, partitions);
    await waitFor('every partition acknowledging', () => [...load.acks.values()].every((a) => a.length >= 20), 30_000, 50);

    const cutAt = Date.now();
    cluster.links.isolate(isolated);
    const watchMs = 12_000;
    await new Promise((r) => setTimeout(r, watchMs));
    const silences = healthy.map((p) => ({ partition: p, silenceMs: longestSilence(load.acks.get(p)!, cutAt, cutAt + watchMs) }));
    cluster.links.healAll();
    await load.stop();
    await producer.close();

    console.log(
      `cut off node ${isolated} (first bootstrap broker): longest silence of the partitions led by nodes ${others.join(', ')}: ${silences.map((s) => `${s.partition}: ${s.silenceMs} ms`).join(', ')}; ${load.failures.length} failed sends`,
    );
    expect(healthy.length).toBeGreaterThan(0);
    // An election (~1.5 s) and a request timeout (2 s) may pass before the client notices, but a
    // partition whose leader never lost its quorum must not stall for the rest of the cut.
    for (const s of silences) expect(s.silenceMs, `partition ${s.partition} (healthy leader) acknowledged nothing for ${s.silenceMs} ms`).toBeLessThan(5000);
  });

  it('a client that saw a partition without a leader fetches from it once it has one', async () => {
    cluster.dumpLogsOnFailure();
    await cluster.waitReady(60_000);
    const admin = cluster.client().admin();
    const topic = 'no-leader-then-leader';
    // Two replicas: with one of them down the other cannot be elected, so "no leader" lasts.
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 2 });
    const before = (await topicLeaders(admin, topic)).partitions[0];
    const producer = cluster.client().producer({ acks: 'all' });
    await producer.send({ topic, partition: 0, value: 'kept' });
    await producer.close();

    const victim = before.leader;
    await cluster.kill(victim, 'SIGKILL');
    const survivor = before.replicas.find((r) => r !== victim)!;
    await waitFor(
      `node ${survivor} to report no leader for ${topic}/0`,
      async () => (await rawCall<TopicDescription>(cluster.rawClient(survivor), 'describeTopic', { name: topic }, 3000)).partitions[0].leader === 0,
      30_000,
      100,
    );

    // This client reads the partition while it has no leader, and fails.
    const seen = cluster.client({ callTimeoutMs: 3000 });
    expect((await seen.admin().describeTopic(topic)).partitions[0].leader).toBe(0);
    const e = (await seen
      .consumer()
      .fetch({ topic, partition: 0, offset: 0 })
      .then(
        () => undefined,
        (error: FlotillaError) => error,
      ))!;
    expect(e?.code).toBe('NO_LEADER');

    await cluster.restart(victim);
    const fresh = cluster.client().admin();
    const after: PartitionDescription = (await topicLeaders(fresh, topic, { timeoutMs: 30_000 })).partitions[0];
    expect(after.leader).not.toBe(0);
    // The client that saw "no leader" recovers by itself, for fetch and listOffsets: every call
    // succeeds (any error fails the test); a new leader may take a moment to expose the record
    // again (its high watermark moves once it commits an entry of its own term).
    const deadline = Date.now() + 10_000;
    let values: string[] = [];
    let latest = 0;
    while ((values.length === 0 || latest !== 1) && Date.now() < deadline) {
      values = (await seen.consumer().fetch({ topic, partition: 0, offset: 0 })).records.map((r) => r.value!.toString());
      latest = await seen.consumer().listOffsets({ topic, partition: 0, spec: 'latest' });
      if (values.length === 0 || latest !== 1) await new Promise((r) => setTimeout(r, 100));
    }
    expect(values).toEqual(['kept']);
    expect(latest).toBe(1);
  });

  it('flotilla consume right after a full-cluster restart (nodes back one by one) waits out the elections and prints every record', async () => {
    cluster.dumpLogsOnFailure();
    await cluster.waitReady(60_000);
    const topic = 'after-restart';
    const admin = cluster.client().admin();
    await admin.createTopic({ name: topic, partitions: 3, replicationFactor: 3 });
    await topicLeaders(admin, topic);
    const values = Array.from({ length: 30 }, (_, i) => `r-${i}`);
    const producer = cluster.client().producer({ acks: 'all' });
    await Promise.all(values.map((value, i) => producer.send({ topic, partition: i % 3, value })));
    await producer.close();

    await cluster.stopAll();
    // The nodes come back one after the other: the first answers clients while it cannot elect
    // any leader yet (no quorum), and the command starts then.
    const [first, ...rest] = cluster.ids();
    await cluster.restart(first);
    const consumed = flotilla(['consume', '-t', topic, '--brokers', cluster.brokers.join(','), '--timeout', '30s']);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await Promise.all(rest.map((id) => cluster.restart(id)));
    const r = await consumed;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '').sort()).toEqual([...values].sort());
  });

  it('flotilla produce that loses its quorum mid-stream ends at its --timeout: exit 1, outcome unknown', async () => {
    cluster.dumpLogsOnFailure();
    await cluster.waitReady(60_000);
    const topic = 'no-quorum';
    const admin = cluster.client().admin();
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 3 });
    const leader = (await topicLeaders(admin, topic)).partitions[0].leader;
    // A long-running produce reading stdin: its first record is acknowledged, then the two other
    // nodes freeze, and the next records reach a leader that can no longer commit anything.
    const started = Date.now();
    const cli = spawnCli(['produce', '-t', topic, '--partition', '0', '--brokers', cluster.address(leader), '--timeout', '5s']);
    const child = cli.child;
    const frozen = cluster.ids().filter((id) => id !== leader);
    try {
      child.stdin!.write('first\n');
      await waitFor('the first record acknowledged', async () => (await admin.describeTopic(topic)).partitions[0].highWatermark === 1, 30_000, 50);
      for (const id of frozen) cluster.pause(id);
      child.stdin!.end('x\ny\nz\n');
      const exit = await Promise.race([cli.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
      expect(exit === 'hung' ? 'hung' : exit.code, cli.output.stderr).toBe(1);
    } finally {
      child.kill('SIGKILL');
      for (const id of frozen) cluster.resume(id);
    }
    expect(cli.output.stderr).toContain('1 of 4 record(s) acknowledged; outcome unknown for 3 record(s)');
    expect(cli.output.stderr).not.toMatch(/\n\s+at /);
    // It ends at its deadline, not minutes later.
    expect(Date.now() - started).toBeLessThan(45_000);
  });

  it('a produce pending on a leader that is cut off from its followers is answered when it steps down, not at its deadline', async () => {
    cluster.dumpLogsOnFailure();
    await cluster.waitReady(60_000);
    const topic = 'cut-leader';
    const admin = cluster.client().admin();
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 3 });
    const leader = (await topicLeaders(admin, topic)).partitions[0].leader;
    cluster.links.isolate(leader);
    const deadlineMs = 20_000;
    const started = Date.now();
    let failure: RawFailure;
    try {
      // Straight to the cut-off leader (clients still reach it): it takes the batch, cannot commit it.
      failure = await rawFailure(
        cluster.rawClient(leader),
        'produce',
        { topic, partition: 0, recordBatch: encodeRecordBatch([{ key: null, value: Buffer.from('pending'), timestamp: Date.now() }]), acks: 'ACKS_ALL', expectedOffset: -1 } satisfies ProduceRequest,
        deadlineMs,
      );
    } finally {
      cluster.links.healAll();
    }
    const elapsed = Date.now() - started;
    console.log(`cut-off leader ${leader} answered a pending produce after ${elapsed} ms: ${failure.codeName} ${failure.metadata['flotilla-error']} (${failure.metadata['flotilla-outcome']}): ${failure.message}`);
    // It was pending, so it may still be committed by whoever the next leader is: outcome unknown.
    expect(failure.metadata['flotilla-error']).toBe('NOT_LEADER');
    expect(failure.metadata['flotilla-outcome']).toBe('unknown');
    // Answered when the leader stepped down (CheckQuorum, about an election timeout), well before its deadline.
    expect(elapsed).toBeLessThan(deadlineMs / 2);
  });
});

