import type { NodeId } from '../../raft';
import type { MetadataError } from './errors';

/** The controller's Raft group. Partition groups are numbered from 1. */
export const CONTROLLER_GROUP = 0;

/** Config overrides of a topic as the user gave them (canonical values, keys sorted); defaults are not stored. */
export type ConfigMap = Readonly<Record<string, string>>;

// ---------------------------------------------------------------------------------------------
// Commands: the data of the controller log's entries (encoded by command-codec.ts).

export type Command =
  /** A node announces itself (at every start: an address change updates it). */
  | { readonly type: 'registerNode'; readonly nodeId: NodeId; readonly host: string; readonly peerAddress: string }
  /** Decommission: only once the node holds no replica of a live topic. */
  | { readonly type: 'unregisterNode'; readonly nodeId: NodeId }
  | {
      readonly type: 'createTopic';
      readonly name: string;
      readonly partitions: number;
      readonly replicationFactor: number;
      readonly config: ConfigMap;
    }
  /** Marks the topic and its partitions deleted and frees the name; the servers drop the groups. */
  | { readonly type: 'deleteTopic'; readonly name: string }
  /** The target replica list of one partition (reassignment); replicas[0] becomes its preferred leader. */
  | { readonly type: 'setPartitionReplicas'; readonly topic: string; readonly partition: number; readonly replicas: readonly NodeId[] }
  /** Forgets a deleted topic, once every replica has dropped its groups. */
  | { readonly type: 'purgeTopic'; readonly topicId: number }
  /**
   * A producer id for idempotent produce; a non-empty name returns that name's id with its epoch
   * bumped. With `current`, the bump is made only if the name is still at that id and epoch.
   */
  | { readonly type: 'initProducer'; readonly producerName: string; readonly current?: { readonly producerId: number; readonly producerEpoch: number } }
  /** Sets the cluster id once, at bootstrap. */
  | { readonly type: 'initCluster'; readonly clusterId: string }
  /**
   * Grows a live topic to `partitions` (the new total, as Kafka's CreatePartitions): the new
   * partitions get fresh group ids and replicas by the createTopic assignment rule; the existing
   * ones keep theirs.
   */
  | { readonly type: 'addPartitions'; readonly name: string; readonly partitions: number };

export type CommandType = Command['type'];

// ---------------------------------------------------------------------------------------------
// State, as the queries return it. Every object handed out is frozen: the state replaces
// objects on change rather than mutating them, so a caller's reference never changes under it.

export interface NodeInfo {
  readonly id: NodeId;
  /** The address clients connect to (host:port). */
  readonly host: string;
  /** The address other nodes connect to for Raft traffic (host:port). */
  readonly peerAddress: string;
  /** Controller log index of the registration that set these addresses. */
  readonly registeredIndex: number;
}

export interface PartitionInfo {
  readonly topicId: number;
  readonly topic: string;
  readonly partition: number;
  /** The partition's Raft group: globally unique, never reused (a deleted topic's groups stay unique). */
  readonly groupId: number;
  /** replicas[0] is the preferred leader. */
  readonly replicas: readonly NodeId[];
  readonly deleted: boolean;
}

export interface TopicInfo {
  readonly id: number;
  readonly name: string;
  readonly replicationFactor: number;
  /** Overrides only; resolveTopicConfig() gives every setting. */
  readonly config: ConfigMap;
  /** Controller log index of the createTopic command. */
  readonly createdIndex: number;
  /** Controller log index of the deleteTopic command; 0 while the topic is live. */
  readonly deletedIndex: number;
  readonly partitions: readonly PartitionInfo[];
}

export interface TopicSummary {
  readonly id: number;
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}

// ---------------------------------------------------------------------------------------------
// Results of applying a command.

export type CommandOutcome =
  | { readonly type: 'registerNode'; readonly node: NodeInfo; readonly changed: boolean }
  | { readonly type: 'unregisterNode'; readonly node: NodeInfo }
  | { readonly type: 'createTopic'; readonly topic: TopicInfo }
  /** `topic` as deleted: its partitions are the groups to drop. */
  | { readonly type: 'deleteTopic'; readonly topic: TopicInfo }
  | { readonly type: 'setPartitionReplicas'; readonly partition: PartitionInfo; readonly previous: readonly NodeId[] }
  | { readonly type: 'purgeTopic'; readonly topic: TopicInfo }
  | { readonly type: 'initProducer'; readonly producerId: number; readonly producerEpoch: number }
  | { readonly type: 'initCluster'; readonly clusterId: string; readonly changed: boolean }
  /** `topic` with its new partitions, which are those from number `previousCount` on. */
  | { readonly type: 'addPartitions'; readonly topic: TopicInfo; readonly previousCount: number }
  /** An entry that carries no command: a leader's empty no-op, or a membership change of the controller group. */
  | { readonly type: 'noop' };

export type CommandResult =
  | { readonly ok: true; readonly index: number; readonly outcome: CommandOutcome }
  | { readonly ok: false; readonly index: number; readonly error: MetadataError };
