import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyAll, commandsArb, registerNodes } from './arbitraries';
import type { MetadataErrorCode } from './errors';
import { MetadataState } from './metadata-state';
import { TOPIC_CONFIG_KEYS, resolveTopicConfig } from './topic-config';
import type { Command } from './types';

/** Three nodes and topic "orders" (4 partitions, replication factor 3, retention.ms=1000), a deleted topic "gone" (id 2). */
function fixture(): MetadataState {
  const state = new MetadataState();
  registerNodes(state, 3);
  const results = applyAll(state, [
    { type: 'createTopic', name: 'orders', partitions: 4, replicationFactor: 3, config: { 'retention.ms': '1000' } },
    { type: 'createTopic', name: 'gone', partitions: 1, replicationFactor: 1, config: {} },
    { type: 'deleteTopic', name: 'gone' },
    { type: 'initCluster', clusterId: 'prod-1' },
  ]);
  for (const r of results) if (!r.ok) throw r.error;
  return state;
}

const create = (over: Partial<Extract<Command, { type: 'createTopic' }>>): Command => ({
  type: 'createTopic',
  name: 'fresh',
  partitions: 3,
  replicationFactor: 2,
  config: {},
  ...over,
});

/** [what is wrong, command, expected code, what the message must say] */
const REFUSALS: [string, Command, MetadataErrorCode, RegExp][] = [
  ['an empty topic name', create({ name: '' }), 'INVALID_TOPIC_NAME', /empty.*1 to 249/],
  ['the name "."', create({ name: '.' }), 'INVALID_TOPIC_NAME', /"\." is not allowed/],
  ['the name ".."', create({ name: '..' }), 'INVALID_TOPIC_NAME', /"\.\." is not allowed/],
  ['a space in the name', create({ name: 'my topic' }), 'INVALID_TOPIC_NAME', /" " at position 2.*letters, digits/],
  ['a slash in the name', create({ name: 'a/b' }), 'INVALID_TOPIC_NAME', /"\/" at position 1/],
  ['a non-ASCII letter in the name', create({ name: 'café' }), 'INVALID_TOPIC_NAME', /"é" at position 3/],
  ['a 250-character name', create({ name: 'x'.repeat(250) }), 'INVALID_TOPIC_NAME', /250 characters long; the limit is 249/],
  ['an existing topic name', create({ name: 'orders' }), 'TOPIC_EXISTS', /topic "orders" already exists/],
  ['0 partitions', create({ partitions: 0 }), 'INVALID_PARTITIONS', /partition count 0 of topic "fresh" is not an integer in 1\.\.10000/],
  ['10,001 partitions', create({ partitions: 10_001 }), 'INVALID_PARTITIONS', /partition count 10001 .* 1\.\.10000/],
  ['1.5 partitions', create({ partitions: 1.5 }), 'INVALID_PARTITIONS', /partition count 1\.5/],
  ['NaN partitions', create({ partitions: NaN }), 'INVALID_PARTITIONS', /partition count NaN/],
  ['replication factor 0', create({ replicationFactor: 0 }), 'INVALID_REPLICATION_FACTOR', /replication factor 0 of topic "fresh" is not an integer >= 1/],
  ['replication factor 4 on 3 nodes', create({ replicationFactor: 4 }), 'NOT_ENOUGH_REPLICAS', /replication factor 4 .* needs 4 nodes but 3 are registered \(1, 2, 3\)/],
  ['an unknown config key', create({ config: { 'compression.type': 'lz4' } }), 'INVALID_CONFIG', new RegExp(`unknown config key "compression.type".*known keys are ${TOPIC_CONFIG_KEYS.join(', ')}`)],
  ['retention.ms=0', create({ config: { 'retention.ms': '0' } }), 'INVALID_CONFIG', /retention\.ms="0" of topic "fresh" is not valid: it must be -1 \(no limit\) or an integer >= 1/],
  ['retention.ms=-2', create({ config: { 'retention.ms': '-2' } }), 'INVALID_CONFIG', /retention\.ms="-2"/],
  ['retention.ms that is not a number', create({ config: { 'retention.ms': '7d' } }), 'INVALID_CONFIG', /retention\.ms="7d"/],
  ['retention.bytes=0', create({ config: { 'retention.bytes': '0' } }), 'INVALID_CONFIG', /retention\.bytes="0".*-1 \(no limit\) or an integer >= 1/],
  ['max.message.bytes=0', create({ config: { 'max.message.bytes': '0' } }), 'INVALID_CONFIG', /max\.message\.bytes="0".*1\.\.67108864 \(64 MiB\)/],
  ['max.message.bytes over 64 MiB', create({ config: { 'max.message.bytes': '67108865' } }), 'INVALID_CONFIG', /max\.message\.bytes="67108865"/],
  ['cleanup.policy=compacted', create({ config: { 'cleanup.policy': 'compacted' } }), 'INVALID_CONFIG', /cleanup\.policy="compacted".*"delete", "compact" or "compact,delete"/],
  ['cleanup.policy=compact,compact', create({ config: { 'cleanup.policy': 'compact,compact' } }), 'INVALID_CONFIG', /cleanup\.policy="compact,compact"/],
  ['min.cleanable.dirty.ratio=1.5', create({ config: { 'min.cleanable.dirty.ratio': '1.5' } }), 'INVALID_CONFIG', /min\.cleanable\.dirty\.ratio="1\.5".*a number in 0\.\.1/],
  ['delete.retention.ms=-1', create({ config: { 'delete.retention.ms': '-1' } }), 'INVALID_CONFIG', /delete\.retention\.ms="-1"/],
  ['min.compaction.lag.ms above max.compaction.lag.ms', create({ config: { 'min.compaction.lag.ms': '5000', 'max.compaction.lag.ms': '4000' } }), 'INVALID_CONFIG', /min\.compaction\.lag\.ms=5000.*above max\.compaction\.lag\.ms=4000/],
  ['min.insync.replicas above the replication factor', create({ config: { 'min.insync.replicas': '3' } }), 'INVALID_CONFIG', /min\.insync\.replicas="3".*1\.\.2 \(the replication factor\)/],
  ['min.insync.replicas=0', create({ config: { 'min.insync.replicas': '0' } }), 'INVALID_CONFIG', /min\.insync\.replicas="0"/],
  ['replica.lag.time.max.ms below half a second', create({ config: { 'replica.lag.time.max.ms': '499' } }), 'INVALID_CONFIG', /replica\.lag\.time\.max\.ms="499" of topic "fresh" is not valid: it must be an integer in 500\.\.86400000/],
  ['replica.lag.time.max.ms above a day', create({ config: { 'replica.lag.time.max.ms': '86400001' } }), 'INVALID_CONFIG', /replica\.lag\.time\.max\.ms="86400001".*500\.\.86400000/],
  ['replica.lag.max.records=-1', create({ config: { 'replica.lag.max.records': '-1' } }), 'INVALID_CONFIG', /replica\.lag\.max\.records="-1" of topic "fresh" is not valid: it must be an integer in 0\.\.1000000000/],
  ['replica.lag.max.records that is not a number', create({ config: { 'replica.lag.max.records': 'many' } }), 'INVALID_CONFIG', /replica\.lag\.max\.records="many"/],
  ['segment.bytes below 1 KiB', create({ config: { 'segment.bytes': '1023' } }), 'INVALID_CONFIG', /segment\.bytes="1023".*1024\.\.1073741824/],
  ['segment.ms below one second', create({ config: { 'segment.ms': '999' } }), 'INVALID_CONFIG', /segment\.ms="999".*>= 1000/],
  ['message.timestamp.type not one of its two values', create({ config: { 'message.timestamp.type': 'createtime' } }), 'INVALID_CONFIG', /message\.timestamp\.type="createtime".*"CreateTime".*"LogAppendTime"/],
  ['a number with a plus sign', create({ config: { 'retention.bytes': '+5' } }), 'INVALID_CONFIG', /retention\.bytes="\+5"/],
  ['deleting an unknown topic', { type: 'deleteTopic', name: 'nope' }, 'UNKNOWN_TOPIC', /unknown topic "nope"/],
  ['deleting a deleted topic', { type: 'deleteTopic', name: 'gone' }, 'UNKNOWN_TOPIC', /unknown topic "gone"/],
  ['reassigning a partition that does not exist', { type: 'setPartitionReplicas', topic: 'orders', partition: 4, replicas: [1] }, 'UNKNOWN_PARTITION', /topic "orders" has no partition 4 \(its partitions are 0\.\.3\)/],
  ['reassigning partition -1', { type: 'setPartitionReplicas', topic: 'orders', partition: -1, replicas: [1] }, 'UNKNOWN_PARTITION', /no partition -1/],
  ['no replicas', { type: 'setPartitionReplicas', topic: 'orders', partition: 0, replicas: [] }, 'INVALID_REPLICAS', /orders-0: a partition needs at least one replica/],
  ['a node twice', { type: 'setPartitionReplicas', topic: 'orders', partition: 0, replicas: [1, 2, 1] }, 'INVALID_REPLICAS', /\[1, 2, 1\] of orders-0: a node appears twice/],
  ['replica node id 0', { type: 'setPartitionReplicas', topic: 'orders', partition: 0, replicas: [0, 1] }, 'INVALID_REPLICAS', /0 is not a node id/],
  ['an unregistered replica', { type: 'setPartitionReplicas', topic: 'orders', partition: 0, replicas: [1, 9] }, 'UNKNOWN_NODE', /node\(s\) 9 are not registered \(registered: 1, 2, 3\)/],
  ['node id 0', { type: 'registerNode', nodeId: 0, host: 'h:1', peerAddress: 'h:2' }, 'INVALID_NODE', /node id 0 is not an integer in 1\.\.4294967295/],
  ['an address without a port', { type: 'registerNode', nodeId: 4, host: 'h', peerAddress: 'h:2' }, 'INVALID_NODE', /node 4 client address "h" is not a valid host:port address: there is no ":port"/],
  ['port 0', { type: 'registerNode', nodeId: 4, host: 'h:1', peerAddress: 'h:0' }, 'INVALID_NODE', /node 4 peer address "h:0".*port "0" is not in 1\.\.65535/],
  ['an IPv6 host without brackets', { type: 'registerNode', nodeId: 4, host: '::1:80', peerAddress: 'h:2' }, 'INVALID_NODE', /IPv6 host must be in brackets/],
  ['another node\'s address', { type: 'registerNode', nodeId: 4, host: 'node2:9092', peerAddress: 'n4:9093' }, 'NODE_ADDRESS_IN_USE', /node 4 cannot register address node2:9092: node 2 is registered with it/],
  ['unregistering an unknown node', { type: 'unregisterNode', nodeId: 8 }, 'UNKNOWN_NODE', /node 8 is not registered/],
  ['unregistering a node that holds replicas', { type: 'unregisterNode', nodeId: 2 }, 'NODE_HAS_REPLICAS', /node 2 still holds replicas of 4 partition\(s\) \(orders-0, orders-1, orders-2, orders-3\)/],
  ['purging a live topic', { type: 'purgeTopic', topicId: 1 }, 'TOPIC_NOT_DELETED', /topic "orders" \(id 1\) is live/],
  ['purging an unknown topic id', { type: 'purgeTopic', topicId: 77 }, 'UNKNOWN_TOPIC', /no topic with id 77/],
  ['a 250-character producer name', { type: 'initProducer', producerName: 'p'.repeat(250) }, 'INVALID_PRODUCER_NAME', /250 characters long; the limit is 249/],
  ['shrinking a topic', { type: 'addPartitions', name: 'orders', partitions: 2 }, 'INVALID_PARTITIONS', /topic "orders" currently has 4 partitions, which is higher than the requested 2; partitions can only be added/],
  ['growing a topic to its own count', { type: 'addPartitions', name: 'orders', partitions: 4 }, 'INVALID_PARTITIONS', /topic "orders" already has 4 partitions; ask for more than 4/],
  ['growing a topic past 10,000 partitions', { type: 'addPartitions', name: 'orders', partitions: 10_001 }, 'INVALID_PARTITIONS', /partition count 10001 of topic "orders" is not an integer in 1\.\.10000/],
  ['growing a topic to 4.5 partitions', { type: 'addPartitions', name: 'orders', partitions: 4.5 }, 'INVALID_PARTITIONS', /partition count 4\.5/],
  ['growing an unknown topic', { type: 'addPartitions', name: 'nope', partitions: 8 }, 'UNKNOWN_TOPIC', /unknown topic "nope"/],
  ['growing a deleted topic', { type: 'addPartitions', name: 'gone', partitions: 8 }, 'UNKNOWN_TOPIC', /unknown topic "gone"/],
  ['another cluster id', { type: 'initCluster', clusterId: 'prod-2' }, 'CLUSTER_ID_MISMATCH', /this cluster's id is prod-1, not prod-2/],
  ['a cluster id with a space', { type: 'initCluster', clusterId: 'a b' }, 'INVALID_CLUSTER_ID', /cluster id "a b" is not 1 to 64 characters/],
];

describe('validation', () => {
  it.each(REFUSALS)('refuses %s with its code and a message naming the problem', (_what, command, code, message) => {
    const state = fixture();
    const checked = state.check(command);
    expect(checked?.code).toBe(code);
    expect(checked?.message).toMatch(message);
    const before = state.image();
    const [result] = applyAll(state, [command]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message).toBe(checked?.message);
    }
    // A refusal changes nothing but the applied index.
    expect({ ...state.image(), appliedIndex: 0 }).toEqual({ ...before, appliedIndex: 0 });
  });

  it.each<[string, Command]>([
    ['a 249-character name', create({ name: 'x'.repeat(249) })],
    ['every allowed character', create({ name: 'a.b_c-D9' })],
    ['the name of a deleted topic', create({ name: 'gone' })],
    ['10,000 partitions', create({ partitions: 10_000 })],
    ['replication factor equal to the node count', create({ replicationFactor: 3 })],
    ['the in-sync settings at their lower limits', create({ config: { 'replica.lag.time.max.ms': '500', 'replica.lag.max.records': '0' } })],
    ['the in-sync settings at their upper limits', create({ config: { 'replica.lag.time.max.ms': '86400000', 'replica.lag.max.records': '1000000000' } })],
    ['every known key at a limit', create({ config: { 'retention.ms': '-1', 'retention.bytes': '1', 'max.message.bytes': '67108864', 'cleanup.policy': 'compact', 'min.insync.replicas': '2', 'segment.bytes': '1024', 'segment.ms': '1000' } })],
    ['an IPv6 address', { type: 'registerNode', nodeId: 4, host: '[::1]:9092', peerAddress: '[::1]:9093' }],
    ['a node re-registering its own address', { type: 'registerNode', nodeId: 2, host: 'node2:9092', peerAddress: 'node2:9093' }],
    ['the same cluster id again', { type: 'initCluster', clusterId: 'prod-1' }],
    ['growing a topic by one partition', { type: 'addPartitions', name: 'orders', partitions: 5 }],
    ['growing a topic to 10,000 partitions', { type: 'addPartitions', name: 'orders', partitions: 10_000 }],
  ])('accepts %s', (_what, command) => {
    const state = fixture();
    expect(state.check(command)).toBeUndefined();
    const [result] = applyAll(state, [command]);
    expect(result.ok).toBe(true);
  });

  it('check() refuses exactly the commands that apply refuses, with the same error', () => {
    fc.assert(
      fc.property(commandsArb(), (commands) => {
        const state = new MetadataState();
        for (const c of commands) {
          const checked = c === null ? undefined : state.check(c);
          const [result] = applyAll(state, [c]);
          expect(result.ok ? undefined : { code: result.error.code, message: result.error.message }).toEqual(
            checked && { code: checked.code, message: checked.message },
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  it('config values are stored in canonical form and unset keys resolve to the defaults', () => {
    const state = fixture();
    applyAll(state, [create({ name: 'canon', config: { 'retention.bytes': '007', 'cleanup.policy': 'delete, compact', 'message.timestamp.type': 'LogAppendTime', 'min.cleanable.dirty.ratio': '.25' } })]);
    expect(state.topic('canon')!.config).toEqual({ 'cleanup.policy': 'compact,delete', 'message.timestamp.type': 'LogAppendTime', 'min.cleanable.dirty.ratio': '0.25', 'retention.bytes': '7' });
    expect(state.topicConfig('canon')).toEqual({
      retentionMs: 604_800_000,
      retentionBytes: 7,
      maxMessageBytes: 1024 * 1024,
      cleanupPolicy: 'compact,delete',
      compaction: { deleteRetentionMs: 86_400_000, minCompactionLagMs: 0, maxCompactionLagMs: Number.MAX_SAFE_INTEGER, minCleanableDirtyRatio: 0.25 },
      minInsyncReplicas: 1,
      replicaLagTimeMaxMs: 30_000,
      replicaLagMaxRecords: 100_000,
      segmentBytes: 16 * 1024 * 1024,
      segmentMs: 3_600_000,
      timestampType: 'logAppend',
    });
    expect(resolveTopicConfig({})).toEqual({
      ...state.topicConfig('canon'),
      retentionBytes: -1,
      cleanupPolicy: 'delete',
      compaction: { ...state.topicConfig('canon')!.compaction, minCleanableDirtyRatio: 0.5 },
      timestampType: 'create',
    });
  });
});
