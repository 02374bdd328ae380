import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EntryType } from '../../raft/types';
import { decodeBatch, isRecordBatch, type ProduceRecord } from './batch-codec';
import { LeaderSession, type ProduceOutcome } from './leader-session';
import { PartitionState } from './partition-state';
import type { ProduceRequest } from './produce-request';
import { TestLog } from './test-log';

/**
 * A model test of producing: random producers send, retry, skip sequences, bump epochs and send
 * from fenced epochs, interleaved with commits and leader changes (a new leader keeps part of the
 * uncommitted suffix, re-applies the log on a fresh state and starts a new session). Every
 * outcome is compared with a reference that recomputes the answer from the whole log by brute
 * force, and the final log is checked for exactly-once appends, dense offsets and determinism.
 */

const ctx = { topic: 'model', partition: 0 };
const PRODUCERS = 3;
const STATE_OPTIONS = { indexIntervalEntries: 3, indexIntervalBytes: 200, segmentBytes: 400 };

type Op =
  | { op: 'send'; p: number; count: number }
  | { op: 'retry'; p: number; pick: number }
  | { op: 'gap'; p: number; skip: number }
  | { op: 'bump'; p: number }
  | { op: 'zombie'; p: number; pick: number }
  | { op: 'plain'; count: number }
  | { op: 'conditional'; p: number | null; delta: number }
  | { op: 'commit'; n: number }
  | { op: 'leaderChange'; keep: number };

const p = fc.nat(PRODUCERS - 1);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('send' as const), p, count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('retry' as const), p, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('gap' as const), p, skip: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('bump' as const), p }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('zombie' as const), p, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('plain' as const), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('conditional' as const), p: fc.option(p, { nil: null }), delta: fc.integer({ min: -1, max: 1 }) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('commit' as const), n: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('leaderChange' as const), keep: fc.nat(4) }) },
);

interface LogBatch {
  index: number;
  pid: number;
  epoch: number;
  baseSeq: number;
  lastSeq: number;
  baseOffset: number;
  count: number;
  values: string[];
}

function logBatches(log: TestLog): LogBatch[] {
  const out: LogBatch[] = [];
  for (const e of log.entries) {
    if (e.type !== EntryType.Normal || !isRecordBatch(e.data)) continue;
    const { header: h, records } = decodeBatch(e.data, ctx, e.index);
    out.push({
      index: e.index, pid: h.producerId, epoch: h.producerEpoch, baseSeq: h.baseSequence,
      lastSeq: h.producerId === 0 ? -1 : h.baseSequence + h.recordCount - 1,
      baseOffset: h.baseOffset, count: h.recordCount, values: records.map((r) => Buffer.from(r.value).toString()),
    });
  }
  return out;
}

type Expected =
  | { kind: 'accept'; baseOffset: number }
  | { kind: 'duplicateOf'; batch: LogBatch }
  | { kind: 'error'; code: string };

/** The answer recomputed from the whole log by brute force (sequences stay far from wrapping here). */
function reference(batches: LogBatch[], req: ProduceRequest, maxProducers: number): Expected {
  const last = batches[batches.length - 1];
  const nextOffset = last ? last.baseOffset + last.count : 0;
  const conditional = (): Expected =>
    req.expectedOffset !== undefined && req.expectedOffset !== nextOffset ? { kind: 'error', code: 'OFFSET_MISMATCH' } : { kind: 'accept', baseOffset: nextOffset };
  const pid = req.producerId ?? 0;
  if (pid === 0) return conditional();
  // Producers remembered after a prefix: the maxProducers most recently appending ones.
  const remembered = (prefix: number) => {
    const seen = new Set<number>();
    for (let j = prefix - 1; j >= 0 && seen.size < maxProducers; j--) if (batches[j].pid !== 0) seen.add(batches[j].pid);
    return seen;
  };
  let history: LogBatch[] = [];
  for (let j = 0; j < batches.length; j++) {
    const b = batches[j];
    if (b.pid !== pid) continue;
    const fresh = !remembered(j).has(pid) || history.length === 0 || history[history.length - 1].epoch !== b.epoch;
    history = fresh ? [b] : [...history, b];
  }
  if (!remembered(batches.length).has(pid)) history = [];
  const epoch = req.producerEpoch ?? 0;
  const base = req.baseSequence as number;
  const lastSeq = base + req.records.length - 1;
  if (history.length === 0) return base === 0 ? conditional() : { kind: 'error', code: 'UNKNOWN_PRODUCER_ID' };
  const known = history[history.length - 1];
  if (epoch < known.epoch) return { kind: 'error', code: 'FENCED' };
  if (epoch > known.epoch) return base === 0 ? conditional() : { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE' };
  const dup = history.slice(-5).find((b) => b.baseSeq === base && b.lastSeq === lastSeq);
  if (dup) return { kind: 'duplicateOf', batch: dup };
  return base === known.lastSeq + 1 ? conditional() : { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE' };
}

interface Client {
  pid: number;
  epoch: number;
  nextSeq: number;
  sent: ProduceRequest[];
  fencedRequests: ProduceRequest[];
}

interface Answer {
  req: ProduceRequest;
  outcome: ProduceOutcome;
  /** Term of the leader that answered (an 'appended' holds only if its entry survives in that term). */
  term: number;
}

let plainCounter = 0;
function records(values: string[]): ProduceRecord[] {
  return values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: 1000 + i }));
}
function idempotent(c: Client, baseSequence: number, count: number, expectedOffset?: number): ProduceRequest {
  const values = Array.from({ length: count }, (_, i) => `p${c.pid}e${c.epoch}s${baseSequence + i}`);
  return { records: records(values), producerId: c.pid, producerEpoch: c.epoch, baseSequence, expectedOffset };
}

function runModel(ops: Op[], maxProducers: number) {
  const options = { ...STATE_OPTIONS, maxProducers };
  const log = new TestLog();
  log.append(EntryType.Normal, new Uint8Array(0)); // the first leader's no-op, committed
  log.commitUpTo(1);
  let leader = new PartitionState(ctx, { options });
  log.applyCommitted(leader);
  const follower = new PartitionState(ctx, { options }); // a replica that applies every commit, never restarted
  let session = new LeaderSession(leader, log.term);
  const clients: Client[] = Array.from({ length: PRODUCERS }, (_, i) => ({ pid: i + 1, epoch: 0, nextSeq: 0, sent: [], fencedRequests: [] }));
  const answers: Answer[] = [];

  const produce = (req: ProduceRequest) => {
    const ready = leader.appliedTerm === log.term;
    const expected = ready ? reference(logBatches(log), req, maxProducers) : undefined;
    const lastIndexBefore = log.lastIndex;
    const outcome = session.produce(req, log.propose);
    answers.push({ req, outcome, term: log.term });
    if (!expected) {
      expect(outcome.kind === 'rejected' && outcome.error.code).toBe('LEADER_NOT_READY');
      return;
    }
    switch (expected.kind) {
      case 'accept':
        expect(outcome).toEqual({ kind: 'appended', index: lastIndexBefore + 1, term: log.term, baseOffset: expected.baseOffset, lastOffset: expected.baseOffset + req.records.length - 1 });
        break;
      case 'duplicateOf': {
        const b = expected.batch;
        const kind = b.index <= leader.appliedIndex ? 'duplicate' : 'pendingDuplicate';
        const offsets = { baseOffset: b.baseOffset, lastOffset: b.baseOffset + b.count - 1 };
        expect(outcome).toEqual(kind === 'duplicate' ? { kind, ...offsets } : { kind, index: b.index, term: log.term, ...offsets });
        expect(log.lastIndex).toBe(lastIndexBefore);
        break;
      }
      case 'error':
        expect(outcome.kind === 'rejected' && outcome.error.code).toBe(expected.code);
        expect(log.lastIndex).toBe(lastIndexBefore);
        break;
    }
  };

  for (const op of ops) {
    switch (op.op) {
      case 'send': {
        const c = clients[op.p];
        const req = idempotent(c, c.nextSeq, op.count);
        c.nextSeq += op.count;
        c.sent.push(req);
        produce(req);
        break;
      }
      case 'retry': {
        const c = clients[op.p];
        if (c.sent.length > 0) produce(c.sent[op.pick % c.sent.length]);
        break;
      }
      case 'gap': {
        const c = clients[op.p];
        produce(idempotent(c, c.nextSeq + op.skip, 1));
        break;
      }
      case 'bump': {
        const c = clients[op.p];
        c.fencedRequests.push(...c.sent);
        c.epoch++;
        c.nextSeq = 0;
        c.sent = [];
        break;
      }
      case 'zombie': {
        const c = clients[op.p];
        if (c.fencedRequests.length > 0) produce(c.fencedRequests[op.pick % c.fencedRequests.length]);
        break;
      }
      case 'plain':
        produce({ records: records(Array.from({ length: op.count }, () => `plain${plainCounter++}`)) });
        break;
      case 'conditional': {
        const expectedOffset = Math.max(0, session.nextOffset + op.delta);
        if (op.p === null) {
          produce({ records: records([`plain${plainCounter++}`]), expectedOffset });
        } else {
          const c = clients[op.p];
          const req = idempotent(c, c.nextSeq, 1, expectedOffset);
          c.nextSeq += 1;
          c.sent.push(req);
          produce(req);
        }
        break;
      }
      case 'commit':
        log.commitUpTo(log.commit + op.n);
        log.applyCommitted(leader);
        log.applyCommitted(follower);
        break;
      case 'leaderChange':
        log.leaderChange(op.keep);
        leader = new PartitionState(ctx, { options });
        log.applyCommitted(leader);
        session = new LeaderSession(leader, log.term);
        break;
    }
  }
  log.commitUpTo(log.lastIndex);
  log.applyCommitted(leader);
  log.applyCommitted(follower);
  return { log, leader, follower, answers, options };
}

/** Properties of the final, fully committed log that hold whatever the producer table forgets. */
function checkLogAndAnswers(run: ReturnType<typeof runModel>) {
  const { log, leader, follower, answers, options } = run;
  const batches = logBatches(log);
  // Offsets are dense and increasing from 0, in log order.
  let next = 0;
  for (const b of batches) {
    expect(b.baseOffset).toBe(next);
    next += b.count;
  }
  expect(leader.nextOffset).toBe(next);
  // Every answer with offsets names a batch in the log holding exactly the request's records.
  const byOffset = new Map(batches.map((b) => [b.baseOffset, b]));
  for (const { req, outcome, term } of answers) {
    if (outcome.kind === 'rejected') continue;
    if (outcome.kind !== 'duplicate' && log.termAt(outcome.index) !== term) continue; // lost in a leader change: the server says NOT_LEADER
    const b = byOffset.get(outcome.baseOffset);
    expect(b, `answer ${JSON.stringify(outcome)}`).toBeDefined();
    expect(b!.values).toEqual(req.records.map((r) => Buffer.from(r.value).toString()));
    expect(outcome.lastOffset).toBe(b!.baseOffset + b!.count - 1);
  }
  // Determinism: a fresh replica replaying the log, the leader and a follower that applied as it went agree.
  const fresh = new PartitionState(ctx, { options });
  log.applyCommitted(fresh);
  for (const s of [leader, follower]) {
    expect(Buffer.from(s.snapshot().data).equals(Buffer.from(fresh.snapshot().data))).toBe(true);
    expect(s.index.all()).toEqual(fresh.index.all());
  }
}

describe('idempotent producer model', () => {
  it('every accepted batch is appended exactly once, retries get the original offsets, offsets are dense, and replicas agree', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 100, size: 'max' }), (ops) => {
        const run = runModel(ops, 1000);
        checkLogAndAnswers(run);
        // Exactly once: no (producer, epoch, sequence) range is in the log twice.
        const keys = logBatches(run.log).filter((b) => b.pid !== 0).map((b) => `${b.pid}/${b.epoch}/${b.baseSeq}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('with a producer table smaller than the number of producers, outcomes still match the reference and replicas agree', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 100, size: 'max' }), (ops) => {
        checkLogAndAnswers(runModel(ops, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('the model reaches every outcome kind (a model that never retries or fences would prove little)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 20, maxLength: 100, size: 'max' }), (ops) => {
        for (const a of runModel(ops, 1000).answers) seen.add(a.outcome.kind === 'rejected' ? a.outcome.error.code : a.outcome.kind);
      }),
      { numRuns: 100, seed: 1 },
    );
    for (const k of ['appended', 'duplicate', 'pendingDuplicate', 'OUT_OF_ORDER_SEQUENCE', 'FENCED', 'OFFSET_MISMATCH', 'LEADER_NOT_READY']) {
      expect(seen, k).toContain(k);
    }
  });
});
