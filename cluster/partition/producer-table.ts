import { MAX_SEQUENCE } from './produce-request';

/**
 * The idempotent producers' table, part of the replicated state (as Kafka's producer state):
 * for each producer id, its epoch and the last few batches it appended (sequence range, offsets,
 * records checksum), so that a retried batch is recognised as the same batch and answered with
 * the offsets it got the first time, even after a leader change or a restore from a snapshot.
 */
export const REMEMBERED_BATCHES = 5;

export interface ProducerBatch {
  readonly baseSequence: number;
  readonly lastSequence: number;
  readonly baseOffset: number;
  /**
   * The batch's records checksum (encodeBatch): a retry with the same sequences is the same
   * batch only if it has the same checksum. null: unknown (the batch was written in format 1,
   * or restored from a version 1 snapshot), so no retry can be proven to be this batch.
   */
  readonly checksum: number | null;
}

/** Immutable: an update makes a new entry, so a leader's speculative copy of the table is a shallow copy. */
export interface ProducerEntry {
  readonly epoch: number;
  /** Oldest first, at most REMEMBERED_BATCHES, never empty. The last one holds the last sequence. */
  readonly batches: readonly ProducerBatch[];
}

const SEQUENCE_SPACE = MAX_SEQUENCE + 1;

/** Sequences wrap from 2^31-1 to 0, as Kafka's. */
export function addSequence(seq: number, n: number): number {
  return (seq + n) % SEQUENCE_SPACE;
}

/** How many sequences after `from` `to` is, going forward around the wrap (0..2^31-1). */
function sequenceDistance(from: number, to: number): number {
  return (to - from + SEQUENCE_SPACE) % SEQUENCE_SPACE;
}

export function lastOffsetOf(b: ProducerBatch): number {
  return b.baseOffset + sequenceDistance(b.baseSequence, b.lastSequence);
}

/** Whether two sequence ranges share a sequence, on the circle of wrapping sequences. */
function rangesOverlap(base: number, last: number, b: ProducerBatch): boolean {
  return sequenceDistance(base, b.baseSequence) <= sequenceDistance(base, last) || sequenceDistance(b.baseSequence, base) <= sequenceDistance(b.baseSequence, b.lastSequence);
}

/**
 * Why a batch that reuses remembered sequences is refused (SEQUENCE_CONFLICT):
 *   otherRecords    the same range as a remembered batch, with another records checksum;
 *   overlap         a range that overlaps a remembered batch without being equal to it;
 *   unprovable      the same range as a remembered batch whose checksum is unknown (format 1).
 */
export type ConflictReason = 'otherRecords' | 'overlap' | 'unprovable';

export type SequenceCheck =
  | { readonly kind: 'accept' }
  /** The same batch (sequence range and records checksum) was appended before: answer with its offsets. */
  | { readonly kind: 'duplicate'; readonly batch: ProducerBatch }
  /** The sequences of `batch` reused for records that are not provably that batch's: refuse, write nothing. */
  | { readonly kind: 'conflict'; readonly reason: ConflictReason; readonly batch: ProducerBatch }
  | { readonly kind: 'fenced'; readonly knownEpoch: number }
  | { readonly kind: 'outOfOrder'; readonly expectedSequence: number }
  | { readonly kind: 'unknownProducer' };

/**
 * Kafka's rules, for a batch with sequences [baseSequence, lastSequence] under `epoch` whose
 * records checksum is `checksum`:
 *   - an unknown producer must start at sequence 0;
 *   - a lower epoch than the known one is fenced;
 *   - a higher epoch starts afresh and must start at sequence 0;
 *   - under the same epoch, a range equal to a remembered batch is a duplicate if the checksums
 *     are equal (and known), and a conflict otherwise; a range overlapping a remembered batch is
 *     a conflict; otherwise the batch must start right after the last sequence (anything else,
 *     such as a range below the remembered window, is out of order).
 * A duplicate is answered with the stored offsets, so it must be the same batch: an equal range
 * alone is not enough (a client that reused sequences for other records would be told that they
 * are where the other batch is).
 */
export function checkSequence(
  entry: ProducerEntry | undefined,
  epoch: number,
  baseSequence: number,
  lastSequence: number,
  checksum: number | null,
): SequenceCheck {
  if (entry === undefined) return baseSequence === 0 ? { kind: 'accept' } : { kind: 'unknownProducer' };
  if (epoch < entry.epoch) return { kind: 'fenced', knownEpoch: entry.epoch };
  if (epoch > entry.epoch) return baseSequence === 0 ? { kind: 'accept' } : { kind: 'outOfOrder', expectedSequence: 0 };
  for (const b of entry.batches) {
    if (b.baseSequence !== baseSequence || b.lastSequence !== lastSequence) continue;
    if (b.checksum === null) return { kind: 'conflict', reason: 'unprovable', batch: b };
    return b.checksum === checksum ? { kind: 'duplicate', batch: b } : { kind: 'conflict', reason: 'otherRecords', batch: b };
  }
  for (const b of entry.batches) {
    if (rangesOverlap(baseSequence, lastSequence, b)) return { kind: 'conflict', reason: 'overlap', batch: b };
  }
  const expected = addSequence(entry.batches[entry.batches.length - 1].lastSequence, 1);
  return baseSequence === expected ? { kind: 'accept' } : { kind: 'outOfOrder', expectedSequence: expected };
}

/**
 * Producer id -> entry, in least-recently-appended order (a Map keeps insertion order and an
 * update re-inserts), so forgetting the oldest producer beyond `maxProducers` is O(1) and every
 * replica forgets the same one.
 */
export class ProducerTable {
  private constructor(
    private readonly map: Map<number, ProducerEntry>,
    readonly maxProducers: number,
  ) {}

  static empty(maxProducers: number): ProducerTable {
    return new ProducerTable(new Map(), maxProducers);
  }

  /** A copy that can be updated without touching this one (entries are immutable and shared). */
  clone(): ProducerTable {
    return new ProducerTable(new Map(this.map), this.maxProducers);
  }

  get size(): number {
    return this.map.size;
  }

  get(producerId: number): ProducerEntry | undefined {
    return this.map.get(producerId);
  }

  /** Entries, least recently appended first (the snapshot's order). */
  entries(): IterableIterator<[number, ProducerEntry]> {
    return this.map.entries();
  }

  /** Restore one entry in snapshot order. */
  load(producerId: number, entry: ProducerEntry): void {
    this.map.set(producerId, entry);
  }

  /** Record an accepted batch (checkSequence said 'accept'). */
  record(producerId: number, epoch: number, batch: ProducerBatch): void {
    const old = this.map.get(producerId);
    const kept = old && old.epoch === epoch ? old.batches.slice(-(REMEMBERED_BATCHES - 1)) : [];
    kept.push(batch);
    this.map.delete(producerId);
    this.map.set(producerId, { epoch, batches: kept });
    if (this.map.size > this.maxProducers) {
      const oldest = this.map.keys().next().value as number;
      this.map.delete(oldest);
    }
  }
}
