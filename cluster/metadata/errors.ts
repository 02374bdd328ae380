/**
 * Why the controller refused a command. Refusals are deterministic: every replica of the
 * controller reaches the same one for the same command against the same state, so a refusal is a
 * normal result of apply (the state is unchanged), not an exception.
 *
 *   INVALID_TOPIC_NAME         not [a-zA-Z0-9._-]{1,249}, or "." / ".."
 *   TOPIC_EXISTS               createTopic of a name a live topic has
 *   UNKNOWN_TOPIC              no live topic of that name (or id, for purgeTopic)
 *   TOPIC_NOT_DELETED          purgeTopic of a topic that is still live
 *   UNKNOWN_PARTITION          the topic has no partition of that number
 *   INVALID_PARTITIONS         partition count not an integer in 1..10,000; addPartitions to no
 *                              more than the topic's current count
 *   INVALID_REPLICATION_FACTOR replication factor not an integer >= 1
 *   NOT_ENOUGH_REPLICAS        replication factor larger than the number of registered nodes
 *   INVALID_CONFIG             unknown config key, a value of the wrong type or out of range, or
 *                              an attempt to alter a setting fixed at creation
 *   INVALID_REPLICAS           a replica list that is empty, repeats a node or has a bad node id
 *   INVALID_NODE               a node id or address that is not valid
 *   UNKNOWN_NODE               a node id that is not registered
 *   NODE_ADDRESS_IN_USE        another node is registered with that address
 *   NODE_HAS_REPLICAS          unregisterNode of a node that still holds replicas of live topics
 *   INVALID_PRODUCER_NAME      producer name longer than 249 characters
 *   INVALID_CLUSTER_ID         cluster id not [a-zA-Z0-9_-]{1,64}
 *   CLUSTER_ID_MISMATCH        initCluster with another id than the one already set
 *   PRODUCER_FENCED            initProducer bumping a name from an id and epoch it is no longer at
 *   IDS_EXHAUSTED              no group id (they are u32) or producer id left to allocate
 *   CORRUPT_COMMAND            the entry's bytes are not a well-formed command of a version
 *                              this node knows (every replica decodes the same bytes, so all
 *                              refuse it alike)
 *   UNSUPPORTED_VERSION        thrown, never returned: the entry was written by a newer version;
 *                              this node must be upgraded before it can apply the controller log
 *   CORRUPT_SNAPSHOT           thrown: snapshot bytes that do not decode
 */
export type MetadataErrorCode =
  | 'INVALID_TOPIC_NAME'
  | 'TOPIC_EXISTS'
  | 'UNKNOWN_TOPIC'
  | 'TOPIC_NOT_DELETED'
  | 'UNKNOWN_PARTITION'
  | 'INVALID_PARTITIONS'
  | 'INVALID_REPLICATION_FACTOR'
  | 'NOT_ENOUGH_REPLICAS'
  | 'INVALID_CONFIG'
  | 'INVALID_REPLICAS'
  | 'INVALID_NODE'
  | 'UNKNOWN_NODE'
  | 'NODE_ADDRESS_IN_USE'
  | 'NODE_HAS_REPLICAS'
  | 'INVALID_PRODUCER_NAME'
  | 'INVALID_CLUSTER_ID'
  | 'CLUSTER_ID_MISMATCH'
  | 'PRODUCER_FENCED'
  | 'IDS_EXHAUSTED'
  | 'CORRUPT_COMMAND'
  | 'UNSUPPORTED_VERSION'
  | 'CORRUPT_SNAPSHOT';

export class MetadataError extends Error {
  constructor(
    readonly code: MetadataErrorCode,
    message: string,
    /** The topic concerned, when there is one (the server puts it in the gRPC error). */
    readonly topic?: string,
  ) {
    super(message);
    this.name = 'MetadataError';
  }
}
