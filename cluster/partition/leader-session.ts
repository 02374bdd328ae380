import { NO_PRODUCER_ID, stampBaseOffset, stampLogAppendTime, stampPartitionLeaderEpoch, unstampedCrc } from '../records';
import { type ProduceLimits, resolveProduceLimits } from './config';
import { internalError, type PartitionContext, PartitionError } from './errors';
import type { PartitionState } from './partition-state';
import { type ProduceRequest, validateProduce } from './produce-request';
import { addSequence, checkSequence, type ConflictReason, lastOffsetOf, type ProducerBatch, type ProducerTable } from './producer-table';

export type ProduceOutcome =
  /** Proposed at Raft `index`: answer the producer with these offsets once that index is applied in `term`. */
  | { readonly kind: 'appended'; readonly index: number; readonly term: number; readonly baseOffset: number; readonly lastOffset: number }
  /** A retry of a batch already applied (same sequences, same records checksum): answer at once with its original offsets. */
  | { readonly kind: 'duplicate'; readonly baseOffset: number; readonly lastOffset: number }
  /** A retry of a batch this leader proposed and has not applied yet: answer as that proposal is answered. */
  | { readonly kind: 'pendingDuplicate'; readonly index: number; readonly term: number; readonly baseOffset: number; readonly lastOffset: number }
  | { readonly kind: 'rejected'; readonly error: PartitionError };

/** Proposes the stamped batch to the partition's Raft group (RaftNode.propose); may throw ProposalDroppedError. */
export type Propose = (data: Uint8Array) => { index: number; term: number };

interface Pending {
  readonly index: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
}

/**
 * The leader's side of producing, for one leadership term. Validates each produce against the
 * applied state plus the batches this leader proposed and has not applied yet, assigns offsets,
 * and proposes. Create one when the node becomes leader of `term`, drop it when the node's role or
 * term changes (its pending batches may then never commit).
 *
 * It accepts produces only once the leader has applied an entry of its own term (its no-op): then
 * every entry before it is applied, and every entry after it is this session's own proposal, so
 * "applied state + pending" is exactly the state of the log prefix a new batch lands after.
 */
export class LeaderSession {
  private readonly limits: ProduceLimits;
  /** The producer table after every pending batch; made when the session becomes ready. */
  private speculative: ProducerTable | undefined;
  private specNextOffset = 0;
  /** Proposed, not yet applied, in index (and offset) order; pending[head] is the oldest. */
  private pending: Pending[] = [];
  private head = 0;

  constructor(
    readonly state: PartitionState,
    readonly term: number,
    limits: Partial<ProduceLimits> = {},
  ) {
    this.limits = resolveProduceLimits(limits);
  }

  /** Where the log will end once everything proposed is applied (what a conditional append must name). */
  get nextOffset(): number {
    this.sync();
    return this.speculative ? this.specNextOffset : this.state.nextOffset;
  }

  /** Batches proposed by this session and not yet applied. */
  get pendingCount(): number {
    this.sync();
    return this.pending.length - this.head;
  }

  /** Whether the leader has applied its own term's first entry and so may accept produces. */
  get ready(): boolean {
    return this.state.appliedTerm === this.term;
  }

  produce(req: ProduceRequest, propose: Propose): ProduceOutcome {
    const ctx = this.state.context;
    const reject = (error: PartitionError): ProduceOutcome => ({ kind: 'rejected', error });
    if (this.state.appliedTerm > this.term) {
      return reject(new PartitionError('NOT_LEADER', ctx, `this replica's leadership of term ${this.term} is over (it applied an entry of term ${this.state.appliedTerm}); retry on the current leader`));
    }
    if (this.state.appliedTerm < this.term) {
      return reject(new PartitionError('LEADER_NOT_READY', ctx, `the leader of term ${this.term} is still applying its predecessors' entries (applied up to raft index ${this.state.appliedIndex}); retry shortly`));
    }
    this.sync();
    const table = (this.speculative ??= this.state.producers.clone());
    const h = validateProduce(req, this.limits, ctx);
    if (h instanceof PartitionError) return reject(h);

    const pid = h.producerId;
    const epoch = h.producerEpoch;
    const baseSequence = h.baseSequence;
    const count = h.recordCount;
    const lastSequence = pid === NO_PRODUCER_ID ? -1 : addSequence(baseSequence, count - 1);
    const baseOffset = this.specNextOffset;
    // What tells a retry of a batch from other records under its sequences: the batch's CRC with
    // the leader's stamps undone, derived from the header the CRC check just proved (no pass).
    const checksum = unstampedCrc(req.batch);
    if (pid !== NO_PRODUCER_ID) {
      const check = checkSequence(table.get(pid), epoch, baseSequence, lastSequence, checksum);
      switch (check.kind) {
        case 'accept':
          break;
        case 'duplicate':
          return this.duplicate(check.batch.baseOffset, lastOffsetOf(check.batch));
        case 'conflict':
          return reject(sequenceConflict(ctx, pid, epoch, baseSequence, lastSequence, check.reason, check.batch));
        case 'fenced':
          return reject(new PartitionError('FENCED', ctx, `producer ${pid} epoch ${epoch} is fenced by epoch ${check.knownEpoch}: a newer instance of this producer took over; this one must stop`, { knownEpoch: check.knownEpoch, receivedEpoch: epoch }));
        case 'outOfOrder':
          return reject(new PartitionError('OUT_OF_ORDER_SEQUENCE', ctx, `producer ${pid} epoch ${epoch} sent sequence ${baseSequence} but ${check.expectedSequence} was due: an earlier batch was not appended; resend from sequence ${check.expectedSequence}`, { expectedSequence: check.expectedSequence, receivedSequence: baseSequence }));
        case 'unknownProducer':
          return reject(new PartitionError('UNKNOWN_PRODUCER', ctx, `producer ${pid} is not known to this partition (never seen, or forgotten) and sent sequence ${baseSequence}; start a new epoch at sequence 0`, { receivedSequence: baseSequence }));
        default: {
          const never: never = check;
          throw internalError(ctx, `unknown sequence check ${JSON.stringify(never)}`);
        }
      }
    }
    // Checked after duplicates: the retry of a conditional append that succeeded gets its offsets.
    if (req.expectedOffset !== undefined && req.expectedOffset !== baseOffset) {
      return reject(new PartitionError('OFFSET_MISMATCH', ctx, `conditional append expected the log to end at offset ${req.expectedOffset} but it ends at ${baseOffset}`, { expectedOffset: req.expectedOffset, actualOffset: baseOffset }));
    }

    // Stamped in place: outside the CRC (offset, leader epoch), or with the CRC patched (append time).
    const data = req.batch;
    stampBaseOffset(data, baseOffset);
    stampPartitionLeaderEpoch(data, leaderEpochOf(this.term));
    if (req.timestampType === 'logAppend') stampLogAppendTime(data, req.appendTime!);
    const at = propose(data); // throws if not accepted: nothing above has changed any state
    if (at.term !== this.term) {
      throw internalError(ctx, `a batch validated by the session of term ${this.term} was proposed in term ${at.term}; the server must start a new session on every term change`);
    }
    const lastOffset = baseOffset + count - 1;
    this.specNextOffset = lastOffset + 1;
    if (pid !== NO_PRODUCER_ID) table.record(pid, epoch, { baseSequence, lastSequence, baseOffset, checksum });
    this.pending.push({ index: at.index, baseOffset, lastOffset });
    return { kind: 'appended', index: at.index, term: at.term, baseOffset, lastOffset };
  }

  private duplicate(baseOffset: number, lastOffset: number): ProduceOutcome {
    if (baseOffset < this.state.nextOffset) return { kind: 'duplicate', baseOffset, lastOffset };
    const p = this.findPending(baseOffset);
    if (!p) throw internalError(this.state.context, `a remembered batch at offset ${baseOffset} is neither applied nor pending`);
    return { kind: 'pendingDuplicate', index: p.index, term: this.term, baseOffset, lastOffset };
  }

  private findPending(baseOffset: number): Pending | undefined {
    let lo = this.head;
    let hi = this.pending.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.pending[mid];
      if (p.baseOffset === baseOffset) return p;
      if (p.baseOffset < baseOffset) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Forget pending batches that have been applied, and check the speculative state still extends the applied one. */
  private sync(): void {
    if (!this.speculative) {
      this.specNextOffset = this.state.nextOffset;
      return;
    }
    const applied = this.state.appliedIndex;
    while (this.head < this.pending.length && this.pending[this.head].index <= applied) this.head++;
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    const expected = this.head < this.pending.length ? this.pending[this.head].baseOffset : this.specNextOffset;
    if (this.state.appliedTerm === this.term && expected !== this.state.nextOffset) {
      throw internalError(this.state.context, `the leader of term ${this.term} applied up to offset ${this.state.nextOffset} but its oldest pending batch starts at ${expected}`);
    }
  }
}

/** The partitionLeaderEpoch a leader stamps: its Raft term (Kafka's leader epoch), an int32. */
function leaderEpochOf(term: number): number {
  return Math.min(term, 0x7fff_ffff);
}

/** SEQUENCE_CONFLICT: the batch reuses a remembered batch's sequences and is not provably that batch. */
function sequenceConflict(
  ctx: PartitionContext,
  pid: number,
  epoch: number,
  baseSequence: number,
  lastSequence: number,
  reason: ConflictReason,
  stored: ProducerBatch,
): PartitionError {
  const storedAt = `the batch stored at offsets ${stored.baseOffset}..${lastOffsetOf(stored)} with sequences ${stored.baseSequence}..${stored.lastSequence}`;
  const why: Record<ConflictReason, string> = {
    otherRecords: `the same sequences as ${storedAt}, but other records (their checksums differ)`,
    overlap: `which overlap ${storedAt}`,
    unprovable: `the same sequences as ${storedAt}, which was written by an older version without a records checksum, so this cannot be proven to be a retry of it`,
  };
  return new PartitionError(
    'SEQUENCE_CONFLICT',
    ctx,
    `producer ${pid} epoch ${epoch} sent sequences ${baseSequence}..${lastSequence}, ${why[reason]}; this batch was not written and is not answered with the stored offsets: the producer must take a new epoch (InitProducer again) and send its unacknowledged records from sequence 0`,
    {
      receivedSequence: baseSequence,
      receivedLastSequence: lastSequence,
      storedBaseSequence: stored.baseSequence,
      storedLastSequence: stored.lastSequence,
      storedBaseOffset: stored.baseOffset,
      storedLastOffset: lastOffsetOf(stored),
    },
  );
}
