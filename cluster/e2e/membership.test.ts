/**
 * Membership changes on real processes, under an idempotent produce load (docs/architecture.md,
 * "Membership changes"): a fourth node joins the running three-node cluster with
 * `flotilla start --join`, a partition is reassigned onto it, a node is drained with the CLI,
 * and a dead node is replaced while it is down with `flotilla node remove` (its metadata-group
 * seat goes to the joined node). No acknowledged record is lost, duplicated or moved.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Admin } from '../client';
import { isSettled } from '../cli';
import { ProcessCluster, readPartition, waitFor } from './process-cluster';
import { runFlotilla, SteadyLoad } from './steady-load';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const TOPIC = 'moves';

async function replicasNow(admin: Admin): Promise<number[]> {
  return [...(await admin.describeTopic(TOPIC)).partitions[0].replicas];
}

async function settled(admin: Admin, what: string): Promise<void> {
  await waitFor(what, async () => isSettled((await admin.describeTopic(TOPIC)).partitions[0]), 90_000, 250);
}

describe('membership changes', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'membership' });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  const cli = (...argv: string[]) => runFlotilla(cluster, ...argv);

  it('a node joins; reassign onto it, drain, and replace a dead node under load: every acknowledged record stays, once, where it was acknowledged', async () => {
    cluster.dumpLogsOnFailure();
    const flotilla = cluster.client();
    const admin = flotilla.admin();
    await admin.createTopic({ name: TOPIC, partitions: 1, replicationFactor: 3, config: { 'replica.lag.time.max.ms': '2000' } });
    const load = new SteadyLoad(flotilla, TOPIC, 1, 'm');
    await load.more(200);
    const groupId = (await admin.describeTopic(TOPIC)).partitions[0].groupId;

    // 0. A new node joins the running cluster: registered, alive, holding no replica.
    const joined = await cluster.join();
    expect(joined).toBe(4);
    expect(cluster.logs(joined)).toMatch(/registered with the cluster as a new node; it holds no replicas/);
    await waitFor('every node sees the joined node alive', async () => (await admin.describeCluster()).nodes.find((n) => n.id === joined)?.alive === true, 30_000, 250);
    expect((await admin.describeTopic(TOPIC)).partitions[0].replicas).not.toContain(joined);

    // 1. Reassign {a, b, c} -> {b, c, spare} through the CLI, which waits and shows the progress.
    const first = await replicasNow(admin);
    const spare = cluster.ids().find((id) => !first.includes(id))!;
    const target = [first[1], first[2], spare];
    const reassigned = await cli('partition', 'reassign', TOPIC, '0', '--replicas', target.join(','));
    // Progress: each member's state as the leader sees it, until every target replica is in sync.
    expect(reassigned.stderr).toMatch(new RegExp(`${TOPIC}/0: target \\[${target.join(', ')}\\]: .*${spare} (learner|in-sync|lagging|recovering)`));
    expect(reassigned).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`${TOPIC}/0 now has replicas \\[${target.join(', ')}\\], all in sync`)) });
    expect(await replicasNow(admin)).toEqual(target);
    // The old replica's node deletes its copy once its removal is recorded.
    await waitFor(`node ${first[0]} drops group ${groupId}`, () => cluster.grepLogs(new RegExp(`node ${first[0]} is out of the group: recording it removed`)).length > 0, 30_000);
    await load.more(200);

    // 2. Drain a node with the CLI: its replica goes to the only node without one.
    const drained = target[0];
    const out = await cli('node', 'drain', String(drained));
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`moving ${TOPIC}/0: .* -> .*\\n.*node ${drained} is drained`, 's'));
    const afterDrain = await replicasNow(admin);
    expect(afterDrain).not.toContain(drained);
    expect(afterDrain).toContain(first[0]);
    await load.more(200);

    // 3. A replica's node dies for good; it is replaced while down (a majority of the group is up).
    // The lowest id of the two: one of nodes 1-3, which hold the metadata group's voter seats.
    const dead = afterDrain.filter((n) => n !== first[0]).sort((a, b) => a - b)[0];
    expect(dead).toBeLessThanOrEqual(3);
    await cluster.kill(dead);
    await load.more(100);
    const removed = await cli('--timeout', '120s', 'node', 'remove', String(dead));
    expect(removed.code, removed.stderr + removed.stdout).toBe(0);
    expect(removed.stdout).toMatch(new RegExp(`node ${dead} removed from the cluster`));
    const final = await replicasNow(admin);
    expect(final).not.toContain(dead);
    expect(final).toContain(drained);
    await settled(admin, 'the partition settled without the dead node');
    const nodes = (await admin.describeCluster()).nodes.map((n) => n.id);
    expect(nodes).not.toContain(dead);
    // It held a metadata-group voter seat: node 4 (a learner so far) takes it, so the metadata group has three live voters again.
    await waitFor('node 4 takes the dead voter\'s metadata seat', () => cluster.grepLogs(/the metadata group: node 4 caught up: it becomes a voter/).length > 0, 30_000);
    await waitFor(`node ${dead} leaves the metadata group`, () => cluster.grepLogs(new RegExp(`the metadata group: node ${dead} is no longer a replica: it is removed`)).length > 0, 30_000);
    await load.more(200);
    await load.stop();

    // Every acknowledged record, once, at its offset; no gap.
    const end = Math.max(...[...load.acked.values()].map((a) => a.offset)) + 1;
    const records = await readPartition(flotilla.consumer(), TOPIC, 0, { from: 0, to: end });
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: end }, (_, i) => i));
    const byOffset = new Map(records.map((r) => [r.offset, r.value!.toString()]));
    for (const [value, { offset }] of load.acked) expect(byOffset.get(offset), `${value} at offset ${offset}`).toBe(value);
    expect(new Set(byOffset.values()).size).toBe(byOffset.size);
    await flotilla.close();
  });
});
