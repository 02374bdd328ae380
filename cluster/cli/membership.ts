import type { Admin, PartitionDescription } from '../client';
import { CliError, intOption, UsageError } from './args';
import type { CommandContext } from './context';
import { formatJson } from './format';
import { replicaState } from './replicas';

/** A partition whose membership change is done: nobody being removed or resynced, every target replica in sync. */
export function isSettled(p: PartitionDescription): boolean {
  const members = new Set(p.replicaStatus.map((s) => s.node));
  return (
    p.leader !== 0 &&
    p.removingReplicas.length === 0 &&
    p.resyncingReplicas.length === 0 &&
    p.replicas.every((r) => p.inSyncReplicas.includes(r)) &&
    members.size === p.replicas.length &&
    p.replicas.every((r) => members.has(r))
  );
}

/** "3 leader, 4 learner, 1 in-sync (leaving)": each member's state, as the partition's leader sees it. */
export function progressText(p: PartitionDescription): string {
  const states = p.replicaStatus.map((s) => `${s.node} ${replicaState(s)}${p.removingReplicas.includes(s.node) ? ' (leaving)' : ''}`);
  const resync = p.resyncingReplicas.length > 0 ? `; resyncing ${p.resyncingReplicas.join(', ')}` : '';
  return `target [${p.replicas.join(', ')}]: ${states.join(', ') || 'no leader'}${resync}`;
}

/** Waits until every partition named is settled, printing each one's progress when it changes; false at the deadline. */
async function waitSettled(ctx: CommandContext, admin: Admin, partitions: ReadonlyArray<{ topic: string; partition: number }>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const shown = new Map<string, string>();
  const pending = new Map(partitions.map((p) => [`${p.topic}/${p.partition}`, p]));
  while (pending.size > 0) {
    for (const topic of new Set([...pending.values()].map((p) => p.topic))) {
      const t = await admin.describeTopic(topic).catch(() => undefined);
      if (!t) continue;
      for (const p of t.partitions) {
        const key = `${topic}/${p.partition}`;
        if (!pending.has(key)) continue;
        const text = progressText(p);
        if (shown.get(key) !== text) {
          shown.set(key, text);
          ctx.io.stderr.write(`${key}: ${text}\n`);
        }
        if (isSettled(p)) pending.delete(key);
      }
    }
    if (pending.size === 0) break;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 500));
  }
  return true;
}

function waitMs(ctx: CommandContext): number {
  return (intOption(ctx.args.values, 'wait-timeout', ctx.command.name, { min: 1, max: 86_400 }) ?? 600) * 1000;
}

function nodeArg(ctx: CommandContext): number {
  const [n, ...extra] = ctx.args.positionals;
  if (n === undefined) throw new UsageError('give the node id', ctx.command.name);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, ctx.command.name);
  const id = Number(n);
  if (!Number.isInteger(id) || id < 1) throw new UsageError(`node id "${n}" is not an integer >= 1`, ctx.command.name);
  return id;
}

/** `flotilla partition reassign TOPIC PARTITION --replicas 2,3,4` */
export async function partitionReassign(ctx: CommandContext): Promise<number> {
  const [topic, partitionText, ...extra] = ctx.args.positionals;
  if (!topic || partitionText === undefined) throw new UsageError('give the topic and the partition', ctx.command.name);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, ctx.command.name);
  const partition = Number(partitionText);
  if (!Number.isInteger(partition) || partition < 0) throw new UsageError(`partition "${partitionText}" is not an integer >= 0`, ctx.command.name);
  const list = ctx.args.values.replicas;
  if (typeof list !== 'string') throw new UsageError('give the target replicas: --replicas 2,3,4', ctx.command.name);
  const replicas = list.split(',').map((s) => Number(s.trim()));
  if (replicas.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--replicas "${list}" is not a list of node ids (integers >= 1)`, ctx.command.name);
  const admin = ctx.client().admin();
  const t = await admin.reassignPartition(topic, partition, replicas);
  const p = t.partitions.find((x) => x.partition === partition);
  if (ctx.args.json && ctx.args.values['no-wait']) ctx.io.stdout.write(formatJson(p));
  else ctx.io.stdout.write(`reassigning ${topic}/${partition} to [${replicas.join(', ')}]\n`);
  if (ctx.args.values['no-wait']) return 0;
  if (!(await waitSettled(ctx, admin, [{ topic, partition }], waitMs(ctx)))) {
    throw new CliError(`${topic}/${partition} has not settled yet; it goes on in the background (watch it with: flotilla topic describe ${topic})`);
  }
  ctx.io.stdout.write(`${topic}/${partition} now has replicas [${replicas.join(', ')}], all in sync\n`);
  return 0;
}

/** `flotilla node drain N`: every replica moved off node N. */
export async function nodeDrain(ctx: CommandContext): Promise<number> {
  const node = nodeArg(ctx);
  const admin = ctx.client().admin();
  const moves = await admin.drainNode(node);
  if (ctx.args.json) ctx.io.stdout.write(formatJson({ moves }));
  for (const m of moves) if (!ctx.args.json) ctx.io.stdout.write(`moving ${m.topic}/${m.partition}: [${m.from.join(', ')}] -> [${m.to.join(', ')}]\n`);
  if (moves.length === 0 && !ctx.args.json) ctx.io.stdout.write(`node ${node} holds no replica\n`);
  if (ctx.args.values['no-wait'] || moves.length === 0) return 0;
  if (!(await waitSettled(ctx, admin, moves, waitMs(ctx)))) throw new CliError(`node ${node} is not drained yet; the moves go on in the background`);
  if (!ctx.args.json) ctx.io.stdout.write(`node ${node} is drained: it holds no replica\n`);
  return 0;
}

/** `flotilla node remove N`: drain it (if it still holds replicas), then unregister it. */
export async function nodeRemove(ctx: CommandContext): Promise<number> {
  const node = nodeArg(ctx);
  const admin = ctx.client().admin();
  const moves = await admin.drainNode(node);
  for (const m of moves) ctx.io.stdout.write(`moving ${m.topic}/${m.partition}: [${m.from.join(', ')}] -> [${m.to.join(', ')}]\n`);
  const deadline = Date.now() + waitMs(ctx);
  if (moves.length > 0 && !(await waitSettled(ctx, admin, moves, waitMs(ctx)))) throw new CliError(`node ${node} is not drained yet; run this again once it is`);
  // Moves started by an earlier drain may still be removing the node from their groups.
  for (;;) {
    try {
      await admin.removeNode(node);
      break;
    } catch (e) {
      if (!(e instanceof Error) || !/NODE_HAS_REPLICAS|still holds replicas/.test(e.message) || Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  ctx.io.stdout.write(`node ${node} removed from the cluster\n`);
  return 0;
}
