import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDuplicates, checkLinearizable, checkLost, checkReads, type HistoryEvent, operations, recoveryTimes } from './index';

/** A tiny history builder: ops given as [process, f, args, start, end, outcome, result]. */
type Spec = {
  p: number;
  f: 'append' | 'cas' | 'end' | 'fetch';
  value?: string;
  expected?: number;
  from?: number;
  start: number;
  end?: number; // undefined: no completion (info forever)
  outcome?: 'ok' | 'fail' | 'info';
  offset?: number;
  records?: Array<[number, string]>;
};

function history(specs: Spec[], partition = 0): HistoryEvent[] {
  const events: Array<HistoryEvent & { order: number }> = [];
  specs.forEach((s, i) => {
    events.push({ type: 'invoke', process: s.p, f: s.f, partition, value: s.value, expected: s.expected, from: s.from, time: s.start, order: i * 2 });
    if (s.end !== undefined) {
      events.push({ type: s.outcome ?? 'ok', process: s.p, f: s.f, partition, value: s.value, offset: s.offset, records: s.records, time: s.end, order: i * 2 + 1 });
    }
  });
  return events.sort((a, b) => a.time - b.time || a.order - b.order).map(({ order: _, ...e }) => e as HistoryEvent);
}

const lin = (specs: Spec[]) => checkLinearizable(operations(history(specs)));

describe('the linearizability checker (appends, conditional appends, end-offset reads on one partition)', () => {
  it('accepts a sequential history and concurrent appends in either order', () => {
    expect(lin([
      { p: 1, f: 'append', value: 'a', start: 0, end: 1, offset: 0 },
      { p: 1, f: 'end', start: 2, end: 3, offset: 1 },
      { p: 1, f: 'cas', value: 'b', expected: 1, start: 4, end: 5, offset: 1 },
    ]).ok).toBe(true);
    expect(lin([
      { p: 1, f: 'append', value: 'a', start: 0, end: 10, offset: 1 },
      { p: 2, f: 'append', value: 'b', start: 1, end: 9, offset: 0 },
    ]).ok).toBe(true);
  });

  it('rejects a stale end-offset read (it misses an append acknowledged before the read began)', () => {
    const r = lin([
      { p: 1, f: 'append', value: 'a', start: 0, end: 1, offset: 0 },
      { p: 2, f: 'end', start: 2, end: 3, offset: 0 },
    ]);
    expect(r.ok).toBe(false);
    expect(r.unknown).toBeFalsy();
    expect(r.explanation).toMatch(/end offset = 0/);
  });

  it('rejects offsets out of real-time order, and two appends at one offset', () => {
    expect(lin([
      { p: 1, f: 'append', value: 'a', start: 0, end: 1, offset: 1 },
      { p: 2, f: 'append', value: 'b', start: 2, end: 3, offset: 0 },
    ]).ok).toBe(false);
    expect(lin([
      { p: 1, f: 'append', value: 'a', start: 0, end: 5, offset: 0 },
      { p: 2, f: 'append', value: 'b', start: 0, end: 5, offset: 0 },
    ]).ok).toBe(false);
  });

  it('rejects a conditional append that succeeded at a stale offset, or failed when the offset was right', () => {
    expect(lin([
      { p: 1, f: 'append', value: 'a', start: 0, end: 1, offset: 0 },
      { p: 2, f: 'cas', value: 'b', expected: 0, start: 2, end: 3, offset: 0 },
    ]).ok).toBe(false);
    expect(lin([
      { p: 1, f: 'append', value: 'a', start: 0, end: 1, offset: 0 },
      { p: 2, f: 'cas', value: 'b', expected: 1, start: 2, end: 3, outcome: 'fail' },
      { p: 3, f: 'end', start: 4, end: 5, offset: 1 },
    ]).ok).toBe(false);
  });

  it('an append of unknown outcome may have happened (explaining a later offset) or not', () => {
    const happened = [
      { p: 1, f: 'append', value: 'a', start: 0, end: 1, outcome: 'info' },
      { p: 2, f: 'append', value: 'b', start: 2, end: 3, offset: 1 },
    ] as Spec[];
    expect(lin(happened).ok).toBe(true);
    const never = [
      { p: 1, f: 'append', value: 'a', start: 0 },
      { p: 2, f: 'append', value: 'b', start: 2, end: 3, offset: 0 },
      { p: 2, f: 'end', start: 4, end: 5, offset: 1 },
    ] as Spec[];
    expect(lin(never).ok).toBe(true);
    // It may take effect once, not twice: two offsets after one unknown append is one too many.
    expect(lin([
      { p: 1, f: 'append', value: 'a', start: 0 },
      { p: 2, f: 'append', value: 'b', start: 2, end: 3, offset: 2 },
    ]).ok).toBe(false);
  });

  it('a failed (not written) append never took effect', () => {
    expect(lin([
      { p: 1, f: 'append', value: 'a', start: 0, end: 1, outcome: 'fail' },
      { p: 2, f: 'append', value: 'b', start: 2, end: 3, offset: 1 },
    ]).ok).toBe(false);
  });

  it('property: any history made by a sequential log with random concurrency and lost answers is linearizable; moving one offset breaks it', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ kind: fc.constantFrom('append', 'cas', 'end'), lag: fc.nat(5), dur: fc.nat(6), lost: fc.boolean(), stale: fc.boolean() }), { minLength: 1, maxLength: 14 }), (plan) => {
        // Each op takes effect at its own instant t (increasing); invocation before, completion after.
        let length = 0;
        const specs: Spec[] = plan.map((s, i) => {
          const t = i * 10 + 5;
          const start = t - 1 - Math.min(s.lag, 4);
          const end = t + 1 + s.dur;
          const base = { p: i + 1, start, end: s.lost ? undefined : end, outcome: s.lost ? ('info' as const) : ('ok' as const) };
          if (s.kind === 'append') return { ...base, f: 'append' as const, value: `v${i}`, offset: length++ };
          if (s.kind === 'end') return { ...base, f: 'end' as const, offset: length };
          const expected = s.stale ? length + 1 : length;
          if (expected === length) return { ...base, f: 'cas' as const, value: `v${i}`, expected, offset: length++ };
          return { ...base, f: 'cas' as const, value: `v${i}`, expected, outcome: s.lost ? ('info' as const) : ('fail' as const) };
        });
        expect(lin(specs).ok).toBe(true);
        const target = specs.findIndex((s) => s.f === 'append' && s.outcome === 'ok');
        if (target >= 0) {
          const broken = specs.map((s, i) => (i === target ? { ...s, offset: (s.offset ?? 0) + 100 } : s));
          expect(lin(broken).ok).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('lost, duplicates and Jepsen queue anomalies', () => {
  const acked = history([
    { p: 1, f: 'append', value: 'a', start: 0, end: 1, offset: 0 },
    { p: 1, f: 'append', value: 'b', start: 2, end: 3, offset: 1 },
    { p: 2, f: 'append', value: 'x', start: 2, end: 3, outcome: 'fail' },
  ]);
  const ops = operations(acked);

  it('finds an acknowledged append missing from the final log, or at another offset', () => {
    expect(checkLost(ops, new Map([[0, [[0, 'a'], [1, 'b']]]]))).toEqual([]);
    expect(checkLost(ops, new Map([[0, [[0, 'a']]]]))[0].message).toMatch(/b, acknowledged at offset 1, is not in the final log/);
    expect(checkLost(ops, new Map([[0, [[0, 'b'], [1, 'a']]]]))).toHaveLength(2);
  });

  it('finds a value twice in the log', () => {
    expect(checkDuplicates(new Map([[0, [[0, 'a'], [1, 'b']]]]))).toEqual([]);
    expect(checkDuplicates(new Map([[0, [[0, 'a'], [1, 'a']]]]))[0].message).toMatch(/a is in the log 2 times, at offsets 0, 1/);
  });

  it('finds aborted reads, inconsistent offsets, non-monotonic and skipping reads', () => {
    const reads = operations(
      history([
        { p: 1, f: 'append', value: 'x', start: 0, end: 1, outcome: 'fail' },
        { p: 2, f: 'fetch', from: 0, start: 2, end: 3, records: [[0, 'a'], [1, 'x']] },
        { p: 3, f: 'fetch', from: 0, start: 2, end: 3, records: [[0, 'b'], [2, 'c']] },
        { p: 4, f: 'fetch', from: 1, start: 2, end: 3, records: [[1, 'x'], [0, 'a']] },
      ]),
    );
    const found = checkReads(reads, new Map()).map((a) => a.checker);
    expect(found).toContain('aborted read');
    expect(found).toContain('inconsistent offsets');
    expect(found).toContain('skipping read');
    expect(found).toContain('non-monotonic read');
    const clean = operations(history([{ p: 2, f: 'fetch', from: 0, start: 2, end: 3, records: [[0, 'a'], [1, 'b']] }]));
    expect(checkReads(clean, new Map([[0, [[0, 'a'], [1, 'b']]]]))).toEqual([]);
  });

  it('measures recovery from the end of each fault to the next acknowledged write of every partition', () => {
    const h = history([
      { p: 1, f: 'append', value: 'a', start: 100, end: 150, offset: 0 },
      { p: 1, f: 'append', value: 'b', start: 200, end: 260, offset: 1 },
    ]);
    const r = recoveryTimes(operations(h), [{ type: 'nemesis', phase: 'end', fault: 'kill', time: 120 }], [0]);
    expect(r).toEqual([{ fault: 'kill', endedAt: 120, recoveryMs: 140 }]);
    expect(recoveryTimes(operations(h), [{ type: 'nemesis', phase: 'end', fault: 'kill', time: 300 }], [0])[0].recoveryMs).toBeUndefined();
  });
});
