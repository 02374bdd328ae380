import fc from 'fast-check';
import { type Entry, EntryType } from '../../raft';
import { encodeCommand } from './command-codec';
import type { MetadataState } from './metadata-state';
import type { Command, CommandResult } from './types';

/**
 * fast-check generators for the metadata tests: command sequences over small pools of node ids,
 * topic names, config values and producer names, so that commands collide (existing topics,
 * address conflicts, replicas on unknown nodes) as often as they succeed.
 */

const nodeId = fc.integer({ min: 1, max: 6 });
const topicName = fc.constantFrom('orders', 'payments', 'logs', 'a.b', 'x_y-z', '..', 'bad name');
const address = (base: number) => fc.integer({ min: 1, max: 8 }).map((i) => `10.0.0.${i}:${base}`);

const configValue: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constant('retention.ms'), fc.constantFrom('-1', '0', '1000', '604800000', 'soon')),
  fc.tuple(fc.constant('retention.bytes'), fc.constantFrom('-1', '1048576', '-2')),
  fc.tuple(fc.constant('max.message.bytes'), fc.constantFrom('1', '1048576', '67108865')),
  fc.tuple(fc.constant('cleanup.policy'), fc.constantFrom('delete', 'compact', 'compact,delete', 'purge')),
  fc.tuple(fc.constant('min.insync.replicas'), fc.constantFrom('1', '2', '3')),
  fc.tuple(fc.constant('segment.bytes'), fc.constantFrom('1048576', '100')),
  fc.tuple(fc.constant('segment.ms'), fc.constantFrom('3600000', '10')),
  fc.tuple(fc.constant('replica.lag.time.max.ms'), fc.constantFrom('30000', '100')),
  fc.tuple(fc.constant('replica.lag.max.records'), fc.constantFrom('100000', '0', '-5')),
  fc.tuple(fc.constant('compression.type'), fc.constant('lz4')),
);
const config = fc.array(configValue, { maxLength: 3 }).map((kvs) => Object.fromEntries(kvs));

export const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ type: fc.constant('registerNode' as const), nodeId, host: address(9092), peerAddress: address(9093) }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('unregisterNode' as const), nodeId }) },
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('createTopic' as const),
      name: topicName,
      partitions: fc.integer({ min: 0, max: 8 }),
      replicationFactor: fc.integer({ min: 0, max: 4 }),
      config,
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('deleteTopic' as const), name: topicName }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('setPartitionReplicas' as const),
      topic: topicName,
      partition: fc.integer({ min: -1, max: 4 }),
      replicas: fc.array(nodeId, { maxLength: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('purgeTopic' as const), topicId: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('initProducer' as const), producerName: fc.constantFrom('', 'app-1', 'app-2') }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('initProducer' as const),
      producerName: fc.constantFrom('app-1', 'app-2'),
      current: fc.record({ producerId: fc.integer({ min: 1, max: 4 }), producerEpoch: fc.integer({ min: 0, max: 3 }) }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('initCluster' as const), clusterId: fc.constantFrom('c1', 'c2', 'bad id') }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('registerNode' as const),
      nodeId,
      host: address(9092),
      peerAddress: address(9093),
      incarnation: fc.constantFrom('', 'a1', 'b2', 'NOT HEX'),
      lostData: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constantFrom('resyncReplica' as const, 'replicaReadmitted' as const, 'replicaRemoved' as const),
      groupId: fc.integer({ min: 0, max: 12 }),
      nodeId,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('addPartitions' as const), name: topicName, partitions: fc.integer({ min: 0, max: 12 }) }),
  },
);

/** Commands, with now and then a leader's no-op entry (null). */
export const commandsArb = (maxLength = 60): fc.Arbitrary<(Command | null)[]> =>
  fc.array(fc.option(commandArb, { freq: 12, nil: null }), { minLength: 1, maxLength });

export function entryOf(index: number, command: Command | null): Entry {
  return { term: 1, index, type: EntryType.Normal, data: command === null ? new Uint8Array(0) : encodeCommand(command) };
}

/** Applies commands as committed entries after the state's applied index; returns the results. */
export function applyAll(state: MetadataState, commands: readonly (Command | null)[]): CommandResult[] {
  return commands.map((c) => state.applyEntry(entryOf(state.appliedIndex + 1, c)));
}

/** Registers nodes 1..n with distinct addresses. */
export function registerNodes(state: MetadataState, n: number): void {
  for (let id = 1; id <= n; id++) {
    const r = applyAll(state, [{ type: 'registerNode', nodeId: id, host: `node${id}:9092`, peerAddress: `node${id}:9093` }])[0];
    if (!r.ok) throw r.error;
  }
}
