import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, BytesError, ByteWriter, readI64, readU64, unzigzag, writeI64, writeU64, zigzag } from './index';

const u64 = fc.maxSafeNat();
const i64 = fc.maxSafeInteger();

describe('64-bit integers as numbers', () => {
  it('every u64 below 2^53 round-trips, and is the same 8 bytes as a big-endian bigint', () => {
    fc.assert(
      fc.property(u64, (n) => {
        const b = Buffer.alloc(10);
        writeU64(b, 1, n);
        expect(readU64(b, 1)).toBe(n);
        expect(b.readBigUInt64BE(1)).toBe(BigInt(n));
      }),
    );
  });

  it('every i64 in ±(2^53-1) round-trips as two\'s complement', () => {
    fc.assert(
      fc.property(i64, (n) => {
        const b = new Uint8Array(8);
        writeI64(b, 0, n);
        expect(readI64(b, 0)).toBe(n);
        expect(Buffer.from(b).readBigInt64BE(0)).toBe(BigInt(n));
      }),
    );
  });

  it('big-endian u64 keys sort as their numbers do', () => {
    fc.assert(
      fc.property(u64, u64, (a, b) => {
        const ka = Buffer.alloc(8);
        const kb = Buffer.alloc(8);
        writeU64(ka, 0, a);
        writeU64(kb, 0, b);
        expect(Math.sign(Buffer.compare(ka, kb))).toBe(Math.sign(a - b));
      }),
    );
  });

  it('a stored value beyond 2^53 reads as NaN, never as a nearby number', () => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(2n ** 53n);
    expect(readU64(b, 0)).toBeNaN();
    b.writeBigUInt64BE(2n ** 64n - 1n);
    expect(readU64(b, 0)).toBeNaN();
    b.writeBigInt64BE(2n ** 53n);
    expect(readI64(b, 0)).toBeNaN();
    b.writeBigInt64BE(-(2n ** 53n) - 1n);
    expect(readI64(b, 0)).toBeNaN();
  });

  it('writing what a field cannot hold, or past the end, is a RangeError; so is reading past the end', () => {
    const b = Buffer.alloc(8);
    for (const bad of [-1, 2 ** 53, 1.5, NaN, Infinity]) expect(() => writeU64(b, 0, bad), String(bad)).toThrow(RangeError);
    for (const bad of [-(2 ** 53), 2 ** 53, 0.5]) expect(() => writeI64(b, 0, bad), String(bad)).toThrow(RangeError);
    expect(() => writeU64(b, 1, 0)).toThrow(RangeError);
    expect(() => readU64(b, 1)).toThrow(/8 bytes at offset 1 run past the end of 8 bytes/);
    expect(() => readI64(b, -1)).toThrow(RangeError);
  });
});

/** One field of each kind, for round trips. */
type Field =
  | { kind: 'u8' | 'u16' | 'u32' | 'i32' | 'u64' | 'i64' | 'f64' | 'varint'; value: number }
  | { kind: 'blob'; value: Uint8Array }
  | { kind: 'str16'; value: string };

const field: fc.Arbitrary<Field> = fc.oneof(
  fc.record({ kind: fc.constant('u8' as const), value: fc.nat(0xff) }),
  fc.record({ kind: fc.constant('u16' as const), value: fc.nat(0xffff) }),
  fc.record({ kind: fc.constant('u32' as const), value: fc.nat(0xffff_ffff) }),
  fc.record({ kind: fc.constant('i32' as const), value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  fc.record({ kind: fc.constant('u64' as const), value: u64 }),
  fc.record({ kind: fc.constant('i64' as const), value: i64 }),
  fc.record({ kind: fc.constant('f64' as const), value: fc.double({ noNaN: true }) }),
  fc.record({ kind: fc.constant('varint' as const), value: u64 }),
  fc.record({ kind: fc.constant('blob' as const), value: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ kind: fc.constant('str16' as const), value: fc.string({ unit: 'grapheme', maxLength: 40 }) }),
);

function write(w: ByteWriter, f: Field): void {
  if (f.kind === 'blob') w.blob(f.value);
  else if (f.kind === 'str16') w.str16(f.value, 'a string');
  else w[f.kind](f.value);
}

function read(r: ByteReader, f: Field): unknown {
  return f.kind === 'str16' ? r.str16('a string') : r[f.kind]();
}

describe('ByteWriter and ByteReader', () => {
  it('any sequence of fields reads back as written, and the reader ends exactly at the end', () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 40 }), fc.nat(100), (fields, capacity) => {
        const w = new ByteWriter(capacity);
        for (const f of fields) write(w, f);
        const bytes = w.finishCopy();
        expect(bytes.length).toBe(w.length);
        const r = new ByteReader(bytes);
        for (const f of fields) expect(read(r, f)).toEqual(f.value);
        expect(r.remaining).toBe(0);
        r.end();
      }),
    );
  });

  it('every strict prefix of the bytes fails to read with the reader\'s error, never as other values', () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 10 }), (fields) => {
        const w = new ByteWriter();
        for (const f of fields) write(w, f);
        const bytes = w.finish();
        for (let len = 0; len < bytes.length; len++) {
          const r = new ByteReader(bytes.subarray(0, len), (detail) => new SyntaxError(detail));
          expect(() => {
            for (const f of fields) read(r, f);
            r.end();
          }).toThrow(SyntaxError);
        }
      }),
    );
  });

  it('varints are short for small numbers: 1 byte below 128, 8 at most', () => {
    const sizes = [0, 127, 128, 2 ** 31, 2 ** 53 - 1].map((n) => new ByteWriter().varint(n).length);
    expect(sizes).toEqual([1, 1, 2, 5, 8]);
  });

  it('a blob is a copy that outlives the bytes it came from; finish() is a view, finishCopy() is not', () => {
    const w = new ByteWriter().blob(Uint8Array.from([1, 2, 3]));
    const view = w.finish();
    const copy = w.finishCopy();
    const blob = new ByteReader(view).blob();
    view.fill(0);
    expect([...blob]).toEqual([1, 2, 3]);
    expect([...copy]).toEqual([3, 1, 2, 3]);
    expect(copy.buffer.byteLength).toBe(4);
  });

  it('the reader refuses impossible values: a varint beyond 2^53 or over 8 bytes, a u64 beyond 2^53, a count larger than the bytes left, stray bytes', () => {
    const fails = (bytes: number[], read: (r: ByteReader) => unknown) => {
      try {
        read(new ByteReader(Uint8Array.from(bytes)));
      } catch (e) {
        expect(e).toBeInstanceOf(BytesError);
        return (e as Error).message;
      }
      throw new Error('read did not fail');
    };
    expect(fails([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], (r) => r.varint('term'))).toMatch(/term beyond 2\^53/);
    expect(fails([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], (r) => r.varint())).toMatch(/longer than 8 bytes/);
    expect(fails([0x00, 0x20, 0, 0, 0, 0, 0, 0], (r) => r.u64('offset'))).toMatch(/offset beyond 2\^53 at byte 0/);
    expect(fails([0, 0, 0, 9, 1, 2], (r) => r.count('replicas', 1))).toMatch(/replicas says 9 items, more than the 2 bytes left/);
    expect(fails([5, 1, 2], (r) => r.blob('entry data'))).toMatch(/5 bytes of entry data run past the end/);
    expect(fails([1, 2], (r) => (r.u8(), r.end('a command')))).toMatch(/a command has 1 unexpected bytes at the end/);
    expect(fails([0, 4, 0x61], (r) => r.str16('topic name'))).toMatch(/topic name runs past the end/);
  });

  it('the writer refuses what a field cannot hold, naming it', () => {
    expect(() => new ByteWriter().varint(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().u32(2 ** 32)).toThrow(RangeError);
    expect(() => new ByteWriter().str16('x'.repeat(70_000), 'topic name')).toThrow(/topic name is 70000 bytes of UTF-8; at most 65535/);
  });
});

describe('zigzag', () => {
  it('maps every integer of magnitude up to 2^52 to a safe unsigned one and back, small magnitudes to small numbers', () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 }), (n) => {
      const z = zigzag(n);
      expect(Number.isSafeInteger(z) && z >= 0).toBe(true);
      expect(unzigzag(z)).toBe(n);
    }));
    expect([0, -1, 1, -2, 2].map(zigzag)).toEqual([0, 1, 2, 3, 4]);
  });
});
