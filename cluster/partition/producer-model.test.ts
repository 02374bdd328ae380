import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EntryType } from '../../raft';
import {
  type DecodedRecord,
  NO_PRODUCER_ID,
  type RecordBatchHeader,
  type RecordHeaderEntry,
  type RecordInput,
  readRecords,
  type TimestampType,
  validateRecordBatch,
} from '../records';
import { fetchBatches } from './fetch';
import { LeaderSession, type ProduceOutcome } from './leader-session';
import { PartitionState } from './partition-state';
import type { ProduceRequest } from './produce-request';
import { produceOf, recordsOf, TestLog } from './test-log';

/**
 * A model test of producing: random producers send, retry faithfully, reuse a sequence range for
 * other records, send ranges overlapping earlier ones, skip sequences, bump epochs and send from
 * fenced epochs, switch the topic between CreateTime and LogAppendTime, interleaved with commits
 * and leader changes (a new leader keeps part of the
 * uncommitted suffix and starts a new session: on the same state, on a state rebuilt by
 * replaying the log, or on a state restored from a snapshot and then replayed). Every outcome is
 * compared with a reference that recomputes the answer from the whole log by brute force (it
 * compares records, not checksums: the session's unstampedCrc must agree with it), and the final
 * log, read back through fetch, is checked
 * against the model's log, every answer's offsets, exactly-once appends and determinism.
 */

const ctx = { topic: 'model', partition: 0 };
const PRODUCERS = 3;
const STATE_OPTIONS = { indexIntervalEntries: 3, indexIntervalBytes: 200, segmentBytes: 400 };
/** The leader's clock starts here, far from the producers' timestamps (1000..4000). */
const APPEND_TIME_BASE = 1_000_000_000;

/** How a reused sequence range's records differ from the original's. */
type Change = 'value' | 'key' | 'timestamp' | 'header' | 'tombstone' | 'order';
const CHANGES: readonly Change[] = ['value', 'key', 'timestamp', 'header', 'tombstone', 'order'];
type Rebuild = 'sameState' | 'replay' | 'restore';

type Op =
  | { op: 'send'; p: number; count: number; style: number }
  | { op: 'retry'; p: number; pick: number }
  | { op: 'reuse'; p: number; pick: number; change: Change }
  | { op: 'overlap'; p: number; pick: number; shift: number; count: number }
  | { op: 'gap'; p: number; skip: number }
  | { op: 'bump'; p: number }
  | { op: 'zombie'; p: number; pick: number }
  | { op: 'plain'; count: number }
  | { op: 'conditional'; p: number | null; delta: number }
  | { op: 'retype' }
  | { op: 'commit'; n: number }
  | { op: 'leaderChange'; keep: number; rebuild: Rebuild };

const p = fc.nat(PRODUCERS - 1);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('send' as const), p, count: fc.integer({ min: 1, max: 3 }), style: fc.nat(15) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('retry' as const), p, pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('reuse' as const), p, pick: fc.nat(), change: fc.constantFrom<Change>(...CHANGES) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('overlap' as const), p, pick: fc.nat(), shift: fc.integer({ min: -2, max: 2 }), count: fc.integer({ min: 1, max: 3 }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('gap' as const), p, skip: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('bump' as const), p }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('zombie' as const), p, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('plain' as const), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('conditional' as const), p: fc.option(p, { nil: null }), delta: fc.integer({ min: -1, max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('retype' as const) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('commit' as const), n: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('leaderChange' as const), keep: fc.nat(4), rebuild: fc.constantFrom<Rebuild>('sameState', 'replay', 'restore') }) },
);

/**
 * A request as the model's clients keep it: the records and producer fields they encode into a
 * batch. Every attempt is encoded afresh (the same bytes each time), as a client resends its own
 * copy: the leader stamps the bytes it is given.
 */
interface ModelRequest {
  readonly records: readonly RecordInput[];
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly expectedOffset?: number;
}

function toRequest(req: ModelRequest, appendTime: number, timestampType: TimestampType): ProduceRequest {
  const producer = req.producerId === undefined ? undefined : { producerId: req.producerId, producerEpoch: req.producerEpoch ?? 0, baseSequence: req.baseSequence ?? 0 };
  return produceOf(req.records, producer, { expectedOffset: req.expectedOffset, appendTime, timestampType });
}

/** A record as its producer sent it, as a comparable string (null and empty keys, values and header values are distinct). */
function sentForm(r: { key: Uint8Array | null; value: Uint8Array | null; headers?: readonly RecordHeaderEntry[]; timestamp: number }): string {
  const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('hex'));
  return JSON.stringify([r.timestamp, hex(r.key), hex(r.value), (r.headers ?? []).map((h) => [h.key, hex(h.value)])]);
}

/**
 * The records of a stored batch as its producer sent them: CRC checked, and with the producer's
 * own timestamps even when the leader stamped LogAppendTime (stamping leaves the records'
 * timestamp deltas as they were; only reading as CreateTime gives them back).
 */
function producerRecords(bytes: Uint8Array, from?: number): DecodedRecord[] {
  const h: RecordBatchHeader = validateRecordBatch(bytes);
  return [...readRecords(bytes, { ...h, timestampType: 'create' }, from)];
}

const requestForm = (req: ModelRequest) => req.records.map(sentForm);

interface LogBatch {
  index: number;
  pid: number;
  epoch: number;
  baseSeq: number;
  lastSeq: number;
  baseOffset: number;
  count: number;
  sent: string[];
  timestampType: TimestampType;
}

function logBatches(log: TestLog): LogBatch[] {
  const out: LogBatch[] = [];
  for (const e of log.entries) {
    if (e.type !== EntryType.Normal || e.data.length === 0) continue;
    const h = validateRecordBatch(e.data);
    out.push({
      index: e.index, pid: h.producerId, epoch: h.producerEpoch, baseSeq: h.baseSequence,
      lastSeq: h.producerId === NO_PRODUCER_ID ? -1 : h.baseSequence + h.recordCount - 1,
      baseOffset: h.baseOffset, count: h.recordCount, sent: producerRecords(e.data).map(sentForm), timestampType: h.timestampType,
    });
  }
  return out;
}

type Expected =
  | { kind: 'accept'; baseOffset: number }
  | { kind: 'duplicateOf'; batch: LogBatch }
  | { kind: 'conflict'; batch: LogBatch; reason: 'otherRecords' | 'overlap' }
  | { kind: 'error'; code: string };

/** The answer recomputed from the whole log by brute force (sequences stay far from wrapping here). */
function reference(batches: LogBatch[], req: ModelRequest, maxProducers: number): Expected {
  const last = batches[batches.length - 1];
  const nextOffset = last ? last.baseOffset + last.count : 0;
  const conditional = (): Expected =>
    req.expectedOffset !== undefined && req.expectedOffset !== nextOffset ? { kind: 'error', code: 'OFFSET_MISMATCH' } : { kind: 'accept', baseOffset: nextOffset };
  const pid = req.producerId ?? NO_PRODUCER_ID;
  if (pid === NO_PRODUCER_ID) return conditional();
  // Producers remembered after a prefix: the maxProducers most recently appending ones.
  const remembered = (prefix: number) => {
    const seen = new Set<number>();
    for (let j = prefix - 1; j >= 0 && seen.size < maxProducers; j--) if (batches[j].pid !== NO_PRODUCER_ID) seen.add(batches[j].pid);
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
  if (history.length === 0) return base === 0 ? conditional() : { kind: 'error', code: 'UNKNOWN_PRODUCER' };
  const known = history[history.length - 1];
  if (epoch < known.epoch) return { kind: 'error', code: 'FENCED' };
  if (epoch > known.epoch) return base === 0 ? conditional() : { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE' };
  const window = history.slice(-5);
  const same = window.find((b) => b.baseSeq === base && b.lastSeq === lastSeq);
  if (same) {
    const sent = requestForm(req);
    return same.sent.every((r, i) => r === sent[i]) ? { kind: 'duplicateOf', batch: same } : { kind: 'conflict', batch: same, reason: 'otherRecords' };
  }
  const overlapping = window.find((b) => base <= b.lastSeq && b.baseSeq <= lastSeq);
  if (overlapping) return { kind: 'conflict', batch: overlapping, reason: 'overlap' };
  return base === known.lastSeq + 1 ? conditional() : { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE' };
}

interface Client {
  pid: number;
  epoch: number;
  nextSeq: number;
  sent: ModelRequest[];
  fencedRequests: ModelRequest[];
}

interface Answer {
  req: ModelRequest;
  outcome: ProduceOutcome;
  /** Term of the leader that answered (an 'appended' holds only if its entry survives in that term). */
  term: number;
}

/** A proposal the model expects in the log, unless a leader change drops it. */
interface ModelEntry {
  index: number;
  term: number;
  req: ModelRequest;
  /** The leader's clock and the topic's timestamp type when it was accepted: what its records' stored timestamps are. */
  appendTime: number;
  timestampType: TimestampType;
}

let plainCounter = 0;
function records(values: string[]): RecordInput[] {
  return values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: 1000 + i }));
}

/**
 * An idempotent batch. `style` bits: 1 = timestamps decreasing (negative timestamp deltas); 2/4 =
 * key null, empty or bytes; 8 = a header (with a null value for the first record). The values
 * name the producer, epoch and sequence.
 */
function idempotent(c: Client, baseSequence: number, count: number, style = 0, expectedOffset?: number): ModelRequest {
  const keyKind = (style >> 1) & 3;
  const recs: RecordInput[] = Array.from({ length: count }, (_, i) => ({
    key: keyKind === 0 || keyKind === 3 ? null : keyKind === 1 ? new Uint8Array(0) : Buffer.from(`k${i}`),
    value: Buffer.from(`p${c.pid}e${c.epoch}s${baseSequence + i}`),
    headers: style & 8 ? [{ key: 'h', value: i === 0 ? null : Buffer.from([i]) }] : [],
    timestamp: style & 1 ? 4000 - baseSequence - i : 2000 + baseSequence + i,
  }));
  return { records: recs, producerId: c.pid, producerEpoch: c.epoch, baseSequence, expectedOffset };
}

let reuseCounter = 0;
/** The same producer, epoch and sequence range with records that differ as `change` says. */
function otherRecords(req: ModelRequest, change: Change): ModelRequest {
  const rs = req.records;
  const first = rs[0];
  const withFirst = (r: RecordInput): RecordInput[] => [r, ...rs.slice(1)];
  let changed: RecordInput[];
  switch (change) {
    case 'value':
      changed = withFirst({ ...first, value: Buffer.from(`other${reuseCounter++}`) });
      break;
    case 'key': // null and empty are different keys
      changed = withFirst({ ...first, key: first.key == null ? new Uint8Array(0) : null });
      break;
    case 'timestamp': // another create time: other records even on a LogAppendTime topic
      changed = withFirst({ ...first, timestamp: first.timestamp + 1 });
      break;
    case 'tombstone': // a null value and an empty one are different records
      changed = withFirst({ ...first, value: first.value === null ? new Uint8Array(0) : null });
      break;
    case 'header':
      changed = withFirst({ ...first, headers: (first.headers ?? []).length > 0 ? [] : [{ key: 'h', value: new Uint8Array([9]) }] });
      break;
    case 'order':
      changed = rs.length > 1 ? [...rs].reverse() : withFirst({ ...first, value: Buffer.from(`other${reuseCounter++}`) });
      break;
  }
  return { ...req, records: changed, expectedOffset: undefined };
}

function runModel(ops: Op[], maxProducers: number, scenarios?: Set<string>, initialTimestampType: TimestampType = 'create') {
  const options = { ...STATE_OPTIONS, maxProducers };
  const log = new TestLog();
  log.append(EntryType.Normal, new Uint8Array(0)); // the first leader's no-op, committed
  log.commitUpTo(1);
  let leader = new PartitionState(ctx, { options });
  log.applyCommitted(leader);
  const follower = new PartitionState(ctx, { options }); // a replica that applies every commit, never restarted
  let session = new LeaderSession(leader, log.term);
  /** The log's last index when the current session began: batches at or below it are an earlier session's. */
  let sessionStart = log.lastIndex;
  /** The raft index of the snapshot the leader's state was restored from, if it was. */
  let restoredAt: number | undefined;
  let clock = APPEND_TIME_BASE;
  /** The topic's message.timestamp.type: the model switches it, as an alter-config would. */
  let timestampType = initialTimestampType;
  const clients: Client[] = Array.from({ length: PRODUCERS }, (_, i) => ({ pid: i + 1, epoch: 0, nextSeq: 0, sent: [], fencedRequests: [] }));
  const answers: Answer[] = [];
  let model: ModelEntry[] = [];

  const produce = (req: ModelRequest, why: string) => {
    const appendTime = ++clock; // every attempt arrives at another time
    const ready = leader.appliedTerm === log.term;
    const expected = ready ? reference(logBatches(log), req, maxProducers) : undefined;
    const lastIndexBefore = log.lastIndex;
    const nextOffsetBefore = session.nextOffset;
    const pendingBefore = session.pendingCount;
    const stateBefore = Buffer.from(leader.snapshot().data);
    const outcome = session.produce(toRequest(req, appendTime, timestampType), log.propose);
    answers.push({ req, outcome, term: log.term });
    const unchanged = () => {
      expect(log.lastIndex).toBe(lastIndexBefore);
      expect(session.nextOffset).toBe(nextOffsetBefore);
      expect(session.pendingCount).toBe(pendingBefore);
      expect(Buffer.from(leader.snapshot().data).equals(stateBefore)).toBe(true);
    };
    if (!expected) {
      expect(outcome.kind === 'rejected' && outcome.error.code).toBe('LEADER_NOT_READY');
      unchanged();
      return;
    }
    const tag = (what: string, b: LogBatch) => {
      if (!scenarios) return;
      scenarios.add(`${what} (${why})`);
      if (b.index > leader.appliedIndex) scenarios.add(`${what} of a pending batch`);
      if (b.index <= sessionStart) scenarios.add(`${what} of an earlier session's batch`);
      if (restoredAt !== undefined && b.index <= restoredAt) scenarios.add(`${what} of a batch from a restored snapshot`);
      scenarios.add(`${what} of a ${b.timestampType} batch sent to a ${timestampType} topic`);
    };
    switch (expected.kind) {
      case 'accept':
        expect(outcome).toEqual({ kind: 'appended', index: lastIndexBefore + 1, term: log.term, baseOffset: expected.baseOffset, lastOffset: expected.baseOffset + req.records.length - 1 });
        model.push({ index: lastIndexBefore + 1, term: log.term, req, appendTime, timestampType });
        break;
      case 'duplicateOf': {
        const b = expected.batch;
        const kind = b.index <= leader.appliedIndex ? 'duplicate' : 'pendingDuplicate';
        const offsets = { baseOffset: b.baseOffset, lastOffset: b.baseOffset + b.count - 1 };
        expect(outcome).toEqual(kind === 'duplicate' ? { kind, ...offsets } : { kind, index: b.index, term: log.term, ...offsets });
        expect(log.lastIndex).toBe(lastIndexBefore);
        tag('duplicate', b);
        break;
      }
      case 'conflict': {
        // A reused sequence with other records: refused, never answered with the stored offsets, nothing changed.
        const b = expected.batch;
        expect(outcome.kind === 'rejected' && outcome.error.code, `${why}: ${JSON.stringify(outcome)}`).toBe('SEQUENCE_CONFLICT');
        if (outcome.kind === 'rejected') {
          expect(outcome.error.details).toMatchObject({ storedBaseOffset: b.baseOffset, storedLastOffset: b.baseOffset + b.count - 1, storedBaseSequence: b.baseSeq, receivedSequence: req.baseSequence });
          expect(outcome.error.message).toMatch(new RegExp(`producer ${req.producerId} epoch ${req.producerEpoch} sent sequences ${req.baseSequence}\\.\\.`));
        }
        unchanged();
        tag(`conflict: ${expected.reason}`, b);
        break;
      }
      case 'error':
        expect(outcome.kind === 'rejected' && outcome.error.code).toBe(expected.code);
        unchanged();
        break;
    }
  };

  for (const op of ops) {
    switch (op.op) {
      case 'send': {
        const c = clients[op.p];
        const req = idempotent(c, c.nextSeq, op.count, op.style);
        c.nextSeq += op.count;
        c.sent.push(req);
        produce(req, 'send');
        break;
      }
      case 'retry': {
        const c = clients[op.p];
        if (c.sent.length > 0) produce(c.sent[op.pick % c.sent.length], 'faithful retry');
        break;
      }
      case 'reuse': {
        // A client that took a batch's outcome for "not written" and sent other records under its sequences.
        const c = clients[op.p];
        if (c.sent.length === 0) break;
        const req = otherRecords(c.sent[op.pick % c.sent.length], op.change);
        c.sent.push(req);
        produce(req, `other ${op.change}`);
        break;
      }
      case 'overlap': {
        const c = clients[op.p];
        if (c.sent.length === 0) break;
        const orig = c.sent[op.pick % c.sent.length];
        const base = Math.max(0, (orig.baseSequence as number) + op.shift);
        const count = base === orig.baseSequence && op.count === orig.records.length ? op.count + 1 : op.count;
        produce({ ...idempotent(c, base, count), records: records(Array.from({ length: count }, (_, i) => `overlap${reuseCounter++}.${i}`)) }, 'overlapping range');
        break;
      }
      case 'gap': {
        const c = clients[op.p];
        produce(idempotent(c, c.nextSeq + op.skip, 1), 'gap');
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
        if (c.fencedRequests.length > 0) produce(c.fencedRequests[op.pick % c.fencedRequests.length], 'zombie');
        break;
      }
      case 'plain':
        produce({ records: records(Array.from({ length: op.count }, () => `plain${plainCounter++}`)) }, 'plain');
        break;
      case 'retype':
        timestampType = timestampType === 'create' ? 'logAppend' : 'create';
        break;
      case 'conditional': {
        const expectedOffset = Math.max(0, session.nextOffset + op.delta);
        if (op.p === null) {
          produce({ records: records([`plain${plainCounter++}`]), expectedOffset }, 'conditional');
        } else {
          const c = clients[op.p];
          const req = idempotent(c, c.nextSeq, 1, 0, expectedOffset);
          c.nextSeq += 1;
          c.sent.push(req);
          produce(req, 'conditional');
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
        model = model.filter((m) => log.termAt(m.index) === m.term);
        if (op.rebuild === 'replay') {
          leader = new PartitionState(ctx, { options });
          restoredAt = undefined;
        } else if (op.rebuild === 'restore') {
          // The new leader starts from a snapshot of the committed state (as a node restarting
          // from its latest snapshot, or one that installed it), then applies what follows.
          log.applyCommitted(follower);
          const snap = follower.snapshot();
          leader = PartitionState.restore(ctx, snap, { options });
          restoredAt = snap.metadata.index;
        }
        log.applyCommitted(leader);
        session = new LeaderSession(leader, log.term);
        sessionStart = log.lastIndex;
        break;
    }
  }
  log.commitUpTo(log.lastIndex);
  log.applyCommitted(leader);
  log.applyCommitted(follower);
  return { log, leader, follower, answers, options, model, restored: restoredAt !== undefined };
}

/** Properties of the final, fully committed log that hold whatever the producer table forgets. */
async function checkLogAndAnswers(run: ReturnType<typeof runModel>) {
  const { log, leader, follower, answers, options, model } = run;
  const batches = logBatches(log);
  // Offsets are dense and increasing from 0, in log order.
  let next = 0;
  for (const b of batches) {
    expect(b.baseOffset).toBe(next);
    next += b.count;
  }
  expect(leader.nextOffset).toBe(next);
  // The log, read back through fetch, is the model's log: the accepted requests that survived, in order.
  const fetched = await fetchBatches(follower, 0, Number.MAX_SAFE_INTEGER, log.read); // the leader may start at a snapshot
  const read = recordsOf(fetched.batches, 0); // as a consumer reads them
  expect(read.map((r) => r.offset)).toEqual(Array.from({ length: next }, (_, i) => i));
  const stored = fetched.batches.flatMap((b) => producerRecords(b)).map(sentForm);
  expect(stored).toEqual(model.flatMap((m) => requestForm(m.req)));
  // Timestamps as the topic said when each batch was appended: the producer's, or the clock of its first accepted attempt.
  expect(read.map((r) => r.timestamp)).toEqual(model.flatMap((m) => m.req.records.map((r) => (m.timestampType === 'logAppend' ? m.appendTime : r.timestamp))));
  // Every answer with offsets (appended that survived, duplicate, pending duplicate) names
  // offsets that hold exactly the request's records, as sent, and nothing else.
  for (const { req, outcome, term } of answers) {
    if (outcome.kind === 'rejected') continue;
    if (outcome.kind !== 'duplicate' && log.termAt(outcome.index) !== term) continue; // lost in a leader change: the server says NOT_LEADER
    expect(outcome.lastOffset - outcome.baseOffset + 1).toBe(req.records.length);
    expect(stored.slice(outcome.baseOffset, outcome.lastOffset + 1), `answer ${JSON.stringify(outcome)}`).toEqual(requestForm(req));
    expect(batches.some((b) => b.baseOffset === outcome.baseOffset && b.count === req.records.length)).toBe(true);
  }
  // Determinism: a fresh replica replaying the log, the leader and a follower that applied as it went agree.
  const fresh = new PartitionState(ctx, { options });
  log.applyCommitted(fresh);
  for (const s of [leader, follower]) {
    expect(Buffer.from(s.snapshot().data).equals(Buffer.from(fresh.snapshot().data))).toBe(true);
  }
  // A restored leader has index points only from its snapshot on.
  for (const s of run.restored ? [follower] : [leader, follower]) expect(s.index.all()).toEqual(fresh.index.all());
}

const opsArb = (minLength: number) => fc.array(opArb, { minLength, maxLength: 100, size: 'max' });
const timestampTypeArb = fc.constantFrom<TimestampType>('create', 'logAppend');

describe('idempotent producer model', () => {
  it('every accepted batch is appended exactly once, retries get the original offsets, reused sequences are refused, offsets are dense, and replicas agree', async () => {
    await fc.assert(
      fc.asyncProperty(opsArb(1), timestampTypeArb, async (ops, timestampType) => {
        const run = runModel(ops, 1000, undefined, timestampType);
        await checkLogAndAnswers(run);
        // Exactly once: no (producer, epoch, sequence) range is in the log twice.
        const keys = logBatches(run.log).filter((b) => b.pid !== NO_PRODUCER_ID).map((b) => `${b.pid}/${b.epoch}/${b.baseSeq}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('with a producer table smaller than the number of producers, outcomes still match the reference and replicas agree', async () => {
    await fc.assert(
      fc.asyncProperty(opsArb(1), timestampTypeArb, async (ops, timestampType) => {
        await checkLogAndAnswers(runModel(ops, 2, undefined, timestampType));
      }),
      { numRuns: 500 },
    );
  });

  it('the model reaches every outcome kind and every retry scenario (a model that never retries or reuses would prove little)', () => {
    const seen = new Set<string>();
    const scenarios = new Set<string>();
    fc.assert(
      fc.property(opsArb(20), timestampTypeArb, (ops, timestampType) => {
        for (const a of runModel(ops, 1000, scenarios, timestampType).answers) seen.add(a.outcome.kind === 'rejected' ? a.outcome.error.code : a.outcome.kind);
      }),
      { numRuns: 200, seed: 1 },
    );
    for (const k of ['appended', 'duplicate', 'pendingDuplicate', 'SEQUENCE_CONFLICT', 'OUT_OF_ORDER_SEQUENCE', 'FENCED', 'OFFSET_MISMATCH', 'LEADER_NOT_READY']) {
      expect(seen, k).toContain(k);
    }
    const wanted = [
      'duplicate (faithful retry)',
      'duplicate of a pending batch',
      "duplicate of an earlier session's batch",
      'duplicate of a batch from a restored snapshot',
      // Retries recognised whatever the leader stamped, and across a change of the topic's timestamp type.
      ...(['create', 'logAppend'] as const).flatMap((stored) => (['create', 'logAppend'] as const).map((now) => `duplicate of a ${stored} batch sent to a ${now} topic`)),
      'conflict: otherRecords of a logAppend batch sent to a logAppend topic',
      ...CHANGES.map((c) => `conflict: otherRecords (other ${c})`),
      'conflict: otherRecords (faithful retry)', // the original of a range whose reuse was appended after the original was lost
      'conflict: otherRecords of a pending batch',
      "conflict: otherRecords of an earlier session's batch",
      'conflict: otherRecords of a batch from a restored snapshot',
      'conflict: overlap (overlapping range)',
      'conflict: overlap of a pending batch',
      "conflict: overlap of an earlier session's batch",
    ];
    for (const s of wanted) expect(scenarios, s).toContain(s);
  });
});
