import type { ClusterDescription, PartitionMove, TopicDescription, TopicSummary } from '../../proto/load';
import { unary } from './connections';
import type { Router } from './router';

export interface CreateTopicOptions {
  name: string;
  /** Number of partitions (default 1). */
  partitions?: number;
  /** Replicas per partition, at most the number of nodes (default 3, or 1 on a one-node cluster). */
  replicationFactor?: number;
  config?: Record<string, string>;
}

/**
 * Topic and cluster management. Any node answers; writes go through the metadata group's leader.
 * Every call ends by the client's callTimeoutMs; a create or delete that gives up after an attempt
 * whose answer was lost fails with `outcomeUnknown` set (the topic may or may not exist).
 */
export class Admin {
  constructor(private readonly router: Router) {}

  /** Creates a topic and returns its description. Fails with TopicExistsError if the name is taken. */
  async createTopic(options: CreateTopicOptions): Promise<TopicDescription> {
    const request = {
      name: options.name,
      partitions: options.partitions ?? 1,
      // 0 = the cluster's default, min(3, its nodes): the server knows every node of its peer
      // list, while a client asking DescribeCluster on a starting cluster may see fewer.
      replicationFactor: options.replicationFactor ?? 0,
      config: options.config ?? {},
    };
    const description = await this.router.callAny(
      (client, _address, timeoutMs) => unary(client, 'createTopic', request, timeoutMs, { topic: options.name }),
      { topic: options.name },
      { write: true },
    );
    this.router.forgetTopic(options.name);
    return description;
  }

  /**
   * Grows a topic to `partitions` in all (Kafka's createPartitions / `kafka-topics --alter
   * --partitions`) and returns its description. The existing partitions keep their records; keyed
   * records sent afterwards hash over the new count, so a key's new records may go to another
   * partition than its earlier ones (as in Kafka). Fails with InvalidRequestError (code
   * INVALID_CONFIG) naming the current count if `partitions` is not more than it, UnknownTopicError if there is no such topic.
   */
  async createPartitions(name: string, partitions: number): Promise<TopicDescription> {
    const description = await this.router.callAny(
      (client, _address, timeoutMs) => unary(client, 'createPartitions', { name, partitions }, timeoutMs, { topic: name }),
      { topic: name },
      { write: true },
    );
    this.router.forgetTopic(name);
    return description;
  }

  /** Deletes a topic and all its records. Fails with UnknownTopicError if there is no such topic. */
  async deleteTopic(name: string): Promise<void> {
    await this.router.callAny(
      (client, _address, timeoutMs) => unary(client, 'deleteTopic', { name }, timeoutMs, { topic: name }),
      { topic: name },
      { write: true },
    );
    this.router.forgetTopic(name);
  }

  /**
   * Moves a partition's replicas to `replicas` (the first becomes its preferred leader), online:
   * the partition's leader adds the new ones as learners, promotes them once caught up, then
   * removes the old ones. Answers once the target is recorded; describeTopic shows the progress
   * (settled when removingReplicas is empty and every target replica is in sync).
   */
  async reassignPartition(topic: string, partition: number, replicas: number[]): Promise<TopicDescription> {
    const description = await this.router.callAny(
      (client, _address, timeoutMs) => unary(client, 'reassignPartition', { topic, partition, replicas }, timeoutMs, { topic }),
      { topic },
      { write: true },
    );
    this.router.forgetTopic(topic);
    return description;
  }

  /** Moves every replica off `node` (see reassignPartition); answers the moves it started. */
  async drainNode(node: number): Promise<PartitionMove[]> {
    const r = await this.router.callAny((client, _address, timeoutMs) => unary(client, 'drainNode', { node }, timeoutMs, {}), {}, { write: true });
    return r.moves;
  }

  /** Removes a node that holds no replica any more from the cluster. */
  async removeNode(node: number): Promise<void> {
    await this.router.callAny((client, _address, timeoutMs) => unary(client, 'removeNode', { node }, timeoutMs, {}), {}, { write: true });
  }

  /** Every topic, with its partition count and replication factor. */
  async listTopics(): Promise<TopicSummary[]> {
    const response = await this.router.callAny(
      (client, _address, timeoutMs) => unary(client, 'listTopics', {}, timeoutMs, {}),
      {},
      { hedge: true },
    );
    return response.topics;
  }

  /**
   * A topic's partitions: leaders, replicas, in-sync replicas, offsets. Always asks (and refreshes
   * the client's cache); a partition one node knows no leader for is asked of the other nodes.
   */
  describeTopic(name: string): Promise<TopicDescription> {
    return this.router.describeTopic(name);
  }

  /** The cluster's id, its nodes and which of them are alive, and the metadata group's leader. */
  async describeCluster(): Promise<ClusterDescription> {
    const cluster = await this.router.callAny(
      (client, _address, timeoutMs) => unary(client, 'describeCluster', {}, timeoutMs, {}),
      {},
      { hedge: true },
    );
    this.router.learnNodes(cluster.nodes);
    return cluster;
  }
}
