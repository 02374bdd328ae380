/**
 * 64-bit fields as JS numbers. Offsets, indexes and producer ids stay below 2^53
 * (Number.MAX_SAFE_INTEGER): at a million records a second that is 285 years of log. Readers
 * reject anything beyond, so a corrupt field never turns into an imprecise number.
 */
const TWO_32 = 0x1_0000_0000;

export function writeU64(v: DataView, at: number, n: number): void {
  v.setUint32(at, Math.floor(n / TWO_32));
  v.setUint32(at + 4, n >>> 0);
}

/** Returns NaN when the value does not fit in 2^53: callers check with Number.isSafeInteger. */
export function readU64(v: DataView, at: number): number {
  const hi = v.getUint32(at);
  if (hi > 0x1f_ffff) return NaN;
  return hi * TWO_32 + v.getUint32(at + 4);
}

export function writeI64(v: DataView, at: number, n: number): void {
  const hi = Math.floor(n / TWO_32);
  v.setInt32(at, hi);
  v.setUint32(at + 4, n - hi * TWO_32);
}

export function readI64(v: DataView, at: number): number {
  const hi = v.getInt32(at);
  if (hi > 0x1f_ffff || hi < -0x20_0000) return NaN;
  return hi * TWO_32 + v.getUint32(at + 4);
}

export function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
