import type { ConsumedRecord, Consumer } from '../client';
import { intOption, stringOption, UsageError } from './args';
import type { CommandContext } from './context';
import { formatJsonLine } from './format';

interface Output {
  json: boolean;
  printKey: boolean;
  printOffset: boolean;
}

export function formatRecord(r: ConsumedRecord, out: Output): string {
  if (out.json) {
    return formatJsonLine({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestamp,
      key: r.key === null ? null : r.key.toString('utf8'),
      value: r.value === null ? null : r.value.toString('utf8'),
      headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value === null ? null : h.value.toString('utf8')])),
    });
  }
  let line = '';
  if (out.printOffset) line += `${r.partition}:${r.offset}\t`;
  if (out.printKey) line += `${r.key === null ? '' : r.key.toString('utf8')}\t`;
  // A tombstone prints as "null", as Kafka's console consumer prints it.
  return `${line}${r.value === null ? 'null' : r.value.toString('utf8')}\n`;
}

export async function consume(ctx: CommandContext): Promise<void> {
  const v = ctx.args.values;
  const name = ctx.command.name;
  const topic = stringOption(v, 'topic');
  if (!topic) throw new UsageError('--topic is required', name);
  if (ctx.args.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.args.positionals[0]}"`, name);
  const partitionArg = intOption(v, 'partition', name, { min: 0 });
  const offset = intOption(v, 'offset', name, { min: 0 });
  const max = intOption(v, 'max', name, { min: 1 });
  const follow = v.follow === true;
  const fromBeginning = v['from-beginning'] === true;
  if (offset !== undefined && partitionArg === undefined) throw new UsageError('--offset needs --partition (offsets are per partition)', name);
  if (offset !== undefined && fromBeginning) throw new UsageError('give --offset or --from-beginning, not both', name);
  const out: Output = { json: ctx.args.json, printKey: v['print-key'] === true, printOffset: v['print-offset'] === true };

  const client = ctx.client();
  const description = await client.admin().describeTopic(topic);
  const partitions = partitionArg !== undefined ? [partitionArg] : description.partitions.map((p) => p.partition);
  if (partitionArg !== undefined && !description.partitions.some((p) => p.partition === partitionArg)) {
    throw new UsageError(`topic ${topic} has no partition ${partitionArg}: it has ${description.partitions.length} (0 to ${description.partitions.length - 1})`, name);
  }
  const consumer = client.consumer();
  const start: number | 'earliest' | 'latest' = offset ?? (fromBeginning || !follow ? 'earliest' : 'latest');
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.io.signal.addEventListener('abort', onAbort, { once: true });
  let printed = 0;
  const emit = (r: ConsumedRecord): boolean => {
    if (max !== undefined && printed >= max) return false;
    ctx.io.stdout.write(formatRecord(r, out));
    printed++;
    if (max !== undefined && printed >= max) {
      stop.abort();
      return false;
    }
    return true;
  };
  try {
    if (follow) {
      await Promise.all(
        partitions.map(async (partition) => {
          for await (const r of consumer.follow({ topic, partition, fromOffset: start, signal: stop.signal })) {
            if (!emit(r)) break;
          }
        }),
      );
    } else {
      for (const partition of partitions) {
        if (!(await readToEnd(consumer, topic, partition, start, emit, stop.signal))) break;
      }
    }
  } finally {
    ctx.io.signal.removeEventListener('abort', onAbort);
  }
}

/** Reads one partition from `start` to its high watermark as of now. False once output should stop. */
async function readToEnd(
  consumer: Consumer,
  topic: string,
  partition: number,
  start: number | 'earliest' | 'latest',
  emit: (r: ConsumedRecord) => boolean,
  signal: AbortSignal,
): Promise<boolean> {
  let next = typeof start === 'number' ? start : await consumer.listOffsets({ topic, partition, spec: start });
  let end: number | undefined;
  while (!signal.aborted) {
    const batch = await consumer.fetch({ topic, partition, offset: next });
    end ??= batch.highWatermark;
    for (const r of batch.records) {
      if (r.offset >= end) return true;
      if (!emit(r)) return false;
      next = r.offset + 1;
    }
    if (batch.records.length === 0 || next >= end) return true;
  }
  return false;
}
