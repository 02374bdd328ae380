import type { NodeId } from '../../raft';
import { ByteReader, BytesError, ByteWriter } from '../../bytes';
import { MetadataError } from './errors';
import type { ConfigMap, NodeInfo, PartitionInfo, TopicInfo } from './types';
import { MAX_NODE_ID } from './validation';

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
  /** Nodes whose seat in the controller group must be readmitted (they lost their data), ascending. */
  readonly controllerResyncing: readonly NodeId[];
  /** Nodes removed from the cluster (unregistered, not registered again since), ascending: they hold no seat in the metadata group. */
  readonly retiredNodes: readonly NodeId[];
}

/**
 * Snapshot format: magic "FMD" | version u8 (2) | appliedIndex | clusterId | nextTopicId |
 * nextGroupId | nextProducerId | nodes | topics | producers | controllerResyncing | retiredNodes (numbers
 * float64, strings u16-length UTF-8, lists a u32 count first: bytes/ByteWriter's f64, str16,
 * u32). A node is id, host, peer address, registration index, incarnation. A partition is its
 * group id, replicas, removing, resyncing and reconfigured (u8); its number is its position and
 * its deleted flag the topic's. Version 1 (no incarnations, no membership changes in flight) is
 * still read. The bytes depend only on the state, so equal states have equal snapshots.
 */
const MAGIC = [0x46, 0x4d, 0x44];
export const SNAPSHOT_VERSION = 2;
const SNAPSHOT_VERSION_1 = 1;

function writeIds(w: ByteWriter, ids: readonly NodeId[]): void {
  w.u32(ids.length);
  for (const id of ids) w.f64(id);
}

export function encodeSnapshot(image: MetadataImage): Uint8Array {
  const w = new ByteWriter();
  for (const b of MAGIC) w.u8(b);
  w.u8(SNAPSHOT_VERSION).f64(image.appliedIndex).str16(image.clusterId, 'cluster id');
  w.f64(image.nextTopicId).f64(image.nextGroupId).f64(image.nextProducerId);
  w.u32(image.nodes.length);
  for (const n of image.nodes) {
    w.f64(n.id).str16(n.host, 'node host').str16(n.peerAddress, 'node peer address').f64(n.registeredIndex).str16(n.incarnation, 'node incarnation');
  }
  w.u32(image.topics.length);
  for (const t of image.topics) {
    w.f64(t.id).str16(t.name, 'topic name').f64(t.replicationFactor).f64(t.createdIndex).f64(t.deletedIndex);
    const keys = Object.keys(t.config).sort();
    w.u32(keys.length);
    for (const k of keys) w.str16(k, 'config key').str16(t.config[k], 'config value');
    w.u32(t.partitions.length);
    for (const p of t.partitions) {
      w.f64(p.groupId);
      writeIds(w, p.replicas);
      writeIds(w, p.removing);
      writeIds(w, p.resyncing);
      w.u8(p.reconfigured ? 1 : 0);
    }
  }
  w.u32(image.producers.length);
  for (const p of image.producers) w.str16(p.name, 'producer name').f64(p.producerId).f64(p.producerEpoch);
  writeIds(w, image.controllerResyncing);
  writeIds(w, image.retiredNodes);
  return w.finishCopy();
}

/** A float64 that must be an integer in min..max (a snapshot holds only such numbers). */
function int(r: ByteReader, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = r.f64(what);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new BytesError(`${what} is ${n}, not an integer in ${min}..${max}`);
  return n;
}

/** Throws MetadataError CORRUPT_SNAPSHOT (or UNSUPPORTED_VERSION) on bytes that are not a snapshot this version reads. */
export function decodeSnapshot(data: Uint8Array): MetadataImage {
  const r = new ByteReader(data);
  try {
    for (const b of MAGIC) if (r.u8('snapshot magic') !== b) throw new BytesError('it does not start with the controller snapshot magic "FMD"');
    const version = r.u8('snapshot version');
    if (version !== SNAPSHOT_VERSION && version !== SNAPSHOT_VERSION_1) {
      throw new MetadataError(
        'UNSUPPORTED_VERSION',
        `controller snapshot version ${version} is not known to this node (it reads version ${SNAPSHOT_VERSION}): upgrade this node`,
      );
    }
    const appliedIndex = int(r, 'applied index');
    const clusterId = r.str16('cluster id');
    const nextTopicId = int(r, 'next topic id', 1);
    const nextGroupId = int(r, 'next group id', 1, 0x1_0000_0000);
    const nextProducerId = int(r, 'next producer id', 1);
    const nodes = Array.from({ length: r.count('nodes', 20) }, (): NodeInfo =>
      Object.freeze({
        id: int(r, 'node id', 1, MAX_NODE_ID),
        host: r.str16('node host'),
        peerAddress: r.str16('node peer address'),
        registeredIndex: int(r, 'node registration index'),
        incarnation: version === SNAPSHOT_VERSION_1 ? '' : r.str16('node incarnation'),
      }),
    );
    const topics = Array.from({ length: r.count('topics', 42) }, (): TopicInfo => {
      const id = int(r, 'topic id', 1);
      const name = r.str16('topic name');
      const replicationFactor = int(r, 'replication factor', 1);
      const createdIndex = int(r, 'topic creation index');
      const deletedIndex = int(r, 'topic deletion index');
      const config = Object.fromEntries(Array.from({ length: r.count('topic config', 4) }, () => [r.str16('config key'), r.str16('config value')]));
      const partitions = Array.from({ length: r.count('partitions', 12) }, (_, partition): PartitionInfo => {
        const groupId = int(r, 'group id', 1, 0xffff_ffff);
        const ids = (what: string) => Array.from({ length: r.count(what, 8) }, (): NodeId => int(r, what, 1, MAX_NODE_ID));
        const replicas = ids('replicas');
        if (version === SNAPSHOT_VERSION_1) return freezePartition({ topicId: id, topic: name, partition, groupId, replicas, deleted: deletedIndex !== 0 });
        const removing = ids('removing replicas');
        const resyncing = ids('resyncing replicas');
        const reconfigured = r.u8('reconfigured') === 1;
        return freezePartition({ topicId: id, topic: name, partition, groupId, replicas, deleted: deletedIndex !== 0, removing, resyncing, reconfigured });
      });
      return freezeTopic({ id, name, replicationFactor, config, createdIndex, deletedIndex, partitions });
    });
    const producers = Array.from({ length: r.count('producers', 18) }, (): ProducerRecord => ({
      name: r.str16('producer name'),
      producerId: int(r, 'producer id', 1),
      producerEpoch: int(r, 'producer epoch', 0, 0xffff),
    }));
    const ids = (what: string): NodeId[] =>
      version === SNAPSHOT_VERSION_1 ? [] : Array.from({ length: r.count(what, 8) }, (): NodeId => int(r, what, 1, MAX_NODE_ID));
    const controllerResyncing = ids('controller resyncing node');
    const retiredNodes = ids('retired node');
    r.end('controller snapshot');
    return { appliedIndex, clusterId, nextTopicId, nextGroupId, nextProducerId, nodes, topics, producers, controllerResyncing, retiredNodes };
  } catch (e) {
    if (e instanceof BytesError) throw new MetadataError('CORRUPT_SNAPSHOT', `controller snapshot does not decode: ${e.message}`);
    throw e;
  }
}

/** A partition as created: no membership change in flight, never reconfigured. */
export type NewPartition = Omit<PartitionInfo, 'removing' | 'resyncing' | 'reconfigured'> & Partial<Pick<PartitionInfo, 'removing' | 'resyncing' | 'reconfigured'>>;

export function freezePartition(p: NewPartition): PartitionInfo {
  return Object.freeze({
    ...p,
    replicas: Object.freeze([...p.replicas]),
    removing: Object.freeze([...(p.removing ?? [])].sort((a, b) => a - b)),
    resyncing: Object.freeze([...(p.resyncing ?? [])].sort((a, b) => a - b)),
    reconfigured: p.reconfigured ?? false,
  });
}

export function freezeTopic(t: Omit<TopicInfo, 'config'> & { config: ConfigMap }): TopicInfo {
  return Object.freeze({ ...t, config: Object.freeze({ ...t.config }), partitions: Object.freeze([...t.partitions]) });
}
