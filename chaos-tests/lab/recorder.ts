/**
 * Records the history as it happens: every event in memory (for the checkers) and appended to
 * history.jsonl (so an interrupted run still leaves what it saw). Times are milliseconds of the
 * lab process's monotonic clock since the run started.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Complete, HistoryEvent, Invoke, NemesisEvent } from '../checker/index';

export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  private t0 = performance.now();
  private readonly out: WriteStream | undefined;

  constructor(path?: string) {
    this.out = path ? createWriteStream(path, { flags: 'w' }) : undefined;
  }

  /**
   * Starts the clock again: history times count from the workload's start, as the schedule's do
   * (the cluster's own start before it is no part of the history).
   */
  zero(): void {
    if (this.events.length > 0) throw new Error('the history clock restarts only before the first event');
    this.t0 = performance.now();
  }

  /** Milliseconds since the run started (monotonic, microsecond resolution). */
  now(): number {
    return Math.round((performance.now() - this.t0) * 1000) / 1000;
  }

  invoke(e: Omit<Invoke, 'type' | 'time'>): void {
    this.push({ type: 'invoke', ...e, time: this.now() });
  }

  complete(e: Omit<Complete, 'time'>): void {
    this.push({ ...e, time: this.now() });
  }

  nemesis(phase: NemesisEvent['phase'], fault: string, detail?: string): NemesisEvent {
    const e: NemesisEvent = { type: 'nemesis', phase, fault, ...(detail ? { detail } : {}), time: this.now() };
    this.push(e);
    return e;
  }

  async close(): Promise<void> {
    if (this.closed || !this.out) return;
    this.closed = true;
    await new Promise<void>((r) => this.out!.end(() => r()));
  }

  private closed = false;

  private push(e: HistoryEvent): void {
    this.events.push(e);
    if (!this.closed) this.out?.write(`${JSON.stringify(e)}\n`);
  }
}
