import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EntryType, ProposalDroppedError } from '../../raft';
import { bytesOf, recordArb } from './arbitraries';
import { decodeRecordBatch, encodeRecordBatch, readRecordBatchHeader, type RecordInput, unstampedCrc } from '../records';
import { LeaderSession, type ProduceOutcome } from './leader-session';
import { PartitionState } from './partition-state';
import { MAX_SEQUENCE, type ProduceRequest } from './produce-request';
import { resolveStateOptions } from './config';
import { encodeStateImage } from './state-snapshot';
import { produceOf, TestLog } from './test-log';

const ctx = { topic: 'orders', partition: 3 };
const one = (v = 'x'): RecordInput[] => [{ key: null, value: bytesOf(v), timestamp: 5 }];

/** A leader of term 1 that has applied its no-op. */
function readyLeader() {
  const log = new TestLog();
  log.append(EntryType.Normal, new Uint8Array(0));
  log.commitUpTo(1);
  const state = new PartitionState(ctx);
  log.applyCommitted(state);
  return { log, state, session: new LeaderSession(state, 1) };
}

function code(o: ProduceOutcome): string {
  return o.kind === 'rejected' ? o.error.code : o.kind;
}

describe('leader session', () => {
  it('refuses produces with a retriable LEADER_NOT_READY until an entry of its own term is applied', () => {
    const log = new TestLog();
    log.append(EntryType.Normal, bytesOf('')); // no-op of term 1
    log.commitUpTo(1);
    const state = new PartitionState(ctx);
    log.applyCommitted(state);
    log.leaderChange(0); // no-op of term 2 at index 2, not applied yet
    const session = new LeaderSession(state, 2);
    const before = session.produce(produceOf(one()), log.propose);
    expect(before.kind === 'rejected' && [before.error.code, before.error.retriable]).toEqual(['LEADER_NOT_READY', true]);
    expect(log.lastIndex).toBe(2);
    log.commitUpTo(2);
    log.applyCommitted(state);
    expect(code(session.produce(produceOf(one()), log.propose))).toBe('appended');
  });

  it('a session whose replica applied an entry of a later term answers NOT_LEADER and proposes nothing', () => {
    const { log, state, session } = readyLeader();
    log.leaderChange(0);
    log.commitUpTo(log.lastIndex);
    log.applyCommitted(state);
    const before = log.lastIndex;
    const o = session.produce(produceOf(one()), log.propose);
    expect(o.kind === 'rejected' && o.error.code).toBe('NOT_LEADER');
    expect(log.lastIndex).toBe(before);
  });

  it('a proposal the Raft node drops leaves the session as it was: the next produce gets the same offsets', () => {
    const { log, session } = readyLeader();
    const drop = () => {
      throw new ProposalDroppedError('notLeader', 'not the leader');
    };
    const req = produceOf(one(), { producerId: 7, producerEpoch: 0, baseSequence: 0 });
    expect(() => session.produce(req, drop)).toThrow(ProposalDroppedError);
    expect(session.pendingCount).toBe(0);
    expect(session.produce(req, log.propose)).toMatchObject({ kind: 'appended', baseOffset: 0, lastOffset: 0 });
  });

  it('a conditional append is accepted exactly when expectedOffset is the end of the log including pending batches', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ delta: fc.integer({ min: -2, max: 2 }), conditional: fc.boolean(), count: fc.integer({ min: 1, max: 3 }), commit: fc.boolean() }), { maxLength: 40 }),
        (steps) => {
          const { log, state, session } = readyLeader();
          let end = 0; // the model: where the log ends, pending included
          for (const s of steps) {
            const expectedOffset = s.conditional ? Math.max(0, end + s.delta) : undefined;
            const records = Array.from({ length: s.count }, () => ({ key: null, value: bytesOf('r'), timestamp: 1 }));
            const o = session.produce(produceOf(records, undefined, { expectedOffset }), log.propose);
            if (expectedOffset === undefined || expectedOffset === end) {
              expect(o).toMatchObject({ kind: 'appended', baseOffset: end, lastOffset: end + s.count - 1 });
              end += s.count;
            } else {
              expect(o.kind === 'rejected' && [o.error.code, o.error.details]).toEqual(['OFFSET_MISMATCH', { expectedOffset, actualOffset: end }]);
            }
            if (s.commit) {
              log.commitUpTo(log.lastIndex);
              log.applyCommitted(state);
            }
            expect(session.nextOffset).toBe(end);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the retry of an idempotent conditional append that succeeded gets its original offsets, not OFFSET_MISMATCH', () => {
    const { log, state, session } = readyLeader();
    const req = produceOf(one(), { producerId: 4, producerEpoch: 1, baseSequence: 0 }, { expectedOffset: 0 });
    expect(session.produce(req, log.propose)).toMatchObject({ kind: 'appended', baseOffset: 0 });
    expect(session.produce(produceOf(one()), log.propose)).toMatchObject({ kind: 'appended', baseOffset: 1 });
    expect(session.produce(req, log.propose)).toMatchObject({ kind: 'pendingDuplicate', index: 2, baseOffset: 0, lastOffset: 0 });
    log.commitUpTo(log.lastIndex);
    log.applyCommitted(state);
    expect(session.produce(req, log.propose)).toEqual({ kind: 'duplicate', baseOffset: 0, lastOffset: 0 });
  });

  it('sequences wrap from 2^31-1 to 0 within an epoch, and a retry of a batch spanning the wrap is a duplicate', () => {
    // A replica restored from a snapshot in which producer 11 has used sequences up to 2^31-3.
    const options = resolveStateOptions();
    const data = encodeStateImage({
      appliedIndex: 5, appliedTerm: 1, nextOffset: 100, maxTimestamp: 5, totalBytes: 1000, bytesSincePoint: 0, entriesSincePoint: 0,
      segmentBytes: 0, segmentFirstTimestamp: -1, options,
      producers: [[11, { epoch: 0, batches: [{ baseSequence: MAX_SEQUENCE - 4, lastSequence: MAX_SEQUENCE - 2, baseOffset: 97, checksum: 1 }] }]],
    });
    const state = PartitionState.restore(ctx, { metadata: { index: 5, term: 1, conf: { voters: [1], learners: [] } }, data });
    const log = new TestLog();
    log.compactThrough(5);
    const session = new LeaderSession(state, 1);
    const at = (baseSequence: number, n: number): ProduceRequest =>
      produceOf(Array.from({ length: n }, () => ({ key: null, value: bytesOf('w'), timestamp: 1 })), { producerId: 11, producerEpoch: 0, baseSequence });
    const spanning = at(MAX_SEQUENCE - 1, 4); // sequences 2^31-2, 2^31-1, 0, 1
    expect(session.produce(spanning, log.propose)).toMatchObject({ kind: 'appended', baseOffset: 100, lastOffset: 103 });
    expect(session.produce(at(2, 1), log.propose)).toMatchObject({ kind: 'appended', baseOffset: 104 });
    log.commitUpTo(log.lastIndex);
    log.applyCommitted(state);
    expect(session.produce(spanning, log.propose)).toEqual({ kind: 'duplicate', baseOffset: 100, lastOffset: 103 });
    // Ranges overlap around the wrap: 2^31-1..0 shares sequences with the batch spanning it.
    expect(code(session.produce(at(MAX_SEQUENCE, 2), log.propose))).toBe('SEQUENCE_CONFLICT');
    expect(code(session.produce(at(0, 1), log.propose))).toBe('SEQUENCE_CONFLICT');
    expect(code(session.produce(at(5, 1), log.propose))).toBe('OUT_OF_ORDER_SEQUENCE');
    expect(session.produce(at(3, 1), log.propose)).toMatchObject({ kind: 'appended', baseOffset: 105 });
  });

  it('a batch without a producer id (-1) is not idempotent, whatever sequence it carries: the same bytes twice are appended twice', () => {
    const { log, session } = readyLeader();
    const bytes = encodeRecordBatch(one(), { baseSequence: 3 }); // as Kafka: the sequence of a batch with no producer means nothing
    expect(session.produce({ batch: Buffer.from(bytes) }, log.propose)).toMatchObject({ kind: 'appended', baseOffset: 0 });
    expect(session.produce({ batch: Buffer.from(bytes) }, log.propose)).toMatchObject({ kind: 'appended', baseOffset: 1 });
  });

  it('a lower epoch is FENCED and a higher epoch must start at sequence 0, with the numbers in the error details', () => {
    const { log, session } = readyLeader();
    const req = (epoch: number, baseSequence: number): ProduceRequest => produceOf(one(), { producerId: 3, producerEpoch: epoch, baseSequence });
    expect(code(session.produce(req(2, 0), log.propose))).toBe('appended');
    const fenced = session.produce(req(1, 1), log.propose);
    expect(fenced.kind === 'rejected' && [fenced.error.code, fenced.error.details]).toEqual(['FENCED', { knownEpoch: 2, receivedEpoch: 1 }]);
    expect(fenced.kind === 'rejected' && fenced.error.message).toMatch(/^topic "orders" partition 3: producer 3 epoch 1 is fenced by epoch 2/);
    const gap = session.produce(req(3, 5), log.propose);
    expect(gap.kind === 'rejected' && [gap.error.code, gap.error.details]).toEqual(['OUT_OF_ORDER_SEQUENCE', { expectedSequence: 0, receivedSequence: 5 }]);
    expect(code(session.produce(req(3, 0), log.propose))).toBe('appended');
    expect(code(session.produce(req(2, 1), log.propose))).toBe('FENCED');
  });
});

describe('duplicate detection proves the retry is the same batch', () => {
  const pid = 21;
  const records = (values: string[], timestamp = 5): RecordInput[] => values.map((v) => ({ key: null, value: bytesOf(v), timestamp }));
  const req = (baseSequence: number, values: string[], timestamp = 5, extra: Omit<ProduceRequest, 'batch'> = {}): ProduceRequest =>
    produceOf(records(values, timestamp), { producerId: pid, producerEpoch: 2, baseSequence }, extra);
  const conflict = (o: ProduceOutcome) => (o.kind === 'rejected' && o.error.code === 'SEQUENCE_CONFLICT' ? o.error : undefined);

  it('a reused sequence range with other records is SEQUENCE_CONFLICT, pending or applied, never the stored offsets, and writes nothing', () => {
    const { log, state, session } = readyLeader();
    expect(session.produce(req(0, ['a', 'b']), log.propose)).toMatchObject({ kind: 'appended', baseOffset: 0, lastOffset: 1 });
    for (const phase of ['pending', 'applied']) {
      if (phase === 'applied') {
        log.commitUpTo(log.lastIndex);
        log.applyCommitted(state);
      }
      const before = log.lastIndex;
      const e = conflict(session.produce(req(0, ['a', 'c']), log.propose));
      expect(e, phase).toBeDefined();
      expect(e!.message).toMatch(
        /^topic "orders" partition 3: producer 21 epoch 2 sent sequences 0\.\.1, the same sequences as the batch stored at offsets 0\.\.1 with sequences 0\.\.1, but other records .*not written.*must take a new epoch/,
      );
      expect(e!.details).toEqual({ receivedSequence: 0, receivedLastSequence: 1, storedBaseSequence: 0, storedLastSequence: 1, storedBaseOffset: 0, storedLastOffset: 1 });
      expect(log.lastIndex).toBe(before);
      expect(session.nextOffset).toBe(2);
      // The faithful retry is still recognised, and the next sequence still appends.
      expect(session.produce(req(0, ['a', 'b']), log.propose)).toMatchObject({ kind: phase === 'pending' ? 'pendingDuplicate' : 'duplicate', baseOffset: 0, lastOffset: 1 });
    }
    expect(session.produce(req(2, ['d']), log.propose)).toMatchObject({ kind: 'appended', baseOffset: 2 });
  });

  it('a range overlapping a remembered batch without being equal is SEQUENCE_CONFLICT; one below the remembered window stays OUT_OF_ORDER_SEQUENCE', () => {
    const { log, state, session } = readyLeader();
    session.produce(req(0, ['a', 'b']), log.propose); // sequences 0..1
    session.produce(req(2, ['c', 'd']), log.propose); // sequences 2..3, pending
    for (const [base, n] of [[1, 2], [0, 1], [3, 2], [1, 1]]) {
      const e = conflict(session.produce(req(base, Array.from({ length: n }, () => 'x')), log.propose));
      expect(e, `${base}+${n}`).toBeDefined();
      expect(e!.message).toMatch(/, which overlap the batch stored at offsets \d+\.\.\d+ with sequences \d+\.\.\d+; this batch was not written/);
    }
    log.commitUpTo(log.lastIndex);
    log.applyCommitted(state);
    // Five more batches push 0..1 and 2..3 out of the remembered window.
    for (let s = 4; s < 9; s++) session.produce(req(s, ['y']), log.propose);
    expect(code(session.produce(req(0, ['a', 'b']), log.propose))).toBe('OUT_OF_ORDER_SEQUENCE');
    expect(code(session.produce(req(1, ['z', 'z', 'z', 'z']), log.propose))).toBe('SEQUENCE_CONFLICT'); // 1..4 overlaps 4..4
  });

  it('on a LogAppendTime topic, a faithful retry is a duplicate although it arrives at another time, and keeps the first append time', () => {
    const { log, state, session } = readyLeader();
    const sent = (appendTime: number): ProduceRequest => req(0, ['a', 'b'], 5, { appendTime, timestampType: 'logAppend' });
    expect(session.produce(sent(1_000), log.propose)).toMatchObject({ kind: 'appended', baseOffset: 0 });
    expect(session.produce(sent(2_000), log.propose)).toMatchObject({ kind: 'pendingDuplicate', baseOffset: 0 });
    log.commitUpTo(log.lastIndex);
    log.applyCommitted(state);
    expect(session.produce(sent(3_000), log.propose)).toEqual({ kind: 'duplicate', baseOffset: 0, lastOffset: 1 });
    // The records carry the first attempt's append time.
    expect(log.entries.filter((e) => e.data.length > 0).map((e) => decodeRecordBatch(e.data).records.map((r) => r.timestamp))).toEqual([[1_000, 1_000]]);
    // Other create timestamps under the same sequences are other records, whatever the topic does with them.
    expect(code(session.produce(req(0, ['a', 'b'], 6, { appendTime: 4_000, timestampType: 'logAppend' }), log.propose))).toBe('SEQUENCE_CONFLICT');
  });

  it('on a CreateTime topic, a retry is a duplicate whenever it arrives; other timestamps, keys, headers or a tombstone under its sequences are SEQUENCE_CONFLICT', () => {
    const { log, state, session } = readyLeader();
    const base: RecordInput[] = [
      { key: bytesOf('k'), value: bytesOf('a'), headers: [{ key: 'h', value: bytesOf('1') }], timestamp: 50 },
      { key: null, value: bytesOf(''), timestamp: 60 },
    ];
    const sent = (records: RecordInput[], appendTime: number) => produceOf(records, { producerId: pid, producerEpoch: 2, baseSequence: 0 }, { appendTime, timestampType: 'create' });
    expect(session.produce(sent(base, 1_000), log.propose)).toMatchObject({ kind: 'appended', baseOffset: 0, lastOffset: 1 });
    log.commitUpTo(log.lastIndex);
    log.applyCommitted(state);
    expect(session.produce(sent(base, 9_000), log.propose)).toEqual({ kind: 'duplicate', baseOffset: 0, lastOffset: 1 });
    const variants: Array<[string, RecordInput[]]> = [
      ['another timestamp', [base[0], { ...base[1], timestamp: 61 }]],
      ['no key instead of an empty one', [{ ...base[0], key: null }, base[1]]],
      ['an empty key instead of none', [base[0], { ...base[1], key: new Uint8Array(0) }]],
      ['a tombstone instead of an empty value', [base[0], { ...base[1], value: null }]],
      ['a header value', [{ ...base[0], headers: [{ key: 'h', value: bytesOf('2') }] }, base[1]]],
      ['a null header value', [{ ...base[0], headers: [{ key: 'h', value: null }] }, base[1]]],
      ['no headers', [{ ...base[0], headers: [] }, base[1]]],
      ['the records swapped', [base[1], base[0]]],
    ];
    for (const [what, records] of variants) expect(code(session.produce(sent(records, 1_000), log.propose)), what).toBe('SEQUENCE_CONFLICT');
    expect(log.entries.filter((e) => e.data.length > 0).map((e) => decodeRecordBatch(e.data).records.map((r) => r.timestamp))).toEqual([[50, 60]]);
  });

  it('after a restart from a snapshot, a faithful retry is still a duplicate and other records are still a conflict', () => {
    const { log, state, session } = readyLeader();
    session.produce(req(0, ['a']), log.propose);
    session.produce(req(1, ['b', 'c']), log.propose);
    log.commitUpTo(log.lastIndex);
    log.applyCommitted(state);
    const restored = PartitionState.restore(ctx, state.snapshot());
    log.leaderChange(0);
    log.commitUpTo(log.lastIndex);
    log.applyCommitted(restored);
    const next = new LeaderSession(restored, log.term);
    expect(next.produce(req(1, ['b', 'c']), log.propose)).toEqual({ kind: 'duplicate', baseOffset: 1, lastOffset: 2 });
    expect(code(next.produce(req(1, ['b', 'C']), log.propose))).toBe('SEQUENCE_CONFLICT');
    expect(next.produce(req(3, ['d']), log.propose)).toMatchObject({ kind: 'appended', baseOffset: 3 });
  });

  it('a retry of a batch remembered without a checksum (restored from a version 1 snapshot) is refused as unprovable, not answered with its offsets', () => {
    const options = resolveStateOptions();
    const data = encodeStateImage({
      appliedIndex: 2, appliedTerm: 1, nextOffset: 2, maxTimestamp: 5, totalBytes: 100, bytesSincePoint: 0, entriesSincePoint: 0,
      segmentBytes: 0, segmentFirstTimestamp: -1, options,
      producers: [[pid, { epoch: 2, batches: [{ baseSequence: 0, lastSequence: 1, baseOffset: 0, checksum: null }] }]],
    });
    const state = PartitionState.restore(ctx, { metadata: { index: 2, term: 1, conf: { voters: [1], learners: [] } }, data });
    const log = new TestLog();
    log.compactThrough(2);
    expect(state.producers.get(pid)?.batches).toEqual([{ baseSequence: 0, lastSequence: 1, baseOffset: 0, checksum: null }]);
    const session = new LeaderSession(state, 1);
    const e = conflict(session.produce(req(0, ['a', 'b']), log.propose));
    expect(e!.message).toMatch(/written by an older version without a records checksum, so this cannot be proven to be a retry of it/);
    expect(log.lastIndex).toBe(2);
    expect(session.produce(req(2, ['c']), log.propose)).toMatchObject({ kind: 'appended', baseOffset: 2 });
  });

  it('the checksum a leader remembers is the one its followers derive from the stored (stamped) batch', () => {
    for (const timestampType of ['create', 'logAppend'] as const) {
      const { log, state, session } = readyLeader();
      const sent = req(0, ['a', 'b'], 5, { appendTime: 777, timestampType });
      const producerBytes = Buffer.from(sent.batch);
      expect(session.produce(sent, log.propose)).toMatchObject({ kind: 'appended' });
      // Before the batch is applied, the session compares retries with what it computed from the producer's bytes...
      expect(session.produce({ ...sent, batch: Buffer.from(producerBytes), appendTime: 999 }, log.propose)).toMatchObject({ kind: 'pendingDuplicate', baseOffset: 0 });
      log.commitUpTo(log.lastIndex);
      const follower = new PartitionState(ctx);
      log.applyCommitted(follower);
      log.applyCommitted(state);
      // ...after, with what apply derived from the stored bytes: the same number.
      expect(follower.producers.get(pid)?.batches, timestampType).toEqual([{ baseSequence: 0, lastSequence: 1, baseOffset: 0, checksum: unstampedCrc(producerBytes) }]);
      expect(state.producers.get(pid)?.batches).toEqual(follower.producers.get(pid)?.batches);
      expect(session.produce({ ...sent, batch: Buffer.from(producerBytes), appendTime: 999 }, log.propose)).toEqual({ kind: 'duplicate', baseOffset: 0, lastOffset: 1 });
    }
  });
});

describe('the leader stamps the producer’s batch and proposes it', () => {
  const records: RecordInput[] = [
    { key: bytesOf('k1'), value: bytesOf('v1'), headers: [{ key: 'h', value: bytesOf('x') }], timestamp: 300 },
    { key: null, value: null, timestamp: 100 },
    { key: bytesOf('k3'), value: bytesOf('v3'), timestamp: 200 },
  ];

  it('CreateTime: the proposed bytes are the producer’s with only the base offset and the leader epoch (the term) changed; the records keep their timestamps', () => {
    const { log, session } = readyLeader();
    session.produce(produceOf(one()), log.propose); // offset 0
    const sent = produceOf(records, { producerId: 5, producerEpoch: 1, baseSequence: 0 }, { appendTime: 9_999, timestampType: 'create' });
    const producerBytes = Buffer.from(sent.batch);
    expect(session.produce(sent, log.propose)).toMatchObject({ kind: 'appended', baseOffset: 1, lastOffset: 3 });
    const stored = log.entries[log.entries.length - 1].data;
    expect(Buffer.from(stored)).toEqual(Buffer.from(encodeRecordBatch(records, { baseOffset: 1, partitionLeaderEpoch: 1, producerId: 5, producerEpoch: 1, baseSequence: 0 })));
    expect(Buffer.from(stored.subarray(16))).toEqual(producerBytes.subarray(16)); // magic, CRC and everything after: untouched
    const { header, records: decoded } = decodeRecordBatch(stored);
    expect(header).toMatchObject({ baseOffset: 1, partitionLeaderEpoch: 1, timestampType: 'create', maxTimestamp: 300, producerId: 5, producerEpoch: 1, baseSequence: 0 });
    expect(decoded.map((r) => [r.offset, r.timestamp])).toEqual([[1, 300], [2, 100], [3, 200]]);
    expect(decoded[1].key).toBeNull();
    expect(decoded[1].value).toBeNull();
    expect(decoded[0].headers.map((h) => [h.key, Buffer.from(h.value!).toString()])).toEqual([['h', 'x']]);
  });

  it('LogAppendTime: every record reads as the leader’s clock, the CRC still holds, and only the stamped fields differ from the producer’s bytes', () => {
    const { log, session } = readyLeader();
    const sent = produceOf(records, undefined, { appendTime: 9_999, timestampType: 'logAppend' });
    const producerBytes = Buffer.from(sent.batch);
    expect(session.produce(sent, log.propose)).toMatchObject({ kind: 'appended', baseOffset: 0, lastOffset: 2 });
    const stored = log.entries[log.entries.length - 1].data;
    const { header, records: decoded } = decodeRecordBatch(stored); // validates the patched CRC
    expect(header).toMatchObject({ timestampType: 'logAppend', maxTimestamp: 9_999, firstTimestamp: 300, partitionLeaderEpoch: 1 });
    expect(decoded.map((r) => r.timestamp)).toEqual([9_999, 9_999, 9_999]);
    expect(Buffer.from(stored)).toEqual(Buffer.from(encodeRecordBatch(records, { partitionLeaderEpoch: 1, logAppendTime: 9_999 })));
    expect(Buffer.from(stored.subarray(43))).toEqual(producerBytes.subarray(43)); // producer fields and records: untouched
    expect(unstampedCrc(stored)).toBe(unstampedCrc(producerBytes));
  });

  it('a property: whatever the records, the stored batch decodes to them at consecutive offsets, with the producer’s or the leader’s timestamps by topic', () => {
    fc.assert(
      fc.property(fc.array(fc.array(recordArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }), fc.constantFrom('create' as const, 'logAppend' as const), (batches, timestampType) => {
        const { log, session } = readyLeader();
        let next = 0;
        batches.forEach((rs, i) => {
          const appendTime = 1_000 + i;
          expect(session.produce(produceOf(rs, undefined, { appendTime, timestampType }), log.propose)).toMatchObject({ kind: 'appended', baseOffset: next });
          const { records: decoded } = decodeRecordBatch(log.entries[log.entries.length - 1].data);
          expect(decoded.map((r) => r.offset)).toEqual(rs.map((_, k) => next + k));
          expect(decoded.map((r) => r.timestamp)).toEqual(rs.map((r) => (timestampType === 'logAppend' ? appendTime : r.timestamp)));
          expect(decoded.map((r) => [r.key && Buffer.from(r.key), r.value && Buffer.from(r.value)])).toEqual(rs.map((r) => [r.key && Buffer.from(r.key), r.value && Buffer.from(r.value)]));
          next += rs.length;
        });
      }),
      { numRuns: 100 },
    );
  });

  it('the leader epoch stamped is the term of the session that proposed the batch', () => {
    const { log, state, session } = readyLeader();
    session.produce(produceOf(one()), log.propose);
    log.commitUpTo(log.lastIndex);
    log.applyCommitted(state);
    log.leaderChange(0);
    log.leaderChange(0); // term 3
    log.commitUpTo(log.lastIndex);
    log.applyCommitted(state);
    const next = new LeaderSession(state, log.term);
    expect(next.produce(produceOf(one()), log.propose)).toMatchObject({ kind: 'appended', baseOffset: 1 });
    const epochs = log.entries.filter((e) => e.data.length > 0).map((e) => readRecordBatchHeader(e.data).partitionLeaderEpoch);
    expect(epochs).toEqual([1, 3]);
  });

  it('a refused batch is left as the producer sent it', () => {
    const { log, session } = readyLeader();
    session.produce(produceOf(one()), log.propose);
    const sent = produceOf(records, undefined, { expectedOffset: 0, appendTime: 5, timestampType: 'logAppend' });
    const before = Buffer.from(sent.batch);
    expect(code(session.produce(sent, log.propose))).toBe('OFFSET_MISMATCH');
    expect(Buffer.from(sent.batch)).toEqual(before);
  });
});

describe('apply-time invariants', () => {
  it('a batch whose base offset is not the next offset stops apply with an INTERNAL error naming the raft index', () => {
    const state = new PartitionState(ctx);
    const e = { index: 1, term: 1, type: EntryType.Normal, data: encodeRecordBatch(one(), { baseOffset: 3 }) };
    expect(() => state.apply([e])).toThrow(/raft index 1 starts at offset 3 but the partition's next offset is 0/);
    expect(state.appliedIndex).toBe(0);
  });

  it('a second copy of an idempotent batch in the log stops apply rather than appending it twice', () => {
    const state = new PartitionState(ctx);
    const b = (baseOffset: number) => encodeRecordBatch(one(), { baseOffset, producerId: 9, producerEpoch: 0, baseSequence: 0 });
    state.apply([{ index: 1, term: 1, type: EntryType.Normal, data: b(0) }]);
    expect(() => state.apply([{ index: 2, term: 1, type: EntryType.Normal, data: b(1) }])).toThrow(/producer 9 epoch 0 sequences 0..0\) is duplicate/);
  });

  it('an entry that is not a RecordBatch v2 stops apply with CORRUPT_BATCH; one in Flotilla 0.1’s format says the data directory must be recreated', () => {
    const old = Buffer.from(encodeRecordBatch(one()));
    old[0] = 0xb1; // how the batches of Flotilla's own earlier format began
    expect(() => new PartitionState(ctx).apply([{ index: 1, term: 1, type: EntryType.Normal, data: old }])).toThrow(/raft index 1 is not a RecordBatch v2.*data directory must be recreated/);
    const garbage = Buffer.alloc(80, 7);
    try {
      new PartitionState(ctx).apply([{ index: 1, term: 1, type: EntryType.Normal, data: garbage }]);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'CORRUPT_BATCH', details: { raftIndex: 1 } });
    }
  });

  it('entries must be applied once each and in order', () => {
    const state = new PartitionState(ctx);
    state.apply([{ index: 1, term: 1, type: EntryType.Normal, data: new Uint8Array(0) }]);
    expect(() => state.apply([{ index: 3, term: 1, type: EntryType.Normal, data: new Uint8Array(0) }])).toThrow(/apply raft index 3 after 1/);
    expect(() => state.apply([{ index: 1, term: 1, type: EntryType.Normal, data: new Uint8Array(0) }])).toThrow(/apply raft index 1 after 1/);
  });
});
