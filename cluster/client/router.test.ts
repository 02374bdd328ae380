/**
 * Routing that recovers: a client that saw a partition without a leader finds the leader once
 * there is one, does not take one broker's "no leader" for the truth, refreshes metadata at a
 * bounded rate, and every call ends by its deadline.
 *
 * Two fakes: FakeCluster (test-broker.ts: one truth shared by every broker) and, below, a tiny
 * fake whose brokers each give their own answer to DescribeTopic, as the nodes of a partitioned
 * cluster do.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FetchResponse,
  type FlotillaHandlers,
  loadFlotillaProto,
  META,
  type PartitionDescription,
  type ProduceStreamRequest,
  type TopicDescription,
} from '../../proto/load';
import { Flotilla, type FlotillaError, type FlotillaOptions } from './index';
import { FakeCluster } from './test-broker';
import { encodeRecordBatch } from '../records';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function client(options: FlotillaOptions): Flotilla {
  const c = new Flotilla(options);
  cleanups.push(() => c.close());
  return c;
}

async function fakeCluster(brokers: number): Promise<FakeCluster> {
  const cluster = await FakeCluster.start(brokers);
  cleanups.push(() => cluster.stop());
  return cluster;
}

async function failure(p: Promise<unknown>): Promise<FlotillaError> {
  try {
    await p;
  } catch (e) {
    return e as FlotillaError;
  }
  throw new Error('expected the call to fail');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- a fake whose brokers disagree ------------------------------------------------------------

interface ViewBroker {
  id: number;
  address: string;
  /** This broker's answer about partition 0 of topic "t" (leader, epoch, unreachable flag). */
  view: { leader: number; leaderEpoch: number; leaderUnreachable?: boolean };
  /** Whether this broker leads partition 0 (answers fetch and produce) or never answers them. */
  role: 'leader' | 'follower' | 'silent';
  fetches: number;
  produces: number;
  describes: number;
}

/** Brokers 1..n over one topic "t" with one partition; each describes it its own way. */
async function disagreeingBrokers(n: number): Promise<ViewBroker[]> {
  const brokers: ViewBroker[] = [];
  const servers: grpc.Server[] = [];
  for (let id = 1; id <= n; id++) {
    const server = new grpc.Server();
    const b: ViewBroker = { id, address: '', view: { leader: 0, leaderEpoch: 0 }, role: 'follower', fetches: 0, produces: 0, describes: 0 };
    const notLeader = () => {
      const md = new grpc.Metadata();
      md.set(META.error, 'NO_LEADER');
      return { code: grpc.status.UNAVAILABLE, details: `node ${id} does not know a leader of topic t partition 0`, metadata: md };
    };
    const describe = (): TopicDescription => {
      const leader = b.view.leader;
      const p: PartitionDescription = {
        partition: 0,
        groupId: 1000,
        compaction: null,
        leader,
        leaderAddress: leader ? brokers[leader - 1].address : '',
        replicas: brokers.map((x) => x.id),
        inSyncReplicas: [],
        logStartOffset: 0,
        logEndOffset: 1,
        highWatermark: 1,
        leaderEpoch: b.view.leaderEpoch,
        removingReplicas: [],
        resyncingReplicas: [],
        leaderUnreachable: b.view.leaderUnreachable ?? false,
        fencedReplicas: [],
        replicaStatus: [],
      };
      return { name: 't', id: 7, config: {}, replicationFactor: n, partitions: [p] };
    };
    const handlers: Partial<FlotillaHandlers> = {
      DescribeTopic: (_call, cb) => {
        b.describes++;
        cb(null, describe());
      },
      DescribeCluster: (_call, cb) => cb(null, { clusterId: 'views', controllerLeader: 1, nodes: brokers.map((x) => ({ id: x.id, address: x.address, alive: true })) }),
      InitProducer: (_call, cb) => cb(null, { producerId: 1, producerEpoch: 0 }),
      Fetch: (_call, cb) => {
        b.fetches++;
        if (b.role === 'silent') return; // a node that takes requests and never answers
        if (b.role === 'follower') cb(notLeader());
        else cb(null, { recordBatches: encodeRecordBatch([{ key: null, value: Buffer.from(`from node ${id}`), timestamp: 1 }]), highWatermark: 1, logStartOffset: 0 } satisfies FetchResponse);
      },
      ProduceStream: (call) => {
        call.on('data', (msg: ProduceStreamRequest) => {
          b.produces++;
          if (b.role === 'silent') return;
          if (b.role === 'follower') {
            call.write({ correlationId: msg.correlationId, error: { status: grpc.status.UNAVAILABLE, message: 'no leader', metadata: { [META.error]: 'NO_LEADER', [META.outcome]: 'not-written' } } });
          } else {
            call.write({ correlationId: msg.correlationId, response: { baseOffset: 1, lastOffset: 1, logAppendTimeMs: -1, duplicate: false } });
          }
        });
        call.on('end', () => call.end());
        call.on('error', () => undefined);
      },
    };
    server.addService(loadFlotillaProto().Flotilla.service, handlers as FlotillaHandlers);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    b.address = `127.0.0.1:${port}`;
    brokers.push(b);
    servers.push(server);
  }
  cleanups.push(() => {
    for (const s of servers) s.forceShutdown();
  });
  return brokers;
}

const QUICK = { retries: 50, initialBackoffMs: 5, maxBackoffMs: 20 };

describe('a client that saw no leader', () => {
  it('fetch and listOffsets recover once the partition has a leader again (the no-leader description is not kept)', async () => {
    const cluster = await fakeCluster(2);
    const topic = cluster.createTopic('t', 1, 0); // no leader yet
    cluster.appendValues('t', 0, ['a', 'b']);
    const flotilla = client({ brokers: cluster.addresses, callTimeoutMs: 300, retry: QUICK });
    const consumer = flotilla.consumer();
    // The client reads the partition while it has no leader, and caches that.
    expect((await flotilla.admin().describeTopic('t')).partitions[0].leader).toBe(0);
    expect((await failure(consumer.fetch({ topic: 't', partition: 0, offset: 0 }))).code).toBe('NO_LEADER');
    expect((await failure(consumer.listOffsets({ topic: 't', partition: 0, spec: 'latest' }))).code).toBe('NO_LEADER');
    // An election is over: broker 2 leads.
    topic.partitions[0].leader = 2;
    const fetched = await consumer.fetch({ topic: 't', partition: 0, offset: 0 });
    expect(fetched.records.map((r) => r.value!.toString())).toEqual(['a', 'b']);
    expect(await consumer.listOffsets({ topic: 't', partition: 0, spec: 'latest' })).toBe(2);
  });

  it('a fetch that starts while there is no leader waits out the election within its deadline', async () => {
    const cluster = await fakeCluster(1);
    const topic = cluster.createTopic('t', 1, 0);
    cluster.appendValues('t', 0, ['x']);
    const flotilla = client({ brokers: cluster.addresses, callTimeoutMs: 10_000, retry: QUICK });
    await flotilla.admin().describeTopic('t');
    const pending = flotilla.consumer().fetch({ topic: 't', partition: 0, offset: 0 });
    await sleep(200);
    topic.partitions[0].leader = 1;
    expect((await pending).records.map((r) => r.value!.toString())).toEqual(['x']);
  });

  it('follow() subscribes once the partition has a leader', async () => {
    const cluster = await fakeCluster(1);
    const topic = cluster.createTopic('t', 1, 0);
    cluster.appendValues('t', 0, ['x', 'y']);
    const flotilla = client({ brokers: cluster.addresses, callTimeoutMs: 10_000, retry: QUICK });
    await flotilla.admin().describeTopic('t');
    setTimeout(() => (topic.partitions[0].leader = 1), 200);
    const got: string[] = [];
    for await (const r of flotilla.consumer().follow({ topic: 't', partition: 0, fromOffset: 0 })) {
      got.push(r.value!.toString());
      if (got.length === 2) break;
    }
    expect(got).toEqual(['x', 'y']);
  });

  it('follow() does not give up when an idle subscription ends long after it was accepted (leader moves with no records between)', async () => {
    const cluster = await fakeCluster(2);
    cluster.createTopic('t', 1, 1);
    const flotilla = client({ brokers: cluster.addresses, callTimeoutMs: 1000, retry: QUICK });
    const iterator = flotilla.consumer().follow({ topic: 't', partition: 0, fromOffset: 0 })[Symbol.asyncIterator]();
    const first = iterator.next();
    // Each subscription stays open (idle) longer than callTimeoutMs, then leadership moves: more
    // moves than the free redirects, none of them a failure to subscribe.
    for (let i = 0; i < 4; i++) {
      await sleep(1100);
      cluster.moveLeader('t', 0, i % 2 === 0 ? 2 : 1);
    }
    await sleep(200);
    cluster.appendValues('t', 0, ['after four moves']);
    expect((await first).value?.value!.toString()).toBe('after four moves');
    await iterator.return?.();
  });

  it('refreshes metadata at a bounded rate while a partition stays leaderless (exponential refresh backoff)', async () => {
    const cluster = await fakeCluster(1);
    const topic = cluster.createTopic('t', 1, 0);
    cluster.appendValues('t', 0, ['x']);
    const retry = { retries: 1000, initialBackoffMs: 20, maxBackoffMs: 200 };
    const flotilla = client({ brokers: cluster.addresses, callTimeoutMs: 10_000, retry });
    const consumer = flotilla.consumer();
    const before = cluster.describeCalls;
    const fetches = Array.from({ length: 20 }, () => consumer.fetch({ topic: 't', partition: 0, offset: 0 }));
    const leaderlessMs = 1000;
    await sleep(leaderlessMs);
    topic.partitions[0].leader = 1;
    for (const r of await Promise.all(fetches)) expect(r.records).toHaveLength(1);
    const calls = cluster.describeCalls - before;
    // Refreshes wait 20, 40, 80, 160, 200, 200, ... ms apart (halved at most by jitter): over 1 s
    // that is at most about 12, whatever the number of callers; each refresh asks one broker here.
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(15);
  });

  it('a call that cannot find a leader ends at its deadline, saying what was not known', async () => {
    const cluster = await fakeCluster(1);
    cluster.createTopic('t', 1, 0);
    const flotilla = client({ brokers: cluster.addresses, callTimeoutMs: 500, retry: { retries: 10_000, initialBackoffMs: 5, maxBackoffMs: 50 } });
    const started = Date.now();
    const e = await failure(flotilla.consumer().fetch({ topic: 't', partition: 0, offset: 0 }));
    const elapsed = Date.now() - started;
    expect(e.code).toBe('NO_LEADER');
    expect(e.message).toMatch(/^no leader for topic t partition 0 after 0\.\d s \(\d+ attempts; last error: /);
    expect(e.outcomeUnknown).toBe(false);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(5_000);
  });
});

describe("one broker's no-leader is not the truth", () => {
  it('a leaderUnreachable answer from the first broker: the router asks the others and fetches from the leader they name', async () => {
    const [b1, b2, b3] = await disagreeingBrokers(3);
    b1.view = { leader: 0, leaderEpoch: 0, leaderUnreachable: true };
    b2.view = { leader: 2, leaderEpoch: 4 };
    b3.view = { leader: 2, leaderEpoch: 4 };
    b2.role = 'leader';
    const flotilla = client({ brokers: [b1.address, b2.address, b3.address], callTimeoutMs: 3000, retry: QUICK });
    const fetched = await flotilla.consumer().fetch({ topic: 't', partition: 0, offset: 0 });
    expect(fetched.records[0].value!.toString()).toBe('from node 2');
    expect(b1.fetches).toBe(0);
    const described = await flotilla.admin().describeTopic('t');
    expect(described.partitions[0].leader).toBe(2);
  });

  it('produce routing: records go to the leader the other brokers name', async () => {
    const [b1, b2] = await disagreeingBrokers(2);
    b1.view = { leader: 0, leaderEpoch: 0, leaderUnreachable: true };
    b2.view = { leader: 2, leaderEpoch: 9 };
    b2.role = 'leader';
    const flotilla = client({ brokers: [b1.address, b2.address], callTimeoutMs: 3000, retry: QUICK });
    const producer = flotilla.producer({ lingerMs: 0 });
    const m = await producer.send({ topic: 't', partition: 0, value: 'v' });
    expect(m).toEqual({ topic: 't', partition: 0, offset: 1 });
    expect(b2.produces).toBe(1);
    expect(b1.produces).toBe(0);
  });

  it('after a request to the leader timed out, the refresh does not come only from the first broker, and the higher epoch wins', async () => {
    const [b1, b2, b3] = await disagreeingBrokers(3);
    // Node 1 is cut off from the others: it still names itself leader (epoch 3) and never answers.
    b1.view = { leader: 1, leaderEpoch: 3 };
    b1.role = 'silent';
    // Nodes 2 and 3 elected node 3 in epoch 4.
    b2.view = { leader: 3, leaderEpoch: 4 };
    b3.view = { leader: 3, leaderEpoch: 4 };
    b3.role = 'leader';
    const flotilla = client({ brokers: [b1.address, b2.address, b3.address], requestTimeoutMs: 300, callTimeoutMs: 5000, retry: QUICK });
    const consumer = flotilla.consumer();
    // First lookup from node 1 (the first broker): the fetch goes there and times out.
    const fetched = await consumer.fetch({ topic: 't', partition: 0, offset: 0 });
    expect(fetched.records[0].value!.toString()).toBe('from node 3');
    expect(b1.fetches).toBe(1);
    expect(b2.describes + b3.describes).toBeGreaterThan(0);
  });

  it('a single bootstrap broker that knows no leader: the client learns the other nodes from it and asks them', async () => {
    const [b1, b2] = await disagreeingBrokers(2);
    b1.view = { leader: 0, leaderEpoch: 0, leaderUnreachable: true };
    b2.view = { leader: 2, leaderEpoch: 2 };
    b2.role = 'leader';
    const flotilla = client({ brokers: [b1.address], callTimeoutMs: 3000, retry: QUICK });
    const fetched = await flotilla.consumer().fetch({ topic: 't', partition: 0, offset: 0 });
    expect(fetched.records[0].value!.toString()).toBe('from node 2');
  });
});

describe('deadlines of calls any broker serves', () => {
  it('a broker that never answers does not hold up a read: the next broker is asked too', { timeout: 10_000 }, async () => {
    const [silent, ok] = await disagreeingBrokers(2);
    silent.role = 'silent';
    const blackhole = new grpc.Server();
    blackhole.addService(loadFlotillaProto().Flotilla.service, { ListTopics: () => undefined } as unknown as FlotillaHandlers);
    const port = await new Promise<number>((resolve, reject) =>
      blackhole.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    cleanups.push(() => blackhole.forceShutdown());
    const flotilla = client({ brokers: [`127.0.0.1:${port}`, ok.address], requestTimeoutMs: 30_000, callTimeoutMs: 60_000 });
    // ok has no ListTopics handler: UNIMPLEMENTED (not retriable) proves it was asked, well before 30 s.
    const e = await failure(flotilla.admin().listTopics());
    expect(e.broker).toBe(ok.address);
  });

  it('a topic creation whose answer never comes fails at the deadline with its outcome unknown', async () => {
    const silent = new grpc.Server();
    silent.addService(loadFlotillaProto().Flotilla.service, { CreateTopic: () => undefined } as unknown as FlotillaHandlers);
    const port = await new Promise<number>((resolve, reject) =>
      silent.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    cleanups.push(() => silent.forceShutdown());
    const flotilla = client({ brokers: [`127.0.0.1:${port}`], requestTimeoutMs: 200, callTimeoutMs: 700, retry: QUICK });
    const e = await failure(flotilla.admin().createTopic({ name: 'x', partitions: 1, replicationFactor: 1 }));
    expect(e.code).toBe('DEADLINE_EXCEEDED');
    expect(e.outcomeUnknown).toBe(true);
    expect(e.message).toMatch(/no broker answered for topic x within 0\.\d s .*its outcome is unknown/);
  });

  it('a topic creation that never reached a node (connection refused) is not reported as outcome unknown', async () => {
    const probe = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) =>
      probe.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    probe.forceShutdown(); // nothing listens there any more
    const flotilla = client({ brokers: [`127.0.0.1:${port}`], requestTimeoutMs: 200, callTimeoutMs: 600, retry: QUICK });
    const e = await failure(flotilla.admin().createTopic({ name: 'x', partitions: 1, replicationFactor: 1 }));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.outcomeUnknown).toBe(false);
  });
});
