import { Admin } from './admin';
import { Consumer } from './consumer';
import { GroupConsumer, type GroupConsumerOptions } from './consumer-group';
import { GroupAdmin } from './group-admin';
import { Producer, type ProducerOptions } from './producer';
import { resolveRetry, type RetryOptions } from './retry';
import { Router } from './router';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;

export interface FlotillaOptions {
  /** Addresses (host:port) of some of the cluster's nodes; the others are discovered. */
  brokers: readonly string[];
  /** A name for this client in logs (default "flotilla-client"). */
  clientId?: string;
  /** Deadline of each request, i.e. of one attempt (default 30 s). A long poll adds its wait to this. */
  requestTimeoutMs?: number;
  /**
   * Deadline of each call, retries and elections included (default 60 s): an admin call, a fetch,
   * an offset lookup, a metadata lookup, a follow() that cannot (re)subscribe. A call that runs
   * out fails with its last error, saying what was not known and for how long it was tried.
   */
  callTimeoutMs?: number;
  /** Retries of retriable failures (leader changes, unavailable nodes), within callTimeoutMs. */
  retry?: RetryOptions;
  /**
   * A topic's cached metadata older than this is refreshed at its next use (default 5 minutes, as
   * Kafka's metadata.max.age.ms): partitions added to a topic (admin().createPartitions) are seen
   * by producers and consumers of other clients after at most about this long.
   */
  metadataMaxAgeMs?: number;
}

/**
 * A connection to a Flotilla cluster. Cheap handles for admin, producing and consuming share its
 * connections (one gRPC channel per node) and its metadata cache (partition leaders). Close it
 * when done: open channels keep the process alive.
 *
 * ```ts
 * const flotilla = new Flotilla({ brokers: ['127.0.0.1:7001'] });
 * const producer = flotilla.producer();
 * await producer.send({ topic: 'orders', key: 'customer-1', value: 'created' });
 * await flotilla.close();
 * ```
 */
export class Flotilla {
  readonly clientId: string;
  private readonly router: Router;
  private readonly producers = new Set<Producer>();
  private readonly groupConsumers = new Set<GroupConsumer>();

  constructor(options: FlotillaOptions) {
    this.clientId = options.clientId ?? 'flotilla-client';
    const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.router = new Router({ brokers: options.brokers, requestTimeoutMs, callTimeoutMs, retry: resolveRetry(options.retry), metadataMaxAgeMs: options.metadataMaxAgeMs });
  }

  /** Topic and cluster management. */
  admin(): Admin {
    return new Admin(this.router);
  }

  /** A batching, pipelining producer (idempotent by default). Close it (or the client) when done. */
  producer(options: ProducerOptions = {}): Producer {
    const producer = new Producer(this.router, options, () => this.producers.delete(producer));
    this.producers.add(producer);
    return producer;
  }

  /**
   * Without options: fetch, offset lookups, and follow(). With a groupId: a member of that
   * consumer group (subscribe, run / messages(), commits; see GroupConsumer).
   */
  consumer(): Consumer;
  consumer(options: GroupConsumerOptions): GroupConsumer;
  consumer(options?: GroupConsumerOptions): Consumer | GroupConsumer {
    if (!options) return new Consumer(this.router);
    const member = new GroupConsumer(this.router, options, this.clientId);
    this.groupConsumers.add(member);
    return member;
  }

  /** Consumer group administration: list, describe with lag, reset offsets, delete. */
  groups(): GroupAdmin {
    return new GroupAdmin(this.router);
  }

  /** Flushes and closes every producer, then closes every connection; pending follows end with ClosedError. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.groupConsumers].map((c) => c.close()));
    this.groupConsumers.clear();
    await Promise.allSettled([...this.producers].map((p) => p.close()));
    this.producers.clear();
    this.router.close();
  }
}
