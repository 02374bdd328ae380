import { type ErrorContext, FlotillaError } from './errors';

/** How a client retries calls that failed with a retriable error. */
export interface RetryOptions {
  /** Attempts after the first before giving up (default 20); a call also gives up at its deadline (callTimeoutMs). */
  retries?: number;
  /** The first backoff (default 50 ms); it doubles per attempt, with jitter. */
  initialBackoffMs?: number;
  /** The largest backoff (default 1000 ms). */
  maxBackoffMs?: number;
}

export type ResolvedRetry = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetry = { retries: 20, initialBackoffMs: 50, maxBackoffMs: 1000 };

export function resolveRetry(options: RetryOptions | undefined): ResolvedRetry {
  const r = { ...DEFAULT_RETRY, ...stripUndefined(options ?? {}) };
  if (!(r.retries >= 0) || !(r.initialBackoffMs >= 0) || !(r.maxBackoffMs >= r.initialBackoffMs)) {
    throw new RangeError(
      `invalid retry options ${JSON.stringify(options)}: need retries >= 0 and 0 <= initialBackoffMs <= maxBackoffMs`,
    );
  }
  return r;
}

/**
 * The wait before retry number `attempt` (0-based): exponential, capped, with "equal jitter"
 * (half fixed, half random) so that many clients failing together do not retry in lockstep.
 */
export function backoffMs(attempt: number, retry: ResolvedRetry, random: () => number = Math.random): number {
  const base = Math.min(retry.maxBackoffMs, retry.initialBackoffMs * 2 ** Math.min(attempt, 30));
  return base / 2 + random() * (base / 2);
}

/** Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Milliseconds left before `deadline` (epoch ms), never negative. */
export function remainingMs(deadline: number): number {
  return Math.max(0, deadline - Date.now());
}

/** What a call that gives up was doing, for its final error. */
export interface GiveUp {
  startedAt: number;
  attempts: number;
  /** The call was a write that may have taken effect although no attempt got an answer. */
  outcomeUnknown?: boolean;
}

/**
 * The error a call ends with once retries or its deadline run out: the last failure (same class
 * and code, so callers can still switch on it), saying what was not known, for how long it was
 * tried, and whether the outcome is unknown.
 */
export function gaveUp(last: FlotillaError, g: GiveUp): FlotillaError {
  const seconds = ((Date.now() - g.startedAt) / 1000).toFixed(1);
  const where = last.topic === undefined ? '' : last.partition === undefined ? ` for topic ${last.topic}` : ` for topic ${last.topic} partition ${last.partition}`;
  let headline: string;
  switch (last.code) {
    case 'NO_LEADER':
    case 'NOT_LEADER':
      headline = `no leader${where} after ${seconds} s`;
      break;
    case 'UNAVAILABLE':
    case 'DEADLINE_EXCEEDED':
      headline = `no broker answered${where} within ${seconds} s`;
      break;
    default:
      headline = `gave up${where} after ${seconds} s`;
  }
  const outcome = g.outcomeUnknown ? '; its outcome is unknown (it may or may not have taken effect)' : '';
  const message = `${headline} (${g.attempts} attempt${g.attempts === 1 ? '' : 's'}; last error: ${last.message})${outcome}`;
  const context: ErrorContext = { topic: last.topic, partition: last.partition, broker: last.broker, outcomeUnknown: g.outcomeUnknown || last.outcomeUnknown };
  const Class = last.constructor as new (...args: ConstructorParameters<typeof FlotillaError>) => FlotillaError;
  return new Class(last.code, last.status, message, context, { ...last.details });
}
