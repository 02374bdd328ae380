import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../raft';
import type { GroupState } from '../../proto/load';
import { MetadataReads, type MetadataReadsHost } from './metadata-reads';
import { bestGroupState, leaderUnreachable } from './partition-view';
import type { RpcError } from './rpc-errors';

/** A host whose Raft is scripted by the test: rounds are answered by calling answer(). */
class FakeHost implements MetadataReadsHost {
  readonly self = 1;
  leaderId: NodeId = 1;
  applied = 0;
  heard = true;
  readonly rounds: Uint8Array[] = [];
  readonly forwards: Array<{ leader: NodeId; resolve: (index: number) => void; reject: (e: unknown) => void }> = [];
  private appliedWaiters: Array<{ index: number; resolve: () => void }> = [];

  leader(): NodeId {
    return this.leaderId;
  }
  readIndex(ctx: Uint8Array): void {
    if (this.leaderId !== this.self) throw new Error('not leader');
    this.rounds.push(ctx);
  }
  forward(leader: NodeId): Promise<number> {
    return new Promise((resolve, reject) => this.forwards.push({ leader, resolve, reject }));
  }
  appliedIndex(): number {
    return this.applied;
  }
  waitApplied(index: number): Promise<void> {
    if (this.applied >= index) return Promise.resolve();
    return new Promise((resolve) => this.appliedWaiters.push({ index, resolve }));
  }
  apply(index: number): void {
    this.applied = index;
    for (const w of this.appliedWaiters.filter((x) => x.index <= index)) w.resolve();
    this.appliedWaiters = this.appliedWaiters.filter((x) => x.index > index);
  }
  quorumHeard(): boolean {
    return this.heard;
  }
  describeLeader(id: NodeId): string {
    return `node ${id}`;
  }
}

const tick = () => new Promise((r) => setImmediate(r));

function setup(graceMs = 60_000) {
  const host = new FakeHost();
  const reads = new MetadataReads(host, { roundTimeoutMs: 5000, retryMs: 5, startupGraceMs: graceMs });
  const answer = (k: number, index: number) => reads.readStates([{ index, ctx: host.rounds[k] }]);
  return { host, reads, answer };
}

describe('linearizable metadata reads', () => {
  it('concurrent reads share one ReadIndex round', async () => {
    const { host, reads, answer } = setup();
    host.apply(7);
    const all = Promise.all(Array.from({ length: 50 }, () => reads.linearizable(Date.now() + 5000)));
    await tick();
    expect(host.rounds).toHaveLength(1);
    answer(0, 7);
    await all;
    expect(host.rounds).toHaveLength(1);
  });

  it('a read never takes the answer of a round that began before it, and waits until applied through its own round', async () => {
    const { host, reads, answer } = setup();
    host.apply(3);
    let firstDone = false;
    let secondDone = false;
    const first = reads.linearizable(Date.now() + 5000).then(() => (firstDone = true));
    await tick();
    expect(host.rounds).toHaveLength(1);
    // A change commits at index 4 while round 0 is out; then a second read arrives.
    const second = reads.linearizable(Date.now() + 5000).then(() => (secondDone = true));
    await tick();
    answer(0, 3); // round 0 began before index 4 committed
    await first;
    await tick();
    expect(firstDone).toBe(true);
    expect(secondDone).toBe(false);
    expect(host.rounds).toHaveLength(2);
    answer(1, 4);
    await tick();
    expect(secondDone, 'applied only through 3: the read must wait for 4').toBe(false);
    host.apply(4);
    await second;
    expect(secondDone).toBe(true);
  });

  it('a follower forwards to the leader; rounds of a deposed leader fail and the read goes to the new one', async () => {
    const { host, reads } = setup();
    host.apply(10);
    const read = reads.linearizable(Date.now() + 5000);
    await tick();
    expect(host.rounds).toHaveLength(1);
    host.leaderId = 2;
    reads.roleChanged({ leader: 2, role: 'follower' });
    await new Promise((r) => setTimeout(r, 20));
    expect(host.forwards.map((f) => f.leader)).toEqual([2]);
    host.forwards[0].resolve(10);
    await read;
  });

  it('answers UNAVAILABLE NO_LEADER naming the node when no leader can be reached in time, never from its stale copy', async () => {
    const { host, reads } = setup();
    host.leaderId = 0;
    const e = (await reads.linearizable(Date.now() + 100).catch((x: unknown) => x)) as RpcError;
    expect(e.status).toBe(grpc.status.UNAVAILABLE);
    expect(e.code).toBe('NO_LEADER');
    expect(e.message).toMatch(/^node 1 cannot reach the metadata group's leader/);
  });

  it('a node that has heard from no quorum after its startup grace answers NO_LEADER at once', async () => {
    const { host, reads } = setup(0);
    host.heard = false;
    const began = Date.now();
    const e = (await reads.linearizable(Date.now() + 60_000).catch((x: unknown) => x)) as RpcError;
    expect(e.code).toBe('NO_LEADER');
    expect(Date.now() - began).toBeLessThan(30_000); // not the caller's deadline
    expect(host.rounds).toHaveLength(0);
  });
});

describe('describing partitions', () => {
  const state = (over: Partial<GroupState>): GroupState => ({
    group: 5,
    leader: 0,
    term: 1,
    isLeader: false,
    inSync: [],
    logStartOffset: 0,
    logEndOffset: 0,
    node: 1,
    failure: '',
    highWatermark: 0,
    replicas: [],
    compaction: null,
    ...over,
  });

  it('prefers the replica that leads (the highest term if two claim it), then a follower naming a leader', () => {
    const stale = state({ leader: 3, term: 4, isLeader: true });
    const current = state({ leader: 2, term: 5, isLeader: true });
    const follower = state({ leader: 2, term: 5 });
    expect(bestGroupState([state({}), stale, follower, current])).toBe(current);
    expect(bestGroupState([state({}), follower])).toBe(follower);
    expect(bestGroupState([state({ term: 9 })])?.leader).toBe(0);
    expect(bestGroupState([])).toBeUndefined();
  });

  it('leaderUnreachable only when no leader is known and fewer than a quorum of replicas are in reach', () => {
    const inReach = (ids: number[]) => (id: number) => ids.includes(id);
    expect(leaderUnreachable(0, [1, 2, 3], inReach([1]))).toBe(true);
    expect(leaderUnreachable(0, [1, 2, 3], inReach([1, 3]))).toBe(false);
    expect(leaderUnreachable(2, [1, 2, 3], inReach([1]))).toBe(false);
    expect(leaderUnreachable(0, [2, 4], inReach([2]))).toBe(true);
  });
});
