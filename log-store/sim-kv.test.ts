import { describe, expect, it } from 'vitest';
import { SimKv, type SimKvOptions } from './sim-kv';
import { VirtualClock } from './virtual-clock';

const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);

const key = (n: number) => Buffer.from([0x6b, n >> 8, n & 0xff]);
const val = (s: string) => Buffer.from(s);

/** A fresh, open SimKv on its own clock. */
async function world(seed: number, options?: SimKvOptions): Promise<{ clock: VirtualClock; kv: SimKv }> {
  const clock = new VirtualClock(seed);
  const kv = new SimKv(clock, options);
  await clock.settle(kv.open());
  return { clock, kv };
}

/** Every key (hex) and value (latin1, so that any byte survives the round trip), read through an iterator. */
async function dump(clock: VirtualClock, kv: SimKv): Promise<Map<string, string>> {
  const it = kv.iterator({});
  const out = new Map<string, string>();
  for (let batch = await clock.settle(it.nextv(7)); batch.length > 0; batch = await clock.settle(it.nextv(7))) {
    for (const [k, v] of batch) out.set(k.toString('hex'), v.toString('latin1'));
  }
  await clock.settle(it.close());
  return out;
}

/** Crash now, reopen, and dump what survived. */
async function crashAndDump(clock: VirtualClock, kv: SimKv): Promise<Map<string, string>> {
  kv.crash();
  clock.clear();
  const next = kv.reopen();
  await clock.settle(next.open());
  return dump(clock, next);
}

/** Issue `n` unsynced puts at once; returns the keys in the order their promises resolved (the order they took effect). */
function concurrentPuts(kv: SimKv, from: number, n: number, sync = false): { order: number[]; all: Promise<unknown> } {
  const order: number[] = [];
  const all = Promise.all(Array.from({ length: n }, (_, i) => kv.put(key(from + i), val(`v${from + i}`), { sync }).then(() => order.push(from + i))));
  return { order, all };
}

describe('SimKv: durability across a crash', () => {
  it('a synced write survives every crash, together with every write that took effect before it', async () => {
    let lostSomethingUnsynced = 0;
    for (const seed of SEEDS) {
      const { clock, kv } = await world(seed);
      const before = concurrentPuts(kv, 0, 5);
      await clock.settle(before.all);
      await clock.settle(kv.batch([{ type: 'put', key: key(100), value: val('synced') }, { type: 'del', key: key(0) }], { sync: true }));
      const after = concurrentPuts(kv, 200, 5);
      await clock.run({ until: clock.now + clock.int(12) });
      const got = await crashAndDump(clock, kv);
      expect(got.get(key(100).toString('hex'))).toBe('synced');
      expect(got.has(key(0).toString('hex'))).toBe(false);
      for (let i = 1; i < 5; i++) expect(got.get(key(i).toString('hex'))).toBe(`v${i}`);
      if (after.order.some((n) => !got.has(key(n).toString('hex')))) lostSomethingUnsynced++;
    }
    // The crash did lose unsynced writes now and then: the synced ones survived by the rule, not by luck.
    expect(lostSomethingUnsynced).toBeGreaterThan(20);
  });

  it('unsynced writes survive only as a prefix of the order they took effect in; writes not yet taken effect never survive', async () => {
    const kept = new Set<number>();
    for (const seed of SEEDS) {
      const { clock, kv } = await world(seed);
      const { order } = concurrentPuts(kv, 0, 8);
      // Crash at a random moment: some writes have taken effect (in `order`), some not yet.
      await clock.run({ until: clock.now + clock.int(12) });
      const tookEffect = order.slice();
      const got = await crashAndDump(clock, kv);
      const survivors = [...got.keys()];
      expect(survivors.length).toBeLessThanOrEqual(tookEffect.length);
      expect(new Set(survivors)).toEqual(new Set(tookEffect.slice(0, survivors.length).map((n) => key(n).toString('hex'))));
      kept.add(survivors.length === 0 ? 0 : survivors.length === tookEffect.length ? 2 : 1);
    }
    // Across seeds: nothing kept, everything kept, and a strict prefix kept all happen.
    expect(kept).toEqual(new Set([0, 1, 2]));
  });

  it('a batch never tears: after a crash each batch is there whole or not at all, and the batches there are a prefix', async () => {
    let partial = 0;
    for (const seed of SEEDS) {
      const { clock, kv } = await world(seed);
      const order: number[] = [];
      for (let b = 0; b < 6; b++) {
        const ops = Array.from({ length: 5 }, (_, i) => ({ type: 'put' as const, key: key(b * 10 + i), value: val(`b${b}`) }));
        void kv.batch(ops, { sync: false }).then(() => order.push(b));
      }
      await clock.run({ until: clock.now + clock.int(12) });
      const tookEffect = order.slice();
      const got = await crashAndDump(clock, kv);
      const batchesThere = new Set([...got.values()]);
      for (const b of batchesThere) expect([...got.values()].filter((v) => v === b)).toHaveLength(5);
      expect(batchesThere).toEqual(new Set(tookEffect.slice(0, batchesThere.size).map((b) => `b${b}`)));
      if (batchesThere.size > 0 && batchesThere.size < 6) partial++;
    }
    expect(partial).toBeGreaterThan(20);
  });

  it('a clear can tear: a crash can leave part of the range deleted, always a prefix of it in key order', async () => {
    let torn = 0;
    for (const seed of SEEDS) {
      const { clock, kv } = await world(seed);
      await clock.settle(kv.batch(Array.from({ length: 20 }, (_, i) => ({ type: 'put' as const, key: key(i), value: val(`v${i}`) })), { sync: true }));
      void kv.clear({ gte: key(0), lt: key(20) });
      await clock.run({ until: clock.now + clock.int(40) });
      const got = await crashAndDump(clock, kv);
      const left = [...got.keys()];
      // The keys left are a suffix of the range: the clear deleted 0..k-1.
      expect(left).toEqual(Array.from({ length: left.length }, (_, i) => key(20 - left.length + i).toString('hex')));
      if (left.length > 0 && left.length < 20) torn++;
    }
    expect(torn).toBeGreaterThan(20);
  });
});

describe('SimKv: reads, ordering and lifecycle', () => {
  it('an iterator sees the database as of its creation, whatever is written meanwhile', async () => {
    for (const seed of SEEDS.slice(0, 50)) {
      const { clock, kv } = await world(seed);
      await clock.settle(kv.batch([1, 2, 3].map((n) => ({ type: 'put' as const, key: key(n), value: val(`old${n}`) })), { sync: false }));
      const it = kv.iterator({ gte: key(0), lt: key(10) });
      const keys = kv.keys({ gte: key(0), lt: key(10) });
      const get = kv.get(key(2));
      await clock.settle(kv.batch([{ type: 'put', key: key(4), value: val('new4') }, { type: 'del', key: key(2) }, { type: 'put', key: key(1), value: val('new1') }], { sync: true }));
      const seen = (await clock.settle(it.nextv(10))).map(([k, v]) => `${k[2]}=${v}`);
      expect(seen).toEqual(['1=old1', '2=old2', '3=old3']);
      const seenKeys: number[] = [];
      for (let k = await clock.settle(keys.next()); k !== undefined; k = await clock.settle(keys.next())) seenKeys.push(k[2]);
      expect(seenKeys).toEqual([1, 2, 3]);
      // A get reads the database as of its call, too.
      expect((await clock.settle(get))?.toString()).toBe('old2');
      // A read made after the write completed sees it.
      expect(await clock.settle(kv.get(key(2)))).toBeUndefined();
      expect((await clock.settle(kv.get(key(4))))?.toString()).toBe('new4');
    }
  });

  it('ranges and seek behave as classic-level: bounds, gte over gt, a seek past the range ends the iterator', async () => {
    const { clock, kv } = await world(1);
    await clock.settle(kv.batch([1, 2, 3, 4, 5, 6].map((n) => ({ type: 'put' as const, key: key(n), value: val(`${n}`) })), { sync: false }));
    const read = async (range: Parameters<SimKv['iterator']>[0]) => (await clock.settle(kv.iterator(range).nextv(100))).map(([k]) => k[2]);
    expect(await read({ gt: key(2), lte: key(5) })).toEqual([3, 4, 5]);
    expect(await read({ gte: key(2), lt: key(5) })).toEqual([2, 3, 4]);
    expect(await read({ gte: key(2), gt: key(4) })).toEqual([2, 3, 4, 5, 6]);
    const keys = kv.keys({ gte: key(2), lt: key(6) });
    expect((await clock.settle(keys.next()))?.[2]).toBe(2);
    keys.seek(key(4));
    expect((await clock.settle(keys.next()))?.[2]).toBe(4);
    keys.seek(key(6));
    expect(await clock.settle(keys.next())).toBeUndefined();
    keys.seek(key(3));
    expect((await clock.settle(keys.next()))?.[2]).toBe(3);
  });

  it('operations issued together can take effect and complete in either order', async () => {
    const seen = new Set<string>();
    for (const seed of SEEDS.slice(0, 50)) {
      const { clock, kv } = await world(seed);
      const order: string[] = [];
      const a = kv.put(key(1), val('a'), { sync: false }).then(() => order.push('a'));
      const b = kv.put(key(1), val('b'), { sync: false }).then(() => order.push('b'));
      await clock.settle(Promise.all([a, b]));
      // The later write to the key wins: the value left is the one that took effect last.
      expect((await clock.settle(kv.get(key(1))))?.toString()).toBe(order[1]);
      seen.add(order.join(''));
    }
    expect(seen).toEqual(new Set(['ab', 'ba']));
  });

  it('one iterator reads one batch at a time, and close waits for its read in flight', async () => {
    const { clock, kv } = await world(3);
    await clock.settle(kv.put(key(1), val('x'), { sync: false }));
    const it = kv.iterator({});
    const first = it.nextv(1);
    await expect(clock.settle(it.nextv(1))).rejects.toMatchObject({ code: 'LEVEL_ITERATOR_BUSY' });
    const closed = it.close();
    expect((await clock.settle(first)).length).toBe(1);
    await clock.settle(closed);
    await expect(it.nextv(1)).rejects.toMatchObject({ code: 'LEVEL_ITERATOR_NOT_OPEN' });
  });

  it('close waits for the operations in flight (they take effect), refuses new ones, and a closed database opens again with its data', async () => {
    for (const seed of SEEDS.slice(0, 30)) {
      const { clock, kv } = await world(seed);
      const puts = concurrentPuts(kv, 0, 4);
      const closed = kv.close();
      await expect(kv.get(key(0))).rejects.toMatchObject({ code: 'LEVEL_DATABASE_NOT_OPEN' });
      expect(() => kv.iterator({})).toThrow(/not open/);
      await clock.settle(closed);
      expect(puts.order).toHaveLength(4);
      expect(kv.status).toBe('closed');
      await clock.settle(kv.open());
      expect((await dump(clock, kv)).size).toBe(4);
    }
  });

  it('calls made while the database opens wait for the open, as with level; an iterator made meanwhile pins its view at the open', async () => {
    for (const seed of SEEDS.slice(0, 30)) {
      const clock = new VirtualClock(seed);
      const kv = new SimKv(clock);
      expect(kv.status).toBe('opening');
      const it = kv.iterator({});
      const put = kv.put(key(1), val('early'), { sync: false }).then(() => kv.status);
      expect(await clock.settle(put)).toBe('open');
      expect((await clock.settle(kv.get(key(1))))?.toString()).toBe('early');
      // The put was issued after the iterator and took effect after the open: the iterator does not see it.
      expect(await clock.settle(it.nextv(5))).toEqual([]);
    }
  });

  it('a crashed instance refuses every call, its operations in flight never settle, and reopen() gives what survived', async () => {
    const { clock, kv } = await world(5);
    await clock.settle(kv.put(key(1), val('kept'), { sync: true }));
    const it = kv.iterator({});
    const keys = kv.keys({});
    let settled = false;
    void kv.put(key(2), val('in flight'), { sync: true }).finally(() => (settled = true));
    kv.crash();
    await clock.run();
    expect(settled).toBe(false);
    const refused = { code: 'SIMKV_CRASHED' };
    await expect(kv.get(key(1))).rejects.toMatchObject(refused);
    await expect(kv.put(key(1), val('x'), { sync: true })).rejects.toMatchObject(refused);
    await expect(kv.batch([], { sync: false })).rejects.toMatchObject(refused);
    await expect(kv.clear({})).rejects.toMatchObject(refused);
    await expect(kv.open()).rejects.toMatchObject(refused);
    await expect(kv.close()).rejects.toMatchObject(refused);
    await expect(it.nextv(1)).rejects.toMatchObject(refused);
    await expect(it.close()).rejects.toMatchObject(refused);
    await expect(keys.next()).rejects.toMatchObject(refused);
    expect(() => keys.seek(key(1))).toThrow(/crashed/);
    expect(() => kv.iterator({})).toThrow(/crashed/);
    expect(() => kv.keys({})).toThrow(/crashed/);
    expect(() => kv.crash()).toThrow(/crashed/);
    expect(() => kv.corruptStoredValue(() => true)).toThrow(/crashed/);
    const next = kv.reopen();
    await clock.settle(next.open());
    expect([...(await dump(clock, next)).values()]).toEqual(['kept']);
  });

  it('the same seed gives the same run: completion order, crash survivors and corrupted reads', async () => {
    const trace = async (seed: number) => {
      const { clock, kv } = await world(seed, { readCorruptionPercent: 20 });
      const events: string[] = [];
      for (let i = 0; i < 12; i++) {
        const sync = clock.int(4) === 0;
        void kv.put(key(i % 5), val(`v${i}`), { sync }).then(() => events.push(`put${i}@${clock.now}`));
        if (i % 4 === 3) void kv.clear({ gte: key(1), lt: key(3) }).then(() => events.push(`clear@${clock.now}`));
        if (i % 3 === 0) void kv.get(key(i % 5)).then((v) => events.push(`get${i}=${v?.toString('hex')}@${clock.now}`));
      }
      await clock.run({ until: clock.now + 15 });
      const got = await crashAndDump(clock, kv);
      return [...events, ...[...got].map(([k, v]) => `${k}=${Buffer.from(v, 'latin1').toString('hex')}`)].join(' ');
    };
    const runs: string[][] = [];
    for (const seed of [1, 2, 3]) runs.push([await trace(seed), await trace(seed)]);
    for (const [a, b] of runs) expect(a).toBe(b);
    expect(new Set(runs.map(([a]) => a)).size).toBe(3);
  });
});

describe('SimKv: corruption', () => {
  it('corruptStoredValue flips exactly one byte of one matching value, for good: reads, reopen and crash all see it', async () => {
    for (const seed of SEEDS.slice(0, 50)) {
      const { clock, kv } = await world(seed);
      const original = Array.from({ length: 5 }, (_, i) => Buffer.from(`value-${i}-xxxxxxxx`));
      await clock.settle(kv.batch(original.map((value, i) => ({ type: 'put' as const, key: key(i), value })), { sync: true }));
      expect(kv.corruptStoredValue((k) => k[2] === 99)).toBe(false);
      expect(kv.corruptStoredValue((k) => k[2] >= 2)).toBe(true);
      const diff = (got: Map<string, string>) => {
        const changed: number[] = [];
        for (let i = 0; i < 5; i++) {
          const now = Buffer.from(got.get(key(i).toString('hex'))!, 'latin1');
          const flipped = [...now].filter((b, at) => b !== original[i][at]).length;
          expect(flipped).toBeLessThanOrEqual(1);
          if (flipped === 1) changed.push(i);
        }
        return changed;
      };
      const changed = diff(await dump(clock, kv));
      expect(changed).toHaveLength(1);
      expect(changed[0]).toBeGreaterThanOrEqual(2);
      // Bit rot is on the disk: a reopen (after close, or after a crash) reads the same rotted value.
      await clock.settle(kv.close());
      await clock.settle(kv.open());
      expect(diff(await dump(clock, kv))).toEqual(changed);
      expect(diff(await crashAndDump(clock, kv))).toEqual(changed);
    }
  });

  it('readCorruptionPercent flips one byte in about that share of the values read, and the stored value stays intact', async () => {
    const { clock, kv } = await world(11, { readCorruptionPercent: 25 });
    const stored = Buffer.from('0123456789abcdef');
    await clock.settle(kv.put(key(1), stored, { sync: true }));
    let bad = 0;
    const reads = 400;
    for (let i = 0; i < reads; i++) {
      const got = (await clock.settle(kv.get(key(1))))!;
      const flipped = [...got].filter((b, at) => b !== stored[at]).length;
      expect(flipped).toBeLessThanOrEqual(1);
      bad += flipped;
    }
    expect(bad / reads).toBeGreaterThan(0.18);
    expect(bad / reads).toBeLessThan(0.32);
  });
});
