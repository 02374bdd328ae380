import { crc32c } from './crc32c';

/**
 * Updating a CRC32C after changing a few bytes of what it covers, in O(log n) rather than a pass
 * over all n bytes, and without ever blessing bytes that were already damaged.
 *
 * A CRC without its initial and final inversion (the "raw" register) is linear over GF(2):
 * raw(a XOR d) = raw(a) XOR raw(d). The inversions depend only on the length, so for two messages
 * of one length, crc(a XOR d) = crc(a) XOR raw(d). Here d is zero except where bytes changed:
 * raw(d) is the raw CRC of the changed span's XOR-difference (leading zeros leave a zero register
 * unchanged), followed by the bytes after it as zeros, which multiplies by x^(8 * count) modulo
 * the polynomial (zlib's crc32_combine arithmetic, with the Castagnoli polynomial).
 *
 * So a stored CRC that was wrong before the patch stays exactly as wrong after it.
 */

const POLY = 0x82f63b78; // Castagnoli, reflected: bit 31 is x^0
const X0 = 0x8000_0000; // the polynomial 1

/** a(x) * b(x) modulo the polynomial, reflected. */
function multModP(a: number, b: number): number {
  let m = X0;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) modulo the polynomial. */
const X2N: number[] = (() => {
  const t = [X0 >>> 1]; // x^1
  for (let k = 1; k < 32; k++) t.push(multModP(t[k - 1], t[k - 1]));
  return t;
})();

/** x^(8 * bytes) modulo the polynomial: what appending `bytes` zero bytes multiplies a raw CRC by. */
function zeroBytesOperator(bytes: number): number {
  let p = X0;
  let n = bytes;
  for (let k = 3; n > 0; k++, n = Math.floor(n / 2)) {
    if (n % 2 === 1) p = multModP(X2N[k & 31], p);
  }
  return p;
}

/**
 * The CRC32C of a byte range after a span of it changed from `before` to `after` (equal lengths),
 * given `crc`, the CRC32C of the range before the change, and `following`, how many bytes of the
 * range come after the span. What precedes the span does not matter.
 */
export function patchCrc32c(crc: number, before: Uint8Array, after: Uint8Array, following: number): number {
  if (before.length !== after.length) throw new RangeError(`patchCrc32c: spans of ${before.length} and ${after.length} bytes`);
  const diff = new Uint8Array(after.length);
  for (let i = 0; i < diff.length; i++) diff[i] = before[i] ^ after[i];
  const raw = ~crc32c(diff, 0xffff_ffff) >>> 0; // starting from register 0, and without the final inversion
  return (crc ^ multModP(zeroBytesOperator(following), raw)) >>> 0;
}
