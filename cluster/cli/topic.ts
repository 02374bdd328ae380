import { intOption, keyValues, UsageError } from './args';
import type { CommandContext } from './context';
import { formatFields, formatIds, formatJson, formatTable } from './format';
import { COMPACTION_HEADERS, compactionRows, isUnderReplicated, REPLICA_HEADERS, replicaRows } from './replicas';

function topicName(ctx: CommandContext): string {
  const [name, ...extra] = ctx.args.positionals;
  if (!name) throw new UsageError('give the topic name', ctx.command.name);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, ctx.command.name);
  return name;
}

export async function topicCreate(ctx: CommandContext): Promise<void> {
  const name = topicName(ctx);
  const v = ctx.args.values;
  const partitions = intOption(v, 'partitions', ctx.command.name, { min: 1, max: 100_000 }) ?? 1;
  const replicationFactor = intOption(v, 'replication-factor', ctx.command.name, { min: 1, max: 100 });
  const config = keyValues(v, 'config', ctx.command.name);
  const t = await ctx.client().admin().createTopic({ name, partitions, replicationFactor, config });
  if (ctx.args.json) ctx.io.stdout.write(formatJson(t));
  else ctx.io.stdout.write(`created topic ${t.name}: ${t.partitions.length} partition(s), replication factor ${t.replicationFactor}\n`);
}

export async function topicAlter(ctx: CommandContext): Promise<void> {
  const name = topicName(ctx);
  const partitions = intOption(ctx.args.values, 'partitions', ctx.command.name, { min: 1, max: 100_000 });
  if (partitions === undefined) throw new UsageError('give the new partition count with --partitions N (more than the topic has)', ctx.command.name);
  const t = await ctx.client().admin().createPartitions(name, partitions);
  if (ctx.args.json) ctx.io.stdout.write(formatJson(t));
  else ctx.io.stdout.write(`altered topic ${t.name}: ${t.partitions.length} partition(s), replication factor ${t.replicationFactor}\n`);
}

export async function topicList(ctx: CommandContext): Promise<void> {
  if (ctx.args.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.args.positionals[0]}"`, ctx.command.name);
  const topics = (await ctx.client().admin().listTopics()).sort((a, b) => a.name.localeCompare(b.name));
  if (ctx.args.json) {
    ctx.io.stdout.write(formatJson({ topics }));
    return;
  }
  if (topics.length === 0) {
    ctx.io.stdout.write('no topics (create one with: flotilla topic create NAME)\n');
    return;
  }
  ctx.io.stdout.write(formatTable(['topic', 'partitions', 'replication'], topics.map((t) => [t.name, t.partitions, t.replicationFactor])));
}

export async function topicDescribe(ctx: CommandContext): Promise<void> {
  const name = topicName(ctx);
  const described = await ctx.client().admin().describeTopic(name);
  const t = ctx.args.values['under-replicated'] ? { ...described, partitions: described.partitions.filter((p) => p.leader === 0 || isUnderReplicated(p)) } : described;
  if (ctx.args.json) {
    ctx.io.stdout.write(formatJson(t));
    return;
  }
  const config = Object.entries(t.config)
    .map(([k, val]) => `${k}=${val}`)
    .join(', ');
  ctx.io.stdout.write(
    formatFields([
      ['topic', t.name],
      ['id', t.id],
      ['partitions', described.partitions.length],
      ['replication', t.replicationFactor],
      ['config', config || '-'],
    ]),
  );
  ctx.io.stdout.write('\n');
  if (t.partitions.length === 0 && described.partitions.length > 0) {
    ctx.io.stdout.write('no under-replicated partitions: every replica is in sync\n');
    return;
  }
  ctx.io.stdout.write(
    formatTable(
      ['partition', 'leader', 'term', 'replicas', 'in-sync', 'start', 'end', 'hwm'],
      t.partitions.map((p) => [
        p.partition,
        p.leader === 0 ? 'none' : p.leader,
        p.leaderEpoch,
        formatIds(p.replicas),
        formatIds(p.inSyncReplicas),
        p.logStartOffset,
        p.logEndOffset,
        p.highWatermark,
      ]),
    ),
  );
  if (t.partitions.length > 0) {
    ctx.io.stdout.write('\n');
    ctx.io.stdout.write(formatTable(REPLICA_HEADERS, replicaRows(t.partitions)));
  }
  const compaction = compactionRows(t.partitions, Date.now());
  if (compaction.length > 0) {
    // A compacted topic: each leader's log cleaner (every replica cleans its own log).
    ctx.io.stdout.write('\ncompaction (the leader\'s cleaner):\n');
    ctx.io.stdout.write(formatTable(COMPACTION_HEADERS, compaction));
  }
  for (const p of t.partitions) {
    for (const f of p.fencedReplicas ?? []) ctx.io.stdout.write(`partition ${p.partition}: the replica on node ${f.node} is fenced: ${f.reason}\n`);
  }
}

export async function topicDelete(ctx: CommandContext): Promise<void> {
  const name = topicName(ctx);
  await ctx.client().admin().deleteTopic(name);
  if (ctx.args.json) ctx.io.stdout.write(formatJson({ deleted: name }));
  else ctx.io.stdout.write(`deleted topic ${name}\n`);
}
