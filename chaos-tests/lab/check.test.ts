import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../checker/index';
import { checkRun, type CheckInput } from './check';
import type { Log } from './final-reads';

/** Appends to two partitions (one process each, interleaved), an end read and a fetch per partition, and one fault window. */
function run(): { history: HistoryEvent[]; finals: Map<number, Log> } {
  const history: HistoryEvent[] = [];
  const logs: Log[] = [[], []];
  let t = 0;
  history.push({ type: 'nemesis', phase: 'start', fault: 'kill-one', time: (t += 1) });
  for (let k = 0; k < 60; k++) {
    if (k === 10) history.push({ type: 'nemesis', phase: 'end', fault: 'kill-one', time: (t += 1) });
    for (const p of [0, 1]) {
      const value = `p${p}-${k}`;
      history.push({ type: 'invoke', process: p + 1, f: 'append', partition: p, value, time: (t += 1) });
      history.push({ type: 'ok', process: p + 1, f: 'append', partition: p, value, offset: k, time: (t += 1) });
      logs[p].push([k, value]);
    }
  }
  for (const p of [0, 1]) {
    history.push({ type: 'invoke', process: 10 + p, f: 'end', partition: p, time: (t += 1) });
    history.push({ type: 'ok', process: 10 + p, f: 'end', partition: p, offset: 60, time: (t += 1) });
    history.push({ type: 'invoke', process: 20 + p, f: 'fetch', partition: p, from: 0, time: (t += 1) });
    history.push({ type: 'ok', process: 20 + p, f: 'fetch', partition: p, records: logs[p].slice(0, 5), time: (t += 1) });
  }
  return { history, finals: new Map([[0, logs[0]], [1, logs[1]]]) };
}

function input(over: Partial<CheckInput> = {}): CheckInput {
  const { history, finals } = run();
  return {
    history,
    finals,
    replicaReads: [...finals].flatMap(([partition, log]) => [1, 2, 3].map((node) => ({ partition, node, log }))),
    partitions: [0, 1],
    livenessBoundMs: 10_000,
    exits: [],
    ...over,
  };
}

const verdict = (r: ReturnType<typeof checkRun>, name: string) => r.verdicts.find((v) => v.checker === name)!;

describe('the lab\'s check phase', () => {
  it('passes a clean run: every checker ok', () => {
    const r = checkRun(input());
    expect(r.verdicts.filter((v) => !v.ok)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.recovery).toEqual([{ fault: 'kill-one', endedAt: expect.any(Number), recoveryMs: expect.any(Number) }]);
  });

  it('fails a run whose final log lost an acknowledged write, naming its history line', () => {
    const i = input();
    const finals = new Map(i.finals);
    finals.set(1, i.finals.get(1)!.filter(([offset]) => offset !== 17));
    const r = checkRun({ ...i, finals, replicaReads: [] });
    expect(r.ok).toBe(false);
    const lost = verdict(r, 'lost');
    expect(lost.ok).toBe(false);
    expect(lost.anomalies[0].message).toMatch(/p1-17, acknowledged at offset 17, is not in the final log/);
    const line = lost.anomalies[0].lines[0];
    expect(i.history[line - 1]).toMatchObject({ type: 'invoke', value: 'p1-17' });
  });

  it('fails when a replica served another log than the final one', () => {
    const i = input();
    const other = i.finals.get(0)!.map(([o, v]) => [o, o === 30 ? 'intruder' : v] as [number, string]);
    const r = checkRun({ ...i, replicaReads: [...i.replicaReads, { partition: 0, node: 2, log: other }] });
    expect(verdict(r, 'replicas').anomalies.map((a) => a.message)).toEqual([expect.stringMatching(/node 2, leading partition 0, served 60 records .* first difference at position 30: intruder@30 instead of p0-30@30/)]);
    const shorter = checkRun({ ...i, replicaReads: [{ partition: 1, node: 3, log: i.finals.get(1)!.slice(0, 59) }] });
    expect(verdict(shorter, 'replicas').anomalies[0].message).toMatch(/served 59 records where the final log has 60; first difference at position 59: nothing instead of p1-59@59/);
  });

  it('fails a stale end-offset read (linearizability), and accepts writes of unknown outcome that the final log resolves', () => {
    const i = input();
    const history = [...i.history];
    // An end read after all 60 appends completed, answering 58.
    const t = history[history.length - 1].time;
    history.push({ type: 'invoke', process: 30, f: 'end', partition: 0, time: t + 1 }, { type: 'ok', process: 30, f: 'end', partition: 0, offset: 58, time: t + 2 });
    const stale = checkRun({ ...i, history });
    expect(verdict(stale, 'linearizable').ok).toBe(false);
    expect(verdict(stale, 'linearizable').anomalies[0].message).toMatch(/end offset = 58/);

    // Two appends whose answers were lost: one is in the log (at 60), one never happened.
    const unknown = [...i.history];
    unknown.push(
      { type: 'invoke', process: 40, f: 'append', partition: 0, value: 'maybe-in', time: t + 1 },
      { type: 'info', process: 40, f: 'append', partition: 0, value: 'maybe-in', error: 'TIMEOUT', time: t + 2 },
      { type: 'invoke', process: 41, f: 'append', partition: 0, value: 'maybe-not', time: t + 1 },
      { type: 'invoke', process: 42, f: 'end', partition: 0, time: t + 3 },
      { type: 'ok', process: 42, f: 'end', partition: 0, offset: 61, time: t + 4 },
    );
    const finals = new Map(i.finals);
    finals.set(0, [...i.finals.get(0)!, [60, 'maybe-in']]);
    const r = checkRun({ ...i, history: unknown, finals, replicaReads: [] });
    expect(r.verdicts.filter((v) => !v.ok)).toEqual([]);
  });

  it('fails liveness when writes never succeed again after a fault, and counts crashes only of undamaged nodes', () => {
    const i = input();
    const t = i.history[i.history.length - 1].time;
    const history: HistoryEvent[] = [...i.history, { type: 'nemesis', phase: 'start', fault: 'split', time: t + 1 }, { type: 'nemesis', phase: 'end', fault: 'split', time: t + 2 }];
    const r = checkRun({ ...i, history });
    expect(verdict(r, 'liveness').ok).toBe(false);
    expect(verdict(r, 'liveness').anomalies[0]).toMatchObject({ message: expect.stringMatching(/after split ended at .* some partition never took a write again/), lines: [history.length] });

    const exits = [
      { node: 2, exit: 'exit code 70', time: 5, lastLines: ['store write failed'], damaged: false },
      { node: 3, exit: 'exit code 1', time: 6, lastLines: ['corrupt'], damaged: true },
    ];
    const crashed = checkRun({ ...i, exits });
    expect(verdict(crashed, 'crashes').anomalies.map((a) => a.message)).toEqual([expect.stringMatching(/node 2 exited by itself .*exit code 70.*store write failed/)]);
    expect(verdict(crashed, 'crashes').summary).toMatch(/2 exits the lab did not cause \(1 of nodes whose disk a storage fault had damaged\)/);
  });
});
