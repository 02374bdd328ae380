import type { NemesisEvent, Operation } from './history';

/** One anomaly a checker found, with the history lines that show it. */
export interface Anomaly {
  checker: string;
  partition: number;
  message: string;
  /** History lines (1-based) involved. */
  lines: number[];
}

/** The final contents of each partition, read after healing: partition -> [offset, value] in offset order. */
export type FinalLogs = ReadonlyMap<number, ReadonlyArray<readonly [number, string]>>;

/**
 * lost: every acknowledged append (and conditional append) is in the final log, exactly once, at
 * the offset it was acknowledged with. Records below a partition's log start (retention) are
 * exempt from presence, not from position.
 */
export function checkLost(ops: readonly Operation[], finals: FinalLogs, logStart: ReadonlyMap<number, number> = new Map()): Anomaly[] {
  const out: Anomaly[] = [];
  const index = indexFinals(finals);
  for (const op of ops) {
    if ((op.f !== 'append' && op.f !== 'cas') || op.outcome !== 'ok' || op.value === undefined) continue;
    const where = index.get(op.partition)?.byValue.get(op.value) ?? [];
    const start = logStart.get(op.partition) ?? 0;
    if (where.length === 0) {
      if (op.offset !== undefined && op.offset < start) continue;
      out.push({ checker: 'lost', partition: op.partition, message: `${op.value}, acknowledged at offset ${op.offset}, is not in the final log`, lines: [op.index + 1] });
    } else if (where.length === 1 && where[0] !== op.offset) {
      out.push({ checker: 'lost', partition: op.partition, message: `${op.value} was acknowledged at offset ${op.offset} but is at offset ${where[0]}`, lines: [op.index + 1] });
    }
  }
  return out;
}

/** duplicates: no value twice in the final log (an append of unknown outcome is there at most once too). */
export function checkDuplicates(finals: FinalLogs, ops: readonly Operation[] = []): Anomaly[] {
  const out: Anomaly[] = [];
  const lineOf = new Map<string, number>();
  for (const op of ops) if (op.value !== undefined && (op.f === 'append' || op.f === 'cas')) lineOf.set(op.value, op.index + 1);
  for (const [partition, idx] of indexFinals(finals)) {
    for (const [value, offsets] of idx.byValue) {
      if (offsets.length > 1) {
        out.push({ checker: 'duplicates', partition, message: `${value} is in the log ${offsets.length} times, at offsets ${offsets.join(', ')}`, lines: lineOf.has(value) ? [lineOf.get(value)!] : [] });
      }
    }
  }
  return out;
}

/**
 * Jepsen's queue anomalies over every read (fetches and the final logs):
 * - aborted read: a value whose append certainly failed (not written) was read;
 * - inconsistent offsets: two values at one offset, across any readers;
 * - by one consumer: a fetch whose offsets go back (non-monotonic) or jump past records
 *   (skipping) instead of running from its position one by one.
 */
export function checkReads(ops: readonly Operation[], finals: FinalLogs): Anomaly[] {
  const out: Anomaly[] = [];
  const failed = new Map<string, Operation>();
  for (const op of ops) if ((op.f === 'append' || op.f === 'cas') && op.outcome === 'fail' && op.value !== undefined) failed.set(op.value, op);
  const at = new Map<number, Map<number, { value: string; line: number }>>();
  const see = (partition: number, offset: number, value: string, line: number) => {
    let m = at.get(partition);
    if (!m) at.set(partition, (m = new Map()));
    const there = m.get(offset);
    if (!there) m.set(offset, { value, line });
    else if (there.value !== value) {
      out.push({ checker: 'inconsistent offsets', partition, message: `offset ${offset} was read as ${there.value} and as ${value}`, lines: [there.line, line].filter((l) => l > 0) });
    }
    const f = failed.get(value);
    if (f) out.push({ checker: 'aborted read', partition, message: `${value} was read at offset ${offset}, but its append failed as not written`, lines: [f.index + 1, line].filter((l) => l > 0) });
  };
  for (const op of ops) {
    if (op.f !== 'fetch' || op.outcome !== 'ok' || !op.records) continue;
    // A fetch from `from` returns offsets from, from + 1, ... (the lab runs without retention).
    let expect = op.from;
    for (const [offset, value] of op.records) {
      see(op.partition, offset, value, op.index + 1);
      if (expect !== undefined && offset < expect) {
        out.push({ checker: 'non-monotonic read', partition: op.partition, message: `process ${op.process} fetched from ${op.from} and read offset ${offset} where ${expect} came next`, lines: [op.index + 1] });
      } else if (expect !== undefined && offset > expect) {
        out.push({ checker: 'skipping read', partition: op.partition, message: `process ${op.process} fetched from ${op.from} and read offset ${offset} where ${expect} came next`, lines: [op.index + 1] });
      }
      expect = offset + 1;
    }
  }
  for (const [partition, log] of finals) for (const [offset, value] of log) see(partition, offset, value, 0);
  return out;
}

/**
 * liveness: after each fault ends, writes must succeed again within `boundMs`; the recovery time
 * is from the fault's end to the first acknowledged append invoked after it (per partition, the
 * slowest counts).
 */
export function recoveryTimes(ops: readonly Operation[], nemesis: readonly NemesisEvent[], partitions: readonly number[]): Array<{ fault: string; endedAt: number; recoveryMs: number | undefined }> {
  const oks = ops.filter((o) => (o.f === 'append' || o.f === 'cas') && o.outcome === 'ok').sort((a, b) => a.end - b.end);
  return nemesis
    .filter((e) => e.phase === 'end')
    .map((e) => {
      let worst: number | undefined = 0;
      for (const p of partitions) {
        const first = oks.find((o) => o.partition === p && o.start >= e.time);
        if (!first) {
          worst = undefined;
          break;
        }
        worst = Math.max(worst, first.end - e.time);
      }
      return { fault: e.fault, endedAt: e.time, recoveryMs: worst };
    });
}

function indexFinals(finals: FinalLogs): Map<number, { byValue: Map<string, number[]> }> {
  const out = new Map<number, { byValue: Map<string, number[]> }>();
  for (const [p, log] of finals) {
    const byValue = new Map<string, number[]>();
    for (const [offset, value] of log) {
      const list = byValue.get(value);
      if (list) list.push(offset);
      else byValue.set(value, [offset]);
    }
    out.set(p, { byValue });
  }
  return out;
}
