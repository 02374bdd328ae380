import * as grpc from '@grpc/grpc-js';
import { type FlotillaClient, META, type NodeDescription, type TopicDescription } from '../../proto/load';
import { ConnectionPool, unary } from './connections';
import {
  ClosedError,
  type ErrorContext,
  errorFromStatus,
  FlotillaError,
  NotLeaderError,
  toFlotillaError,
} from './errors';
import { backoffMs, type ResolvedRetry, sleep } from './retry';

/** Redirects to a hinted leader that are followed at once, before backing off between them. */
const FREE_REDIRECTS = 3;

export interface RouterOptions {
  brokers: readonly string[];
  requestTimeoutMs: number;
  retry: ResolvedRetry;
}

/**
 * Finds where a request must go and gets it there: caches topic metadata (partition leaders) and
 * the cluster's node addresses, follows NOT_LEADER hints without guessing, refreshes metadata when
 * there is no hint, and retries retriable failures with jittered backoff.
 */
export class Router {
  readonly pool = new ConnectionPool();
  readonly requestTimeoutMs: number;
  readonly retry: ResolvedRetry;
  private readonly bootstrap: readonly string[];
  private readonly topics = new Map<string, TopicDescription>();
  private readonly loading = new Map<string, Promise<TopicDescription>>();
  private readonly nodes = new Map<number, string>();
  /** The broker that last answered an admin call, tried first next time. */
  private preferred: string | undefined;
  private readonly closing = new AbortController();

  constructor(options: RouterOptions) {
    if (options.brokers.length === 0) throw new RangeError('Flotilla needs at least one broker address (host:port)');
    for (const b of options.brokers) {
      if (!/^[^:\s]+:\d+$/.test(b)) throw new RangeError(`broker address "${b}" is not host:port`);
    }
    this.bootstrap = [...options.brokers];
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.retry = options.retry;
  }

  /** Aborts when the client closes; every wait in the client listens to it. */
  get signal(): AbortSignal {
    return this.closing.signal;
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  close(): void {
    if (this.closed) return;
    this.closing.abort(new ClosedError('Flotilla client'));
    this.pool.close();
  }

  client(address: string): FlotillaClient {
    if (this.closed) throw new ClosedError('Flotilla client');
    return this.pool.get(address);
  }

  /** Remembers node addresses from a DescribeCluster answer, for leader lookups by node id. */
  learnNodes(nodes: readonly NodeDescription[]): void {
    for (const n of nodes) if (n.address) this.nodes.set(n.id, n.address);
  }

  /**
   * Runs a request that any node can serve (admin, metadata, InitProducer): tries the brokers in
   * turn, follows NOT_LEADER hints (the metadata group's leader), backs off between rounds.
   */
  async callAny<T>(op: (client: FlotillaClient, address: string) => Promise<T>, context: ErrorContext = {}): Promise<T> {
    let last: FlotillaError | undefined;
    let hinted: string | undefined;
    let redirects = 0;
    for (let attempt = 0; attempt <= this.retry.retries; attempt++) {
      const candidates = hinted ? [hinted] : this.anyOrder();
      hinted = undefined;
      for (const address of candidates) {
        if (this.closed) throw new ClosedError('Flotilla client');
        try {
          const result = await op(this.client(address), address);
          this.preferred = address;
          return result;
        } catch (error) {
          last = toFlotillaError(error, { ...context, broker: address });
          if (!last.retriable) throw last;
          if (last instanceof NotLeaderError && last.leaderAddress && last.leaderAddress !== address) {
            hinted = last.leaderAddress;
            break;
          }
        }
      }
      if (hinted && redirects++ < FREE_REDIRECTS) continue;
      await sleep(backoffMs(attempt, this.retry), this.signal);
    }
    throw last ?? new FlotillaError('UNAVAILABLE', grpc.status.UNAVAILABLE, 'no broker answered', context);
  }

  /**
   * Runs a request that only the partition's leader can serve (produce, fetch, subscribe,
   * offsets), redirecting on NOT_LEADER and retrying retriable failures.
   */
  async callPartition<T>(
    topic: string,
    partition: number,
    op: (client: FlotillaClient, address: string) => Promise<T>,
    context: ErrorContext = {},
  ): Promise<T> {
    let last: FlotillaError | undefined;
    let redirects = 0;
    for (let attempt = 0; attempt <= this.retry.retries; attempt++) {
      const address = await this.leaderFor(topic, partition);
      if (address === undefined) {
        last = noLeaderError(topic, partition);
      } else {
        try {
          return await op(this.client(address), address);
        } catch (error) {
          last = toFlotillaError(error, { topic, partition, ...context, broker: address });
          if (!last.retriable) throw last;
          if (this.noteFailure(topic, partition, last) && redirects++ < FREE_REDIRECTS) {
            attempt--;
            continue;
          }
        }
      }
      if (attempt < this.retry.retries) await sleep(backoffMs(attempt, this.retry), this.signal);
    }
    throw last;
  }

  /**
   * Updates the cache after a partition request failed. Returns true when a NOT_LEADER hint named
   * another leader, i.e. when retrying at once is worthwhile.
   */
  noteFailure(topic: string, partition: number, error: FlotillaError): boolean {
    if (error instanceof NotLeaderError && error.leaderAddress) {
      const p = this.topics.get(topic)?.partitions.find((x) => x.partition === partition);
      if (p && p.leaderAddress !== error.leaderAddress) {
        p.leaderAddress = error.leaderAddress;
        p.leader = error.leaderId ?? p.leader;
        return true;
      }
    }
    // No usable hint: the cached leader is wrong or gone; ask again before the next attempt.
    this.topics.delete(topic);
    return false;
  }

  /** The cached description of a topic, or a fresh one (concurrent callers share one request). */
  async topic(name: string, refresh = false): Promise<TopicDescription> {
    if (!refresh) {
      const cached = this.topics.get(name);
      if (cached) return cached;
    }
    let pending = this.loading.get(name);
    if (!pending) {
      pending = this.callAny(
        (client) => unary(client, client.describeTopic, { name }, this.requestTimeoutMs, { topic: name }),
        { topic: name },
      ).finally(() => this.loading.delete(name));
      this.loading.set(name, pending);
    }
    const description = await pending;
    this.topics.set(name, description);
    return description;
  }

  /** The cached description of a topic, without asking. */
  cachedTopic(name: string): TopicDescription | undefined {
    return this.topics.get(name);
  }

  forgetTopic(name: string): void {
    this.topics.delete(name);
  }

  /** The client address of a partition's leader, refreshing metadata if it is not cached. */
  async leaderFor(topic: string, partition: number): Promise<string | undefined> {
    let description = this.topics.get(topic);
    if (!description) description = await this.topic(topic);
    const p = description.partitions.find((x) => x.partition === partition);
    if (!p) throw unknownPartition(topic, partition, description.partitions.length);
    return this.addressOf(p);
  }

  /** The leader's client address from a partition description, or from the known node addresses. */
  addressOf(p: { leader: number; leaderAddress: string }): string | undefined {
    if (p.leaderAddress) return p.leaderAddress;
    if (p.leader) return this.nodes.get(p.leader);
    return undefined;
  }

  private anyOrder(): string[] {
    const all = new Set<string>();
    if (this.preferred) all.add(this.preferred);
    for (const b of this.bootstrap) all.add(b);
    for (const a of this.nodes.values()) all.add(a);
    return [...all];
  }
}

function noLeaderError(topic: string, partition: number): FlotillaError {
  return errorFromStatus(
    grpc.status.UNAVAILABLE,
    `topic ${topic} partition ${partition} has no leader yet; retry once an election is over`,
    { [META.error]: 'NO_LEADER' },
    { topic, partition },
  );
}

function unknownPartition(topic: string, partition: number, count: number): FlotillaError {
  return errorFromStatus(
    grpc.status.NOT_FOUND,
    `topic ${topic} has no partition ${partition}: it has ${count} (0 to ${count - 1})`,
    { [META.error]: 'UNKNOWN_PARTITION' },
    { topic, partition },
  );
}
