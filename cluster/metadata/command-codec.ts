import { ByteReader, BytesError, ByteWriter } from '../../bytes';
import { MetadataError } from './errors';
import type { Command, CommandType, ConfigMap } from './types';

/**
 * The controller log's entry data: version u8 | command type u8 | the command's fields in the
 * order of types.ts (numbers float64, strings u16-length UTF-8, lists a u32 count first; written
 * with bytes/ByteWriter).
 *
 * The version covers the meaning of a command as well as its bytes: a new command type, a new
 * field, or a change to what apply does with a command (the replica assignment rule, a
 * validation rule) gets a new version, because every replica must compute the same state from
 * the same entry. A node that meets a version it does not know stops applying (decodeCommand
 * throws UNSUPPORTED_VERSION) rather than skip the entry and drift from its peers; it must be
 * upgraded. The leader proposes only what all nodes can read (the server's concern in a rolling
 * upgrade).
 */
export const COMMAND_VERSION = 1;

const TYPE_CODES: Readonly<Record<CommandType, number>> = {
  registerNode: 1,
  unregisterNode: 2,
  createTopic: 3,
  deleteTopic: 4,
  // 5 was alterTopicConfig, which no server ever proposed: not to be given to another command.
  setPartitionReplicas: 6,
  purgeTopic: 7,
  initProducer: 8,
  initCluster: 9,
  resyncReplica: 21,
  replicaReadmitted: 22,
  replicaRemoved: 23,
  // 10 is INIT_PRODUCER_FROM below.
  addPartitions: 11,
};
/** registerNode with its data directory's incarnation and whether it lost its data. */
const REGISTER_NODE_INCARNATION = 20;
/** initProducer with the caller's current id and epoch (a fenced instance's bump is refused). */
const INIT_PRODUCER_FROM = 10;

function writeConfig(w: ByteWriter, config: ConfigMap, what: string): void {
  const keys = Object.keys(config).sort();
  w.u32(keys.length);
  for (const k of keys) w.str16(k, `${what} key`).str16(config[k], `${what} value of ${k}`);
}

function readConfig(r: ByteReader, what: string): ConfigMap {
  const out: Record<string, string> = Object.create(null);
  const n = r.count(what, 4);
  for (let i = 0; i < n; i++) {
    const key = r.str16(`${what} key`);
    const value = r.str16(`${what} value`);
    if (Object.prototype.hasOwnProperty.call(out, key)) throw new BytesError(`${what} has key ${JSON.stringify(key)} twice`);
    out[key] = value;
  }
  return Object.freeze({ ...out });
}

/** Throws RangeError if a string is too long to encode (the validation functions refuse such values first). */
export function encodeCommand(command: Command): Uint8Array {
  const code =
    command.type === 'initProducer' && command.current
      ? INIT_PRODUCER_FROM
      : command.type === 'registerNode' && command.incarnation !== undefined
        ? REGISTER_NODE_INCARNATION
        : TYPE_CODES[command.type];
  const w = new ByteWriter().u8(COMMAND_VERSION).u8(code);
  switch (command.type) {
    case 'registerNode':
      w.f64(command.nodeId).str16(command.host, 'node host').str16(command.peerAddress, 'node peer address');
      if (command.incarnation !== undefined) w.str16(command.incarnation, 'node incarnation').u8(command.lostData ? 1 : 0);
      break;
    case 'unregisterNode':
      w.f64(command.nodeId);
      break;
    case 'createTopic':
      w.str16(command.name, 'topic name').f64(command.partitions).f64(command.replicationFactor);
      writeConfig(w, command.config, 'topic config');
      break;
    case 'deleteTopic':
      w.str16(command.name, 'topic name');
      break;
    case 'setPartitionReplicas':
      w.str16(command.topic, 'topic name').f64(command.partition).u32(command.replicas.length);
      for (const n of command.replicas) w.f64(n);
      break;
    case 'purgeTopic':
      w.f64(command.topicId);
      break;
    case 'initProducer':
      w.str16(command.producerName, 'producer name');
      if (command.current) w.f64(command.current.producerId).f64(command.current.producerEpoch);
      break;
    case 'initCluster':
      w.str16(command.clusterId, 'cluster id');
      break;
    case 'resyncReplica':
    case 'replicaReadmitted':
    case 'replicaRemoved':
      w.f64(command.groupId).f64(command.nodeId);
      break;
    case 'addPartitions':
      w.str16(command.name, 'topic name').f64(command.partitions);
      break;
    default: {
      const never: never = command;
      throw new TypeError(`unknown controller command ${JSON.stringify(never)}`);
    }
  }
  return w.finishCopy();
}

function decodeBody(r: ByteReader, type: number): Command {
  switch (type) {
    case TYPE_CODES.registerNode:
      return { type: 'registerNode', nodeId: r.f64('node id'), host: r.str16('node host'), peerAddress: r.str16('node peer address') };
    case REGISTER_NODE_INCARNATION: {
      const nodeId = r.f64('node id');
      const host = r.str16('node host');
      const peerAddress = r.str16('node peer address');
      const incarnation = r.str16('node incarnation');
      return { type: 'registerNode', nodeId, host, peerAddress, incarnation, lostData: r.u8('lost data') === 1 };
    }
    case TYPE_CODES.resyncReplica:
    case TYPE_CODES.replicaReadmitted:
    case TYPE_CODES.replicaRemoved: {
      const kind = type === TYPE_CODES.resyncReplica ? 'resyncReplica' : type === TYPE_CODES.replicaReadmitted ? 'replicaReadmitted' : 'replicaRemoved';
      const groupId = r.f64('group id');
      return { type: kind, groupId, nodeId: r.f64('node id') };
    }
    case TYPE_CODES.unregisterNode:
      return { type: 'unregisterNode', nodeId: r.f64('node id') };
    case TYPE_CODES.createTopic:
      return {
        type: 'createTopic',
        name: r.str16('topic name'),
        partitions: r.f64('partition count'),
        replicationFactor: r.f64('replication factor'),
        config: readConfig(r, 'topic config'),
      };
    case TYPE_CODES.deleteTopic:
      return { type: 'deleteTopic', name: r.str16('topic name') };
    case TYPE_CODES.setPartitionReplicas: {
      const topic = r.str16('topic name');
      const partition = r.f64('partition');
      const replicas = Array.from({ length: r.count('replicas', 8) }, () => r.f64('replica'));
      return { type: 'setPartitionReplicas', topic, partition, replicas };
    }
    case TYPE_CODES.purgeTopic:
      return { type: 'purgeTopic', topicId: r.f64('topic id') };
    case TYPE_CODES.initProducer:
      return { type: 'initProducer', producerName: r.str16('producer name') };
    case INIT_PRODUCER_FROM: {
      const producerName = r.str16('producer name');
      const producerId = r.f64('current producer id');
      return { type: 'initProducer', producerName, current: { producerId, producerEpoch: r.f64('current producer epoch') } };
    }
    case TYPE_CODES.initCluster:
      return { type: 'initCluster', clusterId: r.str16('cluster id') };
    case TYPE_CODES.addPartitions:
      return { type: 'addPartitions', name: r.str16('topic name'), partitions: r.f64('partition count') };
    default:
      throw new MetadataError(
        'UNSUPPORTED_VERSION',
        `controller command type ${type} is not known to this node (version ${COMMAND_VERSION} commands): ` +
          `it was written by a newer version; upgrade this node to apply the controller log`,
      );
  }
}

/**
 * Throws MetadataError UNSUPPORTED_VERSION for a version or command type this node does not know,
 * and CORRUPT_COMMAND for bytes that are not a well-formed command.
 */
export function decodeCommand(data: Uint8Array): Command {
  const r = new ByteReader(data);
  try {
    const version = r.u8('command version');
    if (version !== COMMAND_VERSION) {
      throw new MetadataError(
        'UNSUPPORTED_VERSION',
        `controller command version ${version} is not known to this node (it reads version ${COMMAND_VERSION}): ` +
          `upgrade this node to apply the controller log`,
      );
    }
    const command = decodeBody(r, r.u8('command type'));
    r.end(`controller command ${command.type}`);
    return command;
  } catch (e) {
    if (e instanceof BytesError) throw new MetadataError('CORRUPT_COMMAND', `malformed controller command: ${e.message}`);
    throw e;
  }
}
