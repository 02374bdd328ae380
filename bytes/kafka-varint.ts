/**
 * Kafka's variable-length integers (the record fields of a RecordBatch v2), as protobuf encodes
 * sint32/sint64: zigzag (0, -1, 1, -2, ... become 0, 1, 2, 3, ...), then 7 bits per byte, least
 * significant group first, the high bit set on every byte but the last.
 *
 *   varint:  a signed 32-bit value, 1..5 bytes
 *   varlong: a signed 64-bit value, 1..10 bytes; here only -(2^53-1)..2^53-1 (safe integers): the
 *            zigzag value of a negative one can reach 2^54, beyond exact doubles, so the arithmetic
 *            below never forms it (it splits off the sign bit first).
 *
 * Writers return the position after what they wrote; readers go through a `VarintReader`, whose
 * `pos` moves on, so that nothing is allocated per value.
 */

const TWO_31 = 0x8000_0000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Whether n is a signed 32-bit integer (what a varint holds). */
export function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= -TWO_31 && n < TWO_31;
}

/** Encoded size of a varint; n must be an int32. */
export function sizeOfVarint(n: number): number {
  let z = ((n << 1) ^ (n >> 31)) >>> 0;
  let size = 1;
  while (z >= 0x80) {
    z >>>= 7;
    size++;
  }
  return size;
}

/** Writes a varint at `at`; n must be an int32. Returns the position after it. */
export function writeVarint(buf: Uint8Array, at: number, n: number): number {
  let z = ((n << 1) ^ (n >> 31)) >>> 0;
  while (z >= 0x80) {
    buf[at++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[at++] = z;
  return at;
}

/** Encoded size of a varlong; n must be a safe integer. */
export function sizeOfVarlong(n: number): number {
  if (n >= -TWO_31 && n < TWO_31) return sizeOfVarint(n); // an int32's zigzag is the same in 64 bits
  // zigzag(n) = 2k + s with s the sign bit and k = |n| or |n| - 1: its groups after the first are k / 64.
  let rest = Math.floor((n < 0 ? -n - 1 : n) / 64);
  let size = 1;
  while (rest > 0) {
    rest = Math.floor(rest / 128);
    size++;
  }
  return size;
}

/** Writes a varlong at `at`; n must be a safe integer. Returns the position after it. */
export function writeVarlong(buf: Uint8Array, at: number, n: number): number {
  if (n >= -TWO_31 && n < TWO_31) return writeVarint(buf, at, n);
  const s = n < 0 ? 1 : 0;
  const k = n < 0 ? -n - 1 : n; // zigzag(n) = 2k + s, and k <= 2^53 - 1 is exact
  let rest = Math.floor(k / 64);
  buf[at++] = ((k % 64) << 1) | s | 0x80; // rest > 0: |n| >= 2^31
  while (rest >= 0x80) {
    buf[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  buf[at++] = rest;
  return at;
}

/** Why a read returned NaN. */
export type VarintProblem = 'truncated' | 'too long' | 'beyond int32' | 'beyond 2^53';

/** Reads varints and varlongs from `buf`, moving `pos` past each. */
export class VarintReader {
  pos = 0;
  /** Set when a read returns NaN. */
  problem: VarintProblem = 'truncated';

  constructor(readonly buf: Uint8Array) {}

  /** A varint ending before `end`, or NaN (see `problem`): truncated, more than 5 bytes, or not an int32. */
  varint(end: number): number {
    const { buf } = this;
    let p = this.pos;
    let z = 0;
    for (let shift = 0; ; shift += 7) {
      if (p >= end) return this.fail('truncated');
      const b = buf[p++];
      if (shift === 28) {
        if (b & 0x80) return this.fail('too long');
        if (b > 0x0f) return this.fail('beyond int32'); // bits above the 32nd
        z = (z | (b << 28)) >>> 0;
        break;
      }
      z |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    this.pos = p;
    return (z >>> 1) ^ -(z & 1);
  }

  /** A varlong ending before `end`, or NaN (see `problem`): truncated, more than 10 bytes, or beyond ±(2^53-1). */
  varlong(end: number): number {
    const { buf } = this;
    let p = this.pos;
    if (p >= end) return this.fail('truncated');
    let b = buf[p++];
    const s = b & 1;
    let k = (b & 0x7f) >>> 1; // k = zigzag >> 1; every later group adds (b & 0x7f) * 2^(7i - 1)
    let scale = 64;
    for (let i = 1; b >= 0x80; i++) {
      if (i === 10) return this.fail('too long');
      if (p >= end) return this.fail('truncated');
      b = buf[p++];
      k += (b & 0x7f) * scale; // rounding is monotone, so a k beyond 2^53 - 1 is still seen as such
      scale *= 128;
    }
    if (k > MAX_SAFE || (s === 1 && k === MAX_SAFE)) return this.fail('beyond 2^53');
    this.pos = p;
    return s === 1 ? -k - 1 : k;
  }

  private fail(problem: VarintProblem): number {
    this.problem = problem;
    return NaN;
  }
}
