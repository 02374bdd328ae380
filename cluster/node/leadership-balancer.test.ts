/**
 * The node's leadership balancer over a fake node core: what it feeds planLeadershipMoves (its
 * own view of who leads the partitions it hosts, the in-sync replicas of those it leads, the live
 * nodes) and that it transfers only after the same target twice in a row.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../raft';
import { type Command, type CommandResult, MetadataState } from '../metadata';
import { LeadershipBalancer } from './leadership-balancer';
import type { NodeCore } from './node-core';
import type { PartitionReplica } from './partition-replica';

/** Applies commands in order at the next indexes (what the controller group's apply does). */
function applyAll(state: MetadataState, commands: readonly Command[]): CommandResult[] {
  return commands.map((c) => state.applyCommand(state.appliedIndex + 1, c));
}

/** Registers nodes 1..n with distinct addresses. */
function registerNodes(state: MetadataState, n: number): void {
  for (let id = 1; id <= n; id++) applyAll(state, [{ type: 'registerNode', nodeId: id, host: `node${id}:9092`, peerAddress: `node${id}:9093` }]);
}

interface FakeGroup {
  leader: NodeId;
  inSync: NodeId[];
  transferee?: NodeId;
}

/** Node `self` of a 3-node cluster with one 6-partition topic (replication factor 3), and the Raft state of each group as given. */
function setup(self: NodeId, alive: NodeId[]) {
  const state = new MetadataState();
  registerNodes(state, 3);
  applyAll(state, [{ type: 'createTopic', name: 't', partitions: 6, replicationFactor: 3, config: {} }]);
  const partitions = state.topic('t')!.partitions;
  const groups = new Map<number, FakeGroup>();
  const transfers: Array<[number, NodeId]> = [];
  const core = {
    self,
    log: () => undefined,
    alive: (id: NodeId) => alive.includes(id),
    controller: { state },
    multi: {
      node: (g: number) => {
        const fg = groups.get(g);
        if (!fg) return undefined;
        return {
          status: () => ({
            role: fg.leader === self ? 'leader' : 'follower',
            leader: fg.leader,
            transferee: fg.transferee ?? 0,
            progress: fg.leader === self ? fg.inSync.map((id) => ({ id, isLearner: false, inSync: true })) : undefined,
          }),
        };
      },
      withNode: (g: number, fn: (n: { transferLeadership(to: NodeId): void }) => void) => fn({ transferLeadership: (to) => transfers.push([g, to]) }),
    },
  } as unknown as NodeCore;
  const replicas = new Map(partitions.map((p) => [p.groupId, { what: `t-${p.partition}` } as unknown as PartitionReplica]));
  return { partitions, groups, transfers, balancer: new LeadershipBalancer(core), replicas };
}

describe('the leadership balancer of a node', () => {
  it('with a node down, the node that took all its partitions hands one to the live node leading fewer, after two rounds in a row', () => {
    const { partitions, groups, transfers, balancer, replicas } = setup(2, [2, 3]);
    const dead = 1;
    // Every partition preferred by node 1 is led by node 2 (the old rule's choice: the first live replica).
    for (const p of partitions) {
      const leader = p.replicas[0] === dead ? 2 : p.replicas[0];
      groups.set(p.groupId, { leader, inSync: [2, 3] });
    }
    const led = (n: NodeId) => [...groups.values()].filter((g) => g.leader === n).length;
    expect([led(2), led(3)]).toEqual([4, 2]);
    balancer.balance(replicas);
    expect(transfers).toEqual([]);
    balancer.balance(replicas);
    expect(transfers).toHaveLength(1);
    const [group, to] = transfers[0];
    expect(to).toBe(3);
    expect(partitions.find((p) => p.groupId === group)!.replicas[0]).toBe(dead);
  });

  it('hands a partition back to its preferred leader once it is in sync', () => {
    const { partitions, groups, transfers, balancer, replicas } = setup(2, [1, 2, 3]);
    for (const p of partitions) groups.set(p.groupId, { leader: p.replicas[0] === 1 ? 2 : p.replicas[0], inSync: [1, 2, 3] });
    balancer.balance(replicas);
    balancer.balance(replicas);
    const back = partitions.filter((p) => p.replicas[0] === 1).map((p) => [p.groupId, 1]);
    expect(transfers.sort((a, b) => a[0] - b[0])).toEqual(back);
  });

  it('a target that changes between rounds, or a transfer under way, moves nothing', () => {
    const { partitions, groups, transfers, balancer, replicas } = setup(2, [2, 3]);
    for (const p of partitions) groups.set(p.groupId, { leader: p.replicas[0] === 1 ? 2 : p.replicas[0], inSync: [2, 3] });
    balancer.balance(replicas);
    // Node 3 falls out of sync: no target this round; the next round starts counting again.
    for (const g of groups.values()) if (g.leader === 2) g.inSync = [2];
    balancer.balance(replicas);
    for (const g of groups.values()) if (g.leader === 2) g.inSync = [2, 3];
    balancer.balance(replicas);
    expect(transfers).toEqual([]);
    // A transfer under way counts for its target: node 2 is at its share, nothing more moves.
    const first = partitions.find((p) => p.replicas[0] === 1)!;
    groups.get(first.groupId)!.transferee = 3;
    balancer.balance(replicas);
    balancer.balance(replicas);
    expect(transfers).toEqual([]);
  });
});
