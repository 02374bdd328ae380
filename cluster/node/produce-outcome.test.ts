import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { type Entry, EntryType, ProposalDroppedError, type RaftNode, type Role, type Status } from '../../raft';
import { META, OUTCOME } from '../../proto/load';
import { decodeRecordBatch, encodeRecordBatch, NO_PRODUCER_ID, type TimestampType } from '../records';
import { realClock } from './host-clock';
import { PartitionReplica, type ProduceCall, type ReplicaHost } from './partition-replica';
import { RpcError, toProduceErrorStatus, toProduceServiceError } from './rpc-errors';

/**
 * The produce path of one replica against a scripted Raft node: every error it answers says what
 * happened to the batch (not-written / unknown), and a leader that stops leading the term a batch
 * was proposed in answers it at once.
 */

const SELF = 1;

/** A Raft node and host for one replica: the test decides the role, term and what is committed. */
class ScriptedRaft {
  term = 1;
  role: Role = 'leader';
  leader = SELF;
  lastIndex = 0;
  inSync = [1, 2, 3];
  dropNext: ProposalDroppedError | undefined;
  /** The host's clock: set to pin it, else the real one. */
  clock: number | undefined;
  readonly proposals: Entry[] = [];

  readonly host: ReplicaHost = {
    withNode: <T>(_group: number, fn: (node: RaftNode) => T): T => fn(this.node),
    status: () => this.status(),
    readEntries: async () => [],
    hint: (id) => ({ id, address: id ? `10.0.0.${id}:9092` : '' }),
    now: () => this.clock ?? Date.now(),
    self: SELF,
    after: (ms, fn) => realClock.after(ms, fn),
    fail: (_group, error) => {
      throw error;
    },
  };

  private readonly node = {
    propose: (data: Uint8Array) => {
      if (this.dropNext) {
        const e = this.dropNext;
        this.dropNext = undefined;
        throw e;
      }
      const entry: Entry = { index: ++this.lastIndex, term: this.term, type: EntryType.Normal, data };
      this.proposals.push(entry);
      return { index: entry.index, term: entry.term };
    },
    readIndex: () => undefined,
  } as unknown as RaftNode;

  status(): Status {
    return {
      id: SELF,
      term: this.term,
      vote: SELF,
      commit: 0,
      applied: 0,
      lastIndex: this.lastIndex,
      role: this.role,
      leader: this.leader,
      conf: { voters: [1, 2, 3], learners: [] },
      progress:
        this.role === 'leader'
          ? [1, 2, 3].map((id) => ({ id, isLearner: false, match: 0, next: 1, state: 'replicate' as const, ticksSinceContact: 0, heardFrom: true, inSync: this.inSync.includes(id), inflightMessages: 0, inflightBytes: 0 }))
          : undefined,
      transferee: 0,
    };
  }

  /** The no-op a new leader commits first: the replica accepts produces once it applied it. */
  noop(): Entry {
    return { index: ++this.lastIndex, term: this.term, type: EntryType.Normal, data: new Uint8Array(0) };
  }
}

function setup(minInsyncReplicas = 2, timestampType: TimestampType = 'create') {
  const raft = new ScriptedRaft();
  const replica = new PartitionReplica(
    { topic: 'orders', partition: 0, groupId: 7, stateOptions: {}, limits: { maxMessageBytes: 1000 }, timestampType, minInsyncReplicas, retention: {} },
    raft.host,
    { voters: [1, 2, 3], learners: [] },
  );
  replica.apply([raft.noop()]);
  return { raft, replica };
}

/** A call's batch as a producer encodes it: `values` (timestamp 1), producer 5 epoch 0 from sequence 0 unless told otherwise (producerId -1: not idempotent). */
interface CallSpec extends Partial<Omit<ProduceCall, 'batch'>> {
  readonly values?: readonly string[];
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
}

function batchOf({ values = ['a'], producerId = 5, producerEpoch = 0, baseSequence = 0 }: CallSpec = {}): Buffer {
  const records = values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: 1 }));
  return encodeRecordBatch(records, producerId === NO_PRODUCER_ID ? {} : { producerId, producerEpoch, baseSequence });
}

function call(over: CallSpec = {}): ProduceCall {
  const { values: _v, producerId: _p, producerEpoch: _e, baseSequence: _s, ...rest } = over;
  return { batch: batchOf(over), acks: 'ACKS_ALL', deadline: Date.now() + 60_000, ...rest };
}

type Settled = { state: 'pending' } | { state: 'fulfilled'; value: unknown } | { state: 'rejected'; error: RpcError };

/** Where `p` stands once the microtasks queued so far have run. */
async function settled(p: Promise<unknown>): Promise<Settled> {
  let s: Settled = { state: 'pending' };
  p.then(
    (value) => {
      s = { state: 'fulfilled', value };
    },
    (error: RpcError) => {
      s = { state: 'rejected', error };
    },
  );
  await new Promise((r) => setImmediate(r));
  return s;
}

async function failure(p: Promise<unknown>): Promise<RpcError> {
  const s = await settled(p);
  if (s.state !== 'rejected') throw new Error(`expected the produce to fail at once, it is ${s.state}`);
  expect(s.error).toBeInstanceOf(RpcError);
  return s.error;
}

describe('produce outcome: refused before proposing is not-written', () => {
  it('a replica that does not lead: NOT_LEADER / NO_LEADER, not written', async () => {
    const { raft, replica } = setup();
    raft.role = 'follower';
    raft.leader = 2;
    const e = await failure(replica.produce(call()));
    expect([e.code, e.outcome, e.meta[META.leader]]).toEqual(['NOT_LEADER', OUTCOME.notWritten, '2']);
    raft.leader = 0;
    expect(await failure(replica.produce(call()))).toMatchObject({ code: 'NO_LEADER', outcome: OUTCOME.notWritten });
    expect(raft.proposals).toHaveLength(0);
  });

  it('a leader that has not applied its own term yet, too few replicas in sync, a dropped proposal: not written', async () => {
    const { raft, replica } = setup();
    raft.term = 2; // elected again, its no-op of term 2 not applied yet
    expect(await failure(replica.produce(call()))).toMatchObject({ code: 'NO_LEADER', outcome: OUTCOME.notWritten });
    replica.apply([raft.noop()]);
    raft.inSync = [1];
    expect(await failure(replica.produce(call()))).toMatchObject({ code: 'NOT_ENOUGH_REPLICAS', outcome: OUTCOME.notWritten });
    raft.inSync = [1, 2, 3];
    raft.dropNext = new ProposalDroppedError('tooManyUncommitted', 'too much uncommitted');
    expect(await failure(replica.produce(call()))).toMatchObject({ code: 'NOT_ENOUGH_REPLICAS', outcome: OUTCOME.notWritten });
    raft.dropNext = new ProposalDroppedError('transferring', 'leadership transfer under way');
    expect(await failure(replica.produce(call()))).toMatchObject({ code: 'NO_LEADER', outcome: OUTCOME.notWritten });
    expect(raft.proposals).toHaveLength(0);
  });

  it('validation, sequence, fencing and offset refusals: not written', async () => {
    const { raft, replica } = setup();
    expect(await failure(replica.produce(call({ values: ['x'.repeat(2000)] })))).toMatchObject({ code: 'RECORD_TOO_LARGE', outcome: OUTCOME.notWritten });
    expect(await failure(replica.produce(call({ baseSequence: 3 })))).toMatchObject({ code: 'UNKNOWN_PRODUCER', outcome: OUTCOME.notWritten });
    expect(await failure(replica.produce(call({ producerId: NO_PRODUCER_ID, expectedOffset: 9 })))).toMatchObject({ code: 'OFFSET_MISMATCH', outcome: OUTCOME.notWritten });
    // A stored batch of producer 5 epoch 1, then the sequence checks against it.
    const first = replica.produce(call({ producerEpoch: 1 }));
    replica.apply([raft.proposals[0]]);
    expect(await first).toMatchObject({ baseOffset: 0, duplicate: false });
    expect(await failure(replica.produce(call({ producerEpoch: 1, baseSequence: 4 })))).toMatchObject({ code: 'OUT_OF_ORDER_SEQUENCE', outcome: OUTCOME.notWritten });
    expect(await failure(replica.produce(call({ producerEpoch: 0, baseSequence: 1 })))).toMatchObject({ code: 'FENCED', outcome: OUTCOME.notWritten });
    expect(raft.proposals).toHaveLength(1);
  });

  it('a damaged or truncated batch: INVALID_REQUEST naming the problem, not written, nothing proposed', async () => {
    const { raft, replica } = setup();
    const damaged = batchOf({ values: ['abc'] });
    damaged[damaged.length - 2] ^= 0xff;
    const crc = await failure(replica.produce({ ...call(), batch: damaged }));
    expect(crc).toMatchObject({ code: 'INVALID_REQUEST', outcome: OUTCOME.notWritten });
    expect(crc.message).toMatch(/orders.*partition 0.*CRC32C mismatch/);
    const truncated = batchOf().subarray(0, 40);
    expect(await failure(replica.produce({ ...call(), batch: truncated }))).toMatchObject({ code: 'INVALID_REQUEST', outcome: OUTCOME.notWritten });
    expect(raft.proposals).toHaveLength(0);
  });

  it('a group closed (topic deleted, node stopping) refuses new batches as not written', async () => {
    const { replica } = setup();
    replica.close(() => new RpcError(grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', 'deleted'));
    expect(await failure(replica.produce(call()))).toMatchObject({ code: 'UNKNOWN_TOPIC', outcome: OUTCOME.notWritten });
  });
});

describe('the batch a replica proposes', () => {
  it("is its own copy, stamped: the caller's bytes (a view into a larger buffer, as a network read gives) are left as they were", async () => {
    const { raft, replica } = setup();
    const sent = batchOf({ values: ['x', 'y'] });
    const frame = Buffer.concat([Buffer.from('header'), sent, Buffer.from('trailer')]);
    const view = frame.subarray(6, 6 + sent.length);
    const frameBefore = Buffer.from(frame);
    const p = replica.produce({ ...call(), batch: view });
    expect(raft.proposals).toHaveLength(1);
    const proposed = raft.proposals[0].data;
    expect(frame).toEqual(frameBefore);
    expect(proposed.buffer).not.toBe(frame.buffer);
    expect(proposed.byteLength).toBe(sent.length);
    const { header, records } = decodeRecordBatch(proposed);
    expect(header).toMatchObject({ baseOffset: 0, partitionLeaderEpoch: 1, producerId: 5, producerEpoch: 0, baseSequence: 0 });
    expect(records.map((r) => Buffer.from(r.value!).toString())).toEqual(['x', 'y']);
    replica.apply([raft.proposals[0]]);
    expect(await p).toMatchObject({ baseOffset: 0, lastOffset: 1, duplicate: false });
  });

  it('CreateTime topic: the records keep the producer timestamps and the answer has logAppendTimeMs -1', async () => {
    const { raft, replica } = setup(2, 'create');
    raft.clock = 1_700_000_000_000;
    const p = replica.produce(call({ values: ['a', 'b'] }));
    replica.apply([raft.proposals[0]]);
    expect(await p).toEqual({ baseOffset: 0, lastOffset: 1, logAppendTimeMs: -1, duplicate: false });
    expect(decodeRecordBatch(raft.proposals[0].data).records.map((r) => r.timestamp)).toEqual([1, 1]);
  });

  it("LogAppendTime topic: every record carries the leader's clock, which the answer gives as logAppendTimeMs", async () => {
    const { raft, replica } = setup(2, 'logAppend');
    raft.clock = 1_700_000_000_000;
    const p = replica.produce(call({ values: ['a', 'b'] }));
    replica.apply([raft.proposals[0]]);
    expect(await p).toEqual({ baseOffset: 0, lastOffset: 1, logAppendTimeMs: 1_700_000_000_000, duplicate: false });
    const { header, records } = decodeRecordBatch(raft.proposals[0].data);
    expect([header.timestampType, header.maxTimestamp]).toEqual(['logAppend', 1_700_000_000_000]);
    expect(records.map((r) => r.timestamp)).toEqual([1_700_000_000_000, 1_700_000_000_000]);
    // A faithful retry later is still the same batch: the leader's stamp is not part of what is compared.
    raft.clock += 5_000;
    // Answered -1, as Kafka answers a duplicate: the retry's own clock is not what the records carry.
    expect(await replica.produce(call({ values: ['a', 'b'] }))).toEqual({ baseOffset: 0, lastOffset: 1, logAppendTimeMs: -1, duplicate: true });
    expect(raft.proposals).toHaveLength(1);
  });
});

describe('produce outcome once proposed: unknown unless proven overwritten', () => {
  it('a pending batch past its deadline answers TIMEOUT, outcome unknown', async () => {
    const { raft, replica } = setup();
    const p = replica.produce(call({ deadline: 1 }));
    expect(raft.proposals).toHaveLength(1);
    replica.expire(Date.now());
    expect(await failure(p)).toMatchObject({ status: grpc.status.DEADLINE_EXCEEDED, code: 'TIMEOUT', outcome: OUTCOME.unknown });
  });

  it('a snapshot replacing the log, the node stopping, the topic deleted, the group failing: unknown', async () => {
    let { raft, replica } = setup();
    let p = replica.produce(call());
    expect(raft.proposals).toHaveLength(1);
    const ahead = setup(); // the new leader's state, ten entries on
    ahead.replica.apply(Array.from({ length: 9 }, () => ahead.raft.noop()));
    replica.restore(ahead.replica.state.snapshot());
    expect(await failure(p)).toMatchObject({ code: 'TIMEOUT', outcome: OUTCOME.unknown });

    ({ raft, replica } = setup());
    p = replica.produce(call());
    replica.close(() => new RpcError(grpc.status.UNAVAILABLE, 'SHUTTING_DOWN', 'stopping'), () => replica.unknownOutcome('node 1 stopped'));
    expect(await failure(p)).toMatchObject({ code: 'TIMEOUT', outcome: OUTCOME.unknown });

    ({ raft, replica } = setup());
    p = replica.produce(call());
    replica.close(() => new RpcError(grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', 'deleted'));
    expect(await failure(p)).toMatchObject({ code: 'UNKNOWN_TOPIC', outcome: OUTCOME.unknown });

    ({ raft, replica } = setup());
    p = replica.produce(call());
    // An entry out of order breaks the state machine's invariant: apply throws, the host fences the
    // group (MultiRaft calls failed()), pending writes are answered unknown and nothing is served.
    const broken = (() => {
      try {
        replica.apply([{ ...raft.proposals[0], index: 5 }]);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(broken).toBeInstanceOf(Error);
    replica.failed({ group: 7, error: broken!, attempts: 1, final: false, commitAt: 0, at: Date.now() });
    expect(await failure(p)).toMatchObject({ code: 'TIMEOUT', outcome: OUTCOME.unknown });
    const refused = await failure(replica.produce(call()));
    expect(refused).toMatchObject({ code: 'NOT_LEADER', outcome: OUTCOME.notWritten });
    expect(refused.message).toMatch(/fenced/);
  });

  it('an index applied with another term proves the batch was overwritten: not written', async () => {
    const { raft, replica } = setup();
    const p = replica.produce(call());
    const mine = raft.proposals[0];
    raft.role = 'follower';
    raft.leader = 2;
    raft.term = 2;
    // Its entry is overwritten in the same Ready that tells of the new leader (apply comes first).
    replica.apply([{ index: mine.index, term: 2, type: EntryType.Normal, data: new Uint8Array(0) }]);
    replica.roleChanged({ leader: 2, role: 'follower' });
    expect(await failure(p)).toMatchObject({ code: 'NOT_LEADER', outcome: OUTCOME.notWritten });
  });

  it('an acks=leader index persisted with another term is no such proof (not committed): unknown', async () => {
    const { raft, replica } = setup();
    const p = replica.produce(call({ acks: 'ACKS_LEADER' }));
    const mine = raft.proposals[0];
    replica.persisted([{ index: mine.index, term: 2, type: EntryType.Normal, data: new Uint8Array(0) }]);
    expect(await failure(p)).toMatchObject({ code: 'NOT_LEADER', outcome: OUTCOME.unknown });
  });
});

describe('a deposed leader answers its pending produces at once', () => {
  it('stepping down answers every pending acks=all and acks=leader batch: NOT_LEADER, outcome unknown, the new leader as hint', async () => {
    const { raft, replica } = setup();
    const all = replica.produce(call());
    const leader = replica.produce(call({ acks: 'ACKS_LEADER', producerId: 6 }));
    expect((await settled(all)).state).toBe('pending');
    expect((await settled(leader)).state).toBe('pending');
    raft.role = 'follower';
    raft.term = 2;
    raft.leader = 3;
    replica.roleChanged({ leader: 3, role: 'follower' });
    for (const p of [all, leader]) {
      const e = await failure(p);
      expect(e).toMatchObject({ status: grpc.status.FAILED_PRECONDITION, code: 'NOT_LEADER', outcome: OUTCOME.unknown });
      expect(e.meta).toEqual({ [META.leader]: '3', [META.leaderAddress]: '10.0.0.3:9092' });
      expect(e.message).toMatch(/orders.*partition 0.*lost the leadership of term 1.*node 3 \(10\.0\.0\.3:9092\) leads it now.*outcome is unknown.*idempotent retry/);
    }
  });

  it('stepping down with no leader known (check-quorum, a higher-term vote) answers at once without a hint', async () => {
    const { raft, replica } = setup();
    const p = replica.produce(call());
    raft.role = 'follower';
    raft.leader = 0;
    replica.roleChanged({ leader: 0, role: 'follower' });
    const e = await failure(p);
    expect(e).toMatchObject({ code: 'NOT_LEADER', outcome: OUTCOME.unknown, meta: {} });
    expect(e.message).toMatch(/new leader is not known here yet/);
  });

  it('leading a later term answers the batches of the earlier one, and keeps its own', async () => {
    const { raft, replica } = setup();
    const old = replica.produce(call());
    void settled(old); // it fails inside the next produce call: handle it from the start
    raft.term = 3; // deposed and elected again between two Readys: the soft state never changed
    const early = replica.produce(call({ producerId: 8 }));
    expect(await failure(early)).toMatchObject({ code: 'NO_LEADER', outcome: OUTCOME.notWritten }); // term 3's no-op is not applied yet
    expect(await failure(old)).toMatchObject({ code: 'NOT_LEADER', outcome: OUTCOME.unknown });
    replica.apply([raft.proposals[0], raft.noop()]);
    const mine = replica.produce(call({ producerId: 8 }));
    expect((await settled(mine)).state).toBe('pending');
    replica.roleChanged({ leader: SELF, role: 'leader' });
    expect((await settled(mine)).state).toBe('pending');
    replica.apply([raft.proposals[1]]);
    expect(await settled(mine)).toMatchObject({ state: 'fulfilled', value: { baseOffset: 1, duplicate: false } });
  });

  it('an acks=leader batch persisted before the step-down was answered at persist; acks=all waits for its apply in its term', async () => {
    const { raft, replica } = setup();
    const leader = replica.produce(call({ acks: 'ACKS_LEADER', producerId: 6 }));
    replica.persisted([raft.proposals[0]]);
    expect(await settled(leader)).toMatchObject({ state: 'fulfilled', value: { baseOffset: 0, duplicate: false } });
    const all = replica.produce(call({ producerId: 9 }));
    replica.persisted([raft.proposals[1]]);
    expect((await settled(all)).state).toBe('pending');
    replica.apply([raft.proposals[0], raft.proposals[1]]);
    expect(await settled(all)).toMatchObject({ state: 'fulfilled', value: { baseOffset: 1, duplicate: false } });
    raft.role = 'follower';
    replica.roleChanged({ leader: 0, role: 'follower' });
    expect(await all).toMatchObject({ baseOffset: 1 }); // answered before: the step-down changes nothing
  });
});

describe('a produce error never leaves without its outcome', () => {
  it('unary and in-band stream errors carry the same metadata, flotilla-outcome included', () => {
    const e = new RpcError(grpc.status.FAILED_PRECONDITION, 'NOT_LEADER', 'moved', { [META.leader]: '2' }, OUTCOME.unknown);
    const unary = toProduceServiceError(e);
    const stream = toProduceErrorStatus(e);
    expect(unary.metadata!.getMap()).toEqual(stream.metadata);
    expect(stream).toEqual({ status: grpc.status.FAILED_PRECONDITION, message: 'moved', metadata: { [META.error]: 'NOT_LEADER', [META.leader]: '2', [META.outcome]: OUTCOME.unknown } });
  });

  it('an error that escaped the classification is answered INTERNAL, outcome unknown, naming the bug', () => {
    const stream = toProduceErrorStatus(new RpcError(grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', 'no such topic'));
    expect(stream.status).toBe(grpc.status.INTERNAL);
    expect(stream.metadata).toMatchObject({ [META.error]: 'INTERNAL', [META.outcome]: OUTCOME.unknown });
    expect(stream.message).toMatch(/without its outcome.*UNKNOWN_TOPIC: no such topic/);
    expect(toProduceServiceError(new Error('boom')).metadata!.get(META.outcome)).toEqual([OUTCOME.unknown]);
  });

  it('a linearizable read (latest offset) pending on a leader that steps down is answered NOT_LEADER at once, not at its deadline', async () => {
    const { raft, replica } = setup();
    const p = replica.listOffset('latest', Date.now() + 60_000);
    expect((await settled(p)).state).toBe('pending');
    raft.role = 'follower';
    raft.leader = 3;
    replica.roleChanged({ leader: 3, role: 'follower' });
    const s = await settled(p);
    expect(s.state).toBe('rejected');
    expect(s.state === 'rejected' && s.error).toMatchObject({ code: 'NOT_LEADER' });
  });
});

describe('reads on a leader that is new or deposed', () => {
  it('a new leader serves no fetch until it has applied its own no-op (its high watermark may lag the old leader\'s)', async () => {
    const { raft, replica } = setup();
    const p = replica.produce(call());
    replica.apply([raft.proposals[0]]);
    await p;
    // Elected for term 2; the entries of term 1 it has not applied yet may hold records the old leader served.
    raft.term = 2;
    const early = await failure(replica.fetch(1, 0, 0, 0));
    expect(early).toMatchObject({ code: 'NO_LEADER' });
    expect(early.message).toMatch(/still applying/);
    replica.apply([raft.noop()]);
    const r = await replica.fetch(1, 0, 0, 0);
    expect(r.highWatermark).toBe(1);
  });

  it('a fetch past the end confirms the leadership first: a deposed leader answers NOT_LEADER, not OFFSET_OUT_OF_RANGE', async () => {
    const { raft, replica } = setup();
    // This node still believes it leads, but a new leader has written past its end already.
    const p = replica.fetch(5, 0, 0, 0);
    expect((await settled(p)).state).toBe('pending'); // waiting on ReadIndex, not answered out of range
    raft.role = 'follower';
    raft.leader = 2;
    replica.roleChanged({ role: 'follower', leader: 2 });
    expect(await failure(p)).toMatchObject({ code: 'NOT_LEADER' });
  });
});
