/**
 * results.json: everything the report needs, computed from the run: the seed and options, the
 * schedule, the fault windows as they ran, each checker's verdict with its anomalies (history
 * lines, 1-based), recovery times per fault, and per-second throughput and latency.
 */
import { type HistoryEvent, operations } from '../checker/index';
import type { CheckResult, Verdict } from './check';
import type { FaultRecord } from './nemesis';
import type { ScheduledFault } from './schedule';

/** One second of the run: completions by outcome, and latency of the completed operations by kind. */
export interface SecondSample {
  /** Seconds since the start of the run (the bucket [t, t + 1)). */
  t: number;
  ok: number;
  fail: number;
  info: number;
  /** Latency (ms) of operations completing ok in this second, per kind: p50, p99, max, count. */
  latency: Record<string, { p50: number; p99: number; max: number; n: number }>;
}

export interface LabResults {
  version: 1;
  seed: number;
  nemeses: string[];
  options: Record<string, unknown>;
  /** The command that replays this schedule. */
  reproduce: string;
  startedAt: string;
  durationMs: number;
  ok: boolean;
  operations: number;
  verdicts: Verdict[];
  recovery: CheckResult['recovery'];
  schedule: ScheduledFault[];
  /** As they ran; `fault` (= kind) is the name the report reads. */
  faults: Array<FaultRecord & { fault: string }>;
  throughput: SecondSample[];
  notes: string[];
  files: { history: string; nodeLogs: string[] };
}

export function perSecond(history: readonly HistoryEvent[]): SecondSample[] {
  const ops = operations(history);
  const last = history.length ? history[history.length - 1].time : 0;
  const buckets: Array<{ ok: number; fail: number; info: number; lat: Map<string, number[]> }> = [];
  for (let s = 0; s <= Math.floor(last / 1000); s++) buckets.push({ ok: 0, fail: 0, info: 0, lat: new Map() });
  // Completion time of each op: its completion event (an info op's `end` is Infinity, so use the event's time).
  const completedAt = new Map<number, number>();
  const open = new Map<number, number>();
  history.forEach((e, i) => {
    if (e.type === 'nemesis') return;
    if (e.type === 'invoke') open.set(e.process, i);
    else {
      const inv = open.get(e.process);
      if (inv !== undefined) completedAt.set(inv, e.time);
      open.delete(e.process);
    }
  });
  for (const op of ops) {
    const at = completedAt.get(op.index);
    if (at === undefined) continue;
    const b = buckets[Math.floor(at / 1000)];
    if (!b) continue;
    b[op.outcome]++;
    if (op.outcome === 'ok') {
      let l = b.lat.get(op.f);
      if (!l) b.lat.set(op.f, (l = []));
      l.push(at - op.start);
    }
  }
  return buckets.map((b, t) => ({
    t,
    ok: b.ok,
    fail: b.fail,
    info: b.info,
    latency: Object.fromEntries(
      [...b.lat].map(([f, l]) => {
        l.sort((x, y) => x - y);
        const q = (p: number) => round(l[Math.min(l.length - 1, Math.floor(p * l.length))]);
        return [f, { p50: q(0.5), p99: q(0.99), max: round(l[l.length - 1]), n: l.length }];
      }),
    ),
  }));
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
