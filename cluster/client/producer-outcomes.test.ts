import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { META, OUTCOME } from '../../proto/load';
import { FencedError, FlotillaError, Flotilla } from './index';
import { FakeCluster, failure, type ProduceCall, type ProduceFault } from './test-broker';

/**
 * The idempotent producer's acknowledgements are the truth, whatever a broker does with an attempt.
 * Every attempt of every batch ends in one of the outcomes a real broker can give (see the fault
 * model in test-broker.ts): stored or not, answered with success, with an error (marked with its
 * outcome or not), not answered, or with the stream broken; leaders move and partitions go without
 * a leader for longer than the producer's retries. Then:
 *   - an acknowledged record is in the log exactly once, at the offset it was acknowledged with;
 *   - a record that failed as "not written" (outcomeUnknown false) is not in the log;
 *   - a record that failed with an unknown outcome is in the log at most once;
 *   - the log holds what was written in send order, and nothing twice;
 *   - once the faults end, the producer writes again.
 */

const ATTEMPTS = [
  'ok',
  'stored-no-answer',
  'stored-break',
  'stored-timeout',
  'stored-deposed',
  'stored-no-leader-unmarked',
  'stored-not-enough-replicas-unmarked',
  'lost-drop',
  'lost-break',
  'lost-timeout',
  'moved',
  'no-leader',
  'not-enough-replicas',
] as const;
type Attempt = (typeof ATTEMPTS)[number];

let cluster: FakeCluster;
let client: Flotilla;

beforeAll(async () => {
  cluster = await FakeCluster.start(2);
  client = new Flotilla({
    brokers: [cluster.addresses[0]],
    requestTimeoutMs: 120,
    retry: { retries: 3, initialBackoffMs: 1, maxBackoffMs: 4 },
  });
});

afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

/** The first success of a few tries, 25 ms apart (each try is a new send of the same value). */
async function sendSoon<T>(send: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await send();
    } catch (error) {
      if (i >= 20) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

const other = (leader: number) => (leader === 1 ? 2 : 1);

/** Applies one scripted attempt outcome to a produce call. */
function inject(call: ProduceCall, kind: Attempt, noLeaderMs: number, topic: string): ProduceFault {
  const p = cluster.topics.get(topic)!.partitions[call.request.partition];
  const leaderOf = (id: number) => ({ [META.leader]: String(id), [META.leaderAddress]: cluster.broker(id).address });
  const noLeaderFor = (ms: number) => {
    const next = other(p.leader || 1);
    p.leader = 0;
    setTimeout(() => (p.leader = next), ms);
  };
  const store = () => cluster.produce(call.broker, call.request);
  switch (kind) {
    case 'ok':
      return undefined;
    case 'stored-no-answer':
      store();
      return 'drop';
    case 'stored-break':
      store();
      return 'break-stream';
    case 'stored-timeout':
      store();
      return { error: failure(grpc.status.DEADLINE_EXCEEDED, 'TIMEOUT', 'not committed in time', { [META.outcome]: OUTCOME.unknown }) };
    case 'stored-deposed': {
      store();
      const to = other(call.broker);
      p.leader = to;
      return { error: failure(grpc.status.FAILED_PRECONDITION, 'NOT_LEADER', 'leadership moved while the batch was pending', { [META.outcome]: OUTCOME.unknown, ...leaderOf(to) }) };
    }
    case 'stored-no-leader-unmarked':
      // Stored, then the leader died; the answer has no outcome key (a server that does not say).
      store();
      noLeaderFor(noLeaderMs);
      return { error: failure(grpc.status.UNAVAILABLE, 'NO_LEADER', 'partition has no leader') };
    case 'stored-not-enough-replicas-unmarked':
      store();
      return { error: failure(grpc.status.UNAVAILABLE, 'NOT_ENOUGH_REPLICAS', 'too few replicas in sync') };
    case 'lost-drop':
      return 'drop';
    case 'lost-break':
      return 'break-stream';
    case 'lost-timeout':
      return { error: failure(grpc.status.DEADLINE_EXCEEDED, 'TIMEOUT', 'not committed in time', { [META.outcome]: OUTCOME.unknown }) };
    case 'moved':
      p.leader = other(p.leader || 1); // this call hits the old leader: a real refusal with a hint
      return undefined;
    case 'no-leader':
      noLeaderFor(noLeaderMs); // this call and the next ones for a while: NO_LEADER, not written
      return undefined;
    case 'not-enough-replicas':
      return { error: failure(grpc.status.UNAVAILABLE, 'NOT_ENOUGH_REPLICAS', 'too few replicas in sync', { [META.outcome]: OUTCOME.notWritten }) };
  }
}

describe('idempotent producer acknowledgements under every attempt outcome', () => {
  let run = 0;

  it('an acknowledged record is in the log once at its offset; a "not written" one is absent; an unknown one is there at most once', { timeout: 900_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...ATTEMPTS), { minLength: 1, maxLength: 14 }),
        fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 2, max: 24 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 2 }),
        fc.boolean(),
        async (script, windows, count, retries, maxInflight, verifyDuplicates, partitions, named) => {
          const topic = `outcomes-${run}`;
          cluster.createTopic(topic, partitions, 1);
          cluster.verifyDuplicates = verifyDuplicates;
          const faults = [...script];
          let w = 0;
          cluster.produceFault = (call) => {
            if (call.request.topic !== topic) return undefined;
            const kind = faults.shift() ?? 'ok';
            return inject(call, kind, windows[w++ % windows.length], topic);
          };
          // A named producer resets through the cluster (one epoch bump shared by its partitions).
          const producer = client.producer({ lingerMs: 0, batchBytes: 40, maxInflight, retries, producerName: named ? `outcomes-writer-${run++}` : undefined });
          if (!named) run++;
          const sent = Array.from({ length: count }, (_, i) => `${topic}-${i}`);
          const partitionOf = (i: number) => i % partitions;
          const half = Math.ceil(count / 2);
          // Two waves: the second is numbered after whatever the first left behind.
          const send = (i: number) => producer.send({ topic, partition: partitionOf(i), value: sent[i] });
          const first = await Promise.allSettled(sent.slice(0, half).map((_, i) => send(i)));
          const second = await Promise.allSettled(sent.slice(half).map((_, i) => send(half + i)));
          const results = [...first, ...second];
          // Faults over: the producer must write again (with retries 0 a redirect costs a send).
          faults.length = 0;
          const after = await Promise.all(
            Array.from({ length: partitions }, (_, q) => sendSoon(() => producer.send({ topic, partition: q, value: `${topic}-after-${q}` }))),
          );
          await producer.close();
          cluster.produceFault = () => undefined;

          for (let q = 0; q < partitions; q++) {
            const log = cluster.topics.get(topic)!.partitions[q].log.map((r) => r.value!.toString());
            const records = log.filter((v) => !v.startsWith(`${topic}-after`));
            expect(new Set(records).size, `a record is in partition ${q} twice: ${log.join(' ')}`).toBe(records.length);
            expect(log[after[q].offset]).toBe(`${topic}-after-${q}`);
            const ackedOffsets: number[] = [];
            results.forEach((r, i) => {
              if (partitionOf(i) !== q) {
                expect(records, `${sent[i]} is in partition ${q}, not its own`).not.toContain(sent[i]);
              } else if (r.status === 'fulfilled') {
                expect(log[r.value.offset], `${sent[i]} acknowledged at offset ${r.value.offset}; log: ${log.join(' ')}`).toBe(sent[i]);
                ackedOffsets.push(r.value.offset);
              } else {
                const e = r.reason as FlotillaError;
                expect(e).toBeInstanceOf(FlotillaError);
                if (!e.outcomeUnknown) {
                  expect(log, `${sent[i]} failed as not written (${e.code}: ${e.message}) but is in the log`).not.toContain(sent[i]);
                }
              }
            });
            expect(ackedOffsets).toEqual([...ackedOffsets].sort((x, y) => x - y));
            // Whatever was written went in in send order.
            const positions = records.map((v) => sent.indexOf(v));
            expect(positions).toEqual([...positions].sort((x, y) => x - y));
          }
        },
      ),
      // A run that never settles is a failure too (a producer stuck on a partition).
      { numRuns: Number(process.env.FLOTILLA_PROP_RUNS ?? 60), timeout: 15_000 },
    );
  });
});

describe('a batch whose fate is unknown', () => {
  it('stored, then answered NO_LEADER until the retries ran out: it fails as outcome unknown, and the next record is not acknowledged with its offset', async () => {
    const topic = 'issue-example';
    cluster.createTopic(topic, 1, 1);
    const p = cluster.topics.get(topic)!.partitions[0];
    let calls = 0;
    cluster.produceFault = (call) => {
      if (call.request.topic !== topic || calls++ > 0) return undefined;
      // The first attempt is stored, then the leader dies before answering.
      cluster.produce(call.broker, call.request);
      p.leader = 0;
      setTimeout(() => (p.leader = 1), 150);
      return { error: failure(grpc.status.UNAVAILABLE, 'NO_LEADER', 'partition has no leader') };
    };
    cluster.verifyDuplicates = false; // a server that matches sequences alone must not fool the producer either
    const producer = client.producer({ lingerMs: 0, retries: 2 });
    const first = await producer.send({ topic, value: 'p1-4535' }).catch((e: FlotillaError) => e);
    await new Promise((r) => setTimeout(r, 200));
    const second = await producer.send({ topic, value: 'p1-4536' });
    await producer.close();
    cluster.produceFault = () => undefined;
    cluster.verifyDuplicates = true;
    expect(first).toBeInstanceOf(FlotillaError);
    expect((first as FlotillaError).outcomeUnknown).toBe(true);
    expect((first as FlotillaError).message).toMatch(/outcome of 1 record\(s\) is unknown/);
    const log = p.log.map((r) => r.value!.toString());
    expect(log).toEqual(['p1-4535', 'p1-4536']);
    expect(second.offset).toBe(1);
    // The second record went out under a higher epoch, from sequence 0.
    const last = cluster.produceCalls.filter((c) => c.request.topic === topic).at(-1)!.batch;
    expect(last.producerEpoch).toBe(1);
    expect(last.baseSequence).toBe(0);
  });

  it('a named producer takes its next epoch from the cluster, not by itself', async () => {
    const topic = 'named-reset';
    cluster.createTopic(topic, 1, 1);
    let calls = 0;
    cluster.produceFault = (call) => {
      if (call.request.topic !== topic || calls++ > 0) return undefined;
      return { error: failure(grpc.status.INVALID_ARGUMENT, 'RECORD_TOO_LARGE', 'too large', { [META.outcome]: OUTCOME.notWritten }) };
    };
    const producer = client.producer({ lingerMs: 0, producerName: 'named-reset-writer' });
    const refused = await producer.send({ topic, value: 'big' }).catch((e: FlotillaError) => e);
    expect(refused).toMatchObject({ code: 'RECORD_TOO_LARGE', outcomeUnknown: false });
    await producer.send({ topic, value: 'small' });
    await producer.close();
    cluster.produceFault = () => undefined;
    const epochs = cluster.produceCalls.filter((c) => c.request.topic === topic).map((c) => c.batch.producerEpoch);
    // InitProducer with the name bumped the epoch: another instance can never be handed the same one.
    expect(epochs).toEqual([0, 1]);
    expect(cluster.topics.get(topic)!.partitions[0].log.map((r) => r.value!.toString())).toEqual(['small']);
  });

  it('a fenced instance that resets one partition does not take the name back from the instance that fenced it', async () => {
    cluster.createTopic('fencing', 2);
    const old = client.producer({ lingerMs: 0, producerName: 'app' });
    await old.send({ topic: 'fencing', partition: 0, value: 'old-0' });
    await old.send({ topic: 'fencing', partition: 1, value: 'old-1' });
    // A new instance of 'app' starts (epoch 1) and writes partition 0: the old one is a zombie now.
    const fresh = client.producer({ lingerMs: 0, producerName: 'app' });
    await fresh.send({ topic: 'fencing', partition: 0, value: 'fresh-0' });
    // The zombie's next batch on partition 1 is refused for good (any give-up does it: an
    // OFFSET_MISMATCH, a record too large, a delivery timeout): partition 1 resets via InitProducer('app').
    let refusedOnce = false;
    cluster.produceFault = (call) => {
      if (call.request.topic !== 'fencing') return undefined;
      if (!refusedOnce && String(call.batch.records[0].value) === 'zombie-big') {
        refusedOnce = true;
        return { error: failure(grpc.status.INVALID_ARGUMENT, 'RECORD_TOO_LARGE', 'too large', { [META.outcome]: OUTCOME.notWritten }) };
      }
      return undefined;
    };
    await old.send({ topic: 'fencing', partition: 1, value: 'zombie-big' }).catch(() => undefined);
    const zombie = await old.send({ topic: 'fencing', partition: 1, value: 'zombie-1' }).then(
      () => 'written',
      (e: unknown) => e,
    );
    const legit = await fresh.send({ topic: 'fencing', partition: 1, value: 'fresh-1' }).then(
      () => 'written',
      (e: unknown) => e,
    );
    cluster.produceFault = () => undefined;
    await Promise.all([old.close().catch(() => undefined), fresh.close()]);
    const epochs = cluster.produceCalls.filter((c) => c.request.topic === 'fencing').map((c) => `${String(c.batch.records[0].value)}@${c.batch.producerEpoch}`);
    // The bug this guards against: the zombie took epoch 2 from InitProducer and wrote partition 1; the new
    // instance (epoch 1) is fenced there by the zombie.
    expect({ zombie, legit, epochs }).toMatchObject({ zombie: expect.any(FencedError), legit: 'written' });
  });

  it('a named producer whose partitions give up batches at the same time moves them all to its next epoch, and does not fence itself', async () => {
    const topic = 'named-both';
    cluster.createTopic(topic, 2, 1);
    const refused = new Set<number>();
    cluster.produceFault = (call) => {
      if (call.request.topic !== topic || refused.has(call.request.partition)) return undefined;
      refused.add(call.request.partition);
      return { error: failure(grpc.status.INVALID_ARGUMENT, 'RECORD_TOO_LARGE', 'too large', { [META.outcome]: OUTCOME.notWritten }) };
    };
    const producer = client.producer({ lingerMs: 0, producerName: 'named-both-writer' });
    const first = await Promise.allSettled([0, 1].map((partition) => producer.send({ topic, partition, value: `big-${partition}` })));
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    // Both partitions reset at once; the second must not present an epoch the first one moved past.
    const after = await Promise.all([0, 1].map((partition) => producer.send({ topic, partition, value: `small-${partition}` })));
    await producer.close();
    cluster.produceFault = () => undefined;
    expect(after.map((m) => m.offset)).toEqual([0, 0]);
    const epochs = cluster.produceCalls.filter((c) => c.request.topic === topic).map((c) => `${c.request.partition}@${c.batch.producerEpoch}`);
    expect(epochs.sort()).toEqual(['0@0', '0@1', '1@0', '1@1']);
  });

  it('a record that cannot be delivered fails at its delivery timeout, as outcome unknown if it was sent', { timeout: 8000 }, async () => {
    const topic = 'delivery-timeout';
    cluster.createTopic(topic, 1, 1);
    const slow = new Flotilla({ brokers: [cluster.addresses[0]], requestTimeoutMs: 30_000, retry: { retries: 20, initialBackoffMs: 1, maxBackoffMs: 4 } });
    cluster.produceFault = (call) => (call.request.topic === topic ? 'drop' : undefined);
    try {
      const producer = slow.producer({ lingerMs: 0, deliveryTimeoutMs: 400 });
      const error = await producer.send({ topic, value: 'never answered' }).catch((e: FlotillaError) => e);
      expect(error).toMatchObject({ code: 'DEADLINE_EXCEEDED', outcomeUnknown: true });
    } finally {
      cluster.produceFault = () => undefined;
      await slow.close();
    }
  });
});
