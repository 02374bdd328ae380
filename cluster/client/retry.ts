/** How a client retries calls that failed with a retriable error. */
export interface RetryOptions {
  /** Attempts after the first before giving up (default 20). */
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
