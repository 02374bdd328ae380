/**
 * LevelDB key layout. Big-endian numbers, so byte order is numeric order:
 *   'm'                         node identity (cluster id, node id)
 *   's' group:u32               a group's state: hard state, snapshot point, last index, membership, term runs
 *   'd' group:u32               a group's latest snapshot (metadata and data)
 *   'e' group:u32 index:u64     one log entry; a group's entries are one contiguous range
 * Group ids are 0..2^32-1; indexes stay below 2^53 (Number.MAX_SAFE_INTEGER).
 */
import { readU64, writeU64 } from '../bytes';

export const NODE_KEY = Buffer.from('m');
const STATE = 0x73; // 's'
const SNAP = 0x64; // 'd'
const ENTRY = 0x65; // 'e'

export function stateKey(group: number): Buffer {
  const k = Buffer.allocUnsafe(5);
  k[0] = STATE;
  k.writeUInt32BE(group, 1);
  return k;
}

export const STATE_RANGE = { gte: Buffer.from([STATE]), lt: Buffer.from([STATE + 1]) };

export function groupOfStateKey(key: Buffer): number {
  return key.readUInt32BE(1);
}

export function snapshotKey(group: number): Buffer {
  const k = Buffer.allocUnsafe(5);
  k[0] = SNAP;
  k.writeUInt32BE(group, 1);
  return k;
}

export function entryKey(group: number, index: number): Buffer<ArrayBuffer> {
  const k = Buffer.allocUnsafe(13);
  k[0] = ENTRY;
  k.writeUInt32BE(group, 1);
  writeU64(k, 5, index);
  return k;
}

export function indexOfEntryKey(key: Buffer): number {
  return readU64(key, 5);
}

export function groupOfEntryKey(key: Buffer): number {
  return key.readUInt32BE(1);
}

/** Every entry key there is, of all groups. */
export const ENTRY_RANGE: { gte: Buffer<ArrayBuffer>; lt: Buffer<ArrayBuffer> } = { gte: Buffer.from([ENTRY]), lt: Buffer.from([ENTRY + 1]) };

/** Every entry key of one group, whatever its index. */
export function groupEntryRange(group: number): { gte: Buffer; lt: Buffer } {
  const lt = Buffer.alloc(13, 0xff);
  lt[0] = ENTRY;
  lt.writeUInt32BE(group, 1);
  return { gte: entryKey(group, 0), lt };
}

/** The first key past all of `group`'s entries (where the next group's entries start). */
export function afterGroupEntries(group: number): Buffer<ArrayBuffer> {
  return group === 0xffff_ffff ? ENTRY_RANGE.lt : entryKey(group + 1, 0);
}

/** Keys of the group's entries with index in [lo, hi). */
export function entryRange(group: number, lo: number, hi: number): { gte: Buffer; lt: Buffer } {
  return { gte: entryKey(group, lo), lt: entryKey(group, hi) };
}
