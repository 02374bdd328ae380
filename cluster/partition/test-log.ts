import { encodeConfChange, type Entry, EntryType, limitSize, type Snapshot } from '../../raft';
import { type DecodedRecord, encodeRecordBatch, readRecords, type RecordInput, type TimestampType, validateRecordBatch } from '../records';
import type { ProduceRequest } from './produce-request';
import { LeaderSession } from './leader-session';
import { PartitionState, type PartitionStateInit } from './partition-state';

/**
 * A stand-in for a partition's Raft log in tests: entries by index, a commit point, and the
 * truncation a leader change does to an uncommitted suffix. Not used outside tests.
 */
export class TestLog {
  entries: Entry[] = [];
  commit = 0;
  /** Entries at or below this index were compacted away. */
  compacted = 0;
  term = 1;

  get lastIndex(): number {
    return this.compacted + this.entries.length;
  }

  entry(index: number): Entry {
    const e = this.entries[index - this.compacted - 1];
    if (!e) throw new RangeError(`test log has no entry ${index} (compacted through ${this.compacted}, last ${this.lastIndex})`);
    return e;
  }

  /** Term of the entry at `index`, or undefined if the log has none there. */
  termAt(index: number): number | undefined {
    return index > this.compacted && index <= this.lastIndex ? this.entry(index).term : undefined;
  }

  append(type: EntryType, data: Uint8Array, term = this.term): { index: number; term: number } {
    const index = this.lastIndex + 1;
    this.entries.push({ index, term, type, data });
    return { index, term };
  }

  /** RaftNode.propose, as a leader of `term` would. */
  readonly propose = (data: Uint8Array) => this.append(EntryType.Normal, data);

  /** A new leader: keep `keepUncommitted` of the uncommitted suffix, then append its no-op. */
  leaderChange(keepUncommitted: number): void {
    const keep = Math.min(this.commit + keepUncommitted, this.lastIndex);
    this.entries.length = keep - this.compacted;
    this.term++;
    this.append(EntryType.Normal, new Uint8Array(0));
  }

  commitUpTo(index: number): void {
    this.commit = Math.max(this.commit, Math.min(index, this.lastIndex));
  }

  /** Apply committed entries the state has not applied yet; returns the segment snapshots it emitted. */
  applyCommitted(state: PartitionState, upTo = this.commit) {
    if (upTo <= state.appliedIndex) return [];
    return state.apply(this.entries.slice(state.appliedIndex - this.compacted, upTo - this.compacted));
  }

  /** Storage.entries: [lo, hi), at least one, then at most maxBytes. */
  readonly read = (lo: number, hi: number, maxBytes: number): readonly Entry[] => {
    if (lo <= this.compacted) throw new RangeError(`read from ${lo}: compacted through ${this.compacted}`);
    return limitSize(this.entries.slice(lo - this.compacted - 1, hi - this.compacted - 1), maxBytes);
  };

  /** Replace committed entries' data in place (what the log cleaner hands back): same index and term. */
  readonly rewrite = (entries: readonly Entry[]): void => {
    for (const e of entries) {
      if (e.index <= this.compacted) continue; // compacted away meanwhile: nothing to rewrite
      const old = this.entry(e.index);
      if (old.term !== e.term || old.type !== e.type || e.index > this.commit) throw new RangeError(`test log: rewrite of entry ${e.index} (term ${e.term}) over term ${old.term}, commit ${this.commit}`);
      this.entries[e.index - this.compacted - 1] = e;
    }
  };

  compactThrough(index: number): void {
    this.entries = this.entries.slice(index - this.compacted);
    this.compacted = index;
  }
}

/** One step of building a partition's log for a test. */
export type LogStep =
  | { readonly kind: 'plain'; readonly records: readonly RecordInput[] }
  | { readonly kind: 'idempotent'; readonly producer: number; readonly records: readonly RecordInput[] }
  | { readonly kind: 'confChange'; readonly node: number }
  | { readonly kind: 'leaderChange' };

/**
 * Build a committed log from steps through a real LeaderSession (so every batch is one a leader
 * would propose), applying as it goes. Returns the log and the state that applied all of it.
 */
export function buildPartitionLog(
  steps: readonly LogStep[],
  init: PartitionStateInit = {},
  context = { topic: 't', partition: 0 },
  /** The topic's timestamp type, and the leader's clock for the i-th batch (default: i). */
  topic: { readonly timestampType?: TimestampType; readonly clock?: (batch: number) => number } = {},
) {
  const log = new TestLog();
  log.append(EntryType.Normal, new Uint8Array(0));
  log.commitUpTo(1);
  const state = new PartitionState(context, init);
  const snapshots: Snapshot[] = [];
  const commit = () => {
    log.commitUpTo(log.lastIndex);
    snapshots.push(...log.applyCommitted(state));
  };
  commit();
  let session = new LeaderSession(state, log.term);
  const sequences = new Map<number, number>();
  const voters = [1];
  let batches = 0;
  for (const s of steps) {
    switch (s.kind) {
      case 'plain':
      case 'idempotent': {
        const pid = s.kind === 'idempotent' ? s.producer : 0;
        const seq = sequences.get(pid) ?? 0;
        const extra = { appendTime: (topic.clock ?? ((i: number) => i))(batches++), timestampType: topic.timestampType ?? 'create' };
        const req = pid === 0 ? produceOf(s.records, undefined, extra) : produceOf(s.records, { producerId: pid, producerEpoch: 0, baseSequence: seq }, extra);
        const o = session.produce(req, log.propose);
        if (o.kind !== 'appended') throw new Error(`test log: produce was ${o.kind}`);
        if (pid !== 0) sequences.set(pid, seq + s.records.length);
        break;
      }
      case 'confChange':
        if (!voters.includes(s.node)) voters.push(s.node);
        log.append(EntryType.ConfChange, encodeConfChange({ type: 'addVoter', node: s.node }, { voters: [...voters], learners: [] }));
        break;
      case 'leaderChange':
        commit();
        log.leaderChange(0);
        commit();
        session = new LeaderSession(state, log.term);
        break;
    }
    commit();
  }
  return { log, state, snapshots };
}

/** A produce request of `records` as a producer encodes it (idempotent when `producer` is given). */
export function produceOf(
  records: readonly RecordInput[],
  producer?: { producerId: number; producerEpoch: number; baseSequence: number },
  extra: Omit<ProduceRequest, 'batch'> = {},
): ProduceRequest {
  return { batch: encodeRecordBatch(records, producer ?? {}), ...extra };
}

/**
 * The records of fetched batches from `fromOffset` on, as a consumer decodes them: every batch
 * validated (CRC included), the records of the first one below `fromOffset` skipped.
 */
export function recordsOf(batches: readonly Uint8Array[], fromOffset = 0): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  for (const b of batches) for (const r of readRecords(b, validateRecordBatch(b, { compacted: true }), fromOffset)) out.push(r);
  return out;
}
