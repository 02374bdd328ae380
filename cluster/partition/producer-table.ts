import { MAX_SEQUENCE } from './produce-request';

/**
 * The idempotent producers' table, part of the replicated state (as Kafka's producer state):
 * for each producer id, its epoch and the last few batches it appended, so that a retried batch is
 * recognised and answered with the offsets it got the first time, even after a leader change.
 */
export const REMEMBERED_BATCHES = 5;

export interface ProducerBatch {
  readonly baseSequence: number;
  readonly lastSequence: number;
  readonly baseOffset: number;
}

/** Immutable: an update makes a new entry, so a leader's speculative copy of the table is a shallow copy. */
export interface ProducerEntry {
  readonly epoch: number;
  /** Oldest first, at most REMEMBERED_BATCHES, never empty. The last one holds the last sequence. */
  readonly batches: readonly ProducerBatch[];
}

/** Sequences wrap from 2^31-1 to 0, as Kafka's. */
export function addSequence(seq: number, n: number): number {
  return (seq + n) % (MAX_SEQUENCE + 1);
}

export function lastOffsetOf(b: ProducerBatch): number {
  const span = (b.lastSequence - b.baseSequence + MAX_SEQUENCE + 1) % (MAX_SEQUENCE + 1);
  return b.baseOffset + span;
}

export type SequenceCheck =
  | { readonly kind: 'accept' }
  /** The same sequence range was appended before: answer with its offsets. */
  | { readonly kind: 'duplicate'; readonly batch: ProducerBatch }
  | { readonly kind: 'fenced'; readonly knownEpoch: number }
  | { readonly kind: 'outOfOrder'; readonly expectedSequence: number }
  | { readonly kind: 'unknownProducer' };

/**
 * Kafka's rules, for a batch with sequences [baseSequence, lastSequence] under `epoch`:
 *   - an unknown producer must start at sequence 0;
 *   - a lower epoch than the known one is fenced;
 *   - a higher epoch starts afresh and must start at sequence 0;
 *   - under the same epoch, a range equal to a remembered batch is a duplicate, and otherwise the
 *     batch must start right after the last sequence (anything else is out of order).
 */
export function checkSequence(entry: ProducerEntry | undefined, epoch: number, baseSequence: number, lastSequence: number): SequenceCheck {
  if (entry === undefined) return baseSequence === 0 ? { kind: 'accept' } : { kind: 'unknownProducer' };
  if (epoch < entry.epoch) return { kind: 'fenced', knownEpoch: entry.epoch };
  if (epoch > entry.epoch) return baseSequence === 0 ? { kind: 'accept' } : { kind: 'outOfOrder', expectedSequence: 0 };
  for (const b of entry.batches) {
    if (b.baseSequence === baseSequence && b.lastSequence === lastSequence) return { kind: 'duplicate', batch: b };
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
