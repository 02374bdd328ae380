import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from './murmur2';

describe('murmur2', () => {
  it("matches Kafka's Utils.murmur2 on Kafka's own test vectors", () => {
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [input, hash] of cases) expect(murmur2(Buffer.from(input))).toBe(hash);
  });

  it('a partition for a key is always in range, even when the hash is negative', () => {
    for (let i = 0; i < 2000; i++) {
      const p = partitionForKey(Buffer.from(`key-${i}`), 7);
      expect(Number.isInteger(p) && p >= 0 && p < 7).toBe(true);
    }
  });
});
