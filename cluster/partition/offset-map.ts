/**
 * The log cleaner's offset map (Kafka's SkimpyOffsetMap): for each key, the offset of its latest
 * record, keyed by a 128-bit hash of the key rather than the key itself, in one fixed allocation.
 * Open addressing with linear probing over typed arrays: 24 bytes a slot (16 of hash, 8 of
 * offset), filled to at most 90%, so a map of `bytes` holds 0.9 * bytes / 24 keys (1M keys in 26.7
 * MB) whatever the keys' sizes, and the memory of a cleaning pass is bounded by this map alone.
 *
 * Two keys with the same 128-bit hash would be taken for one (the older key's records would be
 * removed as if superseded); with n keys in a map that happens with probability about n^2 / 2^129
 * (for a billion keys, 10^-21): Kafka's cleaner makes the same bet with MD5.
 */
export const OFFSET_MAP_SLOT_BYTES = 24;
const LOAD_FACTOR = 0.9;

export class OffsetMap {
  readonly slots: number;
  /** Keys it holds at most (90% of the slots). */
  readonly capacity: number;
  private readonly hashes: Uint32Array;
  /** offset + 1 of each slot's key; 0 = an empty slot. */
  private readonly offsets: Float64Array;
  private size_ = 0;

  constructor(bytes: number) {
    this.slots = Math.max(16, Math.floor(bytes / OFFSET_MAP_SLOT_BYTES));
    this.capacity = Math.floor(this.slots * LOAD_FACTOR);
    this.hashes = new Uint32Array(this.slots * 4);
    this.offsets = new Float64Array(this.slots);
  }

  get size(): number {
    return this.size_;
  }

  /** Keys it can still take. */
  get room(): number {
    return this.capacity - this.size_;
  }

  /** The slot holding `h`, or the empty slot where it would go. */
  private find(h: Uint32Array): number {
    let i = h[0] % this.slots;
    const hs = this.hashes;
    for (;;) {
      if (this.offsets[i] === 0) return i;
      const b = i * 4;
      if (hs[b] === h[0] && hs[b + 1] === h[1] && hs[b + 2] === h[2] && hs[b + 3] === h[3]) return i;
      i = i + 1 === this.slots ? 0 : i + 1;
    }
  }

  /** Record that the key hashing to `h` has a record at `offset` (the later offset wins). */
  put(h: Uint32Array, offset: number): void {
    const i = this.find(h);
    if (this.offsets[i] === 0) {
      if (this.size_ >= this.capacity) throw new RangeError(`the offset map is full (${this.capacity} keys)`);
      this.hashes.set(h, i * 4);
      this.size_++;
    }
    if (offset + 1 > this.offsets[i]) this.offsets[i] = offset + 1;
  }

  /** The latest offset recorded for the key hashing to `h`, or -1. */
  get(h: Uint32Array): number {
    return this.offsets[this.find(h)] - 1;
  }

  clear(): void {
    this.hashes.fill(0);
    this.offsets.fill(0);
    this.size_ = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// MurmurHash3 x86_128 (Austin Appleby, public domain), into a reused Uint32Array(4).

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function word(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);
}

/** The 128-bit MurmurHash3 (x86 variant, seed 0) of bytes[start, start + length), written to `out`. */
export function keyHash(bytes: Uint8Array, start: number, length: number, out: Uint32Array): Uint32Array {
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  const blocks = length >>> 4;
  for (let i = 0; i < blocks; i++) {
    const at = start + i * 16;
    let k1 = word(bytes, at);
    let k2 = word(bytes, at + 4);
    let k3 = word(bytes, at + 8);
    let k4 = word(bytes, at + 12);
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  const tail = start + blocks * 16;
  const rest = length & 15;
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  // The tail's bytes, little-endian, into k1..k4 (the reference's fall-through switch, as tests on `rest`).
  if (rest > 14) k4 ^= bytes[tail + 14] << 16;
  if (rest > 13) k4 ^= bytes[tail + 13] << 8;
  if (rest > 12) {
    k4 ^= bytes[tail + 12];
    h4 ^= Math.imul(rotl(Math.imul(k4, C4), 18), C1);
  }
  if (rest > 11) k3 ^= bytes[tail + 11] << 24;
  if (rest > 10) k3 ^= bytes[tail + 10] << 16;
  if (rest > 9) k3 ^= bytes[tail + 9] << 8;
  if (rest > 8) {
    k3 ^= bytes[tail + 8];
    h3 ^= Math.imul(rotl(Math.imul(k3, C3), 17), C4);
  }
  if (rest > 7) k2 ^= bytes[tail + 7] << 24;
  if (rest > 6) k2 ^= bytes[tail + 6] << 16;
  if (rest > 5) k2 ^= bytes[tail + 5] << 8;
  if (rest > 4) {
    k2 ^= bytes[tail + 4];
    h2 ^= Math.imul(rotl(Math.imul(k2, C2), 16), C3);
  }
  if (rest > 3) k1 ^= bytes[tail + 3] << 24;
  if (rest > 2) k1 ^= bytes[tail + 2] << 16;
  if (rest > 1) k1 ^= bytes[tail + 1] << 8;
  if (rest > 0) {
    k1 ^= bytes[tail];
    h1 ^= Math.imul(rotl(Math.imul(k1, C1), 15), C2);
  }
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  out[0] = h1;
  out[1] = h2;
  out[2] = h3;
  out[3] = h4;
  return out;
}
