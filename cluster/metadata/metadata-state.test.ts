import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryType } from '../../raft';
import { applyAll, commandsArb, registerNodes } from './arbitraries';
import { encodeCommand } from './command-codec';
import { MetadataState } from './metadata-state';
import { CONTROLLER_GROUP, type CommandOutcome, type CommandResult } from './types';

function outcome<T extends CommandOutcome['type']>(result: CommandResult, type: T): Extract<CommandOutcome, { type: T }> {
  if (!result.ok) throw result.error;
  expect(result.outcome.type).toBe(type);
  return result.outcome as Extract<CommandOutcome, { type: T }>;
}

describe('controller state', () => {
  it('group ids are unique over every topic ever created, never 0, and never reused after deletion and purge', () => {
    fc.assert(
      fc.property(commandsArb(80), (commands) => {
        const state = new MetadataState();
        registerNodes(state, 3);
        const seen = new Set<number>();
        for (const result of applyAll(state, commands)) {
          if (!result.ok || (result.outcome.type !== 'createTopic' && result.outcome.type !== 'addPartitions')) continue;
          const fresh = result.outcome.type === 'addPartitions' ? result.outcome.topic.partitions.slice(result.outcome.previousCount) : result.outcome.topic.partitions;
          for (const p of fresh) {
            expect(p.groupId).not.toBe(CONTROLLER_GROUP);
            expect(seen.has(p.groupId)).toBe(false);
            seen.add(p.groupId);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('deleting a topic marks its partitions deleted, frees its name, and takes its groups off every node', () => {
    const state = new MetadataState();
    registerNodes(state, 3);
    const created = outcome(applyAll(state, [{ type: 'createTopic', name: 'orders', partitions: 3, replicationFactor: 2, config: {} }])[0], 'createTopic');
    const groups = created.topic.partitions.map((p) => p.groupId);
    expect(state.partitionsOfNode(1).length + state.partitionsOfNode(2).length + state.partitionsOfNode(3).length).toBe(6);

    const deleted = outcome(applyAll(state, [{ type: 'deleteTopic', name: 'orders' }])[0], 'deleteTopic');
    expect(deleted.topic.deletedIndex).toBe(state.appliedIndex);
    expect(deleted.topic.partitions.every((p) => p.deleted)).toBe(true);
    expect(state.topic('orders')).toBeUndefined();
    expect(state.listTopics()).toEqual([]);
    expect(() => state.describeTopic('orders')).toThrow(expect.objectContaining({ code: 'UNKNOWN_TOPIC' }));
    for (const node of [1, 2, 3]) expect(state.partitionsOfNode(node)).toEqual([]);
    expect(state.deletedPartitions().map((p) => p.groupId)).toEqual(groups);
    expect(state.partitionByGroup(groups[0])?.deleted).toBe(true);

    // The name is free again; the new topic gets new groups.
    const again = outcome(applyAll(state, [{ type: 'createTopic', name: 'orders', partitions: 1, replicationFactor: 1, config: {} }])[0], 'createTopic');
    expect(again.topic.id).not.toBe(created.topic.id);
    expect(groups).not.toContain(again.topic.partitions[0].groupId);

    outcome(applyAll(state, [{ type: 'purgeTopic', topicId: created.topic.id }])[0], 'purgeTopic');
    expect(state.deletedPartitions()).toEqual([]);
    expect(state.topicById(created.topic.id)).toBeUndefined();
    expect(state.partitionByGroup(groups[0])).toBeUndefined();
    expect(state.listTopics()).toHaveLength(1);
    expect(state.livePartitions()).toHaveLength(1);
  });

  it('adding partitions keeps the old ones as they were and gives the new ones fresh group ids and replicas by the assignment rule', () => {
    const state = new MetadataState();
    registerNodes(state, 3);
    applyAll(state, [
      { type: 'createTopic', name: 'orders', partitions: 2, replicationFactor: 2, config: { 'retention.ms': '1000' } },
      { type: 'createTopic', name: 'other', partitions: 1, replicationFactor: 1, config: {} },
    ]);
    const before = state.topic('orders')!;
    const otherGroup = state.partition('other', 0)!.groupId;
    const grown = outcome(applyAll(state, [{ type: 'addPartitions', name: 'orders', partitions: 5 }])[0], 'addPartitions');
    expect(grown.previousCount).toBe(2);
    const after = state.topic('orders')!;
    expect(grown.topic).toBe(after);
    expect({ ...after, partitions: undefined }).toEqual({ ...before, partitions: undefined });
    // The old partitions are the very same objects: group ids and replicas unchanged.
    expect(after.partitions.slice(0, 2)).toEqual(before.partitions);
    expect(after.partitions.slice(0, 2).every((p, i) => p === before.partitions[i])).toBe(true);
    const added = after.partitions.slice(2);
    expect(added.map((p) => p.partition)).toEqual([2, 3, 4]);
    // Fresh groups, after every group allocated so far (the other topic's included): never reused.
    expect(added.map((p) => p.groupId)).toEqual([otherGroup + 1, otherGroup + 2, otherGroup + 3]);
    for (const p of added) {
      expect(p).toMatchObject({ topicId: before.id, topic: 'orders', deleted: false });
      expect(p.replicas).toHaveLength(2);
      expect(new Set(p.replicas).size).toBe(2);
      expect(state.partitionByGroup(p.groupId)).toBe(p);
    }
    // Spread over the nodes as createTopic spreads: replica counts within 1 of each other.
    const counts = [1, 2, 3].map((n) => state.partitionsOfNode(n).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(state.listTopics().find((t) => t.name === 'orders')?.partitions).toBe(5);
    // Deleting the topic takes the new groups off too.
    const deleted = outcome(applyAll(state, [{ type: 'deleteTopic', name: 'orders' }])[0], 'deleteTopic');
    expect(deleted.topic.partitions.map((p) => p.groupId)).toEqual(after.partitions.map((p) => p.groupId));
    expect(deleted.topic.partitions.every((p) => p.deleted)).toBe(true);
  });

  it('adding partitions to a topic whose replication factor the registered nodes can no longer meet is refused', () => {
    const state = new MetadataState();
    registerNodes(state, 2);
    applyAll(state, [{ type: 'createTopic', name: 't', partitions: 1, replicationFactor: 2, config: {} }]);
    const g = state.partition('t', 0)!.groupId;
    applyAll(state, [
      { type: 'setPartitionReplicas', topic: 't', partition: 0, replicas: [1] },
      { type: 'replicaRemoved', groupId: g, nodeId: 2 },
      { type: 'unregisterNode', nodeId: 2 },
    ]);
    expect(state.nodeIds()).toEqual([1]);
    const [r] = applyAll(state, [{ type: 'addPartitions', name: 't', partitions: 2 }]);
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_ENOUGH_REPLICAS', message: expect.stringMatching(/replication factor 2 of topic "t" needs 2 nodes but 1 is registered/) } });
    expect(state.topic('t')!.partitions).toHaveLength(1);
  });

  it('a node re-registering the same addresses changes nothing; new addresses replace the old ones', () => {
    const state = new MetadataState();
    const first = outcome(applyAll(state, [{ type: 'registerNode', nodeId: 1, host: 'a:1', peerAddress: 'a:2' }])[0], 'registerNode');
    expect(first.changed).toBe(true);
    const same = outcome(applyAll(state, [{ type: 'registerNode', nodeId: 1, host: 'a:1', peerAddress: 'a:2' }])[0], 'registerNode');
    expect(same).toEqual({ type: 'registerNode', node: first.node, changed: false });
    const moved = outcome(applyAll(state, [{ type: 'registerNode', nodeId: 1, host: 'b:1', peerAddress: 'b:2' }])[0], 'registerNode');
    expect(moved.changed).toBe(true);
    expect(state.node(1)).toEqual({ id: 1, host: 'b:1', peerAddress: 'b:2', registeredIndex: 3, incarnation: '' });
  });

  it('a known node on a new data directory that lost its data puts each of its replicas, and its controller seat, into resyncing, once', () => {
    const state = new MetadataState();
    registerNodes(state, 3);
    applyAll(state, [
      { type: 'registerNode', nodeId: 2, host: 'node2:9092', peerAddress: 'node2:9093', incarnation: 'aa' },
      { type: 'createTopic', name: 't', partitions: 3, replicationFactor: 2, config: {} },
    ]);
    expect(state.reconfiguring()).toEqual([]);
    const held = state.partitionsOfNode(2).map((p) => p.groupId);
    expect(held.length).toBeGreaterThan(0);
    const lost = { type: 'registerNode', nodeId: 2, host: 'node2:9092', peerAddress: 'node2:9093', incarnation: 'bb', lostData: true } as const;
    const r = outcome(applyAll(state, [lost])[0], 'registerNode');
    expect(r.resynced).toBe(true);
    expect(state.node(2)!.incarnation).toBe('bb');
    expect(state.controllerResyncing()).toEqual([2]);
    expect(state.reconfiguring().map((p) => p.groupId)).toEqual(held);
    for (const p of state.reconfiguring()) expect(p).toMatchObject({ resyncing: [2], reconfigured: true });
    expect(state.groupsToRun(2)).toEqual([]);
    // A retry of the same registration is already recorded.
    const retry = outcome(applyAll(state, [lost])[0], 'registerNode');
    expect([retry.changed, retry.resynced ?? false]).toEqual([false, false]);
    // The leaders readmit it, group by group.
    for (const g of held) outcome(applyAll(state, [{ type: 'replicaReadmitted', groupId: g, nodeId: 2 }])[0], 'replicaReadmitted');
    outcome(applyAll(state, [{ type: 'replicaReadmitted', groupId: 0, nodeId: 2 }])[0], 'replicaReadmitted');
    expect(state.reconfiguring()).toEqual([]);
    expect(state.controllerResyncing()).toEqual([]);
    expect(state.groupsToRun(2).map((p) => p.groupId)).toEqual(held);
  });

  it('a node that predates incarnations records its first one without a resync; another incarnation without lost data is a resync', () => {
    const state = new MetadataState();
    registerNodes(state, 2);
    applyAll(state, [{ type: 'createTopic', name: 't', partitions: 1, replicationFactor: 2, config: {} }]);
    const first = outcome(applyAll(state, [{ type: 'registerNode', nodeId: 1, host: 'node1:9092', peerAddress: 'node1:9093', incarnation: 'aa' }])[0], 'registerNode');
    expect(first).toMatchObject({ changed: true, resynced: false });
    expect(state.reconfiguring()).toEqual([]);
    const other = outcome(applyAll(state, [{ type: 'registerNode', nodeId: 1, host: 'node1:9092', peerAddress: 'node1:9093', incarnation: 'cc' }])[0], 'registerNode');
    expect(other.resynced).toBe(true);
    expect(state.partition('t', 0)!.resyncing).toEqual([1]);
  });

  it('a replica found damaged is resynced on its own; a removal is recorded only for a replica being moved off', () => {
    const state = new MetadataState();
    registerNodes(state, 3);
    applyAll(state, [{ type: 'createTopic', name: 't', partitions: 1, replicationFactor: 3, config: {} }]);
    const g = state.partition('t', 0)!.groupId;
    expect(outcome(applyAll(state, [{ type: 'resyncReplica', groupId: g, nodeId: 3 }])[0], 'resyncReplica').changed).toBe(true);
    expect(state.partition('t', 0)).toMatchObject({ resyncing: [3], reconfigured: true });
    const refused = applyAll(state, [{ type: 'replicaRemoved', groupId: g, nodeId: 3 }])[0];
    expect(refused.ok ? '' : refused.error.message).toMatch(/node 3 is a target replica of t-0/);
    const unknown = applyAll(state, [{ type: 'resyncReplica', groupId: g + 5, nodeId: 3 }])[0];
    expect(unknown.ok ? '' : unknown.error.code).toBe('UNKNOWN_PARTITION');
  });

  it('a node holding no replicas can be unregistered, and is then no longer assigned any', () => {
    const state = new MetadataState();
    registerNodes(state, 3);
    applyAll(state, [{ type: 'createTopic', name: 't', partitions: 1, replicationFactor: 1, config: {} }]);
    const holder = state.partition('t', 0)!.replicas[0];
    const other = [1, 2, 3].find((n) => n !== holder)!;
    outcome(applyAll(state, [{ type: 'setPartitionReplicas', topic: 't', partition: 0, replicas: [other] }])[0], 'setPartitionReplicas');
    // Still a member of the group until its leader removed it.
    const early = applyAll(state, [{ type: 'unregisterNode', nodeId: holder }])[0];
    expect(early.ok ? '' : early.error.code).toBe('NODE_HAS_REPLICAS');
    outcome(applyAll(state, [{ type: 'replicaRemoved', groupId: state.partition('t', 0)!.groupId, nodeId: holder }])[0], 'replicaRemoved');
    outcome(applyAll(state, [{ type: 'unregisterNode', nodeId: holder }])[0], 'unregisterNode');
    expect(state.nodeIds()).not.toContain(holder);
    expect(state.retiredNodes()).toEqual([holder]); // it gives up its metadata-group seat
    applyAll(state, [{ type: 'createTopic', name: 'u', partitions: 6, replicationFactor: 2, config: {} }]);
    expect(state.topic('u')!.partitions.flatMap((p) => p.replicas)).not.toContain(holder);
    applyAll(state, [{ type: 'registerNode', nodeId: holder, host: 'back:1', peerAddress: 'back:2' }]);
    expect(state.retiredNodes()).toEqual([]);
  });

  it('reassigning a partition changes its replicas and preferred leader only, and reports the previous replicas', () => {
    const state = new MetadataState();
    registerNodes(state, 4);
    applyAll(state, [{ type: 'createTopic', name: 't', partitions: 2, replicationFactor: 2, config: {} }]);
    const before = state.partition('t', 0)!;
    const other = state.partition('t', 1);
    const moved = outcome(applyAll(state, [{ type: 'setPartitionReplicas', topic: 't', partition: 0, replicas: [4, 3, 1] }])[0], 'setPartitionReplicas');
    expect(moved.previous).toEqual(before.replicas);
    // Node 2 (if it held a replica) stays a member until the group's leader removed it.
    expect(state.partition('t', 0)).toEqual({ ...before, replicas: [4, 3, 1], removing: before.replicas.filter((n) => ![4, 3, 1].includes(n)), reconfigured: true });
    expect(state.partition('t', 1)).toBe(other);
  });

  it('an anonymous producer gets a fresh id; a named one keeps its id and bumps its epoch, moving to a fresh id past epoch 32767 (an int16 in record batches)', () => {
    const state = new MetadataState();
    const ids = applyAll(state, [
      { type: 'initProducer', producerName: '' },
      { type: 'initProducer', producerName: '' },
      { type: 'initProducer', producerName: 'app' },
      { type: 'initProducer', producerName: 'app' },
    ]).map((r) => outcome(r, 'initProducer'));
    expect(ids.map((o) => [o.producerId, o.producerEpoch])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [3, 1],
    ]);
    const bumps = applyAll(state, Array.from({ length: 32_766 }, () => ({ type: 'initProducer' as const, producerName: 'app' })));
    expect(outcome(bumps[bumps.length - 1], 'initProducer')).toMatchObject({ producerId: 3, producerEpoch: 32_767 });
    const next = outcome(applyAll(state, [{ type: 'initProducer', producerName: 'app' }])[0], 'initProducer');
    expect(next).toEqual({ type: 'initProducer', producerId: 4, producerEpoch: 0 });
    expect(state.producer('app')).toEqual({ producerId: 4, producerEpoch: 0 });
  });

  it('a named producer bumps its epoch from the id and epoch it holds only while the name is still there: a fenced instance cannot take it back', () => {
    const state = new MetadataState();
    const [x, y] = applyAll(state, [
      { type: 'initProducer', producerName: 'app' },
      { type: 'initProducer', producerName: 'app' },
    ]).map((r) => outcome(r, 'initProducer'));
    expect([x.producerEpoch, y.producerEpoch]).toEqual([0, 1]);
    // X (epoch 0) gave up a batch and asks for its next epoch: the name has moved on to Y.
    const [refused] = applyAll(state, [{ type: 'initProducer', producerName: 'app', current: { producerId: x.producerId, producerEpoch: 0 } }]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'PRODUCER_FENCED' } });
    expect(refused.ok === false && refused.error.message).toMatch(/name is at id 1 epoch 1: a newer instance took it over/);
    expect(state.producer('app')).toEqual({ producerId: y.producerId, producerEpoch: 1 });
    // Y, the current holder, gets its next epoch.
    const [bumped] = applyAll(state, [{ type: 'initProducer', producerName: 'app', current: { producerId: y.producerId, producerEpoch: 1 } }]);
    expect(outcome(bumped, 'initProducer')).toEqual({ type: 'initProducer', producerId: y.producerId, producerEpoch: 2 });
  });

  it('objects handed out are frozen, so no caller can change the replicated state by mistake', () => {
    const state = new MetadataState();
    registerNodes(state, 2);
    applyAll(state, [{ type: 'createTopic', name: 't', partitions: 1, replicationFactor: 2, config: { 'retention.ms': '5' } }]);
    const topic = state.topic('t')!;
    expect(Object.isFrozen(topic) && Object.isFrozen(topic.partitions) && Object.isFrozen(topic.config)).toBe(true);
    expect(Object.isFrozen(topic.partitions[0]) && Object.isFrozen(topic.partitions[0].replicas)).toBe(true);
    expect(Object.isFrozen(state.node(1))).toBe(true);
  });

  it('no-op entries and membership changes of the controller group only advance the applied index', () => {
    const state = new MetadataState();
    const before = state.image();
    expect(state.applyEntry({ term: 1, index: 1, type: EntryType.Normal, data: new Uint8Array(0) })).toEqual({ ok: true, index: 1, outcome: { type: 'noop' } });
    expect(state.applyEntry({ term: 1, index: 2, type: EntryType.ConfChange, data: Uint8Array.of(1, 2, 3) })).toEqual({ ok: true, index: 2, outcome: { type: 'noop' } });
    expect(state.image()).toEqual({ ...before, appliedIndex: 2 });
  });

  it('entries applied out of order or twice are a host bug and throw without changing the state', () => {
    const state = new MetadataState();
    const data = encodeCommand({ type: 'initCluster', clusterId: 'c' });
    state.applyEntry({ term: 1, index: 1, type: EntryType.Normal, data });
    expect(() => state.applyEntry({ term: 1, index: 1, type: EntryType.Normal, data })).toThrow(/entry index 1 applied after index 1/);
    expect(() => state.applyEntry({ term: 1, index: 3, type: EntryType.Normal, data })).toThrow(/entry index 3 applied after index 1/);
    expect(state.appliedIndex).toBe(1);
  });

  it('a snapshot stored at another index than the state it holds is refused', () => {
    const state = new MetadataState();
    applyAll(state, [{ type: 'initCluster', clusterId: 'c' }]);
    expect(() => new MetadataState().restore({ metadata: { index: 5, term: 1, conf: { voters: [1], learners: [] } }, data: state.snapshot() })).toThrow(
      expect.objectContaining({ code: 'CORRUPT_SNAPSHOT', message: expect.stringMatching(/state at index 1 but is stored as the snapshot at index 5/) }),
    );
  });

  it('the cluster description lists nodes by id with the cluster id and counts', () => {
    const state = new MetadataState();
    applyAll(state, [
      { type: 'registerNode', nodeId: 3, host: 'c:1', peerAddress: 'c:2' },
      { type: 'registerNode', nodeId: 1, host: 'a:1', peerAddress: 'a:2' },
      { type: 'initCluster', clusterId: 'blue' },
      { type: 'createTopic', name: 'zeta', partitions: 2, replicationFactor: 1, config: {} },
      { type: 'createTopic', name: 'alpha', partitions: 1, replicationFactor: 2, config: {} },
    ]);
    expect(state.clusterId).toBe('blue');
    expect(state.appliedIndex).toBe(5);
    expect(state.livePartitions()).toHaveLength(3);
    expect(state.deletedPartitions()).toEqual([]);
    expect(state.nodes().map((n) => n.id)).toEqual([1, 3]);
    expect(state.listTopics()).toEqual([
      { id: 2, name: 'alpha', partitions: 1, replicationFactor: 2 },
      { id: 1, name: 'zeta', partitions: 2, replicationFactor: 1 },
    ]);
  });
});
