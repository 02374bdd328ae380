import { END, INTERRUPTED, type Pipe } from '../stub';

/** Milliseconds: each chunk is delayed by `latency` ± `jitter`. */
export interface LatencyAttributes {
  latency: number;
  jitter: number;
}

export const LATENCY_FIELDS = ['latency', 'jitter'] as const;

/**
 * Delays every chunk by latency ± jitter (uniform in [latency - jitter, latency + jitter)),
 * counted from when the proxy read it, so chunks queued behind each other are not delayed twice;
 * chunks stay in order. Several latency toxics add up. Interrupted (updated or removed), the chunk
 * it was holding goes on at once and the rest get the new delay, as in Toxiproxy.
 */
export function latencyPipe(attributes: LatencyAttributes): Pipe {
  const delay = () => {
    const jitter = attributes.jitter;
    return attributes.latency + (jitter > 0 ? Math.floor(Math.random() * jitter * 2) - jitter : 0);
  };
  return async (stub) => {
    for (;;) {
      const item = await stub.take();
      if (item === INTERRUPTED) return;
      if (item === END) return stub.close();
      const due = item.ts + delay();
      const elapsed = await stub.sleepUntil(due);
      if (elapsed) item.ts = Math.max(item.ts, due);
      stub.send(item);
      if (!elapsed) return;
    }
  };
}
