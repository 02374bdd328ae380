import { UsageError } from './args';
import type { CommandContext } from './context';
import { formatFields, formatIds, formatJson, formatTable } from './format';
import { isUnderReplicated, nodeLoad, outOfSyncText } from './replicas';

/** Nodes (with the partitions each leads, follows in sync and lags on), metadata leader, and partitions without a leader or under-replicated. */
export async function clusterStatus(ctx: CommandContext): Promise<number> {
  if (ctx.args.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.args.positionals[0]}"`, ctx.command.name);
  const admin = ctx.client().admin();
  const cluster = await admin.describeCluster();
  const topics = await admin.listTopics();
  const descriptions = await Promise.all(topics.map((t) => admin.describeTopic(t.name)));
  const partitions = descriptions.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, ...p })));
  const leaderless = partitions.filter((p) => p.leader === 0);
  const underReplicated = partitions.filter(isUnderReplicated);
  const down = cluster.nodes.filter((n) => !n.alive);
  if (ctx.args.json) {
    ctx.io.stdout.write(
      formatJson({
        ...cluster,
        nodes: cluster.nodes.map((n) => ({ ...n, ...nodeLoad(n.id, partitions) })),
        topics: topics.length,
        partitions: partitions.length,
        leaderless: leaderless.map((p) => ({ topic: p.topic, partition: p.partition })),
        underReplicated: underReplicated.map((p) => ({
          topic: p.topic,
          partition: p.partition,
          leader: p.leader,
          replicas: p.replicas,
          inSyncReplicas: p.inSyncReplicas,
          outOfSync: p.replicaStatus.filter((r) => !p.inSyncReplicas.includes(r.node)),
        })),
      }),
    );
    return 0;
  }
  ctx.io.stdout.write(
    formatFields([
      ['cluster', cluster.clusterId],
      ['metadata leader', cluster.controllerLeader === 0 ? 'none' : cluster.controllerLeader],
      ['nodes', `${cluster.nodes.length - down.length} of ${cluster.nodes.length} alive`],
      ['topics', topics.length],
      ['partitions', `${partitions.length} (${leaderless.length} without leader, ${underReplicated.length} under-replicated)`],
    ]),
  );
  ctx.io.stdout.write('\n');
  ctx.io.stdout.write(
    formatTable(
      ['node', 'address', 'alive', 'role', 'leads', 'in sync', 'out of sync'],
      [...cluster.nodes]
        .sort((a, b) => a.id - b.id)
        .map((n) => {
          const load = nodeLoad(n.id, partitions);
          return [n.id, n.address, n.alive, n.id === cluster.controllerLeader ? 'metadata leader' : '', load.leads, load.inSync, load.outOfSync];
        }),
    ),
  );
  const problems = [
    ...leaderless.map((p) => `${p.topic}/${p.partition}: no leader`),
    ...underReplicated.map(
      (p) => `${p.topic}/${p.partition}: under-replicated, ${p.inSyncReplicas.length} of ${p.replicas.length} replicas in sync (${formatIds(p.inSyncReplicas)}); ${outOfSyncText(p)}`,
    ),
  ];
  if (problems.length > 0) ctx.io.stdout.write(`\n${problems.slice(0, 20).join('\n')}${problems.length > 20 ? `\n... and ${problems.length - 20} more` : ''}\n`);
  return 0;
}
