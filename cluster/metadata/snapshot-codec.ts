import type { NodeId } from '../../raft';
import { MetadataError } from './errors';
import type { ConfigMap, NodeInfo, PartitionInfo, TopicInfo } from './types';
import { MAX_NODE_ID } from './validation';
import { Reader, WireError, Writer } from './wire';

/** A named producer's current id and epoch. */
export interface ProducerRecord {
  readonly name: string;
  readonly producerId: number;
  readonly producerEpoch: number;
}

/** Everything the controller state holds, in canonical order (nodes, topics by id; producers by name). */
export interface MetadataImage {
  readonly appliedIndex: number;
  readonly clusterId: string;
  readonly nextTopicId: number;
  readonly nextGroupId: number;
  readonly nextProducerId: number;
  readonly nodes: readonly NodeInfo[];
  readonly topics: readonly TopicInfo[];
  readonly producers: readonly ProducerRecord[];
}

/**
 * Snapshot format: magic "FMD" | version u8 (1) | appliedIndex | clusterId | nextTopicId |
 * nextGroupId | nextProducerId | nodes | topics | producers (primitives as in wire.ts). A partition
 * is its group id and replicas; its number is its position and its deleted flag the topic's.
 * The bytes depend only on the state, so equal states have equal snapshots.
 */
const MAGIC = [0x46, 0x4d, 0x44];
export const SNAPSHOT_VERSION = 1;

export function encodeSnapshot(image: MetadataImage): Uint8Array {
  const w = new Writer();
  for (const b of MAGIC) w.u8(b);
  w.u8(SNAPSHOT_VERSION).num(image.appliedIndex).str(image.clusterId, 'cluster id');
  w.num(image.nextTopicId).num(image.nextGroupId).num(image.nextProducerId);
  w.count(image.nodes.length, 'nodes');
  for (const n of image.nodes) w.num(n.id).str(n.host, 'node host').str(n.peerAddress, 'node peer address').num(n.registeredIndex);
  w.count(image.topics.length, 'topics');
  for (const t of image.topics) {
    w.num(t.id).str(t.name, 'topic name').num(t.replicationFactor).num(t.createdIndex).num(t.deletedIndex);
    const keys = Object.keys(t.config).sort();
    w.count(keys.length, 'topic config');
    for (const k of keys) w.str(k, 'config key').str(t.config[k], 'config value');
    w.count(t.partitions.length, 'partitions');
    for (const p of t.partitions) {
      w.num(p.groupId).count(p.replicas.length, 'replicas');
      for (const r of p.replicas) w.num(r);
    }
  }
  w.count(image.producers.length, 'producers');
  for (const p of image.producers) w.str(p.name, 'producer name').num(p.producerId).num(p.producerEpoch);
  return w.finish();
}

/** Throws MetadataError CORRUPT_SNAPSHOT (or UNSUPPORTED_VERSION) on bytes that are not a snapshot this version reads. */
export function decodeSnapshot(data: Uint8Array): MetadataImage {
  const r = new Reader(data);
  try {
    for (const b of MAGIC) if (r.u8('snapshot magic') !== b) throw new WireError('it does not start with the controller snapshot magic "FMD"');
    const version = r.u8('snapshot version');
    if (version !== SNAPSHOT_VERSION) {
      throw new MetadataError(
        'UNSUPPORTED_VERSION',
        `controller snapshot version ${version} is not known to this node (it reads version ${SNAPSHOT_VERSION}): upgrade this node`,
      );
    }
    const appliedIndex = r.int('applied index');
    const clusterId = r.str('cluster id');
    const nextTopicId = r.int('next topic id', 1);
    const nextGroupId = r.int('next group id', 1, 0x1_0000_0000);
    const nextProducerId = r.int('next producer id', 1);
    const nodes = Array.from({ length: r.count('nodes', 20) }, (): NodeInfo =>
      Object.freeze({
        id: r.int('node id', 1, MAX_NODE_ID),
        host: r.str('node host'),
        peerAddress: r.str('node peer address'),
        registeredIndex: r.int('node registration index'),
      }),
    );
    const topics = Array.from({ length: r.count('topics', 42) }, (): TopicInfo => {
      const id = r.int('topic id', 1);
      const name = r.str('topic name');
      const replicationFactor = r.int('replication factor', 1);
      const createdIndex = r.int('topic creation index');
      const deletedIndex = r.int('topic deletion index');
      const config = Object.fromEntries(Array.from({ length: r.count('topic config', 4) }, () => [r.str('config key'), r.str('config value')]));
      const partitions = Array.from({ length: r.count('partitions', 12) }, (_, partition): PartitionInfo => {
        const groupId = r.int('group id', 1, 0xffff_ffff);
        const replicas = Array.from({ length: r.count('replicas', 8) }, (): NodeId => r.int('replica', 1, MAX_NODE_ID));
        return freezePartition({ topicId: id, topic: name, partition, groupId, replicas, deleted: deletedIndex !== 0 });
      });
      return freezeTopic({ id, name, replicationFactor, config, createdIndex, deletedIndex, partitions });
    });
    const producers = Array.from({ length: r.count('producers', 18) }, (): ProducerRecord => ({
      name: r.str('producer name'),
      producerId: r.int('producer id', 1),
      producerEpoch: r.int('producer epoch', 0, 0xffff),
    }));
    r.end('controller snapshot');
    return { appliedIndex, clusterId, nextTopicId, nextGroupId, nextProducerId, nodes, topics, producers };
  } catch (e) {
    if (e instanceof WireError) throw new MetadataError('CORRUPT_SNAPSHOT', `controller snapshot does not decode: ${e.message}`);
    throw e;
  }
}

export function freezePartition(p: PartitionInfo): PartitionInfo {
  return Object.freeze({ ...p, replicas: Object.freeze([...p.replicas]) });
}

export function freezeTopic(t: Omit<TopicInfo, 'config'> & { config: ConfigMap }): TopicInfo {
  return Object.freeze({ ...t, config: Object.freeze({ ...t.config }), partitions: Object.freeze([...t.partitions]) });
}
