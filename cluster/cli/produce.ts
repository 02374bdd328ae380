import { createInterface } from 'node:readline';
import type { RecordMetadata } from '../client';
import { intOption, keyValues, stringOption, UsageError } from './args';
import type { CommandContext } from './context';
import { formatJson, formatTable, summarizeWrites } from './format';
import { Progress } from './progress';

/** Records sent but not yet acknowledged before reading more input (bounds memory on big inputs). */
const MAX_PENDING = 10_000;

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
  const acks = stringOption(v, 'acks') ?? 'all';
  if (acks !== 'all' && acks !== 'leader') throw new UsageError(`--acks is "all" or "leader" (got "${acks}")`, name);

  const producer = ctx.client().producer({ acks, lingerMs: 5 });
  const results: RecordMetadata[] = [];
  const pending = new Set<Promise<unknown>>();
  let failure: unknown;
  const progress = new Progress(ctx.io.stderr, (n) => `produced ${n} record(s) to ${topic}`);

  const send = async (line: string) => {
    let k = key;
    let value = line;
    if (separator !== undefined) {
      const at = line.indexOf(separator);
      if (at < 0) throw new UsageError(`input line has no key separator "${separator}": ${line.slice(0, 80)}`, name);
      k = line.slice(0, at);
      value = line.slice(at + separator.length);
    }
    const p = producer.send({ topic, key: k, value, partition, headers }).then(
      (r) => {
        results.push(r);
        progress.update(results.length);
      },
      (e: unknown) => {
        failure ??= e;
      },
    );
    pending.add(p);
    void p.finally(() => pending.delete(p));
    if (pending.size >= MAX_PENDING) await Promise.race(pending);
  };

  try {
    if (ctx.args.positionals.length > 0) {
      for (const value of ctx.args.positionals) await send(value);
    } else {
      if (ctx.io.stdin.isTTY) ctx.io.stderr.write('type records, one per line; end with Ctrl-D\n');
      const lines = createInterface({ input: ctx.io.stdin, crlfDelay: Infinity });
      for await (const line of lines) {
        if (failure !== undefined || ctx.io.signal.aborted) break;
        await send(line);
      }
    }
    await producer.flush();
    await Promise.all(pending);
  } finally {
    progress.done();
    await producer.close();
  }
  if (failure !== undefined) throw failure;

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
