import { MetadataError } from './errors';
import type { Command, CommandType, ConfigMap } from './types';
import { Reader, WireError, Writer } from './wire';

/**
 * The controller log's entry data: version u8 | command type u8 | the command's fields in the
 * order of types.ts (numbers float64, strings u16-length UTF-8, lists a u32 count first; see
 * wire.ts).
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
};
/** initProducer with the caller's current id and epoch (a fenced instance's bump is refused). */
const INIT_PRODUCER_FROM = 10;

function writeConfig(w: Writer, config: ConfigMap, what: string): void {
  const keys = Object.keys(config).sort();
  w.count(keys.length, what);
  for (const k of keys) w.str(k, `${what} key`).str(config[k], `${what} value of ${k}`);
}

function readConfig(r: Reader, what: string): ConfigMap {
  const out: Record<string, string> = Object.create(null);
  const n = r.count(what, 4);
  for (let i = 0; i < n; i++) {
    const key = r.str(`${what} key`);
    const value = r.str(`${what} value`);
    if (Object.prototype.hasOwnProperty.call(out, key)) throw new WireError(`${what} has key ${JSON.stringify(key)} twice`);
    out[key] = value;
  }
  return Object.freeze({ ...out });
}

/** Throws RangeError if a string is too long to encode (the validation functions refuse such values first). */
export function encodeCommand(command: Command): Uint8Array {
  const code = command.type === 'initProducer' && command.current ? INIT_PRODUCER_FROM : TYPE_CODES[command.type];
  const w = new Writer().u8(COMMAND_VERSION).u8(code);
  switch (command.type) {
    case 'registerNode':
      w.num(command.nodeId).str(command.host, 'node host').str(command.peerAddress, 'node peer address');
      break;
    case 'unregisterNode':
      w.num(command.nodeId);
      break;
    case 'createTopic':
      w.str(command.name, 'topic name').num(command.partitions).num(command.replicationFactor);
      writeConfig(w, command.config, 'topic config');
      break;
    case 'deleteTopic':
      w.str(command.name, 'topic name');
      break;
    case 'setPartitionReplicas':
      w.str(command.topic, 'topic name').num(command.partition).count(command.replicas.length, 'replicas');
      for (const n of command.replicas) w.num(n);
      break;
    case 'purgeTopic':
      w.num(command.topicId);
      break;
    case 'initProducer':
      w.str(command.producerName, 'producer name');
      if (command.current) w.num(command.current.producerId).num(command.current.producerEpoch);
      break;
    case 'initCluster':
      w.str(command.clusterId, 'cluster id');
      break;
    default: {
      const never: never = command;
      throw new TypeError(`unknown controller command ${JSON.stringify(never)}`);
    }
  }
  return w.finish();
}

function decodeBody(r: Reader, type: number): Command {
  switch (type) {
    case TYPE_CODES.registerNode:
      return { type: 'registerNode', nodeId: r.num('node id'), host: r.str('node host'), peerAddress: r.str('node peer address') };
    case TYPE_CODES.unregisterNode:
      return { type: 'unregisterNode', nodeId: r.num('node id') };
    case TYPE_CODES.createTopic:
      return {
        type: 'createTopic',
        name: r.str('topic name'),
        partitions: r.num('partition count'),
        replicationFactor: r.num('replication factor'),
        config: readConfig(r, 'topic config'),
      };
    case TYPE_CODES.deleteTopic:
      return { type: 'deleteTopic', name: r.str('topic name') };
    case TYPE_CODES.setPartitionReplicas: {
      const topic = r.str('topic name');
      const partition = r.num('partition');
      const replicas = Array.from({ length: r.count('replicas', 8) }, () => r.num('replica'));
      return { type: 'setPartitionReplicas', topic, partition, replicas };
    }
    case TYPE_CODES.purgeTopic:
      return { type: 'purgeTopic', topicId: r.num('topic id') };
    case TYPE_CODES.initProducer:
      return { type: 'initProducer', producerName: r.str('producer name') };
    case INIT_PRODUCER_FROM: {
      const producerName = r.str('producer name');
      const producerId = r.num('current producer id');
      return { type: 'initProducer', producerName, current: { producerId, producerEpoch: r.num('current producer epoch') } };
    }
    case TYPE_CODES.initCluster:
      return { type: 'initCluster', clusterId: r.str('cluster id') };
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
  const r = new Reader(data);
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
    if (e instanceof WireError) throw new MetadataError('CORRUPT_COMMAND', `malformed controller command: ${e.message}`);
    throw e;
  }
}
