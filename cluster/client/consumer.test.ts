import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConsumedRecord, Flotilla, OffsetOutOfRangeError } from './index';
import { FakeCluster } from './test-broker';

const FAST_RETRY = { retries: 20, initialBackoffMs: 1, maxBackoffMs: 5 };

let cluster: FakeCluster | undefined;
let client: Flotilla | undefined;

afterEach(async () => {
  await client?.close();
  await cluster?.stop();
  client = undefined;
  cluster = undefined;
});

async function setup(brokers: number) {
  cluster = await FakeCluster.start(brokers);
  client = new Flotilla({ brokers: [cluster.addresses[0]], retry: FAST_RETRY });
  return { cluster, client };
}

async function take(iterable: AsyncIterable<ConsumedRecord>, n: number): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  if (n === 0) return out;
  for await (const r of iterable) {
    out.push(r);
    if (out.length === n) break;
  }
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('follow', () => {
  it('resubscribes from the next offset after the stream breaks, with no duplicates or gaps', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    cluster.appendValues('t', 0, range(0, 20).map(String));
    cluster.breakSubscriptionAfter = 7;
    // The server repeats 2 records on resubscription: the client must drop them.
    cluster.subscribeOverlap = 2;
    const got = await take(client.consumer().follow({ topic: 't', partition: 0, fromOffset: 'earliest' }), 20);
    expect(got.map((r) => r.offset)).toEqual(range(0, 20));
    expect(got.map((r) => r.value!.toString())).toEqual(range(0, 20).map(String));
    expect(cluster.breakSubscriptionAfter).toBeUndefined(); // the break did happen
  });

  it('follows the partition to its new leader when leadership moves, from the next offset', async () => {
    const { cluster, client } = await setup(2);
    cluster.createTopic('t', 1, 1);
    cluster.appendValues('t', 0, ['a', 'b']);
    const iterator = client.consumer().follow({ topic: 't', partition: 0, fromOffset: 0 })[Symbol.asyncIterator]();
    const got = [(await iterator.next()).value!, (await iterator.next()).value!];
    // Leadership moves to broker 2: broker 1 ends the stream with NOT_LEADER and a hint.
    cluster.moveLeader('t', 0, 2);
    cluster.appendValues('t', 0, ['c', 'd']);
    got.push((await iterator.next()).value!, (await iterator.next()).value!);
    await iterator.return?.();
    expect(got.map((r) => [r.offset, r.value!.toString()])).toEqual([
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
      [3, 'd'],
    ]);
  });

  it('leaving a follow loop cancels its subscription on the server', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    cluster.appendValues('t', 0, ['a']);
    const streams = cluster.topics.get('t')!.partitions[0].streams;
    for await (const r of client.consumer().follow({ topic: 't', partition: 0, fromOffset: 0 })) {
      expect(r.offset).toBe(0);
      expect(streams.size).toBe(1);
      break;
    }
    const deadline = Date.now() + 5_000;
    while (streams.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(streams.size).toBe(0);
  });

  it('yields records appended after it started, in order', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    cluster.appendValues('t', 0, ['old']);
    const pending = take(client.consumer().follow({ topic: 't', partition: 0, fromOffset: 'latest' }), 3);
    setTimeout(() => cluster.appendValues('t', 0, ['x', 'y', 'z']), 50);
    const got = await pending;
    expect(got.map((r) => [r.offset, r.value!.toString()])).toEqual([
      [1, 'x'],
      [2, 'y'],
      [3, 'z'],
    ]);
  });

  it('ends without error when its signal aborts', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    const controller = new AbortController();
    const got: ConsumedRecord[] = [];
    const done = (async () => {
      for await (const r of client.consumer().follow({ topic: 't', partition: 0, fromOffset: 0, signal: controller.signal })) got.push(r);
    })();
    setTimeout(() => cluster.appendValues('t', 0, ['one']), 20);
    setTimeout(() => controller.abort(), 150);
    await expect(done).resolves.toBeUndefined();
    expect(got.map((r) => r.value!.toString())).toEqual(['one']);
  });
});

describe('fetch and offsets', () => {
  it('fetch reads records with their keys, headers and offsets, and the high watermark', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    const producer = client.producer({ lingerMs: 1 });
    await producer.sendBatch([
      { topic: 't', key: 'k', value: 'v0', headers: { h: 'x' } },
      { topic: 't', value: 'v1', timestamp: 1234 },
    ]);
    const r = await client.consumer().fetch({ topic: 't', partition: 0, offset: 0 });
    expect(r.highWatermark).toBe(2);
    expect(r.records.map((x) => [x.offset, x.key?.toString() ?? null, x.value!.toString()])).toEqual([
      [0, 'k', 'v0'],
      [1, null, 'v1'],
    ]);
    expect(r.records[0].headers).toEqual([{ key: 'h', value: Buffer.from('x') }]);
    expect(r.records[1].timestamp).toBe(1234);
  });

  it('listOffsets finds the start, the end and the first offset at a time', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    const producer = client.producer({ lingerMs: 1 });
    await producer.sendBatch([10, 20, 30].map((ts) => ({ topic: 't', value: String(ts), timestamp: ts })));
    const c = client.consumer();
    expect(await c.listOffsets({ topic: 't', partition: 0, spec: 'earliest' })).toBe(0);
    expect(await c.listOffsets({ topic: 't', partition: 0, spec: 'latest' })).toBe(3);
    expect(await c.listOffsets({ topic: 't', partition: 0, spec: { timestamp: 15 } })).toBe(1);
  });

  it('a fetch past the log end fails with OffsetOutOfRangeError carrying the log end', async () => {
    const { cluster, client } = await setup(1);
    cluster.createTopic('t', 1);
    cluster.appendValues('t', 0, ['a']);
    const e = await client.consumer().fetch({ topic: 't', partition: 0, offset: 9 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OffsetOutOfRangeError);
    expect((e as OffsetOutOfRangeError).status).toBe(grpc.status.OUT_OF_RANGE);
    expect((e as OffsetOutOfRangeError).logEndOffset).toBe(1);
  });
});
