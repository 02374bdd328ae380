/**
 * The simulated application: a list of proposal ids in the order they were applied. A proposal
 * is a 4-byte big-endian id; a snapshot of the application is the list packed the same way.
 */

export function encodeId(id: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, id);
  return b;
}

export function decodeId(b: Uint8Array): number {
  if (b.length !== 4) throw new Error(`simulated proposal has ${b.length} bytes, expected 4`);
  return new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
}

export function encodeApplied(applied: readonly number[]): Uint8Array {
  const b = new Uint8Array(applied.length * 4);
  const v = new DataView(b.buffer);
  applied.forEach((id, i) => v.setUint32(i * 4, id));
  return b;
}

export function decodeApplied(b: Uint8Array): number[] {
  if (b.length % 4 !== 0) throw new Error(`simulated snapshot has ${b.length} bytes, not a multiple of 4`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: b.length / 4 }, (_, i) => v.getUint32(i * 4));
}
