/**
 * For the report's tests: a deterministic 30-second lab run made by hand, with a partition
 * (writes fail or time out during it), a kill whose detail is an HTML injection attempt, an
 * acknowledged append missing from the final log (found by the real `lost` checker), and a value,
 * an error, a checker name and an anomaly message that try to inject HTML too.
 */
import { checkDuplicates, checkLost, checkReads, operations, recoveryTimes, type HistoryEvent, type NemesisEvent } from '../checker';
import type { ReportInput } from './render';
import { faultWindows } from './series';

export const ATTACK = '</script><img src=x onerror="window.__pwned=1"><b>bold</b>';
const T0 = 5_000;

export interface TestRun extends ReportInput {
  /** The acknowledged append that is not in the final log, and its invocation's history line. */
  lost: { value: string; line: number };
  /** Fault windows in seconds since the first event. */
  windows: Array<{ fault: string; startS: number; endS: number }>;
  durationS: number;
}

export function testRun(): TestRun {
  const windows = [
    { fault: 'partition', startS: 8, endS: 14 },
    { fault: 'kill', startS: 20, endS: 23 },
  ];
  const faulty = (t: number) => windows.some((w) => t >= T0 + w.startS * 1000 && t < T0 + w.endS * 1000);
  const events: HistoryEvent[] = [];
  for (const w of windows) {
    const detail = w.fault === 'kill' ? `node 2 ${ATTACK}` : 'n1 | n2 n3';
    events.push({ type: 'nemesis', phase: 'start', fault: w.fault, detail, time: T0 + w.startS * 1000 });
    events.push({ type: 'nemesis', phase: 'end', fault: w.fault, detail, time: T0 + w.endS * 1000 });
  }
  let n = 0;
  // Four clients, one operation at a time each: two appenders, an end-offset reader, a fetcher.
  for (const process of [0, 1, 2, 3]) {
    let t = T0 + process * 7;
    while (t < T0 + 29_500) {
      const i = n++;
      if (process <= 1) {
        const value = i === 5 ? ATTACK : `v${i}`;
        events.push({ type: 'invoke', process, f: 'append', partition: 0, value, time: t });
        if (faulty(t)) {
          // Cut off: half the writes are refused, half time out with an unknown outcome.
          const unknown = i % 2 === 0;
          t += unknown ? 900 : 40;
          events.push({ type: unknown ? 'info' : 'fail', process, f: 'append', partition: 0, value, error: unknown ? 'timeout' : `not written ${ATTACK}`, time: t });
        } else {
          t += 4 + ((i * 7) % 23);
          events.push({ type: 'ok', process, f: 'append', partition: 0, value, time: t });
        }
      } else if (process === 2) {
        events.push({ type: 'invoke', process, f: 'end', partition: 0, time: t });
        t += faulty(t) ? 300 : 2 + (i % 5);
        events.push({ type: 'ok', process, f: 'end', partition: 0, time: t });
      } else {
        events.push({ type: 'invoke', process, f: 'fetch', partition: 0, from: 0, time: t });
        t += 20 + (i % 11);
        events.push({ type: 'ok', process, f: 'fetch', partition: 0, records: [], time: t });
      }
      t += 25;
    }
  }
  // Stable: at equal times the order of pushing holds (an invocation before its completion).
  const history = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.time - b.e.time || a.i - b.i).map(({ e }) => e);

  // Offsets in completion order, as one leader would assign them; reads see the log at their completion.
  const log: Array<[number, string]> = [];
  for (const e of history) {
    if (e.type === 'ok' && e.f === 'append') {
      e.offset = log.length;
      log.push([e.offset, e.value!]);
    } else if (e.type === 'ok' && e.f === 'end') e.offset = log.length;
    else if (e.type === 'ok' && e.f === 'fetch') e.records = log.slice(0, 3);
  }
  // The 40th acknowledged append never made it into the final log.
  const lostValue = log[40][1];
  const finals = new Map([[0, log.filter(([, v]) => v !== lostValue)]]);
  const ops = operations(history);
  const lost = checkLost(ops, finals);
  const duplicates = checkDuplicates(finals, ops);
  const reads = checkReads(ops, finals);
  const nemesis = history.filter((e): e is NemesisEvent => e.type === 'nemesis');
  const last = history[history.length - 1].time;
  return {
    history,
    results: {
      seed: 424242,
      reproduce: `flotilla chaos --seed 424242 --nemesis partition,kill --time 30 --topic '${ATTACK}'`,
      nemeses: ['partition', 'kill'],
      verdicts: [
        { checker: 'lost', ok: lost.length === 0, anomalies: lost },
        { checker: 'duplicates', ok: duplicates.length === 0, anomalies: duplicates },
        { checker: 'reads', ok: reads.length === 0, anomalies: reads },
        { checker: `liveness ${ATTACK}`, ok: false, summary: `bound 5 s ${ATTACK}`, anomalies: [{ message: `no write after ${ATTACK}`, lines: [] }] },
      ],
      recovery: recoveryTimes(ops, nemesis, [0]).map((r) => ({ ...r, recoveryMs: r.recoveryMs ?? null })),
      faults: faultWindows(history),
    },
    lost: { value: lostValue, line: ops.find((o) => o.value === lostValue)!.index + 1 },
    windows,
    durationS: (last - history[0].time) / 1000,
  };
}
