import * as grpc from '@grpc/grpc-js';
import { META, type FetchResponse, type OffsetSpec } from '../../proto/load';
import { unary } from './connections';
import { ClosedError, errorFromStatus, type FlotillaError, toFlotillaError } from './errors';
import { RecordBatchError } from '../records';
import { type ConsumedRecord, recordsOfBatches } from './records';
import { backoffMs, gaveUp, sleep } from './retry';
import type { Router } from './router';

/** A subscription that ends after being open this long had been accepted (refusals come back at once). */
const ACCEPTED_SUBSCRIPTION_MS = 1000;

export interface FetchOptions {
  topic: string;
  partition: number;
  offset: number;
  /** Upper bound on the answer's size (default: the server's, 1 MiB); at least one record comes back. */
  maxBytes?: number;
  /** Long poll: wait up to this long for records past `offset` (default 0: answer at once). */
  maxWaitMs?: number;
  minBytes?: number;
}

export interface FetchResult {
  records: ConsumedRecord[];
  /** Records below it are committed; it is where a caught-up reader's next fetch starts. */
  highWatermark: number;
  logStartOffset: number;
}

/** 'earliest' (the log start), 'latest' (the log end, the next offset to be written), or a time. */
export type OffsetQuery = 'earliest' | 'latest' | { timestamp: number | Date };

export interface FollowOptions {
  topic: string;
  partition: number;
  /** An offset, or 'earliest' / 'latest' (default 'latest'). */
  fromOffset?: number | 'earliest' | 'latest';
  /** Upper bound on each pushed batch (default: the server's). */
  maxBytes?: number;
  /** Stops the iteration (it then returns normally). */
  signal?: AbortSignal;
}

/** Reads partitions: one-shot fetches, offset lookups, and following a partition as it grows. */
export class Consumer {
  constructor(private readonly router: Router) {}

  /**
   * The partition numbers of a topic (Kafka's partitionsFor), from the client's metadata cache:
   * partitions added to the topic are listed once the cached description is refreshed (it is
   * after metadataMaxAgeMs, or at once after this client's own admin().createPartitions).
   */
  async partitionsFor(topic: string): Promise<number[]> {
    const description = await this.router.topic(topic);
    return description.partitions.map((p) => p.partition).sort((a, b) => a - b);
  }

  /** Reads committed records of one partition from `offset`, from its leader. */
  async fetch(options: FetchOptions): Promise<FetchResult> {
    const { topic, partition, offset } = options;
    checkOffset(offset, topic, partition);
    const maxWaitMs = options.maxWaitMs ?? 0;
    // A long poll's wait is added to each attempt's deadline and to the call's.
    const response = await this.router.callPartition(
      topic,
      partition,
      (client, _address, timeoutMs) =>
        unary(
          client,
          'fetch',
          { topic, partition, offset, maxBytes: options.maxBytes ?? 0, maxWaitMs, minBytes: options.minBytes ?? 0 },
          timeoutMs + maxWaitMs,
          { topic, partition, offset },
        ),
      { offset },
      { deadline: this.router.deadline() + maxWaitMs },
    );
    return {
      records: decodeFetched(topic, partition, response.recordBatches, offset),
      highWatermark: response.highWatermark,
      logStartOffset: response.logStartOffset,
    };
  }

  /** Looks up an offset of one partition: its start, its end (linearizable), or the first at a time. */
  async listOffsets(options: { topic: string; partition: number; spec: OffsetQuery }): Promise<number> {
    const { topic, partition, spec } = options;
    let wireSpec: OffsetSpec;
    let timestampMs = 0;
    if (spec === 'earliest') wireSpec = 'OFFSET_SPEC_EARLIEST';
    else if (spec === 'latest') wireSpec = 'OFFSET_SPEC_LATEST';
    else {
      wireSpec = 'OFFSET_SPEC_TIMESTAMP';
      timestampMs = spec.timestamp instanceof Date ? spec.timestamp.getTime() : spec.timestamp;
    }
    const response = await this.router.callPartition(topic, partition, (client, _address, timeoutMs) =>
      unary(client, 'listOffsets', { topic, partition, spec: wireSpec, timestampMs }, timeoutMs, { topic, partition }),
    );
    return response.offset;
  }

  /**
   * Yields every record of a partition from `fromOffset` on, in offset order, as it is committed,
   * forever (until the signal aborts, the loop breaks, or a non-retriable error is thrown). When
   * leadership moves or the stream breaks, it resubscribes at the next offset it has not yielded,
   * so nothing is skipped or repeated. It gives up (with the last error) once it has failed to
   * subscribe for the client's callTimeoutMs, or retry.retries times in a row.
   */
  async *follow(options: FollowOptions): AsyncGenerator<ConsumedRecord, void, undefined> {
    const { topic, partition } = options;
    const from = options.fromOffset ?? 'latest';
    let next = typeof from === 'number' ? from : await this.listOffsets({ topic, partition, spec: from });
    checkOffset(next, topic, partition);
    let failures = 0;
    let failingSince: number | undefined;
    let redirects = 0;
    while (!options.signal?.aborted) {
      if (this.router.closed) throw new ClosedError('Flotilla client');
      const address = await this.router.leaderFor(topic, partition);
      let failure: FlotillaError | undefined;
      const attemptStarted = Date.now();
      if (address === undefined) {
        failure = errorFromStatus(grpc.status.UNAVAILABLE, `topic ${topic} partition ${partition} has no leader yet`, { [META.error]: 'NO_LEADER' }, { topic, partition });
      } else {
        const call = this.router
          .client(address)
          .subscribe({ topic, partition, offset: next, maxBytes: options.maxBytes ?? 0 });
        const stop = () => call.cancel();
        let received = false;
        options.signal?.addEventListener('abort', stop, { once: true });
        this.router.signal.addEventListener('abort', stop, { once: true });
        try {
          for await (const batch of call as AsyncIterable<FetchResponse>) {
            // A resubscription may repeat what was already yielded: records below `next` are skipped.
            for (const wire of decodeFetched(topic, partition, batch.recordBatches, next, address)) {
              if (wire.offset !== next) {
                throw errorFromStatus(
                  grpc.status.INTERNAL,
                  `topic ${topic} partition ${partition}: expected offset ${next} from the server, got ${wire.offset}`,
                  {},
                  { topic, partition, broker: address },
                );
              }
              next = wire.offset + 1;
              received = true;
              failures = 0;
              failingSince = undefined;
              redirects = 0;
              yield wire;
            }
          }
          // The server ended the stream without a status: follow on from the next offset, at once
          // if it had been delivering, else after a backoff (a server that keeps doing this).
          if (!received) {
            failure = errorFromStatus(grpc.status.UNAVAILABLE, 'the server ended the subscription', {}, { topic, partition, broker: address });
          }
        } catch (error) {
          const e = toFlotillaError(error, { topic, partition, offset: next, broker: address });
          if (e.code === 'CANCELLED' && (options.signal?.aborted || this.router.closed)) return;
          if (!e.retriable) throw e;
          failure = e;
        } finally {
          call.cancel();
          options.signal?.removeEventListener('abort', stop);
          this.router.signal.removeEventListener('abort', stop);
        }
      }
      if (failure) {
        // A subscription that stayed open a while was accepted: a failure after it starts a new streak.
        if (Date.now() - attemptStarted >= ACCEPTED_SUBSCRIPTION_MS) {
          failures = 0;
          failingSince = undefined;
        }
        failingSince ??= Date.now();
        if (this.router.noteFailure(topic, partition, failure) && redirects++ < 3) continue;
        const left = failingSince + this.router.callTimeoutMs - Date.now();
        if (failures >= this.router.retry.retries || left <= 0) throw gaveUp(failure, { startedAt: failingSince, attempts: failures + 1 });
        try {
          const signals = options.signal ? [options.signal, this.router.signal] : [this.router.signal];
          await sleep(Math.min(left, backoffMs(failures++, this.router.retry)), AbortSignal.any(signals));
        } catch {
          if (options.signal?.aborted) return;
          throw new ClosedError('Flotilla client');
        }
      }
    }
  }
}

function checkOffset(offset: number, topic: string, partition: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw errorFromStatus(grpc.status.INVALID_ARGUMENT, `offset must be an integer >= 0 (got ${offset})`, { [META.error]: 'INVALID_REQUEST' }, { topic, partition });
  }
}

/** The records of fetched batches from `from` on; a damaged batch is a DATA_LOSS error naming the partition, never records. */
function decodeFetched(topic: string, partition: number, bytes: Buffer, from: number, broker?: string): ConsumedRecord[] {
  try {
    return recordsOfBatches(topic, partition, bytes, from);
  } catch (e) {
    if (!(e instanceof RecordBatchError)) throw e;
    throw errorFromStatus(grpc.status.DATA_LOSS, `topic ${topic} partition ${partition}: a fetched ${e.message}; nothing from it was returned`, { [META.error]: 'INTERNAL' }, { topic, partition, broker });
  }
}
