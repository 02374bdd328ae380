/** One run of consecutive log indexes with the same term: [start, next run's start). */
export interface TermRun {
  readonly start: number;
  readonly term: number;
}

/**
 * The term of every index in (base, last], run-length encoded: one run per term, so it stays tiny
 * however long the log. With the base (snapshot) index and term it answers term(i) in memory,
 * which the Raft core needs synchronously.
 */
export class TermRuns {
  private runs: TermRun[];

  constructor(runs: readonly TermRun[] = []) {
    this.runs = runs.slice();
  }

  all(): readonly TermRun[] {
    return this.runs;
  }

  /** Term of `index`, which must be covered by some run. */
  term(index: number): number {
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.runs[mid].start <= index) lo = mid;
      else hi = mid - 1;
    }
    const run = this.runs[lo];
    if (!run || run.start > index) throw new RangeError(`no term known for index ${index}`);
    return run.term;
  }

  /** Entries from `from` on are replaced by ones of the given terms (in index order). */
  truncateFrom(from: number): void {
    while (this.runs.length > 0 && this.runs[this.runs.length - 1].start >= from) this.runs.pop();
  }

  append(index: number, term: number): void {
    const last = this.runs[this.runs.length - 1];
    if (!last || last.term !== term) this.runs.push({ start: index, term });
  }

  /** Forget indexes below `first` (compaction): the run covering `first` starts there now. */
  dropBefore(first: number): void {
    let i = 0;
    while (i + 1 < this.runs.length && this.runs[i + 1].start <= first) i++;
    this.runs = this.runs.slice(i);
    if (this.runs.length > 0 && this.runs[0].start < first) this.runs[0] = { start: first, term: this.runs[0].term };
  }

  clear(): void {
    this.runs = [];
  }
}
