/**
 * Callers waiting for a proposal at Raft index `index`, proposed in `term`, to come out of the log
 * (applied, or persisted for acks=leader). When that index comes out with the same term the
 * proposal made it; with another term a new leader overwrote it (never committable). When the
 * proposer stops leading `term` the host fails that term's waiters at once (failProposedBefore):
 * the next leader may or may not commit the entry, and the client should not wait to find out.
 * They also fail on timeout, or when the host gives up (snapshot, stop, deleted group).
 */
interface Waiter<T> {
  readonly term: number;
  readonly deadline: number;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

export class IndexWaiters<T> {
  private readonly byIndex = new Map<number, Array<Waiter<T>>>();
  private count = 0;
  /** No waiter has a lower term (a lower bound: removals do not raise it). Lets the check on every propose skip the scan. */
  private minTerm = Infinity;

  get size(): number {
    return this.count;
  }

  wait(index: number, term: number, deadline: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const list = this.byIndex.get(index);
      const w = { term, deadline, resolve, reject };
      if (list) list.push(w);
      else this.byIndex.set(index, [w]);
      this.count++;
      if (term < this.minTerm) this.minTerm = term;
    });
  }

  /** The entry at `index` has `term`: resolve its waiters with `value`, reject the overwritten ones. */
  settle(index: number, term: number, value: T, overwritten: (proposedIn: number) => unknown): void {
    if (this.count === 0) return;
    const list = this.byIndex.get(index);
    if (!list) return;
    this.byIndex.delete(index);
    this.count -= list.length;
    for (const w of list) {
      if (w.term === term) w.resolve(value);
      else w.reject(overwritten(w.term));
    }
  }

  /** Fail every waiter at or below `index` (the log was replaced by a snapshot). */
  failThrough(index: number, error: () => unknown): void {
    for (const [i, list] of this.byIndex) {
      if (i > index) continue;
      this.byIndex.delete(i);
      this.count -= list.length;
      for (const w of list) w.reject(error());
    }
  }

  /** Fail every waiter proposed in a term before `term` (Infinity: all), with `error(itsTerm)`. */
  failProposedBefore(term: number, error: (proposedIn: number) => unknown): void {
    if (this.count === 0 || term <= this.minTerm) return;
    let min = Infinity;
    for (const [i, list] of this.byIndex) {
      for (const w of list) if (w.term >= term && w.term < min) min = w.term;
      const keep = list.filter((w) => w.term >= term);
      if (keep.length === list.length) continue;
      for (const w of list) if (w.term < term) w.reject(error(w.term));
      this.count -= list.length - keep.length;
      if (keep.length === 0) this.byIndex.delete(i);
      else this.byIndex.set(i, keep);
    }
    this.minTerm = min;
  }

  /** Fail waiters whose deadline has passed. */
  expire(now: number, error: () => unknown): void {
    if (this.count === 0) return;
    for (const [i, list] of this.byIndex) {
      const keep = list.filter((w) => w.deadline > now);
      if (keep.length === list.length) continue;
      for (const w of list) if (w.deadline <= now) w.reject(error());
      this.count -= list.length - keep.length;
      if (keep.length === 0) this.byIndex.delete(i);
      else this.byIndex.set(i, keep);
    }
  }

  failAll(error: () => unknown): void {
    for (const list of this.byIndex.values()) for (const w of list) w.reject(error());
    this.byIndex.clear();
    this.count = 0;
  }
}
