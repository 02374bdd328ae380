import { createInterface } from 'node:readline';
import { FlotillaError, type RecordMetadata } from '../client';
import { CliError, intOption, keyValues, stringOption, UsageError } from './args';
import type { CommandContext } from './context';
import { formatJson, formatTable, summarizeWrites } from './format';
import { Progress } from './progress';
import { SendWatchdog } from './send-watchdog';

/** Records sent but not yet acknowledged before reading more input (bounds memory on big inputs). */
const MAX_PENDING = 10_000;
/** How long after --timeout the command stops even if the producer has not given up on its records. */
const WATCHDOG_GRACE_MS = 500;

export async function produce(ctx: CommandContext): Promise<void> {
  const v = ctx.args.values;
  const name = ctx.command.name;
  const topic = stringOption(v, 'topic');
  if (!topic) throw new UsageError('--topic is required', name);
  const key = stringOption(v, 'key');
  const separator = stringOption(v, 'key-separator');
  if (key !== undefined && separator !== undefined) throw new UsageError('give --key or --key-separator, not both', name);
  if (separator === '') throw new UsageError('--key-separator cannot be empty', name);
  const partition = intOption(v, 'partition', name, { min: 0 });
  const headers = keyValues(v, 'header', name);
  const tombstone = v.tombstone === true;
  if (tombstone && key === undefined) throw new UsageError('--tombstone needs --key: a tombstone deletes one key', name);
  if (tombstone && ctx.args.positionals.length > 0) throw new UsageError(`--tombstone writes one record without a value; unexpected argument "${ctx.args.positionals[0]}"`, name);
  const acks = stringOption(v, 'acks') ?? 'all';
  if (acks !== 'all' && acks !== 'leader') throw new UsageError(`--acks is "all" or "leader" (got "${acks}")`, name);

  const timeoutMs = ctx.args.timeoutMs;
  // The producer gives up on a record after --timeout; the watchdog stops the command shortly
  // after that in any case (a producer whose requests get no answer at all).
  const producer = ctx.client().producer({ acks, lingerMs: 5, deliveryTimeoutMs: timeoutMs });
  const watchdog = new SendWatchdog(timeoutMs + WATCHDOG_GRACE_MS);
  const results: RecordMetadata[] = [];
  const failures: unknown[] = [];
  const pending = new Set<Promise<unknown>>();
  let sent = 0;
  let stopped = false;
  const progress = new Progress(ctx.io.stderr, (n) => `produced ${n} record(s) to ${topic}`);

  const send = async (line: string | null) => {
    let k = key;
    let value = line;
    if (separator !== undefined && line !== null) {
      const at = line.indexOf(separator);
      if (at < 0) throw new UsageError(`input line has no key separator "${separator}": ${line.slice(0, 80)}`, name);
      k = line.slice(0, at);
      value = line.slice(at + separator.length);
    }
    sent++;
    const answered = watchdog.track();
    const p = producer.send({ topic, key: k, value, partition, headers }).then(
      (r) => {
        answered();
        results.push(r);
        progress.update(results.length);
      },
      (e: unknown) => {
        answered();
        failures.push(e);
      },
    );
    pending.add(p);
    void p.finally(() => pending.delete(p));
    if (pending.size >= MAX_PENDING) await Promise.race(pending);
  };

  const work = async () => {
    if (tombstone) {
      await send(null);
    } else if (ctx.args.positionals.length > 0) {
      for (const value of ctx.args.positionals) {
        if (stopped) break;
        await send(value);
      }
    } else {
      if (ctx.io.stdin.isTTY) ctx.io.stderr.write('type records, one per line; end with Ctrl-D\n');
      const lines = createInterface({ input: ctx.io.stdin, crlfDelay: Infinity });
      for await (const line of lines) {
        if (stopped || failures.length > 0 || ctx.io.signal.aborted) break;
        await send(line);
      }
    }
    await producer.flush();
    await Promise.all(pending);
  };

  let unanswered: number | undefined;
  let workError: unknown;
  try {
    unanswered = await Promise.race([work().then(() => undefined), watchdog.expired]);
  } catch (error) {
    workError = error; // bad input: what was sent before it still gets flushed below
  }
  stopped = true;
  progress.done();
  // Past the deadline the producer is left to the client's bounded close: waiting for it here
  // is exactly what the deadline is there to prevent.
  if (unanswered === undefined) unanswered = await Promise.race([producer.close().then(() => undefined), watchdog.expired]);
  watchdog.stop();
  if (workError !== undefined) throw workError;
  if (unanswered !== undefined || failures.length > 0) {
    throw new CliError(produceFailure({ topic, sent, acknowledged: results.length, failures, unanswered, timeoutMs }));
  }

  const ranges = summarizeWrites(results);
  if (ctx.args.json) {
    ctx.io.stdout.write(formatJson({ topic, count: results.length, partitions: ranges }));
    return;
  }
  ctx.io.stdout.write(`wrote ${results.length} record(s) to ${topic}\n`);
  if (results.length > 0) {
    ctx.io.stdout.write(formatTable(['partition', 'first offset', 'last offset', 'records'], ranges.map((r) => [r.partition, r.firstOffset, r.lastOffset, r.count])));
  }
}

/**
 * What a failed produce says: why (the first error, or the deadline), how many records were
 * acknowledged, how many were certainly not written, and how many have an unknown outcome (an
 * error that says so, or no answer by the deadline).
 */
export function produceFailure(r: {
  topic: string;
  sent: number;
  acknowledged: number;
  failures: readonly unknown[];
  /** Records without an answer when the deadline passed; undefined if it did not. */
  unanswered: number | undefined;
  timeoutMs: number;
}): string {
  const first = r.failures[0];
  const firstText = first instanceof Error ? first.message : first === undefined ? undefined : String(first);
  const unknownErrors = r.failures.filter((e) => !(e instanceof FlotillaError) || e.outcomeUnknown).length;
  const notWritten = r.failures.length - unknownErrors;
  const unknown = unknownErrors + (r.unanswered ?? 0);
  const seconds = `${Number((r.timeoutMs / 1000).toFixed(3))} s`;
  const headline =
    r.unanswered !== undefined
      ? `${r.unanswered} record(s) to topic ${r.topic} not acknowledged within ${seconds} (--timeout)${firstText ? `; first error: ${firstText}` : ''}`
      : firstText!;
  let counts = `${r.acknowledged} of ${r.sent} record(s) acknowledged`;
  if (notWritten > 0) counts += `, ${notWritten} not written`;
  if (unknown > 0) counts += `; outcome unknown for ${unknown} record(s): they may or may not be in the log`;
  return `${headline}\n${counts}`;
}
