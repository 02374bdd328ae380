/**
 * 64-bit integers as JS numbers, big-endian (so LevelDB orders keys numerically), without bigint.
 * Raft indexes and terms, offsets, producer ids and timestamps stay within Number.MAX_SAFE_INTEGER
 * (2^53 - 1): at a million a second that is 285 years. Writers refuse anything else (a RangeError
 * is a bug in the caller); readers return NaN for a value beyond it, so a corrupt field never
 * turns into an imprecise number (callers check with Number.isSafeInteger where it matters), and
 * throw a RangeError for a field that runs past the end of the bytes.
 */
const TWO_32 = 0x1_0000_0000;
/** The high 32 bits of 2^53 - 1: the largest a safe u64 may have. */
const MAX_HI = 0x1f_ffff;

function outOfRange(what: string, n: number): RangeError {
  return new RangeError(`${what}: ${n} is not an integer in ${what === 'u64' ? '0' : '-(2^53-1)'}..2^53-1`);
}

function pastEnd(b: Uint8Array, at: number): RangeError {
  return new RangeError(`8 bytes at offset ${at} run past the end of ${b.length} bytes`);
}

/** Writes n (an integer 0..2^53-1) as 8 big-endian bytes at `at`. */
export function writeU64(b: Uint8Array, at: number, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw outOfRange('u64', n);
  if (!(at >= 0 && at + 8 <= b.length)) throw pastEnd(b, at);
  const hi = Math.floor(n / TWO_32);
  const lo = n >>> 0;
  b[at] = hi >>> 24;
  b[at + 1] = hi >>> 16;
  b[at + 2] = hi >>> 8;
  b[at + 3] = hi;
  b[at + 4] = lo >>> 24;
  b[at + 5] = lo >>> 16;
  b[at + 6] = lo >>> 8;
  b[at + 7] = lo;
}

/** The 8 big-endian bytes at `at` as a number; NaN when they hold 2^53 or more. */
export function readU64(b: Uint8Array, at: number): number {
  if (!(at >= 0 && at + 8 <= b.length)) throw pastEnd(b, at);
  const hi = b[at] * 0x100_0000 + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
  if (hi > MAX_HI) return NaN;
  return hi * TWO_32 + b[at + 4] * 0x100_0000 + ((b[at + 5] << 16) | (b[at + 6] << 8) | b[at + 7]);
}

/** Writes n (an integer -(2^53-1)..2^53-1) as 8 big-endian bytes, two's complement. */
export function writeI64(b: Uint8Array, at: number, n: number): void {
  if (!Number.isSafeInteger(n)) throw outOfRange('i64', n);
  if (!(at >= 0 && at + 8 <= b.length)) throw pastEnd(b, at);
  const hi = Math.floor(n / TWO_32); // -2^21..2^21-1; its low 32 bits are the two's complement high word
  const lo = n - hi * TWO_32; // 0..2^32-1
  b[at] = hi >>> 24;
  b[at + 1] = hi >>> 16;
  b[at + 2] = hi >>> 8;
  b[at + 3] = hi;
  b[at + 4] = lo >>> 24;
  b[at + 5] = lo >>> 16;
  b[at + 6] = lo >>> 8;
  b[at + 7] = lo;
}

/** The 8 big-endian two's complement bytes at `at` as a number; NaN outside -2^53..2^53-1. */
export function readI64(b: Uint8Array, at: number): number {
  if (!(at >= 0 && at + 8 <= b.length)) throw pastEnd(b, at);
  const hi = (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]; // signed
  if (hi > MAX_HI || hi < -(MAX_HI + 1)) return NaN;
  return hi * TWO_32 + b[at + 4] * 0x100_0000 + ((b[at + 5] << 16) | (b[at + 6] << 8) | b[at + 7]);
}

/** A DataView of exactly these bytes (for the fixed-width fields DataView reads natively). */
export function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
