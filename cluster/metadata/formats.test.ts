import { describe, expect, it } from 'vitest';
import { decodeCommand, encodeCommand } from './command-codec';
import { decodeSnapshot, encodeSnapshot, type MetadataImage } from './snapshot-codec';
import type { Command } from './types';

/**
 * Controller commands (the metadata group's Raft log) and snapshots, as bytes: pinned to what
 * earlier versions wrote (the hex was taken from them), so an existing controller log and its
 * snapshots read back and a format change fails here first.
 */
const commands: ReadonlyArray<[Command, string]> = [
  [{ type: 'registerNode', nodeId: 3, host: '127.0.0.3:7001', peerAddress: '127.0.0.3:7101' }, '01014008000000000000000e3132372e302e302e333a37303031000e3132372e302e302e333a37313031'],
  [
    { type: 'createTopic', name: 'orders', partitions: 3, replicationFactor: 3, config: { 'retention.ms': '1000', 'max.message.bytes': '2048' } },
    '010300066f7264657273400800000000000040080000000000000000000200116d61782e6d6573736167652e62797465' +
    '73000432303438000c726574656e74696f6e2e6d73000431303030',
  ],
  [{ type: 'setPartitionReplicas', topic: 'orders', partition: 2, replicas: [1, 3] }, '010600066f72646572734000000000000000000000023ff00000000000004008000000000000'],
  [{ type: 'purgeTopic', topicId: 2 ** 40 }, '01074270000000000000'],
  [{ type: 'initProducer', producerName: 'prod' }, '0108000470726f64'],
  [{ type: 'initProducer', producerName: 'prod', current: { producerId: 2 ** 41, producerEpoch: 7 } }, '010a000470726f644280000000000000401c000000000000'],
  [{ type: 'initCluster', clusterId: 'c-1' }, '01090003632d31'],
  [{ type: 'deleteTopic', name: 'ünïcode' }, '01040009c3bc6ec3af636f6465'],
  [{ type: 'unregisterNode', nodeId: 9 }, '01024022000000000000'],
  [
    { type: 'registerNode', nodeId: 3, host: '127.0.0.3:7001', peerAddress: '127.0.0.3:7101', incarnation: '9f00', lostData: true },
    '01144008000000000000000e3132372e302e302e333a37303031000e3132372e302e302e333a3731303100043966303001',
  ],
  [{ type: 'resyncReplica', groupId: 7, nodeId: 2 }, '0115401c0000000000004000000000000000'],
  [{ type: 'replicaReadmitted', groupId: 0, nodeId: 2 }, '011600000000000000004000000000000000'],
  [{ type: 'replicaRemoved', groupId: 7, nodeId: 4 }, '0117401c0000000000004010000000000000'],
  [{ type: 'addPartitions', name: 'orders', partitions: 6 }, '010b00066f72646572734018000000000000'],
];

const image: MetadataImage = {
  appliedIndex: 2 ** 40 + 5,
  clusterId: 'cl',
  nextTopicId: 3,
  nextGroupId: 7,
  nextProducerId: 2 ** 41,
  nodes: [{ id: 1, host: 'a:1', peerAddress: 'a:2', registeredIndex: 4, incarnation: '' }],
  topics: [
    {
      id: 2,
      name: 't',
      replicationFactor: 1,
      config: { 'retention.ms': '5' },
      createdIndex: 6,
      deletedIndex: 0,
      partitions: [{ topicId: 2, topic: 't', partition: 0, groupId: 6, replicas: [1], deleted: false, removing: [], resyncing: [], reconfigured: false }],
    },
  ],
  producers: [{ name: 'p', producerId: 2 ** 41 - 1, producerEpoch: 2 }],
  controllerResyncing: [],
  retiredNodes: [],
};
/** The same state with a membership change in flight and a node's incarnation, as version 2 writes it. */
const imageV2: MetadataImage = {
  ...image,
  nodes: [{ id: 1, host: 'a:1', peerAddress: 'a:2', registeredIndex: 4, incarnation: '0a1b' }],
  topics: [{ ...image.topics[0], partitions: [{ ...image.topics[0].partitions[0], replicas: [1], removing: [2], resyncing: [1], reconfigured: true }] }],
  controllerResyncing: [3],
  retiredNodes: [5],
};
const SNAPSHOT_V2 =
  '464d440242700000000050000002636c4008000000000000401c0000000000004280000000000000000000013ff00000' +
  '000000000003613a310003613a3240100000000000000004306131620000000140000000000000000001743ff0000000' +
  '0000004018000000000000000000000000000000000001000c726574656e74696f6e2e6d730001350000000140180000' +
  '00000000000000013ff0000000000000000000014000000000000000000000013ff00000000000000100000001000170' +
  '427ffffffffff0004000000000000000000000014008000000000000000000014014000000000000';
/** Version 1 (before incarnations and membership changes): still read. */
const SNAPSHOT_V1 =
  '464d440142700000000050000002636c4008000000000000401c0000000000004280000000000000000000013ff00000' +
  '000000000003613a310003613a3240100000000000000000000140000000000000000001743ff0000000000000401800' +
  '0000000000000000000000000000000001000c726574656e74696f6e2e6d730001350000000140180000000000000000' +
  '00013ff000000000000000000001000170427ffffffffff0004000000000000000';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the controller formats', () => {
  it('every kind of command is the bytes earlier versions wrote, and reads back', () => {
    for (const [command, bytes] of commands) {
      expect(hex(encodeCommand(command)), command.type).toBe(bytes);
      expect(decodeCommand(Buffer.from(bytes, 'hex')), command.type).toEqual(command);
    }
  });

  it('a snapshot is the bytes earlier versions wrote, and reads back', () => {
    expect(hex(encodeSnapshot(imageV2))).toBe(SNAPSHOT_V2);
    expect(decodeSnapshot(Buffer.from(SNAPSHOT_V2, 'hex'))).toEqual(imageV2);
    expect(decodeSnapshot(encodeSnapshot(image))).toEqual(image);
  });

  it('a version 1 snapshot reads as no incarnations and no membership change in flight', () => {
    expect(decodeSnapshot(Buffer.from(SNAPSHOT_V1, 'hex'))).toEqual(image);
  });
});
