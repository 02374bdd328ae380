/**
 * Test support for SimKv: a virtual clock with a seeded RNG, the `SimKvIo` a simulator provides.
 * Events run in (time, scheduling order); after each one every promise continuation it caused
 * runs before the next event, so async code (LogStore over SimKv) advances exactly as far as the
 * virtual time allows. Nothing here reads the real clock: one seed replays one run.
 */
import { Rng } from '../raft';
import type { SimKvIo } from './sim-kv';

interface Event {
  at: number;
  seq: number;
  fn: () => void;
}

/** Let every pending promise continuation run (setImmediate runs after the microtask queue is empty). */
const drainMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

export class VirtualClock implements SimKvIo {
  now = 0;
  private readonly rng: Rng;
  /** A binary min-heap on (at, seq). */
  private heap: Event[] = [];
  private seq = 0;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  int(n: number): number {
    return this.rng.int(n);
  }

  after(delay: number, fn: () => void): void {
    if (!(delay >= 0)) throw new RangeError(`VirtualClock: negative delay ${delay}`);
    this.push({ at: this.now + delay, seq: this.seq++, fn });
  }

  /** A promise that resolves `delay` ticks from now. */
  sleep(delay: number): Promise<void> {
    return new Promise((resolve) => this.after(delay, resolve));
  }

  get idle(): boolean {
    return this.heap.length === 0;
  }

  /** Run events until `stop()` holds, the next event is later than `until`, or none is left. */
  async run(options: { until?: number; stop?: () => boolean } = {}): Promise<void> {
    const until = options.until ?? Infinity;
    await drainMicrotasks();
    while (!(options.stop?.() ?? false)) {
      const next = this.heap[0];
      if (!next || next.at > until) break;
      this.pop();
      this.now = next.at;
      next.fn();
      await drainMicrotasks();
    }
    if (until !== Infinity && this.now < until && !(options.stop?.() ?? false)) this.now = until;
  }

  /** Run the clock until `p` settles and return its outcome. Throws if every event ran and `p` is still pending. */
  async settle<T>(p: Promise<T>): Promise<T> {
    let done = false;
    const watched = p.then(
      (v) => ((done = true), v),
      (e: unknown) => {
        done = true;
        throw e;
      },
    );
    watched.catch(() => undefined);
    await this.run({ stop: () => done });
    if (!done) throw new Error(`VirtualClock: deadlock at t=${this.now}: nothing left to run and the awaited operation is still pending`);
    return watched;
  }

  /** Forget every scheduled event (they belonged to a world that crashed). */
  clear(): void {
    this.heap = [];
  }

  private push(e: Event): void {
    const h = this.heap;
    h.push(e);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l], h[m])) m = l;
      if (r < h.length && before(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}

const before = (a: Event, b: Event) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
