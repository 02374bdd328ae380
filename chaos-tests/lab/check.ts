/**
 * The check phase, a pure function of what the run recorded: the history, the final logs, the
 * logs each replica served, and the nodes' exits. Each checker gives a verdict with its
 * anomalies (each naming history lines, 1-based).
 */
import {
  type Anomaly,
  checkDuplicates,
  checkLinearizable,
  checkLost,
  checkReads,
  type HistoryEvent,
  type NemesisEvent,
  type Operation,
  operations,
  recoveryTimes,
} from '../checker/index';
import type { Log, ReplicaRead } from './final-reads';

export const CHECKERS = ['lost', 'duplicates', 'reads', 'replicas', 'linearizable', 'liveness', 'crashes'] as const;
export type CheckerName = (typeof CHECKERS)[number];

export interface Verdict {
  checker: CheckerName;
  ok: boolean;
  /** One line: what was checked and what was found. */
  summary: string;
  anomalies: Anomaly[];
}

export interface CheckInput {
  history: readonly HistoryEvent[];
  finals: ReadonlyMap<number, Log>;
  replicaReads: readonly ReplicaRead[];
  unread?: ReadonlyArray<{ partition: number; node: number; fenced: boolean }>;
  partitions: readonly number[];
  /** Writes must succeed again within this long after each fault ends. */
  livenessBoundMs: number;
  /** Node exits the lab did not cause; `damaged` when a storage fault had hit that node before. */
  exits?: ReadonlyArray<{ node: number; exit: string; time: number; lastLines: string[]; damaged: boolean }>;
  /** Records per linearizability window (default 40; windows overlap by half). */
  windowRecords?: number;
}

export interface CheckResult {
  verdicts: Verdict[];
  recovery: Array<{ fault: string; endedAt: number; recoveryMs: number | undefined }>;
  operations: number;
  ok: boolean;
}

export function checkRun(input: CheckInput): CheckResult {
  const ops = operations(input.history);
  const nemesis = input.history.filter((e): e is NemesisEvent => e.type === 'nemesis');
  const verdicts: Verdict[] = [];
  const writes = ops.filter((o) => o.f === 'append' || o.f === 'cas');
  const acked = writes.filter((o) => o.outcome === 'ok').length;
  const records = [...input.finals.values()].reduce((n, l) => n + l.length, 0);

  const lost = checkLost(ops, input.finals);
  verdicts.push({ checker: 'lost', ok: lost.length === 0, anomalies: lost, summary: `${acked} acknowledged writes checked against ${records} records in the final logs` });

  const dups = checkDuplicates(input.finals, ops);
  verdicts.push({ checker: 'duplicates', ok: dups.length === 0, anomalies: dups, summary: `${records} records, ${writes.filter((o) => o.outcome === 'info').length} writes of unknown outcome` });

  const reads = checkReads(ops, input.finals);
  const fetches = ops.filter((o) => o.f === 'fetch' && o.outcome === 'ok').length;
  verdicts.push({ checker: 'reads', ok: reads.length === 0, anomalies: reads, summary: `${fetches} reads: aborted reads, inconsistent offsets, non-monotonic and skipping reads` });

  const replicas = checkReplicas(input.finals, input.replicaReads);
  const unread = input.unread ?? [];
  verdicts.push({
    checker: 'replicas',
    ok: replicas.length === 0,
    anomalies: replicas,
    summary: `${input.replicaReads.length} replica reads of ${input.finals.size} partitions${unread.length ? `; not read: ${unread.map((u) => `partition ${u.partition} on node ${u.node}${u.fenced ? ' (fenced)' : ''}`).join(', ')}` : ''}`,
  });

  const lin = checkLinearizableWindows(ops, input.finals, input.partitions, input.windowRecords ?? 40);
  verdicts.push({ checker: 'linearizable', ok: lin.anomalies.length === 0, anomalies: lin.anomalies, summary: lin.summary });

  const recovery = recoveryTimes(ops, nemesis, input.partitions);
  const slow = recovery.filter((r) => r.recoveryMs === undefined || r.recoveryMs > input.livenessBoundMs);
  const endLine = new Map<number, number>();
  input.history.forEach((e, i) => e.type === 'nemesis' && e.phase === 'end' && endLine.set(e.time, i + 1));
  verdicts.push({
    checker: 'liveness',
    ok: slow.length === 0,
    anomalies: slow.map((r) => ({
      checker: 'liveness',
      partition: -1,
      message: r.recoveryMs === undefined ? `after ${r.fault} ended at ${(r.endedAt / 1000).toFixed(1)} s, some partition never took a write again` : `after ${r.fault} ended, writes took ${(r.recoveryMs / 1000).toFixed(1)} s to succeed on every partition (bound ${input.livenessBoundMs / 1000} s)`,
      lines: endLine.has(r.endedAt) ? [endLine.get(r.endedAt)!] : [],
    })),
    summary: `${recovery.length} faults; slowest recovery ${fmtMs(Math.max(0, ...recovery.map((r) => r.recoveryMs ?? Infinity)))}`,
  });

  const exits = input.exits ?? [];
  const crashes = exits.filter((e) => !e.damaged);
  verdicts.push({
    checker: 'crashes',
    ok: crashes.length === 0,
    anomalies: crashes.map((e) => ({ checker: 'crashes', partition: -1, message: `node ${e.node} exited by itself at ${(e.time / 1000).toFixed(1)} s (${e.exit}): ${e.lastLines.slice(-2).join(' | ')}`, lines: [] })),
    summary: `${exits.length} exits the lab did not cause${exits.length > crashes.length ? ` (${exits.length - crashes.length} of nodes whose disk a storage fault had damaged)` : ''}`,
  });

  return { verdicts, recovery, operations: ops.length, ok: verdicts.every((v) => v.ok) };
}

/** Every replica's read of a partition must be exactly the final log. */
export function checkReplicas(finals: ReadonlyMap<number, Log>, reads: readonly ReplicaRead[]): Anomaly[] {
  const out: Anomaly[] = [];
  for (const r of reads) {
    const final = finals.get(r.partition) ?? [];
    const n = Math.max(final.length, r.log.length);
    for (let i = 0; i < n; i++) {
      const a = final[i];
      const b = r.log[i];
      if (a?.[0] !== b?.[0] || a?.[1] !== b?.[1]) {
        out.push({
          checker: 'replicas',
          partition: r.partition,
          message: `node ${r.node}, leading partition ${r.partition}, served ${r.log.length} records where the final log has ${final.length}; first difference at position ${i}: ${fmtRecord(b)} instead of ${fmtRecord(a)}`,
          lines: [],
        });
        break;
      }
    }
  }
  return out;
}

/**
 * Linearizability on windows of the log small enough to search: for each run of `size` offsets
 * [a, b) (overlapping by half), the writes that landed there, and the end-offset reads and
 * conditional appends that name an offset in [a, b], checked from a log of length a. Restricting
 * a linearizable history this way leaves it linearizable (the writes outside come wholly before
 * or after, by their offsets), so a window that fails is a real violation. Writes of unknown
 * outcome are resolved by the final log: one whose value is not there never happened; one whose
 * value is there happened at that offset, at some time after it began. A failed conditional
 * append and a failed read say nothing about an offset and are left out.
 */
export function checkLinearizableWindows(ops: readonly Operation[], finals: ReadonlyMap<number, Log>, partitions: readonly number[], size: number): { anomalies: Anomaly[]; summary: string } {
  const anomalies: Anomaly[] = [];
  let windows = 0;
  let states = 0;
  let undecided = 0;
  let checked = 0;
  for (const p of partitions) {
    const at = new Map<string, number>();
    for (const [offset, value] of finals.get(p) ?? []) at.set(value, offset);
    const resolved: Operation[] = [];
    for (const op of ops) {
      if (op.partition !== p || op.f === 'fetch') continue;
      if (op.f === 'append' || op.f === 'cas') {
        if (op.outcome === 'fail') continue;
        if (op.outcome === 'info') {
          const offset = op.value !== undefined ? at.get(op.value) : undefined;
          if (offset === undefined) continue;
          resolved.push({ ...op, outcome: 'ok', offset, end: Infinity });
          continue;
        }
        resolved.push(op);
      } else if (op.f === 'end' && op.outcome === 'ok') {
        resolved.push(op);
      }
    }
    // Windows cover the final log and every offset a write was acknowledged with (a lost tail too).
    const final = finals.get(p) ?? [];
    const length = resolved.reduce((n, o) => Math.max(n, o.f === 'end' ? o.offset! : o.offset! + 1), final.length ? final[final.length - 1][0] + 1 : 0);
    // Operations by the offset they name (writes where they landed, reads the end they saw), so a window is a slice.
    const byOffset: Operation[][] = Array.from({ length: length + 1 }, () => []);
    for (const o of resolved) byOffset[o.offset!].push(o);
    const step = Math.max(1, Math.floor(size / 2));
    for (let a = 0; a < Math.max(1, length); a += step) {
      const b = Math.min(a + size, length);
      const window: Operation[] = [];
      for (let k = a; k <= b; k++) for (const o of byOffset[k]) if (o.f === 'end' || k < b) window.push(o);
      window.sort((x, y) => x.index - y.index);
      if (window.length === 0) continue;
      windows++;
      checked += window.length;
      const r = checkLinearizable(window, { initialLength: a, maxStates: 200_000 });
      states += r.states;
      if (r.unknown) undecided++;
      else if (!r.ok) {
        const lines = window.filter((o) => Number.isFinite(o.start)).map((o) => o.index + 1).sort((x, y) => x - y);
        anomalies.push({ checker: 'linearizable', partition: p, message: `offsets ${a}..${b - 1}: ${r.explanation}`, lines: lines.slice(0, 50) });
      }
      if (b >= length) break;
    }
  }
  return { anomalies, summary: `${windows} windows of up to ${size} offsets (overlapping by half), ${checked} operations in them, ${states} search states${undecided ? `, ${undecided} windows undecided (search budget)` : ''}` };
}

function fmtRecord(r: readonly [number, string] | undefined): string {
  return r ? `${r[1]}@${r[0]}` : 'nothing';
}

function fmtMs(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'none (a partition never recovered)';
}
