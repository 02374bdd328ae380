/**
 * Signed integers as unsigned, small magnitudes small (0, -1, 1, -2, ... as 0, 1, 2, 3, ...), for
 * varints of values that may be negative, such as deltas. Arithmetic, not bit operators, so the
 * whole safe range works: |n| up to 2^52 maps into 0..2^53-1.
 */
export function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

export function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}
