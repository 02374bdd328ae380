import { type Entry, EntryType, type NodeId, type Snapshot } from '../../raft';
import { assignReplicas, type NodeLoad } from './assignment';
import { decodeCommand } from './command-codec';
import { MetadataError } from './errors';
import { decodeSnapshot, encodeSnapshot, freezePartition, freezeTopic, type MetadataImage, type NewPartition, type ProducerRecord } from './snapshot-codec';
import { checkTopicConfig, resolveTopicConfig, type TopicConfig } from './topic-config';
import {
  type Command,
  type CommandOutcome,
  type CommandResult,
  CONTROLLER_GROUP,
  type NodeInfo,
  type PartitionInfo,
  type TopicInfo,
  type TopicSummary,
} from './types';
import {
  validateAddress,
  validateClusterId,
  validateNodeId,
  validatePartitionCount,
  validatePartitionGrowth,
  validateProducerName,
  validateReplicationFactor,
  validateTopicName,
} from './validation';

/** Group ids are u32 (log-store keys, peer frames); 0 is the controller. */
const MAX_GROUP_ID = 0xffff_ffff;
/** Producer epochs are int16 in record batches (RecordBatch v2: 0..32767). */
const MAX_PRODUCER_EPOCH = 0x7fff;

/** A command's effect, run only after its checks passed. */
type Effect = () => CommandOutcome;

/**
 * The controller's state machine: nodes, topics, partitions and their replicas, producer ids.
 * The node server runs it over the controller Raft group (group 0): it applies every committed
 * entry of that group, in order, through applyEntry(), and snapshots it with snapshot().
 *
 * Pure and deterministic: the state after a sequence of entries depends only on those entries
 * (no clock, no randomness, no iteration order of a Map that a snapshot could change), so every
 * replica, and a replica restored from a snapshot, holds the same state at the same index.
 * A command that fails its checks is refused with a MetadataError in its result and changes
 * nothing but the applied index; check() runs the same checks without applying, for the server
 * to refuse a request before proposing it.
 */
export class MetadataState {
  private applied = 0;
  private clusterIdValue = '';
  private nextTopicId = 1;
  private nextGroupId = CONTROLLER_GROUP + 1;
  private nextProducerId = 1;
  private readonly nodesById = new Map<NodeId, NodeInfo>();
  /** Live and deleted (not yet purged) topics. */
  private readonly topicsById = new Map<number, TopicInfo>();
  private readonly liveTopicIds = new Map<string, number>();
  private readonly partitionsByGroup = new Map<number, PartitionInfo>();
  private readonly producers = new Map<string, ProducerRecord>();
  /** Nodes that lost their data and whose controller seat must be readmitted before they run the controller group. */
  private readonly controllerResyncingSet = new Set<NodeId>();
  /** Nodes removed from the cluster (unregisterNode) and not registered again. */
  private readonly retiredSet = new Set<NodeId>();

  /** A state restored from snapshot() bytes. Throws MetadataError CORRUPT_SNAPSHOT or UNSUPPORTED_VERSION. */
  static fromSnapshot(data: Uint8Array): MetadataState {
    const state = new MetadataState();
    state.load(decodeSnapshot(data));
    return state;
  }

  get appliedIndex(): number {
    return this.applied;
  }

  get clusterId(): string {
    return this.clusterIdValue;
  }

  // -------------------------------------------------------------------------------------------
  // Applying

  /**
   * Applies one committed entry of the controller group. Entries must come once each, in index
   * order, with no gap (the host's contract; a violation throws). Empty entries (a leader's
   * no-op) and membership changes of the controller group change nothing but the applied index.
   * Throws MetadataError UNSUPPORTED_VERSION for a command written by a newer version: this node
   * must stop applying until it is upgraded.
   */
  applyEntry(entry: Entry): CommandResult {
    if (entry.type === EntryType.ConfChange || entry.data.length === 0) {
      this.advance(entry.index);
      return { ok: true, index: entry.index, outcome: { type: 'noop' } };
    }
    let command: Command;
    try {
      command = decodeCommand(entry.data);
    } catch (e) {
      if (e instanceof MetadataError && e.code === 'CORRUPT_COMMAND') {
        this.advance(entry.index);
        return { ok: false, index: entry.index, error: e };
      }
      throw e;
    }
    return this.applyCommand(entry.index, command);
  }

  /** Applies a decoded command at `index` (the next index after appliedIndex). */
  applyCommand(index: number, command: Command): CommandResult {
    const effect = this.plan(command, index);
    this.advance(index);
    if (effect instanceof MetadataError) return { ok: false, index, error: effect };
    return { ok: true, index, outcome: effect() };
  }

  /** What applying `command` next would refuse, or undefined if it would be applied. Changes nothing. */
  check(command: Command): MetadataError | undefined {
    const effect = this.plan(command, this.applied + 1);
    return effect instanceof MetadataError ? effect : undefined;
  }

  private advance(index: number): void {
    if (index !== this.applied + 1) {
      throw new Error(
        `controller state: entry index ${index} applied after index ${this.applied}; entries must be applied once each, ` +
          `in order and without gaps (a bug in the host)`,
      );
    }
    this.applied = index;
  }

  private plan(command: Command, index: number): MetadataError | Effect {
    switch (command.type) {
      case 'registerNode':
        return this.planRegisterNode(command, index);
      case 'unregisterNode':
        return this.planUnregisterNode(command);
      case 'createTopic':
        return this.planCreateTopic(command, index);
      case 'deleteTopic':
        return this.planDeleteTopic(command, index);
      case 'setPartitionReplicas':
        return this.planSetPartitionReplicas(command);
      case 'purgeTopic':
        return this.planPurgeTopic(command);
      case 'initProducer':
        return this.planInitProducer(command);
      case 'initCluster':
        return this.planInitCluster(command);
      case 'resyncReplica':
      case 'replicaReadmitted':
      case 'replicaRemoved':
        return this.planReplicaChange(command);
      case 'addPartitions':
        return this.planAddPartitions(command);
      default: {
        const never: never = command;
        throw new TypeError(`unknown controller command ${JSON.stringify(never)}`);
      }
    }
  }

  private planRegisterNode(c: Extract<Command, { type: 'registerNode' }>, index: number): MetadataError | Effect {
    const invalid = validateNodeId(c.nodeId) ?? validateAddress(c.host, `node ${c.nodeId} client address`) ?? validateAddress(c.peerAddress, `node ${c.nodeId} peer address`);
    if (invalid) return invalid;
    // In id order: the same conflict is named whatever order a snapshot restored the nodes in.
    for (const other of [...this.nodesById.values()].sort((a, b) => a.id - b.id)) {
      if (other.id === c.nodeId) continue;
      for (const address of [c.host, c.peerAddress]) {
        if (address === other.host || address === other.peerAddress) {
          return new MetadataError(
            'NODE_ADDRESS_IN_USE',
            `node ${c.nodeId} cannot register address ${address}: node ${other.id} is registered with it; ` +
              `give node ${c.nodeId} another address, or unregister node ${other.id} if it was replaced`,
          );
        }
      }
    }
    if (c.incarnation !== undefined && !/^[0-9a-f]{0,32}$/.test(c.incarnation)) {
      return new MetadataError('INVALID_NODE', `node ${c.nodeId} incarnation ${JSON.stringify(c.incarnation)} is not up to 32 lowercase hex digits`);
    }
    return () => {
      const existing = this.nodesById.get(c.nodeId);
      const incarnation = c.incarnation ?? existing?.incarnation ?? '';
      // A known node on another data directory that lost its data (or on another directory that
      // is not its legacy one): what it acknowledged before is gone, so none of its groups may
      // count it until they have removed it and readmitted it. A retry of the same incarnation
      // finds it recorded and changes nothing.
      const resynced =
        existing !== undefined && c.incarnation !== undefined && c.incarnation !== existing.incarnation && (c.lostData === true || existing.incarnation !== '');
      if (existing && !resynced && existing.host === c.host && existing.peerAddress === c.peerAddress && existing.incarnation === incarnation) {
        return { type: 'registerNode', node: existing, changed: false };
      }
      const node: NodeInfo = Object.freeze({ id: c.nodeId, host: c.host, peerAddress: c.peerAddress, registeredIndex: index, incarnation });
      this.nodesById.set(c.nodeId, node);
      this.retiredSet.delete(c.nodeId);
      if (resynced) {
        this.controllerResyncingSet.add(c.nodeId);
        for (const p of this.partitionsOfNode(c.nodeId)) this.putPartition({ ...p, resyncing: [...p.resyncing.filter((n) => n !== c.nodeId), c.nodeId], reconfigured: true });
      }
      return { type: 'registerNode', node, changed: true, resynced };
    };
  }

  private planReplicaChange(c: Extract<Command, { type: 'resyncReplica' | 'replicaReadmitted' | 'replicaRemoved' }>): MetadataError | Effect {
    const invalid = validateNodeId(c.nodeId);
    if (invalid) return invalid;
    if (c.type === 'replicaReadmitted' && c.groupId === CONTROLLER_GROUP) {
      return () => ({ type: c.type, groupId: c.groupId, nodeId: c.nodeId, changed: this.controllerResyncingSet.delete(c.nodeId) });
    }
    const p = this.partitionsByGroup.get(c.groupId);
    if (!p || p.deleted) return new MetadataError('UNKNOWN_PARTITION', `group ${c.groupId} is not a partition of a live topic`);
    const where = `${p.topic}-${p.partition} (group ${p.groupId}, replicas [${p.replicas.join(', ')}])`;
    switch (c.type) {
      case 'resyncReplica':
        if (!p.replicas.includes(c.nodeId) && !p.removing.includes(c.nodeId)) {
          return new MetadataError('INVALID_REPLICAS', `node ${c.nodeId} holds no replica of ${where} to resync`, p.topic);
        }
        return () => {
          const changed = !p.resyncing.includes(c.nodeId);
          if (changed) this.putPartition({ ...p, resyncing: [...p.resyncing, c.nodeId], reconfigured: true });
          return { type: c.type, groupId: c.groupId, nodeId: c.nodeId, changed };
        };
      case 'replicaReadmitted':
        return () => {
          const changed = p.resyncing.includes(c.nodeId);
          if (changed) this.putPartition({ ...p, resyncing: p.resyncing.filter((n) => n !== c.nodeId) });
          return { type: c.type, groupId: c.groupId, nodeId: c.nodeId, changed };
        };
      case 'replicaRemoved':
        if (p.replicas.includes(c.nodeId)) return new MetadataError('INVALID_REPLICAS', `node ${c.nodeId} is a target replica of ${where}; it is not being removed`, p.topic);
        return () => {
          const changed = p.removing.includes(c.nodeId);
          if (changed) this.putPartition({ ...p, removing: p.removing.filter((n) => n !== c.nodeId), resyncing: p.resyncing.filter((n) => n !== c.nodeId) });
          return { type: c.type, groupId: c.groupId, nodeId: c.nodeId, changed };
        };
    }
  }

  /** Replaces one partition (of a live topic) in its topic. */
  private putPartition(p: NewPartition): PartitionInfo {
    const partition = freezePartition(p);
    const topic = this.topicsById.get(p.topicId) as TopicInfo;
    const partitions = [...topic.partitions];
    partitions[p.partition] = partition;
    this.putTopic(freezeTopic({ ...topic, partitions }));
    return partition;
  }

  private planUnregisterNode(c: Extract<Command, { type: 'unregisterNode' }>): MetadataError | Effect {
    const node = this.nodesById.get(c.nodeId);
    if (!node) return validateNodeId(c.nodeId) ?? new MetadataError('UNKNOWN_NODE', `node ${c.nodeId} is not registered`);
    const hosted = this.partitionsOfNode(c.nodeId);
    if (hosted.length > 0) {
      const some = hosted.slice(0, 5).map((p) => `${p.topic}-${p.partition}`);
      return new MetadataError(
        'NODE_HAS_REPLICAS',
        `node ${c.nodeId} still holds replicas of ${hosted.length} partition(s) (${some.join(', ')}${hosted.length > 5 ? ', ...' : ''}); ` +
          `move them to other nodes with setPartitionReplicas (or delete their topics) before unregistering it`,
      );
    }
    return () => {
      this.nodesById.delete(c.nodeId);
      this.retiredSet.add(c.nodeId);
      this.controllerResyncingSet.delete(c.nodeId);
      return { type: 'unregisterNode', node };
    };
  }

  private planCreateTopic(c: Extract<Command, { type: 'createTopic' }>, index: number): MetadataError | Effect {
    const invalid = validateTopicName(c.name) ?? validatePartitionCount(c.partitions, c.name) ?? validateReplicationFactor(c.replicationFactor, this.nodeIds(), c.name);
    if (invalid) return invalid;
    const existing = this.topic(c.name);
    if (existing) {
      return new MetadataError('TOPIC_EXISTS', `topic "${c.name}" already exists (id ${existing.id}, ${existing.partitions.length} partitions)`, c.name);
    }
    const config = checkTopicConfig(c.config, c.replicationFactor, c.name);
    if (config instanceof MetadataError) return config;
    if (this.nextGroupId + c.partitions - 1 > MAX_GROUP_ID) {
      return new MetadataError(
        'IDS_EXHAUSTED',
        `topic "${c.name}" needs ${c.partitions} Raft groups but only ${MAX_GROUP_ID - this.nextGroupId + 1} group ids are left (they are u32 and never reused)`,
        c.name,
      );
    }
    return () => {
      const id = this.nextTopicId++;
      const assignment = assignReplicas(this.loads(), c.partitions, c.replicationFactor, id);
      const partitions = assignment.map((replicas, partition) =>
        freezePartition({ topicId: id, topic: c.name, partition, groupId: this.nextGroupId++, replicas, deleted: false }),
      );
      const topic = freezeTopic({ id, name: c.name, replicationFactor: c.replicationFactor, config, createdIndex: index, deletedIndex: 0, partitions });
      this.putTopic(topic);
      return { type: 'createTopic', topic };
    };
  }

  private planDeleteTopic(c: Extract<Command, { type: 'deleteTopic' }>, index: number): MetadataError | Effect {
    const topic = this.topic(c.name);
    if (!topic) return unknownTopic(c.name);
    return () => {
      const deleted = freezeTopic({
        ...topic,
        deletedIndex: index,
        partitions: topic.partitions.map((p) => freezePartition({ ...p, deleted: true })),
      });
      this.liveTopicIds.delete(topic.name);
      this.putTopic(deleted);
      return { type: 'deleteTopic', topic: deleted };
    };
  }

  private planSetPartitionReplicas(c: Extract<Command, { type: 'setPartitionReplicas' }>): MetadataError | Effect {
    const topic = this.topic(c.topic);
    if (!topic) return unknownTopic(c.topic);
    const current = Number.isInteger(c.partition) ? topic.partitions[c.partition] : undefined;
    if (!current) {
      return new MetadataError(
        'UNKNOWN_PARTITION',
        `topic "${c.topic}" has no partition ${c.partition} (its partitions are 0..${topic.partitions.length - 1})`,
        c.topic,
      );
    }
    const where = `replicas [${c.replicas.join(', ')}] of ${c.topic}-${c.partition}`;
    if (c.replicas.length === 0) return new MetadataError('INVALID_REPLICAS', `${where}: a partition needs at least one replica`, c.topic);
    for (const r of c.replicas) {
      if (validateNodeId(r)) return new MetadataError('INVALID_REPLICAS', `${where}: ${r} is not a node id (an integer >= 1)`, c.topic);
    }
    if (new Set(c.replicas).size !== c.replicas.length) return new MetadataError('INVALID_REPLICAS', `${where}: a node appears twice`, c.topic);
    const unknown = c.replicas.filter((r) => !this.nodesById.has(r));
    if (unknown.length > 0) {
      return new MetadataError(
        'UNKNOWN_NODE',
        `${where}: node(s) ${unknown.join(', ')} are not registered (registered: ${this.nodeIds().join(', ') || 'none'})`,
        c.topic,
      );
    }
    return () => {
      // The replicas dropped from the target stay members until the group's leader removes them.
      const removing = [...new Set([...current.replicas, ...current.removing])].filter((n) => !c.replicas.includes(n));
      const partition = this.putPartition({ ...current, replicas: [...c.replicas], removing, reconfigured: true });
      return { type: 'setPartitionReplicas', partition, previous: current.replicas };
    };
  }

  private planPurgeTopic(c: Extract<Command, { type: 'purgeTopic' }>): MetadataError | Effect {
    const topic = this.topicsById.get(c.topicId);
    if (!topic) return new MetadataError('UNKNOWN_TOPIC', `there is no topic with id ${c.topicId} (live or deleted)`);
    if (topic.deletedIndex === 0) {
      return new MetadataError('TOPIC_NOT_DELETED', `topic "${topic.name}" (id ${topic.id}) is live; delete it before purging it`, topic.name);
    }
    return () => {
      this.topicsById.delete(topic.id);
      for (const p of topic.partitions) this.partitionsByGroup.delete(p.groupId);
      return { type: 'purgeTopic', topic };
    };
  }

  private planInitProducer(c: Extract<Command, { type: 'initProducer' }>): MetadataError | Effect {
    const invalid = validateProducerName(c.producerName);
    if (invalid) return invalid;
    const known = c.producerName === '' ? undefined : this.producers.get(c.producerName);
    if (c.current && (known?.producerId !== c.current.producerId || known.producerEpoch !== c.current.producerEpoch)) {
      return new MetadataError(
        'PRODUCER_FENCED',
        `producer "${c.producerName}" asked for the epoch after ${c.current.producerEpoch} of id ${c.current.producerId}, but the name is at ` +
          (known ? `id ${known.producerId} epoch ${known.producerEpoch}` : 'no id') +
          ': a newer instance took it over; this one is fenced and must stop',
      );
    }
    const bump = known !== undefined && known.producerEpoch < MAX_PRODUCER_EPOCH;
    if (!bump && this.nextProducerId > Number.MAX_SAFE_INTEGER) {
      return new MetadataError('IDS_EXHAUSTED', 'no producer id is left to allocate');
    }
    return () => {
      // At the last epoch a name moves to a fresh id (as Kafka does), which the partitions have never seen.
      const record: ProducerRecord = bump && known
        ? { name: c.producerName, producerId: known.producerId, producerEpoch: known.producerEpoch + 1 }
        : { name: c.producerName, producerId: this.nextProducerId++, producerEpoch: 0 };
      if (c.producerName !== '') this.producers.set(c.producerName, record);
      return { type: 'initProducer', producerId: record.producerId, producerEpoch: record.producerEpoch };
    };
  }

  private planInitCluster(c: Extract<Command, { type: 'initCluster' }>): MetadataError | Effect {
    const invalid = validateClusterId(c.clusterId);
    if (invalid) return invalid;
    if (this.clusterIdValue !== '' && this.clusterIdValue !== c.clusterId) {
      return new MetadataError(
        'CLUSTER_ID_MISMATCH',
        `this cluster's id is ${this.clusterIdValue}, not ${c.clusterId}: a node of another cluster is joining it, or its data directory belongs elsewhere`,
      );
    }
    return () => {
      const changed = this.clusterIdValue === '';
      this.clusterIdValue = c.clusterId;
      return { type: 'initCluster', clusterId: c.clusterId, changed };
    };
  }

  private planAddPartitions(c: Extract<Command, { type: 'addPartitions' }>): MetadataError | Effect {
    const topic = this.topic(c.name);
    if (!topic) return unknownTopic(c.name);
    const current = topic.partitions.length;
    const invalid =
      validatePartitionCount(c.partitions, c.name) ??
      validatePartitionGrowth(c.partitions, current, c.name) ??
      validateReplicationFactor(topic.replicationFactor, this.nodeIds(), c.name);
    if (invalid) return invalid;
    const added = c.partitions - current;
    if (this.nextGroupId + added - 1 > MAX_GROUP_ID) {
      return new MetadataError(
        'IDS_EXHAUSTED',
        `topic "${c.name}" needs ${added} more Raft groups but only ${MAX_GROUP_ID - this.nextGroupId + 1} group ids are left (they are u32 and never reused)`,
        c.name,
      );
    }
    return () => {
      // The rotation continues the topic's: on an idle cluster the new partitions go on where its last one left off.
      const assignment = assignReplicas(this.loads(), added, topic.replicationFactor, topic.id + current);
      const partitions = [
        ...topic.partitions,
        ...assignment.map((replicas, i) =>
          freezePartition({ topicId: topic.id, topic: topic.name, partition: current + i, groupId: this.nextGroupId++, replicas, deleted: false }),
        ),
      ];
      const grown = freezeTopic({ ...topic, partitions });
      this.putTopic(grown);
      return { type: 'addPartitions', topic: grown, previousCount: current };
    };
  }

  private putTopic(topic: TopicInfo): void {
    this.topicsById.set(topic.id, topic);
    if (topic.deletedIndex === 0) this.liveTopicIds.set(topic.name, topic.id);
    for (const p of topic.partitions) this.partitionsByGroup.set(p.groupId, p);
  }

  /** Replica and preferred-leader counts of the registered nodes over live partitions, in node id order. */
  private loads(): NodeLoad[] {
    const replicas = new Map<NodeId, number>();
    const leaders = new Map<NodeId, number>();
    for (const p of this.livePartitions()) {
      for (const r of p.replicas) replicas.set(r, (replicas.get(r) ?? 0) + 1);
      leaders.set(p.replicas[0], (leaders.get(p.replicas[0]) ?? 0) + 1);
    }
    return this.nodeIds().map((node) => ({ node, replicas: replicas.get(node) ?? 0, leaders: leaders.get(node) ?? 0 }));
  }

  // -------------------------------------------------------------------------------------------
  // Snapshots

  /** The whole state as bytes; equal states give equal bytes. */
  snapshot(): Uint8Array {
    return encodeSnapshot(this.image());
  }

  /** Replaces the state with a Raft snapshot's (taken by snapshot() at snapshot.metadata.index). */
  restore(snapshot: Snapshot): void {
    const image = decodeSnapshot(snapshot.data);
    if (image.appliedIndex !== snapshot.metadata.index) {
      throw new MetadataError(
        'CORRUPT_SNAPSHOT',
        `controller snapshot holds the state at index ${image.appliedIndex} but is stored as the snapshot at index ${snapshot.metadata.index}`,
      );
    }
    this.load(image);
  }

  image(): MetadataImage {
    return {
      appliedIndex: this.applied,
      clusterId: this.clusterIdValue,
      nextTopicId: this.nextTopicId,
      nextGroupId: this.nextGroupId,
      nextProducerId: this.nextProducerId,
      nodes: this.nodes(),
      topics: [...this.topicsById.values()].sort((a, b) => a.id - b.id),
      producers: [...this.producers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      controllerResyncing: [...this.controllerResyncingSet].sort((a, b) => a - b),
      retiredNodes: [...this.retiredSet].sort((a, b) => a - b),
    };
  }

  private load(image: MetadataImage): void {
    this.applied = image.appliedIndex;
    this.clusterIdValue = image.clusterId;
    this.nextTopicId = image.nextTopicId;
    this.nextGroupId = image.nextGroupId;
    this.nextProducerId = image.nextProducerId;
    this.nodesById.clear();
    this.topicsById.clear();
    this.liveTopicIds.clear();
    this.partitionsByGroup.clear();
    this.producers.clear();
    this.controllerResyncingSet.clear();
    for (const n of image.controllerResyncing) this.controllerResyncingSet.add(n);
    this.retiredSet.clear();
    for (const n of image.retiredNodes) this.retiredSet.add(n);
    for (const n of image.nodes) this.nodesById.set(n.id, n);
    for (const t of image.topics) this.putTopic(t);
    for (const p of image.producers) this.producers.set(p.name, p);
  }

  // -------------------------------------------------------------------------------------------
  // Queries

  /** Registered node ids, ascending. */
  nodeIds(): NodeId[] {
    return [...this.nodesById.keys()].sort((a, b) => a - b);
  }

  /** Registered nodes, by id. */
  nodes(): NodeInfo[] {
    return this.nodeIds().map((id) => this.nodesById.get(id) as NodeInfo);
  }

  node(id: NodeId): NodeInfo | undefined {
    return this.nodesById.get(id);
  }

  /** The live topic of that name. */
  topic(name: string): TopicInfo | undefined {
    const id = this.liveTopicIds.get(name);
    return id === undefined ? undefined : this.topicsById.get(id);
  }

  /** Deleted topics not yet purged, by id. */
  deletedTopics(): TopicInfo[] {
    return [...this.topicsById.values()].filter((t) => t.deletedIndex !== 0).sort((a, b) => a.id - b.id);
  }

  /** A live or deleted (not yet purged) topic. */
  topicById(id: number): TopicInfo | undefined {
    return this.topicsById.get(id);
  }

  /** Throws MetadataError UNKNOWN_TOPIC if there is no live topic of that name. */
  describeTopic(name: string): TopicInfo {
    const topic = this.topic(name);
    if (!topic) throw unknownTopic(name);
    return topic;
  }

  /** Every setting of a live topic, defaults filled in. Throws MetadataError UNKNOWN_TOPIC. */
  topicConfig(name: string): TopicConfig {
    return resolveTopicConfig(this.describeTopic(name).config);
  }

  /** Live topics, by name. */
  listTopics(): TopicSummary[] {
    return [...this.liveTopicIds.keys()].sort().map((name) => {
      const t = this.topic(name) as TopicInfo;
      return { id: t.id, name: t.name, partitions: t.partitions.length, replicationFactor: t.replicationFactor };
    });
  }

  partition(topic: string, partition: number): PartitionInfo | undefined {
    return this.topic(topic)?.partitions[partition];
  }

  /** The partition a group belongs to (live or deleted). CONTROLLER_GROUP belongs to none. */
  partitionByGroup(groupId: number): PartitionInfo | undefined {
    return this.partitionsByGroup.get(groupId);
  }

  /** Partitions of live topics, by group id. */
  livePartitions(): PartitionInfo[] {
    return this.sortedPartitions((p) => !p.deleted);
  }

  /**
   * The partitions of live topics that `node` holds a replica of, or is being moved off (still a
   * member of the group). Any other partition group a node finds on its disk belongs to a deleted
   * topic or was moved away.
   */
  partitionsOfNode(node: NodeId): PartitionInfo[] {
    return this.sortedPartitions((p) => !p.deleted && (p.replicas.includes(node) || p.removing.includes(node)));
  }

  /** The partition groups `node` must run now: those it holds, less those it must wait to be readmitted to (resyncing). */
  groupsToRun(node: NodeId): PartitionInfo[] {
    return this.partitionsOfNode(node).filter((p) => !p.resyncing.includes(node));
  }

  /** Nodes whose controller seat awaits readmission (they lost their data), ascending. */
  controllerResyncing(): NodeId[] {
    return [...this.controllerResyncingSet].sort((a, b) => a - b);
  }

  /** Nodes removed from the cluster and not registered since, ascending. */
  retiredNodes(): NodeId[] {
    return [...this.retiredSet].sort((a, b) => a - b);
  }

  /** Live partitions whose membership is changing: a reassignment or a resync in progress. */
  reconfiguring(): PartitionInfo[] {
    return this.sortedPartitions((p) => !p.deleted && (p.removing.length > 0 || p.resyncing.length > 0));
  }

  /** Partitions of deleted, not yet purged topics, by group id: groups the servers must drop. */
  deletedPartitions(): PartitionInfo[] {
    return this.sortedPartitions((p) => p.deleted);
  }

  /** The id of a named producer and its current epoch. */
  producer(name: string): { producerId: number; producerEpoch: number } | undefined {
    const p = this.producers.get(name);
    return p && { producerId: p.producerId, producerEpoch: p.producerEpoch };
  }

  private sortedPartitions(keep: (p: PartitionInfo) => boolean): PartitionInfo[] {
    return [...this.partitionsByGroup.values()].filter(keep).sort((a, b) => a.groupId - b.groupId);
  }
}

function unknownTopic(name: string): MetadataError {
  return new MetadataError('UNKNOWN_TOPIC', `unknown topic ${JSON.stringify(name)}: no live topic has this name`, name);
}
