import type { NodeId } from '../../raft';
import type { MetadataError } from './errors';

/** The controller's Raft group. Partition groups are numbered from 1. */
export const CONTROLLER_GROUP = 0;

/** Config overrides of a topic as the user gave them (canonical values, keys sorted); defaults are not stored. */
export type ConfigMap = Readonly<Record<string, string>>;

// ---------------------------------------------------------------------------------------------
// Commands: the data of the controller log's entries (encoded by command-codec.ts).

export type Command =
  /**
   * A node announces itself (at every start: an address change updates it). `incarnation` names
   * its data directory (random, made with the directory; '' from a node that predates them).
   * `lostData`: the node starts on a new data directory under an id the cluster knows. A new
   * incarnation that lost its data puts the node's replicas (and its controller seat) into
   * `resyncing`: each must be removed from its group and readmitted as a learner before the node
   * runs it again (docs/architecture.md, "A node that lost its disk").
   */
  | {
      readonly type: 'registerNode';
      readonly nodeId: NodeId;
      readonly host: string;
      readonly peerAddress: string;
      readonly incarnation?: string;
      readonly lostData?: boolean;
    }
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
  /** A replica's data is unusable (damaged): the node dropped it and asks to be resynced (as after a lost disk, for one group). */
  | { readonly type: 'resyncReplica'; readonly groupId: number; readonly nodeId: NodeId }
  /** Proposed by a group's leader: `nodeId` (in resyncing) was removed and is a learner again; it may run the group, empty. */
  | { readonly type: 'replicaReadmitted'; readonly groupId: number; readonly nodeId: NodeId }
  /** Proposed by a group's leader: `nodeId` (in removing) is out of the group's membership; it may drop its data. */
  | { readonly type: 'replicaRemoved'; readonly groupId: number; readonly nodeId: NodeId }
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
  /** The node's data directory's incarnation ('' when it registered before incarnations existed). */
  readonly incarnation: string;
}

export interface PartitionInfo {
  readonly topicId: number;
  readonly topic: string;
  readonly partition: number;
  /** The partition's Raft group: globally unique, never reused (a deleted topic's groups stay unique). */
  readonly groupId: number;
  /** The target membership: replicas[0] is the preferred leader. The group's leader moves its Raft membership toward it. */
  readonly replicas: readonly NodeId[];
  readonly deleted: boolean;
  /** Former replicas still in the group's membership: they keep running it until its leader removes them (replicaRemoved). */
  readonly removing: readonly NodeId[];
  /** Replicas that lost their data: they must not run the group until its leader removed them and readmitted them as learners. */
  readonly resyncing: readonly NodeId[];
  /**
   * The membership changed since creation (a reassignment or a resync). Until then a replica with
   * no data starts the group with `replicas` as its voters (every first member does the same);
   * after, it starts with no membership and learns it from the leader.
   */
  readonly reconfigured: boolean;
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
  /** `resynced`: a new incarnation that lost its data; its replicas are now resyncing. */
  | { readonly type: 'registerNode'; readonly node: NodeInfo; readonly changed: boolean; readonly resynced?: boolean }
  | { readonly type: 'unregisterNode'; readonly node: NodeInfo }
  | { readonly type: 'createTopic'; readonly topic: TopicInfo }
  /** `topic` as deleted: its partitions are the groups to drop. */
  | { readonly type: 'deleteTopic'; readonly topic: TopicInfo }
  | { readonly type: 'setPartitionReplicas'; readonly partition: PartitionInfo; readonly previous: readonly NodeId[] }
  | { readonly type: 'purgeTopic'; readonly topic: TopicInfo }
  | { readonly type: 'initProducer'; readonly producerId: number; readonly producerEpoch: number }
  | { readonly type: 'initCluster'; readonly clusterId: string; readonly changed: boolean }
  | ReplicaChangeOutcome<'resyncReplica'>
  | ReplicaChangeOutcome<'replicaReadmitted'>
  | ReplicaChangeOutcome<'replicaRemoved'>
  /** `topic` with its new partitions, which are those from number `previousCount` on. */
  | { readonly type: 'addPartitions'; readonly topic: TopicInfo; readonly previousCount: number }
  /** An entry that carries no command: a leader's empty no-op, or a membership change of the controller group. */
  | { readonly type: 'noop' };

/** `changed`: false when the change had been made already (a retry). */
export interface ReplicaChangeOutcome<T extends 'resyncReplica' | 'replicaReadmitted' | 'replicaRemoved'> {
  readonly type: T;
  readonly groupId: number;
  readonly nodeId: NodeId;
  readonly changed: boolean;
}

export type CommandResult =
  | { readonly ok: true; readonly index: number; readonly outcome: CommandOutcome }
  | { readonly ok: false; readonly index: number; readonly error: MetadataError };
