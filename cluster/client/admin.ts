import type { ClusterDescription, TopicDescription, TopicSummary } from '../../proto/load';
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

/** Topic and cluster management. Any node answers; writes go through the metadata group's leader. */
export class Admin {
  constructor(private readonly router: Router) {}

  /** Creates a topic and returns its description. Fails with TopicExistsError if the name is taken. */
  async createTopic(options: CreateTopicOptions): Promise<TopicDescription> {
    let replicationFactor = options.replicationFactor;
    if (replicationFactor === undefined) {
      const cluster = await this.describeCluster();
      replicationFactor = Math.min(3, Math.max(1, cluster.nodes.length));
    }
    const request = {
      name: options.name,
      partitions: options.partitions ?? 1,
      replicationFactor,
      config: options.config ?? {},
    };
    const description = await this.router.callAny(
      (client) => unary(client, client.createTopic, request, this.router.requestTimeoutMs, { topic: options.name }),
      { topic: options.name },
    );
    this.router.forgetTopic(options.name);
    return description;
  }

  /** Deletes a topic and all its records. Fails with UnknownTopicError if there is no such topic. */
  async deleteTopic(name: string): Promise<void> {
    await this.router.callAny(
      (client) => unary(client, client.deleteTopic, { name }, this.router.requestTimeoutMs, { topic: name }),
      { topic: name },
    );
    this.router.forgetTopic(name);
  }

  /** Every topic, with its partition count and replication factor. */
  async listTopics(): Promise<TopicSummary[]> {
    const response = await this.router.callAny((client) =>
      unary(client, client.listTopics, {}, this.router.requestTimeoutMs, {}),
    );
    return response.topics;
  }

  /** A topic's partitions: leaders, replicas, in-sync replicas, offsets. Always asks (and refreshes the client's cache). */
  describeTopic(name: string): Promise<TopicDescription> {
    return this.router.topic(name, true);
  }

  /** The cluster's id, its nodes and which of them are alive, and the metadata group's leader. */
  async describeCluster(): Promise<ClusterDescription> {
    const cluster = await this.router.callAny((client) =>
      unary(client, client.describeCluster, {}, this.router.requestTimeoutMs, {}),
    );
    this.router.learnNodes(cluster.nodes);
    return cluster;
  }
}
