import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../raft';
import { type ErrorStatus, type FetchResponse, type FlotillaClient, META, OUTCOME, type ProduceResponse, type ProduceStreamResponse } from '../../proto/load';
import { encodeRecordBatch, readRecords, splitRecordBatches, validateRecordBatch } from '../records';
import { InProcessCluster, rawCall, rawClient, waitFor } from './in-process-cluster';

/**
 * A Produce request as a client sends it: one RecordBatch v2 of UTF-8 values, idempotent when
 * `producer` is given. Encoded once: a retry sends this same object, the same bytes.
 */
function produceRequest(topic: string, values: string[], producer?: { producerId: number; producerEpoch: number; baseSequence: number }, extra: Record<string, unknown> = {}) {
  const recordBatch = encodeRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: 1_700_000_000_000 })), producer ?? {});
  return { topic, partition: 0, acks: 'ACKS_ALL', recordBatch, ...extra };
}

/** The values of a fetch's records, as a consumer decodes them (every batch's CRC checked). */
function valuesOf(r: FetchResponse, from = 0): string[] {
  const out: string[] = [];
  for (const b of splitRecordBatches(r.recordBatches)) for (const rec of readRecords(b, validateRecordBatch(b), from)) out.push(Buffer.from(rec.value!).toString());
  return out;
}

/** Far beyond an election (200-400 ms here): an answer that took this long came from the deadline. */
const DEADLINE_MS = 20_000;

/** The trailing metadata a unary Produce failed with, as the keys of an in-band stream error. */
function metadataOf(e: grpc.ServiceError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.metadata.getMap())) if (k.startsWith('flotilla-')) out[k] = String(v);
  return out;
}

/** One unary Produce with its own deadline. */
function produce(client: FlotillaClient, req: unknown, deadline = Date.now() + DEADLINE_MS): Promise<ProduceResponse> {
  return new Promise((resolve, reject) => {
    (client.produce as unknown as (r: unknown, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, v?: ProduceResponse) => void) => void).call(
      client,
      req,
      { deadline },
      (e, v) => (e ? reject(e) : resolve(v!)),
    );
  });
}

/** One request on a fresh ProduceStream: its in-band answer. */
function produceOnStream(client: FlotillaClient, req: unknown): Promise<ProduceStreamResponse> {
  const stream = (client as unknown as { produceStream(o: grpc.CallOptions): grpc.ClientDuplexStream<unknown, ProduceStreamResponse> }).produceStream({
    deadline: Date.now() + DEADLINE_MS,
  });
  return new Promise((resolve, reject) => {
    stream.on('data', (m: ProduceStreamResponse) => {
      resolve(m);
      stream.end();
    });
    stream.on('error', reject);
    stream.write({ correlationId: 7, request: req });
  });
}

describe('a deposed leader answers its pending produces at once (3 nodes in one process)', () => {
  const cluster = new InProcessCluster(3);
  const clients: FlotillaClient[] = [];
  const client = (id: number) => {
    const c = rawClient(cluster.address(id));
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    await cluster.startAll();
  });
  afterEach(() => {
    for (const n of cluster.nodes.values()) n.dropOutgoing = undefined;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await cluster.close();
  });

  /** A new one-partition topic led by its preferred leader (so balancing leaves it there), all in sync. */
  async function newTopic(name: string) {
    const d = await cluster.client.admin().createTopic({ name, partitions: 1, replicationFactor: 3 });
    const { groupId: group, replicas } = d.partitions[0];
    const leader = replicas[0];
    await waitFor(async () => {
      const p = (await cluster.client.admin().describeTopic(name)).partitions[0];
      return p.leader === leader && p.inSyncReplicas.length === 3;
    }, `${name}: its preferred leader to lead with every replica in sync`);
    const followers = replicas.filter((r) => r !== leader);
    const { producerId, producerEpoch } = await rawCall<{ producerId: number; producerEpoch: number }>(client(leader), 'initProducer', { producerName: `${name}-writer` });
    return { group, leader, followers, producerId, producerEpoch };
  }

  /** Drop the messages of `group` between `a` and each of `others`, both ways, that `which` picks. */
  function cut(group: number, a: number, others: number[], which: (m: Message) => boolean = () => true): void {
    cluster.node(a).dropOutgoing = (g, m) => g === group && others.includes(m.to) && which(m);
    for (const o of others) cluster.node(o).dropOutgoing = (g, m) => g === group && m.to === a && which(m);
  }

  function leaderAmong(group: number, ids: number[]): number | undefined {
    return ids.find((id) => cluster.node(id).replica(group)?.describe().isLeader);
  }

  /** The retry a client makes at a new leader, which refuses (not written) until it applied its own term. */
  async function retryAt(at: number, req: unknown): Promise<ProduceResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await produce(client(at), req);
      } catch (e) {
        const meta = metadataOf(e as grpc.ServiceError);
        if (attempt > 100 || meta[META.error] !== 'NO_LEADER' || meta[META.outcome] !== OUTCOME.notWritten) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  async function logOf(topic: string, at: number): Promise<string[]> {
    const r = await rawCall<FetchResponse>(client(at), 'fetch', { topic, partition: 0, offset: 0, maxBytes: 0, maxWaitMs: 0, minBytes: 0 });
    return valuesOf(r);
  }

  function expectDeposedAnswer(metadata: Record<string, string>, status: number): void {
    expect(status).toBe(grpc.status.FAILED_PRECONDITION);
    expect(metadata[META.error]).toBe('NOT_LEADER');
    expect(metadata[META.outcome]).toBe(OUTCOME.unknown);
  }

  it('a produce pending on a leader cut off from its followers is answered NOT_LEADER (outcome unknown) before its deadline; its retry is written once at the new leader', async () => {
    const { group, leader, followers, producerId, producerEpoch } = await newTopic('cut-off');
    // The batch stays on the leader alone (heartbeats still flow, so it keeps leading meanwhile).
    cut(group, leader, followers, (m) => m.type === 'append' && m.entries.length > 0);
    const batch = produceRequest('cut-off', ['once'], { producerId, producerEpoch, baseSequence: 0 });
    const streamed = produceRequest('cut-off', ['streamed'], { producerId, producerEpoch, baseSequence: 1 });
    const deadline = Date.now() + DEADLINE_MS;
    const unary = produce(client(leader), batch, deadline).catch((e: grpc.ServiceError) => e);
    const stream = produceOnStream(client(leader), streamed);
    const replica = cluster.node(leader).replica(group)!;
    await waitFor(() => replica.describe().logEndOffset === replica.describe().highWatermark + 2, 'both batches to be pending on the leader');

    cut(group, leader, followers); // now the leader hears no one: check-quorum deposes it
    const answer = await unary;
    expect(Date.now()).toBeLessThan(deadline);
    expect(answer).toBeInstanceOf(Error);
    const e = answer as grpc.ServiceError;
    expectDeposedAnswer(metadataOf(e), e.code);
    expect(metadataOf(e)[META.leader]).toBeUndefined(); // cut off, it cannot know who leads now
    expect(e.details).toMatch(/cut-off.*partition 0.*lost the leadership.*outcome is unknown.*idempotent retry/);
    const inBand = await stream;
    expect(inBand.error).toBeDefined();
    expectDeposedAnswer(inBand.error!.metadata, inBand.error!.status);

    // The idempotent retry, at the leader the followers elected: written there once.
    let next: number | undefined;
    await waitFor(() => (next = leaderAmong(group, followers)) !== undefined, 'the followers to elect a leader');
    expect(await retryAt(next!, batch)).toMatchObject({ baseOffset: 0, lastOffset: 0, duplicate: false });
    expect(await produce(client(next!), streamed)).toMatchObject({ baseOffset: 1, lastOffset: 1, duplicate: false });
    expect(await produce(client(next!), batch)).toMatchObject({ baseOffset: 0, duplicate: true });

    cluster.node(leader).dropOutgoing = undefined;
    for (const f of followers) cluster.node(f).dropOutgoing = undefined;
    await waitFor(() => replica.state.nextOffset === 2, 'the old leader to catch up with the new one');
    expect(await logOf('cut-off', next!)).toEqual(['once', 'streamed']);
  });

  it('a batch that reached the followers before its leader was cut off: answered NOT_LEADER (outcome unknown); the retry is a duplicate, at the offset it is stored at', async () => {
    const { group, leader, followers, producerId, producerEpoch } = await newTopic('replicated');
    const replica = cluster.node(leader).replica(group)!;
    const entryIndex = replica.state.appliedIndex + 1;
    // The followers take the batch, but their acknowledgements never reach the leader.
    const acked = new Set<number>();
    cut(group, leader, followers, (m) => {
      if (m.type !== 'appendResponse') return false;
      if (!m.reject && m.index >= entryIndex) acked.add(m.from);
      return true;
    });
    const batch = produceRequest('replicated', ['kept-a', 'kept-b'], { producerId, producerEpoch, baseSequence: 0 });
    const deadline = Date.now() + DEADLINE_MS;
    const pending = produce(client(leader), batch, deadline).catch((e: grpc.ServiceError) => e);
    await waitFor(() => acked.size === 2, 'both followers to store the batch');

    cut(group, leader, followers);
    const answer = await pending;
    expect(Date.now()).toBeLessThan(deadline);
    expect(answer).toBeInstanceOf(Error);
    expectDeposedAnswer(metadataOf(answer as grpc.ServiceError), (answer as grpc.ServiceError).code);

    // Not "not written": the new leader commits it, and the retry learns where.
    let next: number | undefined;
    await waitFor(() => (next = leaderAmong(group, followers)) !== undefined, 'the followers to elect a leader');
    const retry = await retryAt(next!, batch);
    expect(retry).toMatchObject({ baseOffset: 0, lastOffset: 1, duplicate: true });
    expect(await logOf('replicated', next!)).toEqual(['kept-a', 'kept-b']);
  });

  it('refusals carry outcome not-written, the same metadata on unary Produce and in-band on ProduceStream', async () => {
    const { leader, followers, producerId, producerEpoch } = await newTopic('refusals');
    const ok = produceRequest('refusals', ['first'], { producerId, producerEpoch, baseSequence: 0 });
    const damaged = Buffer.from(ok.recordBatch);
    damaged[damaged.length - 2] ^= 0x20; // a byte of the record's value: the CRC no longer matches
    await produce(client(leader), ok);
    const cases: Array<{ at: number; req: unknown; code: string; meta?: Record<string, string> }> = [
      { at: followers[0], req: ok, code: 'NOT_LEADER', meta: { [META.leader]: String(leader), [META.leaderAddress]: cluster.address(leader) } },
      { at: leader, req: produceRequest('refusals', ['x'], { producerId, producerEpoch, baseSequence: 5 }), code: 'OUT_OF_ORDER_SEQUENCE', meta: { [META.expectedSequence]: '1' } },
      { at: leader, req: produceRequest('refusals', ['x'], { producerId: producerId + 1000, producerEpoch, baseSequence: 3 }), code: 'UNKNOWN_PRODUCER' },
      { at: leader, req: produceRequest('refusals', ['x'], undefined, { expectedOffset: 7 }), code: 'OFFSET_MISMATCH', meta: { [META.logEndOffset]: '1' } },
      { at: leader, req: { ...ok, topic: 'no-such-topic' }, code: 'UNKNOWN_TOPIC' },
      { at: leader, req: { ...ok, partition: 3 }, code: 'UNKNOWN_PARTITION' },
      { at: leader, req: { ...ok, acks: 5 }, code: 'INVALID_REQUEST' },
      { at: leader, req: { ...ok, recordBatch: Buffer.alloc(0) }, code: 'INVALID_REQUEST' },
      { at: leader, req: { ...ok, recordBatch: damaged }, code: 'INVALID_REQUEST' },
    ];
    for (const c of cases) {
      const unary = (await produce(client(c.at), c.req).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
      expect(unary, c.code).toBeInstanceOf(Error);
      const meta = metadataOf(unary);
      expect(meta, c.code).toEqual({ [META.error]: c.code, [META.outcome]: OUTCOME.notWritten, ...c.meta });
      const inBand = (await produceOnStream(client(c.at), c.req)).error as ErrorStatus;
      expect(inBand, c.code).toBeDefined();
      expect({ status: inBand.status, metadata: inBand.metadata }, c.code).toEqual({ status: unary.code, metadata: meta });
    }
    expect(await logOf('refusals', leader)).toEqual(['first']);
  });
});
