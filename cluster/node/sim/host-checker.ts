import type { Entry, NodeId } from '../../../raft';
import { decodeRecordBatch, isRecordBatch } from '../../records';

/** A property of the whole run that a step broke; the simulation stops there and prints its seed. */
export class HostSimViolation extends Error {
  constructor(
    readonly property: string,
    detail: string,
  ) {
    super(`${property}: ${detail}`);
    this.name = 'HostSimViolation';
  }
}

/** How a write was acknowledged: acks=all names offsets for good; acks=leader only said the leader had it. */
export type AckKind = 'all' | 'leader';

const text = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('utf8');

/**
 * The host simulation's checkers, fed as things happen (every apply on every replica, every
 * acknowledgement and every fetch answer a client gets):
 * - replicas never disagree: the record at a committed offset is the same on every replica that
 *   applies it, across crashes, snapshots and repairs;
 * - no value is ever in the log twice (so idempotent retries never duplicate);
 * - an acks=all acknowledgement is final: the acknowledged record is committed exactly at the
 *   offset it was acknowledged with; an acks=leader one, if the record is in the log, names its offset;
 * - a fetch returns only committed records, at their committed offsets;
 * - a replica's high watermark never moves back within one incarnation (a restart or a repair
 *   replays from its snapshot; a snapshot from the leader only moves it forward).
 */
export class HostChecker {
  /** Partition -> offset -> value, for every offset any replica applied. */
  private readonly committed = new Map<number, Map<number, string>>();
  /** Partition -> value -> offset. */
  private readonly where = new Map<number, Map<string, number>>();
  /** acks=all acknowledgements not yet seen applied: partition -> offset -> value. */
  private readonly awaited = new Map<number, Map<number, string>>();
  /** Highest high watermark per (host, partition) in the current incarnation of that replica. */
  private readonly hw = new Map<string, number>();
  readonly stats = { recordsApplied: 0, acks: 0, fetched: 0 };

  constructor(private readonly now: () => string) {}

  private fail(property: string, detail: string): never {
    throw new HostSimViolation(property, `${detail} (${this.now()})`);
  }

  private mapOf<K, V>(m: Map<number, Map<K, V>>, p: number): Map<K, V> {
    let x = m.get(p);
    if (!x) m.set(p, (x = new Map()));
    return x;
  }

  /** A replica applied committed entries; `highWatermark` is its state after them. */
  applied(host: NodeId, partition: number, entries: readonly Entry[], highWatermark: number): void {
    const committed = this.mapOf(this.committed, partition);
    const where = this.mapOf(this.where, partition);
    const awaited = this.mapOf(this.awaited, partition);
    for (const e of entries) {
      if (!isRecordBatch(e.data)) continue;
      const { records } = decodeRecordBatch(e.data);
      for (const r of records) {
        const value = text(r.value ?? new Uint8Array(0));
        this.stats.recordsApplied++;
        const there = committed.get(r.offset);
        if (there === undefined) {
          const seen = where.get(value);
          if (seen !== undefined && seen !== r.offset) this.fail('no duplicates', `partition ${partition}: value ${value} is committed at offset ${seen} and again at offset ${r.offset} (applied on node ${host})`);
          committed.set(r.offset, value);
          where.set(value, r.offset);
          const acked = awaited.get(r.offset);
          if (acked !== undefined) {
            awaited.delete(r.offset);
            if (acked !== value) this.fail('acknowledged writes are kept', `partition ${partition}: ${acked} was acknowledged (acks=all) at offset ${r.offset}, but ${value} was committed there`);
          }
        } else if (there !== value) {
          this.fail('replicas agree on committed offsets', `partition ${partition} offset ${r.offset}: node ${host} applied ${value}, another replica applied ${there}`);
        }
      }
    }
    this.watermark(host, partition, highWatermark);
  }

  private watermark(host: NodeId, partition: number, highWatermark: number): void {
    const key = `${host}/${partition}`;
    const before = this.hw.get(key) ?? 0;
    if (highWatermark < before) this.fail('the high watermark never moves back', `partition ${partition} on node ${host}: ${before} -> ${highWatermark}`);
    this.hw.set(key, highWatermark);
  }

  /** A replica restarted from its store or was repaired: its watermark replays from its snapshot. */
  replicaRestarted(host: NodeId, partition: number): void {
    this.hw.delete(`${host}/${partition}`);
  }

  /** A snapshot from the leader replaced a replica's log (it only moves the watermark forward). */
  snapshotInstalled(host: NodeId, partition: number, highWatermark: number): void {
    this.watermark(host, partition, highWatermark);
  }

  /** A client got an acknowledgement: `values[i]` at `baseOffset + i`. */
  acknowledged(kind: AckKind, partition: number, baseOffset: number, values: readonly string[]): void {
    const committed = this.mapOf(this.committed, partition);
    const where = this.mapOf(this.where, partition);
    const awaited = this.mapOf(this.awaited, partition);
    this.stats.acks++;
    values.forEach((value, i) => {
      const offset = baseOffset + i;
      const at = where.get(value);
      if (at !== undefined && at !== offset) this.fail('acknowledgements name the right offset', `partition ${partition}: ${value} was acknowledged (acks=${kind}) at offset ${offset} but is committed at offset ${at}`);
      if (kind === 'leader') return;
      const there = committed.get(offset);
      if (there === undefined) awaited.set(offset, value);
      else if (there !== value) this.fail('acknowledged writes are kept', `partition ${partition}: ${value} was acknowledged (acks=all) at offset ${offset}, but ${there} is committed there`);
    });
  }

  /** A fetch answered these records. */
  fetched(host: NodeId, partition: number, records: ReadonlyArray<{ offset: number; value: string }>): void {
    const committed = this.mapOf(this.committed, partition);
    for (const r of records) {
      this.stats.fetched++;
      const there = committed.get(r.offset);
      if (there === undefined) this.fail('fetches return only committed records', `partition ${partition}: node ${host} returned ${r.value} at offset ${r.offset}, which no replica has applied`);
      if (there !== r.value) this.fail('fetches return only committed records', `partition ${partition}: node ${host} returned ${r.value} at offset ${r.offset}, where ${there} is committed`);
    }
  }

  /** At the end, once every replica has applied everything: every acks=all acknowledgement was seen committed. */
  finish(): void {
    for (const [p, awaited] of this.awaited) {
      for (const [offset, value] of awaited) this.fail('acknowledged writes are kept', `partition ${p}: ${value} was acknowledged (acks=all) at offset ${offset}, which was never committed`);
    }
  }

  committedValue(partition: number, offset: number): string | undefined {
    return this.committed.get(partition)?.get(offset);
  }

  committedCount(partition: number): number {
    return this.committed.get(partition)?.size ?? 0;
  }
}
