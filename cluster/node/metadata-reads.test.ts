import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterDescription, FlotillaClient, ListTopicsResponse, TopicDescription } from '../../proto/load';
import { InProcessCluster, rawClient, TEST_TUNING, waitFor } from './in-process-cluster';

type AdminMethod = 'createTopic' | 'listTopics' | 'describeTopic' | 'describeCluster' | 'listOffsets';

/** One admin call on a raw client of one node (no retries, no redirects), with a deadline. */
function ask<T>(client: FlotillaClient, method: AdminMethod, req: unknown, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const fn = client[method] as unknown as (r: unknown, m: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, v?: unknown) => void) => void;
    fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (e, v) => (e ? reject(e) : resolve(v as T)));
  });
}

function errorCode(e: unknown): string | undefined {
  return (e as grpc.ServiceError).metadata?.get('flotilla-error')[0] as string | undefined;
}

/** An error a client may retry: a metadata read that could not be made linearizable in time. */
function expectRetriable(e: unknown, what: string): void {
  const s = e as grpc.ServiceError;
  expect([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED], `${what}: ${s.message}`).toContain(s.code);
}

const ELECTION_MS = TEST_TUNING.tickMs! * TEST_TUNING.electionTicks!;

describe('metadata reads and node readiness (in-process nodes, real gRPC and LevelDB)', () => {
  let cluster: InProcessCluster | undefined;
  const clients: FlotillaClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await cluster?.close();
    cluster = undefined;
  });

  /**
   * A new cluster, started by `start`. Its ports are picked at random: when another cluster on
   * the machine holds one of them, it is tried again on other ports.
   */
  async function open(size: number, start: (c: InProcessCluster) => Promise<unknown>): Promise<InProcessCluster> {
    for (let attempt = 1; ; attempt++) {
      const c = (cluster = new InProcessCluster(size));
      try {
        await start(c);
        return c;
      } catch (e) {
        if (attempt >= 3 || !String(e).includes('EADDRINUSE')) throw e;
        await c.close();
        cluster = undefined;
      }
    }
  }

  function raw(c: InProcessCluster, id: number): FlotillaClient {
    const client = rawClient(c.address(id));
    clients.push(client);
    return client;
  }

  /** Asks until the node answers (retriable errors allowed, others fail the test). */
  async function firstAnswer<T>(client: FlotillaClient, method: AdminMethod, req: unknown, what: string): Promise<{ answer: T; retriable: number }> {
    let retriable = 0;
    const until = Date.now() + 20_000;
    for (;;) {
      try {
        return { answer: await ask<T>(client, method, req, 3000), retriable };
      } catch (e) {
        expectRetriable(e, what);
        retriable++;
        if (Date.now() > until) throw new Error(`${what}: no answer within 20 s (last: ${(e as Error).message})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  for (const size of [1, 3]) {
    it(`a node of a ${size}-node cluster restarted from its data dir lists every topic and calls none unknown (20 restarts, never fewer topics)`, async () => {
      const c = await open(size, (x) => x.startAll());
      const names = Array.from({ length: 7 }, (_, i) => `restart-topic-${i}`);
      for (const name of names) await c.client.admin().createTopic({ name, partitions: 2, replicationFactor: size });
      const target = size; // in a 3-node cluster, a follower of the metadata group more often than not
      for (let round = 0; round < 20; round++) {
        await c.stop(target);
        await c.start(target);
        const client = raw(c, target);
        // A partition request before it has caught up: retriable (or answered), never "no such topic".
        const early = await ask(client, 'listOffsets', { topic: names[round % names.length], partition: 0, spec: 'OFFSET_SPEC_LATEST' }, 3000).catch((e: unknown) => e);
        if (early instanceof Error) expect(errorCode(early), `round ${round}: ListOffsets right after the restart: ${early.message}`).not.toBe('UNKNOWN_TOPIC');
        const { answer } = await firstAnswer<ListTopicsResponse>(client, 'listTopics', {}, `round ${round}: ListTopics on restarted node ${target}`);
        expect(answer.topics.map((t) => t.name).sort(), `round ${round}: topics listed by restarted node ${target}`).toEqual([...names].sort());
        const described = await firstAnswer<TopicDescription>(client, 'describeTopic', { name: names[round % names.length] }, `round ${round}: DescribeTopic`);
        expect(described.answer.partitions).toHaveLength(2);
        clients.pop()!.close();
      }
    });
  }

  it('every node of a fresh 3-node cluster with no topics sees every node alive within a few heartbeat intervals', async () => {
    const c = await open(3, (x) => x.startAll());
    // Liveness needs no partition group: node-level heartbeats go between every pair of nodes.
    const byNode = new Map(c.ids().map((id) => [id, raw(c, id)]));
    await waitFor(
      async () => {
        for (const id of c.ids()) {
          const d = await ask<ClusterDescription>(byNode.get(id)!, 'describeCluster', {});
          if (d.nodes.length !== 3 || !d.nodes.every((n) => n.alive)) return false;
        }
        return true;
      },
      'every node to report every node alive',
      10 * ELECTION_MS,
    );
    for (const id of c.ids()) for (const other of c.ids()) expect(c.node(id).alive(other), `node ${id} hears node ${other}`).toBe(true);
  });

  it('create-topic sent right after a fresh start waits for the starting nodes to register (5 fresh clusters)', async () => {
    for (let round = 0; round < 5; round++) {
      const c = await open(3, (x) => Promise.all(x.ids().map((id) => x.start(id))));
      const target = 1 + (round % 3);
      const d = await ask<TopicDescription>(raw(c, target), 'createTopic', { name: `fresh-${round}`, partitions: 3, replicationFactor: 3, config: {} }, 15_000);
      expect(d.partitions).toHaveLength(3);
      expect(d.partitions.every((p) => p.replicas.length === 3)).toBe(true);
      for (const cl of clients.splice(0)) cl.close();
      await c.close();
      cluster = undefined;
    }
  });

  it('a topic created without a replication factor right after a fresh start gets 3 replicas, not as many as had registered yet', async () => {
    const c = await open(3, (x) => Promise.all(x.ids().map((id) => x.start(id))));
    const d = await ask<TopicDescription>(raw(c, 2), 'createTopic', { name: 'default-rf', partitions: 2, replicationFactor: 0, config: {} }, 15_000);
    expect(d.replicationFactor).toBe(3);
    expect(d.partitions.every((p) => p.replicas.length === 3)).toBe(true);
  });

  it('create-topic needing a node that never registers says which node is missing, by id and address; one needing more nodes than the cluster has is refused at once', async () => {
    // Together: a new node waits for a majority of its peers to confirm it is new (the lost-disk guard).
    const c = await open(3, (x) => Promise.all([x.start(1), x.start(2)]).then(() => undefined));
    const e = await ask(raw(c, 1), 'createTopic', { name: 'needs-three', partitions: 1, replicationFactor: 3, config: {} }, 3000).catch((x: unknown) => x);
    const s = e as grpc.ServiceError;
    expect(s.code, s.message).toBe(grpc.status.UNAVAILABLE);
    expect(errorCode(e)).toBe('NOT_ENOUGH_REPLICAS');
    expect(s.details).toContain('node 3 (');
    expect(s.details).toContain(`127.0.0.3:${c.port + 100}`);
    expect(s.details).toMatch(/registered: nodes? 1, 2/);
    // More replicas than the cluster has nodes can never be satisfied: refused at once.
    const never = (await ask(raw(c, 1), 'createTopic', { name: 'needs-four', partitions: 1, replicationFactor: 4, config: {} }, 3000).catch((x: unknown) => x)) as grpc.ServiceError;
    expect(never.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(errorCode(never)).toBe('INVALID_CONFIG');
    expect(never.details).toContain('more than the 3 nodes of this cluster');
  });

  it('a node that cannot reach the metadata leader answers metadata reads with a retriable NO_LEADER, not its stale state', async () => {
    const c = await open(3, (x) => x.startAll());
    await c.client.admin().createTopic({ name: 'kept', partitions: 1, replicationFactor: 3 });
    const client = raw(c, 1);
    // It answers while it can reach a quorum...
    expect((await ask<ListTopicsResponse>(client, 'listTopics', {})).topics.map((t) => t.name)).toEqual(['kept']);
    await c.stop(2);
    await c.stop(3);
    for (const [method, req] of [
      ['listTopics', {}],
      ['describeTopic', { name: 'kept' }],
      ['describeCluster', {}],
    ] as const) {
      const e = await ask(client, method, req, 5000).catch((x: unknown) => x);
      const s = e as grpc.ServiceError;
      expect(s.code, `${method}: ${s.message}`).toBe(grpc.status.UNAVAILABLE);
      expect(errorCode(e), method).toBe('NO_LEADER');
      expect(s.details, method).toMatch(/^node 1 cannot reach the metadata group's leader/);
    }
  });

  it('DescribeTopic learns a leader from any replica, and flags leaderUnreachable where it cannot reach a quorum of the replicas', async () => {
    // Nodes 1-3 vote in the metadata group, node 4 is a learner: with node 4 down, metadata reads still work.
    const c = await open(4, (x) => x.startAll());
    await c.client.admin().createTopic({ name: 'three', partitions: 8, replicationFactor: 3 });
    await c.client.admin().createTopic({ name: 'two', partitions: 8, replicationFactor: 2 });
    await waitFor(async () => {
      const ds = await Promise.all(['three', 'two'].map((t) => ask<TopicDescription>(raw(c, 1), 'describeTopic', { name: t })));
      return ds.every((d) => d.partitions.every((p) => p.leader !== 0));
    }, 'every partition to have a leader');
    // A node holding no replica of a partition whose first replica is node 4: today it asks node 4 only.
    const three0 = await ask<TopicDescription>(raw(c, 1), 'describeTopic', { name: 'three' });
    const ledByFour = three0.partitions.find((p) => p.replicas[0] === 4);
    expect(ledByFour, 'a partition of "three" whose first replica is node 4').toBeDefined();
    const describer = c.ids().find((id) => id !== 4 && !ledByFour!.replicas.includes(id))!;
    await c.stop(4);
    const client = raw(c, describer);
    await waitFor(
      async () => {
        const three = await ask<TopicDescription>(client, 'describeTopic', { name: 'three' });
        // Two of three replicas are up: a leader exists, and the describer finds it even where it holds no replica.
        return three.partitions.every((p) => p.leader !== 0 && p.leader !== 4 && !p.leaderUnreachable);
      },
      `node ${describer} to describe a live leader for every partition of "three"`,
      20_000,
    );
    await waitFor(async () => {
      const two = await ask<TopicDescription>(client, 'describeTopic', { name: 'two' });
      return two.partitions.every((p) => (p.replicas.includes(4) ? p.leader === 0 : p.leader !== 0));
    }, 'the partitions of "two" on node 4 to lose their leader');
    // Once its liveness window has passed, node 4 is out of reach for the describer.
    await waitFor(() => !c.node(describer).alive(4), `node ${describer} to stop hearing from node 4`);
    const two = await ask<TopicDescription>(client, 'describeTopic', { name: 'two' });
    const onFour = two.partitions.filter((p) => p.replicas.includes(4));
    expect(onFour.length).toBeGreaterThan(0);
    for (const p of two.partitions) {
      // leader = 0 because the describer cannot reach 2 of those 2 replicas: it says so.
      expect(p.leaderUnreachable, `partition ${p.partition} (replicas ${p.replicas.join(',')})`).toBe(p.replicas.includes(4));
    }
  });
});
