import type { HostClock } from '../host-clock';

interface Event {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

/**
 * The simulation's one clock: a queue of events in virtual milliseconds, run in (time, order of
 * scheduling) order, so one seed gives one run. Every host gets a HostClock onto it; a crashed
 * host's clock is killed and its pending timers never fire (as a dead process's would not).
 */
export class VirtualTime {
  private heap: Event[] = [];
  private seq = 0;
  now = 0;

  at(time: number, run: () => void): () => void {
    const e: Event = { at: Math.max(time, this.now), seq: this.seq++, run, cancelled: false };
    this.push(e);
    return () => {
      e.cancelled = true;
    };
  }

  after(ms: number, run: () => void): () => void {
    return this.at(this.now + Math.max(0, ms), run);
  }

  /** Time of the next event, or undefined when none is queued. */
  peek(): number | undefined {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
    return this.heap[0]?.at;
  }

  /** Run the next event (advancing the clock to it); false when none is left. */
  runNext(): boolean {
    for (;;) {
      const e = this.pop();
      if (!e) return false;
      if (e.cancelled) continue;
      this.now = e.at;
      e.run();
      return true;
    }
  }

  /** A host's view of the clock; kill() cancels every timer it set and ignores later ones. */
  clock(): HostClock & { kill(): void } {
    let alive = true;
    const timers = new Set<() => void>();
    const guard = (fn: () => void) => () => {
      if (alive) fn();
    };
    return {
      now: () => this.now,
      after: (ms, fn) => {
        if (!alive) return () => undefined;
        const cancel = this.after(ms, guard(fn));
        return cancel;
      },
      every: (ms, fn) => {
        let cancel = () => undefined as void;
        const again = () => {
          cancel = this.after(ms, guard(() => {
            again();
            fn();
          }));
        };
        if (alive) again();
        const stop = () => cancel();
        timers.add(stop);
        return () => {
          timers.delete(stop);
          stop();
        };
      },
      defer: (fn) => {
        if (alive) this.after(0, guard(fn));
      },
      kill: () => {
        alive = false;
        for (const stop of timers) stop();
        timers.clear();
      },
    };
  }

  private push(e: Event): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Event | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
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
    return top;
  }
}

function before(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
