import { setMaxListeners } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { type FlotillaClient, META, type NodeDescription, OUTCOME, type PartitionDescription, type TopicDescription } from '../../proto/load';
import { ConnectionPool, unary } from './connections';
import {
  ClosedError,
  type ErrorContext,
  errorFromStatus,
  FlotillaError,
  type FlotillaErrorCode,
  NotLeaderError,
  toFlotillaError,
  writeOutcomeOf,
} from './errors';
import { doubtful, mergeDescriptions, namesLeader } from './metadata-views';
import { backoffMs, gaveUp, remainingMs, type ResolvedRetry, sleep } from './retry';

/** Redirects to a hinted leader that are followed at once, before backing off between them. */
const FREE_REDIRECTS = 3;
/** An idempotent read that has no answer after this long is also sent to the next broker. */
const HEDGE_AFTER_MS = 1000;
/** How long the other brokers get to name a leader the first answer did not know. */
const SECOND_OPINION_MS = 2000;
/** A broker a partition request could not get an answer from is asked for metadata last for this long. */
const SUSPECT_MS = 10_000;
/** At most one DescribeCluster to learn the cluster's nodes per this interval. */
const DISCOVERY_INTERVAL_MS = 10_000;

/** Failures that say the broker itself may be cut off, stopped or overloaded, not just wrong about a leader. */
const UNREACHABLE = new Set<FlotillaErrorCode>(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'TIMEOUT', 'SHUTTING_DOWN', 'NOT_ENOUGH_REPLICAS', 'CANCELLED']);

export interface RouterOptions {
  brokers: readonly string[];
  /** Deadline of each request (one attempt). */
  requestTimeoutMs: number;
  /** Deadline of a whole call, retries included. */
  callTimeoutMs: number;
  retry: ResolvedRetry;
  /**
   * A cached topic description older than this is refreshed in the background at its next use
   * (Kafka's metadata.max.age.ms), so that partitions added to a topic are seen; the cached one
   * serves meanwhile. Default DEFAULT_METADATA_MAX_AGE_MS.
   */
  metadataMaxAgeMs?: number;
}

/** Kafka's default metadata.max.age.ms. */
export const DEFAULT_METADATA_MAX_AGE_MS = 300_000;

/** Options of one call through the router. */
export interface CallOptions {
  /** Epoch ms at which the call gives up (default: now + callTimeoutMs). */
  deadline?: number;
  /** A write (create or delete topic): when it gives up after an attempt that may have landed, its error says the outcome is unknown. */
  write?: boolean;
  /** An idempotent read: a broker slow to answer does not hold it up, the next one is asked too. */
  hedge?: boolean;
}

/** One attempt of a call on one broker; `timeoutMs` is that attempt's deadline (what is left of the call's, at most requestTimeoutMs). */
export type Attempt<T> = (client: FlotillaClient, address: string, timeoutMs: number) => Promise<T>;

interface RefreshState {
  /** No DescribeTopic of this topic is sent before this time (epoch ms). */
  notBefore: number;
  /** Refreshes in a row that left a partition without a leader (they back off exponentially). */
  leaderless: number;
}

type Round<T> = { ok: true; value: T; address: string } | { ok: false; last: FlotillaError; fatal: boolean };

/**
 * Finds where a request must go and gets it there: caches topic metadata (partition leaders) and
 * the cluster's node addresses, follows NOT_LEADER hints without guessing, refreshes metadata when
 * there is no hint or no leader (at most once per backoff interval), does not take one broker's
 * "no leader" for the truth (the others are asked), asks brokers it could not reach last, and
 * retries retriable failures with jittered backoff until the call's deadline.
 */
export class Router {
  readonly pool = new ConnectionPool();
  readonly requestTimeoutMs: number;
  readonly callTimeoutMs: number;
  readonly retry: ResolvedRetry;
  readonly metadataMaxAgeMs: number;
  private readonly bootstrap: readonly string[];
  private readonly topics = new Map<string, TopicDescription>();
  /** When each cached description was fetched (epoch ms). */
  private readonly fetchedAt = new Map<string, number>();
  private readonly refreshes = new Map<string, RefreshState>();
  private readonly loading = new Map<string, Promise<TopicDescription>>();
  private readonly nodes = new Map<number, string>();
  /** Broker address -> when a partition request there last failed as if the broker were unreachable. */
  private readonly suspects = new Map<string, number>();
  /** The broker that last answered a call, tried first next time (unless suspect). */
  private preferred: string | undefined;
  private discoveredAt = 0;
  private readonly closing = new AbortController();

  constructor(options: RouterOptions) {
    if (options.brokers.length === 0) throw new RangeError('Flotilla needs at least one broker address (host:port)');
    for (const b of options.brokers) {
      if (!/^[^:\s]+:\d+$/.test(b)) throw new RangeError(`broker address "${b}" is not host:port`);
    }
    if (!(options.requestTimeoutMs > 0)) throw new RangeError(`requestTimeoutMs must be > 0 (got ${options.requestTimeoutMs})`);
    if (!(options.callTimeoutMs > 0)) throw new RangeError(`callTimeoutMs must be > 0 (got ${options.callTimeoutMs})`);
    this.bootstrap = [...options.brokers];
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.callTimeoutMs = options.callTimeoutMs;
    this.retry = options.retry;
    this.metadataMaxAgeMs = options.metadataMaxAgeMs ?? DEFAULT_METADATA_MAX_AGE_MS;
    if (!(this.metadataMaxAgeMs >= 0)) throw new RangeError(`metadataMaxAgeMs must be >= 0 (got ${options.metadataMaxAgeMs})`);
    // Every waiting call listens to it: many concurrent calls are normal, not a leak.
    setMaxListeners(0, this.closing.signal);
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

  /** The deadline of a call that starts now. */
  deadline(): number {
    return Date.now() + this.callTimeoutMs;
  }

  /** Remembers node addresses from a DescribeCluster answer, for leader lookups by node id. */
  learnNodes(nodes: readonly NodeDescription[]): void {
    for (const n of nodes) if (n.address) this.nodes.set(n.id, n.address);
  }

  /**
   * Runs a request that any node can serve (admin, metadata, InitProducer): tries the brokers in
   * turn (those it could not reach lately last), follows NOT_LEADER hints (the metadata group's
   * leader) at once, backs off between rounds, and gives up at the deadline.
   */
  async callAny<T>(op: Attempt<T>, context: ErrorContext = {}, options: CallOptions = {}): Promise<T> {
    const deadline = options.deadline ?? this.deadline();
    const startedAt = Date.now();
    let attempts = 0;
    let ambiguous = false;
    for (let round = 0; ; round++) {
      const result = await this.round(this.anyOrder(), op, context, deadline, options.hedge === true, (e) => {
        attempts++;
        if (mayHaveLanded(e)) ambiguous = true;
      });
      if (result.ok) {
        this.preferred = result.address;
        return result.value;
      }
      if (result.fatal) throw result.last;
      if (round >= this.retry.retries || remainingMs(deadline) === 0) {
        throw gaveUp(result.last, { startedAt, attempts, outcomeUnknown: options.write === true && ambiguous });
      }
      await sleep(Math.min(backoffMs(round, this.retry), remainingMs(deadline)), this.signal);
      if (remainingMs(deadline) === 0) throw gaveUp(result.last, { startedAt, attempts, outcomeUnknown: options.write === true && ambiguous });
    }
  }

  /**
   * One round over `candidates`: the first success wins. A failure moves on to the next broker at
   * once; a NOT_LEADER hint puts the hinted address next. With `hedge`, a broker that has not
   * answered within HEDGE_AFTER_MS does not hold the round up: the next one is asked as well.
   */
  private round<T>(
    candidates: string[],
    op: Attempt<T>,
    context: ErrorContext,
    deadline: number,
    hedge: boolean,
    onFailure: (e: FlotillaError) => void,
  ): Promise<Round<T>> {
    return new Promise((resolve) => {
      const queue = [...candidates];
      const tried = new Set<string>();
      let running = 0;
      let done = false;
      let last: FlotillaError | undefined;
      let timer: NodeJS.Timeout | undefined;
      const finish = (r: Round<T>) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(r);
      };
      const launch = () => {
        clearTimeout(timer);
        if (done) return;
        if (this.closed) {
          finish({ ok: false, last: new ClosedError('Flotilla client'), fatal: true });
          return;
        }
        while (queue.length > 0 && tried.has(queue[0])) queue.shift();
        const address = queue.shift();
        if (address === undefined) {
          if (running === 0) {
            finish({ ok: false, last: last ?? new FlotillaError('UNAVAILABLE', grpc.status.UNAVAILABLE, 'no broker answered', context), fatal: false });
          }
          return;
        }
        tried.add(address);
        running++;
        const timeoutMs = Math.max(1, Math.min(this.requestTimeoutMs, remainingMs(deadline)));
        let attempt: Promise<T>;
        try {
          attempt = op(this.client(address), address, timeoutMs);
        } catch (error) {
          attempt = Promise.reject(error);
        }
        attempt.then(
          (value) => {
            running--;
            finish({ ok: true, value, address });
          },
          (error: unknown) => {
            running--;
            const e = toFlotillaError(error, { ...context, broker: address });
            onFailure(e);
            if (done) return;
            last = e;
            if (!e.retriable) {
              finish({ ok: false, last: e, fatal: true });
              return;
            }
            if (UNREACHABLE.has(e.code)) this.suspect(address);
            if (e instanceof NotLeaderError && e.leaderAddress && !tried.has(e.leaderAddress) && tried.size <= candidates.length + FREE_REDIRECTS) {
              queue.unshift(e.leaderAddress);
            }
            if (remainingMs(deadline) === 0) {
              if (running === 0) finish({ ok: false, last: e, fatal: false });
              return;
            }
            launch();
          },
        );
        if (hedge && queue.length > 0) timer = setTimeout(launch, Math.min(HEDGE_AFTER_MS, timeoutMs));
      };
      launch();
    });
  }

  /**
   * Runs a request that only the partition's leader can serve (fetch, subscribe, offsets),
   * redirecting on NOT_LEADER, refreshing metadata when there is no leader or no hint, checking
   * once more with fresh metadata when a broker does not know the topic or partition, and
   * retrying retriable failures until the deadline.
   */
  async callPartition<T>(
    topic: string,
    partition: number,
    op: Attempt<T>,
    context: ErrorContext = {},
    options: CallOptions = {},
  ): Promise<T> {
    const deadline = options.deadline ?? this.deadline();
    const startedAt = Date.now();
    let last: FlotillaError | undefined;
    let redirects = 0;
    let attempts = 0;
    let rechecked = false;
    for (let attempt = 0; ; attempt++) {
      attempts++;
      let address: string | undefined;
      try {
        address = await this.leaderFor(topic, partition, deadline);
      } catch (error) {
        const e = toFlotillaError(error, { topic, partition, ...context });
        // The cached description may predate the partition (or the topic): look once more.
        if (isUnknownPlace(e) && !rechecked) {
          rechecked = true;
          this.invalidate(topic);
          attempt--;
          continue;
        }
        // The lookup already retried until the deadline: what this call last learnt about the
        // partition (no leader, say) tells the caller more than the lookup's own failure.
        throw e.retriable && last ? gaveUp(last, { startedAt, attempts }) : e;
      }
      if (address === undefined) {
        last = noLeaderError(topic, partition);
        this.noteFailure(topic, partition, last);
      } else {
        try {
          const result = await op(this.client(address), address, Math.max(1, Math.min(this.requestTimeoutMs, remainingMs(deadline))));
          this.suspects.delete(address);
          return result;
        } catch (error) {
          last = toFlotillaError(error, { topic, partition, ...context, broker: address });
          // A broker that does not know the partition may be behind (just restarted): ask fresh metadata once.
          if (isUnknownPlace(last) && !rechecked) {
            rechecked = true;
            this.invalidate(topic);
            attempt--;
            continue;
          }
          if (!last.retriable) throw last;
          if (this.noteFailure(topic, partition, last) && redirects++ < FREE_REDIRECTS) {
            attempt--;
            continue;
          }
        }
      }
      if (attempt >= this.retry.retries || remainingMs(deadline) === 0) throw gaveUp(last, { startedAt, attempts });
      await sleep(Math.min(backoffMs(attempt, this.retry), remainingMs(deadline)), this.signal);
      if (remainingMs(deadline) === 0) throw gaveUp(last, { startedAt, attempts });
    }
  }

  /**
   * Updates the cache after a partition request failed. Returns true when a NOT_LEADER hint named
   * another leader, i.e. when retrying at once is worthwhile. Otherwise the topic's description is
   * dropped, so that the next lookup asks again (no sooner than the refresh backoff allows), and a
   * broker that did not answer is asked for metadata last for a while.
   */
  noteFailure(topic: string, partition: number, error: FlotillaError): boolean {
    if (error.broker && UNREACHABLE.has(error.code)) this.suspect(error.broker);
    if (error instanceof NotLeaderError && error.leaderAddress) {
      const p = this.topics.get(topic)?.partitions.find((x) => x.partition === partition);
      if (p && p.leaderAddress !== error.leaderAddress) {
        p.leaderAddress = error.leaderAddress;
        p.leader = error.leaderId ?? p.leader;
        return true;
      }
    }
    this.invalidate(topic);
    return false;
  }

  /**
   * The cached description of a topic, or a fresh one (concurrent callers share one request).
   * A refresh waits out the topic's refresh backoff: it grows while partitions stay leaderless.
   */
  async topic(name: string, refresh = false, deadline?: number): Promise<TopicDescription> {
    if (!refresh) {
      const cached = this.cachedTopic(name);
      if (cached) return cached;
    }
    return this.load(name, deadline ?? this.deadline(), true);
  }

  /** A fresh description of a topic, asked now (no refresh backoff): for admin describeTopic. */
  describeTopic(name: string, deadline?: number): Promise<TopicDescription> {
    return this.load(name, deadline ?? this.deadline(), false);
  }

  /**
   * The cached description of a topic, without waiting. One older than metadataMaxAgeMs is
   * returned all the same, and a refresh is started (the next use sees its answer): this is how
   * partitions added to the topic come into view.
   */
  cachedTopic(name: string): TopicDescription | undefined {
    const cached = this.topics.get(name);
    if (cached && !this.loading.has(name) && Date.now() - (this.fetchedAt.get(name) ?? 0) >= this.metadataMaxAgeMs && !this.closed) {
      // A failure (the topic deleted, say) is for the calls that use the partitions to find out.
      this.load(name, this.deadline(), true).catch(() => undefined);
    }
    return cached;
  }

  /** Forgets everything about a topic (after it was created or deleted). */
  forgetTopic(name: string): void {
    this.topics.delete(name);
    this.fetchedAt.delete(name);
    this.refreshes.delete(name);
  }

  /** The client address of a partition's leader, refreshing metadata if it is not cached. */
  async leaderFor(topic: string, partition: number, deadline?: number): Promise<string | undefined> {
    const description = this.cachedTopic(topic) ?? (await this.topic(topic, false, deadline));
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

  // ---- metadata -------------------------------------------------------------------------------

  /** Drops a topic's cached description; its refresh backoff stays. */
  private invalidate(name: string): void {
    this.topics.delete(name);
  }

  private load(name: string, deadline: number, backoff: boolean): Promise<TopicDescription> {
    let pending = this.loading.get(name);
    if (!pending) {
      pending = this.fetchTopic(name, deadline, backoff).finally(() => this.loading.delete(name));
      this.loading.set(name, pending);
    }
    return pending;
  }

  private async fetchTopic(name: string, deadline: number, backoff: boolean): Promise<TopicDescription> {
    let state = this.refreshes.get(name);
    if (!state) {
      state = { notBefore: 0, leaderless: 0 };
      this.refreshes.set(name, state);
    }
    const wait = state.notBefore - Date.now();
    if (backoff && wait > 0) await sleep(Math.min(wait, remainingMs(deadline)), this.signal);
    const first = await this.callAny(
      (client, address, timeoutMs) =>
        unary(client, 'describeTopic', { name }, timeoutMs, { topic: name }).then((d) => ({ d, address })),
      { topic: name },
      { deadline, hedge: true },
    );
    let description = first.d;
    if (doubtful(description, this.suspectLeader).length > 0) description = await this.secondOpinions(name, first.d, first.address, deadline);
    for (const p of description.partitions) if (p.leader && p.leaderAddress) this.nodes.set(p.leader, p.leaderAddress);
    // Invariant: refreshes of a topic whose partitions stay leaderless back off exponentially.
    state.leaderless = description.partitions.some((p) => !namesLeader(p)) ? state.leaderless + 1 : 0;
    state.notBefore = Date.now() + (state.leaderless > 0 ? backoffMs(state.leaderless - 1, this.retry) : this.retry.initialBackoffMs);
    this.topics.set(name, description);
    this.fetchedAt.set(name, Date.now());
    return description;
  }

  /**
   * Asks the other known brokers (bootstrap list, nodes learnt from DescribeCluster and from
   * descriptions) about a topic whose first answer named no leader, or a leader this client could
   * not reach, for some partition; merges what they say (see mergeDescriptions). Ends as soon as
   * every partition has a credible leader, or after SECOND_OPINION_MS.
   */
  private async secondOpinions(name: string, first: TopicDescription, answeredBy: string, deadline: number): Promise<TopicDescription> {
    const budget = Math.min(this.requestTimeoutMs, SECOND_OPINION_MS, remainingMs(deadline));
    if (budget <= 0) return first;
    await this.discover(answeredBy, budget);
    const others = this.anyOrder().filter((a) => a !== answeredBy);
    if (others.length === 0) return first;
    const answers = [first];
    return new Promise((resolve) => {
      let pending = others.length;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(mergeDescriptions(answers, this.suspectLeader));
      };
      const timer = setTimeout(finish, budget);
      for (const address of others) {
        let asked: Promise<TopicDescription>;
        try {
          asked = unary(this.client(address), 'describeTopic', { name }, budget, { topic: name });
        } catch (error) {
          asked = Promise.reject(error);
        }
        asked
          .then(
            (d) => {
              answers.push(d);
              if (doubtful(mergeDescriptions(answers, this.suspectLeader), this.suspectLeader).length === 0) finish();
            },
            () => undefined,
          )
          .finally(() => {
            if (--pending === 0) finish();
          });
      }
    });
  }

  /** Learns the cluster's nodes from a broker (at most once per DISCOVERY_INTERVAL_MS). */
  private async discover(address: string, timeoutMs: number): Promise<void> {
    if (Date.now() - this.discoveredAt < DISCOVERY_INTERVAL_MS) return;
    this.discoveredAt = Date.now();
    try {
      const cluster = await unary(this.client(address), 'describeCluster', {}, timeoutMs, {});
      this.learnNodes(cluster.nodes);
    } catch {
      // Then the brokers already known are all there is to ask.
    }
  }

  private readonly suspectLeader = (p: PartitionDescription): boolean => {
    const address = this.addressOf(p);
    return address !== undefined && this.isSuspect(address);
  };

  private suspect(address: string): void {
    this.suspects.set(address, Date.now());
    if (this.preferred === address) this.preferred = undefined;
  }

  private isSuspect(address: string): boolean {
    const since = this.suspects.get(address);
    if (since === undefined) return false;
    if (Date.now() - since < SUSPECT_MS) return true;
    this.suspects.delete(address);
    return false;
  }

  /** Every known broker: the one that answered last, the bootstrap list, learnt nodes; suspects last, oldest suspicion first. */
  private anyOrder(): string[] {
    const all = new Set<string>();
    if (this.preferred) all.add(this.preferred);
    for (const b of this.bootstrap) all.add(b);
    for (const a of this.nodes.values()) all.add(a);
    const list = [...all];
    const suspects = list.filter((a) => this.isSuspect(a)).sort((a, b) => this.suspects.get(a)! - this.suspects.get(b)!);
    return [...list.filter((a) => !this.isSuspect(a)), ...suspects];
  }
}

/** Whether a failed write may have taken effect: the server said so, or no answer came back. */
function mayHaveLanded(e: FlotillaError): boolean {
  const outcome = e.details[META.outcome];
  if (outcome === OUTCOME.notWritten) return false;
  if (outcome === OUTCOME.unknown || e.outcomeUnknown) return true;
  switch (writeOutcomeOf(e.code)) {
    case 'unknown':
      return true;
    case 'unknown-once-connected':
      // A connection failure without a server answer: ambiguous unless the connection was never made.
      return e.details[META.error] === undefined && !/^no connection/.test(e.message);
    case 'not-written':
      return false;
  }
}

function isUnknownPlace(e: FlotillaError): boolean {
  return e.code === 'UNKNOWN_TOPIC' || e.code === 'UNKNOWN_PARTITION';
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
