import type { NodeId, Rng } from '../../../raft';
import { type FetchResponse, META, type ProduceResponse } from '../../../proto/load';
import { encodeRecordBatch, readRecords, splitRecordBatches, validateRecordBatch } from '../../records';
import type { ProduceCall } from '../partition-replica';
import { RpcError } from '../rpc-errors';
import { type HostChecker, HostSimViolation } from './host-checker';
import { ConnectionLost, ConnectionRefused, groupOf, type SimHost } from './sim-host';
import type { VirtualTime } from './virtual-time';

/** Errors an idempotent producer may get and retry under the same sequence numbers. */
const RETRIABLE = new Set(['NOT_LEADER', 'NO_LEADER', 'TIMEOUT', 'NOT_ENOUGH_REPLICAS', 'OUT_OF_ORDER_SEQUENCE', 'UNKNOWN_PRODUCER', 'SHUTTING_DOWN']);

/** The response never reached the client (a broken stream): a write's outcome is unknown. */
class ResponseLost extends Error {}

/**
 * The simulation's clients, calling hosts over a client network with its own delays and lost
 * answers: idempotent producers (acks=all, one sequence range per batch, retried under the same
 * numbers until acknowledged, sometimes sent to two nodes at once), acks=leader producers,
 * conditional appends after a linearizable end-offset read, and consumers that fetch every
 * partition in order. What they get is fed to the checker; an answer that cannot happen for a
 * correct client (another batch's records under its sequence, a fenced producer) is a violation.
 */
export class SimClients {
  private readonly leaderGuess = new Map<number, NodeId>();
  /** Per partition: one past the highest offset acknowledged with acks=all so far. */
  private readonly ackedEnd = new Map<number, number>();
  private seq = 0;
  /** Responses lost on the client network, in percent. */
  responseLoss = 0;
  readonly stats = { produced: 0, acked: 0, retries: 0, leaderAcks: 0, casOk: 0, casRefused: 0, fetches: 0, reads: 0, unknown: 0 };
  /** Producers whose latest batch is not acknowledged yet: liveness needs them all done. */
  readonly pending = new Map<string, string>();

  constructor(
    private readonly time: VirtualTime,
    private readonly rng: Rng,
    private readonly hosts: readonly SimHost[],
    private readonly checker: HostChecker,
    private readonly partitions: number,
    private readonly log: (line: string) => void,
  ) {}

  sleep(ms: number): Promise<void> {
    return new Promise((r) => this.time.after(ms, r));
  }

  private pick(partition: number, rotate: boolean): SimHost {
    const guess = this.leaderGuess.get(partition);
    if (!rotate && guess !== undefined) {
      const h = this.hosts.find((x) => x.id === guess);
      if (h) return h;
    }
    return this.hosts[this.rng.int(this.hosts.length)];
  }

  private learn(partition: number, host: SimHost, e: unknown): void {
    if (e instanceof RpcError && e.code === 'NOT_LEADER') {
      const hint = Number(e.meta[META.leader] ?? 0);
      if (hint > 0) this.leaderGuess.set(partition, hint);
      else this.leaderGuess.delete(partition);
    } else if (e instanceof RpcError || e instanceof ConnectionRefused || e instanceof ConnectionLost) {
      if (this.leaderGuess.get(partition) === host.id) this.leaderGuess.delete(partition);
    }
  }

  /** One call over the client network: a delay there, the host's work, a delay back (or a lost answer). */
  private async rpc<T>(host: SimHost, partition: number, run: Parameters<SimHost['call']>[0]): Promise<T> {
    await this.sleep(1 + this.rng.int(3));
    const answer = (await host.call(run, groupOf(partition))) as T;
    const lost = this.rng.int(100) < this.responseLoss;
    await this.sleep(1 + this.rng.int(3));
    if (lost) throw new ResponseLost(`the answer from node ${host.id} was lost`);
    return answer;
  }

  private deadline(): number {
    return this.time.now + 400;
  }

  /** An idempotent producer: batches of 1-3 records, each acknowledged exactly once (acks=all). */
  async idempotentProducer(name: string, partition: number, producerId: number, until: () => boolean): Promise<void> {
    let sequence = 0;
    let n = 0;
    while (!until()) {
      const count = 1 + this.rng.int(3);
      const values = Array.from({ length: count }, (_, i) => `${name}-${n + i}`);
      n += count;
      // Encoded once: every retry sends the same bytes under the same sequence numbers.
      const batch = batchOf(values, this.time.now, { producerId, producerEpoch: 0, baseSequence: sequence });
      const call = (): ProduceCall => ({ batch, acks: 'ACKS_ALL', deadline: this.deadline() });
      this.pending.set(name, values[0]);
      this.stats.produced += count;
      const r = await this.untilAcknowledged(name, partition, call);
      this.pending.delete(name);
      this.accept('all', partition, r, values, name);
      sequence += count;
      await this.sleep(this.rng.int(20));
    }
  }

  /** Send one batch, retrying under the same sequence numbers until acknowledged. */
  private async untilAcknowledged(name: string, partition: number, call: () => ProduceCall): Promise<ProduceResponse> {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        this.stats.retries++;
        await this.sleep(5 + this.rng.int(30));
      }
      const first = this.pick(partition, attempt > 2 && this.rng.int(2) === 0);
      const hedge = this.rng.int(10) === 0 ? this.hosts[this.rng.int(this.hosts.length)] : undefined;
      const tries = [first, ...(hedge && hedge !== first ? [hedge] : [])].map((h) =>
        this.rpc<ProduceResponse>(h, partition, (r) => r.produce(call())).then(
          (ok) => ({ ok }),
          (error: unknown) => {
            this.learn(partition, h, error);
            return { error };
          },
        ),
      );
      const results = await Promise.all(tries);
      for (const r of results) if ('error' in r) this.refuseImpossible(name, r.error);
      const ok = results.find((r): r is { ok: ProduceResponse } => 'ok' in r);
      if (ok) {
        // A hedged twin that also succeeded must name the same offsets (one of them is the duplicate).
        for (const r of results) {
          if ('ok' in r && (r.ok.baseOffset !== ok.ok.baseOffset || r.ok.lastOffset !== ok.ok.lastOffset)) {
            throw new HostSimViolation('idempotent retries never duplicate', `${name}: two attempts of one batch were acknowledged at offsets ${ok.ok.baseOffset} and ${r.ok.baseOffset}`);
          }
        }
        return ok.ok;
      }
    }
  }

  private refuseImpossible(name: string, e: unknown): void {
    if (e instanceof RpcError && !RETRIABLE.has(e.code)) {
      throw new HostSimViolation('a correct producer gets only retriable errors', `${name}: ${e.code}: ${e.message}`);
    }
    if (!(e instanceof RpcError) && !(e instanceof ConnectionRefused) && !(e instanceof ConnectionLost) && !(e instanceof ResponseLost)) {
      throw new HostSimViolation('a correct producer gets only retriable errors', `${name}: ${e instanceof Error ? e.stack : String(e)}`);
    }
    if (!(e instanceof RpcError) || e.outcome === 'unknown') this.stats.unknown++;
  }

  private accept(kind: 'all' | 'leader', partition: number, r: ProduceResponse, values: readonly string[], who: string): void {
    if (r.lastOffset - r.baseOffset + 1 !== values.length) {
      throw new HostSimViolation('acknowledgements name the right offsets', `${who}: ${values.length} records acknowledged as offsets ${r.baseOffset}..${r.lastOffset}`);
    }
    this.checker.acknowledged(kind, partition, r.baseOffset, values);
    if (kind === 'all') {
      this.stats.acked += values.length;
      this.ackedEnd.set(partition, Math.max(this.ackedEnd.get(partition) ?? 0, r.lastOffset + 1));
    } else this.stats.leaderAcks += values.length;
  }

  /** acks=leader, not idempotent: one attempt per record, no retry (a retry could duplicate). */
  async leaderAcksProducer(name: string, partition: number, until: () => boolean): Promise<void> {
    let n = 0;
    while (!until()) {
      const value = `${name}-${n++}`;
      const host = this.pick(partition, false);
      try {
        const r = await this.rpc<ProduceResponse>(host, partition, (rep) =>
          rep.produce({ batch: batchOf([value], this.time.now), acks: 'ACKS_LEADER', deadline: this.deadline() }),
        );
        this.accept('leader', partition, r, [value], name);
      } catch (e) {
        this.learn(partition, host, e);
      }
      await this.sleep(10 + this.rng.int(40));
    }
  }

  /**
   * Conditional appends: read the end offset (linearizable: never below what acks=all had
   * acknowledged before the read began), then append at exactly that offset.
   */
  async conditionalWriter(name: string, partition: number, until: () => boolean): Promise<void> {
    let n = 0;
    while (!until()) {
      await this.sleep(20 + this.rng.int(60));
      const host = this.pick(partition, this.rng.int(4) === 0);
      const floor = this.ackedEnd.get(partition) ?? 0;
      let end: number;
      try {
        end = await this.rpc<number>(host, partition, (r) => r.listOffset('latest', this.deadline()));
        this.stats.reads++;
      } catch (e) {
        this.learn(partition, host, e);
        continue;
      }
      if (end < floor) {
        throw new HostSimViolation('end-offset reads are linearizable', `${name}: node ${host.id} answered end offset ${end} for partition ${partition}, below ${floor}, acknowledged (acks=all) before the read began`);
      }
      const value = `${name}-${n++}`;
      try {
        const r = await this.rpc<ProduceResponse>(host, partition, (rep) =>
          rep.produce({ batch: batchOf([value], this.time.now), acks: 'ACKS_ALL', expectedOffset: end, deadline: this.deadline() }),
        );
        if (r.baseOffset !== end) throw new HostSimViolation('conditional appends land where expected', `${name}: expected offset ${end}, acknowledged at ${r.baseOffset}`);
        this.accept('all', partition, r, [value], name);
        this.stats.casOk++;
      } catch (e) {
        if (e instanceof HostSimViolation) throw e;
        this.stats.casRefused++;
        this.learn(partition, host, e);
      }
    }
  }

  /** Reads a partition in order from offset 0: contiguous records, committed ones only, at their offsets. */
  async consumer(name: string, partition: number, until: () => boolean): Promise<void> {
    let position = 0;
    let highestSeen = 0;
    while (!until()) {
      const host = this.pick(partition, this.rng.int(3) === 0);
      try {
        const r = await this.rpc<FetchResponse>(host, partition, (rep) => rep.fetch(position, 2048, 30, 1));
        this.stats.fetches++;
        const records = recordsOf(r, position);
        if (records.length > 0 && records[0].offset !== position) {
          if (!(position < r.logStartOffset && records[0].offset === r.logStartOffset)) {
            throw new HostSimViolation('consumers read contiguous offsets', `${name}: fetched from offset ${position} on node ${host.id}, got offsets from ${records[0].offset} (log start ${r.logStartOffset})`);
          }
        }
        records.forEach((x, i) => {
          if (i > 0 && x.offset !== records[i - 1].offset + 1) {
            throw new HostSimViolation('consumers read contiguous offsets', `${name}: node ${host.id} returned offset ${x.offset} after ${records[i - 1].offset}`);
          }
        });
        this.checker.fetched(host.id, partition, records);
        if (records.length > 0) position = records[records.length - 1].offset + 1;
        highestSeen = Math.max(highestSeen, r.highWatermark);
      } catch (e) {
        if (e instanceof HostSimViolation) throw e;
        if (e instanceof RpcError && e.code === 'OFFSET_OUT_OF_RANGE') {
          const start = Number(e.meta[META.logStartOffset] ?? NaN);
          if (Number.isFinite(start) && position < start) {
            position = start; // retention removed what it had not read yet
          } else if (position <= highestSeen) {
            throw new HostSimViolation(
              'the high watermark never moves back',
              `${name}: node ${host.id} answered OFFSET_OUT_OF_RANGE for offset ${position} of partition ${partition}, though a high watermark of ${highestSeen} was served before: ${e.message}`,
            );
          }
        }
        this.learn(partition, host, e);
        await this.sleep(5 + this.rng.int(20));
      }
    }
  }
}

/** A RecordBatch v2 of UTF-8 values, as a client encodes it. */
function batchOf(values: readonly string[], timestamp: number, fields: { producerId: number; producerEpoch: number; baseSequence: number } | object = {}): Buffer {
  return encodeRecordBatch(
    values.map((v) => ({ key: null, value: Buffer.from(v), timestamp })),
    fields,
  );
}

/** The records of a fetch from `from` on, as a client decodes them (CRC checked, records below `from` skipped). */
function recordsOf(r: FetchResponse, from: number): Array<{ offset: number; value: string }> {
  const out: Array<{ offset: number; value: string }> = [];
  for (const bytes of splitRecordBatches(r.recordBatches)) {
    const h = validateRecordBatch(bytes);
    for (const rec of readRecords(bytes, h, from)) out.push({ offset: rec.offset, value: Buffer.from(rec.value!).toString('utf8') });
  }
  return out;
}
