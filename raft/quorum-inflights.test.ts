import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Inflights } from './inflights';
import { committedIndex, voteResult } from './quorum';

describe('quorum arithmetic', () => {
  it('the committed index is the largest index a majority of voters have matched', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 9 }), (matches) => {
        const ids = matches.map((_, i) => i + 1);
        const idx = committedIndex(ids, (id) => matches[id - 1]);
        const atLeast = (n: number) => matches.filter((m) => m >= n).length;
        const majority = Math.floor(matches.length / 2) + 1;
        expect(atLeast(idx)).toBeGreaterThanOrEqual(majority);
        expect(atLeast(idx + 1)).toBeLessThan(majority);
      }),
    );
  });

  it('an election is won with a majority of grants, lost once a majority is out of reach', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.nat(9), fc.nat(9), (n, g, r) => {
        fc.pre(g + r <= n);
        const result = voteResult(Array.from({ length: n }, (_, i) => i + 1), g, r);
        const majority = Math.floor(n / 2) + 1;
        if (g >= majority) expect(result).toBe('won');
        else if (n - r < majority) expect(result).toBe('lost');
        else expect(result).toBe('pending');
      }),
    );
  });
});

describe('the in-flight window', () => {
  it('never holds more than its message limit, and acknowledging index i frees exactly the messages ending at or before i', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('add' as const), fc.nat(50)), { maxLength: 200 }), (ops) => {
        const w = new Inflights(8, 0);
        let model: number[] = [];
        let next = 1;
        for (const op of ops) {
          if (op === 'add') {
            if (w.full()) continue;
            w.add(next, 10);
            model.push(next);
            next += 1 + (next % 3);
          } else {
            w.freeLE(op);
            model = model.filter((i) => i > op);
          }
          expect(w.count).toBe(model.length);
          expect(w.bytes).toBe(model.length * 10);
          expect(w.count).toBeLessThanOrEqual(8);
        }
      }),
    );
  });
});
