import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { META } from '../../proto/load';
import type { GroupConsumer } from '../client';
import { OFFSETS_TOPIC, partitionForGroup } from '../groups';
import { InProcessCluster, rawClient, TEST_TUNING, waitFor } from './in-process-cluster';

/** A raw unary call, for answers the client library would act on itself (fencing errors). */
function raw(address: string, method: string, req: unknown): Promise<unknown> {
  const client = rawClient(address);
  return new Promise((resolve, reject) =>
    (client as unknown as Record<string, (r: unknown, cb: (e: grpc.ServiceError | null, v?: unknown) => void) => void>)[method].call(client, req, (e, v) => {
      client.close();
      if (e) reject(e);
      else resolve(v);
    }),
  );
}

function codeOf(e: unknown): string | undefined {
  return (e as grpc.ServiceError).metadata?.get(META.error)[0] as string | undefined;
}

describe('group coordinator (in-process cluster)', () => {
  const cluster = new InProcessCluster(3, TEST_TUNING);
  beforeAll(async () => {
    await cluster.startAll();
    await cluster.client.admin().createTopic({ name: 'orders', partitions: 4, replicationFactor: 3 });
    const producer = cluster.client.producer();
    await producer.sendBatch(Array.from({ length: 40 }, (_, i) => ({ topic: 'orders', partition: i % 4, value: `v${i}` })));
    await producer.close();
  }, 60_000);
  afterAll(() => cluster.close(), 30_000);

  it('two members share a topic, commit what they processed, and the commits survive the coordinator node', async () => {
    const seen = new Set<string>();
    const members: GroupConsumer[] = [];
    for (let i = 0; i < 2; i++) {
      const m = cluster.client.consumer({ groupId: 'g1', sessionTimeoutMs: 2000, autoOffsetReset: 'earliest', autoCommitIntervalMs: 200, strategy: 'range' });
      m.subscribe({ topics: ['orders'] });
      await m.run({ eachMessage: async ({ message }) => void seen.add(`${message.partition}:${message.offset}`) });
      members.push(m);
    }
    await waitFor(() => seen.size === 40, 'every record processed', 30_000);
    await waitFor(async () => {
      const d = await cluster.client.groups().describe('g1');
      return d.members.length === 2 && d.partitions.every((p) => p.committed === 10 && p.lag === 0);
    }, 'the offsets committed', 30_000);
    const d = await cluster.client.groups().describe('g1');
    expect(d.state).toBe('stable');
    expect(d.members.flatMap((m) => m.assignment).length).toBe(4);

    // A zombie: a member id the group never had, and a real member speaking for an old generation.
    const found = (await raw(cluster.address(1), 'findCoordinator', { groupId: 'g1' })) as { coordinator: number; coordinatorAddress: string };
    const [m0] = members;
    const { memberId, generation } = m0.membership();
    const commit = (mid: string, gen: number) =>
      raw(found.coordinatorAddress, 'commitOffsets', { groupId: 'g1', memberId: mid, generation: gen, offsets: [{ topic: 'orders', partition: 0, offset: 0 }] });
    await expect(commit(memberId, generation - 1).catch(codeOf)).resolves.toBe('ILLEGAL_GENERATION');
    await expect(commit('nobody', generation).catch(codeOf)).resolves.toBe('UNKNOWN_MEMBER_ID');
    await expect(commit('', -1).catch(codeOf)).resolves.toBe('GROUP_NOT_EMPTY');
    // Elsewhere: NOT_COORDINATOR with the leader's address.
    const other = cluster.ids().find((id) => id !== found.coordinator)!;
    const elsewhere = await raw(cluster.address(other), 'heartbeat', { groupId: 'g1', memberId, generation }).catch((e: grpc.ServiceError) => e);
    expect(codeOf(elsewhere)).toBe('NOT_COORDINATOR');
    expect((elsewhere as grpc.ServiceError).metadata.get(META.leaderAddress)[0]).toBe(found.coordinatorAddress);

    for (const m of members) await m.close();
    // The coordinator node stops: the next leader of the partition reloads the group from it.
    await cluster.stop(found.coordinator);
    await waitFor(async () => {
      const offsets = await cluster.client.groups().committedOffsets('g1');
      return offsets.length === 4 && offsets.every((o) => o.offset === 10);
    }, 'the committed offsets from the new coordinator', 30_000);
    const after = await cluster.client.groups().describe('g1');
    expect(after.coordinator).not.toBe(found.coordinator);
    expect(after.state).toBe('empty');
    await cluster.start(found.coordinator);
  }, 120_000);

  it('bad input gets a clear error naming the problem', async () => {
    const join = (over: Record<string, unknown>) =>
      raw(cluster.address(1), 'joinGroup', { groupId: 'g2', sessionTimeoutMs: 1000, rebalanceTimeoutMs: 1000, topics: ['orders'], strategy: 'range', ...over }).catch((e: grpc.ServiceError) => e);
    expect(((await join({ strategy: 'sticky' })) as grpc.ServiceError).details).toMatch(/strategy "sticky" is not one of range, roundrobin, cooperative-sticky/);
    expect(((await join({ groupId: '' })) as grpc.ServiceError).details).toMatch(/names no group/);
    expect(((await join({ sessionTimeoutMs: 5 })) as grpc.ServiceError).details).toMatch(/session_timeout_ms 5 is not between/);
    expect(((await join({ topics: ['nope'] })) as grpc.ServiceError).details).toMatch(/topic "nope", which does not exist/);
    const detailsOf = async (method: string, req: unknown) => ((await raw(cluster.address(1), method, req).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError).details;
    expect(await detailsOf('heartbeat', { groupId: 'g2', memberId: '', generation: 1 })).toMatch(/names no member_id/);
    expect(await detailsOf('commitOffsets', { groupId: 'g2', memberId: '', generation: 3, offsets: [{ topic: 'orders', partition: 0, offset: 1 }] })).toMatch(/must have generation -1/);
    expect(await detailsOf('commitOffsets', { groupId: 'g2', memberId: '', generation: -1, offsets: [{ topic: 'orders', partition: 9, offset: 1 }] })).toMatch(/partition 9; it has 4 partitions/);
    expect(await detailsOf('listGroups', { partition: 99 })).toMatch(/__consumer_offsets has no partition 99/);
    expect(partitionForGroup('g2', 8)).toBeLessThan(8);
    expect(OFFSETS_TOPIC).toBe('__consumer_offsets');
  }, 30_000);

  it('the client: messages() iterator with explicit commits; eachBatch with seek, pause and resume; autoOffsetReset none', async () => {
    // messages(): a record is processed once the next is asked for; commitOffsets() commits what was.
    const it1 = cluster.client.consumer({ groupId: 'g3', autoCommit: false, autoOffsetReset: 'earliest', strategy: 'roundrobin', sessionTimeoutMs: 2000 });
    it1.subscribe({ topics: ['orders'] });
    const seen = new Set<string>();
    for await (const r of it1.messages()) {
      seen.add(`${r.partition}:${r.offset}`);
      if (seen.size === 40) break;
    }
    await it1.commitOffsets();
    expect((await cluster.client.groups().committedOffsets('g3')).map((o) => o.offset)).toEqual([10, 10, 10, 10]);
    await it1.close();

    // eachBatch, then seek partition 0 back to 5: its records from 5 come again.
    const batches: { partition: number; offsets: number[] }[] = [];
    const b = cluster.client.consumer({ groupId: 'g4', autoCommit: false, autoOffsetReset: 'earliest', sessionTimeoutMs: 2000 });
    b.subscribe({ topics: ['orders'] });
    await b.run({ eachBatch: async ({ batch }) => void batches.push({ partition: batch.partition, offsets: batch.messages.map((m) => m.offset) }) });
    const offsetsOf = (p: number) => batches.filter((x) => x.partition === p).flatMap((x) => x.offsets);
    await waitFor(() => [0, 1, 2, 3].every((p) => offsetsOf(p).length === 10), 'every batch');
    b.seek({ topic: 'orders', partition: 0, offset: 5 });
    await waitFor(() => offsetsOf(0).length === 15, 'partition 0 again from offset 5');
    expect(offsetsOf(0).slice(10)).toEqual([5, 6, 7, 8, 9]);
    b.pause([{ topic: 'orders', partitions: [1] }]);
    b.resume([{ topic: 'orders', partitions: [1] }]);
    const producer = cluster.client.producer();
    await producer.send({ topic: 'orders', partition: 1, value: 'late' });
    await producer.close();
    await waitFor(() => offsetsOf(1).includes(10), 'the resumed partition read on');
    expect(() => b.seek({ topic: 'nope', partition: 0, offset: 0 })).toThrow(/not assigned to this member/);
    await b.close();

    // autoOffsetReset 'none' and no committed offset: the member fails, saying why.
    const none = cluster.client.consumer({ groupId: 'g5', autoOffsetReset: 'none', sessionTimeoutMs: 2000 });
    none.subscribe({ topics: ['orders'] });
    const crashed = new Promise<unknown>((r) => none.on('crash', r));
    await none.run({ eachMessage: async () => undefined });
    expect(String(await crashed)).toMatch(/has no committed offset .* autoOffsetReset is 'none'/);
  }, 60_000);
});
