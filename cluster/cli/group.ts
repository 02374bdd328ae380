import type { ResetTarget } from '../client';
import { intOption, stringOption, UsageError } from './args';
import type { CommandContext } from './context';
import { formatRecord } from './consume';
import { formatFields, formatJson, formatJsonLine, formatTable } from './format';

function groupName(ctx: CommandContext): string {
  const [name, ...extra] = ctx.args.positionals;
  if (!name) throw new UsageError('give the group name', ctx.command.name);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, ctx.command.name);
  return name;
}

export async function groupList(ctx: CommandContext): Promise<void> {
  if (ctx.args.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.args.positionals[0]}"`, ctx.command.name);
  const groups = await ctx.client().groups().list();
  if (ctx.args.json) {
    ctx.io.stdout.write(formatJson({ groups }));
    return;
  }
  if (groups.length === 0) {
    ctx.io.stdout.write('no consumer groups\n');
    return;
  }
  ctx.io.stdout.write(formatTable(['group', 'state', 'members', 'strategy'], groups.map((g) => [g.groupId, g.state, g.members, g.strategy || '-'])));
}

export async function groupDescribe(ctx: CommandContext): Promise<void> {
  const name = groupName(ctx);
  const d = await ctx.client().groups().describe(name);
  if (ctx.args.json) {
    ctx.io.stdout.write(formatJson(d));
    return;
  }
  const short = (id: string) => (id.length > 40 ? `${id.slice(0, 37)}...` : id);
  ctx.io.stdout.write(
    formatFields([
      ['group', d.groupId],
      ['state', d.state],
      ['generation', d.generation],
      ['strategy', d.strategy || '-'],
      ['coordinator', `node ${d.coordinator}`],
      ['members', d.members.length],
    ]),
  );
  if (d.members.length > 0) {
    ctx.io.stdout.write('\n');
    ctx.io.stdout.write(
      formatTable(
        ['member', 'instance', 'client', 'assignment', 'last heartbeat'],
        d.members.map((m) => [short(m.memberId), m.groupInstanceId || '-', m.clientId, m.assignment.map((tp) => `${tp.topic}:${tp.partition}`).join(' ') || '-', `${m.lastHeartbeatAgeMs} ms ago`]),
      ),
    );
  }
  if (d.partitions.length > 0) {
    ctx.io.stdout.write('\n');
    ctx.io.stdout.write(
      formatTable(
        ['topic', 'partition', 'committed', 'log end', 'lag', 'member', 'metadata'],
        d.partitions.map((p) => [p.topic, p.partition, p.committed < 0 ? '-' : p.committed, p.logEndOffset, p.lag, p.memberId ? short(p.memberId) : '-', p.metadata || '-']),
      ),
    );
  }
}

export async function groupResetOffsets(ctx: CommandContext): Promise<void> {
  const name = groupName(ctx);
  const v = ctx.args.values;
  const cmd = ctx.command.name;
  const topic = stringOption(v, 'topic');
  if (!topic) throw new UsageError('--topic is required', cmd);
  const offset = intOption(v, 'to-offset', cmd, { min: 0 });
  const datetime = stringOption(v, 'to-datetime');
  const targets: ResetTarget[] = [];
  if (v['to-earliest'] === true) targets.push('earliest');
  if (v['to-latest'] === true) targets.push('latest');
  if (offset !== undefined) targets.push({ offset });
  if (datetime !== undefined) {
    const ms = Date.parse(datetime);
    if (Number.isNaN(ms)) throw new UsageError(`--to-datetime "${datetime}" is not a date and time (e.g. 2026-01-31T12:00:00Z)`, cmd);
    targets.push({ timestamp: ms });
  }
  if (targets.length !== 1) throw new UsageError('give exactly one of --to-earliest, --to-latest, --to-offset N, --to-datetime ISO-8601', cmd);
  const partition = intOption(v, 'partition', cmd, { min: 0 });
  const moved = await ctx.client().groups().resetOffsets(name, topic, targets[0], partition === undefined ? undefined : [partition]);
  if (ctx.args.json) ctx.io.stdout.write(formatJson({ group: name, topic, offsets: moved }));
  else ctx.io.stdout.write(formatTable(['topic', 'partition', 'new offset'], moved.map((m) => [topic, m.partition, m.offset])));
}

export async function groupDelete(ctx: CommandContext): Promise<void> {
  const name = groupName(ctx);
  await ctx.client().groups().delete(name);
  if (ctx.args.json) ctx.io.stdout.write(formatJsonLine({ deleted: name }));
  else ctx.io.stdout.write(`deleted group ${name}\n`);
}

/** `consume --group NAME`: a member of the group until Ctrl-C or --max; commits what it printed on the way out. */
export async function consumeGroup(ctx: CommandContext): Promise<void> {
  const v = ctx.args.values;
  const cmd = ctx.command.name;
  const group = stringOption(v, 'group')!;
  const topic = stringOption(v, 'topic');
  if (!topic) throw new UsageError('--topic is required', cmd);
  if (ctx.args.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.args.positionals[0]}"`, cmd);
  for (const o of ['partition', 'offset']) if (v[o] !== undefined) throw new UsageError(`--${o} cannot go with --group: the group assigns the partitions and keeps the offsets`, cmd);
  const max = intOption(v, 'max', cmd, { min: 1 });
  const out = { json: ctx.args.json, printKey: v['print-key'] === true, printOffset: v['print-offset'] === true };
  const member = ctx.client().consumer({ groupId: group, autoOffsetReset: v['from-beginning'] === true ? 'earliest' : 'latest' });
  member.subscribe({ topics: [topic] });
  let printed = 0;
  let crashed: unknown;
  const done = new Promise<void>((resolve) => {
    ctx.io.signal.addEventListener('abort', () => resolve(), { once: true });
    member.on('crash', (e) => {
      crashed = e;
      resolve();
    });
    void member.run({
      eachMessage: async ({ message }) => {
        if (max !== undefined && printed >= max) {
          resolve();
          // Not processed (a failed record is not committed): it is left for the next member.
          throw new Error('--max reached');
        }
        ctx.io.stdout.write(formatRecord(message, out));
        printed++;
        if (max !== undefined && printed >= max) resolve();
      },
    });
  });
  await done;
  await member.close();
  if (crashed) throw crashed;
}
