/**
 * The workload: concurrent clients on several partitions of one topic, each a logical process
 * doing one operation at a time and recording its invocation and completion:
 * - writers append unique values (idempotent producer, acks=all);
 * - a conditional writer per partition reads the end offset, then appends at exactly that offset;
 * - an end-offset reader per partition (linearizable, through ReadIndex);
 * - a fetcher per partition reads on from where it stopped, and a follower per partition
 *   follows it with a subscription (each record it yields is one read).
 * A failed write is `fail` only when the client says it certainly did not happen
 * (`outcomeUnknown` false); anything else is `info`. A failed read is `fail` (reads change nothing).
 */
import { type Flotilla, FlotillaError, type Producer } from '../../cluster/client/index';
import type { OpKind } from '../checker/index';
import type { HistoryRecorder } from './recorder';

export interface WorkloadOptions {
  topic: string;
  partitions: number;
  writersPerPartition: number;
  /** Pause between one process's operations (ms), so the lab leaves the nodes some CPU. */
  thinkMs: number;
  /** How long a write may take, retries included, before it is given up (info or fail). */
  deliveryTimeoutMs: number;
}

export interface WorkloadCounters {
  ok: number;
  fail: number;
  info: number;
}

/** Whether a failed write certainly did not take effect. */
export function certainlyNotWritten(error: unknown): boolean {
  return error instanceof FlotillaError && !error.outcomeUnknown;
}

function errorText(error: unknown): string {
  if (error instanceof FlotillaError) return `${error.code}: ${error.message}`.slice(0, 300);
  return String((error as Error)?.message ?? error).slice(0, 300);
}

export class Workload {
  readonly counters: WorkloadCounters = { ok: 0, fail: 0, info: 0 };
  private readonly stop = new AbortController();
  private readonly loops: Array<Promise<void>> = [];
  private readonly producers: Producer[] = [];
  private nextProcess = 0;

  constructor(
    private readonly flotilla: Flotilla,
    private readonly history: HistoryRecorder,
    private readonly o: WorkloadOptions,
  ) {}

  start(): void {
    for (let p = 0; p < this.o.partitions; p++) {
      for (let w = 0; w < this.o.writersPerPartition; w++) this.spawn((proc) => this.writer(proc, p));
      this.spawn((proc) => this.conditionalWriter(proc, p));
      this.spawn((proc) => this.endReader(proc, p));
      this.spawn((proc) => this.fetcher(proc, p));
      this.spawn((proc) => this.follower(proc, p));
    }
  }

  /** Stops every process after its current operation, and closes the producers. */
  async finish(): Promise<void> {
    this.stop.abort();
    await Promise.all(this.loops);
    await Promise.allSettled(this.producers.map((p) => p.close()));
  }

  private spawn(body: (proc: number) => Promise<void>): void {
    const proc = ++this.nextProcess;
    this.loops.push(
      body(proc).catch((error) => {
        // A process's own bug must not pass silently: the run's log says so.
        process.stderr.write(`chaos: workload process ${proc} stopped: ${(error as Error).stack ?? error}\n`);
      }),
    );
  }

  private get stopped(): boolean {
    return this.stop.signal.aborted;
  }

  private think(): Promise<void> {
    return new Promise((r) => setTimeout(r, this.o.thinkMs));
  }

  private producer(): Producer {
    const p = this.flotilla.producer({ acks: 'all', lingerMs: 0, maxInflight: 1, deliveryTimeoutMs: this.o.deliveryTimeoutMs });
    this.producers.push(p);
    return p;
  }

  private done(process: number, f: OpKind, partition: number, type: 'ok' | 'fail' | 'info', extra: { value?: string; offset?: number; records?: Array<[number, string]>; error?: string }): void {
    this.counters[type]++;
    this.history.complete({ type, process, f, partition, ...extra });
  }

  private async writer(proc: number, partition: number): Promise<void> {
    const producer = this.producer();
    for (let k = 0; !this.stopped; k++) {
      const value = `p${partition}-w${proc}-${k}`;
      this.history.invoke({ process: proc, f: 'append', partition, value });
      try {
        const r = await producer.send({ topic: this.o.topic, partition, value });
        this.done(proc, 'append', partition, 'ok', { value, offset: r.offset });
      } catch (error) {
        this.done(proc, 'append', partition, certainlyNotWritten(error) ? 'fail' : 'info', { value, error: errorText(error) });
      }
      await this.think();
    }
  }

  private async endOffset(proc: number, partition: number): Promise<number | undefined> {
    this.history.invoke({ process: proc, f: 'end', partition });
    try {
      const offset = await this.flotilla.consumer().listOffsets({ topic: this.o.topic, partition, spec: 'latest' });
      this.done(proc, 'end', partition, 'ok', { offset });
      return offset;
    } catch (error) {
      this.done(proc, 'end', partition, 'fail', { error: errorText(error) });
      return undefined;
    }
  }

  private async conditionalWriter(proc: number, partition: number): Promise<void> {
    const producer = this.producer();
    for (let k = 0; !this.stopped; k++) {
      const expected = await this.endOffset(proc, partition);
      if (expected !== undefined && !this.stopped) {
        const value = `p${partition}-c${proc}-${k}`;
        this.history.invoke({ process: proc, f: 'cas', partition, value, expected });
        try {
          const r = await producer.append({ topic: this.o.topic, partition, expectedOffset: expected, records: [{ value }] });
          this.done(proc, 'cas', partition, 'ok', { value, offset: r.baseOffset });
        } catch (error) {
          // A mismatch is a certain "not written" only if no earlier attempt may have landed.
          const type = certainlyNotWritten(error) ? 'fail' : 'info';
          this.done(proc, 'cas', partition, type, { value, error: errorText(error) });
        }
      }
      await this.think();
    }
  }

  private async endReader(proc: number, partition: number): Promise<void> {
    while (!this.stopped) {
      await this.endOffset(proc, partition);
      await this.think();
    }
  }

  private async fetcher(proc: number, partition: number): Promise<void> {
    let from = 0;
    while (!this.stopped) {
      this.history.invoke({ process: proc, f: 'fetch', partition, from });
      try {
        const r = await this.flotilla.consumer().fetch({ topic: this.o.topic, partition, offset: from, maxWaitMs: 200, maxBytes: 64 * 1024 });
        const records = r.records.map((x) => [x.offset, x.value?.toString() ?? 'null'] as [number, string]);
        this.done(proc, 'fetch', partition, 'ok', { records });
        if (records.length > 0) from = records[records.length - 1][0] + 1;
      } catch (error) {
        this.done(proc, 'fetch', partition, 'fail', { error: errorText(error) });
      }
      await this.think();
    }
  }

  /**
   * Follows the partition with a subscription; each record yielded is recorded as a read from the
   * offset the follower expected next, invoked when it started waiting for it.
   */
  private async follower(proc: number, partition: number): Promise<void> {
    let from = 0;
    while (!this.stopped) {
      this.history.invoke({ process: proc, f: 'fetch', partition, from });
      try {
        for await (const record of this.flotilla.consumer().follow({ topic: this.o.topic, partition, fromOffset: from, signal: this.stop.signal })) {
          this.done(proc, 'fetch', partition, 'ok', { records: [[record.offset, record.value?.toString() ?? 'null']] });
          from = record.offset + 1;
          this.history.invoke({ process: proc, f: 'fetch', partition, from });
        }
        this.done(proc, 'fetch', partition, 'fail', { error: 'stopped' });
      } catch (error) {
        // The read the follower was waiting for ends with the error; it follows on from `from`.
        this.done(proc, 'fetch', partition, 'fail', { error: errorText(error) });
        await this.think();
      }
    }
  }
}
