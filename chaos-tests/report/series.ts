/**
 * The report's time series, computed from the history alone: per one-second bucket (second 0
 * starts at the history's first event), the operations that completed in it and the latencies of
 * those that completed ok. Pure functions, so the numbers a chart shows are tested without a browser.
 */
import type { HistoryEvent, NemesisEvent } from '../checker';
import type { FaultWindow } from './results';

/** The kinds the workload issues, in the order the charts list them; others follow, sorted. */
const KNOWN_KINDS = ['append', 'cas', 'end', 'fetch'];

export interface LatencySeries {
  /** Per bucket, in ms; null where no operation of this kind completed ok in that second. */
  p50: Array<number | null>;
  p99: Array<number | null>;
}

/** A fault window placed on the charts' axis. */
export interface PlacedFault extends FaultWindow {
  /** Seconds since second 0, clipped to the run: [0, durationS]. */
  startS: number;
  endS: number;
}

export interface ReportSeries {
  /** The history time (ms) of second 0. */
  t0: number;
  /** Seconds from second 0 to the last event or fault boundary. */
  durationS: number;
  /** Start of each bucket, in seconds: 0, 1, 2, ... */
  seconds: number[];
  /** Operation kinds seen, in chart order. */
  kinds: string[];
  /** Operations completed ok per second, all kinds together and per kind. */
  ok: number[];
  okByKind: Record<string, number[]>;
  /** Operations that certainly failed, and those of unknown outcome, per second of their completion. */
  fail: number[];
  info: number[];
  /** Latency of ok operations, all kinds together and per kind. */
  latency: LatencySeries;
  latencyByKind: Record<string, LatencySeries>;
  faults: PlacedFault[];
  totals: { ok: number; fail: number; info: number; /** invoked, never completed */ unfinished: number };
}

/** Nearest-rank percentile (q in (0, 1]) of values sorted ascending; the value itself, never an interpolation. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('percentile of no values');
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1];
}

/**
 * Fault windows from the history's nemesis events: an end closes the oldest open window of the
 * same fault (and the same detail, when the end names one); a window never closed ends null.
 * An end with no open start is dropped: it shows no window.
 */
export function faultWindows(history: readonly HistoryEvent[]): FaultWindow[] {
  const out: FaultWindow[] = [];
  const open: FaultWindow[] = [];
  for (const e of history) {
    if (e.type !== 'nemesis') continue;
    const n = e as NemesisEvent;
    if (n.phase === 'start') {
      const w: FaultWindow = { fault: n.fault, start: n.time, end: null };
      if (n.detail !== undefined) w.detail = n.detail;
      open.push(w);
      out.push(w);
    } else {
      const i = open.findIndex((w) => w.fault === n.fault && (n.detail === undefined || w.detail === n.detail));
      if (i >= 0) open.splice(i, 1)[0].end = n.time;
    }
  }
  return out;
}

export function computeSeries(history: readonly HistoryEvent[], faults: readonly FaultWindow[]): ReportSeries {
  // A loop, not Math.min(...times): a long run's history has more events than a call takes arguments.
  let t0 = Infinity;
  let last = -Infinity;
  for (const e of history) {
    if (!Number.isFinite(e.time)) continue;
    t0 = Math.min(t0, e.time);
    last = Math.max(last, e.time);
  }
  if (t0 === Infinity) {
    t0 = faults.length ? Math.min(...faults.map((f) => f.start)) : 0;
    last = t0;
  }
  for (const f of faults) last = Math.max(last, f.start, f.end ?? f.start);
  const durationS = (last - t0) / 1000;
  // Bucket i holds completions in [t0 + i s, t0 + (i + 1) s); the last event falls in the last bucket.
  const buckets = Math.floor(durationS) + 1;
  const bucketOf = (time: number) => Math.min(buckets - 1, Math.max(0, Math.floor((time - t0) / 1000)));

  const kinds = new Set<string>();
  const zeros = () => new Array<number>(buckets).fill(0);
  const ok = zeros();
  const fail = zeros();
  const info = zeros();
  // Maps, not objects: a kind is user data, and a kind named __proto__ must stay a kind.
  const okByKind = new Map<string, number[]>();
  const latencies: number[][] = Array.from({ length: buckets }, () => []);
  const latenciesByKind = new Map<string, number[][]>();
  const totals = { ok: 0, fail: 0, info: 0, unfinished: 0 };
  // One operation at a time per process: a completion belongs to its process's open invocation.
  const invoked = new Map<number, { f: string; time: number }>();
  for (const e of history) {
    if (e.type === 'nemesis') continue;
    if (!Number.isFinite(e.time)) continue;
    const f = String(e.f);
    if (e.type === 'invoke') {
      if (invoked.has(e.process)) totals.unfinished++;
      invoked.set(e.process, { f, time: e.time });
      continue;
    }
    if (e.type !== 'ok' && e.type !== 'fail' && e.type !== 'info') continue;
    const inv = invoked.get(e.process);
    invoked.delete(e.process);
    const b = bucketOf(e.time);
    if (!kinds.has(f)) {
      kinds.add(f);
      okByKind.set(f, zeros());
      latenciesByKind.set(f, Array.from({ length: buckets }, () => []));
    }
    totals[e.type]++;
    if (e.type === 'fail') fail[b]++;
    else if (e.type === 'info') info[b]++;
    else {
      ok[b]++;
      okByKind.get(f)![b]++;
      // A completion with no invocation (a truncated history) has no latency to tell.
      if (inv) {
        latencies[b].push(e.time - inv.time);
        latenciesByKind.get(f)![b].push(e.time - inv.time);
      }
    }
  }
  totals.unfinished += invoked.size;

  const percentiles = (perBucket: number[][]): LatencySeries => {
    const p50: Array<number | null> = [];
    const p99: Array<number | null> = [];
    for (const values of perBucket) {
      values.sort((a, b) => a - b);
      p50.push(values.length ? percentile(values, 0.5) : null);
      p99.push(values.length ? percentile(values, 0.99) : null);
    }
    return { p50, p99 };
  };

  const clip = (time: number) => Math.min(durationS, Math.max(0, (time - t0) / 1000));
  return {
    t0,
    durationS,
    seconds: Array.from({ length: buckets }, (_, i) => i),
    kinds: [...KNOWN_KINDS.filter((k) => kinds.has(k)), ...[...kinds].filter((k) => !KNOWN_KINDS.includes(k)).sort()],
    ok,
    okByKind: Object.fromEntries(okByKind),
    fail,
    info,
    latency: percentiles(latencies),
    latencyByKind: Object.fromEntries([...latenciesByKind].map(([k, perBucket]) => [k, percentiles(perBucket)])),
    faults: faults.map((f) => ({ ...f, startS: clip(f.start), endS: f.end === null ? durationS : clip(f.end) })),
    totals,
  };
}
