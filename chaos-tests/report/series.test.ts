import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../checker';
import { computeSeries, faultWindows, percentile } from './series';

// Second 0 starts at 10 000 ms. Latencies: append 10 and 200, fetch 50, end 900 in second 0;
// a cas invoked in second 0 completes in second 1 (305 ms); a failed append in second 1; an
// append of unknown outcome in second 2; one append never completes.
const history: HistoryEvent[] = [
  { type: 'invoke', process: 1, f: 'append', partition: 0, value: 'a', time: 10_000 },
  { type: 'ok', process: 1, f: 'append', partition: 0, value: 'a', offset: 0, time: 10_010 },
  { type: 'invoke', process: 2, f: 'end', partition: 0, time: 10_050 },
  { type: 'invoke', process: 1, f: 'append', partition: 0, value: 'b', time: 10_100 },
  { type: 'ok', process: 1, f: 'append', partition: 0, value: 'b', offset: 1, time: 10_300 },
  { type: 'invoke', process: 1, f: 'fetch', partition: 0, from: 0, time: 10_400 },
  { type: 'ok', process: 1, f: 'fetch', partition: 0, records: [[0, 'a'], [1, 'b']], time: 10_450 },
  { type: 'nemesis', phase: 'start', fault: 'partition', detail: 'n1 | n2 n3', time: 10_500 },
  { type: 'invoke', process: 3, f: 'cas', partition: 0, value: 'c', expected: 2, time: 10_900 },
  { type: 'ok', process: 2, f: 'end', partition: 0, offset: 2, time: 10_950 },
  { type: 'invoke', process: 2, f: 'append', partition: 0, value: 'd', time: 11_000 },
  { type: 'fail', process: 2, f: 'append', partition: 0, value: 'd', error: 'not written', time: 11_020 },
  { type: 'invoke', process: 2, f: 'append', partition: 0, value: 'e', time: 11_100 },
  { type: 'ok', process: 3, f: 'cas', partition: 0, value: 'c', offset: 2, time: 11_205 },
  { type: 'nemesis', phase: 'end', fault: 'partition', time: 12_000 },
  { type: 'nemesis', phase: 'start', fault: 'pause', detail: 'n2', time: 12_200 },
  { type: 'info', process: 2, f: 'append', partition: 0, value: 'e', error: 'timeout', time: 12_500 },
  { type: 'invoke', process: 3, f: 'append', partition: 0, value: 'f', time: 12_600 },
];

describe('the per-second series', () => {
  const s = computeSeries(history, faultWindows(history));

  it('buckets whole seconds from the first event to the last', () => {
    expect(s.t0).toBe(10_000);
    expect(s.durationS).toBeCloseTo(2.6);
    expect(s.seconds).toEqual([0, 1, 2]);
  });

  it('counts ok, failed and unknown operations in the second they completed', () => {
    expect(s.ok).toEqual([4, 1, 0]);
    expect(s.fail).toEqual([0, 1, 0]);
    expect(s.info).toEqual([0, 0, 1]);
    expect(s.totals).toEqual({ ok: 5, fail: 1, info: 1, unfinished: 1 });
  });

  it('splits throughput by operation kind, in the workload order', () => {
    expect(s.kinds).toEqual(['append', 'cas', 'end', 'fetch']);
    expect(s.okByKind).toEqual({ append: [2, 0, 0], cas: [0, 1, 0], end: [1, 0, 0], fetch: [1, 0, 0] });
  });

  it('gives the p50 and p99 latency of ok operations per second, null where none completed', () => {
    // Second 0 holds 10, 50, 200, 900 ms: nearest rank 2 of 4 and 4 of 4.
    expect(s.latency).toEqual({ p50: [50, 305, null], p99: [900, 305, null] });
    expect(s.latencyByKind.append).toEqual({ p50: [10, null, null], p99: [200, null, null] });
    // Measured from its invocation in second 0, counted in second 1 where it completed.
    expect(s.latencyByKind.cas).toEqual({ p50: [null, 305, null], p99: [null, 305, null] });
  });

  it('places fault windows in seconds, an unended one running to the end of the run', () => {
    expect(s.faults.map(({ fault, startS, endS }) => ({ fault, startS, endS }))).toEqual([
      { fault: 'partition', startS: 0.5, endS: 2 },
      { fault: 'pause', startS: 2.2, endS: expect.closeTo(2.6) },
    ]);
  });

  it('a completion exactly one second after the start belongs to second 1', () => {
    const edge: HistoryEvent[] = [
      { type: 'invoke', process: 1, f: 'append', partition: 0, value: 'x', time: 0 },
      { type: 'ok', process: 1, f: 'append', partition: 0, value: 'x', offset: 0, time: 1000 },
    ];
    expect(computeSeries(edge, []).ok).toEqual([0, 1]);
  });

  it('keeps whatever kind a history names as a kind of its own, even __proto__ or all', () => {
    const odd = (['__proto__', 'all'] as const).flatMap((f, i): HistoryEvent[] => [
      { type: 'invoke', process: i, f: f as never, partition: 0, time: 0 },
      { type: 'ok', process: i, f: f as never, partition: 0, time: 10 + i },
    ]);
    const r = computeSeries(odd, []);
    expect(r.kinds).toEqual(['__proto__', 'all']);
    expect(Object.keys(r.okByKind)).toEqual(['__proto__', 'all']);
    expect(Object.hasOwn(r.latencyByKind, '__proto__')).toBe(true);
    expect(r.latencyByKind['__proto__']).toEqual({ p50: [10], p99: [10] });
    expect(r.latency).toEqual({ p50: [10], p99: [11] });
  });

  it('clips a fault that began before the first event to second 0, and stretches the run to a fault that ends after it', () => {
    const r = computeSeries(history, [{ fault: 'kill', start: 9_000, end: 14_000 }]);
    expect(r.faults[0]).toMatchObject({ startS: 0, endS: 4 });
    expect(r.durationS).toBe(4);
    expect(r.seconds).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('fault windows from nemesis events', () => {
  it('pairs each end with the open start of the same fault and detail', () => {
    const h: HistoryEvent[] = [
      { type: 'nemesis', phase: 'start', fault: 'pause', detail: 'n1', time: 1 },
      { type: 'nemesis', phase: 'start', fault: 'pause', detail: 'n2', time: 2 },
      { type: 'nemesis', phase: 'start', fault: 'kill', time: 3 },
      { type: 'nemesis', phase: 'end', fault: 'pause', detail: 'n2', time: 4 },
      { type: 'nemesis', phase: 'end', fault: 'pause', time: 5 },
      { type: 'nemesis', phase: 'end', fault: 'clock', time: 6 },
    ];
    expect(faultWindows(h)).toEqual([
      { fault: 'pause', detail: 'n1', start: 1, end: 5 },
      { fault: 'pause', detail: 'n2', start: 2, end: 4 },
      { fault: 'kill', start: 3, end: null },
    ]);
  });
});

describe('percentiles', () => {
  it('are nearest-rank values of the sample', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 0.5)).toBe(50);
    expect(percentile(hundred, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([1, 2], 0.5)).toBe(1);
    expect(() => percentile([], 0.5)).toThrow();
  });
});
