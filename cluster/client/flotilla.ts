import { Admin } from './admin';
import { Consumer } from './consumer';
import { Producer, type ProducerOptions } from './producer';
import { resolveRetry, type RetryOptions } from './retry';
import { Router } from './router';

export interface FlotillaOptions {
  /** Addresses (host:port) of some of the cluster's nodes; the others are discovered. */
  brokers: readonly string[];
  /** A name for this client in logs (default "flotilla-client"). */
  clientId?: string;
  /** Deadline of each request (default 30 s). A long poll adds its wait to this. */
  requestTimeoutMs?: number;
  /** Retries of retriable failures (leader changes, unavailable nodes). */
  retry?: RetryOptions;
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

  constructor(options: FlotillaOptions) {
    this.clientId = options.clientId ?? 'flotilla-client';
    const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    if (!(requestTimeoutMs > 0)) throw new RangeError(`requestTimeoutMs must be > 0 (got ${requestTimeoutMs})`);
    this.router = new Router({ brokers: options.brokers, requestTimeoutMs, retry: resolveRetry(options.retry) });
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

  /** Fetch, offset lookups, and follow(). */
  consumer(): Consumer {
    return new Consumer(this.router);
  }

  /** Flushes and closes every producer, then closes every connection; pending follows end with ClosedError. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.producers].map((p) => p.close()));
    this.producers.clear();
    this.router.close();
  }
}
