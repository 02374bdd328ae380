import type { NodeId } from '../../raft';
import { MetadataError } from './errors';

/**
 * Checks the server runs before proposing a command, and that apply runs again (a command may
 * have been proposed by a node of another version, or against an older state). Each returns the
 * refusal, or undefined when the value is acceptable.
 */

/** As Kafka, so that topic names move between the two systems unchanged. */
export const MAX_TOPIC_NAME_LENGTH = 249;

/**
 * Every partition is a Raft group with its own log, heartbeats and state on each of its replicas,
 * and one createTopic command carries (and one apply allocates) all of a topic's groups: ten
 * thousand is already more groups than a small cluster's nodes can tick, and keeps the command's
 * apply and its result small.
 */
export const MAX_PARTITIONS = 10_000;

/** Node ids travel as u32 on the wire (peer frames, log-store keys); 0 means "no node". */
export const MAX_NODE_ID = 0xffff_ffff;

export const MAX_PRODUCER_NAME_LENGTH = 249;

const TOPIC_NAME_CHAR = /[a-zA-Z0-9._-]/;

export function validateTopicName(name: string): MetadataError | undefined {
  if (typeof name !== 'string' || name.length === 0) {
    return new MetadataError('INVALID_TOPIC_NAME', `topic name is empty; it must be 1 to ${MAX_TOPIC_NAME_LENGTH} characters of [a-zA-Z0-9._-]`);
  }
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return new MetadataError(
      'INVALID_TOPIC_NAME',
      `topic name "${name.slice(0, 20)}..." is ${name.length} characters long; the limit is ${MAX_TOPIC_NAME_LENGTH}`,
      name,
    );
  }
  if (name === '.' || name === '..') {
    return new MetadataError('INVALID_TOPIC_NAME', `topic name "${name}" is not allowed ("." and ".." are reserved)`, name);
  }
  for (let i = 0; i < name.length; i++) {
    if (!TOPIC_NAME_CHAR.test(name[i])) {
      return new MetadataError(
        'INVALID_TOPIC_NAME',
        `topic name ${JSON.stringify(name)} has ${JSON.stringify(name[i])} at position ${i}; only ASCII letters, digits, '.', '_' and '-' are allowed`,
        name,
      );
    }
  }
  return undefined;
}

export function validatePartitionCount(partitions: number, topic?: string): MetadataError | undefined {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    return new MetadataError(
      'INVALID_PARTITIONS',
      `partition count ${partitions}${topic === undefined ? '' : ` of topic "${topic}"`} is not an integer in 1..${MAX_PARTITIONS}`,
      topic,
    );
  }
  return undefined;
}

/**
 * addPartitions: a topic only grows (as Kafka: records are placed by key over the partition
 * count, and a partition's records cannot be taken away). `partitions` is the requested total.
 */
export function validatePartitionGrowth(partitions: number, current: number, topic: string): MetadataError | undefined {
  if (partitions < current) {
    return new MetadataError(
      'INVALID_PARTITIONS',
      `topic "${topic}" currently has ${current} partitions, which is higher than the requested ${partitions}; partitions can only be added, never removed`,
      topic,
    );
  }
  if (partitions === current) {
    return new MetadataError('INVALID_PARTITIONS', `topic "${topic}" already has ${current} partitions; ask for more than ${current} to add some`, topic);
  }
  return undefined;
}

/** `nodes`: the registered node ids, which the replicas are chosen from. */
export function validateReplicationFactor(replicationFactor: number, nodes: readonly NodeId[], topic?: string): MetadataError | undefined {
  const of = topic === undefined ? '' : ` of topic "${topic}"`;
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1) {
    return new MetadataError('INVALID_REPLICATION_FACTOR', `replication factor ${replicationFactor}${of} is not an integer >= 1`, topic);
  }
  if (replicationFactor > nodes.length) {
    return new MetadataError(
      'NOT_ENOUGH_REPLICAS',
      `replication factor ${replicationFactor}${of} needs ${replicationFactor} nodes but ${nodes.length} ` +
        `${nodes.length === 1 ? 'is' : 'are'} registered${nodes.length === 0 ? '' : ` (${nodes.join(', ')})`}; ` +
        `start more nodes or lower the replication factor`,
      topic,
    );
  }
  return undefined;
}

export function validateNodeId(nodeId: number): MetadataError | undefined {
  if (!Number.isInteger(nodeId) || nodeId < 1 || nodeId > MAX_NODE_ID) {
    return new MetadataError('INVALID_NODE', `node id ${nodeId} is not an integer in 1..${MAX_NODE_ID}`);
  }
  return undefined;
}

/** host:port, with an IPv6 host in brackets ([::1]:7001). */
export function validateAddress(address: string, what: string): MetadataError | undefined {
  const bad = (why: string) => new MetadataError('INVALID_NODE', `${what} ${JSON.stringify(address)} is not a valid host:port address: ${why}`);
  if (typeof address !== 'string' || address.length === 0) return bad('it is empty');
  if (address.length > 255) return bad(`it is ${address.length} characters long; the limit is 255`);
  if (/\s/.test(address)) return bad('it contains white space');
  const colon = address.lastIndexOf(':');
  if (colon < 0) return bad('there is no ":port"');
  const host = address.slice(0, colon);
  const port = address.slice(colon + 1);
  if (host.length === 0 || host === '[]') return bad('the host is empty');
  if (host.includes(':') && !(host.startsWith('[') && host.endsWith(']'))) return bad('an IPv6 host must be in brackets, as [::1]:7001');
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return bad(`port "${port}" is not in 1..65535`);
  return undefined;
}

/** "" asks for an anonymous producer id. */
export function validateProducerName(name: string): MetadataError | undefined {
  if (typeof name !== 'string' || name.length > MAX_PRODUCER_NAME_LENGTH) {
    return new MetadataError(
      'INVALID_PRODUCER_NAME',
      `producer name is ${String(name).length} characters long; the limit is ${MAX_PRODUCER_NAME_LENGTH}`,
    );
  }
  return undefined;
}

export function validateClusterId(clusterId: string): MetadataError | undefined {
  if (typeof clusterId !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(clusterId)) {
    return new MetadataError('INVALID_CLUSTER_ID', `cluster id ${JSON.stringify(clusterId)} is not 1 to 64 characters of [a-zA-Z0-9_-]`);
  }
  return undefined;
}
