/**
 * Where the host gets time and schedules work: the real clock in production, a virtual one in
 * the host simulator (sim/), so that one seed replays a whole node's run exactly. Nothing in the
 * multi-Raft host or a replica calls setTimeout, setInterval, setImmediate or Date.now itself.
 */
export interface HostClock {
  /** Milliseconds since the epoch (virtual in the simulator). */
  now(): number;
  /** Run `fn` after `ms`; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
  /** Run `fn` every `ms`; returns a cancel function. */
  every(ms: number, fn: () => void): () => void;
  /** Run `fn` once the current turn's work (and its microtasks) is done. */
  defer(fn: () => void): void;
}

/** The process's own clock and timers; timers do not keep the process alive. */
export const realClock: HostClock = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return () => clearTimeout(t);
  },
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
  defer: (fn) => void setImmediate(fn),
};
